"""Hours and monthly certificates, and the pages outside one project: my activities, the
personal iCal feed and the manager's signature page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activities import certificates, exports, forms, permissions, presenters, services
from activities.models import CalendarFeed, Certificate, Enrolment, Session
from activities.selectors import certificates as certificate_selectors
from activities.selectors import time_totals
from digiproj import dates
from digiproj.forms import apply_validation_error
from digiproj.http import AuthenticatedHttpRequest
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors

from . import _confirm
from ._common import (
    PAGE_SIZE,
    XLSX,
    ctx,
    file_response,
    organisations_for,
    session_event,
)

# --- hours and certificates -------------------------------------------------------------


def _month(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError as error:
        raise Http404 from error


@project_permission_required("hours.approve")
def hours_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Participants in scope and their counted time in one month (this month unless chosen)."""
    form = forms.MonthForm(request.GET or None)
    month = form.month_or(dates.month_start(timezone.localdate()))
    page = paginate(
        request, time_totals.month_participations(access=access, month=month), PAGE_SIZE
    )
    rows = presenters.hours_overview_rows(access.project, page, month)
    return render(
        request,
        "activities/hours_overview.html",
        ctx(
            access,
            form=form,
            month=month,
            page=page,
            rows=rows,
            month_over=certificates.month_over(month),
            organisations=organisations_for(access),
        ),
    )


@require_POST
@project_permission_required("hours.approve")
def certificates_send(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Send the month's certificates for signing, after a confirmation with the count."""
    form = forms.MonthForm(request.POST)
    month = form.month_or(dates.month_start(timezone.localdate()))
    back = f"{reverse('activities:hours', args=[access.project.pk])}?month={month:%Y-%m}"
    if (page := _confirm.send_for_signing(request, access, month=month, back=back)) is not None:
        return page
    try:
        sent, _missing = services.certificates_send_for_signing(access=access, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s närvarorapport är skickad för underskrift.",
                "%(count)s närvarorapporter är skickade för underskrift.",
                sent,
            )
            % {"count": sent},
        )
    return redirect(back)


def _certificate_context(access: ProjectAccess, participation: Any, month: dt.date) -> dict:
    data = certificate_selectors.certificate_data(participation=participation, month=month)
    certificate = certificate_selectors.certificate_get(participation=participation, month=month)
    return ctx(
        access,
        participation=participation,
        month=month,
        data=data,
        certificate=certificate,
        state=certificates.certificate_state(certificate, data),
        month_over=certificates.month_over(month),
    )


@project_permission_required("hours.view")
def certificate(
    request: HttpRequest, access: ProjectAccess, participation_id: int, year: int, month: int
) -> HttpResponse:
    participation = permissions.participation_for_hours(access, participation_id)
    context = _certificate_context(access, participation, _month(year, month))
    context["request_form"] = forms.ManagerRequestForm(
        initial=forms.ManagerRequestForm.initial_for(participation, context["certificate"])
    )
    context["files_personnummer"] = permissions.certificate_personnummer_shown(
        access, participation
    )
    return render(request, "activities/certificate.html", context)


@project_permission_required("hours.view")
def certificate_file(
    request: HttpRequest,
    access: ProjectAccess,
    participation_id: int,
    year: int,
    month: int,
    fmt: str,
) -> HttpResponse:
    if fmt not in ("pdf", "xlsx"):
        raise Http404  # no such file; and nothing revealed or logged for it
    participation = permissions.participation_for_hours(access, participation_id)
    context = _certificate_context(access, participation, _month(year, month))
    name = f"narvarorapport-{year}-{month:02d}-{participation.pk}"
    writer = exports.certificate_pdf if fmt == "pdf" else exports.certificate_xlsx
    personnummer = services.certificate_personnummer(
        access=access, participation=participation, context=f"certificate_{fmt}"
    )
    signatures = presenters.certificate_signatures(context["certificate"], context["state"])
    content = writer(context["data"], signatures, personnummer=personnummer)
    if fmt == "pdf":
        return file_response(content, f"{name}.pdf", "application/pdf")
    return file_response(content, f"{name}.xlsx", XLSX)


