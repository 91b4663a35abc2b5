"""Reads of surveys and rounds, scoped to one project."""

from __future__ import annotations

from django.db.models import QuerySet

from digiproj.projects.permissions import ProjectAccess

from .models import Round


def round_list_open(*, access: ProjectAccess) -> QuerySet[Round]:
    return (
        Round.objects.open()
        .filter(survey__project=access.project)
        .select_related("survey")
        .order_by("closes_at")
    )
