"""Reads of activities and sessions, scoped to one project."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from digiproj.projects.permissions import ProjectAccess, Role

from .models import Session


def session_list_upcoming(*, access: ProjectAccess, limit: int = 5) -> QuerySet[Session]:
    qs = Session.objects.filter(
        activity__project=access.project, ends_at__gte=timezone.now()
    ).select_related("activity")
    if access.role == Role.TEACHER:
        qs = qs.filter(teacher_id=access.user_id)
    return qs.order_by("starts_at")[:limit]