@require_POST
@project_permission_required("activities.participate")
def certificate_sign(
    request: HttpRequest, access: ProjectAccess, year: int, month: int
) -> HttpResponse:
    participation = permissions.require_own_participation(access)
    try:
        services.certificate_sign_participant(
            participation=participation, month=_month(year, month), user_id=access.user_id
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "already_signed":
            messages.info(request, " ".join(error.messages))  # a second click: nothing changed
        else:
            messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Du har skrivit under närvarorapporten."))
    return redirect("activities:certificate", access.project.pk, participation.pk, year, month)


@require_POST
@project_permission_required("hours.view")
def certificate_request_manager(
    request: HttpRequest, access: ProjectAccess, participation_id: int, year: int, month: int
) -> HttpResponse:
    participation = permissions.participation_for_hours(access, participation_id)
    cert = certificate_selectors.certificate_get(
        participation=participation, month=_month(year, month)
    )
    form = forms.ManagerRequestForm(request.POST)
    if cert is None or not form.is_valid():
        messages.error(request, _("Skriv en giltig e-postadress till chefen."))
    else:
        try:
            services.certificate_ask_manager(certificate=cert, email=form.cleaned_data["email"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Chefen har fått två mejl: ett med länken, ett med engångskoden.")
            )
    return redirect("activities:certificate", access.project.pk, participation.pk, year, month)


@project_permission_required("hours.approve")
def summary_xlsx(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Sammanställning: one organisation's participants and their certified hours."""
    form = forms.SummaryForm(request.GET, organisations=organisations_for(access))
    if not form.is_valid() and "organisation" in form.errors:
        raise Http404  # none, not a number, or not one the user may see
    organisation = form.cleaned_data["organisation"]
    start = form.cleaned_data.get("fran") or access.project.start_date
    rows = presenters.summary_rows(
        access=access,
        organisation_id=organisation.pk,
        start=dates.month_start(start),
        end=access.project.end_date,
    )
    content = exports.summary_xlsx(organisation.name, rows)
    return file_response(content, f"sammanstallning-{organisation.pk}.xlsx", XLSX)


# --- pages outside one project: my activities, the iCal feed, the manager's signature ------


@login_required
def my_activities(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The participant's own page, across her projects, with her personal calendar feed."""
    user_id = request.user.pk
    participations = list(participant_selectors.participations_for_user(user_id=user_id))
    if not participations:
        raise Http404
    feed = services.calendar_feed_get_or_create(user_id=user_id)
    context = presenters.my_activities(user_id=user_id, participations=participations)
    context["feed_url"] = request.build_absolute_uri(reverse("my_calendar_feed", args=[feed.token]))
    return render(request, "activities/my_activities.html", context)


def my_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: the secret token in the URL is the only credential."""
    feed = get_object_or_404(CalendarFeed, token=token)
    sessions = (
        Session.objects.filter(
            enrolments__participation__user_id=feed.user_id,
            enrolments__participation__erased_at__isnull=True,
            enrolments__status=Enrolment.Status.ENROLLED,
        )
        .select_related("activity")
        .order_by("starts_at")
    )
    content = exports.ical([session_event(request, s) for s in sessions], name="digiproj")
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


def manager_sign(request: HttpRequest, token: str) -> HttpResponse:
    """The nearest manager's page behind the mailed link: only what signing needs, and only
    while the link may be used (once, before it expires, never by the participant)."""
    cert = certificate_selectors.certificate_for_manager_token(token)
    if cert is None:
        return _manager_link_closed(request, _unknown_link_message(), status=404)
    form = forms.ManagerSignForm(request.POST or None)
    data = certificate_selectors.certificate_data(
        participation=cert.participation, month=cert.month
    )
    try:
        services.certificate_manager_link_check(cert, user=request.user, data=data)
        if request.method == "POST" and form.is_valid() and _manager_signs(request, cert, form):
            return redirect("activities_manager_sign", token)
    except ValidationError as error:
        # Signed: the link did its job (200). Refused to the participant herself: 403.
        # Expired, locked or void: gone (410).
        status = {"used": 200, "rejected": 200, "self_manager": 403}.get(
            getattr(error, "code", ""), 410
        )
        return _manager_link_closed(request, " ".join(error.messages), status=status)
    report = certificate_selectors.certificate_for_manager(cert, data)
    return render(request, "activities/manager_sign.html", {"report": report, "form": form})


def _unknown_link_message() -> str:
    return _(
        "Länken gäller inte. Den kan ha ersatts av en nyare länk eller tagits bort när "
        "deltagaren skrev under på nytt."
    )


def _manager_signs(request: HttpRequest, cert: Certificate, form: forms.ManagerSignForm) -> bool:
    """Sign as the manager; a mistake (wrong code, no name) goes on the form (False). Raises
    the link's ValidationError when the link closed meanwhile (a second click), to say so."""
    answer = {"name": form.cleaned_data["name"], "code": form.cleaned_data["code"]}
    try:
        if form.declines:
            services.certificate_reject_manager(
                certificate=cert, comment=form.cleaned_data["comment"], user=request.user, **answer
            )
            messages.success(request, _("Tack. Deltagaren har fått din kommentar."))
        else:
            services.certificate_sign_manager(certificate=cert, user=request.user, **answer)
            messages.success(request, _("Tack! Närvarorapporten är underskriven."))
    except ValidationError as error:
        if getattr(error, "code", None) in services.MANAGER_LINK_CLOSED:
            raise
        apply_validation_error(form, error)
        return False
    return True


def _manager_link_closed(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The signing link no longer works: say why, and show nothing of the report."""
    return render(request, "activities/manager_sign.html", {"closed": message}, status=status)
