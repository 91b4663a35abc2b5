"""Start pages. This module, like urls.py, is the composition root: it may read from every
app's selectors, which the apps themselves may not (see the dependency direction in README)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from activities import presenters as activity_presenters
from activities.selectors import certificates as activity_certificates
from activities.selectors import sessions as activity_sessions
from digiproj.dates import local_midnight, month_start
from digiproj.http import AuthenticatedHttpRequest
from digiproj.projects import selectors as project_selectors
from digiproj.projects.permissions import (
    ProjectAccess,
    may_create_projects,
    project_permission_required,
)
from participants import selectors as participant_selectors
from reporting import selectors as report_selectors
from surveys import selectors as survey_selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff_projects = project_selectors.staff_projects_for_user(user=request.user)
    user_id = request.user.pk
    participations = list(participant_selectors.participations_for_user(user_id=user_id))
    context: dict[str, Any] = {
        "staff_projects": staff_projects,
        "archived_projects": project_selectors.archived_projects_for_user(user=request.user),
        "may_create_projects": may_create_projects(request.user),
        "participations": participations,
    }
    if participations:  # the participant's to-do: what to answer, sign and attend
        context["to_answer"] = list(survey_selectors.invitations_to_answer(user_id=user_id))
        context.update(
            activity_presenters.participant_todo(user_id=user_id, participations=participations)
        )
    return render(request, "projects/home.html", context)


@project_permission_required("project.dashboard")
def project_dashboard(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    context = {
        "access": access,
        "project": access.project,
        "sessions": list(activity_sessions.session_list_upcoming(access=access)),
        "rounds": list(survey_selectors.round_list_open(access=access)),
    }
    if access.is_teacher:  # their own sessions, not the project's participants they cannot see
        context.update(_teacher_todo(access))
    else:
        context["counts"] = participant_selectors.participation_counts(access=access)
        context["todo"] = _staff_todo(access)
    return render(request, "projects/dashboard.html", context)


def _teacher_todo(access: ProjectAccess) -> dict[str, Any]:
    """Today's sessions and the rest of this week's (Monday to Sunday) that the teacher
    leads, each with its attendance list."""
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    monday_after = today + dt.timedelta(days=7 - today.weekday())
    led = activity_sessions.sessions_led_between
    return {
        "today": list(
            led(access=access, start=local_midnight(today), end=local_midnight(tomorrow))
        ),
        "this_week": list(
            led(access=access, start=local_midnight(tomorrow), end=local_midnight(monday_after))
        ),
    }


def _staff_todo(access: ProjectAccess) -> dict[str, Any]:
    """What waits for the coordinator or contact, each only where their role may act:
    open correction requests, last month's certificates not signed, report runs that
    failed in the last two weeks, SCB months to send."""
    today = timezone.localdate()
    last_month = month_start(month_start(today) - dt.timedelta(days=1))
    todo: dict[str, Any] = {"last_month": last_month}
    if access.can("participants.edit"):
        requests = participant_selectors.correction_requests_open_in_project(access=access)
        todo["corrections"] = list(requests[:5])
        todo["corrections_count"] = requests.count()
    if access.can("hours.approve"):
        todo["unsigned"] = activity_certificates.unsigned_count(access=access, month=last_month)
    if access.can("reports.view"):
        since = timezone.now() - dt.timedelta(days=14)
        todo["failed_runs"] = list(
            report_selectors.report_runs_failed(access=access, since=since)[:5]
        )
    if access.can("reports.scb"):
        todo["scb_months"] = report_selectors.scb_months_to_send(access=access, today=today)
    return todo


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Public, logged in or not: the law asks for it before anyone has an account."""
    context = {
        "organisation": settings.DIGIPROJ_ACCESSIBILITY_ORGANISATION,
        "contact_email": settings.DIGIPROJ_ACCESSIBILITY_EMAIL,
        "contact_url": settings.DIGIPROJ_ACCESSIBILITY_URL,
        "reviewed": settings.DIGIPROJ_ACCESSIBILITY_REVIEWED,
        "updated": settings.DIGIPROJ_ACCESSIBILITY_UPDATED,
    }
    return render(request, "accessibility_statement.html", context)
