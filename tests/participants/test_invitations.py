"""Invitations by mail (single use, expiring) and open registration links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from digiproj.accounts.models import User
from digiproj.projects.models import Membership
from participants import services, tasks
from participants.models import Invitation, Participation, Person, RegistrationLink
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
    umea = ProjectOrganisationFactory(project=project).organisation
    pitea = ProjectOrganisationFactory(project=project).organisation
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=umea
    ).user
    return locals()


def registration_data(n=1, **extra):
    return {
        "personnummer": participant_test_pnr(n),
        "first_name": "Sara",
        "last_name": "Lind",
        "phone": "070-1112233",
        "workplace": "Ekonomi",
        "role_group": "support",
        "isced": "3-4",
        "consent": "on",
        "password1": "ett-langt-Losen-123",
        "password2": "ett-langt-Losen-123",
        **extra,
    }


def invite(client, setup, django_capture_on_commit_callbacks, email="sara@example.test"):
    client.force_login(setup["coordinator"])
    url = reverse("participants:invitations", args=[setup["project"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": email, "organisation": setup["umea"].pk})
    assert response.status_code == 302
    client.logout()
    [message] = mail.outbox[-1:]
    path = re.search(r"https?://[^/]+(/inbjudan/\S+/)", message.body).group(1)
    return path


def test_invitation_mail_and_registration(client, setup, django_capture_on_commit_callbacks):
    path = invite(client, setup, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.to == ["sara@example.test"]
    assert setup["project"].name in message.subject
    invitation = Invitation.objects.get()
    token = path.split("/")[2]
    assert token not in invitation.token_hash  # only a hash is stored
    assert client.get(path).status_code == 200
    response = client.post(path, registration_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:my_data")
    user = User.objects.get(email="sara@example.test")
    assert EmailAddress.objects.get(user=user).verified
    participation = Participation.objects.get()
    assert participation.person.user == user
    assert participation.organisation == setup["umea"]
    assert participation.consent_method == "digital"
    assert participation.role_group == "support"
    # Logged in: the own page answers.
    assert "Sara" in client.get(reverse("selfservice:my_data")).content.decode()
    # The personnummer never appears in the mail.
    assert participation.person.personnummer not in message.body


def test_used_link_gives_clear_message(client, setup, django_capture_on_commit_callbacks):
    path = invite(client, setup, django_capture_on_commit_callbacks)
    client.post(path, registration_data())
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "Länken har redan använts" in response.content.decode()
    response = client.post(path, registration_data(2))
    assert response.status_code == 410
    assert Participation.objects.count() == 1


def test_expired_link_gives_clear_message(client, setup, django_capture_on_commit_callbacks):
    path = invite(client, setup, django_capture_on_commit_callbacks)
    with freeze_time(timezone.now() + dt.timedelta(days=15)):
        response = client.get(path)
    assert response.status_code == 410
    assert "Länken har gått ut" in response.content.decode()


def test_tampered_link_is_invalid(client, setup, django_capture_on_commit_callbacks):
    path = invite(client, setup, django_capture_on_commit_callbacks)
    response = client.get(path[:-3] + "xx/")
    assert response.status_code == 410
    assert "ogiltig" in response.content.decode()


def test_resend_invalidates_old_link(client, setup, django_capture_on_commit_callbacks):
    old = invite(client, setup, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    client.force_login(setup["coordinator"])
    url = reverse("participants:invitation_resend", args=[setup["project"].pk, invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    client.logout()
    assert len(mail.outbox) == 2
    new = re.search(r"(/inbjudan/\S+/)", mail.outbox[1].body).group(1)
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_send_task_is_idempotent(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            project=setup["project"],
            organisation=setup["umea"],
            email="x@example.test",
            invited_by_id=None,
        )
    tasks.invitation_send_task(invitation.pk)  # a redelivered task
    assert len(mail.outbox) == 1


def test_bad_registration_input_is_explained(client, setup, django_capture_on_commit_callbacks):
    path = invite(client, setup, django_capture_on_commit_callbacks)
    data = registration_data(personnummer="19700101-9800", password2="annat", consent="")
    response = client.post(path, data)
    html = response.content.decode()
    assert "fel kontrollsiffra" in html
    assert "Lösenorden är olika" in html
    assert "Du behöver bekräfta" in html
    assert not User.objects.filter(email="sara@example.test").exists()
    assert client.get(path).status_code == 200  # still usable


def test_invited_person_already_imported_is_linked(
    client, setup, django_capture_on_commit_callbacks
):
    existing = ParticipationFactory(
        project=setup["project"],
        organisation=setup["umea"],
        person__email="sara@example.test",
        person__personnummer=participant_test_pnr(9),
    )
    path = invite(client, setup, django_capture_on_commit_callbacks)
    response = client.post(path, registration_data(9))
    assert response.status_code == 302
    assert Participation.objects.count() == 1
    existing.person.refresh_from_db()
    assert existing.person.user.email == "sara@example.test"
    # Now that the participant has a login, a second invitation is refused.
    client.force_login(setup["coordinator"])
    url = reverse("participants:invitations", args=[setup["project"].pk])
    response = client.post(url, {"email": "sara@example.test", "organisation": setup["umea"].pk})
    assert "har ett konto" in response.content.decode()


def test_invitation_cannot_claim_record_with_another_address(
    client, setup, django_capture_on_commit_callbacks
):
    # A name the form's own data ("Lind") can never contain, so the check cannot pass by luck
    # or fail by a random Faker name.
    other = ParticipationFactory(
        person__email="riktig@example.test", person__last_name="Hemligström"
    )
    path = invite(client, setup, django_capture_on_commit_callbacks, email="falsk@example.test")
    data = registration_data(personnummer=other.person.personnummer)
    html = client.post(path, data).content.decode()
    assert "redan registrerat" in html
    assert other.person.last_name not in html
    other.person.refresh_from_db()
    assert other.person.user is None
    assert not User.objects.filter(email="falsk@example.test").exists()


def test_invitation_joins_person_from_another_project(
    client, setup, django_capture_on_commit_callbacks
):
    other = ParticipationFactory(person__email="sara@example.test")
    path = invite(client, setup, django_capture_on_commit_callbacks)
    response = client.post(path, registration_data(personnummer=other.person.personnummer))
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Participation.objects.filter(person=other.person).count() == 2


def test_open_link_cannot_claim_person_from_another_project(client, setup):
    other = ParticipationFactory()
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=setup["coordinator"].pk
    )
    data = registration_data(email=other.person.email, personnummer=other.person.personnummer)
    html = client.post(reverse("selfservice:register", args=[link.slug]), data).content.decode()
    assert "redan registrerat" in html
    other.person.refresh_from_db()
    assert other.person.user is None
    assert Participation.objects.count() == 1


def test_contact_invites_only_to_own_organisation(client, setup):
    client.force_login(setup["contact"])
    url = reverse("participants:invitations", args=[setup["project"].pk])
    response = client.post(url, {"email": "a@example.test", "organisation": setup["pitea"].pk})
    assert response.status_code == 200
    assert not Invitation.objects.exists()
    assert response.context["links"] is None  # links are for coordinators


def test_outsider_gets_404(client, setup):
    client.force_login(MembershipFactory().user)
    url = reverse("participants:invitations", args=[setup["project"].pk])
    assert client.get(url).status_code == 404


def test_open_registration_link(client, setup):
    client.force_login(setup["coordinator"])
    client.post(
        reverse("participants:link_create", args=[setup["project"].pk]),
        {"link-organisation": setup["pitea"].pk},
    )
    link = RegistrationLink.objects.get()
    assert link.is_active
    assert len(link.slug) >= 30
    client.logout()
    url = reverse("selfservice:register", args=[link.slug])
    response = client.post(url, registration_data(email="ny@example.test"))
    assert response.status_code == 200
    assert "Bekräfta din e-post" in response.content.decode()
    user = User.objects.get(email="ny@example.test")
    assert not EmailAddress.objects.get(user=user).verified  # the link did not prove the address
    assert len(mail.outbox) == 1  # allauth's confirmation mail
    assert Participation.objects.get().organisation == setup["pitea"]
    # The coordinator closes it: the same page now says so.
    client.force_login(setup["coordinator"])
    client.post(
        reverse("participants:link_toggle", args=[setup["project"].pk, link.pk]), {"open": "0"}
    )
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "Registreringen är stängd" in response.content.decode()
    assert client.post(url, registration_data(3, email="b@example.test")).status_code == 410
    assert Participation.objects.count() == 1


def test_open_link_cannot_claim_existing_record(client, setup):
    existing = ParticipationFactory(project=setup["project"], organisation=setup["umea"])
    link = services.registration_link_create(
        project=setup["project"], organisation=None, created_by_id=setup["coordinator"].pk
    )
    url = reverse("selfservice:register", args=[link.slug])
    data = registration_data(
        email=existing.person.email,
        personnummer=existing.person.personnummer,
        organisation=setup["umea"].pk,
    )
    response = client.post(url, data)
    assert "redan registrerat" in response.content.decode()
    existing.person.refresh_from_db()
    assert existing.person.user is None
    assert not User.objects.filter(email=existing.person.email).exists()


def test_contact_cannot_manage_links(client, setup):
    client.force_login(setup["contact"])
    response = client.post(reverse("participants:link_create", args=[setup["project"].pk]))
    assert response.status_code == 403


def test_unknown_slug_is_404(client):
    assert client.get(reverse("selfservice:register", args=["nope"])).status_code == 404
    assert ProjectFactory().pk


def test_open_link_duplicate_does_not_leak_the_stored_name(client, setup):
    existing = ParticipationFactory(
        project=setup["project"], organisation=setup["umea"], person__last_name="Hemligsson"
    )
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=setup["coordinator"].pk
    )
    data = registration_data(email="x@example.test", personnummer=existing.person.personnummer)
    html = client.post(reverse("selfservice:register", args=[link.slug]), data).content.decode()
    assert "redan registrerat" in html
    assert "Hemligsson" not in html


@pytest.mark.parametrize(
    "name", ["participants:invitations", "participants:import", "participants:create"]
)
def test_anonymous_is_sent_to_login(client, setup, name):
    response = client.get(reverse(name, args=[setup["project"].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("rows", [1, 10])
def test_invitation_page_query_count_is_bounded(client, setup, django_assert_num_queries, rows):
    for i in range(rows):
        Invitation.objects.create(
            project=setup["project"],
            organisation=setup["umea"],
            email=f"p{i}@example.test",
            invited_by=setup["coordinator"],
            expires_at=timezone.now() + dt.timedelta(days=14),
        )
        services.registration_link_create(
            project=setup["project"], organisation=setup["umea"], created_by_id=None
        )
    client.force_login(setup["coordinator"])
    # the base 5 (session, user, MFA check, project, membership), the two lists and the
    # employer choices of the two pickers (3 cursors); none of it grows with the rows
    with django_assert_num_queries(10):
        response = client.get(reverse("participants:invitations", args=[setup["project"].pk]))
    assert len(response.context["invitations"]) == rows


def test_open_registration_is_rate_limited(client, setup):
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=None
    )
    url = reverse("selfservice:register", args=[link.slug])
    statuses = [
        client.post(url, registration_data(100 + i, email=f"r{i}@example.test")).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    assert User.objects.count() == 2 + 20  # the fixture's two staff users + 20 sign-ups


def test_second_invitation_to_a_waiting_address_is_refused_with_a_message(
    client, setup, django_capture_on_commit_callbacks
):
    invite(client, setup, django_capture_on_commit_callbacks)
    client.force_login(setup["coordinator"])
    url = reverse("participants:invitations", args=[setup["project"].pk])
    response = client.post(url, {"email": "Sara@Example.test", "organisation": setup["umea"].pk})
    assert response.status_code == 200
    assert "En inbjudan till sara@example.test väntar redan på svar" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_expired_unused_invitation_is_replaced_by_a_new_one(
    client, setup, django_capture_on_commit_callbacks
):
    invite(client, setup, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(days=1))
    invite(client, setup, django_capture_on_commit_callbacks)
    [invitation] = Invitation.objects.all()
    assert invitation.expires_at > timezone.now()
