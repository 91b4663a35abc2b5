"""check_rows, column by column: what each column accepts, what it stores and what it says.

These pin the behaviour the column registry (participants/importing/columns.py) must keep:
every message, and the order of a row's problems (what is missing first, then each column
in the template's order)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from participants.importing import Table, check_rows, template_workbook
from participants.models import Participation
from tests.factories import (
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db

ALL_HEADERS = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Arbetsgivare",
    "E-post",
    "Telefon",
    "Arbetsplats",
    "Yrkesgrupp",
    "Utbildningsnivå",
    "Sysselsättning",
    "Årlig lönekostnad",
    "Startdatum",
    "Information lämnad",
    "Närmaste chef",
    "Chefens e-post",
]


@pytest.fixture
def project_with_orgs():
    project = ProjectFactory()
    umea = ProjectOrganisationFactory(
        project=project,
        organisation__name="Umeå kommun",
        organisation__organisationsnummer="212000-2627",
    ).organisation
    pitea = ProjectOrganisationFactory(
        project=project, organisation__name="Piteå kommun"
    ).organisation
    return project, umea, pitea


def table(rows, headers=ALL_HEADERS):
    return Table(headers=list(headers), rows=[[n, *r] for n, r in enumerate(rows, start=2)])


def test_a_full_row_is_stored_with_every_column_parsed(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    number = participant_test_pnr(1)
    row = [
        number[:8] + "-" + number[8:],
        " Anna ",
        "Andersson",
        "16212000-2627",
        "Anna@Example.SE",
        "070-123 45 67",
        "Skolan",
        "stödfunktion",
        "isced 3-4",
        "Arbetslös",
        "540 000,50 kr",
        "20240301",
        "2024-02-01 00:00:00",
        " Chef Chefsson ",
        "Chef@Example.SE",
    ]
    result = check_rows(project=project, table=table([row]))
    assert result.errors == []
    assert result.valid == [
        {
            "row": 2,
            "personnummer": number,
            "first_name": "Anna",
            "last_name": "Andersson",
            "organisation_id": umea.pk,
            "email": "anna@example.se",
            "phone": "070-123 45 67",
            "workplace": "Skolan",
            "role_group": "support",
            "isced": "3-4",
            "employment_status": "unemployed",
            "annual_salary_cost": "540000.50",
            "start_date": "2024-03-01",
            "consent_date": "2024-02-01",
            "manager_name": "Chef Chefsson",
            "manager_email": "chef@example.se",
        }
    ]
    # Every column stores its value, in the template's order.
    assert list(result.valid[0]) == [
        "row",
        "personnummer",
        "first_name",
        "last_name",
        "organisation_id",
        "email",
        "phone",
        "workplace",
        "role_group",
        "isced",
        "employment_status",
        "annual_salary_cost",
        "start_date",
        "consent_date",
        "manager_name",
        "manager_email",
    ]


def test_empty_optional_cells_take_the_defaults(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    row = [participant_test_pnr(2), "Bo", "Berg", "Umeå kommun", *[""] * 7, "2024-03-01", ""]
    result = check_rows(project=project, table=table([row]))
    assert result.errors == []
    record = result.valid[0]
    assert record["organisation_id"] == umea.pk
    assert {
        k: record[k] for k in record if k not in {"row", "personnummer", "organisation_id"}
    } == {
        "first_name": "Bo",
        "last_name": "Berg",
        "email": "",
        "phone": "",
        "workplace": "",
        "role_group": "unknown",  # not guessed (issue #13: blanks became "admin")
        "isced": "unknown",
        "employment_status": "employed",
        "annual_salary_cost": None,
        "start_date": "2024-03-01",
        "consent_date": None,
        "manager_name": "",
        "manager_email": "",
    }


def test_a_row_lists_what_is_missing_first_then_each_column_in_template_order(
    project_with_orgs,
):
    project, _umea, _pitea = project_with_orgs
    good = participant_test_pnr(20)
    wrong_check_digit = good[:8] + "-" + good[8:11] + str((int(good[11]) + 1) % 10)
    row = [
        wrong_check_digit,
        "",
        "E" * 101,
        "",
        "inte en adress",
        "1" * 40,
        "A" * 300,
        "kock",
        "9",
        "pensionär",
        "-5",
        "",
        "1 februari",
    ]
    result = check_rows(project=project, table=table([row]))
    assert result.valid == []
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (2, "Förnamn", "Uppgiften saknas. Fyll i Förnamn."),
        (2, "Startdatum", "Uppgiften saknas. Fyll i Startdatum."),
        (
            2,
            "Personnummer",
            f"Personnumret {wrong_check_digit} har fel kontrollsiffra. Kontrollera den sista "
            "siffran.",
        ),
        (2, "Efternamn", "Högst 100 tecken."),
        (2, "Arbetsgivare", "Uppgiften saknas. Fyll i arbetsgivarens organisationsnummer."),
        (2, "E-post", "”inte en adress” är ingen giltig e-postadress."),
        (
            2,
            "Yrkesgrupp",
            "”kock” är inget giltigt värde. Skriv något av: "
            + ", ".join(str(label) for _v, label in Participation.RoleGroup.choices)
            + ".",
        ),
        (
            2,
            "Utbildningsnivå",
            "”9” är inget giltigt värde. Skriv något av: "
            + ", ".join(str(label) for _v, label in Participation.Isced.choices)
            + ".",
        ),
        (
            2,
            "Sysselsättning",
            "”pensionär” är inget giltigt värde. Skriv något av: "
            + ", ".join(str(label) for _v, label in Participation.EmploymentStatus.choices)
            + ".",
        ),
        (
            2,
            "Årlig lönekostnad",
            "Skriv lönekostnaden som ett belopp i kronor, till exempel 540000.",
        ),
        (
            2,
            "Information lämnad",
            "”1 februari” är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD.",
        ),
    ]


def test_a_missing_personnummer_is_said_once(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    row = ["", "Anna", "A", umea.name, "", "", "", "", "", "", "", "2024-03-01", ""]
    result = check_rows(project=project, table=table([row]))
    assert [(e["column"], e["message"]) for e in result.errors] == [
        ("Personnummer", "Uppgiften saknas. Fyll i Personnummer.")
    ]


def test_phone_and_workplace_are_cut_to_their_length(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    row = [participant_test_pnr(3), "A", "B", umea.name, "", "7" * 40, "W" * 250]
    result = check_rows(project=project, table=table([[*row, "", "", "", "", "2024-03-01", ""]]))
    assert result.errors == []
    assert result.valid[0]["phone"] == "7" * 30
    assert result.valid[0]["workplace"] == "W" * 200


@pytest.mark.parametrize(
    ("salary", "stored"),
    [
        ("540000", "540000.00"),
        ("0", "0.00"),
        ("99999999,99", "99999999.99"),
        ("1 000 kr", "1000.00"),
    ],
)
def test_salary_is_stored_in_kronor_with_oren(project_with_orgs, salary, stored):
    project, umea, _pitea = project_with_orgs
    row = [participant_test_pnr(4), "A", "B", umea.name, *[""] * 6, salary, "2024-03-01", ""]
    result = check_rows(project=project, table=table([row]))
    assert result.errors == []
    assert result.valid[0]["annual_salary_cost"] == stored


@pytest.mark.parametrize("salary", ["100000000", "NaN", "Infinity", "fem", "-1"])
def test_salary_out_of_range_or_not_a_number_is_refused(project_with_orgs, salary):
    project, umea, _pitea = project_with_orgs
    row = [participant_test_pnr(5), "A", "B", umea.name, *[""] * 6, salary, "2024-03-01", ""]
    result = check_rows(project=project, table=table([row]))
    assert [e["column"] for e in result.errors] == ["Årlig lönekostnad"]


def test_an_unknown_employer_names_the_value(project_with_orgs):
    project, _umea, _pitea = project_with_orgs
    OrganisationFactory(name="Luleå kommun")  # exists, but not in the project
    row = [participant_test_pnr(6), "A", "B", "Luleå kommun", *[""] * 7, "2024-03-01", ""]
    result = check_rows(project=project, table=table([row]))
    assert [e["message"] for e in result.errors] == [
        "Arbetsgivaren ”Luleå kommun” deltar inte i projektet. Skriv organisationsnumret för "
        "en av projektets organisationer, eller koppla namnet till en av dem nedan."
    ]


def test_a_contact_imports_only_into_their_organisation_and_may_leave_it_out(project_with_orgs):
    project, umea, pitea = project_with_orgs
    headers = ["Personnummer", "Förnamn", "Efternamn", "Startdatum"]
    rows = [[participant_test_pnr(7), "A", "B", "2024-03-01"]]
    result = check_rows(project=project, table=table(rows, headers), organisation=umea)
    assert result.errors == []
    assert result.valid[0]["organisation_id"] == umea.pk

    rows = [
        [participant_test_pnr(8), "A", "B", "", "2024-03-01"],
        [participant_test_pnr(9), "A", "B", "212000-2627", "2024-03-01"],
        [participant_test_pnr(10), "A", "B", pitea.name, "2024-03-01"],
        [participant_test_pnr(11), "A", "B", "Okänd", "2024-03-01"],
    ]
    headers = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"]
    result = check_rows(project=project, table=table(rows, headers), organisation=umea)
    assert [r["organisation_id"] for r in result.valid] == [umea.pk, umea.pk]
    message = (
        "Du kan bara importera deltagare till Umeå kommun. Ta bort raden eller lämna "
        "arbetsgivaren tom."
    )
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (4, "Arbetsgivare", message),
        (5, "Arbetsgivare", message),
    ]


def test_missing_required_headers_are_named_and_nothing_else_is_checked(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    headers = ["pnr", "Förnamn", "E-post"]
    result = check_rows(project=project, table=table([["x", "=1", "y"]], headers))
    assert result.valid == []
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (1, h, f"Kolumnen ”{h}” saknas i rubrikraden. Använd mallens rubriker.")
        for h in ("Efternamn", "Arbetsgivare", "Startdatum")
    ]
    # A contact's file may leave out the employer column.
    result = check_rows(project=project, table=table([], headers), organisation=umea)
    assert [e["column"] for e in result.errors] == ["Efternamn", "Startdatum"]


def test_headers_are_found_by_alias_key_and_case_and_the_first_one_counts(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    headers = ["PNR", "förnamn*", "EFTERNAMN", "orgnr", "start", "Förnamn", "mejl"]
    rows = [
        [
            participant_test_pnr(12),
            "Första",
            "B",
            umea.organisationsnummer,
            "2024-03-01",
            "Andra",
            "a@b.se",
        ]
    ]
    result = check_rows(project=project, table=table(rows, headers))
    assert result.errors == []
    assert result.valid[0]["first_name"] == "Första"
    assert result.valid[0]["email"] == "a@b.se"


def test_a_formula_cell_is_the_rows_only_problem(project_with_orgs):
    project, _umea, _pitea = project_with_orgs
    row = ["=A1", "", "+B", "", "@x", *[""] * 6, "-A", ""]
    result = check_rows(project=project, table=table([row]))
    message = (
        "Cellen börjar med ”{}” och läses då som en formel. Formler tas inte emot vid import: "
        "skriv in själva värdet utan = + - eller @ först."
    )
    assert [(e["column"], e["message"]) for e in result.errors] == [
        ("Personnummer", message.format("=")),
        ("Efternamn", message.format("+")),
        ("E-post", message.format("@")),
        ("Startdatum", message.format("-")),
    ]


def test_a_person_twice_in_the_file_is_refused_and_one_in_the_project_is_updated(
    project_with_orgs,
):
    project, umea, _pitea = project_with_orgs
    known = ParticipationFactory(project=project, organisation=umea)
    again = participant_test_pnr(13)
    rows = [
        [again, "A", "B", umea.name, *[""] * 7, "", ""],  # missing start date, still counted
        [again, "A", "B", umea.name, *[""] * 7, "2024-03-01", ""],
        [known.person.personnummer, "K", "L", umea.name, *[""] * 7, "2024-03-01", ""],
        ["=formel", "A", "B", umea.name, *[""] * 7, "2024-03-01", ""],
    ]
    result = check_rows(project=project, table=table(rows))
    # A monthly HR file names people already in the project: they are updated, not refused.
    assert [r["row"] for r in result.valid] == [4]
    assert result.plan.new == []
    [update] = result.plan.updates
    assert update.participation_id == known.pk
    assert update.changes == [
        ("first_name", known.first_name, "K"),
        ("last_name", known.last_name, "L"),
    ]
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (2, "Startdatum", "Uppgiften saknas. Fyll i Startdatum."),
        (3, "Personnummer", "Personen finns redan på rad 2 i filen. Ta bort den ena raden."),
        (
            5,
            "Personnummer",
            "Cellen börjar med ”=” och läses då som en formel. Formler tas inte emot vid "
            "import: skriv in själva värdet utan = + - eller @ först.",
        ),
    ]


def test_short_rows_read_as_empty_cells(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    headers = [*ALL_HEADERS]
    rows = [[participant_test_pnr(14), "A", "B", umea.name]]
    result = check_rows(project=project, table=table(rows, headers))
    assert [(e["column"], e["message"]) for e in result.errors] == [
        ("Startdatum", "Uppgiften saknas. Fyll i Startdatum.")
    ]


def test_template_instructions_give_each_columns_rule(project_with_orgs):
    project, umea, _pitea = project_with_orgs
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(project, [umea])))
    rows = [tuple(c.value for c in row) for row in workbook["Instruktioner"].iter_rows()]
    start = rows.index(("Kolumn", "Obligatorisk", "Så skriver du"))
    assert rows[start + 1 : start + 16] == [
        (
            "Personnummer",
            "Ja",
            "12 siffror, ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra.",
        ),
        ("Förnamn", "Ja", None),
        ("Efternamn", "Ja", None),
        (
            "Arbetsgivare",
            "Ja",
            "Organisationsnummer (NNNNNN-NNNN) eller namn, som i listan nedan.",
        ),
        ("E-post", "Nej", None),
        ("Telefon", "Nej", None),
        ("Arbetsplats", "Nej", None),
        (
            "Yrkesgrupp",
            "Nej",
            "Något av: Administrativ personal, Stödfunktion, Chef/ledning, Annan, Okänd.",
        ),
        (
            "Utbildningsnivå",
            "Nej",
            "Något av: Förgymnasial (ISCED 0–2), Gymnasial/eftergymnasial (ISCED 3–4), "
            "Högskola (ISCED 5–8), Okänd.",
        ),
        (
            "Sysselsättning",
            "Nej",
            "Något av: Anställd, Egenföretagare, Arbetslös, Utanför arbetskraften.",
        ),
        (
            "Årlig lönekostnad",
            "Nej",
            "Kronor per år inklusive sociala avgifter, till exempel 540000.",
        ),
        ("Startdatum", "Ja", "ÅÅÅÅ-MM-DD, till exempel 2024-03-01."),
        (
            "Information lämnad",
            "Nej",
            "Datum då personen fick information om behandlingen, ÅÅÅÅ-MM-DD. "
            "Registreras som given på papper.",
        ),
        ("Närmaste chef", "Nej", "Chefen som skriver under närvarorapporterna. Kan lämnas tom."),
        (
            "Chefens e-post",
            "Nej",
            "Dit närvarorapporten skickas för chefens underskrift. Kan lämnas tom.",
        ),
    ]
    assert [c.value for c in workbook["Deltagare"][1]] == ALL_HEADERS
