"""Bulk import from .xlsx and CSV: preview with every row's problems, all-or-nothing commit."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from digiproj.projects.models import Membership
from participants.models import ParticipantImport, Participation, Person
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db

HEADERS = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "E-post", "Startdatum"]


@pytest.fixture
def setup():
    project = ProjectFactory()
    umea = ProjectOrganisationFactory(
        project=project, organisation__name="Umeå kommun"
    ).organisation
    pitea = ProjectOrganisationFactory(
        project=project, organisation__name="Piteå kommun"
    ).organisation
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=umea
    ).user
    return locals()


def rows_for(org, n, *, start=0):
    return [
        [
            participant_test_pnr(start + i),
            "Anna",
            f"Test{i}",
            org.organisationsnummer,
            "",
            "2024-03-01",
        ]
        for i in range(n)
    ]


def xlsx(rows, headers=HEADERS, *, formula_cell=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Deltagare"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if formula_cell:
        sheet[formula_cell] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, encoding="utf-8-sig", delimiter=";"):
    lines = [delimiter.join(HEADERS)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client, project, data, name="deltagare.xlsx"):
    url = reverse("participants:import", args=[project.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)


def counts():
    return Person.objects.count(), Participation.objects.count()


def test_template_has_swedish_headers_and_instructions(client, setup):
    client.force_login(setup["coordinator"])
    response = client.get(reverse("participants:import_template", args=[setup["project"].pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Deltagare", "Instruktioner"]
    headers = [c.value for c in workbook["Deltagare"][1]]
    assert headers[:4] == ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare"]
    text = " ".join(str(c.value) for row in workbook["Instruktioner"] for c in row if c.value)
    assert "Umeå kommun" in text
    assert "Formler och makron" in text


def test_template_file_round_trips(client, setup):
    """The template itself, filled in, imports without changes to its headers."""
    client.force_login(setup["coordinator"])
    response = client.get(reverse("participants:import_template", args=[setup["project"].pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Deltagare"]
    sheet.append(
        [
            participant_test_pnr(1),
            "Anna",
            "Ek",
            "Umeå kommun",
            "",
            "",
            "",
            "Chef/ledning",
            "5-8",
            "",
            "540 000",
            "2024-03-01",
            "2024-02-20",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = upload(client, setup["project"], buffer.getvalue())
    assert page.context["upload"].errors == []
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    participation = Participation.objects.get()
    assert participation.role_group == "manager"
    assert participation.isced == "5-8"
    assert str(participation.annual_salary_cost) == "540000.00"
    assert participation.consent_given_at is not None


def test_valid_file_previews_then_imports_once(client, setup):
    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 3)))
    assert counts() == (0, 0)  # nothing saved before the confirm
    assert "Inga fel hittades" in page.content.decode()
    imp = page.context["upload"]
    preview_url = reverse("participants:import_preview", args=[setup["project"].pk, imp.pk])
    assert client.get(preview_url).status_code == 200  # survives a reload
    confirm = reverse("participants:import_confirm", args=[setup["project"].pk, imp.pk])
    client.post(confirm)
    client.post(confirm)  # a double click
    assert counts() == (3, 3)
    imp.refresh_from_db()
    assert imp.status == ParticipantImport.Status.DONE
    assert imp.rows == []  # the personal data of the file is not kept
    assert Person.history.count() == 3
    assert Participation.history.filter(history_user=setup["coordinator"]).count() == 3


def test_existing_person_in_another_project_is_reused(client, setup):
    number = participant_test_pnr(0)
    ParticipationFactory(person__personnummer=number)
    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 2)))
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    assert Person.objects.count() == 2
    assert Participation.objects.filter(person__personnummer=number).count() == 2


def _bad(rows):
    return rows


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r, o: r[1].__setitem__(0, r[1][0][:-1] + str((int(r[1][0][-1]) + 1) % 10)),
            "fel kontrollsiffra",
        ),
        (lambda r, o: r[1].__setitem__(0, "19701301-9802"), "datum som inte finns"),
        (lambda r, o: r[1].__setitem__(3, "999999-9999"), "deltar inte i projektet"),
        (lambda r, o: r[1].__setitem__(0, r[0][0]), "finns redan på rad 2"),
        (lambda r, o: r[1].__setitem__(1, ""), "Uppgiften saknas. Fyll i Förnamn"),
        (lambda r, o: r[1].__setitem__(5, "1 mars"), "Skriv datumet som ÅÅÅÅ-MM-DD"),
        (lambda r, o: r[1].__setitem__(4, "inte-en-adress"), "ingen giltig e-postadress"),
    ],
    ids=[
        "checksum",
        "impossible-date",
        "unknown-org",
        "duplicate-in-file",
        "missing",
        "bad-start",
        "email",
    ],
)
def test_bad_row_is_named_and_nothing_imported(client, setup, mutate, expected):
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 3)
    mutate(rows, setup["umea"])
    page = upload(client, setup["project"], xlsx(rows))
    errors = page.context["upload"].errors
    assert any(e["row"] == 3 and expected in e["message"] for e in errors), errors
    html = page.content.decode()
    assert expected.split(".")[0] in html
    # A confirm anyway (a crafted POST) re-checks and imports nothing.
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    assert counts() == (0, 0)


def test_a_person_already_in_the_project_is_updated_not_refused(client, setup):
    existing = ParticipationFactory(
        project=setup["project"], organisation=setup["umea"], first_name="Gammal"
    )
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 2)
    rows[1][0] = existing.person.personnummer
    before = counts()
    page = upload(client, setup["project"], xlsx(rows))
    assert page.context["upload"].errors == []
    html = page.content.decode()
    assert "1 ny deltagare läggs till" in html
    assert "1 deltagare får ändrade uppgifter" in html
    assert "Förnamn: Gammal → Anna" in html
    assert counts() == before  # nothing before the confirm
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    assert counts() == (before[0] + 1, before[1] + 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.last_name) == ("Anna", "Test1")


def test_org_by_name_and_dashless_number(client, setup):
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 2)
    rows[0][3] = "umeå KOMMUN"
    rows[1][3] = setup["pitea"].organisationsnummer.replace("-", "")
    page = upload(client, setup["project"], xlsx(rows))
    assert page.context["upload"].errors == []


def test_missing_column_is_named(client, setup):
    client.force_login(setup["coordinator"])
    headers = [h for h in HEADERS if h != "Startdatum"]
    page = upload(
        client, setup["project"], xlsx([r[:5] for r in rows_for(setup["umea"], 1)], headers)
    )
    assert "Kolumnen ”Startdatum” saknas" in page.content.decode()
    assert counts() == (0, 0)


def test_formula_is_refused_never_evaluated(client, setup):
    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 2), formula_cell="B3"))
    [error] = page.context["upload"].errors
    assert error["row"] == 3
    assert error["column"] == "Förnamn"
    assert "formel" in error["message"]
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "tom.xlsx", "Filen är tom"),
        (b"%PDF-1.4 hello", "bild.pdf", "är inte ett kalkylblad"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "deltagare.csv", "är inte ett kalkylblad"),
        (b"PK\x03\x04garbage", "trasig.xlsx", "är inte ett kalkylblad"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "gammal.xls", "gamla Excel-formatet"),
        (None, "makro.xlsm", "innehåller makron"),
        ("vba", "deltagare.xlsx", "innehåller makron"),
        ("headers-only", "deltagare.xlsx", "inga deltagare"),
        ("corrupt-xml", "deltagare.xlsx", "skadad"),
    ],
)
def test_bad_file_is_refused_with_a_message(client, setup, data, name, expected):
    client.force_login(setup["coordinator"])
    if data is None:
        data = xlsx(rows_for(setup["umea"], 1))
    elif data == "vba":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "a") as archive:
            with zipfile.ZipFile(io.BytesIO(xlsx(rows_for(setup["umea"], 1)))) as source:
                for item in source.infolist():
                    archive.writestr(item, source.read(item))
            archive.writestr("xl/vbaProject.bin", b"macro")
        data = buffer.getvalue()
    elif data == "headers-only":
        data = xlsx([])
    elif data == "corrupt-xml":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<not xml")
            archive.writestr("xl/workbook.xml", "<broken")
        data = buffer.getvalue()
    response = upload(client, setup["project"], data, name)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert counts() == (0, 0)
    assert not ParticipantImport.objects.exists()


def test_too_many_rows(client, setup, settings):
    settings.PARTICIPANT_IMPORT_MAX_ROWS = 5
    client.force_login(setup["coordinator"])
    response = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 6)))
    assert "fler än 5 rader" in response.content.decode()
    assert counts() == (0, 0)
    assert not ParticipantImport.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ";"), ("cp1252", ";"), ("latin-1", ";"), ("utf-8", ",")],
)
def test_csv_as_swedish_excel_writes_it(client, setup, encoding, delimiter):
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 2)
    rows[0][1] = "Åsa-Öyvind"
    rows[0][3] = "Umeå kommun"
    page = upload(
        client, setup["project"], csv_bytes(rows, encoding=encoding, delimiter=delimiter), "d.csv"
    )
    assert page.context["upload"].errors == []
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    assert Participation.objects.filter(first_name="Åsa-Öyvind").exists()
    assert Participation.objects.filter(organisation=setup["umea"]).count() == 2


def test_csv_formula_is_refused(client, setup):
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 1)
    rows[0][2] = '=HYPERLINK("http://x")'
    page = upload(client, setup["project"], csv_bytes(rows), "d.csv")
    assert "formel" in page.context["upload"].errors[0]["message"]
    assert counts() == (0, 0)


@pytest.mark.parametrize("text", ["+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd"])
def test_csv_cell_starting_with_any_formula_sign_is_refused(client, setup, text):
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 1)
    rows[0][2] = text
    page = upload(client, setup["project"], csv_bytes(rows), "d.csv")
    [error] = page.context["upload"].errors
    assert error["column"] == "Efternamn"
    assert f"börjar med ”{text[0]}”" in error["message"]
    assert "formel" in error["message"]
    assert counts() == (0, 0)


@pytest.mark.parametrize("phone", ["+46701234567", "+46 70 123 45 67", "+46 (0)90-12 34 56"])
def test_plain_number_with_a_sign_is_not_a_formula(client, setup, phone):
    """A phone number as an HR department types it is not a formula."""
    client.force_login(setup["coordinator"])
    rows = [[*r, phone] for r in rows_for(setup["umea"], 1)]
    lines = [";".join([*HEADERS, "Telefon"])] + [";".join(r) for r in rows]
    page = upload(client, setup["project"], ("\r\n".join(lines) + "\r\n").encode(), "d.csv")
    assert page.context["upload"].errors == []


def test_contact_imports_only_into_own_organisation(client, setup):
    client.force_login(setup["contact"])
    rows = rows_for(setup["umea"], 2)
    rows[1][3] = setup["pitea"].organisationsnummer
    page = upload(client, setup["project"], xlsx(rows))
    [error] = page.context["upload"].errors
    assert error["row"] == 3
    assert "Du kan bara importera deltagare till Umeå kommun" in error["message"]
    rows[1][3] = ""  # empty employer = the contact's own
    page = upload(client, setup["project"], xlsx(rows))
    assert page.context["upload"].errors == []
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    assert set(Participation.objects.values_list("organisation", flat=True)) == {setup["umea"].pk}


def test_another_users_upload_is_404(client, setup):
    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 1)))
    client.force_login(setup["contact"])
    url = reverse(
        "participants:import_preview", args=[setup["project"].pk, page.context["upload"].pk]
    )
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404


def test_contact_sees_their_own_upload_but_not_a_colleagues(client, setup):
    client.force_login(setup["contact"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 1)))
    url = reverse(
        "participants:import_preview", args=[setup["project"].pk, page.context["upload"].pk]
    )
    assert client.get(url).status_code == 200
    colleague = MembershipFactory(
        project=setup["project"], role=Membership.Role.CONTACT, organisation=setup["umea"]
    ).user
    client.force_login(colleague)
    assert client.get(url).status_code == 404


def test_confirm_rechecks_at_commit(client, setup):
    client.force_login(setup["coordinator"])
    rows = rows_for(setup["umea"], 3)
    page = upload(client, setup["project"], xlsx(rows))
    assert page.context["upload"].errors == []
    # Meanwhile someone adds row 3's person by hand.
    ParticipationFactory(
        project=setup["project"], organisation=setup["umea"], person__personnummer=rows[1][0]
    )
    before = counts()
    response = client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        ),
        follow=True,
    )
    # What the confirm would now do differs from what was shown: nothing is written, and
    # the preview is shown again with the person as an update.
    html = response.content.decode()
    assert "Projektets deltagare har ändrats sedan du granskade filen" in html
    assert "1 deltagare får ändrade uppgifter" in html
    assert counts() == before
    client.post(
        reverse(
            "participants:import_confirm", args=[setup["project"].pk, page.context["upload"].pk]
        )
    )
    assert counts() == (before[0] + 2, before[1] + 2)


def test_5000_rows_import_completely(client, setup, job_queue):
    """Above PARTICIPANT_IMPORT_SYNC_ROWS the confirm hands the import to a Celery task."""
    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 5000)))
    imp = page.context["upload"]
    assert imp.errors == []
    confirm = reverse("participants:import_confirm", args=[setup["project"].pk, imp.pk])
    client.post(confirm)
    client.post(confirm)  # a double click enqueues once
    assert len(job_queue) == 1
    imp.refresh_from_db()
    assert imp.status == ParticipantImport.Status.QUEUED
    progress_url = reverse("participants:import_preview", args=[setup["project"].pk, imp.pk])
    progress = client.get(progress_url, headers={"HX-Request": "true"})
    assert "pågår" in progress.content.decode()
    job_queue.run()  # the task, run eagerly
    assert counts() == (5000, 5000)
    assert Participation.history.filter(history_user=setup["coordinator"]).count() == 5000
    progress = client.get(progress_url, headers={"HX-Request": "true"})
    assert "Klart: 5" in progress.content.decode()


def test_5000_rows_with_bad_row_4999_leave_nothing(setup, tmp_path):
    rows = rows_for(setup["umea"], 5000)
    rows[4997][0] = "19701301-9802"  # file row 4999 (row 1 is the header)
    path = tmp_path / "deltagare.xlsx"
    path.write_bytes(xlsx(rows))
    with pytest.raises(CommandError, match="1 fel i filen"):
        call_command("import_participants", str(path), project=setup["project"].diarienummer)
    assert counts() == (0, 0)


def test_command_imports_and_dry_run(setup, tmp_path, capsys):
    path = tmp_path / "deltagare.csv"
    path.write_bytes(csv_bytes(rows_for(setup["umea"], 4)))
    call_command(
        "import_participants", str(path), project=setup["project"].diarienummer, dry_run=True
    )
    assert "4 rader är korrekta" in capsys.readouterr().out
    assert counts() == (0, 0)
    call_command(
        "import_participants",
        str(path),
        project=setup["project"].diarienummer,
        organisation=setup["umea"].organisationsnummer,
    )
    assert counts() == (4, 4)


def test_command_reports_each_row_and_exits_non_zero(setup, tmp_path, capsys):
    rows = rows_for(setup["umea"], 3)
    rows[0][0] = "19701301-9802"
    rows[2][3] = "Okänd AB"
    path = tmp_path / "deltagare.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError):
        call_command("import_participants", str(path), project=setup["project"].diarienummer)
    err = capsys.readouterr().err
    assert "Rad 2, Personnummer:" in err
    assert "Rad 4, Arbetsgivare:" in err
    assert counts() == (0, 0)


def test_command_organisation_restricts_rows(setup, tmp_path):
    rows = rows_for(setup["pitea"], 1)
    path = tmp_path / "deltagare.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError):
        call_command(
            "import_participants",
            str(path),
            project=setup["project"].diarienummer,
            organisation=setup["umea"].organisationsnummer,
        )
    assert counts() == (0, 0)


def test_outsider_cannot_reach_import(client, setup):
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("participants:import", args=[setup["project"].pk])).status_code == 404
    other = OrganisationFactory()
    assert other.pk


def test_failure_during_commit_rolls_back_people_too(client, setup, monkeypatch):
    """A database error while writing participations also removes the people just created."""
    import simple_history.utils
    from django.db import IntegrityError

    real = simple_history.utils.bulk_create_with_history

    def failing(objs, model, **kwargs):
        if model is Participation:
            raise IntegrityError("simulated")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(simple_history.utils, "bulk_create_with_history", failing)
    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 5)))
    imp = page.context["upload"]
    response = client.post(
        reverse("participants:import_confirm", args=[setup["project"].pk, imp.pk]), follow=True
    )
    assert "Ingenting importerades" in response.content.decode()
    assert counts() == (0, 0)
    assert Person.history.count() == 0
    imp.refresh_from_db()
    assert imp.status == ParticipantImport.Status.PENDING


def test_unconfirmed_uploads_are_purged(client, setup):
    import datetime as dt

    from django.utils import timezone

    from digiproj import jobs

    client.force_login(setup["coordinator"])
    page = upload(client, setup["project"], xlsx(rows_for(setup["umea"], 2)))
    imp = page.context["upload"]
    assert jobs.jobs_clean_up(ParticipantImport) == 0  # fresh uploads stay
    ParticipantImport.objects.filter(pk=imp.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    assert jobs.jobs_clean_up(ParticipantImport) == 1
    imp.refresh_from_db()
    assert imp.rows == []
    assert imp.status == ParticipantImport.Status.CANCELLED


def test_contacts_template_lists_only_their_organisation(client, setup):
    client.force_login(setup["contact"])
    response = client.get(reverse("participants:import_template", args=[setup["project"].pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    text = " ".join(str(c.value) for row in workbook["Instruktioner"] for c in row if c.value)
    assert "Umeå kommun" in text
    assert "Piteå kommun" not in text


def test_csv_with_excel_sep_hint(client, setup):
    client.force_login(setup["coordinator"])
    data = b"sep=;\r\n" + csv_bytes(rows_for(setup["umea"], 2), encoding="utf-8")
    page = upload(client, setup["project"], data, "d.csv")
    assert page.context["upload"].errors == []
    assert page.context["upload"].row_count == 2


def test_large_upload_is_checked_by_a_worker(client, setup, settings, job_queue):
    settings.PARTICIPANT_IMPORT_SYNC_BYTES = 100
    client.force_login(setup["coordinator"])
    url = reverse("participants:import", args=[setup["project"].pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("d.xlsx", xlsx(rows_for(setup["umea"], 3)))}
    )
    imp = ParticipantImport.objects.get()
    assert response["Location"] == reverse(
        "participants:import_preview", args=[setup["project"].pk, imp.pk]
    )
    assert (imp.status, imp.stage) == (ParticipantImport.Status.QUEUED, "check")
    assert imp.file
    progress = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "Filen kontrolleras" in progress.content.decode()
    assert len(job_queue) == 1
    job_queue.run()
    job_queue.run()  # redelivered: nothing more happens
    imp.refresh_from_db()
    assert imp.status == ParticipantImport.Status.PENDING
    assert not imp.file  # the stored file is gone once read
    assert imp.row_count == 3
    assert "Inga fel hittades" in client.get(response["Location"]).content.decode()
    client.post(reverse("participants:import_confirm", args=[setup["project"].pk, imp.pk]))
    assert counts() == (3, 3)


def test_large_unreadable_upload_fails_with_message(
    client, setup, settings, django_capture_on_commit_callbacks
):
    settings.PARTICIPANT_IMPORT_SYNC_BYTES = 10
    client.force_login(setup["coordinator"])
    url = reverse("participants:import", args=[setup["project"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"file": SimpleUploadedFile("d.pdf", b"%PDF-1.4 " + b"x" * 100)}
        )
    imp = ParticipantImport.objects.get()
    assert imp.status == ParticipantImport.Status.FAILED
    assert not imp.file
    assert "är inte ett kalkylblad" in client.get(response["Location"]).content.decode()
    assert counts() == (0, 0)


def test_files_never_read_are_deleted_when_no_worker_takes_them(setup, settings, job_queue):
    import datetime as dt
    import os

    from django.utils import timezone

    from digiproj import jobs
    from participants import services

    imp = services.participant_import_receive(
        project=setup["project"],
        organisation=None,
        user_id=None,
        upload=SimpleUploadedFile("d.xlsx", xlsx(rows_for(setup["umea"], 1))),
    )
    path = imp.file.path
    for _attempt in range(settings.JOB_MAX_ATTEMPTS):  # every message lost
        ParticipantImport.objects.filter(pk=imp.pk).update(
            lease_until=timezone.now() - dt.timedelta(seconds=1)
        )
        jobs.jobs_maintain()
    imp.refresh_from_db()
    assert imp.status == ParticipantImport.Status.FAILED
    assert "Ladda upp filen igen" in imp.error
    assert not imp.file
    assert not os.path.exists(path)


def test_row_problems_are_shown_in_the_readers_language(client, setup):
    """Checked while the uploader read Swedish; a colleague reading English sees the same
    problems in English (stored as message and parameters, rendered when shown)."""
    from django.conf import settings

    good = participant_test_pnr(1)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    rows = rows_for(setup["umea"], 2)
    rows[0][0] = bad
    rows[1][5] = "1 mars"
    client.force_login(setup["coordinator"])
    swedish = upload(client, setup["project"], xlsx(rows)).content.decode()
    assert f"Personnumret {bad} har fel kontrollsiffra." in swedish
    assert "”1 mars” är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD." in swedish

    import_ = ParticipantImport.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("participants:import_preview", args=[setup["project"].pk, import_.pk])
    english = client.get(url).content.decode()
    assert f"The personal identity number {bad} has a wrong check digit." in english
    assert "“1 mars” is not a date. Write the date as YYYY-MM-DD." in english
    assert "fel kontrollsiffra" not in english
