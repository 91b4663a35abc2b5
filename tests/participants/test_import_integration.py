"""A large import really runs in a separate Celery worker, through the Redis broker."""

from __future__ import annotations

import io

import openpyxl
import pytest

from participants import services, tasks
from participants.models import ParticipantImport, Participation
from tests.factories import ProjectFactory, ProjectOrganisationFactory, participant_test_pnr

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


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
    result = tasks.participant_import_confirm_task.delay(upload.pk, None)
    result.get(timeout=60)
    upload.refresh_from_db()
    assert upload.status == ParticipantImport.Status.IMPORTED
    assert Participation.objects.filter(project=project).count() == 50
    # Redelivery of the same task changes nothing.
    tasks.participant_import_confirm_task.delay(upload.pk, None).get(timeout=60)
    assert Participation.objects.filter(project=project).count() == 50
