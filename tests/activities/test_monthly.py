"""The monthly table (activities.monthly) against the rows it sums: every figure that the
reports take from counted_month_rows equals the same figure summed from counted_rows, on
every key, for periods that cut months, after every kind of write that changes time."""

from __future__ import annotations

import datetime as dt
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities import hours, monthly, services
from activities.models import Activity, MonthlyMinutes, ParticipantMonth, SelfReportedTime
from activities.services import AttendanceMark
from participants.importing.plan import Plan, Update
from participants.models import Participation
from participants.services import import_writes, person_erase
from participants.services.records import participation_end
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    SelfReportedTimeFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")

KEYS = [
    (),
    ("pid",),
    ("person",),
    ("gender",),
    ("org",),
    ("act",),
    ("kind",),
    ("att",),
    ("month",),
    ("pid", "month"),
    ("act", "pid", "att"),
    ("gender", "kind", "month"),
]
PERIODS = [
    (None, None),
    (dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
    (dt.date(2024, 3, 15), dt.date(2024, 6, 10)),  # both ends cut a month
    (dt.date(2024, 3, 20), dt.date(2024, 3, 31)),  # part of one month, to its end
    (dt.date(2024, 4, 1), dt.date(2024, 4, 30)),  # one whole month
    (dt.date(2024, 3, 31), dt.date(2024, 4, 1)),  # a day either side of a month's end
    (dt.date(2024, 4, 2), dt.date(2024, 4, 29)),  # inside one month, no whole month
    (None, dt.date(2024, 4, 15)),
    (dt.date(2024, 4, 2), None),
]


def _at(day: str, hm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=STHLM)


@pytest.fixture
def world():
    """Two projects and a person in both; participations that start and end mid-month;
    sessions on both sides of a Stockholm midnight at a month's end; present rows of 0
    minutes, absent rows; approved, pending and rejected self-reported time; a gender
    override and an erased participation."""
    project = ProjectFactory()
    other = ProjectFactory()
    workshop = ActivityFactory(project=project, kind=Activity.Kind.WORKSHOP)
    lecture = ActivityFactory(project=project, kind=Activity.Kind.LECTURE)
    film = ActivityFactory(project=project, kind=Activity.Kind.RECORDED)
    shared = PersonFactory()
    cut = ParticipationFactory(
        project=project,
        person=shared,
        start_date=dt.date(2024, 3, 15),
        end_date=dt.date(2024, 6, 10),
    )
    elsewhere = ParticipationFactory(project=other, person=shared, start_date=dt.date(2024, 1, 1))
    open_ended = ParticipationFactory(project=project, start_date=dt.date(2024, 1, 1))
    overridden = ParticipationFactory(
        project=project,
        start_date=dt.date(2024, 2, 1),
        gender_override="M",
        gender_override_reason="Anmält av personen",
    )
    erased = ParticipationFactory(project=project, start_date=dt.date(2024, 1, 1))
    people = [cut, open_ended, overridden, erased]
    times = [
        ("2024-03-10", "09:00", 120),  # before `cut` starts: outside for it
        ("2024-03-31", "22:30", 60),  # still 31 March in Stockholm
        ("2024-04-01", "00:30", 90),  # 1 April in Stockholm, 31 March in UTC
        ("2024-04-15", "13:00", 0),  # present for no minutes
        ("2024-06-10", "09:00", 45),  # `cut`'s last day
        ("2024-06-11", "09:00", 30),  # after it
        ("2024-07-01", "09:00", 75),
    ]
    for n, (day, hm, minutes) in enumerate(times):
        activity = (workshop, lecture)[n % 2]
        session = SessionFactory(
            activity=activity,
            starts_at=_at(day, hm),
            ends_at=_at(day, hm) + dt.timedelta(hours=3),
        )
        for i, participation in enumerate(people):
            AttendanceFactory(
                session=session,
                participation=participation,
                present=(n + i) % 5 != 4,
                minutes=minutes + 5 * i if (n + i) % 5 != 4 else 0,
            )
    other_session = SessionFactory(
        activity=ActivityFactory(project=other),
        starts_at=_at("2024-04-10"),
        ends_at=_at("2024-04-10", "12:00"),
    )
    AttendanceFactory(session=other_session, participation=elsewhere, minutes=180)
    for participation in people:
        for day, status in (
            (dt.date(2024, 3, 14), "approved"),  # the day before `cut` starts
            (dt.date(2024, 3, 31), "approved"),
            (dt.date(2024, 4, 20), "pending"),
            (dt.date(2024, 5, 5), "rejected"),
            (dt.date(2024, 6, 30), "approved"),
        ):
            SelfReportedTimeFactory(
                activity=film, participation=participation, date=day, status=status
            )
    Participation.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    return {
        "project": project,
        "other": other,
        "workshop": workshop,
        "film": film,
        "cut": cut,
        "elsewhere": elsewhere,
        "open": open_ended,
        "erased": erased,
    }


def _both(**kwargs) -> tuple[dict, dict]:
    return hours.counted_rows(**kwargs), hours.counted_month_rows(**kwargs)


# After a write: the figures the reports take, over the periods that cut months.
FEW_KEYS = [(), ("gender",), ("pid", "month"), ("act", "pid", "att")]


def _agree(participations, keys_tried=KEYS, **filters) -> int:
    """Every key, period and zero/outside choice gives the same sums both ways; returns
    how many figures were compared."""
    compared = 0
    choices = product(PERIODS, keys_tried, (False, True), (False, True))
    for (start, end), keys, zero, outside in choices:
        live, months = _both(
            participations=participations, start=start, end=end, outside=outside, **filters
        )
        expected = hours.minutes_by(live, *keys, zero=zero)
        assert hours.minutes_by(months, *keys, zero=zero) == expected, (start, end, keys)
        compared += len(expected)
        if filters.keys() <= {"project"} and set(keys) <= set(hours.TOTAL_COLUMNS) | {"month"}:
            person_months = hours.counted_month_rows(
                participations=participations,
                start=start,
                end=end,
                outside=outside,
                by_activity=False,
                **filters,
            )
            assert hours.minutes_by(person_months, *keys, zero=zero) == expected, (start, keys)
            compared += len(expected)
    return compared


def test_the_tables_are_exact_after_the_factories_wrote_them(world):
    assert monthly.stale() == []
    # Fewer rows than the time they sum, even in this small world.
    assert MonthlyMinutes.objects.count() < 4 * 7 + 1 + 4 * 3
    assert ParticipantMonth.objects.count() < MonthlyMinutes.objects.count()
    assert MonthlyMinutes.objects.filter(counted=False).exists()
    assert ParticipantMonth.objects.filter(counted=False).exists()


def test_the_person_months_need_no_activity():
    with pytest.raises(ValueError, match="activity"):
        hours.counted_month_rows(
            participations=[], start=None, end=None, kind="lecture", by_activity=False
        )


def test_every_figure_agrees_with_the_rows_it_sums(world):
    project = world["project"]
    in_project = Participation.objects.filter(project=project)
    assert _agree(in_project) > 500
    assert _agree([world["cut"].pk, world["elsewhere"].pk])  # a person in two projects
    _agree(in_project, FEW_KEYS, activity_id=world["workshop"].pk)
    _agree(in_project, FEW_KEYS, kind=Activity.Kind.RECORDED)
    _agree(in_project, FEW_KEYS, project=project)


def test_whole_months_and_the_cut_days_around_them():
    assert hours.whole_months(dt.date(2024, 3, 15), dt.date(2024, 6, 10)) == (
        dt.date(2024, 4, 1),
        dt.date(2024, 5, 31),
    )
    assert hours.whole_months(dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
    )
    assert hours.whole_months(dt.date(2024, 4, 2), dt.date(2024, 4, 29)) is None
    assert hours.whole_months(dt.date(2024, 3, 31), dt.date(2024, 4, 1)) is None
    assert hours.whole_months(None, dt.date(2024, 2, 28)) == (None, dt.date(2024, 1, 31))
    assert hours.whole_months(dt.date(2024, 2, 29), None) == (dt.date(2024, 3, 1), None)


def test_other_projects_time_never_reaches_a_projects_figures(world):
    rows = hours.counted_month_rows(
        participations=Participation.objects.filter(project=world["project"]),
        start=None,
        end=None,
    )
    assert world["elsewhere"].pk not in {pid for (pid,) in hours.minutes_by(rows, "pid")}
    mine = hours.counted_month_rows(participations=[world["elsewhere"].pk], start=None, end=None)
    assert hours.minutes_by(mine) == {(): 180}


def _month_minutes(participation) -> dict:
    rows = hours.counted_month_rows(participations=[participation.pk], start=None, end=None)
    return hours.minutes_by(rows, "month")


def test_a_late_attendance_change_rewrites_the_month(world):
    participation = world["open"]
    session = SessionFactory(
        activity=world["workshop"], starts_at=_at("2024-05-07"), ends_at=_at("2024-05-07", "12:00")
    )
    EnrolmentFactory(session=session, participation=participation)
    user = UserFactory()
    for minutes in (100, 40):  # marked long after the session: a late change each time
        services.attendance_save(
            session=session,
            marks=[AttendanceMark(participation.pk, True, minutes)],
            by_user_id=user.pk,
            reason="Efterregistrering från papperslistan",
        )
        assert _month_minutes(participation)[(dt.date(2024, 5, 1),)] == minutes
    assert monthly.stale() == []


def test_approving_self_reported_time_counts_it_in_its_month(world):
    participation = world["open"]
    pending = SelfReportedTime.objects.get(participation=participation, status="pending")
    before = _month_minutes(participation).get((dt.date(2024, 4, 1),), 0)
    services.self_report_decide(report=pending, approve=True, by_user_id=UserFactory().pk)
    assert _month_minutes(participation)[(dt.date(2024, 4, 1),)] == before + pending.minutes
    assert monthly.stale() == []


def test_a_moved_session_moves_its_minutes_to_the_new_month(world):
    participation = world["open"]
    session = world["workshop"].sessions.get(starts_at=_at("2024-07-01"))
    before = _month_minutes(participation)
    services.session_update(
        session=session,
        confirm_moved=True,
        starts_at=_at("2024-08-05"),
        ends_at=_at("2024-08-05", "12:00"),
    )
    after = _month_minutes(participation)
    moved = before[(dt.date(2024, 7, 1),)]
    assert after[(dt.date(2024, 8, 1),)] == moved
    assert (dt.date(2024, 7, 1),) not in after
    assert monthly.stale() == []


def test_an_earlier_end_date_leaves_the_later_time_uncounted(world):
    participation = world["open"]
    participation_end(
        participation=participation,
        end_date=dt.date(2024, 4, 10),
        end_reason=Participation.EndReason.values[0],
    )
    months = _month_minutes(participation)
    assert max(month for (month,) in months) == dt.date(2024, 4, 1)
    outside = hours.counted_month_rows(
        participations=[participation.pk], start=None, end=None, outside=True
    )
    assert hours.minutes_by(outside, "month")[(dt.date(2024, 7, 1),)] > 0
    assert monthly.stale() == []


def test_an_import_that_moves_start_and_end_dates_rewrites_the_rows(world):
    """The HR file's changes and its "end everyone missing" are bulk writes (no post_save):
    they send participants.signals.dates_changed."""
    cut, other = world["cut"], world["open"]
    plan = Plan(
        updates=[
            Update(cut.pk, {}, [("start_date", cut.start_date, dt.date(2024, 3, 1))]),
        ],
        missing=[{"id": other.pk}],
    )
    import_writes.import_plan_write(
        project=world["project"],
        plan=plan,
        user_id=None,
        end=import_writes.EndMissing(
            on=dt.date(2024, 5, 31), reason=Participation.EndReason.values[0]
        ),
    )
    assert monthly.stale() == []
    assert _month_minutes(cut)[(dt.date(2024, 3, 1),)] > 0
    assert (dt.date(2024, 7, 1),) not in _month_minutes(other)  # after the new end
    outside = hours.counted_month_rows(
        participations=[other.pk], start=None, end=None, outside=True
    )
    assert (dt.date(2024, 7, 1),) in hours.minutes_by(outside, "month")


def test_an_erased_participant_leaves_every_figure(world, settings):
    project = world["project"]
    project.retain_until = dt.date(2024, 12, 31)
    project.save()
    participation = world["open"]
    assert _month_minutes(participation)
    person_erase(participation=participation, user_id=UserFactory().pk)
    assert _month_minutes(participation) == {}
    assert monthly.stale() == []
    _agree(Participation.objects.filter(project=project), FEW_KEYS)


@pytest.mark.parametrize("table", [MonthlyMinutes, ParticipantMonth])
def test_the_command_rebuilds_what_was_written_past_the_services(world, table):
    table.objects.filter(participation=world["cut"]).update(minutes=1)
    with pytest.raises(CommandError, match="stämmer inte"):
        call_command("rebuild_monthly_minutes", "--check")
    assert monthly.stale()
    call_command("rebuild_monthly_minutes")
    assert monthly.stale() == []
    call_command("rebuild_monthly_minutes", "--check")
    _agree(Participation.objects.filter(project=world["project"]), FEW_KEYS)
