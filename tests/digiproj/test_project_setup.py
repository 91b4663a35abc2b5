"""A project from its grant decision in the product's own pages (not Django admin): created by
a platform admin, copied by a coordinator, archived (read-only) by a coordinator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from digiproj.projects.models import (
    Membership,
    Organisation,
    Project,
    ProjectOrganisation,
    UnitCost,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# DigiWestum's decision (2020/00117): 47.0 % of the budget as support, a 50 % rate.
DECISION = {
    "diarienummer": "2020/00117",
    "name": "DigiWestum",
    "region": "Västsverige",
    "programme_period": "2014-2020",
    "programme_area": "1",
    "specific_objective": "1.1",
    "intervention_code": "117",
    "start_date": "2020-08-01",
    "end_date": "2022-07-31",
    "planned_participants": "350",
    "planned_women": "250",
    "planned_men": "100",
    "total_budget": "3 109 687",
    "esf_support": "1 462 608",
    "eu_cofinancing_rate": "50",
    "budgeted_cofinancing": "1 400 000",
    "cofinancing_method": "unit_cost",
    "retain_until": "2028-12-31",
    "owner_organisationsnummer": "222000-1453",
    "owner_name": "Nätverk Westum",
    "owner_kind": "kommunalforbund",
    "coordinator_email": "Margareta.Nasmark@westum.example",
    "coordinator_first_name": "Margareta",
}


@pytest.fixture
def admin(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_an_admin_creates_a_project_from_its_decision(
    client, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("project_create"), DECISION)
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(diarienummer="2020/00117")
    assert (project.total_budget, project.esf_support) == (Decimal(3109687), Decimal(1462608))
    assert (project.planned_women, project.planned_men) == (250, 100)
    assert project.retain_until == dt.date(2028, 12, 31)
    # The owner takes part from the start, with the owner role.
    link = ProjectOrganisation.objects.get(project=project)
    assert (link.organisation, link.role) == (project.owner, ProjectOrganisation.Role.OWNER)
    assert project.owner.organisationsnummer == "222000-1453"
    # The first coordinator is a member, and mailed by membership_add (the welcome mail).
    coordinator = Membership.objects.get(project=project)
    assert coordinator.role == Membership.Role.COORDINATOR
    assert coordinator.user.email == "margareta.nasmark@westum.example"
    assert [m.to for m in mail.outbox] == [["margareta.nasmark@westum.example"]]


def test_an_existing_owner_is_used_again(client, admin):
    owner = OrganisationFactory(organisationsnummer="222000-1453", name="Nätverk Westum")
    data = {**DECISION, "owner_name": "", "coordinator_email": ""}
    assert client.post(reverse("project_create"), data).status_code == 302
    assert Project.objects.get().owner == owner
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"diarienummer": "117-2020"}, "Skriv diarienumret som ÅÅÅÅ/NNNNN."),
        ({"end_date": "2020-07-31"}, "Slutdatum kan inte ligga före startdatum."),
        ({"esf_support": "3 200 000"}, "ESF-stödet kan inte vara större än budgeten."),
        ({"eu_cofinancing_rate": "40"}, "mer än medfinansieringsgraden 40"),
        ({"owner_organisationsnummer": "222000-1454"}, "inte ett giltigt organisationsnummer"),
        ({"planned_men": "200"}, "fler än det planerade antalet deltagare"),
    ],
)
def test_a_wrong_decision_is_refused_with_the_reason(client, admin, change, message):
    response = client.post(reverse("project_create"), {**DECISION, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Project.objects.exists()


def test_an_unusual_budget_is_asked_about_once(client, admin):
    data = {**DECISION, "total_budget": "31", "esf_support": "10"}
    response = client.post(reverse("project_create"), data)
    assert response.status_code == 400
    assert "är ovanligt här" in response.content.decode()
    confirmed = client.post(reverse("project_create"), {**data, "amounts_confirmed": "on"})
    assert confirmed.status_code == 302
    assert Project.objects.get().total_budget == Decimal(31)


@pytest.mark.parametrize("role", ["coordinator", "contact", "teacher"])
def test_only_a_platform_admin_creates_projects(client, role):
    org = OrganisationFactory()
    member = MembershipFactory(role=role, organisation=org if role == "contact" else None)
    client.force_login(member.user)
    assert client.get(reverse("project_create")).status_code == 403
    assert client.post(reverse("project_create"), DECISION).status_code == 403
    assert not Project.objects.filter(diarienummer="2020/00117").exists()


def test_the_anonymous_are_sent_to_log_in(client):
    response = client.get(reverse("project_create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.fixture
def earlier(client):
    coordinator = MembershipFactory()
    source = coordinator.project
    source.staff_login_requirement = "none"
    source.hour_rounding = Project.HourRounding.NONE
    source.save()
    partner = OrganisationFactory(name="Ale kommun")
    ProjectOrganisation.objects.create(project=source, organisation=source.owner, role="owner")
    ProjectOrganisation.objects.create(project=source, organisation=partner, role="partner")
    for year in (2024, 2025, 2026):
        UnitCost.objects.create(project=source, year=year, sek_per_hour=Decimal(250 + year % 10))
    contact = MembershipFactory(project=source, role="contact", organisation=partner)
    ParticipationFactory(project=source, organisation=partner)
    client.force_login(coordinator.user)
    return coordinator, contact


COPY = {
    "diarienummer": "2026/00042",
    "name": "Uppföljaren",
    "start_date": "2026-01-01",
    "end_date": "2027-12-31",
    "planned_participants": "200",
    "total_budget": "2 000 000",
    "esf_support": "900 000",
    "retain_until": "2033-12-31",
}


def test_a_coordinator_copies_settings_and_organisations_but_no_participants(
    client, earlier, django_capture_on_commit_callbacks
):
    coordinator, contact = earlier
    source = coordinator.project
    url = reverse("project_copy", args=[source.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**COPY, "copy_team": "on"})
    assert response.status_code == 302, response.context["form"].errors
    copy = Project.objects.get(diarienummer="2026/00042")
    assert (copy.owner, copy.hour_rounding) == (source.owner, Project.HourRounding.NONE)
    assert copy.programme_area == source.programme_area
    links = {(link.organisation.name, link.role) for link in copy.project_organisations.all()}
    assert links == {(source.owner.name, "owner"), ("Ale kommun", "partner")}
    # Unit costs of the years the new project runs; the earlier years stay behind.
    assert list(copy.unit_costs.values_list("year", flat=True)) == [2026]
    assert not copy.participations.exists()
    team = {(m.user_id, m.role) for m in copy.memberships.all()}
    assert team == {(coordinator.user_id, "coordinator"), (contact.user_id, "contact")}
    assert [m.to for m in mail.outbox] == [[contact.user.email]]  # the copier is not mailed
    assert source.participations.count() == 1  # the earlier project is untouched


def test_a_copy_without_the_team_has_only_the_copier(client, earlier):
    coordinator, _contact = earlier
    response = client.post(reverse("project_copy", args=[coordinator.project.pk]), COPY)
    assert response.status_code == 302
    copy = Project.objects.get(diarienummer="2026/00042")
    assert list(copy.memberships.values_list("user_id", flat=True)) == [coordinator.user_id]


def test_a_contact_may_not_copy_and_an_outsider_sees_nothing(client, earlier):
    coordinator, contact = earlier
    client.force_login(contact.user)
    assert (
        client.post(reverse("project_copy", args=[coordinator.project.pk]), COPY).status_code == 403
    )
    other = ProjectFactory()
    client.force_login(coordinator.user)
    assert client.get(reverse("project_copy", args=[other.pk])).status_code == 404


def _archive(client, project):
    url = reverse("project_archive", args=[project.pk])
    assert "Arkivera" in client.post(url).content.decode()  # the confirmation page first
    return client.post(url, {"confirmed": "1"})


def test_an_archived_project_refuses_changes_and_stays_readable(client, earlier):
    coordinator, _contact = earlier
    project = coordinator.project
    assert _archive(client, project).status_code == 302
    project.refresh_from_db()
    assert project.archived
    refused = client.post(reverse("participants:create", args=[project.pk]), {})
    assert refused.status_code == 403
    assert "Projektet är arkiverat och kan inte ändras" in refused.content.decode()
    settings = client.get(reverse("project_settings", args=[project.pk]))
    assert settings.status_code == 403
    for name in ("project_dashboard", "participants:list", "reporting:index", "reporting:register"):
        page = client.get(reverse(name, args=[project.pk]))
        assert page.status_code == 200, name
        assert "Projektet är arkiverat" in page.content.decode()
    # Listed apart on the start page, and still a source for a new project.
    home = client.get(reverse("home"))
    assert [s.project for s in home.context["archived_projects"]] == [project]
    assert project not in [s.project for s in home.context["staff_projects"]]
    assert client.post(reverse("project_copy", args=[project.pk]), COPY).status_code == 302


def test_only_a_coordinator_archives(client, earlier):
    coordinator, contact = earlier
    client.force_login(contact.user)
    url = reverse("project_archive", args=[coordinator.project.pk])
    assert client.post(url, {"confirmed": "1"}).status_code == 403
    coordinator.project.refresh_from_db()
    assert not coordinator.project.archived
