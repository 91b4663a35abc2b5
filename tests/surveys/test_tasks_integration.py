"""Invitations really go through the Redis broker to a worker process, which mails each
person once; running the task again sends nothing more."""

from __future__ import annotations

import pytest

from surveys import services
from surveys.models import SurveyExport
from surveys.tasks import round_invitations_send_task, survey_export_run_task
from tests.factories import (
    ParticipationFactory,
    ProjectFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SurveyFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_invitations_are_sent_by_the_worker_once(celery_worker):
    project = ProjectFactory()
    survey = SurveyFactory(project=project)
    QuestionFactory(section=SectionFactory(survey=survey))
    round_ = RoundFactory(survey=survey)
    ParticipationFactory.create_batch(2, project=project)

    assert round_invitations_send_task.delay(round_.pk).get(timeout=30) == 2
    assert round_invitations_send_task.delay(round_.pk).get(timeout=30) == 0

    mails = celery_worker.mails()
    # One mail each (the link is in its text and its HTML part).
    assert sum(1 for m in mails if "/enkater/svara/" in m) == 2
    assert round_.invitations.filter(sent_at__isnull=False).count() == 2


def test_export_is_written_by_the_worker(celery_worker):
    project = ProjectFactory()
    survey = SurveyFactory(project=project)
    QuestionFactory(section=SectionFactory(survey=survey))
    round_ = RoundFactory(survey=survey)
    export = services.survey_export_request(round_=round_, user_id=None, language="sv")

    survey_export_run_task.delay(export.pk).get(timeout=30)

    export.refresh_from_db()
    assert (export.status, export.progress) == (SurveyExport.Status.DONE, 100)
    assert (celery_worker.private_root / export.file.name).exists()
