"""A contact person for several organisations of one project: one membership per
organisation, and ProjectAccess.organisation_q() gives her all of them and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from digiproj.projects import services
from digiproj.projects.models import Membership, ProjectOrganisation
from digiproj.projects.permissions import project_access
from reporting import services as report_services
from reporting.selectors import participations_for_report
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_of_three():
    project = ProjectFactory()
    orgs = [OrganisationFactory(name=n) for n in ("Ale kommun", "Borås stad", "Essunga kommun")]
    for org in orgs:
        ProjectOrganisation.objects.create(project=project, organisation=org)
    contact = UserFactory()
    for org in orgs[:2]:
        MembershipFactory(
            user=contact, project=project, role=Membership.Role.CONTACT, organisation=org
        )
    people = {
        org.name: ParticipationFactory(project=project, organisation=org, last_name=f"Av{i}")
        for i, org in enumerate(orgs)
    }
    return project, orgs, contact, people


def test_her_access_covers_both_organisations(two_of_three):
    project, orgs, contact, _people = two_of_three
    access = project_access(contact, project)
    assert access.is_contact
    assert access.organisation_scope == tuple(sorted(o.pk for o in orgs[:2]))


def test_she_sees_the_participants_of_both_and_nobody_else(client, two_of_three):
    project, _orgs, contact, people = two_of_three
    client.force_login(contact)
    page = client.get(reverse("participants:list", args=[project.pk])).content.decode()
    assert "Av0" in page
    assert "Av1" in page
    assert "Av2" not in page
    # Another organisation's participant is out of scope: a 404, not a 403.
    other = people["Essunga kommun"]
    detail = reverse("participants:detail", args=[project.pk, other.pk])
    assert client.get(detail).status_code == 404


def test_her_reports_count_both_organisations_only(client, two_of_three):
    project, orgs, contact, _people = two_of_three
    access = project_access(contact, project)
    counted = set(participations_for_report(access=access).values_list("organisation", flat=True))
    assert counted == {orgs[0].pk, orgs[1].pk}
    client.force_login(contact)
    page = client.get(reverse("reporting:register", args=[project.pk])).content.decode()
    assert "Av0" in page
    assert "Av1" in page
    assert "Av2" not in page
    # She may narrow a page to one of hers; another organisation is not a choice.
    params = {"period_start": "2024-01-01", "period_end": "2026-12-31"}
    url = reverse("reporting:register", args=[project.pk])
    one = client.get(url, {**params, "organisation": orgs[1].pk})
    assert "Av1" in one.content.decode()
    assert "Av0" not in one.content.decode()
    outside = client.get(url, {**params, "organisation": orgs[2].pk}).content.decode()
    assert "Av2" not in outside


def test_a_report_file_she_orders_names_one_of_her_organisations(two_of_three):
    project, orgs, contact, _people = two_of_three
    access = project_access(contact, project)
    order = {
        "access": access,
        "user": contact,
        "kind": "deltagare",
        "file_format": "csv",
        "period_start": dt.date(2024, 1, 1),
        "period_end": dt.date(2024, 12, 31),
    }
    with pytest.raises(ValidationError, match="Välj en av dina organisationer"):
        report_services.report_run_create(**order, organisation_id=orgs[2].pk)
    run = report_services.report_run_create(**order, organisation_id=orgs[1].pk)
    assert run.organisation_id == orgs[1].pk


def test_the_team_page_makes_her_contact_for_one_more_organisation(client):
    coordinator = MembershipFactory()
    project = coordinator.project
    orgs = [OrganisationFactory(), OrganisationFactory()]
    for org in orgs:
        ProjectOrganisation.objects.create(project=project, organisation=org)
    client.force_login(coordinator.user)
    url = reverse("project_team", args=[project.pk])
    for org in orgs:
        form = {"email": "kontakt@example.test", "role": "contact", "organisation": org.pk}
        assert client.post(url, form).status_code == 302
    contact = Membership.objects.filter(user__email="kontakt@example.test")
    assert {m.organisation_id for m in contact} == {o.pk for o in orgs}
    again = client.post(url, form)
    assert again.status_code == 400
    assert "redan kontaktperson för den organisationen" in again.content.decode()


def test_a_contact_cannot_also_get_another_role(two_of_three):
    project, _orgs, contact, _people = two_of_three
    coordinator = MembershipFactory(project=project)
    access = project_access(coordinator.user, project)
    with pytest.raises(ValidationError, match="har redan en roll"):
        services.membership_add(
            access=access,
            email=contact.email,
            first_name="",
            last_name="",
            role=Membership.Role.TEACHER,
            organisation_id=None,
        )
