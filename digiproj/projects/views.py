"""Projects from their grant decisions (new, copied, archived); a coordinator's project
settings, organisations and team."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digiproj import retention
from digiproj.confirm import confirmation_required
from digiproj.forms import apply_validation_error
from digiproj.http import AuthenticatedHttpRequest
from digiproj.uploads import memory_uploads

from . import forms, organisation_lists, selectors, services
from .models import Membership, ProjectOrganisation, UnitCost
from .permissions import ProjectAccess, platform_admin_required, project_permission_required


@platform_admin_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new project from its grant decision, with its owner and first coordinator."""
    form = forms.ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                user=request.user, fields=form.project_fields(), **form.owner_and_coordinator()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Projektet %(name)s är skapat.") % {"name": project.name})
            return redirect("project_organisations", project_id=project.pk)
    status = 400 if form.errors else 200
    return render(request, "projects/project_create.html", {"form": form}, status=status)


@project_permission_required("project.copy")
def project_copy(request: AuthenticatedHttpRequest, access: ProjectAccess) -> HttpResponse:
    """A new project with this one's settings, unit costs and organisations."""
    draft = selectors.project_copy_draft(access=access)
    form = forms.ProjectCopyForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_copy(
                access=access,
                user=request.user,
                fields=form.project_fields(),
                copy_team=form.cleaned_data["copy_team"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Projektet %(name)s är skapat.") % {"name": project.name})
            return redirect("project_settings", project_id=project.pk)
    context = {"access": access, "project": access.project, "form": form}
    return render(
        request, "projects/project_copy.html", context, status=400 if form.errors else 200
    )


@require_POST
@project_permission_required("project.archive")
def project_archive(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    page = _archive_confirmation(request, access)
    if page is not None:
        return page
    services.project_archive(access=access)
    messages.success(request, _("Projektet är arkiverat."))
    return redirect("project_dashboard", project_id=access.project.pk)


def _archive_confirmation(request: HttpRequest, access: ProjectAccess) -> HttpResponse | None:
    return confirmation_required(
        request,
        title=_("Arkivera %(name)s?") % {"name": access.project.name},
        consequences=[
            _(
                "Ingenting i projektet kan ändras efteråt: deltagare, aktiviteter, närvaro, "
                "enkäter, mål och inställningar blir skrivskyddade."
            ),
            _(
                "Uppgifterna och rapporterna går att läsa till gallringen, och projektet visas "
                "under Arkiverade projekt på startsidan."
            ),
        ],
        confirm_label=_("Arkivera projektet"),
        cancel_url=reverse("project_settings", args=[access.project.pk]),
        context={"project": access.project, "access": access},
    )


@project_permission_required("project.edit")
def project_settings(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ProjectSettingsForm(request.POST or None, instance=access.project)
    if request.method == "POST" and form.is_valid():
        try:
            _project, outside = services.project_update(access=access, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Projektets inställningar är sparade."))
            for found in outside:
                messages.warning(request, found.message)
            return redirect("project_settings", project_id=access.project.pk)
    return _settings_page(request, access, form, forms.UnitCostForm(prefix="unit"))


@require_POST
@project_permission_required("project.edit")
def unit_cost_set(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.UnitCostForm(request.POST, prefix="unit")
    if form.is_valid():
        try:
            services.unit_cost_set(
                access=access,
                year=form.cleaned_data["year"],
                sek_per_hour=form.cleaned_data["sek_per_hour"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Enhetskostnaden är sparad."))
            return redirect("project_settings", project_id=access.project.pk)
    settings_form = forms.ProjectSettingsForm(instance=access.project)
    return _settings_page(request, access, settings_form, form)


def _settings_page(
    request: HttpRequest,
    access: ProjectAccess,
    form: forms.ProjectSettingsForm,
    unit_cost_form: forms.UnitCostForm,
) -> HttpResponse:
    """The settings page with both forms; a form with errors is shown as sent, with a 400."""
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "unit_cost_form": unit_cost_form,
        "unit_costs": UnitCost.objects.filter(project=access.project),
    }
    status = 400 if form.errors or unit_cost_form.errors else 200
    return render(request, "projects/settings.html", context, status=status)


@project_permission_required("project.edit")
def project_organisations(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ProjectOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.project_organisation_add(access=access, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s är tillagd.") % {"name": link.organisation.name})
            return redirect("project_organisations", project_id=access.project.pk)
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "links": selectors.project_organisation_list(access=access),
        "list_form": forms.OrganisationListForm(),
    }
    return render(
        request, "projects/organisations.html", context, status=400 if form.errors else 200
    )


@memory_uploads(organisation_lists.MAX_FILE_BYTES + 1)
@project_permission_required("project.edit")
def project_organisations_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """A pasted or uploaded list, read and checked row by row; nothing is saved here."""
    form = forms.OrganisationListForm(request.POST or None, request.FILES or None)
    rows: list[organisation_lists.OrganisationRow] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = organisation_lists.check(access.project, _list_lines(form.cleaned_data))
        except organisation_lists.ListError as error:
            form.add_error(None, str(error))
    return _list_page(request, access, form, rows)


@require_POST
@project_permission_required("project.edit")
def project_organisations_list_save(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The checked list, sent back from the preview: saved whole, or nothing."""
    lines = organisation_lists.cells_from_text(request.POST.get("text", ""))
    try:
        links = services.project_organisations_add_list(access=access, lines=lines)
    except (ValidationError, organisation_lists.ListError):
        messages.error(request, _("Listan har ändrats eller har fel. Ingenting har sparats."))
        return redirect("project_organisations_list", project_id=access.project.pk)
    count = len(links)
    added = ngettext(
        "%(count)s organisation är tillagd.", "%(count)s organisationer är tillagda.", count
    )
    messages.success(request, added % {"count": count})
    return redirect("project_organisations", project_id=access.project.pk)


def _list_lines(data: dict[str, Any]) -> list[tuple[int, list[str]]]:
    upload = data.get("file")
    if upload is not None:
        return organisation_lists.cells_from_upload(upload, upload.name or "")
    return organisation_lists.cells_from_text(data["text"])


def _list_page(
    request: HttpRequest,
    access: ProjectAccess,
    form: forms.OrganisationListForm,
    rows: list[organisation_lists.OrganisationRow],
) -> HttpResponse:
    wrong = [row for row in rows if row.errors]
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "rows": rows,
        "wrong": wrong,
        "text": organisation_lists.as_text(rows) if rows and not wrong else "",
    }
    status = 400 if form.errors or wrong else 200
    return render(request, "projects/organisation_list.html", context, status=status)


@project_permission_required("project.edit")
def project_organisation_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    link = _link_get(access, pk)
    initial = {"name": link.organisation.name, "kind": link.organisation.kind, "role": link.role}
    form = forms.ProjectOrganisationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_organisation_update(access=access, link=link, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s är sparad.") % {"name": link.organisation.name})
            return redirect("project_organisations", project_id=access.project.pk)
    context = {"access": access, "project": access.project, "form": form, "link": link}
    status = 400 if form.errors else 200
    return render(request, "projects/organisation_edit.html", context, status=status)


@require_POST
@project_permission_required("project.edit")
def project_organisation_remove(
    request: HttpRequest, access: ProjectAccess, pk: int
) -> HttpResponse:
    link = _link_get(access, pk)
    page = confirmation_required(
        request,
        title=_("Ta bort %(name)s ur projektet?") % {"name": link.organisation.name},
        consequences=[_("Organisationen finns kvar i digiproj och kan läggas till igen.")],
        confirm_label=_("Ta bort organisationen"),
        cancel_url=reverse("project_organisations", args=[access.project.pk]),
        context={"project": access.project, "access": access},
    )
    if page is not None:
        return page
    try:
        services.project_organisation_remove(access=access, link=link)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s är borttagen ur projektet.") % {"name": link.organisation.name}
        )
    return redirect("project_organisations", project_id=access.project.pk)


def _link_get(access: ProjectAccess, pk: int) -> ProjectOrganisation:
    # Another project's organisation is a 404 like any object out of scope.
    return get_object_or_404(
        ProjectOrganisation.objects.select_related("organisation"), project=access.project, pk=pk
    )


@project_permission_required("project.edit")
def project_team(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.MembershipForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        try:
            membership, new_user = services.membership_add(
                access=access, **form.membership_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if new_user:
                added = _(
                    "%(email)s är tillagd och får ett mejl med en länk för att välja lösenord."
                )
            else:
                added = _("%(email)s är tillagd och får ett mejl om sin nya roll.")
            messages.success(request, added % {"email": membership.user.email})
            return redirect("project_team", project_id=access.project.pk)
    members = selectors.membership_list(access=access)
    context = {"access": access, "project": access.project, "form": form, "members": members}
    return render(request, "projects/team.html", context, status=400 if form.errors else 200)


@require_POST
@project_permission_required("project.edit")
def project_team_remove(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    # Another project's role is a 404 like any object out of scope, not a message.
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), project=access.project, pk=pk
    )
    page = _role_removal_confirmation(request, access, membership)
    if page is not None:
        return page
    try:
        services.membership_remove(access=access, membership=membership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Rollen är borttagen."))
    return redirect("project_team", project_id=access.project.pk)


def _role_removal_confirmation(
    request: HttpRequest, access: ProjectAccess, membership: Membership
) -> HttpResponse | None:
    email = membership.user.email
    return confirmation_required(
        request,
        title=_("Ta bort rollen för %(email)s?") % {"email": email},
        consequences=[
            _("%(email)s har rollen %(role)s i %(project)s.")
            % {
                "email": email,
                "role": membership.get_role_display().lower(),
                "project": access.project.name,
            },
            _(
                "Efter borttagningen kommer personen inte längre åt projektet. Det hen har "
                "registrerat finns kvar, och rollen kan läggas till igen på den här sidan."
            ),
        ],
        confirm_label=_("Ta bort rollen"),
        cancel_url=reverse("project_team", args=[access.project.pk]),
        context={"project": access.project, "access": access},
    )


@project_permission_required("project.retention")
def project_retention(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The data protection officer's dry run: what the retention run removes after
    retain_until and when, or what it removed (counts only, never a value)."""
    preview = retention.retention_preview(access.project)
    context = {"access": access, "project": access.project, "preview": preview}
    return render(request, "projects/retention.html", context)
