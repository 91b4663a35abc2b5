"""Two workers running the exit send at the same moment mail each participant once: the
ExitDispatch row (unique per participation and kind) is the claim, locked while its mail
goes out."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail as outbox
from django.db import connection, connections
from django.utils import timezone

from surveys import services
from surveys.models import ExitDispatch, Invitation, Round
from tests.factories import ProjectFactory
from tests.surveys.exit_world import enable, ended

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_two_workers_at_once_send_each_exit_survey_once():
    if connection.vendor != "postgresql":
        pytest.fail("row locking is tested on PostgreSQL (set DATABASE_URL)")
    # Today's date, not a frozen one: freezegun does not hold across threads.
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    project = ProjectFactory(start_date=today - year, end_date=today + year)
    enable(project)
    people = [ended(project, end=today, start_date=today - dt.timedelta(days=30)) for _ in range(3)]
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            sent.append(services.exit_surveys_send_due().get("sent", 0))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sum(sent) == 3
    assert len(outbox.outbox) == 3
    assert sorted(m.to[0] for m in outbox.outbox) == sorted(p.email for p in people)
    assert ExitDispatch.objects.filter(outcome="sent").count() == 3
    assert Invitation.objects.count() == 3
    assert Round.objects.filter(purpose=Round.Purpose.EXIT).count() == 1  # one standing round
