"""Permission matrix for the participant pages: coordinator / contact / teacher / participant /
outsider / anonymous. Out of scope is 404, a forbidden action on a visible project is 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGES = ["list", "create", "import", "import_template", "invitations", "detail", "edit"]


@pytest.fixture
def world():
    project = ProjectFactory()
    mine = ProjectOrganisationFactory(project=project).organisation
    theirs = ProjectOrganisationFactory(project=project).organisation
    own = ParticipationFactory(project=project, organisation=mine)
    foreign = ParticipationFactory(project=project, organisation=theirs)
    participant = UserFactory()
    ParticipationFactory(project=project, organisation=mine, user=participant)
    users = {
        "coordinator": MembershipFactory(project=project).user,
        "contact": MembershipFactory(
            project=project, role=Membership.Role.CONTACT, organisation=mine
        ).user,
        "teacher": MembershipFactory(project=project, role=Membership.Role.TEACHER).user,
        "participant": participant,
        "outsider": MembershipFactory().user,
    }
    return {"project": project, "own": own, "foreign": foreign, "users": users}


def _url(world, page, target="own"):
    args = [world["project"].pk]
    if page in ("detail", "edit"):
        args.append(world[target].pk)
    return reverse(f"participants:{page}", args=args)


EXPECTED = {
    "coordinator": 200,
    "contact": 200,
    "teacher": 403,
    "participant": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_matrix(client, world, page, role):
    client.force_login(world["users"][role])
    assert client.get(_url(world, page)).status_code == EXPECTED[role]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_goes_to_login(client, world, page):
    response = client.get(_url(world, page))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ["detail", "edit"])
def test_contact_gets_404_for_other_organisation(client, world, page):
    client.force_login(world["users"]["contact"])
    assert client.get(_url(world, page, "foreign")).status_code == 404


@pytest.mark.parametrize("page", ["detail", "edit"])
def test_other_projects_participant_is_404_for_coordinator(client, world, page):
    other = ParticipationFactory()
    client.force_login(world["users"]["coordinator"])
    url = reverse(f"participants:{page}", args=[world["project"].pk, other.pk])
    assert client.get(url).status_code == 404
