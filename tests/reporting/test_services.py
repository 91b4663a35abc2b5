"""Report runs: files read back, reproducibility, the state machine, access."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from digiproj import jobs
from digiproj.projects.permissions import project_access
from participants.models import PersonnummerReveal
from reporting import services
from reporting.models import ReportRun
from tests.factories import MembershipFactory
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _order(world, kind="indikatorer", file_format="xlsx", user="coordinator", **extra):
    access = project_access(world[user], world["project"])
    run = services.report_run_create(
        access=access,
        user=world[user],
        kind=kind,
        file_format=file_format,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        **extra,
    )
    run.refresh_from_db()
    return run


def _read(run) -> bytes:
    with run.file.open("rb") as handle:
        return handle.read()


def _sheet_rows(run, title):
    workbook = openpyxl.load_workbook(io.BytesIO(_read(run)))
    sheet = workbook[title]
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


def test_indicator_excel_figures_read_back(small_project):
    run = _order(small_project)
    assert run.status == ReportRun.Status.DONE
    sheet, rows = _sheet_rows(run, "Alla deltagare")
    assert rows[0][:4] == ["Alla deltagare", "Startade kvinnor", "Startade män", "Startade totalt"]
    assert rows[1] == ["Totalt", 3, 0, 3, 3, 1, 4, 0, 1, 1]  # numbers as numbers
    assert sheet.freeze_panes == "A2"
    _, plan = _sheet_rows(run, "Plan och utfall")
    assert plan[1:] == [["Kvinnor", 6, 3], ["Män", 4, 0], ["Totalt", 10, 3]]


def test_about_sheet_states_parameters_and_checksum(small_project):
    run = _order(small_project)
    _, rows = _sheet_rows(run, "Om rapporten")
    values = {row[0]: row[1] for row in rows if row[0]}
    assert values["Kontrollsumma (SHA-256)"] == run.content_checksum
    assert values["Period"] == "2024-01-01 – 2024-06-30"
    assert small_project["project"].diarienummer in values["Projekt"]
    assert any("Startade:" in (row[1] or "") for row in rows)


def test_participant_register_has_dates_as_dates_and_masked_numbers(small_project):
    run = _order(small_project, kind="deltagare")
    _, rows = _sheet_rows(run, "Deltagare")
    header, body = rows[0], rows[1:]
    assert len(body) == 4  # P1, P2, P3, P6 were active in the period
    start = body[0][header.index("Startdatum")]
    assert isinstance(start, dt.datetime)  # an Excel date, not text
    numbers = [r[header.index("Personnummer")] for r in body]
    assert all(n.endswith("-****") for n in numbers)
    assert not PersonnummerReveal.objects.exists()


def test_full_personnummer_is_for_coordinators_and_logged(small_project):
    run = _order(small_project, kind="deltagare", full_personnummer=True)
    _, rows = _sheet_rows(run, "Deltagare")
    assert all("*" not in r[2] for r in rows[1:])
    assert (
        PersonnummerReveal.objects.filter(
            user=small_project["coordinator"], context=f"report:{run.pk}"
        ).count()
        == 4
    )
    with pytest.raises(ValidationError):
        _order(small_project, kind="deltagare", user="contact", full_personnummer=True)


def test_csv_is_semicolon_utf8_with_bom(small_project):
    run = _order(small_project, kind="deltagare", file_format="csv")
    raw = _read(run)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Efternamn", "Förnamn", "Personnummer"]
    assert len(rows) == 5


def test_same_data_and_parameters_give_the_same_file(small_project):
    first, second = _order(small_project), _order(small_project)
    assert first.file_checksum == second.file_checksum
    assert first.content_checksum == second.content_checksum
    assert _read(first) == _read(second)


def test_changed_data_changes_the_checksum(small_project):
    first = _order(small_project)
    small_project["p"]["P4"].start_date = dt.date(2024, 6, 1)
    small_project["p"]["P4"].save()
    assert _order(small_project).content_checksum != first.content_checksum


def test_contact_report_is_limited_to_own_organisation(small_project):
    run = _order(small_project, user="contact", organisation_id=small_project["north"].pk)
    assert run.organisation == small_project["south"]  # forced to their own
    _, rows = _sheet_rows(run, "Alla deltagare")
    assert rows[1][6] == 1  # active total: P6 only


def test_redelivered_task_for_a_done_run_changes_nothing(small_project):
    run = _order(small_project)
    services.report_run_execute(run_id=run.pk)
    again = ReportRun.objects.get(pk=run.pk)
    assert (again.attempts, again.file.name, again.finished_at) == (
        1,
        run.file.name,
        run.finished_at,
    )


def test_running_run_with_live_lease_is_not_taken_twice(small_project):
    run = _order(small_project)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, lease_until=timezone.now() + dt.timedelta(seconds=60)
    )
    with pytest.raises(jobs.JobLeaseHeld):
        services.report_run_execute(run_id=run.pk)


def test_run_of_a_dead_worker_is_taken_over_when_the_lease_runs_out(small_project):
    run = _order(small_project)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING,
        progress=40,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    assert jobs.jobs_recover(ReportRun) == 1  # re-enqueued; runs eagerly here
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.attempts == 2


def test_run_is_failed_after_too_many_lost_workers(small_project, settings):
    run = _order(small_project)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING,
        attempts=settings.JOB_MAX_ATTEMPTS,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    jobs.jobs_recover(ReportRun)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert "Beställ rapporten igen" in run.error


def test_old_files_are_cleaned_up_but_the_run_is_kept(small_project, settings):
    run = _order(small_project)
    ReportRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.REPORT_FILE_RETENTION_DAYS + 1)
    )
    assert jobs.jobs_clean_up(ReportRun) == 1
    run.refresh_from_db()
    assert not run.file
    assert run.content_checksum


def test_contact_cannot_see_or_download_other_organisations_runs(client, small_project):
    run = _order(small_project, organisation_id=small_project["north"].pk)
    client.force_login(small_project["contact"])
    project = small_project["project"]
    assert client.get(reverse("reporting:run", args=[project.pk, run.pk])).status_code == 404
    assert client.get(reverse("reporting:download", args=[project.pk, run.pk])).status_code == 404
    assert run not in client.get(reverse("reporting:index", args=[project.pk])).context["runs"]


def test_run_of_another_project_is_404(client, small_project):
    run = _order(small_project)
    other = MembershipFactory()
    client.force_login(other.user)
    assert (
        client.get(reverse("reporting:download", args=[other.project.pk, run.pk])).status_code
        == 404
    )


def test_order_through_the_page_and_download(client, small_project):
    client.force_login(small_project["coordinator"])
    project = small_project["project"]
    response = client.post(
        reverse("reporting:index", args=[project.pk]),
        {
            "kind": "indikatorer",
            "file_format": "xlsx",
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
        },
    )
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("reporting:run", args=[project.pk, run.pk])
    download = client.get(reverse("reporting:download", args=[project.pk, run.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    download.close()
    assert content[:2] == b"PK"


def test_bad_period_is_a_clear_message(client, small_project):
    client.force_login(small_project["coordinator"])
    response = client.post(
        reverse("reporting:index", args=[small_project["project"].pk]),
        {
            "kind": "indikatorer",
            "file_format": "xlsx",
            "period_start": "2024-06-30",
            "period_end": "2024-01-01",
        },
    )
    assert "Periodens slut kan inte ligga före dess början." in response.content.decode()
    assert not ReportRun.objects.exists()


def test_xlsx_bytes_do_not_depend_on_the_clock(small_project, tmp_path):
    from freezegun import freeze_time

    from reporting import writers
    from reporting.builders import Column, Table

    table = Table(title="T", columns=[Column("A", "int")], rows=[[1]])
    with freeze_time("2024-01-01 10:00:00"):
        writers.write_xlsx([table], tmp_path / "a.xlsx")
    with freeze_time("2025-06-01 12:34:56"):
        writers.write_xlsx([table], tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_tables_longer_than_an_excel_sheet_continue_on_the_next(tmp_path, monkeypatch):
    from reporting import writers
    from reporting.builders import Column, Table

    monkeypatch.setattr(writers, "EXCEL_MAX_DATA_ROWS", 3)
    table = Table(title="Deltagare", columns=[Column("N", "int")], rows=[[i] for i in range(7)])
    writers.write_xlsx([table], tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["Deltagare", "Deltagare (2)", "Deltagare (3)"]
    values = [
        r[0] for name in book.sheetnames for r in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert values == list(range(7))
