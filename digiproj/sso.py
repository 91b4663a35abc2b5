"""Single sign-on providers of this installation, read from the environment.

django-allauth's social accounts speak the protocols (OpenID Connect, SAML 2.0); this module
only turns `DIGIPROJ_OIDC_STAFF_*`, `DIGIPROJ_OIDC_EID_*` and `DIGIPROJ_SAML_*` into
allauth's `SOCIALACCOUNT_PROVIDERS` "APPS". Providers added in the admin (SocialApp) work the
same; their settings JSON takes the same `digiproj_role` and `personnummer_claim` keys.

Each app carries its role in digiproj:
- "staff": the municipality's own identity provider (Entra ID, ADFS, or any SAML IdP); a login
  is linked to the existing user with a verified email claim and a membership or invitation;
- "eid": an e-legitimation broker (BankID, Freja eID); a login is linked to the existing person
  whose personnummer the ID token's claim holds.
The rules are in participants.adapters.SocialAccountAdapter. settings.py imports this module:
no Django import here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STAFF = "staff"
EID = "eid"
# The claim Swedish e-legitimation brokers put the personnummer in (12 digits).
DEFAULT_PERSONNUMMER_CLAIM = "personal_identity_number"


# What of an ID token is kept on the social account: who issued it to whom, when and how
# strongly the person was authenticated. Never a personal claim.
TECHNICAL_CLAIMS = frozenset(
    {"iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "acr", "amr", "sid"}
)


def minimised_extra_data(extra: Mapping[str, Any]) -> dict[str, Any]:
    """A provider's data as stored on its social account: the ID token's technical claims
    only (no userinfo, no SAML attributes)."""
    id_token = extra.get("id_token") or {}
    return {"id_token": {k: v for k, v in id_token.items() if k in TECHNICAL_CLAIMS}}


def _get(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip()


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", " ").split() if part.strip()]


def _verified_email(environ: Mapping[str, str], prefix: str) -> bool | list[str]:
    """Which of the provider's email addresses count as verified though it sends no
    `email_verified` claim (Entra ID and SAML IdPs don't): "*" for all (the municipality's own
    directory), or the municipality's domains. Empty: only addresses the IdP marks verified."""
    value = _get(environ, f"{prefix}_VERIFIED_EMAIL_DOMAINS")
    if value == "*":
        return True
    return _list(value) or False


def _oidc_app(environ: Mapping[str, str], prefix: str, role: str) -> dict[str, Any] | None:
    server_url = _get(environ, f"{prefix}_SERVER_URL")
    if not server_url:
        return None
    is_eid = role == EID
    app_settings: dict[str, Any] = {
        "server_url": server_url,
        "oauth_pkce_enabled": True,
        "digiproj_role": role,
        "verified_email": _verified_email(environ, prefix),
        "scope": _list(_get(environ, f"{prefix}_SCOPES", "openid" if is_eid else ""))
        or ["openid", "profile", "email"],
    }
    if is_eid:
        app_settings["personnummer_claim"] = _get(
            environ, f"{prefix}_PERSONNUMMER_CLAIM", DEFAULT_PERSONNUMMER_CLAIM
        )
    return {
        "provider_id": _get(
            environ, f"{prefix}_PROVIDER_ID", "e-legitimation" if is_eid else "kommun"
        ),
        "name": _get(environ, f"{prefix}_NAME", "e-legitimation" if is_eid else "kommunen"),
        "client_id": _get(environ, f"{prefix}_CLIENT_ID"),
        "secret": _get(environ, f"{prefix}_SECRET"),
        "settings": app_settings,
    }


def _saml_app(environ: Mapping[str, str]) -> dict[str, Any] | None:
    metadata_url = _get(environ, "DIGIPROJ_SAML_IDP_METADATA_URL")
    if not metadata_url:
        return None
    email = _list(_get(environ, "DIGIPROJ_SAML_EMAIL_ATTRIBUTE")) or [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
    ]
    return {
        "name": _get(environ, "DIGIPROJ_SAML_NAME", "kommunen"),
        # The slug in the SP's URLs: /accounts/saml/<slug>/acs/, .../metadata/.
        "client_id": _get(environ, "DIGIPROJ_SAML_SLUG", "kommun"),
        "provider_id": _get(environ, "DIGIPROJ_SAML_PROVIDER_ID", "kommun-saml"),
        "settings": {
            "digiproj_role": STAFF,
            "verified_email": _verified_email(environ, "DIGIPROJ_SAML"),
            "idp": {
                "entity_id": _get(environ, "DIGIPROJ_SAML_IDP_ENTITY_ID"),
                "metadata_url": metadata_url,
            },
            "attribute_mapping": {
                "uid": _list(_get(environ, "DIGIPROJ_SAML_UID_ATTRIBUTE"))
                or ["urn:oasis:names:tc:SAML:attribute:subject-id", "uid"],
                "email": email,
                "email_verified": ["email_verified"],
            },
            # python3-saml's strict checks (destination, audience, times) and a signed
            # assertion: an unsigned or replayed response is refused.
            "advanced": {"want_assertion_signed": True, "strict": True},
        },
    }


def providers_from_env(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """allauth's SOCIALACCOUNT_PROVIDERS for the providers the environment configures."""
    oidc = [
        app
        for app in (
            _oidc_app(environ, "DIGIPROJ_OIDC_STAFF", STAFF),
            _oidc_app(environ, "DIGIPROJ_OIDC_EID", EID),
        )
        if app is not None
    ]
    saml = _saml_app(environ)
    providers: dict[str, dict[str, Any]] = {"openid_connect": {"APPS": oidc}}
    providers["saml"] = {"APPS": [saml] if saml else []}
    return providers


def form_action_origins(providers: Mapping[str, Mapping[str, Any]], extra: list[str]) -> list[str]:
    """The identity providers' origins, for the Content-Security-Policy's form-action: the login
    buttons post to this site, which redirects to the provider, and browsers hold a form's
    redirects to form-action too. `extra`: origins of providers added in the admin."""
    origins: list[str] = []
    for app in [*providers["openid_connect"]["APPS"], *providers["saml"]["APPS"]]:
        app_settings = app["settings"]
        url = app_settings.get("server_url") or app_settings["idp"]["metadata_url"]
        scheme, _, rest = url.partition("://")
        origins.append(f"{scheme}://{rest.split('/', 1)[0]}")
    return list(dict.fromkeys([*origins, *extra]))
