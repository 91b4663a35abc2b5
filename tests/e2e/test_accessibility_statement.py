"""The accessibility statement is reached from the footer, logged out, and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_accessibility_statement_from_the_footer_logged_out(live_server, page: Page, settings):
    settings.DIGIPROJ_ACCESSIBILITY_EMAIL = "tillganglighet@kommun.example.se"
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighet för digiproj")
    expect(page.get_by_role("link", name="tillganglighet@kommun.example.se").first).to_be_visible()
    assert axe_violations(page) == []
