"""The one place that decides who may see and do what.

Every view and queryset goes through here. An object outside the user's scope is a 404
(no existence leak); a forbidden action on a visible object is a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseBase
from django.utils.translation import gettext_lazy as _

from .models import Membership, Project, Role

if TYPE_CHECKING:
    from digiproj.accounts.models import User
    from digiproj.http import AuthenticatedHttpRequest

Response = TypeVar("Response", bound=HttpResponseBase)


STAFF = {Role.ADMIN, Role.COORDINATOR, Role.CONTACT}
MANAGERS = {Role.ADMIN, Role.COORDINATOR}

# action -> roles that may do it. Organisation and person scoping is applied on top by the
# scope helpers below, so "participants.view" for a contact means their organisation only.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "project.view": frozenset(Role),
    "project.dashboard": frozenset(STAFF | {Role.TEACHER}),
    "project.edit": frozenset(MANAGERS),
    # A new project from this one's settings and organisations (the copier coordinates it).
    "project.copy": frozenset(MANAGERS),
    "project.archive": frozenset(MANAGERS),
    # The retention page: what goes after retain_until and what went (counts only).
    "project.retention": frozenset(MANAGERS),
    "participants.view": frozenset(STAFF),
    "participants.edit": frozenset(STAFF),
    "participants.import": frozenset(STAFF),
    "participants.reveal_personnummer": frozenset(MANAGERS),
    "participants.erase": frozenset(MANAGERS),
    "participants.history": frozenset(MANAGERS),
    "participants.registration_links": frozenset(MANAGERS),
    "surveys.view": frozenset(STAFF),
    "surveys.edit": frozenset(MANAGERS),
    "surveys.results": frozenset(STAFF),
    "surveys.export": frozenset(MANAGERS),
    "surveys.answer": frozenset({Role.PARTICIPANT}),
    "activities.view": frozenset(STAFF | {Role.TEACHER}),
    "activities.edit": frozenset(MANAGERS),
    "activities.enrol": frozenset(STAFF),
    "attendance.mark": frozenset(STAFF | {Role.TEACHER}),
    "hours.approve": frozenset(STAFF),
    "reports.view": frozenset(STAFF),
    "reports.full_personnummer": frozenset(MANAGERS),
    "reports.scb": frozenset(MANAGERS),
    "goals.view": frozenset(STAFF),
    "goals.edit": frozenset(MANAGERS),
    "activities.participate": frozenset({Role.PARTICIPANT}),
    "hours.view": frozenset(STAFF | {Role.PARTICIPANT}),
}


# What an archived project still allows: it is read, reported on and audited until its
# retain_until, but nothing in it changes any more. Erasure stays possible: a person's right to
# it does not end with the project. Copying makes a new project and leaves this one as it is.
READABLE_WHEN_ARCHIVED = frozenset(
    {
        "project.view",
        "project.dashboard",
        "project.retention",
        "project.copy",
        "participants.view",
        "participants.reveal_personnummer",
        "participants.erase",
        "participants.history",
        "surveys.view",
        "surveys.results",
        "surveys.export",
        "activities.view",
        "hours.view",
        "reports.view",
        "reports.full_personnummer",
        "reports.scb",
        "goals.view",
    }
)


class ProjectArchived(PermissionDenied):
    """A change asked of an archived project: a 403 whose page says why."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Projektet är arkiverat och kan inte ändras längre. Uppgifterna och "
                "rapporterna går fortfarande att läsa."
            )
        )


