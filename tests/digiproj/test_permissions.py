"""The permission module over coordinator / contact / participant / teacher / outsider /
anonymous (healthchecks' alice/bob/charlie, extended to our roles)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from digiproj.projects.models import Membership
from digiproj.projects.permissions import (
    Role,
    project_access,
    project_get_for_user,
    projects_for_user,
)
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    project = ProjectFactory()
    other_project = ProjectFactory()
    coordinator = MembershipFactory(project=project).user
    contact_membership = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=project.owner
    )
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER).user
    participant_user = UserFactory()
    person = PersonFactory()
    ParticipationFactory(project=project, person=person, user=participant_user)
    outsider = MembershipFactory(project=other_project).user
    return {
        "project": project,
        "coordinator": coordinator,
        "contact": contact_membership.user,
        "contact_org": contact_membership.organisation,
        "teacher": teacher,
        "participant": participant_user,
        "person": person,
        "outsider": outsider,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("admin", Role.ADMIN),
        ("coordinator", Role.COORDINATOR),
        ("contact", Role.CONTACT),
        ("teacher", Role.TEACHER),
        ("participant", Role.PARTICIPANT),
        ("outsider", None),
    ],
)
def test_project_access_gives_each_user_their_role(world, who, role):
    access = project_access(world[who], world["project"])
    assert (access.role if access else None) == role


def test_anonymous_has_no_access(world):
    assert project_access(AnonymousUser(), world["project"]) is None


def test_contact_access_is_scoped_to_their_organisation(world):
    access = project_access(world["contact"], world["project"])
    assert access.organisation_ids == (world["contact_org"].pk,)


def test_participant_access_carries_their_person(world):
    access = project_access(world["participant"], world["project"])
    assert access.person_id == world["person"].pk


def test_outsider_gets_404_not_403(world):
    with pytest.raises(Http404):
        project_get_for_user(world["outsider"], world["project"].pk)


def test_unknown_project_id_is_404(world):
    with pytest.raises(Http404):
        project_get_for_user(world["coordinator"], 999_999)


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        ("coordinator", "participants.reveal_personnummer", True),
        ("contact", "participants.reveal_personnummer", False),
        ("contact", "participants.view", True),
        ("teacher", "participants.view", False),
        ("teacher", "attendance.mark", True),
        ("participant", "project.dashboard", False),
        ("participant", "project.view", True),
        ("admin", "reports.full_personnummer", True),
    ],
)
def test_forbidden_action_on_visible_project_is_403(world, who, action, allowed):
    if allowed:
        assert project_get_for_user(world[who], world["project"].pk, action=action)
    else:
        with pytest.raises(PermissionDenied):
            project_get_for_user(world[who], world["project"].pk, action=action)


def test_projects_for_user_lists_only_own_projects(world):
    assert list(projects_for_user(world["contact"])) == [world["project"]]
    assert list(projects_for_user(world["participant"])) == [world["project"]]
    assert world["project"] not in projects_for_user(world["outsider"])
    assert projects_for_user(AnonymousUser()).count() == 0
    assert projects_for_user(world["admin"]).count() == 2


def test_erased_participation_gives_no_access(world):
    world["person"].participations.update(erased_at="2025-01-01T00:00:00Z")
    world["participant"]._project_access_cache = {}
    assert project_access(world["participant"], world["project"]) is None


def test_projects_for_user_lists_each_project_once_whatever_the_roles(
    django_assert_num_queries,
):
    """Staff in one project, participant in another and both in a third (a coordinator who
    takes the course too), an erased participation in a fourth: each of the first three once,
    in one query of two subqueries (no join over the projects' participations)."""
    user = UserFactory()
    staff, taking_part, both, erased = (ProjectFactory() for _ in range(4))
    MembershipFactory(project=staff, user=user)
    MembershipFactory(project=both, user=user)
    for project in (taking_part, both):
        ParticipationFactory(project=project, user=user)
        ParticipationFactory(project=project)  # someone else's
    ParticipationFactory(project=erased, user=user, erased_at="2025-01-01T00:00:00Z")
    with django_assert_num_queries(1) as captured:
        found = list(projects_for_user(user).order_by("pk"))
    assert found == [staff, taking_part, both]
    assert "DISTINCT" not in captured.captured_queries[0]["sql"]
