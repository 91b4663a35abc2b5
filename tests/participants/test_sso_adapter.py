"""The single sign-on rules (participants.adapters.SocialAccountAdapter) through the real
protocol: an HTTP client goes from digiproj's login button to a real OpenID Connect provider
process (tests/idp) and back, as a browser would, without one."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from participants.models import SsoLogin
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)
from tests.idp.fixtures import (
    PARTICIPANT_PNR,
    PASSWORD,
    STAFF_EMAIL,
    STRANGER_PNR,
    UNVERIFIED_EMAIL,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


_clients: list[requests.Session] = []


def _client() -> requests.Session:
    client = requests.Session()
    _clients.append(client)
    return client


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """A live-server thread serves a kept-alive socket until the client closes it, holding its
    database connection: closed after each test, so the test database can be dropped."""
    yield
    while _clients:
        _clients.pop().close()


def sso_login(
    base_url: str,
    provider_id: str,
    username: str,
    *,
    client: requests.Session | None = None,
    process: str = "login",
) -> tuple[requests.Session, requests.Response]:
    """Press the login button, sign in at the provider, follow every redirect back."""
    client = client or _client()
    client.get(f"{base_url}/accounts/login/", timeout=10)
    response = client.post(
        f"{base_url}/accounts/oidc/{provider_id}/login/",
        data={"csrfmiddlewaretoken": client.cookies["csrftoken"], "process": process},
        headers={"Referer": f"{base_url}/accounts/login/"},
        timeout=10,
    )
    assert urlsplit(response.url).path == "/login/", response.url  # the provider's own page
    next_url = parse_qs(urlsplit(response.url).query)["next"][0]
    assert "code_challenge=" in next_url  # PKCE
    response = client.post(
        response.url,
        data={
            "csrfmiddlewaretoken": client.cookies["idp_csrftoken"],
            "username": username,
            "password": PASSWORD,
            "next": next_url,
        },
        timeout=10,
    )
    return client, response


def test_staff_with_verified_email_is_linked_and_audited(sso_settings, live_server, caplog):
    audit = logging.getLogger("digiproj.audit")
    audit.addHandler(caplog.handler)
    try:
        membership = MembershipFactory(user=UserFactory(email=STAFF_EMAIL))
        _, response = sso_login(live_server.url, "kommun", "anna")
    finally:
        audit.removeHandler(caplog.handler)
    assert response.status_code == 200
    assert response.url == f"{live_server.url}/"
    account = SocialAccount.objects.get()
    assert (account.user_id, account.provider) == (membership.user_id, "kommun")
    assert STAFF_EMAIL not in json.dumps(account.extra_data)
    record = SsoLogin.objects.get()
    assert (record.matched_by, record.first_link, record.person_id) == ("email", True, None)
    lines = [r.getMessage() for r in caplog.records if r.name == "digiproj.audit"]
    assert f"sso login: user={membership.user_id} provider=kommun matched_by=email" in lines[0]
    assert STAFF_EMAIL not in "".join(lines)


def test_linked_staff_logs_in_again_by_the_link(sso_settings, live_server):
    MembershipFactory(user=UserFactory(email=STAFF_EMAIL))
    sso_login(live_server.url, "kommun", "anna")
    _, response = sso_login(live_server.url, "kommun", "anna")
    assert response.url == f"{live_server.url}/"
    assert list(SsoLogin.objects.order_by("at").values_list("matched_by", "first_link")) == [
        ("email", True),
        ("linked", False),
    ]


def test_unverified_email_is_refused_though_a_user_has_it(sso_settings, live_server):
    MembershipFactory(user=UserFactory(email=UNVERIFIED_EMAIL))
    client, response = sso_login(live_server.url, "kommun", "olle")
    assert response.status_code == 403
    assert "Be projektets samordnare" in response.text
    assert not SocialAccount.objects.exists()
    assert not SsoLogin.objects.exists()
    home = client.get(f"{live_server.url}/", timeout=10)
    assert "/accounts/login/" in home.url  # not logged in


def test_verified_email_of_a_user_without_membership_is_refused(sso_settings, live_server):
    UserFactory(email=STAFF_EMAIL)  # a login, but no project has made her staff
    _, response = sso_login(live_server.url, "kommun", "anna")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_participant_is_matched_by_personnummer_claim(sso_settings, live_server, caplog):
    audit = logging.getLogger("digiproj.audit")
    audit.addHandler(caplog.handler)
    try:
        user = UserFactory()
        person = PersonFactory(personnummer=PARTICIPANT_PNR)
        participation = ParticipationFactory(person=person, user=user)
        _, response = sso_login(live_server.url, "e-legitimation", "deltagare")
    finally:
        audit.removeHandler(caplog.handler)
    assert response.status_code == 200
    assert participation.project.name in response.text
    record = SsoLogin.objects.get()
    assert (record.user_id, record.person_id, record.matched_by) == (
        user.pk,
        person.pk,
        "personnummer",
    )
    account = SocialAccount.objects.get()
    stored = json.dumps(account.extra_data) + account.uid
    assert PARTICIPANT_PNR not in stored  # the claim was used, never kept
    assert set(account.extra_data["id_token"]) <= {"iss", "sub", "aud", "exp", "iat", "auth_time"}
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"person={person.pk}" in logged
    assert PARTICIPANT_PNR not in logged
    assert PARTICIPANT_PNR[2:] not in logged


def test_personnummer_nobody_has_is_refused(sso_settings, live_server):
    PersonFactory(personnummer=PARTICIPANT_PNR)  # someone else
    _, response = sso_login(live_server.url, "e-legitimation", "okand")
    assert response.status_code == 403
    assert "e-legitimation" in response.text
    assert "inbjudan" in response.text
    assert STRANGER_PNR not in response.text
    assert not SocialAccount.objects.exists()


def test_person_without_a_login_is_refused(sso_settings, live_server):
    ParticipationFactory(person=PersonFactory(personnummer=PARTICIPANT_PNR), user=None)
    _, response = sso_login(live_server.url, "e-legitimation", "deltagare")
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def _password_login(base_url: str, email: str) -> requests.Session:
    client = _client()
    client.get(f"{base_url}/accounts/login/", timeout=10)
    client.post(
        f"{base_url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
            "login": email,
            "password": "secret-Passw0rd",
        },
        timeout=10,
    )
    return client


def test_a_logged_in_user_cannot_connect_another_persons_e_legitimation(sso_settings, live_server):
    ParticipationFactory(person=PersonFactory(personnummer=PARTICIPANT_PNR), user=UserFactory())
    other = UserFactory()
    client = _password_login(live_server.url, other.email)
    _, response = sso_login(
        live_server.url, "e-legitimation", "deltagare", client=client, process="connect"
    )
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_project_requiring_sso_lets_in_the_sso_login_only(sso_settings, live_server):
    project = ProjectFactory(staff_login_requirement="sso")
    MembershipFactory(project=project, user=UserFactory(email=STAFF_EMAIL))
    dashboard = f"{live_server.url}/p/{project.pk}/"
    client, _response = sso_login(live_server.url, "kommun", "anna")
    assert client.get(dashboard, timeout=10).status_code == 200

    by_password = _password_login(live_server.url, STAFF_EMAIL)
    refused = by_password.get(dashboard, timeout=10)
    assert refused.status_code == 403
    assert "kommunens inloggning" in refused.text
    assert project.name in refused.text
