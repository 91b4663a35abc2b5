"""The participant import: template, upload, preview (mapping, defaults, employers, the
plan and the problems), confirm, the rejected rows as a file, cancel."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digiproj.forms import apply_validation_error
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import forms, import_forms, importing, permissions, selectors, services
from . import selectors_import as shown
from .views import HtmxHttpRequest, _context

MAX_ERRORS_SHOWN = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@project_permission_required("participants.import")
def import_template(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    organisations = selectors.organisation_choices(access=access)
    return _xlsx(importing.template_workbook(access.project, organisations), "deltagarmall.xlsx")


@project_permission_required("participants.import")
def import_upload(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.participant_import_upload(
                project=access.project,
                organisation=permissions.import_organisation_for(access),
                user_id=access.user_id,
                upload=form.cleaned_data["file"],
            )
        except importing.ImportFileError as exc:
            form.add_error("file", exc.message)
        except ValidationError as exc:  # the broker is down: nothing was kept
            apply_validation_error(form, exc)
            return _import_upload_page(request, access, form, status=503)
        else:
            return redirect("participants:import_preview", access.project.pk, upload.pk)
    return _import_upload_page(request, access, form)


def _import_upload_page(
    request: HttpRequest, access: ProjectAccess, form: forms.ImportUploadForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "participants/import_upload.html",
        _context(access, form=form, own_organisation=permissions.import_organisation_for(access)),
        status=status,
    )


@project_permission_required("participants.import")
def import_preview(request: HtmxHttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    if request.htmx:  # the progress poll
        return render(
            request, "participants/_import_progress.html", _context(access, upload=upload)
        )
    return render(request, "participants/import_preview.html", _preview_context(access, upload))


def _preview_context(access: ProjectAccess, upload: Any, **forms_given: Any) -> dict[str, Any]:
    defaults_form = _defaults_form(access, upload)
    organisations = selectors.organisation_choices(access=access)
    plan = shown.import_plan_shown(upload)
    return _context(
        access,
        upload=upload,
        errors=_shown_errors(upload.errors),
        rows_with_errors=len({e["row"] for e in upload.errors}),
        preview=upload.preview,
        plan=plan,
        ignored=importing.unrecognised_headers(upload.headers, upload.mapping),
        blanks=shown.import_blanks_shown(upload, defaults_form.shown()),
        defaults_form=defaults_form,
        mapping_form=import_forms.ImportMappingForm(headers=upload.headers, mapping=upload.mapping),
        alias_forms=[
            import_forms.OrganisationAliasForm(
                initial={"name": name}, organisations=organisations, prefix=f"a{i}"
            )
            for i, name in enumerate(shown.import_unknown_employers(upload))
        ],
        confirm_form=forms_given.get("confirm_form") or import_forms.ImportConfirmForm(),
        form=forms.ImportUploadForm(),
    )


def _shown_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first problems, each in the reader's language whatever it was checked in."""
    return [{**e, "message": importing.error_text(e)} for e in errors[:MAX_ERRORS_SHOWN]]


def _defaults_form(
    access: ProjectAccess, upload: Any, data: Any = None
) -> import_forms.ImportDefaultsForm:
    fixed = permissions.import_organisation_for(access)
    return import_forms.ImportDefaultsForm(
        data,
        organisations=None if fixed else selectors.organisation_choices(access=access),
        defaults=upload.defaults,
    )


def _form_errors(request: HttpRequest, form: Any) -> None:
    for message in form.errors.as_data().values():
        messages.error(request, " ".join(str(m) for e in message for m in e.messages))


@require_POST
@project_permission_required("participants.import")
def import_defaults(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    form = _defaults_form(access, upload, request.POST)
    if form.is_valid():
        services.participant_import_set_defaults(upload=upload, defaults=form.defaults())
        messages.success(request, _("Valen för tomma celler är sparade och raderna kontrollerade."))
    else:
        _form_errors(request, form)
    return redirect("participants:import_preview", access.project.pk, upload.pk)


@require_POST
@project_permission_required("participants.import")
def import_mapping(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    form = import_forms.ImportMappingForm(
        request.POST, headers=upload.headers, mapping=upload.mapping
    )
    if form.is_valid():
        try:
            services.import_mapping_set(upload=upload, mapping=form.mapping())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Kolumnerna är kopplade och sparade för projektet."))
    return redirect("participants:import_preview", access.project.pk, upload.pk)


@require_POST
@project_permission_required("participants.import")
def import_alias(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    prefix = request.POST.get("prefix", "")
    form = import_forms.OrganisationAliasForm(
        request.POST, prefix=prefix, organisations=selectors.organisation_choices(access=access)
    )
    if form.is_valid():
        services.organisation_alias_add(upload=upload, **form.cleaned_data)
        messages.success(
            request,
            _("”%(name)s” läses nu som %(org)s i projektet.")
            % {"name": form.cleaned_data["name"], "org": form.cleaned_data["organisation"].name},
        )
    else:
        _form_errors(request, form)
    return redirect("participants:import_preview", access.project.pk, upload.pk)


@project_permission_required("participants.import")
def import_rejected(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    if upload.status != upload.Status.PENDING or not upload.errors:
        return redirect("participants:import_preview", access.project.pk, upload.pk)
    return _xlsx(shown.import_rejected_rows_file(upload), "rader-med-fel.xlsx")


@require_POST
@project_permission_required("participants.import")
def import_confirm(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    form = import_forms.ImportConfirmForm(request.POST)
    if not form.is_valid():
        context = _preview_context(access, upload, confirm_form=form)
        return render(request, "participants/import_preview.html", context, status=400)
    if upload.row_count > settings.PARTICIPANT_IMPORT_SYNC_ROWS:
        try:
            services.participant_import_enqueue(upload=upload, choice=form.choice())
        except ValidationError as exc:  # the broker is down: the preview stays as it was
            for message in exc.messages:
                messages.error(request, message)
        return redirect("participants:import_preview", access.project.pk, upload.pk)
    upload = services.participant_import_confirm(
        upload_id=upload.pk, user_id=access.user_id, choice=form.choice()
    )
    if upload.status == upload.Status.DONE:
        messages.success(request, _done_message(upload))
        return redirect("participants:list", access.project.pk)
    return redirect("participants:import_preview", access.project.pk, upload.pk)


def _done_message(upload: Any) -> str:
    done = ngettext(
        "%(count)s deltagare importerades från %(file)s.",
        "%(count)s deltagare importerades från %(file)s.",
        upload.imported_count,
    ) % {"count": upload.imported_count, "file": upload.filename}
    if not (upload.updated_count or upload.ended_count):
        return done
    return (
        done
        + " "
        + _("%(updated)s fick ändrade uppgifter och %(ended)s avslutades.")
        % {"updated": upload.updated_count, "ended": upload.ended_count}
    )


@require_POST
@project_permission_required("participants.import")
def import_cancel(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    services.participant_import_cancel(upload=upload)
    messages.info(request, _("Importen är avbruten. Ingenting sparades."))
    return redirect("participants:import", access.project.pk)
