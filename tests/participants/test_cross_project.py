"""One person in two projects (issue 17, item 1): the identity (personnummer) is shared, and
everything a project enters is held by its own participation. Nothing one project does reads,
changes, links or erases what another project holds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from activities.models import Enrolment
from digiproj.accounts.models import User
from digiproj.projects.models import Membership
from participants import services
from participants.models import Participation, Person
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    """Project B holds Berit (with her own login); project A has a contact and a coordinator."""
    project_b = ProjectFactory(name="Projekt Bävern")
    org_b = ProjectOrganisationFactory(project=project_b, organisation__name="Bäverns kommun")
    berit_login = UserFactory(email="berit@example.test")
    berit_b = ParticipationFactory(
        project=project_b,
        organisation=org_b.organisation,
        first_name="Berit",
        last_name="Hemligsson",
        email="berit@example.test",
        phone="070-5556677",
        annual_salary_cost=612345,
        workplace="Bäverdammen",
        user=berit_login,
    )
    coordinator_b = MembershipFactory(project=project_b, user__first_name="Bertilqvist").user
    project_a = ProjectFactory(name="Projekt Ankan")
    org_a = ProjectOrganisationFactory(project=project_a).organisation
    contact_a = MembershipFactory(
        project=project_a, role=Membership.Role.CONTACT, organisation=org_a
    ).user
    coordinator_a = MembershipFactory(project=project_a).user
    session_b = SessionFactory(activity=ActivityFactory(project=project_b, title="Bäverkursen"))
    Enrolment.objects.create(session=session_b, participation=berit_b)
    return locals()


def _add_in_a(client, two, **extra):
    client.force_login(two["contact_a"])
    data = {
        "personnummer": two["berit_b"].person.personnummer,
        "first_name": "Falsk",
        "last_name": "Namn",
        "email": "angripare@example.test",
        "phone": "",
        "organisation": two["org_a"].pk,
        "workplace": "",
        "role_group": "admin",
        "isced": "unknown",
        "employment_status": "employed",
        "annual_salary_cost": "",
        "start_date": "2024-03-01",
        **extra,
    }
    response = client.post(reverse("participants:create", args=[two["project_a"].pk]), data)
    assert response.status_code == 302
    return Participation.objects.get(project=two["project_a"])


SECRETS = ("Berit", "Hemligsson", "berit@example.test", "070-5556677", "Bäver", "612345")


def _assert_nothing_of_b(html: str) -> None:
    for secret in SECRETS:
        assert secret not in html, secret


def test_contact_adding_another_projects_number_sees_and_changes_nothing_of_it(
    client, two, django_capture_on_commit_callbacks
):
    """The takeover, end to end: the contact in A types B's participant's personnummer with
    their own address, invites that address and accepts; they see nothing of B, B's record
    and address are unchanged, and the account reaches none of B's data."""
    mine = _add_in_a(client, two)
    assert mine.person == two["berit_b"].person  # one identity
    detail = reverse("participants:detail", args=[two["project_a"].pk, mine.pk])
    edit = reverse("participants:edit", args=[two["project_a"].pk, mine.pk])
    for url in (detail, edit):
        _assert_nothing_of_b(client.get(url).content.decode())
    # An edit in A writes A's record only.
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(email="angripare2@example.test", organisation=two["org_a"].pk)
    assert client.post(edit, data).status_code == 302
    berit_b = two["berit_b"]
    berit_b.refresh_from_db()
    assert (berit_b.first_name, berit_b.email, berit_b.user) == (
        "Berit",
        "berit@example.test",
        two["berit_login"],
    )
    # Invite the address A holds, and accept with the link from the mail.
    url = reverse("participants:invitations", args=[two["project_a"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "angripare2@example.test", "organisation": two["org_a"].pk})
    client.logout()
    path = re.search(r"(/inbjudan/\S+/)", mail.outbox[-1].body).group(1)
    response = client.post(
        path,
        {
            "personnummer": berit_b.person.personnummer,
            "first_name": "Falsk",
            "last_name": "Namn",
            "role_group": "admin",
            "isced": "unknown",
            "consent": "on",
            "password1": "ett-langt-Losen-123",
            "password2": "ett-langt-Losen-123",
        },
    )
    assert response.status_code == 302
    attacker = User.objects.get(email="angripare2@example.test")
    mine.refresh_from_db()
    assert mine.user == attacker
    berit_b.refresh_from_db()
    assert berit_b.user == two["berit_login"]
    # Mina sidor, the download, my activities and B's pages: nothing of B.
    for name, args in (
        ("selfservice:my_data", []),
        ("selfservice:my_data_download", ["json"]),
        ("selfservice:my_consent", []),
        ("my_activities", []),
    ):
        _assert_nothing_of_b(client.get(reverse(name, args=args)).content.decode())
    feed = client.get(reverse("my_activities")).context["feed_url"]
    _assert_nothing_of_b(client.get(feed).content.decode())
    assert client.get(reverse("surveys:mine", args=[two["project_b"].pk])).status_code == 404
    assert client.get(reverse("project_dashboard", args=[two["project_b"].pk])).status_code in (
        403,
        404,
    )
    # Berit herself still sees her own participation (and not the attacker's).
    client.force_login(two["berit_login"])
    html = client.get(reverse("selfservice:my_data")).content.decode()
    assert "Projekt Bävern" in html
    assert "Projekt Ankan" not in html


def test_a_correction_request_reaches_only_the_projects_linked_to_the_login(client, two):
    mine = _add_in_a(client, two)
    services.correction_request_submit(user_id=two["berit_login"].pk, message="Fel namn")
    assert not mine.correction_requests.exists()
    assert two["berit_b"].correction_requests.count() == 1


def test_erasure_in_one_project_keeps_the_login_and_data_another_project_holds(client, two):
    mine = _add_in_a(client, two, email="berit@example.test")
    # Even a login A linked itself is kept while B still uses it.
    Participation.objects.filter(pk=mine.pk).update(user=two["berit_login"])
    client.force_login(two["coordinator_a"])
    url = reverse("participants:erase", args=[two["project_a"].pk, mine.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 302
    mine.refresh_from_db()
    assert (mine.email, mine.user) == ("", None)
    assert User.objects.filter(pk=two["berit_login"].pk).exists()
    berit_b = two["berit_b"]
    berit_b.refresh_from_db()
    assert (berit_b.email, berit_b.phone, berit_b.user) == (
        "berit@example.test",
        "070-5556677",
        two["berit_login"],
    )
    assert berit_b.contact_erased_at is None
    assert Participation.history.filter(id=berit_b.pk).exclude(email="").exists()


def test_erasure_after_one_projects_retain_until_leaves_the_other_project_whole(client, two):
    project_a = two["project_a"]
    project_a.retain_until = dt.date(2000, 1, 1)
    project_a.save()
    mine = _add_in_a(client, two)
    number = two["berit_b"].person.personnummer
    client.force_login(two["coordinator_a"])
    url = reverse("participants:erase", args=[project_a.pk, mine.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 302
    mine.refresh_from_db()
    assert mine.erased_at is not None
    assert not Participation.history.filter(id=mine.pk).exists()
    berit_b = two["berit_b"]
    berit_b.refresh_from_db()
    assert (berit_b.first_name, berit_b.last_name) == ("Berit", "Hemligsson")
    assert berit_b.erased_at is None
    assert berit_b.person.personnummer == number  # B still retains the identity
    assert Person.history.filter(id=berit_b.person_id).exists()
    assert Participation.history.filter(id=berit_b.pk).exists()


def test_history_shows_a_project_only_its_own_changes(client, two):
    # B's coordinator edits Berit in B; A's coordinator then looks at A's record.
    client.force_login(two["coordinator_b"])
    berit_b = two["berit_b"]
    edit_b = reverse("participants:edit", args=[two["project_b"].pk, berit_b.pk])
    data = {k: v for k, v in client.get(edit_b).context["form"].initial.items() if v is not None}
    data.update(first_name="Berit-Ann", organisation=two["org_b"].organisation.pk)
    assert client.post(edit_b, data).status_code == 302
    mine = _add_in_a(client, two)
    client.force_login(two["coordinator_a"])
    response = client.get(reverse("participants:detail", args=[two["project_a"].pk, mine.pk]))
    history = response.context["history"]
    assert history
    assert {entry["who"] for entry in history} <= {two["contact_a"], None}
    html = response.content.decode()
    assert "Bertilqvist" not in html
    _assert_nothing_of_b(html)
