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
