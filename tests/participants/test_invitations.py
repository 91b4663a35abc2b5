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
from digiproj.mail import tasks as mail_task
from digiproj.mail.models import SentMail
from digiproj.projects.models import Membership
from participants import services
from participants.models import (
    Invitation,
    Participation,
    PendingRegistration,
    Person,
    RegistrationLink,
)
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
    assert participation.user == user
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
    once_per = f"{invitation.pk}:{invitation.expires_at.timestamp()}"
    params = {"invitation_id": invitation.pk}
    assert mail_task.mail_send_task("invitation", once_per, params) == 0  # a redelivered task
    assert len(mail.outbox) == 1
    # Sent but its mark lost (a worker stopped after the send): the builder finds it sent.
    SentMail.objects.all().delete()
    assert mail_task.mail_send_task("invitation", once_per, params) == 0
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
        email="sara@example.test",
        person__personnummer=participant_test_pnr(9),
    )
    path = invite(client, setup, django_capture_on_commit_callbacks)
    response = client.post(path, registration_data(9))
    assert response.status_code == 302
    assert Participation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.user.email == "sara@example.test"
    # Now that the participant has a login, a second invitation is refused.
    client.force_login(setup["coordinator"])
    url = reverse("participants:invitations", args=[setup["project"].pk])
    response = client.post(url, {"email": "sara@example.test", "organisation": setup["umea"].pk})
    assert "har ett konto" in response.content.decode()


def test_invitation_with_another_projects_number_joins_identity_not_record(
    client, setup, django_capture_on_commit_callbacks
):
    # The takeover attempt: someone in this project is invited at their own address and
    # types the number of another project's participant. They get a record of their own in
    # this project (what they typed), joined to the shared identity; the other project's
    # record, its name, address and login are untouched and never shown.
    other = ParticipationFactory(email="riktig@example.test", last_name="Hemligström")
    path = invite(client, setup, django_capture_on_commit_callbacks, email="falsk@example.test")
    data = registration_data(personnummer=other.person.personnummer)
    response = client.post(path, data)
    assert response.status_code == 302
    user = User.objects.get(email="falsk@example.test")
    mine = Participation.objects.get(project=setup["project"])
    assert (mine.person, mine.user, mine.last_name) == (other.person, user, "Lind")
    other.refresh_from_db()
    assert other.user is None
    assert (other.email, other.last_name) == ("riktig@example.test", "Hemligström")
    html = client.get(reverse("selfservice:my_data")).content.decode()
    assert other.project.name not in html
    assert "Hemligström" not in html
    assert "riktig@example.test" not in html


def test_invitation_joins_person_from_another_project(
    client, setup, django_capture_on_commit_callbacks
):
    other = ParticipationFactory(email="sara@example.test")
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
    data = registration_data(email=other.email, personnummer=other.person.personnummer)
    response = client.post(reverse("selfservice:register", args=[link.slug]), data)
    assert "Bekräfta din e-post" in response.content.decode()
    _confirm(client, mail.outbox[-1])
    other.refresh_from_db()
    assert other.user is None  # the other project's record is not linked to anyone
    mine = Participation.objects.get(project=setup["project"])
    assert mine.person == other.person
    assert mine.user.email == other.email


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


def _confirm(client, message):
    path = re.search(r"https?://[^/]+(/registrera/bekrafta/\S+/)", message.body).group(1)
    assert client.get(path).status_code == 200  # a button only: mail scanners follow links
    return client.post(path)


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
    # Nothing but the pending registration until the address is proved.
    assert not User.objects.filter(email="ny@example.test").exists()
    assert not Participation.objects.exists()
    [message] = mail.outbox
    assert message.to == ["ny@example.test"]
    assert participant_test_pnr(1) not in message.body
    response = _confirm(client, message)
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.test")
    assert EmailAddress.objects.get(user=user).verified
    assert user.check_password("ett-langt-Losen-123")
    participation = Participation.objects.get()
    assert (participation.organisation, participation.user) == (setup["pitea"], user)
    assert PendingRegistration.objects.get().data == {}  # the answers are not kept
    assert _confirm_post(client, message).status_code == 410  # works once
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


def test_open_link_claims_existing_record_only_once_its_address_is_proved(client, setup):
    existing = ParticipationFactory(project=setup["project"], organisation=setup["umea"])
    link = services.registration_link_create(
        project=setup["project"], organisation=None, created_by_id=setup["coordinator"].pk
    )
    url = reverse("selfservice:register", args=[link.slug])
    data = registration_data(
        email=existing.email,
        personnummer=existing.person.personnummer,
        organisation=setup["umea"].pk,
    )
    response = client.post(url, data)
    assert "Bekräfta din e-post" in response.content.decode()
    existing.refresh_from_db()
    assert existing.user is None
    assert not User.objects.filter(email=existing.email).exists()
    # The mail went to the address this project holds; following it proves it.
    _confirm(client, mail.outbox[-1])
    existing.refresh_from_db()
    assert existing.user.email == existing.email
    assert Participation.objects.count() == 1


