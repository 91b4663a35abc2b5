"""Activity views: thin functions, each one permission check, one service or selector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess, Role, project_permission_required
from participants import selectors as participant_selectors

from . import exports, forms, permissions, selectors, services
from .models import Activity, CalendarFeed, Certificate, Enrolment, Session

PAGE_SIZE = 50
MAX_CHOICES = 200


def _ctx(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- activities -------------------------------------------------------------------------


@project_permission_required("activities.view")
def activity_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    page = Paginator(selectors.activity_list(access=access), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(request, "activities/activity_list.html", _ctx(access, page=page))


@project_permission_required("activities.edit")
def activity_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ActivityForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(project=access.project, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Aktiviteten är skapad."))
            return redirect("activities:detail", access.project.pk, activity.pk)
    return render(request, "activities/activity_form.html", _ctx(access, form=form))


@project_permission_required("activities.edit")
def activity_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    activity = permissions.activity_get_for_user(access, pk)
    form = forms.ActivityForm(request.POST or None, instance=activity, project=access.project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.activity_update(activity=activity, teachers=data.pop("teachers"), **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Aktiviteten är sparad."))
            return redirect("activities:detail", access.project.pk, activity.pk)
    return render(
        request, "activities/activity_form.html", _ctx(access, form=form, activity=activity)
    )


@project_permission_required("activities.view")
def activity_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    activity = permissions.activity_get_for_user(access, pk)
    sessions = selectors.session_list_with_counts(access=access).filter(activity=activity)
    return render(
        request,
        "activities/activity_detail.html",
        _ctx(access, activity=activity, sessions=sessions.order_by("starts_at")),
    )


# --- sessions ---------------------------------------------------------------------------


@project_permission_required("activities.edit")
def session_create(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    activity = permissions.activity_get_for_user(access, pk)
    form = forms.SessionForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_moved", None)
        try:
            session = services.session_create(activity=activity, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Tillfället är skapat."))
            return redirect("activities:session", access.project.pk, session.pk)
    return render(
        request, "activities/session_form.html", _ctx(access, form=form, activity=activity)
    )


@project_permission_required("activities.edit")
def session_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.SessionForm(request.POST or None, instance=session, project=access.project)
    needs_confirm = False
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, **form.cleaned_data)
        except ValidationError as error:
            needs_confirm = getattr(error, "code", None) == "moved_after_attendance"
            _add_errors(form, error)
        else:
            messages.success(request, _("Tillfället är sparat."))
            return redirect("activities:session", access.project.pk, session.pk)
    return render(
        request,
        "activities/session_form.html",
        _ctx(
            access,
            form=form,
            activity=session.activity,
            session=session,
            needs_confirm=needs_confirm,
        ),
    )


@project_permission_required("activities.view")
def session_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    enrolments = list(selectors.enrolment_list(access=access, session=session))
    context = _ctx(access, session=session, enrolments=enrolments)
    if access.can("activities.enrol"):
        # Large projects have thousands of participants: list at most MAX_CHOICES, searchable.
        query = request.GET.get("sok", "").strip()
        choices = selectors.participation_choices(access=access)
        if query:
            choices = choices.filter(
                Q(person__first_name__icontains=query) | Q(person__last_name__icontains=query)
            )
        context.update(
            enrol_form=True,
            query=query,
            participations=list(choices[: MAX_CHOICES + 1]),
            max_choices=MAX_CHOICES,
        )
        context["group_form"] = forms.GroupEnrolForm(organisations=_organisations(access))
    return render(request, "activities/session_detail.html", context)


def _organisations(access: ProjectAccess) -> Any:
    if access.role == Role.CONTACT:
        return Organisation.objects.filter(pk=access.organisation_id)
    return (
        Organisation.objects.filter(
            Q(project_organisations__project=access.project)
            | Q(participations__project=access.project)
        )
        .distinct()
        .order_by("name")
    )


def _enrol_message(request: HttpRequest, result: services.EnrolmentResult) -> None:
    name = result.enrolment.participation.person.full_name
    if not result.created:
        messages.info(request, _("%(name)s var redan anmäld.") % {"name": name})
    elif result.waiting:
        messages.warning(
            request,
            _(
                "Tillfället är fullt. %(name)s står nu på reservlistan och flyttas upp om "
                "någon avbokar."
            )
            % {"name": name},
        )
    else:
        messages.success(request, _("%(name)s är anmäld.") % {"name": name})
    for warning in result.warnings:
        messages.warning(request, warning)


@require_POST
@project_permission_required("activities.enrol")
def enrol(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.EnrolForm(
        request.POST, participations=selectors.participation_choices(access=access)
    )
    if not form.is_valid():
        messages.error(request, _("Välj en deltagare i listan."))
    else:
        try:
            result = services.enrolment_create(
                session=session,
                participation=form.cleaned_data["participation"],
                by_user_id=request.user.pk,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _enrol_message(request, result)
    return redirect("activities:session", access.project.pk, session.pk)


@require_POST
@project_permission_required("activities.enrol")
def enrol_group(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.GroupEnrolForm(request.POST, organisations=_organisations(access))
    if not form.is_valid():
        messages.error(request, _("Välj en organisation i listan."))
        return redirect("activities:session", access.project.pk, session.pk)
    organisation = form.cleaned_data["organisation"]
    group = services.participants_in_group(
        participations=selectors.participation_choices(access=access),
        organisation_id=organisation.pk if organisation else None,
        role_group=form.cleaned_data["role_group"],
    )
    try:
        result = services.enrolment_create_for_group(
            session=session, participations=group, by_user_id=request.user.pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(enrolled)s anmälda, %(waiting)s på reservlistan, %(already)s var redan anmälda.")
            % {"enrolled": result.enrolled, "waiting": result.waiting, "already": result.already},
        )
        for warning in result.warnings:
            messages.warning(request, warning)
    return redirect("activities:session", access.project.pk, session.pk)


@require_POST
@project_permission_required("project.view")
def enrolment_cancel(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """Staff cancel for people in their scope; a participant cancels their own."""
    if not (access.can("activities.enrol") or access.can("activities.participate")):
        raise Http404
    enrolment = permissions.enrolment_get_for_user(access, pk)
    try:
        promoted = services.enrolment_cancel(
            enrolment=enrolment,
            by_user_id=request.user.pk,
            override_deadline=access.is_coordinator,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Anmälan är avbokad."))
        if promoted and access.role != Role.PARTICIPANT:
            messages.info(
                request,
                _("%(name)s flyttades upp från reservlistan och får ett mejl.")
                % {"name": promoted.participation.person.full_name},
            )
    if access.role == Role.PARTICIPANT:
        return redirect("my_activities")
    return redirect("activities:session", access.project.pk, enrolment.session_id)


@project_permission_required("project.view")
def session_ical(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """One session as an .ics file: for staff in scope, or a participant enrolled in it."""
    if access.role == Role.PARTICIPANT:
        session = get_object_or_404(
            Session.objects.select_related("activity")
            .filter(
                activity__project=access.project,
                enrolments__participation__person_id=access.person_id,
            )
            .exclude(enrolments__status=Enrolment.Status.CANCELLED)
            .distinct(),
            pk=pk,
        )
    else:
        access.require("activities.view")
        session = permissions.session_get_for_user(access, pk)
    content = exports.ical([_event(request, session)], name=session.activity.title)
    return _file(content, f"tillfalle-{session.pk}.ics", "text/calendar; charset=utf-8")


def _event(request: HttpRequest, session: Session) -> dict[str, Any]:
    return {
        "uid": f"session-{session.pk}@{request.get_host()}",
        "start": session.starts_at,
        "end": session.ends_at,
        "summary": session.activity.title,
        "location": session.place or session.online_url,
        "url": session.online_url,
        "description": session.activity.description,
    }


# --- calendar ---------------------------------------------------------------------------


@project_permission_required("activities.view")
def calendar(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    today = timezone.localdate()
    if request.GET.get("visa") == "lista":
        sessions = selectors.session_calendar(
            access=access, start=today, end=today + dt.timedelta(days=3650)
        )
        page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("sida"))
        return render(request, "activities/calendar_list.html", _ctx(access, page=page))
    try:
        start = dt.date.fromisoformat(request.GET.get("vecka", ""))
    except ValueError:
        start = today
    monday = start - dt.timedelta(days=start.weekday())
    sessions = list(
        selectors.session_calendar(access=access, start=monday, end=monday + dt.timedelta(days=7))
    )
    days = [
        {
            "date": monday + dt.timedelta(days=i),
            "sessions": [
                s
                for s in sessions
                if timezone.localtime(s.starts_at).date() == monday + dt.timedelta(days=i)
            ],
        }
        for i in range(7)
    ]
    return render(
        request,
        "activities/calendar_week.html",
        _ctx(
            access,
            days=days,
            monday=monday,
            week=monday.isocalendar().week,
            previous=monday - dt.timedelta(days=7),
            next=monday + dt.timedelta(days=7),
        ),
    )


# --- attendance -------------------------------------------------------------------------


@project_permission_required("attendance.mark")
def attendance(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    rows = list(selectors.attendance_sheet(access=access, session=session))
    form = forms.AttendanceForm(request.POST or None, rows=rows, length=session.duration_minutes)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_save(
                session=session,
                marks=form.marks(),
                by_user_id=request.user.pk,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Närvaron är sparad (%(n)s ändrade rader).") % {"n": changed}
            )
            return redirect("activities:attendance", access.project.pk, session.pk)
    history = selectors.attendance_history(access=access, session=session)[:20]
    return render(
        request,
        "activities/attendance.html",
        _ctx(access, session=session, form=form, history=history),
    )


@project_permission_required("attendance.mark")
def attendance_print(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    rows = selectors.attendance_sheet(access=access, session=session)
    return render(
        request, "activities/attendance_print.html", _ctx(access, session=session, rows=rows)
    )


@project_permission_required("attendance.mark")
def attendance_xlsx(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    rows = [
        [
            e.participation.person.full_name,
            e.participation.organisation.name,
            ""
            if e.att_present is None
            else (_("Närvarande") if e.att_present else _("Frånvarande")),
            e.att_minutes,
            "",
        ]
        for e in selectors.attendance_sheet(access=access, session=session)
    ]
    when = date_format(timezone.localtime(session.starts_at), "j F Y H:i")
    content = exports.attendance_xlsx(session.activity.title, when, rows)
    return _file(content, f"narvarolista-{session.pk}.xlsx", XLSX)


# --- self-reported time -----------------------------------------------------------------


@project_permission_required("hours.approve")
def self_report_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    page = Paginator(selectors.self_report_list(access=access), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(request, "activities/self_report_list.html", _ctx(access, page=page))


@require_POST
@project_permission_required("hours.approve")
def self_report_decide(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    report = permissions.self_report_get_for_user(access, pk)
    approve = request.POST.get("beslut") == "godkann"
    services.self_report_decide(report=report, approve=approve, by_user_id=request.user.pk)
    messages.success(request, _("Tiden är godkänd.") if approve else _("Tiden är avslagen."))
    return redirect("activities:self_reports", access.project.pk)


@require_POST
@project_permission_required("activities.participate")
def my_self_report(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    participation = permissions.require_own_participation(access)
    form = forms.SelfReportForm(
        request.POST,
        activities=Activity.objects.filter(project=access.project, kind=Activity.Kind.RECORDED),
    )
    if form.is_valid():
        try:
            services.self_report_create(
                participation=participation, by_user_id=request.user.pk, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))
    else:
        messages.success(request, _("Tiden är rapporterad och väntar på godkännande."))
    return redirect("my_activities")


@require_POST
@project_permission_required("activities.participate")
def my_enrol(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.require_own_participation(access)
    session = get_object_or_404(Session.objects.filter(activity__project=access.project), pk=pk)
    try:
        result = services.enrolment_create(
            session=session, participation=participation, by_user_id=request.user.pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if result.waiting:
            messages.warning(
                request,
                _(
                    "Tillfället är fullt. Du står på reservlistan och får ett mejl om en plats "
                    "blir ledig."
                ),
            )
        else:
            messages.success(request, _("Du är anmäld."))
        for warning in result.warnings:
            messages.warning(request, warning)
    return redirect("my_activities")


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
        form.cleaned_data["month"]
        if form.is_valid()
        else selectors.month_start(timezone.localdate())
    )
    participations, minutes = selectors.hours_overview(access=access, month=month)
    page = Paginator(participations, PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = [
        {
            "participation": p,
            "minutes": minutes.get(p.pk, 0),
            "hours": selectors.hours_for_month(minutes.get(p.pk, 0), access.project.hour_rounding),
        }
        for p in page
    ]
    return render(
        request,
        "activities/hours_overview.html",
        _ctx(
            access,
            form=form,
            month=month,
            page=page,
            rows=rows,
            organisations=_organisations(access),
        ),
    )


def _certificate_context(access: ProjectAccess, participation: Any, month: dt.date) -> dict:
    data = selectors.certificate_data(participation=participation, month=month)
    certificate = selectors.certificate_get(participation=participation, month=month)
    return _ctx(
        access,
        participation=participation,
        month=month,
        data=data,
        certificate=certificate,
        state=selectors.certificate_state(certificate, data),
    )


def _signatures(context: dict) -> list[tuple[str, str]]:
    cert, state = context["certificate"], context["state"]
    valid = state in ("participant_signed", "signed")
    participant = manager = ""
    if cert and valid and cert.participant_signed_at:
        participant = _("digitalt underskrivet %(when)s") % {
            "when": date_format(timezone.localtime(cert.participant_signed_at), "Y-m-d H:i")
        }
    if cert and valid and cert.manager_signed_at:
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
    participation = permissions.participation_for_hours(access, participation_id)
    context = _certificate_context(access, participation, _month(year, month))
    name = f"narvarorapport-{year}-{month:02d}-{participation.pk}"
    if fmt == "pdf":
        content = exports.certificate_pdf(context["data"], _signatures(context))
        return _file(content, f"{name}.pdf", "application/pdf")
    content = exports.certificate_xlsx(context["data"], _signatures(context))
    return _file(content, f"{name}.xlsx", XLSX)


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
    cert = selectors.certificate_get(participation=participation, month=_month(year, month))
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
        _organisations(access), pk=request.GET.get("organisation") or 0
    )
    form = forms.MonthForm({"month": request.GET.get("fran", "")})
    start = form.cleaned_data["month"] if form.is_valid() else access.project.start_date
    rows = [
        [
            r["participation"].person.full_name,
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
        for r in selectors.organisation_summary(
            access=access,
            organisation_id=organisation.pk,
            start=selectors.month_start(start),
            end=access.project.end_date + dt.timedelta(days=1),
        )
    ]
    content = exports.summary_xlsx(organisation.name, rows)
    return _file(content, f"sammanstallning-{organisation.pk}.xlsx", XLSX)


# --- pages outside one project: my activities, the iCal feed, the manager's signature ------


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    participations = list(participant_selectors.participations_for_user(user_id=request.user.pk))
    if not participations:
        raise Http404
    person = participations[0].person
    feed = services.calendar_feed_get_or_create(person=person)
    projects = []
    for participation in participations:
        projects.append(
            {
                "participation": participation,
                "certificates": selectors.certificate_overview(participation=participation),
                "hours": selectors.participant_hours(participation=participation),
                "report_form": forms.SelfReportForm(
                    activities=Activity.objects.filter(
                        project=participation.project, kind=Activity.Kind.RECORDED
                    ),
                    auto_id=f"id_{participation.pk}_%s",
                ),
            }
        )
    enrolments = list(selectors.my_enrolments(user_id=request.user.pk))
    now = timezone.now()
    return render(
        request,
        "activities/my_activities.html",
        {
            "upcoming": [e for e in enrolments if e.session.ends_at >= now],
            "past": [e for e in enrolments if e.session.ends_at < now],
            "open_sessions": selectors.my_open_sessions(user_id=request.user.pk)[:50],
            "projects": projects,
            "feed_url": request.build_absolute_uri(reverse("my_calendar_feed", args=[feed.token])),
        },
    )


def my_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: the secret token in the URL is the only credential."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("person"), token=token)
    sessions = (
        Session.objects.filter(
            enrolments__participation__person=feed.person,
            enrolments__status=Enrolment.Status.ENROLLED,
        )
        .select_related("activity")
        .order_by("starts_at")
    )
    content = exports.ical([_event(request, s) for s in sessions], name="digiproj")
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


def manager_sign(request: HttpRequest, token: str) -> HttpResponse:
    cert = get_object_or_404(
        Certificate.objects.select_related("participation__person", "participation__project"),
        Q(manager_token=token),
    )
    data = selectors.certificate_data(participation=cert.participation, month=cert.month)
    state = selectors.certificate_state(cert, data)
    form = forms.ManagerSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_sign_manager(
                certificate=cert,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Tack! Närvarorapporten är underskriven."))
            return redirect("activities_manager_sign", token)
    return render(
        request,
        "activities/manager_sign.html",
        {"certificate": cert, "data": data, "state": state, "form": form},
    )