def may_create_projects(user: User) -> bool:
    """Only a platform admin starts a project from a grant decision: before it exists there is
    no project role that could vouch for one. (A coordinator starts one by copying their own,
    the "project.copy" action.)"""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def platform_admin_required(
    view: Callable[..., Response],
) -> Callable[..., Response]:
    """Decorate a view only a platform admin may use: login first, then 403."""

    @wraps(view)
    @login_required
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> Response:
        if not may_create_projects(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class ProjectAccess:
    """What one user may do in one project, worked out once per request."""

    project: Project
    role: Role
    user_id: int
    # A contact's organisations (one or several, sorted); empty for every other role.
    organisation_ids: tuple[int, ...] = ()
    person_id: int | None = None  # set for participants

    def can(self, action: str) -> bool:
        if self.project.archived and action not in READABLE_WHEN_ARCHIVED:
            return False
        return self.role in PERMISSIONS[action]

    def require(self, action: str) -> None:
        if self.can(action):
            return
        if self.project.archived and self.role in PERMISSIONS[action]:
            raise ProjectArchived
        raise PermissionDenied

    @property
    def is_coordinator(self) -> bool:
        return self.role in MANAGERS

    @property
    def is_contact(self) -> bool:
        return self.role == Role.CONTACT

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_participant(self) -> bool:
        return self.role == Role.PARTICIPANT

    @property
    def organisation_scope(self) -> tuple[int, ...] | None:
        """The organisations this user's figures are always limited to (a contact's own, one
        or several), or None when they see the whole project and may choose an organisation.
        For what a page offers and what an order records; selectors filter with the Q helpers
        below, which also shut out the roles that see no organisation's rows."""
        return self.organisation_ids if self.role == Role.CONTACT else None

    def as_contact_of(self, organisation_id: int) -> ProjectAccess:
        """This user's access narrowed to one organisation, as its contact person has it
        (a coordinator's report for one organisation)."""
        return replace(self, role=Role.CONTACT, organisation_ids=(organisation_id,))

    def _own_organisations_q(self, field: str) -> Q:
        if len(self.organisation_ids) == 1:
            return Q(**{field: self.organisation_ids[0]})
        return Q(**{f"{field}__in": self.organisation_ids})

    def organisation_q(self, path: str = "organisation") -> Q:
        """Filter for rows belonging to an organisation: a contact sees only their own."""
        if self.role == Role.CONTACT:
            return self._own_organisations_q(f"{path}_id")
        if self.role in MANAGERS:
            return Q()
        return Q(pk__in=[])

    def response_q(self, path: str = "") -> Q:
        """Filter on survey responses (or rows reached through `path`), by the response's own
        snapshot: a contact sees the responses given in their organisation, a participant
        their own."""
        return self.participation_q(path)

    def participation_q(self, path: str = "") -> Q:
        """Filter on participants.Participation rows (or rows reached through `path`)."""
        prefix = f"{path}__" if path else ""
        if self.role in MANAGERS:
            return Q()
        if self.role == Role.CONTACT:
            return self._own_organisations_q(f"{prefix}organisation_id")
        if self.role == Role.PARTICIPANT:
            return Q(**{f"{prefix}person_id": self.person_id})
        return Q(pk__in=[])


def _cache(user: User) -> dict[int, ProjectAccess | None]:
    cache = getattr(user, "_project_access_cache", None)
    if cache is None:
        cache = {}
        user._project_access_cache = cache  # type: ignore[attr-defined]
    return cache


def project_access(user: User, project: Project) -> ProjectAccess | None:
    """The user's role in the project, or None when the project is out of their scope."""
    if not user.is_authenticated or not user.is_active:
        return None
    cache = _cache(user)
    if project.pk in cache:
        return cache[project.pk]
    access: ProjectAccess | None
    if user.is_superuser:
        access = ProjectAccess(project=project, role=Role.ADMIN, user_id=user.pk)
    else:
        memberships = list(
            Membership.objects.filter(user=user, project=project).values_list(
                "role", "organisation_id"
            )
        )
        if memberships:
            access = _staff_access(project, user.pk, memberships)
        else:
            participation = (
                apps.get_model("participants", "Participation")
                .objects.filter(project=project, user=user, erased_at__isnull=True)
                .values("person_id")
                .first()
            )
            access = (
                ProjectAccess(
                    project=project,
                    role=Role.PARTICIPANT,
                    user_id=user.pk,
                    person_id=participation["person_id"],
                )
                if participation
                else None
            )
    cache[project.pk] = access
    return access


def _staff_access(
    project: Project, user_id: int, memberships: Sequence[tuple[str, int | None]]
) -> ProjectAccess:
    """The access of a staff member's rows: one role, or a contact's rows for several
    organisations together. Should a person ever hold another role beside contact rows
    (membership_add refuses it), the other role alone counts, never a mix."""
    other = sorted(Role(role) for role, _org in memberships if role != Role.CONTACT)
    if other:
        return ProjectAccess(project=project, role=other[0], user_id=user_id)
    organisations = tuple(sorted({org for _role, org in memberships if org is not None}))
    return ProjectAccess(
        project=project, role=Role.CONTACT, user_id=user_id, organisation_ids=organisations
    )


def project_get_for_user(user: User, pk: int, *, action: str = "project.view") -> ProjectAccess:
    """Project access for a view: 404 outside the user's scope, 403 for a forbidden action."""
    project = Project.objects.filter(pk=pk).select_related("owner").first()
    access = project_access(user, project) if project else None
    if access is None:
        raise Http404
    access.require(action)
    return access


def projects_for_user(user: User) -> QuerySet[Project]:
    """Every project the user has any role in, for lists and menus."""
    if not user.is_authenticated:
        return Project.objects.none()
    qs = Project.objects.active().select_related("owner")
    if user.is_superuser:
        return qs
    # Two subqueries, each read by its user index: one OR over both joins made PostgreSQL
    # join every participation of the user's projects and DISTINCT them (4 s for a
    # coordinator of a 100,000-participant project, on every home page).
    participating = Project.objects.filter(
        participations__user=user, participations__erased_at__isnull=True
    ).values("pk")
    return qs.filter(
        Q(pk__in=Membership.objects.filter(user=user).values("project_id"))
        | Q(pk__in=participating)
    )


def project_permission_required(
    action: str,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Decorate a view taking `project_id`: it receives the user's ProjectAccess instead.

    Covers login, scope (404) and the action (403) in one line on every project view.
    """

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        @login_required
        def wrapper(
            request: AuthenticatedHttpRequest, project_id: int, *args: Any, **kwargs: Any
        ) -> Response:
            access = project_get_for_user(request.user, project_id, action=action)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorator
