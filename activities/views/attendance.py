"""Attendance lists (tablet, print, Excel) and self-reported time."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activities import exports, forms, permissions, services
from activities.models import Activity, SelfReportedTime, Session
from activities.selectors import sessions as session_selectors
from digiproj.forms import apply_validation_error
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import _confirm
from ._common import (
    PAGE_SIZE,
    XLSX,
    ctx,
    file_response,
)

# --- attendance -------------------------------------------------------------------------


@project_permission_required("attendance.mark")
def attendance(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = _attendance_form(request, access, session)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_save(
                session=session,
                marks=form.marks(),
                by_user_id=access.user_id,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(changed))
            return redirect("activities:attendance", access.project.pk, session.pk)
    history = session_selectors.attendance_history(access=access, session=session)[:20]
    started = session.starts_at <= timezone.now()
    return render(
        request,
        "activities/attendance.html",
        ctx(access, session=session, form=form, history=history, started=started),
    )


def _attendance_form(
    request: HttpRequest, access: ProjectAccess, session: Session
) -> forms.AttendanceForm:
    """The list; ?alla=narvarande shows everyone present, to change the few who were not."""
    return forms.AttendanceForm(
        request.POST or None,
        rows=list(session_selectors.attendance_sheet(access=access, session=session)),
        length=session.duration_minutes,
        all_present=request.GET.get("alla") == "narvarande",
    )


def _saved_message(changed: int) -> str:
    return ngettext(
        "Närvaron är sparad (%(n)s ändrad rad).",
        "Närvaron är sparad (%(n)s ändrade rader).",
        changed,
    ) % {"n": changed}


@project_permission_required("attendance.mark")
def attendance_print(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    rows = session_selectors.attendance_sheet(access=access, session=session)
    return render(
        request, "activities/attendance_print.html", ctx(access, session=session, rows=rows)
    )


@project_permission_required("attendance.mark")
def attendance_xlsx(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    rows = [
        [
            e.participation.full_name,
            e.participation.organisation.name,
            ""
            if e.att_present is None
            else (_("Närvarande") if e.att_present else _("Frånvarande")),
            e.att_minutes,
            "",
        ]
        for e in session_selectors.attendance_sheet(access=access, session=session)
    ]
    when = date_format(timezone.localtime(session.starts_at), "j F Y H:i")
    content = exports.attendance_xlsx(session.activity.title, when, rows)
    return file_response(content, f"narvarolista-{session.pk}.xlsx", XLSX)


# --- self-reported time -----------------------------------------------------------------


@project_permission_required("hours.approve")
def self_report_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    page = paginate(request, session_selectors.self_report_list(access=access), PAGE_SIZE)
    return render(request, "activities/self_report_list.html", ctx(access, page=page))


@require_POST
@project_permission_required("hours.approve")
def self_report_decide(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    report = permissions.self_report_get_for_user(access, pk)
    approve = request.POST.get("beslut") == "godkann"
    services.self_report_decide(report=report, approve=approve, by_user_id=access.user_id)
    messages.success(request, _("Tiden är godkänd.") if approve else _("Tiden är avslagen."))
    return redirect("activities:self_reports", access.project.pk)


@require_POST
@project_permission_required("hours.approve")
def self_reports_approve(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Approve the ticked pending time, after a confirmation with the count and minutes."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    chosen = session_selectors.self_report_list(access=access).filter(
        pk__in=ids, status=SelfReportedTime.Status.PENDING
    )
    back = reverse("activities:self_reports", args=[access.project.pk])
    if not chosen.exists():
        messages.error(request, _("Markera den väntande tid som ska godkännas."))
        return redirect(back)
    if (page := _confirm.self_reports_approval(request, access, chosen, back)) is not None:
        return page
    count = services.self_reports_approve_many(reports=chosen, by_user_id=access.user_id)
    messages.success(
        request,
        ngettext("%(n)s rapport är godkänd.", "%(n)s rapporter är godkända.", count) % {"n": count},
    )
    return redirect(back)


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
                participation=participation, by_user_id=access.user_id, **form.cleaned_data
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "already_reported":
                messages.info(request, error.messages[0])  # the first send was recorded
                return redirect("my_activities")
            apply_validation_error(form, error)
    if form.errors:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errs)
            messages.error(request, f"{label}: {text}" if label else text)
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
            session=session, participation=participation, by_user_id=access.user_id
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
