"""The demo coordinator logs in and sees the dashboard in Swedish; axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from demo import generator
from demo.people import DEMO_LOGINS
from tests.e2e.helpers import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    generator.seed(participants_per_project=20, force=True)


def test_coordinator_logs_in_and_sees_dashboard_in_swedish(demo, live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert axe_violations(page) == []

    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    expect(page.get_by_role("link", name="DIGILO – Digital kompetens")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="DIGILO – Digital kompetens").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DIGILO")
    expect(page.get_by_role("table", name="Deltagare per kön")).to_be_visible()
    expect(page.get_by_text("Kvinnor")).to_be_visible()
    expect(page.get_by_role("heading", name="Att göra")).to_be_visible()  # the to-do first
    assert axe_violations(page) == []

    page.get_by_role("link", name="Deltagare", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deltagare")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [320, 375])
def test_login_page_works_at_phone_width(live_server, page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"{live_server.url}/accounts/login/")
    # Nothing wider than the screen: no horizontal scrolling at 320 px (WCAG 1.4.10).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []


def test_account_pages_have_no_axe_violations(demo, live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []

    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("navigation", name="Mitt konto")).to_be_visible()
        assert axe_violations(page) == [], path


def test_participant_start_page_and_language_switch(demo, live_server, page: Page):
    participant = DEMO_LOGINS[2]
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server.url, participant.email, participant.password)
    expect(page.get_by_role("heading", name="Mina utbildningar")).to_be_visible()
    expect(page.get_by_role("heading", name="Att göra")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_project_settings_pages_have_no_axe_violations(demo, live_server, page: Page):
    from digiproj.projects.models import Project

    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("installningar/", "organisationer/", "team/"):
        page.goto(f"{live_server.url}/p/{project.pk}/{path}")
        expect(page.get_by_role("navigation", name="Projektinställningar")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert axe_violations(page) == [], path
    # An invalid organisation number is explained next to the field.
    page.goto(f"{live_server.url}/p/{project.pk}/organisationer/")
    page.get_by_label("Organisationsnummer").fill("212000-2743")
    page.get_by_role("button", name="Lägg till").click()
    expect(page.locator("#id_organisationsnummer_error")).to_contain_text("giltigt")
    assert axe_violations(page) == []
