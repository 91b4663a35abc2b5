"""A cancellation promotes the first waiting person; the mail goes through the real broker."""

from __future__ import annotations

import time

import pytest

from activities import services, tasks
from activities.models import Enrolment
from digiproj.mail.models import SentMail
from tests.factories import ParticipationFactory, SessionFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_cancellation_promotes_first_waiting_with_one_mail_through_broker(celery_worker):
    session = SessionFactory(capacity=1)
    project = session.activity.project
    a, b, c = (ParticipationFactory(project=project) for _ in range(3))
    first = services.enrolment_create(session=session, participation=a, by_user_id=None)
    services.enrolment_create(session=session, participation=b, by_user_id=None)
    services.enrolment_create(session=session, participation=c, by_user_id=None)
    # Their three confirmations (two of them waiting-list mails) go out first.
    assert _wait_for(
        lambda: (
            SentMail.objects.filter(kind="enrolment_confirmation", sent_at__isnull=False).count()
            == 3
        )
    )
    # Mail files are named by the second they were written in and a random part, so files of
    # one second do not sort in order: the new ones are those not there before.
    before = set(celery_worker.mails())

    promoted = services.enrolment_cancel(enrolment=first.enrolment, by_user_id=None)

    assert promoted.participation_id == b.pk
    assert _wait_for(
        lambda: Enrolment.objects.filter(
            pk=promoted.pk, promotion_notified_at__isnull=False
        ).exists()
    )
    # The one who cancelled is told so; the one moved up gets one mail.
    assert _wait_for(
        lambda: (
            SentMail.objects.filter(
                kind__in=["enrolment_cancelled", "enrolment_promoted"], sent_at__isnull=False
            ).count()
            == 2
        )
    )
    mails = [m for m in celery_worker.mails() if m not in before]
    assert len(mails) == 2
    (moved_up,) = [m for m in mails if b.email in m]
    assert session.activity.title in moved_up

    # A second delivery of the same task is a no-op in the worker.
    assert tasks.enrolment_promotion_notify_task.delay(promoted.pk).get(timeout=30) is False
    assert len([m for m in celery_worker.mails() if m not in before]) == 2
