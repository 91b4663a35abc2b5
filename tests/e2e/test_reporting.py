"""A coordinator orders a report, watches it finish and downloads it; figures drill down."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from demo import generator
from demo.people import DEMO_LOGINS
from digiproj.projects.models import Project
from tests.e2e.helpers import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    generator.seed(participants_per_project=25, force=True)


def test_coordinator_orders_downloads_and_drills_down(demo, live_server, page: Page):
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")

    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporter")
    assert axe_violations(page) == []

    page.get_by_role("combobox", name="Rapport", exact=True).select_option("indikatorer")
    page.get_by_role("button", name="Beställ rapporten").click()
    # Tasks run in-process here, so the run is done when the page shows.
    expect(page.get_by_role("region", name="Status").get_by_role("status")).to_contain_text("Klar")
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner").click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert "Om rapporten" in workbook.sheetnames
    total = list(workbook["Alla deltagare"].iter_rows(values_only=True))[1]

    page.get_by_role("link", name="Indikatorer på skärmen").click()
    assert axe_violations(page) == []
    # The first figure ("Startade kvinnor") leads to the list of exactly those participants.
    figure = page.locator("table.figures td.num a").first
    count = int(figure.inner_text())
    assert count == total[1]
    figure.click()
    expect(page.get_by_text(f"{count} deltagare")).to_be_visible()
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/scb/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SCB-fil per månad")
    assert axe_violations(page) == []


def test_time_page_chart_table_and_rows(demo, live_server, page: Page):
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")
    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/tid/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tid och medfinansiering")
    assert axe_violations(page) == []
    # The demo's attended sessions (autumn 2021) give the first month a figure to follow.
    page.get_by_role("table").locator("td.num a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tid 2021-")
    assert axe_violations(page) == []


def test_competence_page_and_people(demo, live_server, page: Page):
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")
    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/kompetens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetensutveckling")
    assert axe_violations(page) == []
    # The demo's 2021 baseline and 2022 follow-up: the first group size leads to its people.
    page.get_by_role("table").locator("td.num a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("personer som svarat båda")
    assert axe_violations(page) == []


def test_activities_page_and_people(demo, live_server, page: Page):
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/aktiviteter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktiviteter")
    assert axe_violations(page) == []
    page.get_by_role("table").first.locator("td.num a").first.click()  # sessions held
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillfällen i perioden")
    assert axe_violations(page) == []
    page.go_back()
    page.get_by_role("table").first.locator("td.num a").nth(2).click()  # present, women
    expect(page.get_by_role("heading", level=1)).to_contain_text("Närvarande")
    assert axe_violations(page) == []


def test_register_page(demo, live_server, page: Page):
    coordinator = DEMO_LOGINS[0]
    login(page, live_server.url, coordinator.email, coordinator.password)
    project = Project.objects.get(diarienummer="2020/00268")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/p/{project.pk}/rapporter/deltagare/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deltagarförteckning")
    expect(page.get_by_text("aktiva någon gång under perioden")).to_be_visible()
    assert axe_violations(page) == []
