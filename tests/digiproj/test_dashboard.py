from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership
from participants.personnummer import Gender
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    RoundFactory,
    SessionFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _seed(project, n):
    for i in range(n):
        gender = Gender.WOMAN if i % 3 else Gender.MAN
        ParticipationFactory(project=project, person=PersonFactory(gender_code=gender))
    activity = ActivityFactory(project=project)
    SessionFactory.create_batch(n, activity=activity)
    RoundFactory.create_batch(n, survey=SurveyFactory(project=project))


def test_dashboard_counts_participants_by_gender(client):
    project = ProjectFactory()
    membership = MembershipFactory(project=project)
    _seed(project, 6)  # i=0,3 men; 1,2,4,5 women
    client.force_login(membership.user)

    response = client.get(reverse("project_dashboard", args=[project.pk]))

    assert response.status_code == 200
    assert response.context["counts"]["women"] == 4
    assert response.context["counts"]["men"] == 2
    assert response.context["counts"]["total"] == 6
    assert len(response.context["sessions"]) == 5  # the next five
    assert len(response.context["rounds"]) == 6
    assert 'lang="sv"' in response.content.decode()


@pytest.mark.parametrize("rows", [1, 10])
def test_dashboard_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    project = ProjectFactory()
    membership = MembershipFactory(project=project)
    _seed(project, rows)
    client.force_login(membership.user)
    url = reverse("project_dashboard", args=[project.pk])
    # session, user, MFA check, project, membership, counts, sessions, rounds; the to-do:
    # correction requests (list and count), last month's time, failed runs, and the SCB
    # months: new, ended and sent
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


def test_contact_dashboard_counts_only_their_organisation(client):
    project = ProjectFactory()
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    ParticipationFactory.create_batch(2, project=project, organisation=mine)
    ParticipationFactory.create_batch(5, project=project, organisation=theirs)
    contact = MembershipFactory(project=project, role=Membership.Role.CONTACT, organisation=mine)
    client.force_login(contact.user)

    response = client.get(reverse("project_dashboard", args=[project.pk]))

    assert response.context["counts"]["total"] == 2


def test_home_lists_the_users_projects_only(client):
    mine, other = ProjectFactory(name="DIGILO"), ProjectFactory(name="Annat projekt")
    membership = MembershipFactory(project=mine)
    client.force_login(membership.user)

    html = client.get(reverse("home")).content.decode()

    assert "DIGILO" in html
    assert other.name not in html


def test_home_shows_each_staff_project_with_the_users_role_there(client):
    teaching = MembershipFactory(role=Membership.Role.TEACHER)
    ParticipationFactory(project=ProjectFactory(name="Där jag deltar"), user=teaching.user)
    client.force_login(teaching.user)

    response = client.get(reverse("home"))

    staff = response.context["staff_projects"]
    assert [(s.project, s.role.label) for s in staff] == [(teaching.project, "Utbildare")]
    assert "<dd>Utbildare</dd>" in response.content.decode()


def test_home_shows_a_superuser_as_admin_where_they_have_no_membership(client):
    project = ProjectFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    staff = client.get(reverse("home")).context["staff_projects"]

    assert [(s.project, s.role.label) for s in staff] == [(project, "Administratör")]


def test_anonymous_is_sent_to_login(client):
    project = ProjectFactory()
    response = client.get(reverse("project_dashboard", args=[project.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_participant_gets_403_on_dashboard_and_sees_start_page(client):
    participation = ParticipationFactory()
    user = MembershipFactory().user  # a login with no role in this project…
    participation.user = user
    participation.save()
    client.force_login(user)

    assert (
        client.get(reverse("project_dashboard", args=[participation.project.pk])).status_code == 403
    )
    assert participation.project.name in client.get(reverse("home")).content.decode()


def test_404_page_is_swedish_and_leaks_nothing(client, settings):
    settings.DEBUG = False
    project = ProjectFactory(name="Hemligt projekt")
    outsider = MembershipFactory().user
    client.force_login(outsider)
    response = client.get(reverse("project_dashboard", args=[project.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html
    assert "Hemligt projekt" not in html
