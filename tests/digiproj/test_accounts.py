from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email(client):
    user = UserFactory(email="karin@example.test")
    response = client.post(
        reverse("account_login"), {"login": "karin@example.test", "password": "secret-Passw0rd"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_wrong_password_gives_swedish_error(client):
    UserFactory(email="karin@example.test")
    response = client.post(
        reverse("account_login"), {"login": "karin@example.test", "password": "fel"}
    )
    assert response.status_code == 200
    assert "felaktig" in response.content.decode().lower()


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "stängd" in response.content.decode().lower() or response.status_code == 404


def test_password_reset_sends_mail(client):
    UserFactory(email="karin@example.test")
    client.post(reverse("account_reset_password"), {"email": "karin@example.test"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["karin@example.test"]


def test_login_is_rate_limited_after_repeated_failures(client):
    UserFactory(email="karin@example.test")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "karin@example.test", "password": "x"})
    # Even the right password is refused now, with a message saying why.
    response = client.post(
        reverse("account_login"), {"login": "karin@example.test", "password": "secret-Passw0rd"}
    )
    assert response.status_code == 200
    assert "för många" in response.content.decode().lower()


def test_coordinator_must_set_up_mfa_when_project_requires_it(client):
    project = ProjectFactory(staff_login_requirement="mfa")
    membership = MembershipFactory(project=project)
    client.force_login(membership.user)
    response = client.get(reverse("project_dashboard", args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_coordinator_without_mfa_requirement_is_let_through(client):
    project = ProjectFactory(staff_login_requirement="none")
    membership = MembershipFactory(project=project)
    client.force_login(membership.user)
    assert client.get(reverse("project_dashboard", args=[project.pk])).status_code == 200


def test_unverified_email_cannot_log_in_and_gets_a_verification_mail(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="ny@example.test")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(
        reverse("account_login"), {"login": "ny@example.test", "password": "secret-Passw0rd"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("home")).status_code == 302  # still not logged in
    assert len(mail.outbox) == 1


def test_field_errors_are_summarised_at_the_top_of_the_form(client):
    project = ProjectFactory()
    client.force_login(MembershipFactory(project=project).user)
    response = client.post(
        reverse("project_organisations", args=[project.pk]),
        {"organisationsnummer": "212000-2743", "kind": "kommun", "role": "employer"},
    )
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert 'href="#id_organisationsnummer"' in html  # the summary links to the field
    assert 'aria-describedby="id_organisationsnummer_helptext id_organisationsnummer_error"' in html
