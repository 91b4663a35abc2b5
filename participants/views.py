from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiproj.forms import apply_validation_error
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import forms, importing, permissions, selectors, services
from . import personnummer as pnr

PAGE_SIZE = 50


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


# A personnummer typed into the list's search is kept here ({key: number}); the list's URL
# carries only the key. The newest few are kept, for the back button and other tabs.
NUMBER_SEARCHES = "participants.number_searches"
MAX_NUMBER_SEARCHES = 20


@project_permission_required("participants.view")
def participant_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The list is a GET URL of its filters, so page 2, bookmarks and the back button work.
    The search form posts and is redirected to that URL; a personnummer typed into it never
    goes into the URL (nor the access log, the history or a Referer): it stays in the session
    and the URL carries an opaque key (?nr=). An old link with a number in ?q= is redirected
    the same way, so the number is not passed on to page 2."""
    status = 200
    if request.method == "POST" or pnr.contains_full_number(request.GET.get("q", "")):
        outcome = _search_redirect(request, access)
        if isinstance(outcome, HttpResponse):
            return outcome
        form, filters, status = outcome, {}, 400  # a number that is not valid: explained
    else:
        form, filters = _list_filters(request, access)
    queryset = selectors.participation_search(
        access=access, filters=filters, ordering=form.ordering
    )
    if status != 200:
        queryset = queryset.none()
    page = paginate(request, queryset, PAGE_SIZE)
    return render(
        request,
        "participants/participant_list.html",
        _context(access, page=page, form=form, can_edit=access.can("participants.edit")),
        status=status,
    )


def _filter_form(access: ProjectAccess, data: Any) -> forms.ParticipantFilterForm:
    form = forms.ParticipantFilterForm(
        data, project=access.project, organisations=selectors.organisation_choices(access=access)
    )
    form.is_valid()  # an invalid field (e.g. another project's organisation) is just left out
    return form


def _list_filters(
    request: HttpRequest, access: ProjectAccess
) -> tuple[forms.ParticipantFilterForm, dict[str, Any]]:
    """The filters of the list's URL; ?nr= is looked up in the session."""
    data = request.GET.copy()
    number = _number_search_get(request, data.get("nr", ""))
    if number:
        data["q"] = pnr.mask(number)  # the search box shows what was searched, masked
    form = _filter_form(access, data)
    filters = dict(form.cleaned_data)
    if number:
        filters["personnummer"] = number
    elif data.get("nr"):
        form.add_error(
            "q",
            _("Sökningen på personnummer gäller bara medan du är inloggad. Skriv numret igen."),
        )
    return form, filters


def _search_redirect(
    request: HttpRequest, access: ProjectAccess
) -> HttpResponse | forms.ParticipantFilterForm:
    """Redirect submitted search data to the list's URL, a typed personnummer replaced by a
    key to it in the session. A number that is not valid gives back the form with the
    reason, and nothing is searched."""
    data = request.POST if request.method == "POST" else request.GET
    params = QueryDict(mutable=True)
    for name in forms.ParticipantFilterForm.base_fields:
        if value := data.get(name, "").strip():
            params[name] = value
    query = params.get("q", "")
    if pnr.contains_full_number(query):
        try:
            number = pnr.normalize("".join(query.split()))  # "800101 - 9802" too
        except ValidationError as exc:
            form = _filter_form(access, {**params.dict(), "nr": ""})
            form.add_error("q", exc)
            return form
        del params["q"]
        params["nr"] = _number_search_store(request, number)
    elif params.get("nr"):
        # The box still shows that search's masked number: the same search. Otherwise the
        # new text replaces it.
        number = _number_search_get(request, params["nr"])
        if number and query == pnr.mask(number):
            del params["q"]
        else:
            del params["nr"]
    url = reverse("participants:list", args=[access.project.pk])
    return redirect(f"{url}?{params.urlencode()}" if params else url)


def _number_search_store(request: HttpRequest, number: str) -> str:
    searches: dict[str, str] = request.session.get(NUMBER_SEARCHES, {})
    key = next((k for k, v in searches.items() if v == number), None) or secrets.token_urlsafe(9)
    searches.pop(key, None)
    searches[key] = number
    while len(searches) > MAX_NUMBER_SEARCHES:
        searches.pop(next(iter(searches)))
    request.session[NUMBER_SEARCHES] = searches
    return key


def _number_search_get(request: HttpRequest, key: str) -> str | None:
    return request.session.get(NUMBER_SEARCHES, {}).get(key) if key else None


@project_permission_required("participants.view")
def participant_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    return render(
        request, "participants/participant_detail.html", _detail_context(access, participation)
    )


