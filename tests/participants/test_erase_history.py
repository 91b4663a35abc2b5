"""Erasure where the law allows it, and the audit trail coordinators see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, ProjectOrganisation
from participants.models import Participation, Person
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    project = ProjectFactory(retain_until=dt.date(2099, 12, 31))
    user = UserFactory(email="deltagare@example.test")
    participation = ParticipationFactory(project=project, user=user, phone="070-1234567")
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=participation.organisation
    ).user
    return locals()


def _erase(client, setup):
    url = reverse("participants:erase", args=[setup["project"].pk, setup["participation"].pk])
    return client.post(url, {"confirm": "on"})


def test_erase_before_retain_until_keeps_what_funder_requires(client, setup):
    client.force_login(setup["coordinator"])
    participation = setup["participation"]
    number, name = participation.person.personnummer, participation.full_name
    assert _erase(client, setup).status_code == 302
    participation.refresh_from_db()
    assert participation.email == ""
    assert participation.phone == ""
    assert participation.user is None
    assert participation.contact_erased_at is not None
    assert participation.person.personnummer == number
    assert participation.full_name == name
    assert not User.objects.filter(email="deltagare@example.test").exists()
    assert Participation.objects.current().filter(pk=participation.pk).exists()
    # The audit trail no longer holds the contact data either.
    assert not Participation.history.filter(id=participation.pk).exclude(email="").exists()
    assert not Participation.history.filter(id=participation.pk).exclude(phone="").exists()


def test_erase_after_retain_until_anonymises(client, setup):
    project = setup["project"]
    project.retain_until = dt.date(2000, 1, 1)
    project.save()
    client.force_login(setup["coordinator"])
    person = setup["participation"].person
    number = person.personnummer
    assert _erase(client, setup).status_code == 302
    person.refresh_from_db()
    assert person.personnummer != number
    assert not Person.objects.filter(personnummer=number).exists()
    assert not Participation.objects.current().filter(pk=setup["participation"].pk).exists()
    assert not Person.history.filter(personnummer=number).exists()
    assert not Participation.history.filter(id=setup["participation"].pk).exists()


def test_contact_may_not_erase(client, setup):
    client.force_login(setup["contact"])
    assert _erase(client, setup).status_code == 403
    setup["participation"].refresh_from_db()
    assert setup["participation"].email


def test_staff_account_is_unlinked_not_deleted(client, setup):
    staff_user = setup["coordinator"]
    other = ParticipationFactory(project=setup["project"], user=staff_user)
    client.force_login(setup["coordinator"])
    client.post(
        reverse("participants:erase", args=[setup["project"].pk, other.pk]), {"confirm": "on"}
    )
    assert User.objects.filter(pk=staff_user.pk).exists()
    other.refresh_from_db()
    assert other.user is None


def test_history_visible_to_coordinator_only(client, setup):
    client.force_login(setup["coordinator"])
    edit = reverse("participants:edit", args=[setup["project"].pk, setup["participation"].pk])
    person = setup["participation"]
    ProjectOrganisation.objects.create(
        project=setup["project"], organisation=setup["participation"].organisation
    )
    response = client.post(
        edit,
        {
            "first_name": "Nytt",
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "organisation": setup["participation"].organisation.pk,
            "role_group": "manager",
            "isced": "unknown",
            "employment_status": "employed",
            "start_date": "2024-03-01",
        },
    )
    assert response.status_code == 302
    detail = reverse("participants:detail", args=[setup["project"].pk, setup["participation"].pk])
    response = client.get(detail)
    history = response.context["history"]
    changed = {f for entry in history for f in entry["fields"]}
    assert "förnamn" in changed
    assert {str(entry["type"]) for entry in history} == {"skapad", "ändrad"}
    assert "yrkesgrupp" in changed
    assert any(entry["who"] == setup["coordinator"] for entry in history)
    assert "Ändringshistorik" in response.content.decode()
    client.force_login(setup["contact"])
    response = client.get(detail)
    assert response.context["history"] is None
    assert "Ändringshistorik" not in response.content.decode()


def test_other_project_cannot_erase(client, setup):
    client.force_login(MembershipFactory(project=ProjectFactory()).user)
    assert _erase(client, setup).status_code == 404


def test_erase_needs_confirmation(client, setup):
    client.force_login(setup["coordinator"])
    url = reverse("participants:erase", args=[setup["project"].pk, setup["participation"].pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "Kryssa i rutan" in response.content.decode()
    setup["participation"].refresh_from_db()
    assert setup["participation"].email
