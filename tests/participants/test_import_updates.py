"""A monthly HR file with people already in the project: they are updated (old -> new shown
first), the new ones added, those missing offered to be ended; or only the valid rows are
imported and the rejected ones come back as a file to fix. Never anything half-written."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from participants import importing
from participants.models import ParticipantImport, Participation, Person
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)
from tests.participants.test_import import upload

pytestmark = pytest.mark.django_db

HEADERS = ["Personnr", "Förnamn", "Efternamn", "Arbetsgivare", "Arbetsplats", "Mail",
           "Utbildningsnivå", "Startdatum"]  # fmt: skip


@pytest.fixture
def hr():
    project = ProjectFactory()
    umea = ProjectOrganisationFactory(project=project, organisation__name="Umeå kommun")
    coordinator = MembershipFactory(project=project).user
    org = umea.organisation

    def held(n, first, last, **extra):
        return ParticipationFactory(
            project=project,
            organisation=org,
            person=PersonFactory(personnummer=participant_test_pnr(n)),
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@example.test",
            workplace="Kansliet",
            start_date=dt.date(2024, 3, 1),
            **extra,
        )

    # In the project before the file: Anna, Bo, Cecilia and David (Eva ended last year).
    people = {
        "anna": held(1, "Anna", "Ahl"),
        "bo": held(2, "Bo", "Berg"),
        "cecilia": held(3, "Cecilia", "Carlsson"),
        "david": held(4, "David", "Dahl"),
        "eva": held(5, "Eva", "Ek", end_date=dt.date(2024, 12, 31), end_reason="completed"),
    }
    return {"project": project, "org": org, "coordinator": coordinator, **people}


def row(n, first, last, org, workplace="Kansliet", email=None, isced="", start="2025-01-01"):
    return [participant_test_pnr(n), first, last, org.organisationsnummer, workplace,
            email or f"{first.lower()}@example.test", isced, start]  # fmt: skip


def monthly_file(hr):
    """Worked out by hand: Anna changes address (1 change), Bo changes workplace and gets an
    education level (2 changes), Cecilia is unchanged, Fia, Gun and Hans are new, David is
    missing (Eva, ended, is not offered again)."""
    org = hr["org"]
    return [
        row(1, "Anna", "Ahl", org, email="anna.ahl@example.test"),
        row(2, "Bo", "Berg", org, workplace="Ekonomi", isced="3-4"),
        row(3, "Cecilia", "Carlsson", org),
        row(6, "Fia", "Fors", org),
        row(7, "Gun", "Grön", org),
        row(8, "Hans", "Holm", org),
    ]


def workbook(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def confirm(client, hr, upload_obj, **data):
    url = reverse("participants:import_confirm", args=[hr["project"].pk, upload_obj.pk])
    return client.post(url, data, follow=True)


def test_the_preview_shows_2_changed_3_new_1_missing(client, hr):
    client.force_login(hr["coordinator"])
    page = upload(client, hr["project"], workbook(monthly_file(hr)))
    pending = page.context["upload"]
    assert pending.errors == []
    plan = page.context["plan"]
    assert (plan["new"], plan["updated"], plan["unchanged"], plan["missing_count"]) == (3, 2, 1, 1)
    by_name = {u["name"]: u["changes"] for u in plan["updates"]}
    assert by_name == {
        "Anna Ahl": [
            {"field": "E-post", "old": "anna@example.test", "new": "anna.ahl@example.test"}
        ],
        "Bo Berg": [
            {"field": "Arbetsplats", "old": "Kansliet", "new": "Ekonomi"},
            {
                "field": "Utbildningsnivå",
                "old": "Okänd",
                "new": str(dict(Participation.Isced.choices)["3-4"]),
            },
        ],
    }
    assert [m["name"] for m in plan["missing"]] == ["David Dahl"]
    html = page.content.decode()
    assert "3 nya deltagare läggs till" in html
    assert "2 deltagare får ändrade uppgifter" in html
    assert "E-post: anna@example.test → anna.ahl@example.test" in html
    assert "1 deltagare i projektet saknas i filen" in html
    assert "David Dahl" in html
    # Nothing is written by the preview, and nobody is ended without asking.
    assert Participation.objects.count() == 5


def test_confirm_updates_adds_and_ends_the_missing_only_when_asked(client, hr):
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(monthly_file(hr))).context["upload"]
    confirm(client, hr, pending)  # without the choice: David stays
    for key in ("anna", "bo", "david", "cecilia"):
        hr[key].refresh_from_db()
    assert hr["anna"].email == "anna.ahl@example.test"
    assert (hr["bo"].workplace, hr["bo"].isced) == ("Ekonomi", "3-4")
    assert hr["bo"].start_date == dt.date(2024, 3, 1)  # the first start stays
    assert hr["david"].end_date is None
    assert Participation.objects.filter(project=hr["project"]).count() == 8
    done = ParticipantImport.objects.get(pk=pending.pk)
    assert (done.imported_count, done.updated_count, done.ended_count) == (3, 2, 0)
    assert done.changes == {}  # personal data gone with the job
    assert done.rows == []
    assert hr["anna"].history.first().history_user == hr["coordinator"]


def test_the_missing_are_ended_on_the_chosen_date(client, hr):
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(monthly_file(hr))).context["upload"]
    response = confirm(
        client, hr, pending, end_missing="on", end_date="2025-01-31", end_reason="left_employer"
    )
    assert "2 fick ändrade uppgifter och 1 avslutades" in response.content.decode()
    hr["david"].refresh_from_db()
    hr["eva"].refresh_from_db()
    assert (hr["david"].end_date, hr["david"].end_reason) == (dt.date(2025, 1, 31), "left_employer")
    assert hr["eva"].end_date == dt.date(2024, 12, 31)  # already ended: untouched


def test_ending_without_a_date_is_refused_and_nothing_is_written(client, hr):
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(monthly_file(hr))).context["upload"]
    response = confirm(client, hr, pending, end_missing="on")
    assert response.status_code == 400
    assert "Välj slutdatum" in response.content.decode()
    assert Participation.objects.count() == 5


def test_an_end_before_a_start_writes_nothing_at_all(client, hr):
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(monthly_file(hr))).context["upload"]
    response = confirm(
        client, hr, pending, end_missing="on", end_date="2024-01-01", end_reason="other"
    )
    assert "David Dahl: Slutdatum kan inte ligga före startdatum" in response.content.decode()
    hr["anna"].refresh_from_db()
    hr["david"].refresh_from_db()
    assert Participation.objects.count() == 5  # no new person
    assert hr["anna"].email == "anna@example.test"  # no change
    assert hr["david"].end_date is None
    assert ParticipantImport.objects.get().status == ParticipantImport.Status.PENDING


def _bad_rows(hr):
    org = hr["org"]
    good = monthly_file(hr)
    wrong_digit = participant_test_pnr(9)
    wrong_digit = wrong_digit[:-1] + str((int(wrong_digit[-1]) + 1) % 10)
    return [
        *good[:3],
        [wrong_digit, "Ines", "Ibsen", org.organisationsnummer, "", "", "", "2025-01-01"],
        [participant_test_pnr(10), "Jan", "Jung", "Ingen kommun", "", "", "", "2025-01-01"],
        *good[3:],
    ]


def test_with_problems_import_all_is_refused_and_nothing_is_written(client, hr):
    client.force_login(hr["coordinator"])
    page = upload(client, hr["project"], workbook(_bad_rows(hr)))
    pending = page.context["upload"]
    assert [(e["row"], e["code"]) for e in pending.errors] == [
        (5, "checksum"),
        (6, "unknown_employer"),
    ]
    html = page.content.decode()
    assert "Importera bara de 6 giltiga raderna" in html
    assert "Ladda ner raderna med fel" in html
    confirm(client, hr, pending)  # "all" while rows have problems: nothing
    assert Participation.objects.count() == 5
    hr["anna"].refresh_from_db()
    assert hr["anna"].email == "anna@example.test"


def test_valid_rows_only_then_the_rejected_file_fixed_imports_cleanly(client, hr):
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(_bad_rows(hr))).context["upload"]
    rejected = client.get(
        reverse("participants:import_rejected", args=[hr["project"].pk, pending.pk])
    )
    assert rejected.status_code == 200
    confirm(client, hr, pending, valid_only="1")
    # Exactly the valid rows: 3 new, 2 updated; the two rejected people are not written.
    numbers = set(
        Participation.objects.filter(project=hr["project"]).values_list(
            "person__personnummer", flat=True
        )
    )
    assert numbers == {participant_test_pnr(n) for n in (1, 2, 3, 4, 5, 6, 7, 8)}
    assert not Person.objects.filter(personnummer=participant_test_pnr(10)).exists()

    sheet = openpyxl.load_workbook(io.BytesIO(rejected.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == [*HEADERS, "Fel att rätta"]
    assert [v[1] for v in values[1:]] == ["Ines", "Jan"]
    assert "kontrollsiffra" in values[1][-1]
    assert "Ingen kommun" in values[2][-1]
    # Fixed as a person would: the right number, the right employer; the error column stays.
    sheet.cell(row=2, column=1).value = participant_test_pnr(9)
    sheet.cell(row=3, column=4).value = "Umeå kommun"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    again = upload(client, hr["project"], buffer.getvalue(), name="rader-med-fel.xlsx")
    fixed = again.context["upload"]
    assert fixed.errors == []
    assert "Fel att rätta" in again.context["ignored"]
    assert again.context["plan"]["new"] == 2
    confirm(client, hr, fixed)
    assert Participation.objects.filter(project=hr["project"]).count() == 10


def test_valid_rows_only_with_no_valid_row_writes_nothing(client, hr):
    client.force_login(hr["coordinator"])
    bad = _bad_rows(hr)[3:5]
    pending = upload(client, hr["project"], workbook(bad)).context["upload"]
    confirm(client, hr, pending, valid_only="1")
    assert Participation.objects.count() == 5
    assert ParticipantImport.objects.get().status == ParticipantImport.Status.PENDING


def test_a_big_file_with_updates_runs_in_the_worker_with_the_choice(
    client, hr, job_queue, settings
):
    settings.PARTICIPANT_IMPORT_SYNC_ROWS = 2
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(monthly_file(hr))).context["upload"]
    confirm(client, hr, pending, end_missing="on", end_date="2025-01-31", end_reason="other")
    assert len(job_queue) == 1
    job_queue.run()
    done = ParticipantImport.objects.get()
    assert done.status == ParticipantImport.Status.DONE, done.errors
    assert (done.imported_count, done.updated_count, done.ended_count) == (3, 2, 1)
    hr["david"].refresh_from_db()
    assert hr["david"].end_date == dt.date(2025, 1, 31)


def test_the_command_updates_people_already_in_the_project(hr, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "hr.xlsx"
    path.write_bytes(workbook(monthly_file(hr)))
    call_command("import_participants", str(path), project=hr["project"].diarienummer)
    hr["bo"].refresh_from_db()
    assert hr["bo"].workplace == "Ekonomi"
    assert Participation.objects.count() == 8


def test_an_empty_cell_never_blanks_what_the_project_holds(hr):
    org = hr["org"]
    rows = [[2, *row(1, "Anna", "Ahl", org, workplace="", email="")]]
    rows[0][5] = ""
    result = importing.check_rows(
        project=hr["project"], table=importing.Table(headers=HEADERS, rows=rows)
    )
    assert result.errors == []
    assert result.plan.updates == []  # workplace and address kept, isced stays as it is
    assert result.plan.unchanged == 1


def test_a_contact_updates_only_their_own_people_and_sees_only_theirs_missing(client, hr):
    from digiproj.projects.models import Membership

    pitea = ProjectOrganisationFactory(
        project=hr["project"], organisation__name="Piteå"
    ).organisation
    ParticipationFactory(
        project=hr["project"],
        organisation=pitea,
        person=PersonFactory(personnummer=participant_test_pnr(20)),
        first_name="Per",
        last_name="Pitebo",
    )
    contact = MembershipFactory(
        project=hr["project"], role=Membership.Role.CONTACT, organisation=hr["org"]
    ).user
    client.force_login(contact)
    rows = [*monthly_file(hr), row(20, "Per", "Pitebo", hr["org"])]
    page = upload(client, hr["project"], workbook(rows))
    pending = page.context["upload"]
    assert [(e["row"], e["code"]) for e in pending.errors] == [(8, "other_employer")]
    assert "Per Pitebo" not in page.content.decode()  # another employer's person: not shown
    plan = page.context["plan"]
    assert [m["name"] for m in plan["missing"]] == ["David Dahl"]  # not Piteå's people
    assert (plan["new"], plan["updated"]) == (3, 2)


def test_an_end_after_the_project_writes_nothing_at_all(client, hr):
    """The missing are ended by the same end-date rule as the form: within the project's
    period. A day after its end refuses the whole import, the first person named."""
    client.force_login(hr["coordinator"])
    pending = upload(client, hr["project"], workbook(monthly_file(hr))).context["upload"]
    after = hr["project"].end_date + dt.timedelta(days=1)
    response = confirm(
        client, hr, pending, end_missing="on", end_date=after.isoformat(), end_reason="other"
    )
    assert f"David Dahl: {after.isoformat()} ligger utanför projektets period" in (
        response.content.decode()
    )
    hr["david"].refresh_from_db()
    assert hr["david"].end_date is None
    assert Participation.objects.count() == 5
    assert ParticipantImport.objects.get().status == ParticipantImport.Status.PENDING
