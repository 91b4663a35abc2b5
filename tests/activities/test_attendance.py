"""Attendance: explicit marks, partial minutes, not-enrolled refused, late changes with history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.models import Attendance, Certificate
from activities.services import AttendanceMark
from tests.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    """A two-hour session held yesterday with two enrolled people."""
    start = timezone.now() - dt.timedelta(days=1)
    session = SessionFactory(activity=world.activity, starts_at=start, teacher=world.teacher)
    EnrolmentFactory(session=session, participation=world.own)
    EnrolmentFactory(session=session, participation=world.foreign)
    return session


def test_present_defaults_to_session_length_and_partial_is_kept(world, held):
    changed = services.attendance_save(
        session=held,
        marks=[
            AttendanceMark(world.own.pk, present=True),
            AttendanceMark(world.foreign.pk, present=True, minutes=45),
        ],
        by_user_id=world.teacher.pk,
    )
    assert changed == 2
    minutes = dict(Attendance.objects.values_list("participation_id", "minutes"))
    assert minutes == {world.own.pk: 120, world.foreign.pk: 45}
    row = Attendance.objects.get(participation=world.own)
    assert row.marked_by == world.teacher
    assert row.marked_at is not None


def test_absent_counts_zero_minutes(world, held):
    services.attendance_save(
        session=held,
        marks=[AttendanceMark(world.own.pk, present=False, minutes=60)],
        by_user_id=None,
    )
    assert Attendance.objects.get().minutes == 0


def test_minutes_longer_than_session_refused_and_nothing_saved(world, held):
    with pytest.raises(ValidationError) as error:
        services.attendance_save(
            session=held,
            marks=[
                AttendanceMark(world.own.pk, present=True),
                AttendanceMark(world.foreign.pk, present=True, minutes=121),
            ],
            by_user_id=None,
        )
    assert "Rad 2" in error.value.messages[0]
    assert "0 och 120" in error.value.messages[0]
    assert not Attendance.objects.exists()


def test_attendance_for_someone_not_enrolled_is_refused(world, held):
    stranger = EnrolmentFactory(session__activity=world.activity).participation
    stranger.project = world.project
    with pytest.raises(ValidationError, match="inte anmäld"):
        services.attendance_save(
            session=held, marks=[AttendanceMark(stranger.pk, present=True)], by_user_id=None
        )
    assert not Attendance.objects.exists()


def test_change_after_seven_days_needs_reason_and_keeps_history(world, held):
    services.attendance_save(
        session=held, marks=[AttendanceMark(world.own.pk, present=True)], by_user_id=None
    )
    later = timezone.now() + dt.timedelta(days=8)
    with pytest.raises(ValidationError) as error:
        services.attendance_save(
            session=held,
            marks=[AttendanceMark(world.own.pk, present=True, minutes=60)],
            by_user_id=None,
            now=later,
        )
    assert error.value.code == "reason_required"
    assert Attendance.objects.get().minutes == 120

    services.attendance_save(
        session=held,
        marks=[AttendanceMark(world.own.pk, present=True, minutes=60)],
        by_user_id=None,
        reason="Gick efter en timme",
        now=later,
    )
    row = Attendance.objects.get()
    assert (row.minutes, row.change_reason) == (60, "Gick efter en timme")
    history = list(
        row.history.order_by("history_date").values_list("minutes", "history_change_reason")
    )
    assert history == [(120, ""), (60, "Gick efter en timme")]


def test_change_after_signed_certificate_needs_reason(world, held):
    services.attendance_save(
        session=held, marks=[AttendanceMark(world.own.pk, present=True)], by_user_id=None
    )
    Certificate.objects.create(
        participation=world.own,
        month=timezone.localtime(held.starts_at).date().replace(day=1),
        participant_signed_at=timezone.now(),
        content_hash="x",
    )
    with pytest.raises(ValidationError, match="skäl"):
        services.attendance_save(
            session=held, marks=[AttendanceMark(world.own.pk, present=False)], by_user_id=None
        )


def test_unchanged_resubmission_changes_nothing(world, held):
    marks = [AttendanceMark(world.own.pk, present=True)]
    services.attendance_save(session=held, marks=marks, by_user_id=None)
    assert services.attendance_save(session=held, marks=marks, by_user_id=None) == 0
    assert Attendance.history.count() == 1


def test_self_report_for_an_activity_with_sessions_is_refused(world):
    with pytest.raises(ValidationError, match="inspelat material"):
        services.self_report_create(
            activity=world.activity,
            participation=world.own,
            date=dt.date(2024, 5, 2),
            minutes=30,
            by_user_id=None,
        )
