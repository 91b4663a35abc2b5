"""A project's staff login requirement (Project.staff_login_requirement), enforced for its
coordinators and contact persons by StaffLoginRequirementMiddleware."""

from __future__ import annotations

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.urls import reverse

from digiproj.projects.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _logged_in(client, user, *methods: str) -> None:
    """Logged in, with allauth's record of how (as its login flows leave it)."""
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": method, "at": time.time()} for method in methods
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def _dashboard(client, project):
    return client.get(reverse("project_dashboard", args=[project.pk]))


def test_no_requirement_lets_a_password_login_in(client):
    membership = MembershipFactory(project=ProjectFactory(staff_login_requirement="none"))
    _logged_in(client, membership.user, "password")
    assert _dashboard(client, membership.project).status_code == 200


def test_sso_requirement_refuses_a_password_login_with_what_to_do(client):
    project = ProjectFactory(staff_login_requirement="sso")
    membership = MembershipFactory(project=project)
    _logged_in(client, membership.user, "password", "mfa")
    response = _dashboard(client, project)
    assert response.status_code == 403
    text = response.content.decode()
    assert "kräver att samordnare och kontaktpersoner loggar in med kommunens inloggning" in text
    assert project.name in text
    assert reverse("account_logout") in text


def test_sso_requirement_lets_an_sso_login_in(client):
    project = ProjectFactory(staff_login_requirement="sso")
    membership = MembershipFactory(project=project)
    _logged_in(client, membership.user, "socialaccount")
    assert _dashboard(client, project).status_code == 200


def test_mfa_requirement_is_met_by_a_code_or_by_sso(client):
    project = ProjectFactory(staff_login_requirement="mfa")
    membership = MembershipFactory(project=project)
    Authenticator.objects.create(user=membership.user, type="totp", data={"secret": "x"})
    _logged_in(client, membership.user, "password", "mfa")
    assert _dashboard(client, project).status_code == 200
    _logged_in(client, membership.user, "socialaccount")
    assert _dashboard(client, project).status_code == 200


def test_mfa_requirement_refuses_a_password_only_session_of_a_user_with_totp(client):
    project = ProjectFactory(staff_login_requirement="mfa")
    membership = MembershipFactory(project=project)
    Authenticator.objects.create(user=membership.user, type="totp", data={"secret": "x"})
    _logged_in(client, membership.user, "password")
    response = _dashboard(client, project)
    assert response.status_code == 403
    assert "tvåstegsverifiering" in response.content.decode()


def test_requirement_applies_to_contact_persons_too(client):
    project = ProjectFactory(staff_login_requirement="sso")
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=OrganisationFactory()
    )
    _logged_in(client, contact.user, "password")
    assert _dashboard(client, project).status_code == 403


def test_teachers_are_not_held_to_it(client):
    project = ProjectFactory(staff_login_requirement="sso")
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER)
    _logged_in(client, teacher.user, "password")
    assert client.get(reverse("home")).status_code == 200


def test_the_strictest_project_counts_everywhere(client):
    lax = MembershipFactory(project=ProjectFactory(staff_login_requirement="none"))
    MembershipFactory(user=lax.user, project=ProjectFactory(staff_login_requirement="sso"))
    _logged_in(client, lax.user, "password")
    assert _dashboard(client, lax.project).status_code == 403
    assert client.get(reverse("account_login")).status_code in {200, 302}  # logging in again


def test_the_setting_is_on_the_project_settings_page(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("project_settings", args=[membership.project.pk]))
    text = response.content.decode()
    assert "Inloggningskrav för samordnare och kontaktpersoner" in text
    assert "Kommunens inloggning (SSO)" in text
