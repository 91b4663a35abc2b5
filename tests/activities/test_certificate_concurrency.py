"""Double clicks that arrive at the same moment (#17 items 6 and 14), on PostgreSQL: a
certificate signature, a manager signature and a self-reported time each end with one write
and the same clear answer the first-come check gives, never a 500."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import TestCase

from activities import services
from activities.models import Certificate, SelfReportedTime
from tests.factories import ActivityFactory, AttendanceFactory, EnrolmentFactory, SessionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def march(world):
    if connection.vendor != "postgresql":
        pytest.fail("row locking is tested on PostgreSQL (set DATABASE_URL)")
    start = dt.datetime(2026, 3, 10, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    session = SessionFactory(
        activity=world.activity, starts_at=start, ends_at=start.replace(hour=12)
    )
    EnrolmentFactory(session=session, participation=world.own)
    AttendanceFactory(session=session, participation=world.own)


def _twice(action: Callable[[], object]) -> list[str]:
    """Run `action` in two threads released together; the outcomes: "ok" or the error code."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            action()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(str(getattr(exc, "code", None)))
        except BaseException as exc:  # an IntegrityError or a lock error: the bug
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def test_concurrent_participant_signatures_sign_once(world, march):
    outcomes = _twice(
        lambda: services.certificate_sign_participant(
            participation=world.own, month=MARCH, user_id=world.participant_user.pk
        )
    )
    assert outcomes == ["already_signed", "ok"]
    assert Certificate.objects.filter(participant_signed_at__isnull=False).count() == 1


def test_concurrent_manager_signatures_sign_once(world, march):
    cert = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.certificate_request_manager(certificate=cert, email="chef@example.test")
    code = re.search(r"Engångskod: (\d{6})", mail.outbox[-1].body).group(1)
    outcomes = _twice(
        lambda: services.certificate_sign_manager(certificate=cert, name="Chef", code=code)
    )
    assert outcomes == ["ok", "used"]
    cert.refresh_from_db()
    assert cert.manager_signed_name == "Chef"


def test_concurrent_self_reports_with_one_token_make_one_row(world, march):
    recorded = ActivityFactory(project=world.project, kind="recorded")
    token = uuid.uuid4()
    outcomes = _twice(
        lambda: services.self_report_create(
            activity=recorded,
            participation=world.own,
            date=dt.date(2024, 5, 2),
            minutes=50,
            by_user_id=world.participant_user.pk,
            submit_token=token,
        )
    )
    assert outcomes == ["already_reported", "ok"]
    assert SelfReportedTime.objects.count() == 1
