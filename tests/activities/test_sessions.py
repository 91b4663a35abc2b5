"""Activities and sessions: validation, DST, moving a session after attendance."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Activity, Session
from tests.factories import ActivityFactory, AttendanceFactory, SessionFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def test_activity_create_keeps_areas_and_teachers(world):
    activity = services.activity_create(
        project=world.project,
        kind=Activity.Kind.LECTURE,
        title=" Säker e-post ",
        digcomp_areas=["4", 2, 4],
        teachers=[world.teacher],
    )
    assert activity.title == "Säker e-post"
    assert activity.digcomp_areas == [2, 4]
    assert list(activity.teachers.all()) == [world.teacher]


def test_activity_rejects_area_outside_1_to_5(world):
    with pytest.raises(ValidationError, match="1–5"):
        services.activity_create(
            project=world.project, kind="lecture", title="X", digcomp_areas=[6]
        )
    assert not Activity.objects.filter(title="X").exists()


def test_teacher_from_another_project_is_refused(world):
    with pytest.raises(ValidationError, match="inte utbildare"):
        services.activity_create(
            project=world.project, kind="lecture", title="Y", teachers=[world.outsider]
        )
    assert not Activity.objects.filter(title="Y").exists()


def test_session_across_last_sunday_of_october_counts_real_minutes(world):
    # 2026-10-25 is the last Sunday of October: clocks go back from 03:00 to 02:00.
    start = dt.datetime(2026, 10, 25, 1, 0, tzinfo=STHLM)
    end = dt.datetime(2026, 10, 25, 4, 0, tzinfo=STHLM)
    session = services.session_create(
        activity=world.activity, starts_at=start, ends_at=end, place="Rum 1"
    )
    session.refresh_from_db()
    assert session.duration_minutes == 4 * 60  # three on the clock, four in reality
    assert session.starts_at.astimezone(STHLM).utcoffset() == dt.timedelta(hours=2)
    assert session.ends_at.astimezone(STHLM).utcoffset() == dt.timedelta(hours=1)


def test_session_end_before_start_is_refused(world):
    start = dt.datetime(2026, 5, 5, 10, 0, tzinfo=STHLM)
    with pytest.raises(ValidationError) as error:
        services.session_create(
            activity=world.activity,
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
            place="Rum 1",
        )
    assert "efter starttiden" in str(error.value.message_dict["ends_at"])
    assert Session.objects.count() == 1  # only the fixture's


def test_session_longer_than_a_day_is_refused(world):
    start = dt.datetime(2026, 5, 5, 10, 0, tzinfo=STHLM)
    with pytest.raises(ValidationError, match="högst 24 timmar"):
        services.session_create(
            activity=world.activity,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=25),
            place="Rum 1",
        )


def test_session_capacity_zero_and_late_deadline_are_refused(world):
    start = dt.datetime(2026, 5, 5, 10, 0, tzinfo=STHLM)
    with pytest.raises(ValidationError) as error:
        services.session_create(
            activity=world.activity,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="Rum 1",
            capacity=0,
            enrolment_deadline=start + dt.timedelta(minutes=5),
        )
    assert set(error.value.message_dict) == {"capacity", "enrolment_deadline"}


def test_recorded_material_has_no_sessions(world):
    recorded = ActivityFactory(project=world.project, kind=Activity.Kind.RECORDED)
    start = dt.datetime(2026, 5, 5, 10, 0, tzinfo=STHLM)
    with pytest.raises(ValidationError, match="Inspelat material"):
        services.session_create(
            activity=recorded, starts_at=start, ends_at=start + dt.timedelta(hours=1), place="X"
        )


def test_activity_with_sessions_cannot_become_recorded(world):
    with pytest.raises(ValidationError, match="inspelat material"):
        services.activity_update(activity=world.activity, kind=Activity.Kind.RECORDED)
    world.activity.refresh_from_db()
    assert world.activity.kind == Activity.Kind.WORKSHOP


def test_moving_session_after_attendance_needs_confirmation(world):
    AttendanceFactory(session=world.session, participation=world.own, minutes=60)
    new_start = world.session.starts_at + dt.timedelta(days=1)
    new_end = world.session.ends_at + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.session_update(session=world.session, starts_at=new_start, ends_at=new_end)
    assert error.value.code == "moved_after_attendance"
    world.session.refresh_from_db()
    assert world.session.starts_at != new_start  # nothing half-saved

    services.session_update(
        session=world.session, starts_at=new_start, ends_at=new_end, confirm_moved=True
    )
    world.session.refresh_from_db()
    assert world.session.starts_at == new_start


def test_session_cannot_become_shorter_than_registered_minutes(world):
    AttendanceFactory(session=world.session, participation=world.own, minutes=120)
    with pytest.raises(ValidationError, match="120 minuters"):
        services.session_update(
            session=world.session,
            ends_at=world.session.starts_at + dt.timedelta(minutes=60),
            confirm_moved=True,
        )


def test_place_change_after_attendance_needs_no_confirmation(world):
    AttendanceFactory(session=world.session, participation=world.own)
    services.session_update(session=world.session, place="Aulan")
    world.session.refresh_from_db()
    assert world.session.place == "Aulan"


def test_session_without_place_or_link_is_refused(world):
    start = dt.datetime(2026, 5, 5, 10, 0, tzinfo=STHLM)
    with pytest.raises(ValidationError, match="plats eller en länk"):
        services.session_create(
            activity=world.activity, starts_at=start, ends_at=start + dt.timedelta(hours=1)
        )


def test_session_factory_still_valid(world):
    assert SessionFactory(activity=world.activity).duration_minutes == 120
