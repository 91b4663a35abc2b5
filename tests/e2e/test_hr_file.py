"""A monthly HR file in the browser: its own headers, people already in the project updated,
one missing ended on a chosen date, a row with an error left out and downloadable, and an
employer name taught once. axe on every page."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from participants.models import Participation
from tests.e2e.helpers import axe_violations, login
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-Passw0rd"
HEADERS = ["Personnr", "Tilltalsnamn", "Efternamn", "Förvaltning", "Arbetsplats", "Befattning",
           "Anställd från"]  # fmt: skip


def _ok(page: Page) -> None:
    assert axe_violations(page) == []


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_monthly_hr_file_updates_ends_and_leaves_out_a_bad_row(live_server, page: Page):
    project = ProjectFactory(name="Digitalt lyft")
    org = ProjectOrganisationFactory(
        project=project, organisation__name="Alingsås kommun"
    ).organisation
    MembershipFactory(project=project, user__email="samordnare@example.test")
    for n, first in ((1, "Anna"), (2, "David")):
        ParticipationFactory(
            project=project,
            organisation=org,
            person=PersonFactory(personnummer=participant_test_pnr(n)),
            first_name=first,
            last_name="Ek",
            workplace="Kansliet",
            start_date=dt.date(2024, 3, 1),
        )
    rows = [
        [int(participant_test_pnr(1)), "Anna", "Ek", "Lärcentrum Alingsås", "Ekonomi", "Lärare",
         dt.date(2024, 3, 1)],
        [int(participant_test_pnr(3)), "Fia", "Fors", "Lärcentrum Alingsås", "Skolan", "Lärare",
         dt.date(2025, 1, 1)],
        ["19701301-9802", "Gun", "Grön", "Lärcentrum Alingsås", "", "", dt.date(2025, 1, 1)],
    ]  # fmt: skip
    base = live_server.url
    login(page, base, "samordnare@example.test", PASSWORD)
    page.goto(f"{base}/p/{project.pk}/deltagare/import/")
    page.get_by_label("Fil med deltagare").set_input_files(
        {"name": "personal.xlsx", "mimeType": "application/octet-stream", "buffer": _xlsx(rows)}
    )
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_text("3 rader behöver rättas")).to_be_visible()
    _ok(page)
    page.get_by_label("Organisationen som ”Lärcentrum Alingsås” betyder").select_option(
        label="Alingsås kommun"
    )
    page.get_by_role("button", name="Koppla namnet").click()
    expect(page.get_by_text("1 rad behöver rättas")).to_be_visible()
    expect(page.get_by_text("Arbetsplats: Kansliet → Ekonomi")).to_be_visible()
    expect(page.get_by_text("1 deltagare i projektet saknas i filen").first).to_be_visible()
    expect(page.get_by_role("link", name="Ladda ner raderna med fel (Excel)")).to_be_visible()
    _ok(page)
    page.get_by_label("Avsluta deltagandet för dem som saknas i filen").check()
    page.get_by_label("Slutdatum").fill("2025-01-31")
    page.get_by_role("button", name="Importera bara de 2 giltiga raderna").click()
    expect(page.get_by_text("1 deltagare importerades från personal.xlsx.")).to_be_visible()
    _ok(page)
    assert Participation.objects.get(first_name="David").end_date == dt.date(2025, 1, 31)
    assert Participation.objects.get(first_name="Anna").workplace == "Ekonomi"
    assert not Participation.objects.filter(first_name="Gun").exists()
