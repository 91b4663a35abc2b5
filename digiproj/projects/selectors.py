"""Reads of projects for the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from digiproj.accounts.models import User

from .models import Membership, Project, ProjectOrganisation, Role
from .permissions import PERMISSIONS, ProjectAccess, projects_for_user


@dataclass(frozen=True)
class StaffProject:
    """A project on the start page of someone who works in it, with their role there."""

    project: Project
    role: Role

    @property
    def may_copy(self) -> bool:
        """Whether a new project may be started from this one's settings (an archived
        project's too: copying leaves it as it is)."""
        return self.role in PERMISSIONS["project.copy"]


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


def archived_projects_for_user(*, user: User) -> list[StaffProject]:
    """The archived projects where the user is staff (a superuser: all), listed apart from
    the running ones on the start page."""
    role = Membership.objects.filter(user=user, project=OuterRef("pk")).values("role")[:1]
    staff = Q() if user.is_superuser else Q(memberships__user=user)
    projects = (
        Project.objects.filter(staff, archived=True)
        .select_related("owner")
        .annotate(my_role=Subquery(role))
        .distinct()
        .order_by("-start_date", "name")
    )
    return [
        StaffProject(project, Role(project.my_role or Role.ADMIN))  # type: ignore[attr-defined]
        for project in projects
    ]


def project_copy_draft(*, access: ProjectAccess) -> Project:
    """An unsaved project with the settings a copy of `access.project` takes over
    (services.COPIED_SETTINGS), for the copy form to check the new decision's figures against
    (the rate among them)."""
    from .services import COPIED_SETTINGS

    return Project(**{name: getattr(access.project, name) for name in COPIED_SETTINGS})


def project_organisation_list(*, access: ProjectAccess) -> QuerySet[ProjectOrganisation]:
    """The project's organisations by name, each with how many take part from it."""
    participations = apps.get_model("participants", "Participation")
    count = (
        participations.objects.filter(project=access.project, organisation=OuterRef("organisation"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ProjectOrganisation.objects.filter(project=access.project)
        .select_related("organisation")
        .annotate(participant_count=Coalesce(Subquery(count), 0))
        .order_by("organisation__name", "organisation__organisationsnummer")
    )


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
