"""One job base (digiproj/jobs.py) for report runs, survey exports and participant imports:
recovery after dead workers up to the attempt limit, retention of files and personal rows,
the broker-down message, and big files read in the worker under a memory limit."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from digiproj import jobs
from digiproj.limits import MemoryLimitExceeded, run_with_memory_limit
from digiproj.projects.permissions import project_access
from participants import importing
from participants import services as participant_services
from participants.models import ParticipantImport, Participation
from reporting import services as report_services
from reporting.models import ReportRun
from surveys import services as survey_services
from surveys.models import SurveyExport
from tests.factories import (
    MembershipFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SurveyFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db

HEADERS = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"]


def _csv(org, n: int) -> bytes:
    lines = [";".join(HEADERS)] + [
        f"{participant_test_pnr(i)};Anna;Test{i};{org.organisationsnummer};2024-03-01"
        for i in range(n)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def world():
    project = ProjectFactory()
    org = ProjectOrganisationFactory(project=project).organisation
    coordinator = MembershipFactory(project=project).user
    survey = SurveyFactory(project=project)
    QuestionFactory(section=SectionFactory(survey=survey))
    return {
        "project": project,
        "org": org,
        "coordinator": coordinator,
        "round": RoundFactory(survey=survey),
    }


def _expire_lease(job) -> None:
    type(job).objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))


def _die_while_running(job) -> None:
    """What a worker killed mid-job leaves: the job running, its lease run out."""
    type(job).objects.filter(pk=job.pk).update(
        status=jobs.JobStatus.RUNNING, lease_until=timezone.now() - dt.timedelta(seconds=1)
    )


def _queued_import(world, job_queue, n: int = 3) -> ParticipantImport:
    upload = participant_services.participant_import_prepare(
        project=world["project"],
        organisation=None,
        user_id=world["coordinator"].pk,
        filename="d.csv",
        data=_csv(world["org"], n),
    )
    assert upload.rows
    assert upload.status == ParticipantImport.Status.PENDING
    assert participant_services.participant_import_enqueue(upload=upload)
    job_queue.clear()
    return ParticipantImport.objects.get(pk=upload.pk)


def test_dead_worker_import_is_recovered_then_failed_and_its_rows_deleted(
    world, settings, job_queue, monkeypatch
):
    upload = _queued_import(world, job_queue)

    def worker_dies(upload_id: int) -> None:  # claims the job, then the process is killed
        jobs.job_claim(ParticipantImport, upload_id)
        _die_while_running(ParticipantImport.objects.get(pk=upload_id))

    monkeypatch.setattr(participant_services, "participant_import_run", worker_dies)
    worker_dies(upload.pk)  # the first delivery
    for attempt in range(2, settings.JOB_MAX_ATTEMPTS + 1):
        assert jobs.jobs_recover(ParticipantImport) == 1  # handed back to a worker …
        assert job_queue.pop() == (ParticipantImport.job_task, upload.pk)
        worker_dies(upload.pk)  # … which dies too
        upload.refresh_from_db()
        assert (upload.status, upload.attempts) == ("running", attempt)
        assert upload.rows  # still there while it may be retried

    assert jobs.jobs_recover(ParticipantImport) == 1
    assert not job_queue  # not requeued again: failed
    upload.refresh_from_db()
    assert upload.status == ParticipantImport.Status.FAILED
    assert "Ladda upp filen igen" in upload.error
    assert (upload.rows, upload.headers, upload.preview, upload.errors) == ([], [], [], [])
    assert not Participation.objects.exists()


def test_recovered_import_that_a_worker_then_finishes_is_imported(world, job_queue):
    upload = _queued_import(world, job_queue)
    _expire_lease(upload)  # the message was lost: no worker ever took it
    assert jobs.jobs_recover(ParticipantImport) == 1
    job_queue.run()
    upload.refresh_from_db()
    assert upload.status == ParticipantImport.Status.DONE
    assert upload.rows == []
    assert Participation.objects.filter(project=world["project"]).count() == 3


def test_survey_export_is_not_requeued_after_max_attempts(world, settings, job_queue):
    export = survey_services.survey_export_request(
        round_=world["round"], user_id=None, language="sv"
    )
    job_queue.clear()
    requeued = 0
    for _ in range(settings.JOB_MAX_ATTEMPTS + 3):  # every beat finds it stalled
        _expire_lease(export)
        requeued += len(job_queue)
        job_queue.clear()
        jobs.jobs_recover(SurveyExport)
    export.refresh_from_db()
    assert export.status == SurveyExport.Status.FAILED
    assert "Beställ exporten igen" in export.error
    assert requeued == settings.JOB_MAX_ATTEMPTS - 1  # then never again


def test_expired_survey_export_files_are_deleted(world, settings):
    export = survey_services.survey_export_request(
        round_=world["round"], user_id=None, language="sv"
    )
    export.refresh_from_db()
    assert export.status == SurveyExport.Status.DONE
    path = export.file.path
    assert os.path.exists(path)
    assert jobs.jobs_clean_up(SurveyExport) == 0  # a fresh file stays
    SurveyExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.SURVEY_EXPORT_RETENTION_DAYS + 1)
    )
    assert jobs.jobs_maintain()["surveys.SurveyExport"]["cleaned"] == 1
    export.refresh_from_db()
    assert not export.file
    assert not os.path.exists(path)


def test_jobs_of_projects_past_retention_are_deleted_with_their_files(world):
    export = survey_services.survey_export_request(
        round_=world["round"], user_id=None, language="sv"
    )
    export.refresh_from_db()
    path = export.file.path
    type(world["project"]).objects.filter(pk=world["project"].pk).update(
        retain_until=timezone.localdate() - dt.timedelta(days=1)
    )
    jobs.jobs_clean_up(SurveyExport)
    assert not SurveyExport.objects.exists()
    assert not os.path.exists(path)


def _order_report(world):
    return report_services.report_run_create(
        access=project_access(world["coordinator"], world["project"]),
        user=world["coordinator"],
        kind="indikatorer",
        file_format="xlsx",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 6, 30),
    )


def _order_export(world):
    return survey_services.survey_export_request(round_=world["round"], user_id=None, language="sv")


def _upload_big_file(world):
    return participant_services.participant_import_receive(
        project=world["project"],
        organisation=None,
        user_id=world["coordinator"].pk,
        upload=SimpleUploadedFile("d.csv", _csv(world["org"], 2)),
    )


@pytest.mark.parametrize(
    ("order", "model", "noun"),
    [
        (_order_report, ReportRun, "rapporten"),
        (_order_export, SurveyExport, "exporten"),
        (_upload_big_file, ParticipantImport, "importen"),
    ],
)
def test_broker_down_gives_the_message_and_keeps_nothing(world, monkeypatch, order, model, noun):
    def broker_down(task_path, job_id):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(jobs, "_publish", broker_down)
    with pytest.raises(ValidationError) as error:
        order(world)
    assert error.value.code == "broker_unavailable"
    assert error.value.messages[0].startswith("Bakgrundstjänsten svarar inte just nu")
    assert f"så {noun} startades inte" in error.value.messages[0]
    assert not model.objects.exists()
    for folder, _dirs, files in os.walk(_private_root()):
        assert not files, folder  # no orphaned upload or file either


def _private_root() -> str:
    from django.conf import settings

    os.makedirs(settings.PRIVATE_STORAGE_ROOT, exist_ok=True)
    return settings.PRIVATE_STORAGE_ROOT


def test_broker_down_at_a_big_confirm_leaves_the_preview(world, monkeypatch, job_queue):
    upload = participant_services.participant_import_prepare(
        project=world["project"],
        organisation=None,
        user_id=None,
        filename="d.csv",
        data=_csv(world["org"], 2),
    )

    def broker_down(task_path, job_id):
        raise KombuOperationalError("connection refused")

    monkeypatch.setattr(jobs, "_publish", broker_down)
    with pytest.raises(ValidationError, match="så importen startades inte"):
        participant_services.participant_import_enqueue(upload=upload)
    upload.refresh_from_db()
    assert upload.status == ParticipantImport.Status.PENDING  # confirm again later
    assert len(upload.rows) == 2


def test_big_file_is_read_in_the_worker_under_a_memory_limit(world, settings, monkeypatch):
    """A file whose reading needs more memory than the limit fails with a message, the
    worker process keeps running, and nothing of the file is kept."""
    settings.PARTICIPANT_IMPORT_MEMORY_MB = 64

    def expands(data: bytes, filename: str):  # what a decompression bomb does to the reader
        return [bytearray(1 << 20) for _ in range(1024)]

    monkeypatch.setattr(importing, "read_table", expands)
    upload = _upload_big_file(world)  # runs in-process here: the worker's code path
    upload.refresh_from_db()
    assert upload.status == ParticipantImport.Status.FAILED
    assert "mer minne än 64 MB" in upload.error
    assert not upload.file
    assert upload.rows == []


def test_memory_limit_applies_to_the_child_only():
    with pytest.raises(MemoryLimitExceeded):
        run_with_memory_limit(bytearray, 1 << 30, memory_bytes=64 << 20)
    assert len(bytearray(256 << 20)) == 256 << 20  # the caller is not limited
    assert run_with_memory_limit(sum, [1, 2, 3], memory_bytes=64 << 20) == 6
    with pytest.raises(ZeroDivisionError):
        run_with_memory_limit(divmod, 1, 0, memory_bytes=64 << 20)


def _reader_that_hides_memory_errors(size: int) -> None:
    try:
        bytearray(size)
    except Exception as exc:
        raise ValueError("the file is damaged") from exc


def test_memory_error_wrapped_by_the_reader_is_still_a_memory_error():
    with pytest.raises(MemoryLimitExceeded):
        run_with_memory_limit(_reader_that_hides_memory_errors, 1 << 30, memory_bytes=64 << 20)


def _zip_with(expanded: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * expanded)
    return SimpleUploadedFile("d.xlsx", buffer.getvalue())


def test_small_xlsx_that_expands_is_read_in_the_worker(settings):
    settings.PARTICIPANT_IMPORT_SYNC_EXPANDED_BYTES = 5_000_000
    bomb = _zip_with(50_000_000)
    assert bomb.size < settings.PARTICIPANT_IMPORT_SYNC_BYTES  # small to upload …
    assert participant_services.participant_import_in_worker(bomb)  # … but not read in web
    assert bomb.tell() == 0
    assert not participant_services.participant_import_in_worker(_zip_with(1000))
    plain = SimpleUploadedFile("d.csv", b"Personnummer;Namn\r\n")
    assert not participant_services.participant_import_in_worker(plain)
