"""The accessibility statement (tillgänglighetsredogörelse): public, linked from every page's
footer, with the installation's contact route."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

URL = "/tillganglighet/"


@pytest.mark.django_db
def test_accessibility_statement_is_public_and_follows_diggs_model(client, settings):
    settings.DIGIPROJ_ACCESSIBILITY_ORGANISATION = "Umeå kommun"
    settings.DIGIPROJ_ACCESSIBILITY_EMAIL = "tillganglighet@umea.example.se"
    settings.DIGIPROJ_ACCESSIBILITY_URL = "https://umea.example.se/kontakt"
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Umeå kommun står bakom den här tjänsten" in text
    assert 'href="mailto:tillganglighet@umea.example.se"' in text
    assert 'href="https://umea.example.se/kontakt"' in text
    for heading in (
        "Hur tillgänglig är tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ):
        assert heading in text
    assert "Myndigheten för digital förvaltning (DIGG)" in text
    assert "https://www.digg.se/tdosanmalan" in text
    assert "WCAG 2.1 nivå AA" in text


@pytest.mark.django_db
def test_accessibility_statement_without_a_contact_names_the_organisation(client, settings):
    settings.DIGIPROJ_ACCESSIBILITY_ORGANISATION = "Region Västerbotten"
    settings.DIGIPROJ_ACCESSIBILITY_EMAIL = ""
    settings.DIGIPROJ_ACCESSIBILITY_URL = ""
    text = client.get(URL).content.decode()
    assert "mailto:" not in text
    assert "Kontakta Region Västerbotten" in text


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/email/", "/", URL])
def test_every_page_footer_links_the_accessibility_statement(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    assert f'<a href="{reverse("accessibility_statement")}">Tillgänglighetsredogörelse</a>' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_logged_out_login_page_footer_links_the_accessibility_statement(client):
    assert f'href="{URL}"' in client.get("/accounts/login/").content.decode()
