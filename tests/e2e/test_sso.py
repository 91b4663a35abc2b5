"""Single sign-on in the browser, through the real redirects to real OpenID Connect providers
(tests/idp: django-oauth-toolkit processes on 127.0.0.1, RS256 ID tokens, PKCE required)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from digiproj.projects.models import Membership
from participants.models import SsoLogin
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)
from tests.idp.fixtures import MUNICIPALITY, PARTICIPANT_PNR, PASSWORD, SAML_NAME, STAFF_EMAIL

from .helpers import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_at_idp(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_staff_member_logs_in_with_the_municipality_and_lands_on_the_dashboard(
    sso_settings, live_server, page: Page
):
    membership = MembershipFactory(user=UserFactory(email=STAFF_EMAIL))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name=f"Logga in med {MUNICIPALITY}").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
    _sign_in_at_idp(page, "anna")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=membership.project.name)).to_be_visible()
    record = SsoLogin.objects.get()
    assert (record.user_id, record.matched_by, record.first_link) == (
        membership.user_id,
        SsoLogin.MatchedBy.EMAIL,
        True,
    )


def test_participant_logs_in_with_e_legitimation_and_sees_own_page(
    sso_settings, live_server, page: Page
):
    user = UserFactory()
    participation = ParticipationFactory(
        person=PersonFactory(personnummer=PARTICIPANT_PNR), user=user
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Logga in med e-legitimation").click()
    _sign_in_at_idp(page, "deltagare")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text(participation.project.name).first).to_be_visible()
    record = SsoLogin.objects.get()
    assert (record.user_id, record.person_id, record.matched_by) == (
        user.pk,
        participation.person_id,
        SsoLogin.MatchedBy.PERSONNUMMER,
    )


def test_unknown_person_is_refused_with_what_to_do(sso_settings, live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name=f"Logga in med {MUNICIPALITY}").click()
    _sign_in_at_idp(page, "okand")
    expect(page.get_by_role("heading", name="Inloggningen gick inte igenom")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Be projektets samordnare")
    assert axe_violations(page) == []
    assert not SsoLogin.objects.exists()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_login_page_with_sso_buttons_has_no_axe_violations(sso_settings, live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Logga in med e-legitimation")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    assert Membership.objects.count() == 0


def test_staff_member_logs_in_by_saml_in_the_browser(saml_settings, live_server, page: Page):
    membership = MembershipFactory(user=UserFactory(email=STAFF_EMAIL))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name=f"Logga in med {SAML_NAME}").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/sso/redirect"))
    _sign_in_at_idp(page, "anna")
    # The IdP's page posts the signed response to the assertion consumer service by itself.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name=membership.project.name)).to_be_visible()


def test_password_login_to_a_project_requiring_sso_gets_what_to_do(
    sso_settings, live_server, page: Page
):
    project = ProjectFactory(staff_login_requirement="sso")
    membership = MembershipFactory(project=project, user=UserFactory(email=STAFF_EMAIL))
    login(page, live_server.url, membership.user.email, "secret-Passw0rd")
    page.goto(f"{live_server.url}/p/{project.pk}/")
    expect(page.get_by_role("heading", name="Logga in på nytt")).to_be_visible()
    expect(page.get_by_text("kommunens inloggning, inte med lösenord")).to_be_visible()
    assert axe_violations(page) == []
    # As the page says: log out, and in again with the municipality's button.
    page.get_by_role("button", name="Logga ut och logga in igen").click()
    page.get_by_role("button", name=f"Logga in med {MUNICIPALITY}").click()
    _sign_in_at_idp(page, "anna")
    page.goto(f"{live_server.url}/p/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(project.name)
