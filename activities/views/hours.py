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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import certificates, exports, forms, permissions, services
from activities import hours as counted_time
from activities.models import Activity, CalendarFeed, Enrolment, Session
from activities.selectors import certificates as certificate_selectors
from activities.selectors import sessions as session_selectors
from activities.selectors import time_totals
from digiproj import dates
from digiproj.forms import apply_validation_error
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors

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
    form = forms.MonthForm(request.GET or None)
    month = (
        form.cleaned_data["month"] if form.is_valid() else dates.month_start(timezone.localdate())
    )
    participations, minutes = time_totals.hours_overview(access=access, month=month)
    page = paginate(request, participations, PAGE_SIZE)
    rows = [
        {
            "participation": p,
            "minutes": minutes.get(p.pk, 0),
            "hours": counted_time.hours_for_month(
                minutes.get(p.pk, 0), access.project.hour_rounding
            ),
        }
        for p in page
    ]
    return render(
        request,
        "activities/hours_overview.html",
        ctx(
            access,
            form=form,
            month=month,
            page=page,
            rows=rows,
            organisations=organisations_for(access),
        ),
    )


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
    )


def _signatures(context: dict) -> list[tuple[str, str]]:
    cert, state = context["certificate"], context["state"]
    valid = state in ("participant_signed", "signed")
    participant = manager = ""
    if cert and valid and cert.participant_signed_at:
        participant = _("digitalt underskrivet %(when)s") % {
            "when": date_format(timezone.localtime(cert.participant_signed_at), "Y-m-d H:i")
        }
    # Only a verified other person's signature reads "digitalt underskrivet"; otherwise the
    # line stays empty, to be signed on paper.
    if cert and valid and certificates.manager_signature_verified(cert):
        manager = _("%(name)s, digitalt underskrivet %(when)s") % {
            "name": cert.manager_signed_name,
            "when": date_format(timezone.localtime(cert.manager_signed_at), "Y-m-d H:i"),
        }
    return [(_("Deltagarens underskrift"), participant), (_("Närmaste chefs underskrift"), manager)]


@project_permission_required("hours.view")
def certificate(
    request: HttpRequest, access: ProjectAccess, participation_id: int, year: int, month: int
) -> HttpResponse:
    participation = permissions.participation_for_hours(access, participation_id)
    context = _certificate_context(access, participation, _month(year, month))
    context["request_form"] = forms.ManagerRequestForm(
        initial={"email": context["certificate"].manager_email if context["certificate"] else ""}
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
    content = writer(context["data"], _signatures(context), personnummer=personnummer)
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
            participation=participation, month=_month(year, month), user_id=request.user.pk
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
            services.certificate_request_manager(
                certificate=cert,
                email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Chefen har fått ett mejl med länk och engångskod."))
    return redirect("activities:certificate", access.project.pk, participation.pk, year, month)


@project_permission_required("hours.approve")
def summary_xlsx(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Sammanställning: one organisation's participants and their certified hours."""
    organisation = get_object_or_404(
        organisations_for(access), pk=request.GET.get("organisation") or 0
    )
    form = forms.MonthForm({"month": request.GET.get("fran", "")})
    start = form.cleaned_data["month"] if form.is_valid() else access.project.start_date
    rows = [
        [
            r["participation"].full_name,
            r["participation"].person.masked_personnummer,
            r["month"].strftime("%Y-%m"),
            r["minutes"],
            float(r["hours"]),
            {
                "signed": _("Ja"),
                "participant_signed": _("Väntar på chef"),
                "void": _("Nej, ändrad efter underskrift"),
            }.get(r["state"], _("Nej")),
        ]
        for r in certificate_selectors.organisation_summary(
            access=access,
            organisation_id=organisation.pk,
            start=dates.month_start(start),
            end=access.project.end_date,
        )
    ]
    content = exports.summary_xlsx(organisation.name, rows)
    return file_response(content, f"sammanstallning-{organisation.pk}.xlsx", XLSX)


# --- pages outside one project: my activities, the iCal feed, the manager's signature ------


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    participations = list(participant_selectors.participations_for_user(user_id=request.user.pk))
    if not participations:
        raise Http404
    feed = services.calendar_feed_get_or_create(user_id=request.user.pk)
    projects = []
    for participation in participations:
        projects.append(
            {
                "participation": participation,
                "certificates": certificate_selectors.certificate_overview(
                    participation=participation
                ),
                "hours": time_totals.participant_hours(participation=participation),
                "by_activity": time_totals.hours_by_activity(participation=participation),
                "report_form": forms.SelfReportForm(
                    activities=Activity.objects.filter(
                        project=participation.project, kind=Activity.Kind.RECORDED
                    ),
                    auto_id=f"id_{participation.pk}_%s",
                ),
            }
        )
    enrolments = list(session_selectors.my_enrolments(user_id=request.user.pk))
    now = timezone.now()
    return render(
        request,
        "activities/my_activities.html",
        {
            "upcoming": [e for e in enrolments if e.session.ends_at >= now],
            "past": [e for e in enrolments if e.session.ends_at < now],
            "open_sessions": session_selectors.my_open_sessions(user_id=request.user.pk)[:50],
            "projects": projects,
            "feed_url": request.build_absolute_uri(reverse("my_calendar_feed", args=[feed.token])),
        },
    )


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
        return _manager_link_closed(
            request,
            _(
                "Länken gäller inte. Den kan ha ersatts av en nyare länk eller tagits bort när "
                "deltagaren skrev under på nytt."
            ),
            status=404,
        )
    form = forms.ManagerSignForm(request.POST or None)
    data = certificate_selectors.certificate_data(
        participation=cert.participation, month=cert.month
    )
    try:
        services.certificate_manager_link_check(cert, user=request.user, data=data)
        if request.method == "POST" and form.is_valid():
            try:
                services.certificate_sign_manager(
                    certificate=cert,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                    user=request.user,
                )
            except ValidationError as error:
                if getattr(error, "code", None) in services.MANAGER_LINK_CLOSED:
                    raise  # the link closed meanwhile (a second click): say so
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Tack! Närvarorapporten är underskriven."))
                return redirect("activities_manager_sign", token)
    except ValidationError as error:
        # Signed: the link did its job (200). Refused to the participant herself: 403.
        # Expired, locked or void: gone (410).
        status = {"used": 200, "self_manager": 403}.get(getattr(error, "code", ""), 410)
        return _manager_link_closed(request, " ".join(error.messages), status=status)
    return render(
        request,
        "activities/manager_sign.html",
        {"report": certificate_selectors.certificate_for_manager(cert, data), "form": form},
    )


def _manager_link_closed(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The signing link no longer works: say why, and show nothing of the report."""
    return render(request, "activities/manager_sign.html", {"closed": message}, status=status)
