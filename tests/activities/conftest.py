from __future__ import annotations

import pytest

from digiproj.projects.models import Membership
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    SessionFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    """A project with a coordinator, a contact for one organisation, a teacher, an outsider,
    participants in two organisations, one workshop with one session."""
    project = ProjectFactory()
    other_project = ProjectFactory()
    org, other_org = OrganisationFactory(), OrganisationFactory()
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=org
    ).user
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER).user
    outsider = MembershipFactory(project=other_project).user
    own = ParticipationFactory(project=project, organisation=org)
    foreign = ParticipationFactory(project=project, organisation=other_org)
    participant_user = UserFactory()
    own.user = participant_user
    own.save()
    activity = ActivityFactory(project=project)
    session = SessionFactory(activity=activity, teacher=teacher, capacity=10)
    return type("World", (), locals())
