"""Under the Content-Security-Policy the pages work: htmx and digiproj.js load, the bars have
their widths, and the browser reports no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from demo import generator
from demo.people import DEMO_LOGINS
from digiproj.projects.models import Project
from tests.e2e.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    generator.seed(participants_per_project=25, force=True)


def test_report_pages_with_bars_work_under_the_policy_without_violations(
    demo, live_server, page: Page
):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")

    for path in ("indikatorer/", "tid/", "kompetens/"):
        response = page.goto(f"{live_server.url}/p/{project.pk}/rapporter/{path}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/indikatorer/")
    widths = page.locator(".bar-chart .bar").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect().width)"
    )
    assert widths
    assert max(widths) > 50  # the widest bar spans a good part of its row (not min-width)
    assert page.evaluate("typeof window.htmx") == "object"  # the vendored script ran
    assert refused == []
