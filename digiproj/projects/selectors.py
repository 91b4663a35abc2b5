"""Reads of projects for the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from digiproj.accounts.models import User

from .models import Membership, Project, Role
from .permissions import ProjectAccess, projects_for_user


@dataclass(frozen=True)
class StaffProject:
    """A project on the start page of someone who works in it, with their role there."""

    project: Project
    role: Role


def staff_projects_for_user(*, user: User) -> list[StaffProject]:
    """The projects where the user is staff, with their role; a superuser sees every project,
    as admin where they have no membership. (Where they only take part, the start page lists
    the participation instead.)"""
    role = Membership.objects.filter(user=user, project=OuterRef("pk")).values("role")[:1]
    projects = projects_for_user(user).annotate(my_role=Subquery(role))
    return [
        StaffProject(project, Role(project.my_role or Role.ADMIN))
        for project in projects.order_by("-start_date", "name")
        if project.my_role or user.is_superuser
    ]


def membership_list(*, access: ProjectAccess) -> QuerySet[Membership]:
    """The project's team: every staff role, by role and address."""
    return (
        Membership.objects.filter(project=access.project)
        .select_related("user", "organisation")
        .order_by("role", "user__email")
    )


def system_status() -> dict[str, object]:
    """What the process answering sees: its pid, database vendor and name, project count."""
    import os

    from django.db import connection

    return {
        "pid": os.getpid(),
        "database": f"{connection.vendor}:{connection.settings_dict['NAME']}",
        "projects": Project.objects.count(),
    }
