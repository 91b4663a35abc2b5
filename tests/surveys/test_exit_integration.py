"""The exit questionnaire through the real broker and worker: ending a participation makes
the beat task (sent as beat sends it, by name, to a worker process) mail exactly one exit
survey; running it again, or twice at once, sends nothing more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from digiproj.beat import BEAT_SCHEDULE
from digiproj.celery import app
from participants import services as participant_services
from participants.models import Participation
from surveys import services
from surveys.models import ExitDispatch
from tests.factories import ParticipationFactory, ProjectFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _beat_entry() -> str:
    return BEAT_SCHEDULE["surveys-exit-surveys"]["task"]


@pytest.fixture
def mails_removed_after(celery_worker):
    """The worker's mail folder is shared by the session: take this test's mails away after
    it, so a later test counting survey links counts only its own."""
    yield celery_worker
    for path in celery_worker.mail_dir.glob("*.log"):
        if "lamnar@example.test" in path.read_text():
            path.unlink()


def test_ending_a_participation_sends_one_exit_mail_through_the_worker(mails_removed_after):
    celery_worker = mails_removed_after
    today = timezone.localdate()
    project = ProjectFactory(
        start_date=today - dt.timedelta(days=400), end_date=today + dt.timedelta(days=400)
    )
    services.exit_settings_save(
        project=project, enabled=True, follow_up_enabled=True, exit_days=0, follow_up_months=6
    )
    leaving = ParticipationFactory(
        project=project, start_date=today - dt.timedelta(days=100), email="lamnar@example.test"
    )
    ParticipationFactory(project=project, email="stannar@example.test")
    participant_services.participation_end(
        participation=leaving, end_date=today, end_reason=Participation.EndReason.COMPLETED
    )

    # As beat sends it: the task's name from the schedule, no arguments.
    first = app.send_task(_beat_entry()).get(timeout=60)
    assert first["sent"] == 1

    again = [app.send_task(_beat_entry()) for _ in range(2)]
    assert [r.get(timeout=60).get("sent", 0) for r in again] == [0, 0]

    mails = [m for m in celery_worker.mails() if "lamnar@example.test" in m]
    assert len(mails) == 1
    assert "Utträdesenkät" in mails[0]
    assert "/enkater/svara/" in mails[0]
    assert not [m for m in celery_worker.mails() if "stannar@example.test" in m]
    dispatch = ExitDispatch.objects.get(participation=leaving)
    assert dispatch.outcome == ExitDispatch.Outcome.SENT
    assert dispatch.invitation.sent_at is not None
