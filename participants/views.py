from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from digiproj.forms import apply_validation_error
from digiproj.http import AuthenticatedHttpRequest
from digiproj.pagination import paginate
from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import bulk, forms, list_search, permissions, selectors, services
from .models import Participation

PAGE_SIZE = 50


class HtmxHttpRequest(AuthenticatedHttpRequest):
    """A request of a page that htmx polls: django_htmx's middleware sets `request.htmx`
    (the annotation django-htmx documents)."""

    htmx: HtmxDetails


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


@project_permission_required("participants.view")
def participant_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The list is a GET URL of its filters, so page 2, bookmarks and the back button work;
    a personnummer searched for stays out of the URL (see list_search)."""
    search = list_search.list_search(request, access)
    if isinstance(search, HttpResponse):
        return search
    queryset = selectors.participation_search(
        access=access, filters=search.filters, ordering=search.form.ordering
    )
    if search.status != 200:
        queryset = queryset.none()
    page = paginate(request, queryset, PAGE_SIZE)
    return render(
        request,
        "participants/participant_list.html",
        _context(
            access,
            page=page,
            form=search.form,
            can_edit=access.can("participants.edit"),
            bulk_actions=bulk.actions_for(access),
        ),
        status=search.status,
    )


@project_permission_required("participants.view")
def participant_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    return render(
        request, "participants/participant_detail.html", _detail_context(access, participation)
    )


def _detail_context(
    access: ProjectAccess, participation: Participation, **extra: Any
) -> dict[str, Any]:
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
    form = forms.ParticipantForm(
        request.POST or None,
        initial=forms.ParticipantForm.initial_for(participation),
        project=access.project,
        organisations=selectors.organisation_choices(access=access),
        editing=True,
        coordinator=access.is_coordinator,
        hide_contact_data=participation.protected_identity and not access.is_coordinator,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_update(participation=participation, **form.cleaned_data)
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
        participation=participation, user_id=access.user_id, context="participant_detail"
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
    services.correction_request_handle(correction=correction, user_id=access.user_id)
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
    done = services.person_erase(participation=participation, user_id=access.user_id)
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
# The import's views are in views_import.py.


# ---------------------------------------------------------------------------------------------
# Invitations and open registration links


@project_permission_required("participants.edit")
def invitation_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    organisations = selectors.organisation_choices(access=access)
    form = forms.InvitationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                project=access.project, invited_by_id=access.user_id, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Inbjudan skickas till %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("participants:invitations", access.project.pk)
    return render(
        request,
        "participants/invitations.html",
        _invitations_context(request, access, form=form, organisations=organisations),
    )


def _invitations_context(
    request: HttpRequest,
    access: ProjectAccess,
    *,
    form: forms.InvitationForm,
    organisations: QuerySet[Organisation],
) -> dict[str, Any]:
    """The invitations sent, and the open registration links for those who manage them."""
    links = (
        list(selectors.registration_link_list(access=access))
        if access.can("participants.registration_links")
        else None
    )
    return _context(
        access,
        form=form,
        invitations=selectors.invitation_list(access=access)[:200],
        links=links,
        link_form=forms.RegistrationLinkForm(prefix="link", organisations=organisations),
        base_url=request.build_absolute_uri("/").rstrip("/"),
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
        try:
            services.registration_link_create(
                project=access.project,
                organisation=form.cleaned_data["organisation"],
                created_by_id=access.user_id,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Registreringslänken är skapad och öppen."))
    return redirect("participants:invitations", access.project.pk)


@require_POST
@project_permission_required("participants.registration_links")
def registration_link_toggle(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    link = permissions.registration_link_get_for_user(access, pk)
    # The button says what it does ("open"/"close"), so a repeated click changes nothing.
    services.registration_link_set_active(link=link, is_active=request.POST.get("open") == "1")
    return redirect("participants:invitations", access.project.pk)
