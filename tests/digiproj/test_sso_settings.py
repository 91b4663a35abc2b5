"""digiproj.sso: an installation's environment turned into allauth's provider settings."""

from __future__ import annotations

from digiproj.sso import form_action_origins, minimised_extra_data, providers_from_env


def test_no_environment_means_no_providers():
    assert providers_from_env({}) == {"openid_connect": {"APPS": []}, "saml": {"APPS": []}}


def test_staff_and_e_legitimation_providers_from_the_environment():
    providers = providers_from_env(
        {
            "DIGIPROJ_OIDC_STAFF_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
            "DIGIPROJ_OIDC_STAFF_CLIENT_ID": "staff-client",
            "DIGIPROJ_OIDC_STAFF_SECRET": "staff-secret",
            "DIGIPROJ_OIDC_STAFF_NAME": "Västerås stad",
            "DIGIPROJ_OIDC_STAFF_VERIFIED_EMAIL_DOMAINS": "vasteras.se, skola.vasteras.se",
            "DIGIPROJ_OIDC_EID_SERVER_URL": "https://broker.example.test/oidc",
            "DIGIPROJ_OIDC_EID_CLIENT_ID": "eid-client",
            "DIGIPROJ_OIDC_EID_SECRET": "eid-secret",
        }
    )
    staff, eid = providers["openid_connect"]["APPS"]
    assert (staff["provider_id"], staff["name"], staff["client_id"]) == (
        "kommun",
        "Västerås stad",
        "staff-client",
    )
    assert staff["settings"]["digiproj_role"] == "staff"
    assert staff["settings"]["oauth_pkce_enabled"] is True
    assert staff["settings"]["verified_email"] == ["vasteras.se", "skola.vasteras.se"]
    assert staff["settings"]["scope"] == ["openid", "profile", "email"]
    assert (eid["provider_id"], eid["settings"]["digiproj_role"]) == ("e-legitimation", "eid")
    assert eid["settings"]["personnummer_claim"] == "personal_identity_number"
    assert eid["settings"]["scope"] == ["openid"]
    assert eid["settings"]["verified_email"] is False
    assert providers["saml"]["APPS"] == []


def test_claim_name_scopes_and_trusting_every_address_are_configurable():
    [eid] = providers_from_env(
        {
            "DIGIPROJ_OIDC_EID_SERVER_URL": "https://broker.example.test",
            "DIGIPROJ_OIDC_EID_PERSONNUMMER_CLAIM": "ssn",
            "DIGIPROJ_OIDC_EID_SCOPES": "openid ssn",
            "DIGIPROJ_OIDC_EID_VERIFIED_EMAIL_DOMAINS": "*",
        }
    )["openid_connect"]["APPS"]
    assert eid["settings"]["personnummer_claim"] == "ssn"
    assert eid["settings"]["scope"] == ["openid", "ssn"]
    assert eid["settings"]["verified_email"] is True


def test_saml_provider_from_its_metadata_url():
    [app] = providers_from_env(
        {
            "DIGIPROJ_SAML_IDP_METADATA_URL": "https://adfs.kommun.example.test/metadata.xml",
            "DIGIPROJ_SAML_IDP_ENTITY_ID": "http://adfs.kommun.example.test/adfs/services/trust",
            "DIGIPROJ_SAML_VERIFIED_EMAIL_DOMAINS": "kommun.example.test",
        }
    )["saml"]["APPS"]
    assert app["client_id"] == "kommun"  # /accounts/saml/kommun/...
    assert app["settings"]["idp"]["metadata_url"].endswith("/metadata.xml")
    assert app["settings"]["digiproj_role"] == "staff"
    assert app["settings"]["advanced"]["want_assertion_signed"] is True
    assert app["settings"]["verified_email"] == ["kommun.example.test"]


def test_form_action_allows_the_providers_origins():
    providers = providers_from_env(
        {
            "DIGIPROJ_OIDC_STAFF_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
            "DIGIPROJ_SAML_IDP_METADATA_URL": "https://adfs.kommun.example.test/md",
        }
    )
    assert form_action_origins(providers, ["https://other.example.test"]) == [
        "https://login.microsoftonline.com",
        "https://adfs.kommun.example.test",
        "https://other.example.test",
    ]


def test_only_technical_claims_are_kept():
    extra = {
        "id_token": {"iss": "i", "sub": "s", "personal_identity_number": "x", "name": "n"},
        "userinfo": {"email": "e"},
    }
    assert minimised_extra_data(extra) == {"id_token": {"iss": "i", "sub": "s"}}
