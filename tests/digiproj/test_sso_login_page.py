"""The login page offers the configured single sign-on providers, Swedish first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.sso import providers_from_env

pytestmark = pytest.mark.django_db


def test_without_providers_the_login_page_has_no_sso_buttons(client):
    text = client.get(reverse("account_login")).content.decode()
    assert "Logga in med e-legitimation" not in text
    assert "/accounts/oidc/" not in text


def test_configured_providers_get_a_button_each(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(
        {
            "DIGIPROJ_OIDC_STAFF_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
            "DIGIPROJ_OIDC_STAFF_NAME": "Västerås stad",
            "DIGIPROJ_OIDC_EID_SERVER_URL": "https://broker.example.test",
        }
    )
    text = client.get(reverse("account_login")).content.decode()
    assert "Logga in med Västerås stad" in text
    assert "Logga in med e-legitimation" in text
    assert 'action="/accounts/oidc/kommun/login/"' in text
    assert 'action="/accounts/oidc/e-legitimation/login/"' in text
    assert text.count('action="/accounts/oidc/') == 2
    assert "Logga in med e-post och lösenord" in text
