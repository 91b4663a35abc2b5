"""Start pages. This module, like urls.py, is the composition root: it may read from every
app's selectors, which the apps themselves may not (see the dependency direction in README)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activities.selectors import sessions as activity_sessions
from digiproj.http import AuthenticatedHttpRequest
from digiproj.projects import selectors as project_selectors
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from surveys import selectors as survey_selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff_projects = project_selectors.staff_projects_for_user(user=request.user)
    participations = list(participant_selectors.participations_for_user(user_id=request.user.pk))
    return render(
        request,
        "projects/home.html",
        {"staff_projects": staff_projects, "participations": participations},
    )


@project_permission_required("project.dashboard")
def project_dashboard(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    context = {
        "access": access,
        "project": access.project,
        "counts": participant_selectors.participation_counts(access=access),
        "sessions": list(activity_sessions.session_list_upcoming(access=access)),
        "rounds": list(survey_selectors.round_list_open(access=access)),
    }
    return render(request, "projects/dashboard.html", context)


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
