"""pytest fixtures: real identity-provider processes for the SSO tests, and digiproj's settings
pointing at them (through digiproj.sso.providers_from_env, as an installation's environment
would). Registered in tests/conftest.py; the processes start only when a test asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from digiproj.sso import form_action_origins, providers_from_env
from participants import personnummer as pnr

from .processes import IdpProcess, start_oidc, start_saml

PASSWORD = "idp-Passw0rd"
MUNICIPALITY = "Västerås stad"
# The staff provider's users: email claims, verified or not.
STAFF_EMAIL = "samordnare@vasteras.example.test"
UNVERIFIED_EMAIL = "overifierad@vasteras.example.test"
STRANGER_EMAIL = "okand@vasteras.example.test"
# The e-legitimation broker's users: Skatteverket test numbers (no real person has them).
PARTICIPANT_PNR = pnr.test_number(dt.date(1988, 8, 8), 3, gender=pnr.Gender.WOMAN)
STRANGER_PNR = pnr.test_number(dt.date(1988, 8, 8), 4, gender=pnr.Gender.MAN)
CLAIM = "personal_identity_number"


def _user(username: str, **claims: Any) -> dict[str, Any]:
    return {"username": username, "password": PASSWORD, "claims": claims}


@pytest.fixture(scope="session")
def oidc_idps(live_server, tmp_path_factory) -> Iterator[dict[str, IdpProcess]]:
    """Two OpenID Connect providers (django-oauth-toolkit, RS256, PKCE required): the
    municipality's for staff and an e-legitimation broker, each with a client whose redirect
    URI is this test server's callback."""
    workdir = tmp_path_factory.mktemp("idp")
    started: dict[str, IdpProcess] = {}
    try:
        started["staff"] = start_oidc(
            "staff",
            workdir=workdir,
            clients=[_client(live_server.url, "kommun")],
            users=[
                _user("anna", email=STAFF_EMAIL, email_verified=True, name="Anna Samordnare"),
                _user("olle", email=UNVERIFIED_EMAIL, email_verified=False),
                _user("okand", email=STRANGER_EMAIL, email_verified=True),
            ],
        )
        started["eid"] = start_oidc(
            "eid",
            workdir=workdir,
            clients=[_client(live_server.url, "e-legitimation")],
            users=[
                _user("deltagare", **{CLAIM: PARTICIPANT_PNR}),
                _user("okand", **{CLAIM: STRANGER_PNR}),
            ],
        )
        yield started
    finally:
        for idp in started.values():
            idp.stop()


SAML_SLUG = "kommun"
SAML_NAME = "Västerås stad (SAML)"
# Addresses at the municipality's own domain count as verified (its directory vouches for them).
SAML_DOMAIN = "vasteras.example.test"
OTHER_DOMAIN_EMAIL = "samordnare@annan.example.test"


@pytest.fixture(scope="session")
def saml_idp(live_server, tmp_path_factory) -> Iterator[IdpProcess]:
    """A SAML 2.0 identity provider (pysaml2, signed responses and assertions, SHA-256)."""
    idp = start_saml(
        "saml",
        workdir=tmp_path_factory.mktemp("saml"),
        sp_metadata_url=f"{live_server.url}/accounts/saml/{SAML_SLUG}/metadata/",
        users=[
            {
                "username": "anna",
                "password": PASSWORD,
                "attributes": {"mail": [STAFF_EMAIL], "givenName": ["Anna"]},
            },
            {
                "username": "annan",
                "password": PASSWORD,
                "attributes": {"mail": [OTHER_DOMAIN_EMAIL]},
            },
        ],
    )
    try:
        yield idp
    finally:
        idp.stop()


@pytest.fixture
def saml_settings(settings, saml_idp) -> IdpProcess:
    """digiproj configured with the SAML provider only, as from the environment."""
    metadata = f"{saml_idp.base_url}/metadata"
    providers = providers_from_env(
        {
            "DIGIPROJ_SAML_IDP_METADATA_URL": metadata,
            "DIGIPROJ_SAML_IDP_ENTITY_ID": metadata,
            "DIGIPROJ_SAML_SLUG": SAML_SLUG,
            "DIGIPROJ_SAML_NAME": SAML_NAME,
            "DIGIPROJ_SAML_VERIFIED_EMAIL_DOMAINS": SAML_DOMAIN,
        }
    )
    _configure(settings, providers)
    return saml_idp


def _configure(settings: Any, providers: dict[str, Any]) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = providers
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    directives["form-action"] = [*directives["form-action"], *form_action_origins(providers, [])]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


def _client(base_url: str, provider_id: str) -> dict[str, Any]:
    return {
        "client_id": f"digiproj-{provider_id}",
        "secret": f"secret-{provider_id}",
        "redirect_uris": [f"{base_url}/accounts/oidc/{provider_id}/login/callback/"],
    }


def sso_environment(idps: dict[str, IdpProcess]) -> dict[str, str]:
    """The environment an installation would set for these providers."""
    environ = {}
    for prefix, key, provider_id in (
        ("DIGIPROJ_OIDC_STAFF", "staff", "kommun"),
        ("DIGIPROJ_OIDC_EID", "eid", "e-legitimation"),
    ):
        if key in idps:
            environ |= {
                f"{prefix}_SERVER_URL": f"{idps[key].base_url}/o",
                f"{prefix}_CLIENT_ID": f"digiproj-{provider_id}",
                f"{prefix}_SECRET": f"secret-{provider_id}",
            }
    environ["DIGIPROJ_OIDC_STAFF_NAME"] = MUNICIPALITY
    return environ


@pytest.fixture
def sso_settings(settings, oidc_idps) -> dict[str, IdpProcess]:
    """digiproj configured with both OpenID Connect providers, as from the environment."""
    _configure(settings, providers_from_env(sso_environment(oidc_idps)))
    return oidc_idps