def _detail_context(access: ProjectAccess, participation: Any, **extra: Any) -> dict[str, Any]:
    history = (
        selectors.person_history(participation=participation)
        if access.can("participants.history")
        else None
    )
    corrections = list(selectors.correction_requests_open(participation=participation))
    return _context(
        access,
        participation=participation,
        history=history,
        corrections=corrections,
        end_form=forms.EndParticipationForm(participation=participation),
        erase_form=forms.EraseForm(),
        **extra,
    )


@project_permission_required("participants.edit")
def participant_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    organisations = selectors.organisation_choices(access=access)
    form = forms.ParticipantForm(
        request.POST or None,
        initial={"start_date": max(timezone.localdate(), access.project.start_date)},
        project=access.project,
        organisations=organisations,
        coordinator=access.is_coordinator,
    )
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.participant_add(project=access.project, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Deltagaren är tillagd."))
            return redirect("participants:detail", access.project.pk, participation.pk)
    return render(
        request,
        "participants/participant_form.html",
        _context(access, form=form, title=_("Lägg till deltagare")),
    )


@project_permission_required("participants.edit")
def participant_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    initial = {
        **{name: getattr(participation, name) for name in services.PERSON_FIELDS},
        "gender_override": participation.gender_override,
        "gender_override_reason": participation.gender_override_reason,
        "organisation": participation.organisation_id,
        "consent_given": bool(participation.consent_given_at),
        "protected_identity": participation.protected_identity,
        **{name: getattr(participation, name) for name in services.PARTICIPATION_FIELDS},
    }
    form = forms.ParticipantForm(
        request.POST or None,
        initial=initial,
        project=access.project,
        organisations=selectors.organisation_choices(access=access),
        editing=True,
        coordinator=access.is_coordinator,
        hide_contact_data=participation.protected_identity and not access.is_coordinator,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("personnummer"):
            data.pop("personnummer", None)  # blank: keep the number
        try:
            services.participant_update(participation=participation, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Uppgifterna är sparade."))
            return redirect("participants:detail", access.project.pk, participation.pk)
    return render(
        request,
        "participants/participant_form.html",
        _context(access, form=form, participation=participation, title=_("Ändra uppgifter")),
    )


@require_POST
@project_permission_required("participants.edit")
def participation_end(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    form = forms.EndParticipationForm(request.POST, participation=participation)
    if form.is_valid():
        try:
            services.participation_end(participation=participation, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Deltagandet är avslutat."))
            return redirect("participants:detail", access.project.pk, participation.pk)
    context = _detail_context(access, participation)
    context["end_form"] = form
    return render(request, "participants/participant_detail.html", context, status=400)


@require_POST
@project_permission_required("participants.edit")
def participation_reopen(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    services.participation_reopen(participation=participation)
    messages.success(request, _("Deltagandet pågår igen. Startdatumet är oförändrat."))
    return redirect("participants:detail", access.project.pk, participation.pk)


@require_POST
@project_permission_required("participants.reveal_personnummer")
def personnummer_reveal(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    full = services.personnummer_reveal(
        participation=participation, user_id=request.user.pk, context="participant_detail"
    )
    return render(
        request,
        "participants/participant_detail.html",
        _detail_context(access, participation, full_personnummer=full),
    )


@require_POST
@project_permission_required("participants.edit")
def correction_handled(
    request: HttpRequest, access: ProjectAccess, pk: int, correction_pk: int
) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    correction = permissions.correction_get(participation, correction_pk)
    services.correction_request_handle(correction=correction, user_id=request.user.pk)
    messages.success(request, _("Begäran är markerad som åtgärdad."))
    return redirect("participants:detail", access.project.pk, participation.pk)


@require_POST
@project_permission_required("participants.erase")
def person_erase(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    form = forms.EraseForm(request.POST)
    if not form.is_valid():
        context = _detail_context(access, participation)
        context["erase_form"] = form
        return render(request, "participants/participant_detail.html", context, status=400)
    done = services.person_erase(participation=participation, user_id=request.user.pk)
    if done == "contact":
        messages.success(
            request,
            _(
                "E-post, telefon och inloggning är raderade. "
                "Uppgifter som finansiären kräver finns kvar."
            ),
        )
        return redirect("participants:detail", access.project.pk, participation.pk)
    messages.success(request, _("Personen är avidentifierad i projektet."))
    return redirect("participants:list", access.project.pk)


# ---------------------------------------------------------------------------------------------
# Import

MAX_ERRORS_SHOWN = 1000


@project_permission_required("participants.import")
def import_template(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    response = HttpResponse(
        importing.template_workbook(access.project, selectors.organisation_choices(access=access)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="deltagarmall.xlsx"'
    return response


@project_permission_required("participants.import")
def import_upload(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Cheap (the zip directory only), so an expanding workbook is refused at once
            # here rather than unpacked, in this request or in a worker.
            importing.check_upload(upload, upload.name)
        except importing.ImportFileError as exc:
            form.add_error("file", exc.message)
            return _import_upload_page(request, access, form)
        if services.participant_import_in_worker(upload):
            try:
                received = services.participant_import_receive(
                    project=access.project,
                    organisation=permissions.import_organisation_for(access),
                    user_id=request.user.pk,
                    upload=upload,
                )
            except ValidationError as exc:  # the broker is down: nothing was kept
                apply_validation_error(form, exc)
                return _import_upload_page(request, access, form, status=503)
            return redirect("participants:import_preview", access.project.pk, received.pk)
        try:
            prepared = services.participant_import_prepare(
                project=access.project,
                organisation=permissions.import_organisation_for(access),
                user_id=request.user.pk,
                filename=upload.name,
                data=upload.read(importing.MAX_FILE_BYTES + 1),
            )
        except importing.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("participants:import_preview", access.project.pk, prepared.pk)
    return _import_upload_page(request, access, form)


def _import_upload_page(
    request: HttpRequest, access: ProjectAccess, form: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "participants/import_upload.html",
        _context(access, form=form, own_organisation=permissions.import_organisation_for(access)),
        status=status,
    )


@project_permission_required("participants.import")
def import_preview(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    if request.htmx:  # the progress poll
        return render(
            request, "participants/_import_progress.html", _context(access, upload=upload)
        )
    return render(
        request,
        "participants/import_preview.html",
        _context(
            access,
            upload=upload,
            errors=upload.errors[:MAX_ERRORS_SHOWN],
            rows_with_errors=len({e["row"] for e in upload.errors}),
            preview=upload.preview,
            form=forms.ImportUploadForm(),
        ),
    )


@require_POST
@project_permission_required("participants.import")
def import_confirm(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    if upload.row_count > settings.PARTICIPANT_IMPORT_SYNC_ROWS:
        try:
            services.participant_import_enqueue(upload=upload)
        except ValidationError as exc:  # the broker is down: the preview stays as it was
            for message in exc.messages:
                messages.error(request, message)
        return redirect("participants:import_preview", access.project.pk, upload.pk)
    upload = services.participant_import_confirm(upload_id=upload.pk, user_id=request.user.pk)
    if upload.status == upload.Status.DONE:
        messages.success(
            request,
            _("%(count)s deltagare importerades från %(file)s.")
            % {"count": upload.imported_count, "file": upload.filename},
        )
        return redirect("participants:list", access.project.pk)
    return redirect("participants:import_preview", access.project.pk, upload.pk)


@require_POST
@project_permission_required("participants.import")
def import_cancel(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    upload = permissions.participant_import_get_for_user(access, pk)
    services.participant_import_cancel(upload=upload)
    messages.info(request, _("Importen är avbruten. Ingenting sparades."))
    return redirect("participants:import", access.project.pk)


# ---------------------------------------------------------------------------------------------
# Invitations and open registration links


@project_permission_required("participants.edit")
def invitation_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    organisations = selectors.organisation_choices(access=access)
    form = forms.InvitationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                project=access.project, invited_by_id=request.user.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Inbjudan skickas till %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("participants:invitations", access.project.pk)
    links = (
        list(selectors.registration_link_list(access=access))
        if access.can("participants.registration_links")
        else None
    )
    return render(
        request,
        "participants/invitations.html",
        _context(
            access,
            form=form,
            invitations=selectors.invitation_list(access=access)[:200],
            links=links,
            link_form=forms.RegistrationLinkForm(prefix="link", organisations=organisations),
            base_url=request.build_absolute_uri("/").rstrip("/"),
        ),
    )


@require_POST
@project_permission_required("participants.edit")
def invitation_resend(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    invitation = permissions.invitation_get_for_user(access, pk)
    services.invitation_resend(invitation=invitation)
    messages.success(request, _("En ny länk skickas. Den gamla slutar fungera."))
    return redirect("participants:invitations", access.project.pk)


@require_POST
@project_permission_required("participants.registration_links")
def registration_link_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.RegistrationLinkForm(
        request.POST, prefix="link", organisations=selectors.organisation_choices(access=access)
    )
    if form.is_valid():
        services.registration_link_create(
            project=access.project,
            organisation=form.cleaned_data["organisation"],
            created_by_id=request.user.pk,
        )
        messages.success(request, _("Registreringslänken är skapad och öppen."))
    return redirect("participants:invitations", access.project.pk)


@require_POST
@project_permission_required("participants.registration_links")
def registration_link_toggle(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    link = permissions.registration_link_get_for_user(access, pk)
    # The button says what it does ("open"/"close"), so a repeated click changes nothing.
    services.registration_link_set_active(link=link, is_active=request.POST.get("open") == "1")
    return redirect("participants:invitations", access.project.pk)