def test_open_link_with_a_number_in_the_project_under_another_address_joins_nothing(client, setup):
    existing = ParticipationFactory(project=setup["project"], organisation=setup["umea"])
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=None
    )
    data = registration_data(email="falsk@example.test", personnummer=existing.person.personnummer)
    client.post(reverse("selfservice:register", args=[link.slug]), data)
    _confirm(client, mail.outbox[-1])
    existing.refresh_from_db()
    assert existing.user is None
    assert existing.email != "falsk@example.test"
    assert Participation.objects.count() == 1
    html = client.get(reverse("selfservice:my_data")).content.decode()
    assert existing.last_name not in html


def test_contact_cannot_manage_links(client, setup):
    client.force_login(setup["contact"])
    response = client.post(reverse("participants:link_create", args=[setup["project"].pk]))
    assert response.status_code == 403


def test_unknown_slug_is_404(client):
    assert client.get(reverse("selfservice:register", args=["nope"])).status_code == 404
    assert ProjectFactory().pk


def test_open_link_duplicate_does_not_leak_the_stored_name(client, setup):
    existing = ParticipationFactory(
        project=setup["project"], organisation=setup["umea"], last_name="Hemligsson"
    )
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=setup["coordinator"].pk
    )
    data = registration_data(email="x@example.test", personnummer=existing.person.personnummer)
    html = client.post(reverse("selfservice:register", args=[link.slug]), data).content.decode()
    assert "Bekräfta din e-post" in html
    assert "redan registrerat" not in html
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
    assert User.objects.count() == 2  # the fixture's two staff users: none before confirming
    assert PendingRegistration.objects.count() == 20


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


def _register_page(client, setup, **data):
    """The open link's answer to one submission, with the form's CSRF token taken out."""
    link = RegistrationLink.objects.filter(project=setup["project"]).first()
    if link is None:
        link = services.registration_link_create(
            project=setup["project"], organisation=setup["umea"], created_by_id=None
        )
    response = client.post(reverse("selfservice:register", args=[link.slug]), data)
    html = response.content.decode()
    html = re.sub(r'value="[^"]{40,}"|"X-CSRFToken": "[^"]+"', "", html)
    return response.status_code, html.replace(data["email"], "ADDRESS")


def test_open_link_answers_the_same_whatever_exists(client, setup):
    """Item 11: the page says the same for a new address and number, an address that has an
    account, a number that has a login, a number in another project and a number in this
    project; only the mail, which goes to the address itself, differs."""
    other_project = ParticipationFactory(email="annan@example.test")
    with_login = ParticipationFactory(
        project=setup["project"], organisation=setup["umea"], user=setup["contact"]
    )
    in_project = ParticipationFactory(project=setup["project"], organisation=setup["umea"])
    cases = [
        registration_data(50, email="ny@example.test"),
        registration_data(51, email=setup["coordinator"].email),  # address with an account
        registration_data(personnummer=with_login.person.personnummer, email="a@example.test"),
        registration_data(personnummer=other_project.person.personnummer, email="b@example.test"),
        registration_data(personnummer=in_project.person.personnummer, email="c@example.test"),
    ]
    pages = {_register_page(client, setup, **data) for data in cases}
    assert len(pages) == 1
    [(status, html)] = pages
    assert status == 200
    assert "Bekräfta din e-post" in html
    # Nothing was created and nothing linked before any address was proved.
    assert User.objects.count() == 2
    assert Participation.objects.count() == 3
    assert PendingRegistration.objects.count() == 5
    assert len(mail.outbox) == 5


def test_open_link_for_an_address_with_an_account_keeps_its_password(client, setup):
    user = setup["contact"]
    user.set_password("det-gamla-Losen-1")
    user.save()
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=None
    )
    data = registration_data(60, email=user.email)
    client.post(reverse("selfservice:register", args=[link.slug]), data)
    assert not Participation.objects.exists()
    _confirm(client, mail.outbox[-1])
    user.refresh_from_db()
    assert user.check_password("det-gamla-Losen-1")  # the form's password changes nothing
    assert Participation.objects.get().user == user


def test_open_link_confirmation_expires(client, setup):
    link = services.registration_link_create(
        project=setup["project"], organisation=setup["umea"], created_by_id=None
    )
    client.post(
        reverse("selfservice:register", args=[link.slug]), registration_data(email="n@example.test")
    )
    with freeze_time(timezone.now() + dt.timedelta(days=services.registration_confirm_days() + 1)):
        response = _confirm_post(client, mail.outbox[-1])
    assert response.status_code == 410
    assert not User.objects.filter(email="n@example.test").exists()
    assert not Participation.objects.exists()


def _confirm_post(client, message):
    path = re.search(r"https?://[^/]+(/registrera/bekrafta/\S+/)", message.body).group(1)
    return client.post(path)
