"""Reads of projects for the signed-in user."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from digiproj.accounts.models import User

from .models import Membership, Project
from .permissions import projects_for_user


def project_list_for_user(*, user: User) -> QuerySet[Project]:
    """The user's projects, each annotated with their staff role there (None: participant)."""
    role = Membership.objects.filter(user=user, project=OuterRef("pk")).values("role")[:1]
    return projects_for_user(user).annotate(my_role=Subquery(role)).order_by("-start_date", "name")


def system_status() -> dict[str, object]:
    """What the process answering sees: its pid, database vendor and name, project count."""
    import os

    from django.db import connection

    return {
        "pid": os.getpid(),
        "database": f"{connection.vendor}:{connection.settings_dict['NAME']}",
        "projects": Project.objects.count(),
    }
