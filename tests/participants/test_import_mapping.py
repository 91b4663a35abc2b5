"""The file's own headers mapped to fields once and remembered for the project, suggested
from their Swedish and English names; employers matched by number, name or a name the
project taught (an alias); values for empty cells counted; unknown counted as unknown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from digiproj.projects.permissions import project_access
from participants import importing
from participants.models import ImportHeaderMapping, OrganisationAlias, Participation
from reporting import selectors as report_selectors
from reporting.selectors import Period
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)
from tests.participants.test_import import upload
from tests.participants.test_import_updates import workbook

pytestmark = pytest.mark.django_db

OWN_HEADERS = ["Anst.nr", "Pnr (ÅÅÅÅMMDD-NNNN)", "Tilltalsnamn", "Släktnamn", "Enhet",
               "Befattning", "Anställd från"]  # fmt: skip


@pytest.fixture
def world():
    project = ProjectFactory()
    alingsas = ProjectOrganisationFactory(
        project=project, organisation__name="Alingsås kommun"
    ).organisation
    coordinator = MembershipFactory(project=project).user
    return {"project": project, "org": alingsas, "coordinator": coordinator}


def own_rows(n=2):
    return [
        [f"A{i}", participant_test_pnr(i), "Kim", f"Lund{i}", "Skolan", "Lärare", "2025-02-01"]
        for i in range(n)
    ]


def test_suggestions_come_from_swedish_and_english_names():
    headers = ["Förnamn", "Surname", "Personnr", "Arbetsplats", "Befattning", "E-mail", "Mobil"]
    assert importing.suggest_mapping(headers, {}) == {
        "förnamn": "first_name",
        "surname": "last_name",
        "personnr": "personnummer",
        "arbetsplats": "workplace",
        "befattning": "",  # a job title is no field: listed as not imported
        "e-mail": "email",
        "mobil": "phone",
    }
    assert importing.unrecognised_headers(headers) == ["Befattning"]


def test_what_the_project_chose_wins_and_a_field_is_taken_once():
    remembered = {"släktnamn": "last_name", "efternamn": ""}
    assert importing.suggest_mapping(["Släktnamn", "Efternamn", "Förnamn"], remembered) == {
        "släktnamn": "last_name",
        "efternamn": "",
        "förnamn": "first_name",
    }
    assert importing.suggest_mapping(["Förnamn", "First name"], {}) == {
        "förnamn": "first_name",
        "first name": "",
    }


def _map(client, world, pending, chosen):
    form = {f"h{OWN_HEADERS.index(h)}": key for h, key in chosen.items()}
    url = reverse("participants:import_mapping", args=[world["project"].pk, pending.pk])
    return client.post(url, form, follow=True)


def test_mapping_once_is_remembered_for_the_next_file(client, world):
    client.force_login(world["coordinator"])
    page = upload(client, world["project"], workbook(own_rows(), OWN_HEADERS))
    pending = page.context["upload"]
    assert {e["code"] for e in pending.errors} == {"missing_column"}
    assert 'name="h1"' in page.content.decode()  # the mapping form, one choice per header
    page = _map(
        client,
        world,
        pending,
        {
            "Pnr (ÅÅÅÅMMDD-NNNN)": "personnummer",
            "Tilltalsnamn": "first_name",
            "Släktnamn": "last_name",
            "Enhet": "workplace",
            "Anställd från": "start_date",
        },
    )
    # No employer column: a contact-free coordinator's file names one for all rows.
    assert [e["column"] for e in page.context["upload"].errors] == ["Arbetsgivare"]
    defaults = reverse("participants:import_defaults", args=[world["project"].pk, pending.pk])
    page = client.post(defaults, {"organisation": world["org"].pk}, follow=True)
    assert page.context["upload"].errors == []
    html = page.content.decode()
    assert "2 rader får Arbetsgivare: Alingsås kommun" in html
    assert "Anst.nr, Befattning" in html  # the columns not imported, listed
    assert dict(
        ImportHeaderMapping.objects.filter(project=world["project"]).values_list("header", "column")
    ) == {
        "anst.nr": "",
        "pnr (ååååmmdd-nnnn)": "personnummer",
        "tilltalsnamn": "first_name",
        "släktnamn": "last_name",
        "enhet": "workplace",
        "befattning": "",
        "anställd från": "start_date",
    }
    # Next month: the same headers are read the same way without asking.
    again = upload(client, world["project"], workbook(own_rows(3), OWN_HEADERS))
    assert [e["column"] for e in again.context["upload"].errors] == ["Arbetsgivare"]
    assert again.context["upload"].mapping["släktnamn"] == "last_name"


def test_one_field_for_two_columns_is_refused(client, world):
    client.force_login(world["coordinator"])
    pending = upload(client, world["project"], workbook(own_rows(), OWN_HEADERS)).context["upload"]
    page = _map(client, world, pending, {"Tilltalsnamn": "first_name", "Släktnamn": "first_name"})
    assert "Varje fält kan bara väljas för en kolumn" in page.content.decode()
    assert not ImportHeaderMapping.objects.exists()


def test_another_projects_mapping_is_not_used(client, world):
    other = ProjectFactory()
    ImportHeaderMapping.objects.create(project=other, header="släktnamn", column="last_name")
    assert importing.suggest_mapping(["Släktnamn"], {})["släktnamn"] == ""
    from participants import services

    assert services.import_mapping_suggest(project=world["project"], headers=["Släktnamn"]) == {
        "släktnamn": ""
    }


HEADERS = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"]


def test_an_employer_name_taught_once_matches_from_then_on(client, world):
    client.force_login(world["coordinator"])
    rows = [[participant_test_pnr(1), "Kim", "Lund", "Lärcentrum Alingsås", "2025-02-01"]]
    page = upload(client, world["project"], workbook(rows, HEADERS))
    pending = page.context["upload"]
    assert [e["code"] for e in pending.errors] == ["unknown_employer"]
    assert [f.initial["name"] for f in page.context["alias_forms"]] == ["Lärcentrum Alingsås"]
    url = reverse("participants:import_alias", args=[world["project"].pk, pending.pk])
    page = client.post(
        url,
        {"prefix": "a0", "a0-name": "Lärcentrum Alingsås", "a0-organisation": world["org"].pk},
        follow=True,
    )
    assert page.context["upload"].errors == []
    assert page.context["preview"][0]["organisation"] == "Alingsås kommun"  # the matched name
    assert "Alingsås kommun" in page.content.decode()
    alias = OrganisationAlias.objects.get()
    assert (alias.project, alias.organisation, alias.key) == (
        world["project"],
        world["org"],
        "lärcentrum alingsås",
    )
    # Another spelling of case and spaces matches too; another project does not know it.
    rows[0][3] = "LÄRCENTRUM  alingsås"
    result = importing.check_rows(
        project=world["project"], table=importing.Table(headers=HEADERS, rows=[[2, *rows[0]]])
    )
    assert result.errors == []
    assert result.valid[0]["organisation_id"] == world["org"].pk
    other = ProjectFactory()
    ProjectOrganisationFactory(project=other, organisation=world["org"])
    result = importing.check_rows(
        project=other, table=importing.Table(headers=HEADERS, rows=[[2, *rows[0]]])
    )
    assert [e["code"] for e in result.errors] == ["unknown_employer"]


def test_an_alias_to_an_organisation_outside_the_project_is_refused(client, world):
    from participants import services

    pending = upload_pending(client, world)
    outsider = ProjectOrganisationFactory().organisation
    with pytest.raises(Exception, match="deltar inte i projektet"):
        services.organisation_alias_add(upload=pending, name="X", organisation=outsider)
    assert not OrganisationAlias.objects.exists()


def upload_pending(client, world):
    client.force_login(world["coordinator"])
    rows = [[participant_test_pnr(1), "Kim", "Lund", "X", "2025-02-01"]]
    return upload(client, world["project"], workbook(rows, HEADERS)).context["upload"]


def test_a_default_fills_only_what_an_existing_person_lacks_and_is_counted(world):
    org = world["org"]

    def held(n, role):
        return ParticipationFactory(
            project=world["project"],
            organisation=org,
            person=PersonFactory(personnummer=participant_test_pnr(n)),
            first_name="Kim",
            last_name=f"Lund{n}",
            role_group=role,
        )

    known, unknown = held(1, "manager"), held(2, "unknown")
    headers = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"]
    rows = [[i + 2, participant_test_pnr(n), "Kim", f"Lund{n}", org.name, "2025-01-01"]
            for i, n in enumerate((1, 2, 3))]  # fmt: skip
    result = importing.check_rows(
        project=world["project"],
        table=importing.Table(headers=headers, rows=rows),
        defaults={"role_group": "support"},
    )
    assert result.errors == []
    # The new person and the one whose group was unknown get it; the manager stays.
    assert [(u.participation_id, u.changes) for u in result.plan.updates] == [
        (unknown.pk, [("role_group", "unknown", "support")])
    ]
    assert result.plan.unchanged == 1
    assert known.pk not in [u.participation_id for u in result.plan.updates]
    assert result.plan.blanks["role_group"] == 2
    assert result.plan.new[0]["role_group"] == "support"
    assert result.plan.blanks["isced"] == 1  # only the new person gets Okänd


def test_unknown_is_its_own_bucket_in_the_indicators(client, world):
    client.force_login(world["coordinator"])
    rows = [[participant_test_pnr(n), "Kim", f"Lund{n}", world["org"].name, "2025-02-01"]
            for n in (1, 2)]  # fmt: skip
    pending = upload(client, world["project"], workbook(rows, HEADERS)).context["upload"]
    client.post(reverse("participants:import_confirm", args=[world["project"].pk, pending.pk]))
    assert set(Participation.objects.values_list("isced", "role_group")) == {("unknown", "unknown")}
    access = project_access(world["coordinator"], world["project"])
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    for dimension in ("isced", "role_group"):
        rows = report_selectors.indicator_breakdown(
            access=access, period=period, dimension=dimension
        )
        assert [(r["key"], r["started_total"]) for r in rows] == [("unknown", 2)]


def test_a_number_two_units_share_names_neither_until_taught(client, world):
    """Komvux and Lärcentrum of one kommun share its organisationsnummer: a row with only the
    number is refused naming both units (never silently the last one read); the unit's name
    matches; once the number is taught as meaning Komvux, it does; a contact of Lärcentrum
    imports by the number into her own unit."""
    number = world["org"].organisationsnummer
    komvux = ProjectOrganisationFactory(
        project=world["project"], organisation__name="Komvux Alingsås",
        organisation__organisationsnummer=number,
    ).organisation  # fmt: skip
    rows = [
        [participant_test_pnr(1), "Kim", "Lund", number, "2025-02-01"],
        [participant_test_pnr(2), "Ola", "Berg", "Komvux Alingsås", "2025-02-01"],
    ]

    def check(access_org=None):
        table = importing.Table(headers=HEADERS, rows=[[i + 2, *r] for i, r in enumerate(rows)])
        return importing.check_rows(project=world["project"], table=table, organisation=access_org)

    result = check()
    assert [(e["row"], e["code"]) for e in result.errors] == [(2, "ambiguous_employer")]
    message = importing.error_text(result.errors[0])
    assert "gäller flera enheter i projektet (Alingsås kommun, Komvux Alingsås)" in message
    assert [r["organisation_id"] for r in result.valid] == [komvux.pk]
    as_contact = check(access_org=world["org"])  # her unit: the number is hers
    assert [r["organisation_id"] for r in as_contact.valid] == [world["org"].pk]
    assert [e["row"] for e in as_contact.errors] == [3]  # Komvux is not hers
    assert "Du kan bara importera deltagare till" in importing.error_text(as_contact.errors[0])

    client.force_login(world["coordinator"])
    page = upload(client, world["project"], workbook(rows, HEADERS))
    pending = page.context["upload"]
    assert [f.initial["name"] for f in page.context["alias_forms"]] == [number]
    client.post(
        reverse("participants:import_alias", args=[world["project"].pk, pending.pk]),
        {"prefix": "a0", "a0-name": number, "a0-organisation": komvux.pk},
    )
    result = check()
    assert result.errors == []
    assert [r["organisation_id"] for r in result.valid] == [komvux.pk, komvux.pk]
