"""Mail through the real broker and worker: a send that fails is retried and goes out once."""

from __future__ import annotations

import time

import pytest

from activities import services
from digiproj.mail.models import SentMail
from digiproj.mail.tasks import mail_send_task
from tests.factories import ParticipationFactory, SessionFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_retried_mail_task_sends_once(worker):
    worker.restart(DJANGO_EMAIL_BACKEND="tests.mail_backends.AwayOnceBackend")
    session = SessionFactory(activity__title="Excel för ekonomer")
    person = ParticipationFactory(project=session.activity.project)

    result = services.enrolment_create(session=session, participation=person, by_user_id=None)

    key = f"enrolment_confirmation:{result.enrolment.pk}"
    assert _wait_for(lambda: SentMail.objects.filter(key=key, sent_at__isnull=False).exists())
    assert (worker.mail_dir / "server-was-away").exists()  # the first try did fail
    mails = [m for m in worker.mails() if "Excel för ekonomer" in m]
    assert len(mails) == 1
    assert person.email in mails[0]
    assert "tillfalle.ics" in mails[0]
    # The same task delivered again (a redelivery after a lost ack) sends nothing.
    again = mail_send_task.delay(
        "enrolment_confirmation", str(result.enrolment.pk), {"enrolment_id": result.enrolment.pk}
    )
    assert again.get(timeout=30) == 0
    assert len([m for m in worker.mails() if "Excel för ekonomer" in m]) == 1
