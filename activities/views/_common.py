"""Helpers shared by the activity view modules."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from activities import exports
from activities.models import Session
from digiproj.projects.models import Organisation, ProjectOrganisation
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

PAGE_SIZE = 50
MAX_CHOICES = 200


def ctx(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organisations_for(access: ProjectAccess) -> QuerySet[Organisation]:
    """The organisations a page offers to choose from: a contact only their own."""
    if access.organisation_scope is not None:
        return Organisation.objects.filter(pk__in=access.organisation_scope).order_by("name")
    # Two subqueries, not one OR over both joins with DISTINCT (which joined every
    # participation of the project: 150 ms a page view at 100,000).
    taking_part = ProjectOrganisation.objects.filter(project=access.project)
    employing = Participation.objects.filter(project=access.project)
    return Organisation.objects.filter(
        Q(pk__in=taking_part.values("organisation_id"))
        | Q(pk__in=employing.values("organisation_id"))
    ).order_by("name")


def session_event(request: HttpRequest, session: Session) -> dict[str, Any]:
    return exports.session_event(session, host=request.get_host())
