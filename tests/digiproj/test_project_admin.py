"""A coordinator's own project settings, organisations and team."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Organisation, ProjectOrganisation, UnitCost
from tests.factories import MembershipFactory, OrganisationFactory, ProjectOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


def test_contact_gets_403_on_settings(client):
    contact = MembershipFactory(role=Membership.Role.CONTACT, organisation=OrganisationFactory())
    client.force_login(contact.user)
    for name in ("project_settings", "project_organisations", "project_team"):
        assert client.get(reverse(name, args=[contact.project.pk])).status_code == 403


def test_outsider_gets_404_on_settings(client, coordinator):
    other = MembershipFactory()
    for name in ("project_settings", "project_organisations", "project_team"):
        assert client.get(reverse(name, args=[other.project.pk])).status_code == 404


def test_settings_are_saved_and_validated(client, coordinator):
    project = coordinator.project
    url = reverse("project_settings", args=[project.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"planned_participants": 420, "survey_anonymity_threshold": 7})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert (project.planned_participants, project.survey_anonymity_threshold) == (420, 7)

    data.update({"end_date": "2020-01-01"})
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Slutdatum kan inte ligga före startdatum." in response.content.decode()


def test_requiring_mfa_sends_the_coordinator_to_set_it_up(client, coordinator):
    url = reverse("project_settings", args=[coordinator.project.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    client.post(url, {**data, "staff_login_requirement": "mfa"})
    assert client.get(url)["Location"] == reverse("mfa_activate_totp")


def test_unit_cost_is_set_per_year_within_the_project(client, coordinator):
    url = reverse("project_unit_cost", args=[coordinator.project.pk])
    client.post(url, {"unit-year": 2024, "unit-sek_per_hour": "245.50"})
    client.post(url, {"unit-year": 2024, "unit-sek_per_hour": "250.00"})  # corrected
    client.post(url, {"unit-year": 1999, "unit-sek_per_hour": "100"})  # outside: refused
    assert list(UnitCost.objects.values_list("year", "sek_per_hour")) == [(2024, 250)]


def test_organisation_is_added_with_a_valid_number_only(client, coordinator):
    url = reverse("project_organisations", args=[coordinator.project.pk])
    response = client.post(
        url,
        {
            "organisationsnummer": "212000-2743",
            "name": "Fel kommun",
            "kind": "kommun",
            "role": "employer",
        },
    )
    assert "inte ett giltigt organisationsnummer" in response.content.decode()
    client.post(
        url,
        {
            "organisationsnummer": "2120002742",
            "name": "Umeå kommun",
            "kind": "kommun",
            "role": "employer",
        },
    )
    org = Organisation.objects.get(organisationsnummer="212000-2742")
    assert ProjectOrganisation.objects.filter(
        project=coordinator.project, organisation=org
    ).exists()
    response = client.post(
        url,
        {"organisationsnummer": "212000-2742", "name": "", "kind": "kommun", "role": "employer"},
    )
    assert "deltar redan i projektet" in response.content.decode()


def test_new_contact_gets_an_account_and_a_mail(
    client, coordinator, django_capture_on_commit_callbacks
):
    org = ProjectOrganisationFactory(project=coordinator.project).organisation
    url = reverse("project_team", args=[coordinator.project.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "Ny.Kontakt@Example.test",
                "first_name": "Ny",
                "last_name": "Kontakt",
                "role": "contact",
                "organisation": org.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ny.kontakt@example.test")
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.organisation) == ("contact", org)
    (welcome,) = mail.outbox
    assert welcome.to == ["ny.kontakt@example.test"]
    assert coordinator.project.name in welcome.subject
    assert "/accounts/password/reset/key/" in welcome.body


def test_contact_needs_an_organisation_of_the_project(client, coordinator):
    url = reverse("project_team", args=[coordinator.project.pk])
    response = client.post(url, {"email": "x@example.test", "role": "contact"})
    assert "Välj kontaktpersonens organisation." in response.content.decode()
    assert not User.objects.filter(email="x@example.test").exists()


def test_coordinator_cannot_remove_own_role(client, coordinator):
    url = reverse("project_team_remove", args=[coordinator.project.pk, coordinator.pk])
    client.post(url, {"confirmed": "1"})
    assert Membership.objects.filter(pk=coordinator.pk).exists()


def test_member_of_another_project_cannot_be_removed(client, coordinator):
    other = MembershipFactory()
    response = client.post(
        reverse("project_team_remove", args=[coordinator.project.pk, other.pk]),
        {"confirmed": "1"},
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_removing_a_role_is_asked_about_on_a_page_of_its_own(client, coordinator):
    project = coordinator.project
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER)
    url = reverse("project_team_remove", args=[project.pk, teacher.pk])

    asked = client.post(url)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert f"Ta bort rollen för {teacher.user.email}?" in html
    assert f"{teacher.user.email} har rollen utbildare i {project.name}." in html
    assert f'href="{reverse("project_team", args=[project.pk])}"' in html  # Avbryt
    assert Membership.objects.filter(pk=teacher.pk).exists()

    done = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Rollen är borttagen." in done.content.decode()
    assert not Membership.objects.filter(pk=teacher.pk).exists()


def test_team_form_offers_the_least_powerful_role_first(client, coordinator):
    html = client.get(reverse("project_team", args=[coordinator.project.pk])).content.decode()
    assert '<option value="teacher" selected>' in html
    assert '<option value="coordinator" selected>' not in html
