"""Reads of participants, always scoped through the caller's ProjectAccess."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from digiproj.projects.permissions import ProjectAccess

from .models import Participation
from .personnummer import Gender


def participation_list(*, access: ProjectAccess) -> QuerySet[Participation]:
    """The participations this user may see in the project (a contact: their organisation)."""
    return (
        Participation.objects.current()
        .filter(project=access.project)
        .filter(access.participation_q())
        .select_related("person", "organisation")
    )


def participation_counts(*, access: ProjectAccess) -> dict[str, int]:
    """Participants by gender and status, in one aggregate query."""
    return participation_list(access=access).aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(person__gender=Gender.WOMAN)),
        men=Count("pk", filter=Q(person__gender=Gender.MAN)),
        non_binary=Count("pk", filter=Q(person__gender=Gender.NON_BINARY)),
        active=Count("pk", filter=Q(end_date__isnull=True)),
        ended=Count("pk", filter=Q(end_date__isnull=False)),
    )


def participations_for_user(*, user_id: int) -> QuerySet[Participation]:
    """A participant's own participations, across projects."""
    return (
        Participation.objects.current()
        .filter(person__user_id=user_id)
        .select_related("project", "organisation", "person")
        .order_by("-start_date")
    )
