"""A large import really runs in a separate Celery worker, through the Redis broker."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from participants import services, tasks
from participants.models import ParticipantImport, Participation
from tests.factories import ProjectFactory, ProjectOrganisationFactory, participant_test_pnr

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait(upload, statuses, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status in statuses:
            return
        time.sleep(0.1)
    raise AssertionError(f"upload still {upload.status} after {timeout}s")


def test_queued_import_runs_in_worker(celery_worker):
    project = ProjectFactory()
    org = ProjectOrganisationFactory(project=project).organisation
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"])
    for i in range(50):
        sheet.append(
            [participant_test_pnr(i), "Anna", f"Ek{i}", org.organisationsnummer, "2024-03-01"]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = services.participant_import_prepare(
        project=project, organisation=None, user_id=None, filename="d.xlsx", data=buffer.getvalue()
    )
    assert services.participant_import_enqueue(upload=upload)
    _wait(upload, {ParticipantImport.Status.DONE, ParticipantImport.Status.FAILED})
    assert upload.status == ParticipantImport.Status.DONE, upload.error
    assert upload.rows == []
    assert Participation.objects.filter(project=project).count() == 50
    # Redelivery of the same task changes nothing.
    tasks.participant_import_run_task.delay(upload.pk).get(timeout=60)
    assert Participation.objects.filter(project=project).count() == 50


def _big_upload(project, org, n=50):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"])
    for i in range(n):
        sheet.append(
            [participant_test_pnr(i), "Anna", f"Ek{i}", org.organisationsnummer, "2024-03-01"]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return services.participant_import_receive(
        project=project,
        organisation=None,
        user_id=None,
        upload=SimpleUploadedFile("d.xlsx", buffer.getvalue()),
    )


def test_big_file_is_read_by_the_worker_in_a_limited_child(worker):
    project = ProjectFactory()
    org = ProjectOrganisationFactory(project=project).organisation
    upload = _big_upload(project, org)
    _wait(upload, {ParticipantImport.Status.PENDING, ParticipantImport.Status.FAILED})
    assert upload.status == ParticipantImport.Status.PENDING, upload.error
    assert upload.row_count == 50
    assert not upload.file  # read, then deleted

    # With a limit no spreadsheet fits in, the worker's child runs out and the upload fails
    # with the message; the worker itself carries on.
    worker.restart(DIGIPROJ_IMPORT_MEMORY_MB="1")
    upload = _big_upload(project, org, n=5000)
    _wait(upload, {ParticipantImport.Status.PENDING, ParticipantImport.Status.FAILED})
    assert upload.status == ParticipantImport.Status.FAILED
    assert "mer minne än 1 MB" in upload.error
    assert (upload.rows, bool(upload.file)) == ([], False)
    assert worker.process.poll() is None
