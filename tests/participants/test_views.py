"""Participant list and detail: scoped by role, 404 outside scope, masked personnummer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership
from participants.models import PersonnummerReveal
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    project, other_project = ProjectFactory(), ProjectFactory()
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    own = ParticipationFactory(project=project, organisation=mine)
    foreign_org = ParticipationFactory(project=project, organisation=theirs)
    foreign_project = ParticipationFactory(project=other_project, organisation=mine)
    contact = MembershipFactory(project=project, role=Membership.Role.CONTACT, organisation=mine)
    coordinator = MembershipFactory(project=project)
    return locals()


def test_contact_list_shows_only_own_organisation(client, setup):
    client.force_login(setup["contact"].user)
    response = client.get(reverse("participants:list", args=[setup["project"].pk]))
    assert [p.pk for p in response.context["page"]] == [setup["own"].pk]


def test_contact_gets_404_for_other_organisations_participant(client, setup):
    client.force_login(setup["contact"].user)
    url = reverse("participants:detail", args=[setup["project"].pk, setup["foreign_org"].pk])
    assert client.get(url).status_code == 404


def test_guessing_another_projects_participant_id_is_404(client, setup):
    client.force_login(setup["contact"].user)
    # The id exists, but belongs to another project: same answer as a missing id.
    url = reverse("participants:detail", args=[setup["project"].pk, setup["foreign_project"].pk])
    assert client.get(url).status_code == 404
    url = reverse(
        "participants:detail", args=[setup["other_project"].pk, setup["foreign_project"].pk]
    )
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("participants:list", args=[setup["other_project"].pk])).status_code
        == 404
    )


def test_list_shows_masked_personnummer_only(client, setup):
    client.force_login(setup["coordinator"].user)
    html = client.get(reverse("participants:list", args=[setup["project"].pk])).content.decode()
    number = setup["own"].person.personnummer
    assert f"{number[:8]}-****" in html
    assert number not in html
    # No other way of writing the number either (ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN, ÅÅMMDDNNNN); the
    # last four digits alone could turn up by chance in the page's random CSRF token.
    for form in (f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}", number[2:]):
        assert form not in html


def test_coordinator_reveal_is_logged(client, setup):
    client.force_login(setup["coordinator"].user)
    url = reverse("participants:reveal", args=[setup["project"].pk, setup["own"].pk])
    html = client.post(url).content.decode()
    number = setup["own"].person.personnummer
    assert f"{number[:8]}-{number[8:]}" in html
    reveal = PersonnummerReveal.objects.get()
    assert reveal.user == setup["coordinator"].user
    assert reveal.participation == setup["own"]


def test_contact_may_not_reveal(client, setup):
    client.force_login(setup["contact"].user)
    url = reverse("participants:reveal", args=[setup["project"].pk, setup["own"].pk])
    assert client.post(url).status_code == 403
    assert not PersonnummerReveal.objects.exists()


@pytest.mark.parametrize("rows", [1, 10])
def test_list_query_count_is_bounded(client, django_assert_num_queries, rows):
    project = ProjectFactory()
    ParticipationFactory.create_batch(rows, project=project)
    coordinator = MembershipFactory(project=project)
    client.force_login(coordinator.user)
    # session, user, MFA check, project, membership, employer choices, count, page
    with django_assert_num_queries(8):
        client.get(reverse("participants:list", args=[project.pk]))
