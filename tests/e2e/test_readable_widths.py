"""Readable at every width (WCAG 1.4.10 reflow): at 1366, 375 and 320 px the main pages have
no horizontal page scroll, and no word in a table is broken inside (tables scroll in their
wrappers instead). Screenshots of every page and width go to test-results/widths/ (kept by CI
as artefacts); axe finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from demo import generator
from demo.people import DEMO_LOGINS
from digiproj.projects.models import Project
from surveys.models import Round
from tests.e2e.helpers import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1366, 375, 320)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "widths"

# Every word of every table cell and heading whose text boxes lie on more than one line: a word
# broken inside. Words are what lies between spaces, hyphens, dashes and slashes (where a line
# may break by the rules of the language).
BROKEN_WORDS = """() => {
  const broken = [];
  const cells = document.querySelectorAll("main th, main td, main h1, main h2, main caption");
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\\s\\-\\u2010-\\u2015\\/]+/g;
      let m;
      while ((m = re.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                             .map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def demo(db):
    generator.seed(participants_per_project=20, force=True)


def _check(page: Page, name: str, width: int) -> None:
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    assert page.evaluate(BROKEN_WORDS) == [], (name, width)
    assert axe_violations(page) == [], (name, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_pages_are_readable(demo, live_server, page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")
    results = Round.objects.filter(survey__project=project).order_by("pk").first()
    assert results is not None
    pages = {
        "start": "/",
        "dashboard": f"/p/{project.pk}/",
        "participants": f"/p/{project.pk}/deltagare/",
        "participants-page-2": f"/p/{project.pk}/deltagare/?page=2",
        "survey-results": f"/p/{project.pk}/enkater/omgangar/{results.pk}/resultat/",
        "hours": f"/p/{project.pk}/aktiviteter/timmar/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        _check(page, f"coordinator-{name}", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_participant_pages_are_readable(demo, live_server, page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    participant = DEMO_LOGINS[2]
    login(page, live_server.url, participant.email, participant.password)
    for name, path in {
        "start": "/",
        "activities": "/mina-aktiviteter/",
        "data": "/mina-sidor/",
    }.items():
        page.goto(f"{live_server.url}{path}")
        _check(page, f"participant-{name}", width)
