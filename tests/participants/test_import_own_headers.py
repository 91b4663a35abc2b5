"""An HR department's own file: its headers (Swedish or English), personnummer as Excel
numbers with the leading 0 lost, blank cells stored as unknown and counted in the preview,
columns nobody knows listed, and nothing half-written when a row is bad."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from participants import personnummer as pnr
from participants.importing import blank_counts, unrecognised_headers
from participants.models import ParticipantImport, Participation, Person
from tests.factories import MembershipFactory, ProjectFactory, ProjectOrganisationFactory
from tests.participants.test_import import upload

pytestmark = pytest.mark.django_db

HR_HEADERS = [
    "Personnr",
    "Förnamn",
    "Efternamn",
    "Förvaltning",
    "Arbetsplats",
    "Befattning",
    "Anställd från",
    "Utbildningsnivå",
    "Mail",
]
# A man born in 2005 (10 digits start with 0: Excel keeps 9) and a woman born 1980.
NOUGHT = pnr.test_number(dt.date(2005, 6, 26), 3, gender=pnr.Gender.MAN)
LEAP = pnr.test_number(dt.date(1980, 2, 29), 0, gender=pnr.Gender.WOMAN)


@pytest.fixture
def project_setup():
    project = ProjectFactory()
    org = ProjectOrganisationFactory(project=project, organisation__name="Umeå kommun")
    coordinator = MembershipFactory(project=project).user
    return project, org.organisation, coordinator


def hr_file(rows, headers=HR_HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Personal"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def hr_rows(org):
    return [
        # numeric cells: 9 digits (leading 0 lost) and 12 digits
        [int(NOUGHT[2:]), "Erik", "Ek", "Umeå kommun", "Ålidhem", "Undersköterska",
         dt.date(2024, 3, 1), "", "erik@example.se"],
        [int(LEAP), "Anna", "Al", org.organisationsnummer, "", "Enhetschef",
         dt.date(2024, 4, 1), "Högskola (ISCED 5–8)", ""],
    ]  # fmt: skip


def test_the_file_is_written_and_read_back_with_numeric_personnummer_cells(project_setup):
    _project, org, _coordinator = project_setup
    data = hr_file(hr_rows(org))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Personal"]
    assert sheet["A2"].value == int(NOUGHT[2:])
    assert sheet["A2"].data_type == "n"


def test_own_headers_import_with_blanks_stored_as_unknown(client, project_setup):
    project, org, coordinator = project_setup
    client.force_login(coordinator)
    response = upload(client, project, hr_file(hr_rows(org)))
    page = response.content.decode()
    assert "Inga fel hittades" in page, page
    # What the blanks get is said before anything is saved, and what is not imported.
    assert "2 rader får Yrkesgrupp: Okänd" in page
    assert "1 rad får Utbildningsnivå: Okänd" in page
    assert "Befattning" in page
    assert "Kolumner som inte importeras" in page
    pending = ParticipantImport.objects.get()
    response = client.post(
        reverse("participants:import_confirm", args=[project.pk, pending.pk]), follow=True
    )
    assert response.status_code == 200
    by_name = {p.first_name: p for p in Participation.objects.select_related("person")}
    assert by_name["Erik"].person.personnummer == NOUGHT
    assert by_name["Erik"].person.birth_date == dt.date(2005, 6, 26)
    assert by_name["Anna"].person.personnummer == LEAP
    assert {p.role_group for p in by_name.values()} == {Participation.RoleGroup.UNKNOWN}
    assert by_name["Erik"].isced == Participation.Isced.UNKNOWN
    assert by_name["Anna"].isced == Participation.Isced.ISCED_5_8
    assert by_name["Erik"].workplace == "Ålidhem"
    assert by_name["Erik"].start_date == dt.date(2024, 3, 1)
    assert by_name["Erik"].email == "erik@example.se"


def test_english_headers_are_known_too():
    headers = ["Personal identity number", "First name", "Surname", "Employer", "Start date",
               "Job title", "Workplace", "Email", "Mobile", "Education level"]  # fmt: skip
    assert unrecognised_headers(headers) == ["Job title"]


def test_blank_counts_say_what_each_empty_cell_gets():
    headers = ["Personnummer", "Yrkesgrupp", "Utbildningsnivå"]
    rows = [[2, "x", "Chef/ledning", ""], [3, "y", "", ""], [4, "z", "", "ISCED 3-4"]]
    counts = {c["column"]: (c["rows"], c["value"]) for c in blank_counts(headers, rows)}
    assert counts["Yrkesgrupp"] == (2, "Okänd")
    assert counts["Utbildningsnivå"] == (2, "Okänd")
    assert counts["Sysselsättning"] == (3, "Anställd")  # column left out: every row


@pytest.mark.parametrize(
    "bad_cell",
    [
        int(NOUGHT[2:]) + 1,  # check digit
        "19800230 9800",  # date
        "1,99800E+11",  # Excel's rounding
        "abc",
    ],
)
def test_one_bad_personnummer_half_writes_nothing(client, project_setup, bad_cell):
    project, org, coordinator = project_setup
    rows = hr_rows(org)
    rows.append([bad_cell, "Bo", "Berg", "Umeå kommun", "", "", dt.date(2024, 3, 1), "", ""])
    client.force_login(coordinator)
    page = upload(client, project, hr_file(rows)).content.decode()
    assert "1 rad behöver rättas" in page
    if not isinstance(bad_cell, int):
        assert "kontrollsiffra" not in page
    pending = ParticipantImport.objects.get()
    client.post(reverse("participants:import_confirm", args=[project.pk, pending.pk]))
    assert Person.objects.count() == 0
    assert Participation.objects.count() == 0


def test_defaults_chosen_in_the_preview_fill_empty_cells_and_are_counted(client, project_setup):
    project, org, coordinator = project_setup
    headers = ["Personnr", "Förnamn", "Efternamn", "Utbildningsnivå"]  # no employer, no start
    rows = [
        [int(NOUGHT[2:]), "Erik", "Ek", ""],
        [int(LEAP), "Anna", "Al", "ISCED 5-8"],
    ]
    client.force_login(coordinator)
    page = upload(client, project, hr_file(rows, headers)).content.decode()
    assert "Kolumnen ”Arbetsgivare” saknas" in page
    pending = ParticipantImport.objects.get()
    url = reverse("participants:import_defaults", args=[project.pk, pending.pk])
    page = client.post(
        url,
        {
            "organisation": org.pk,
            "start_date": "2024-05-01",
            "role_group": "manager",
            "isced": "3-4",
        },
        follow=True,
    ).content.decode()
    assert "Inga fel hittades" in page, page
    assert "2 rader får Yrkesgrupp: Chef/ledning" in page
    assert "1 rad får Utbildningsnivå: Gymnasial/eftergymnasial (ISCED 3–4)" in page
    assert "2 rader får Startdatum: 2024-05-01" in page
    assert "2 rader får Arbetsgivare: Umeå kommun" in page
    client.post(reverse("participants:import_confirm", args=[project.pk, pending.pk]))
    by_name = {p.first_name: p for p in Participation.objects.all()}
    assert by_name["Erik"].isced == "3-4"
    assert by_name["Anna"].isced == "5-8"  # the file's own value wins
    assert {p.role_group for p in by_name.values()} == {"manager"}
    assert {p.organisation_id for p in by_name.values()} == {org.pk}
    assert {p.start_date for p in by_name.values()} == {dt.date(2024, 5, 1)}


def test_a_default_of_another_project_is_refused_and_nothing_is_written(client, project_setup):
    project, _org, coordinator = project_setup
    other = ProjectOrganisationFactory().organisation
    client.force_login(coordinator)
    upload(client, project, hr_file([[int(LEAP), "Anna", "Al", ""]], ["Personnr", "Förnamn",
                                    "Efternamn", "Startdatum"]))  # fmt: skip
    pending = ParticipantImport.objects.get()
    url = reverse("participants:import_defaults", args=[project.pk, pending.pk])
    client.post(url, {"organisation": other.pk})
    pending.refresh_from_db()
    assert pending.defaults == {}
    client.post(reverse("participants:import_confirm", args=[project.pk, pending.pk]))
    assert Participation.objects.count() == 0
    assert Person.objects.count() == 0


# --- #14 item 2: the nearest manager, kept for the monthly certificates ----------------------


@pytest.mark.parametrize(
    ("name_header", "email_header"),
    [
        ("Närmaste chef", "Chefens e-post"),
        ("Chef", "Närmaste chefs e-post"),
        ("Manager", "Manager email"),
    ],
)
def test_the_nearest_manager_columns_are_imported(client, project_setup, name_header, email_header):
    project, org, coordinator = project_setup
    headers = ["Personnr", "Förnamn", "Efternamn", "Förvaltning", "Anställd från",
               name_header, email_header]  # fmt: skip
    rows = [
        [int(LEAP), "Anna", "Al", org.name, dt.date(2024, 4, 1), " Cecilia Chef ",
         "Cecilia.Chef@Example.SE"],
        [int(NOUGHT[2:]), "Erik", "Ek", org.name, dt.date(2024, 3, 1), "", ""],
    ]  # fmt: skip
    assert unrecognised_headers(headers) == []
    client.force_login(coordinator)
    page = upload(client, project, hr_file(rows, headers)).content.decode()
    assert "Inga fel hittades" in page, page
    pending = ParticipantImport.objects.get()
    client.post(reverse("participants:import_confirm", args=[project.pk, pending.pk]))
    by_name = {p.first_name: p for p in Participation.objects.all()}
    assert (by_name["Anna"].manager_name, by_name["Anna"].manager_email) == (
        "Cecilia Chef",
        "cecilia.chef@example.se",
    )
    assert (by_name["Erik"].manager_name, by_name["Erik"].manager_email) == ("", "")


def test_a_manager_address_that_is_none_is_said_for_its_row(client, project_setup):
    project, org, coordinator = project_setup
    headers = ["Personnr", "Förnamn", "Efternamn", "Förvaltning", "Anställd från",
               "Chefens e-post"]  # fmt: skip
    rows = [[int(LEAP), "Anna", "Al", org.name, dt.date(2024, 4, 1), "chef på skolan"]]
    client.force_login(coordinator)
    page = upload(client, project, hr_file(rows, headers)).content.decode()
    assert "1 rad behöver rättas" in page
    assert "”chef på skolan” är ingen giltig e-postadress." in page
