"""The participant's nearest manager (närmaste chef), kept on the participation for the monthly
certificates (#14 item 2): set in the participant form, shown on the page, editable only in
the editor's scope, and blanked with the contact data on erasure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership
from participants import services
from participants.models import Participation
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    project = ProjectFactory()
    mine = ProjectOrganisationFactory(project=project).organisation
    theirs = ProjectOrganisationFactory(project=project).organisation
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=mine
    ).user
    other_coordinator = MembershipFactory(project=ProjectFactory()).user
    return locals()


def _data(org, **extra):
    return {
        "first_name": "Anna",
        "last_name": "Testsson",
        "email": "anna@example.test",
        "organisation": org.pk,
        "role_group": "admin",
        "isced": "5-8",
        "employment_status": "employed",
        "start_date": "2024-03-01",
        "manager_name": " Cecilia Chef ",
        "manager_email": "Cecilia.Chef@Example.TEST",
        **extra,
    }


def test_coordinator_adds_a_participant_with_her_nearest_manager(client, setup):
    client.force_login(setup["coordinator"])
    url = reverse("participants:create", args=[setup["project"].pk])
    response = client.post(url, _data(setup["theirs"], personnummer=participant_test_pnr(1)))
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.manager_name == "Cecilia Chef"
    assert participation.manager_email == "cecilia.chef@example.test"
    detail = client.get(response["Location"]).content.decode()
    assert "Cecilia Chef (cecilia.chef@example.test)" in detail


def test_contact_edits_the_manager_of_her_own_organisations_participant(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["mine"])
    client.force_login(setup["contact"])
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    form = client.get(url).content.decode()
    assert 'name="manager_email"' in form
    assert "fylls i när rapporten skickas till chefen" in form
    assert client.post(url, _data(setup["mine"])).status_code == 302
    participation.refresh_from_db()
    assert (participation.manager_name, participation.manager_email) == (
        "Cecilia Chef",
        "cecilia.chef@example.test",
    )
    assert participation.history.count() == 2  # the change is in the audit trail


def test_the_edit_form_shows_the_stored_manager(client, setup):
    participation = ParticipationFactory(
        project=setup["project"],
        organisation=setup["mine"],
        manager_name="Bo Chef",
        manager_email="bo.chef@example.test",
    )
    client.force_login(setup["coordinator"])
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    form = client.get(url).content.decode()
    assert 'value="bo.chef@example.test"' in form
    assert 'value="Bo Chef"' in form


def test_a_manager_address_that_is_none_is_refused(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["mine"])
    client.force_login(setup["coordinator"])
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    response = client.post(url, _data(setup["mine"], manager_email="chefen"))
    assert response.status_code == 200
    participation.refresh_from_db()
    assert participation.manager_email == ""


@pytest.mark.parametrize("who", ["contact", "other_coordinator"])
def test_a_participation_outside_the_editors_scope_cannot_be_edited(client, setup, who):
    """Another organisation's participant (for a contact) and another project's (for its
    coordinator) are a 404 to read and to post, and nothing is changed."""
    participation = ParticipationFactory(
        project=setup["project"], organisation=setup["theirs"], manager_email="kvar@example.test"
    )
    client.force_login(setup[who])
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _data(setup["theirs"])).status_code == 404
    participation.refresh_from_db()
    assert participation.manager_email == "kvar@example.test"
    assert participation.manager_name == ""


def test_another_projects_participation_is_404_in_ones_own_project(client, setup):
    """A coordinator who names her own project and another project's participation id."""
    elsewhere = ParticipationFactory(manager_email="kvar@example.test")
    client.force_login(setup["coordinator"])
    url = reverse("participants:edit", args=[setup["project"].pk, elsewhere.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _data(setup["mine"])).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.manager_email == "kvar@example.test"


def test_erasing_contact_data_blanks_the_manager_too(setup):
    participation = ParticipationFactory(
        project=setup["project"],
        organisation=setup["mine"],
        manager_name="Bo Chef",
        manager_email="bo.chef@example.test",
    )
    services.person_erase(participation=participation, user_id=setup["coordinator"].pk)
    participation.refresh_from_db()
    assert (participation.manager_name, participation.manager_email) == ("", "")
    assert not participation.history.filter(manager_email="bo.chef@example.test").exists()


def test_a_new_address_replaces_the_stored_manager_and_her_name(setup):
    participation = ParticipationFactory(
        project=setup["project"], manager_name="Bo Chef", manager_email="bo.chef@example.test"
    )
    services.participation_manager_set(participation=participation, email="BO.CHEF@example.test ")
    participation.refresh_from_db()
    assert participation.manager_name == "Bo Chef"  # the same manager: nothing changed
    services.participation_manager_set(participation=participation, email="ny@example.test")
    participation.refresh_from_db()
    assert (participation.manager_name, participation.manager_email) == ("", "ny@example.test")
