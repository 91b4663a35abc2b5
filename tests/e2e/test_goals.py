"""Mål och uppföljning: a coordinator defines a goal in the browser, sees the value the
platform computes for it and follows it to the participants behind it; every goals page
passes axe-core, on a desktop and at 320 px."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from demo import generator
from demo.people import DEMO_LOGINS
from digiproj.projects.models import Project
from digiproj.projects.permissions import project_access
from goals.figures import Result, goal_measure
from goals.measures import Context
from goals.models import Goal
from goals.selectors import goal_units
from goals.texts import figure_text
from participants.models import Participation
from participants.personnummer import mask
from tests.e2e.helpers import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

DIGILO = "2020/00268"
TITLE = "Höjd digital kompetens: minst 60 % höjer sin nivå i minst ett område"
MASKED = re.compile(r"^\d{8}-\*{4}$")


@pytest.fixture
def demo(db):
    generator.seed(participants_per_project=25, force=True)


def _coordinator(page: Page, base_url: str) -> Project:
    coordinator = DEMO_LOGINS[0]
    login(page, base_url, coordinator.email, coordinator.password)
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    return Project.objects.get(diarienummer=DIGILO)


def _measured(goal: Goal, as_of: dt.date) -> tuple[Result, str, list[dict]]:
    """What the engine computes for the goal at the date: the result, its value as the page
    writes it, and the rows behind it."""
    user = get_user_model().objects.get(email=DEMO_LOGINS[0].email)
    access = project_access(user, goal.project)
    assert access is not None
    assert access.is_coordinator
    with translation.override("sv"):
        result = goal_measure(goal, Context(access=access, as_of=as_of))
        _result, rows = goal_units(goal=goal, access=access, as_of=as_of)
        return result, figure_text(result), rows


def test_coordinator_defines_a_goal_and_follows_its_value_to_the_rows(
    demo, live_server, page: Page
):
    project = _coordinator(page, live_server.url)
    demo_goals = set(Goal.objects.filter(project=project).values_list("pk", flat=True))
    assert Goal.objects.filter(project=project, title=TITLE).exists()  # the demo's own

    page.goto(f"{live_server.url}/p/{project.pk}/")
    page.get_by_role("navigation", name=f"Projektet {project.name}").get_by_role(
        "link", name="Mål och uppföljning"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mål och uppföljning")
    page.get_by_role("link", name="Nytt mål").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt mål")
    assert axe_violations(page) == []

    # An empty form: the error summary, each field's error, still accessible.
    page.get_by_role("button", name="Spara målet").click()
    summary = page.get_by_role("alert").filter(has_text="Formuläret innehåller fel")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile(r"^Mål:"))).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("textbox", name="Mål", exact=True).fill(TITLE)
    page.get_by_role("combobox", name="Mäts som").select_option(
        label="Andel som höjt sin DigComp-nivå"
    )
    page.get_by_role("combobox", name="Riktning").select_option(label="minst")
    page.get_by_label("Målvärde").fill("60")
    page.get_by_label("Ska nås senast").fill(project.end_date.isoformat())
    # Saved with the keyboard: focus the button and press Enter.
    page.get_by_role("button", name="Spara målet").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/p/{project.pk}/mal/\d+/$"))
    pk = int(re.search(r"/mal/(\d+)/$", page.url).group(1))
    assert pk not in demo_goals
    goal = Goal.objects.select_related("project").get(pk=pk)
    assert (goal.title, goal.measure, goal.direction) == (TITLE, "level_raised", "at_least")
    assert (goal.target_value, goal.target_date) == (60, project.end_date)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Målet är sparat.")).to_be_visible()
    assert axe_violations(page) == []

    # The value shown is the engine's, at the date the page measures.
    facts = page.locator("dl.facts")
    label = facts.locator("dt", has_text="Värde per")
    as_of = dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", label.inner_text()).group())
    assert as_of == min(timezone.localdate(), project.end_date)
    result, value, rows = _measured(goal, as_of)
    assert result.measurable
    assert result.figure.value is not None
    assert not result.figure.suppressed
    assert result.figure.n > 0
    shown = label.locator("xpath=following-sibling::dd[1]")
    expect(shown.locator("strong")).to_have_text(value)
    expect(shown).to_contain_text(f"gruppstorlek {result.figure.n}")

    # The value leads to the people behind it.
    shown.get_by_role("link", name=value).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Underlag: {TITLE}")
    assert axe_violations(page) == []
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_have_text(f"{result.figure.n} rader bakom värdet")
    body = table.locator("tbody tr")
    expect(body).to_have_count(result.figure.n)
    participants = {
        (f"{p.last_name}, {p.first_name}", mask(p.person.personnummer))
        for p in Participation.objects.filter(project=project).select_related("person")
    }
    shown_rows = []
    for row in body.all():
        name, personnummer = (c.strip() for c in row.locator("td").all_inner_texts()[:2])
        assert MASKED.match(personnummer), personnummer
        assert (name, personnummer) in participants
        shown_rows.append((name, personnummer))
    assert len(set(shown_rows)) == result.figure.n
    assert sorted(shown_rows) == sorted((r["label"], r["personnummer"]) for r in rows)


def test_goals_pages_pass_axe(demo, live_server, page: Page):
    project = _coordinator(page, live_server.url)
    base = f"{live_server.url}/p/{project.pk}/mal"
    demo_goals = list(Goal.objects.filter(project=project).order_by("order", "pk"))
    assert demo_goals

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mål och uppföljning")
    expect(page.get_by_role("table")).to_contain_text(demo_goals[0].title)
    assert axe_violations(page) == []

    # Every demo goal's page (counts, hours with the gender gap, survey figures).
    for goal in demo_goals:
        page.goto(f"{base}/{goal.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(goal.title)
        assert axe_violations(page) == [], goal.title

    page.goto(f"{base}/{demo_goals[0].pk}/andra/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ändra målet {demo_goals[0].title}")
    assert axe_violations(page) == []

    page.goto(f"{base}/forandringsteori/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Förändringsteori")
    expect(page.get_by_role("img", name="Effektkedjan")).to_be_visible()
    expect(page.get_by_role("heading", name="Förändringsteorin som text")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Ändra förändringsteorin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra förändringsteorin")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Kartläggning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kartläggning per organisation")
    expect(page.get_by_role("table")).to_contain_text("Alla")  # the baseline, per organisation
    assert axe_violations(page) == []

    page.get_by_role("link", name="Slutrapport", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slutrapport: mål och resultat")
    expect(page.locator("#slutrapport-text")).to_contain_text(demo_goals[0].title)
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mål och uppföljning")
    assert axe_violations(page) == []
    page.goto(f"{base}/forandringsteori/")
    expect(page.get_by_role("img", name="Effektkedjan")).to_be_visible()
    assert axe_violations(page) == []
