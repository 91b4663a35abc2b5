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

from .processes import IdpProcess, start_oidc

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
    providers = providers_from_env(sso_environment(oidc_idps))
    settings.SOCIALACCOUNT_PROVIDERS = providers
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    directives["form-action"] = [*directives["form-action"], *form_action_origins(providers, [])]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return oidc_idps
