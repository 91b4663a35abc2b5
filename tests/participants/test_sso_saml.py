"""Single sign-on by SAML 2.0 (allauth's SAML provider, python3-saml) against a real pysaml2
identity-provider process (tests/idp/saml): the same linking rules as OpenID Connect."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from participants.models import SsoLogin
from tests.factories import MembershipFactory, UserFactory
from tests.idp.fixtures import OTHER_DOMAIN_EMAIL, PASSWORD, SAML_SLUG, STAFF_EMAIL

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

_FIELD = re.compile(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')
_ACTION = re.compile(r'<form[^>]*action="(?P<action>[^"]+)"')


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:  # closed: the live server's thread lets go of its socket
        yield session


def saml_login(client: requests.Session, base_url: str, username: str) -> requests.Response:
    """Press the login button, sign in at the IdP, post its response back as a browser does."""
    client.get(f"{base_url}/accounts/login/", timeout=10)
    form = client.post(
        f"{base_url}/accounts/saml/{SAML_SLUG}/login/",
        data={"csrfmiddlewaretoken": client.cookies["csrftoken"]},
        timeout=10,
    )
    assert "/sso/redirect" in form.url, form.url
    key = re.search(r'name="key" value="([^"]+)"', form.text)
    assert key is not None
    posted = client.post(
        form.url.split("/sso/")[0] + "/sso/login",
        data={"key": key.group(1), "username": username, "password": PASSWORD},
        timeout=10,
    )
    action = _ACTION.search(posted.text)
    assert action is not None, posted.text
    fields = {m["name"]: html.unescape(m["value"]) for m in _FIELD.finditer(posted.text)}
    assert "SAMLResponse" in fields
    return client.post(html.unescape(action["action"]), data=fields, timeout=10)


def test_staff_logs_in_by_saml_with_a_verified_domain_address(saml_settings, live_server, http):
    membership = MembershipFactory(user=UserFactory(email=STAFF_EMAIL))
    response = saml_login(http, live_server.url, "anna")
    assert response.status_code == 200
    assert response.url == f"{live_server.url}/"
    assert membership.project.name in response.text
    account = SocialAccount.objects.get()
    assert (account.user_id, account.provider) == (membership.user_id, "kommun-saml")
    record = SsoLogin.objects.get()
    assert (record.matched_by, record.first_link) == ("email", True)


def test_saml_address_outside_the_verified_domains_is_refused(saml_settings, live_server, http):
    MembershipFactory(user=UserFactory(email=OTHER_DOMAIN_EMAIL))
    response = saml_login(http, live_server.url, "annan")
    assert response.status_code == 403
    assert "Be projektets samordnare" in response.text
    assert not SocialAccount.objects.exists()


def test_sp_metadata_is_published_for_the_idp(saml_settings, live_server, http):
    metadata = http.get(f"{live_server.url}/accounts/saml/{SAML_SLUG}/metadata/", timeout=10)
    assert metadata.status_code == 200
    assert f"/accounts/saml/{SAML_SLUG}/acs/" in metadata.text
