"""The whole set-up in the browser (#13): a platform admin creates a project like DigiWestum
and names its first coordinator; the coordinator pastes 35 organisations, imports an HR
workbook with headers of its own (personnummer written four ways, role group and education
left blank), maps the columns, chooses values for the empty cells, imports, then imports next
month's file: two changed, three new, one missing and ended on a chosen date. axe on every
page."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Project, ProjectOrganisation
from participants.models import Participation
from tests.e2e.helpers import axe_violations, login
from tests.factories import UserFactory, _luhn_complete, participant_test_pnr

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-Passw0rd"

# DigiWestum's decision (2020/00117), as typed from the decision into the project form.
DECISION = {
    "diarienummer": "2020/00117",
    "name": "DigiWestum",
    "region": "Västsverige",
    "programme_period": "2014-2020",
    "programme_area": "1",
    "specific_objective": "1.1",
    "intervention_code": "117",
    "start_date": "2020-08-01",
    "end_date": "2022-07-31",
    "planned_participants": "350",
    "planned_women": "250",
    "planned_men": "100",
    "total_budget": "3 109 687",
    "esf_support": "1 462 608",
    "eu_cofinancing_rate": "50",
    "budgeted_cofinancing": "1 400 000",
    "cofinancing_method": "unit_cost",
    "retain_until": "2028-12-31",
    "owner_organisationsnummer": "222000-1453",
    "owner_name": "Nätverk Westum",
    "owner_kind": "kommunalforbund",
    "coordinator_email": "Margareta.Nasmark@westum.example",
    "coordinator_first_name": "Margareta",
    "coordinator_last_name": "Näsmark",
}
# The 35 member organisations (a range no other test uses), pasted as semicolon lines.
WESTUM = [(_luhn_complete(f"21289{n:04d}"), f"Westum lärcentrum {n}") for n in range(35)]
# The HR department's own headers: two the product does not know (mapped in the preview),
# a job title nobody imports, role group and education present but left blank, no start date.
HEADERS = ["Personnr", "Tilltalsnamn", "Släktnamn", "Arbetsgivare", "Avdelning", "Befattning",
           "Yrkesgrupp", "Utbildningsnivå"]  # fmt: skip
PEOPLE = {1: ("Anna", "Ahl"), 2: ("Bo", "Berg"), 3: ("Cecilia", "Carlsson"),
          4: ("David", "Dahl"), 5: ("Eva", "Ek"), 6: ("Filip", "Fors"),
          7: ("Gun", "Grön"), 8: ("Hans", "Holm"), 9: ("Ines", "Ibsen")}  # fmt: skip


def _ok(page: Page) -> None:
    assert axe_violations(page) == []


def _written(n: int):
    """Skatteverket test numbers, written the ways HR files write them."""
    number = participant_test_pnr(n)  # ÅÅÅÅMMDDNNNN
    ways = [
        f"{number[:8]}-{number[8:]}",  # ÅÅÅÅMMDD-NNNN
        f"{number[:8]} {number[8:]}",  # ÅÅÅÅMMDD NNNN
        f"{number[2:8]} {number[8:]}",  # ÅÅMMDD NNNN
        int(number),  # a number cell, no dash
    ]
    return ways[n % len(ways)]


def _row(n: int, workplace: str = "Skolan", role_group: str = ""):
    first, last = PEOPLE[n]
    number, name = WESTUM[n]
    employer = number if n % 2 else name  # by number or by name
    return [_written(n), first, last, employer, workplace, "Lärare", role_group, ""]


def _xlsx(tmp_path, name: str, rows) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Personal"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    # The number cell stays a number, as Excel keeps it.
    assert any(c.data_type == "n" for c in openpyxl.load_workbook(path)["Personal"]["A"][1:])
    return str(path)


def _fill_decision(page: Page) -> None:
    for name, value in DECISION.items():
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def _upload(page: Page, base: str, project: Project, path: str) -> None:
    page.goto(f"{base}/p/{project.pk}/deltagare/import/")
    page.get_by_label("Fil med deltagare").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()


def test_a_coordinator_sets_up_a_project_with_organisations_and_two_hr_files(
    live_server, page: Page, tmp_path
):
    base = live_server.url
    UserFactory(email="admin@plattform.example", is_superuser=True, is_staff=True)

    # 1. The platform admin creates the project from its decision, naming the coordinator.
    login(page, base, "admin@plattform.example", PASSWORD)
    page.goto(f"{base}/projekt/nytt/")
    expect(page.get_by_role("heading", name="Nytt projekt")).to_be_visible()
    _ok(page)
    _fill_decision(page)
    page.get_by_role("button", name="Skapa projektet").click()
    expect(page.get_by_text("Projektet DigiWestum är skapat.")).to_be_visible()
    _ok(page)
    project = Project.objects.get(diarienummer="2020/00117")
    coordinator = Membership.objects.get(project=project)
    assert coordinator.role == Membership.Role.COORDINATOR
    assert coordinator.user.email == "margareta.nasmark@westum.example"

    # 2. The coordinator logs in. The welcome mail's link to choose a password is tested
    # elsewhere; here the password is set directly.
    user = User.objects.get(email="margareta.nasmark@westum.example")
    user.set_password(PASSWORD)
    user.save()
    page.context.clear_cookies()
    login(page, base, "margareta.nasmark@westum.example", PASSWORD)

    # 3. 35 organisations pasted from a list: previewed, confirmed.
    page.goto(f"{base}/p/{project.pk}/organisationer/lista/")
    _ok(page)
    pasted = "\n".join(f"{number};{name};kommun;deltagande arbetsgivare" for number, name in WESTUM)
    page.get_by_label("Klistra in listan").fill(pasted)
    page.get_by_role("button", name="Granska listan").click()
    expect(
        page.get_by_text("Inga fel hittades. 35 organisationer kan läggas till.")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Westum lärcentrum 34", exact=True)).to_be_visible()
    _ok(page)
    page.get_by_role("button", name="Lägg till 35 organisationer").click()
    expect(page.get_by_role("cell", name="Westum lärcentrum 0", exact=True)).to_be_visible()
    _ok(page)
    links = ProjectOrganisation.objects.filter(project=project)
    assert links.count() == 36  # the 35 and the owner
    assert links.filter(role=ProjectOrganisation.Role.EMPLOYER).count() == 35
    assert links.get(role=ProjectOrganisation.Role.OWNER).organisation.name == "Nätverk Westum"

    # 4. August's HR file: six people, own headers, blanks.
    august = [_row(n) for n in range(1, 7)]
    august[0][6] = "Chef/ledning"  # the one role group the file gives
    _upload(page, base, project, _xlsx(tmp_path, "personal-augusti.xlsx", august))
    expect(page.get_by_role("heading", name="Granska import")).to_be_visible()
    page.get_by_text("Välj vilket fält varje kolumn är").wait_for()
    expect(page.get_by_text("Kolumnen ”Efternamn” saknas").first).to_be_visible()
    _ok(page)
    # The mapping step: the file's own names for surname and workplace.
    page.get_by_label("Släktnamn", exact=True).select_option(label="Efternamn")
    page.get_by_label("Avdelning", exact=True).select_option(label="Arbetsplats")
    expect(page.get_by_label("Befattning", exact=True)).to_have_value("")
    page.get_by_role("button", name="Koppla kolumnerna och kontrollera igen").click()
    expect(page.get_by_text("Kolumnen ”Startdatum” saknas").first).to_be_visible()
    expect(page.get_by_text("Kolumnen ”Efternamn” saknas")).to_have_count(0)
    _ok(page)
    # Values for the empty cells: a start date and a role group; education stays unknown.
    page.get_by_label("Startdatum för rader utan startdatum").fill("2020-09-01")
    page.get_by_label("Yrkesgrupp för rader utan yrkesgrupp").select_option(
        label="Administrativ personal"
    )
    page.get_by_role("button", name="Använd valen och kontrollera igen").click()
    expect(page.get_by_text("Inga fel hittades. 6 deltagare kan importeras.")).to_be_visible()
    expect(page.get_by_text("6 nya deltagare läggs till")).to_be_visible()
    expect(page.get_by_text("5 rader får Yrkesgrupp: Administrativ personal")).to_be_visible()
    expect(page.get_by_text("6 rader får Utbildningsnivå: Okänd")).to_be_visible()
    expect(page.get_by_text("6 rader får Startdatum: 2020-09-01")).to_be_visible()
    expect(page.get_by_text("Befattning").first).to_be_visible()  # listed as not imported
    _ok(page)
    page.get_by_role("button", name="Importera 6 deltagare").click()
    expect(page.get_by_text("6 deltagare importerades från personal-augusti.xlsx.")).to_be_visible()
    _ok(page)

    held = {
        p.first_name: p
        for p in Participation.objects.filter(project=project).select_related(
            "person", "organisation"
        )
    }
    assert sorted(held) == sorted(PEOPLE[n][0] for n in range(1, 7))
    for n in range(1, 7):
        p = held[PEOPLE[n][0]]
        assert p.person.personnummer == participant_test_pnr(n)  # every way it was written
        assert p.last_name == PEOPLE[n][1]  # mapped from Släktnamn
        assert p.workplace == "Skolan"  # mapped from Avdelning
        assert p.organisation.organisationsnummer == WESTUM[n][0]
        assert p.organisation.name == WESTUM[n][1]
        assert p.start_date == dt.date(2020, 9, 1)  # the chosen value
        assert p.isced == Participation.Isced.UNKNOWN  # blank, nothing chosen
        assert p.end_date is None
    assert held["Anna"].role_group == Participation.RoleGroup.MANAGER  # the file's own value
    assert {held[PEOPLE[n][0]].role_group for n in range(2, 7)} == {
        Participation.RoleGroup.ADMIN_STAFF
    }

    # 5. September's file: Anna and Bo changed workplace, Gun, Hans and Ines new, Filip gone.
    september = [
        _row(1, workplace="Ekonomi"),
        _row(2, workplace="Kansliet"),
        _row(3),
        _row(4),
        _row(5),
        _row(7),
        _row(8),
        _row(9),
    ]
    _upload(page, base, project, _xlsx(tmp_path, "personal-september.xlsx", september))
    expect(page.get_by_role("heading", name="Granska import")).to_be_visible()
    # The columns are read as mapped last month, without asking; values for empty cells are
    # chosen per file, so the start date (for the new people only) is chosen again.
    expect(page.get_by_text("Kolumnen ”Startdatum” saknas").first).to_be_visible()
    expect(page.get_by_text("Kolumnen ”Efternamn” saknas")).to_have_count(0)
    _ok(page)
    page.get_by_label("Startdatum för rader utan startdatum").fill("2020-10-01")
    page.get_by_role("button", name="Använd valen och kontrollera igen").click()
    expect(page.get_by_text("Inga fel hittades. 8 deltagare kan importeras.")).to_be_visible()
    expect(page.get_by_text("3 nya deltagare läggs till")).to_be_visible()
    expect(page.get_by_text("2 deltagare får ändrade uppgifter")).to_be_visible()
    expect(page.get_by_text("3 deltagare finns redan och är oförändrade")).to_be_visible()
    expect(page.get_by_text("1 deltagare i projektet saknas i filen").first).to_be_visible()
    expect(page.get_by_text("Arbetsplats: Skolan → Ekonomi")).to_be_visible()
    expect(page.get_by_text("Arbetsplats: Skolan → Kansliet")).to_be_visible()
    expect(page.get_by_text("Filip Fors (", exact=False)).to_be_visible()
    _ok(page)
    # Filip is ended on a chosen date, as having left the employer (the preselected reason).
    page.get_by_label("Avsluta deltagandet för dem som saknas i filen").check()
    page.get_by_label("Slutdatum").fill("2020-09-30")
    expect(page.get_by_label("Anledning")).to_have_value(Participation.EndReason.LEFT_EMPLOYER)
    page.get_by_role("button", name="Importera 8 deltagare").click()
    expect(page.get_by_text("2 fick ändrade uppgifter och 1 avslutades")).to_be_visible()
    _ok(page)

    held = {
        p.first_name: p
        for p in Participation.objects.filter(project=project).select_related("person")
    }
    assert len(held) == 9
    assert (held["Anna"].workplace, held["Bo"].workplace) == ("Ekonomi", "Kansliet")
    assert held["Anna"].start_date == dt.date(2020, 9, 1)  # the first start stays
    assert held["Cecilia"].workplace == "Skolan"
    # An empty cell keeps what the project holds.
    assert held["Anna"].role_group == Participation.RoleGroup.MANAGER
    assert held["Bo"].role_group == Participation.RoleGroup.ADMIN_STAFF
    assert (held["Filip"].end_date, held["Filip"].end_reason) == (
        dt.date(2020, 9, 30),
        Participation.EndReason.LEFT_EMPLOYER,
    )
    for first in ("Anna", "Bo", "Cecilia", "David", "Eva", "Gun", "Hans", "Ines"):
        assert held[first].end_date is None
    for n in (7, 8, 9):
        new = held[PEOPLE[n][0]]
        assert new.person.personnummer == participant_test_pnr(n)
        assert new.workplace == "Skolan"
        assert new.start_date == dt.date(2020, 10, 1)
        # No role group chosen for this file: blank is unknown, never guessed.
        assert new.role_group == Participation.RoleGroup.UNKNOWN
        assert new.isced == Participation.Isced.UNKNOWN
