"""The bench's data, at a named size, made exactly on any database (fresh or with the demo).

`ensure(size)` leaves the bench project (DIGILO, 2020/00268) with exactly `size.participants`
generated participants, `size.attendance` attendance rows on the bench's own sessions and
`size.responses` submitted responses in the bench's survey rounds, whatever was there: the
demo's own activities, sessions and 200 attendance rows are left alone (the bench never
writes to them), bench rows of another size are replaced. Participants come from the demo
generator (bulk inserts); sessions, attendance and responses are set-wise SQL on
PostgreSQL (generate_series), so the bench size takes minutes. The login users are the
demo's, made once with the configured password hasher, so they can log in to a normally
configured server.

Sizes: `demo` (what `make run` shows, small enough for the test suite) and `bench` (the
region's size of issue #19: 100,000 participants, 2,000,000 attendance rows, 20,000
responses), chosen with BENCH_SIZE.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.db import connection, transaction

from demo import generator

BENCH_PROJECT = "2020/00268"
BENCH_ACTIVITY_PREFIX = "Bench-aktivitet"
BENCH_SURVEY = "Bench: DigComp"


class SizeTooSmall(RuntimeError):
    """The database already holds more than the size asked for (a larger one was made)."""


@dataclass(frozen=True)
class Size:
    name: str
    participants: int  # per demo project
    attendance: int  # rows on the bench's own sessions
    responses: int  # submitted, in two rounds (baseline and follow-up, the same people)
    activities: int = 50
    sessions_per_activity: int = 40


SIZES = {
    "demo": Size("demo", participants=1_000, attendance=20_000, responses=400),
    "bench": Size("bench", participants=100_000, attendance=2_000_000, responses=20_000),
}


def size_named(name: str | None = None) -> Size:
    return SIZES[name or os.environ.get("BENCH_SIZE", "bench")]


def ensure(size: Size) -> dict[str, int]:
    """Make the bench data of `size` (see the module doc); returns the counts made."""
    from digiproj.projects.models import Project
    from participants.models import Participation

    generator.seed(participants_per_project=size.participants, force=True)
    project = Project.objects.get(diarienummer=BENCH_PROJECT)
    generated = Participation.objects.filter(project=project, user__isnull=True).count()
    if generated > size.participants:
        raise SizeTooSmall(
            f"the database holds {generated} generated participants, more than the "
            f"{size.name} size ({size.participants}): use a fresh database for that size"
        )
    with transaction.atomic():
        attendance = _ensure_attendance(project, size)
    with transaction.atomic():
        responses = _ensure_responses(project, size)
    return {
        "participants": generated,
        "attendance": attendance,
        "responses": responses,
    }


def bench_attendance_count(project) -> int:
    from activities.models import Attendance

    return Attendance.objects.filter(
        session__activity__project=project,
        session__activity__title__startswith=BENCH_ACTIVITY_PREFIX,
    ).count()


def _ensure_attendance(project, size: Size) -> int:
    """The bench's activities and sessions over the implementation phase and exactly
    `size.attendance` present rows on them, spread over the generated participants: each
    takes sessions from their start date on where there are enough (else any of the
    bench's sessions: some time then falls outside their dates, as in real data)."""
    from activities import monthly
    from activities.models import Activity, Session

    if bench_attendance_count(project) == size.attendance:
        return size.attendance
    with connection.cursor() as cursor:  # set-wise: the ORM would collect 2 M rows first
        cursor.execute(
            "DELETE FROM activities_attendance WHERE session_id IN (SELECT s.id FROM "
            "activities_session s JOIN activities_activity a ON a.id = s.activity_id "
            "WHERE a.project_id = %s AND a.title LIKE %s)",
            [project.pk, f"{BENCH_ACTIVITY_PREFIX}%"],
        )
    Activity.objects.filter(project=project, title__startswith=BENCH_ACTIVITY_PREFIX).delete()
    start = dt.datetime.combine(project.implementation_start, dt.time(9), tzinfo=dt.UTC)
    span = (project.implementation_end - project.implementation_start).days
    kinds = [k for k, _ in Activity.Kind.choices if k != Activity.Kind.RECORDED]
    activities = Activity.objects.bulk_create(
        Activity(
            project=project, kind=kinds[i % len(kinds)], title=f"{BENCH_ACTIVITY_PREFIX} {i:02d}"
        )
        for i in range(size.activities)
    )
    sessions = size.activities * size.sessions_per_activity
    # Spread evenly over the phase, each activity's sessions over all of it.
    Session.objects.bulk_create(
        Session(
            activity=activity,
            starts_at=start + dt.timedelta(days=(n * size.activities + a) * span // sessions),
            ends_at=start
            + dt.timedelta(days=(n * size.activities + a) * span // sessions, hours=2),
            capacity=None,
        )
        for a, activity in enumerate(activities)
        for n in range(size.sessions_per_activity)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM participants_participation "
            "WHERE project_id = %s AND user_id IS NULL",
            [project.pk],
        )
        (people,) = cursor.fetchone()
        per, extra = divmod(size.attendance, people)
        if per + (1 if extra else 0) > sessions:
            raise RuntimeError("more attendance rows per participant than bench sessions")
        # Person rn attends `per` sessions (one more for the first `extra` people) spread
        # over a window of the sessions in time order, from their start date on (all of
        # them where fewer than they need): the k-th is (rn * 7 + k * stride) mod window,
        # stride = window // (per + 1), so the k are distinct and the months many.
        cursor.execute(
            """
            WITH s AS (
                SELECT array_agg(se.id ORDER BY se.starts_at, se.id) AS ids,
                       array_agg(se.starts_at ORDER BY se.starts_at, se.id) AS times,
                       count(*) AS n
                FROM activities_session se JOIN activities_activity ac ON ac.id = se.activity_id
                WHERE ac.project_id = %(project)s AND ac.title LIKE %(prefix)s
            ), p AS (
                SELECT pa.id, row_number() OVER (ORDER BY pa.id) AS rn,
                       width_bucket(pa.start_date::timestamptz, s.times) AS before, s.n
                FROM participants_participation pa CROSS JOIN s
                WHERE pa.project_id = %(project)s AND pa.user_id IS NULL
            ), w AS (
                SELECT id, rn, n,
                       CASE WHEN n - before >= %(per)s + 1 THEN before ELSE 0 END AS offs,
                       CASE WHEN n - before >= %(per)s + 1 THEN n - before ELSE n END AS span
                FROM p
            )
            INSERT INTO activities_attendance
                (session_id, participation_id, present, minutes, marked_at, change_reason)
            SELECT s.ids[w.offs + ((w.rn * 7 + k * (w.span / (%(per)s + 1))) %% w.span) + 1],
                   w.id, true,
                   120 - (k %% 4) * 15, now(), ''
            FROM w CROSS JOIN s
            CROSS JOIN LATERAL generate_series(
                0, %(per)s - 1 + CASE WHEN w.rn <= %(extra)s THEN 1 ELSE 0 END) AS k
            """,
            {
                "project": project.pk,
                "prefix": f"{BENCH_ACTIVITY_PREFIX}%",
                "per": per,
                "extra": extra,
            },
        )
        cursor.execute("ANALYZE activities_attendance")
        cursor.execute("ANALYZE activities_session")
    # Inserted by SQL, past the services: the monthly table anew (activities.monthly).
    monthly.rebuild()
    with connection.cursor() as cursor:  # fresh tables: without statistics, plans go wrong
        cursor.execute("ANALYZE activities_monthlyminutes")
        cursor.execute("ANALYZE activities_participantmonth")
    return bench_attendance_count(project)


def _ensure_responses(project, size: Size) -> int:
    """A DigComp baseline and follow-up round with size.responses / 2 submitted responses
    each (the same people, so all pair) and their five area levels."""
    from surveys.models import Response, Round, Survey

    mine = Response.objects.filter(
        round__survey__project=project, round__survey__title=BENCH_SURVEY
    )
    if mine.count() == size.responses:
        return size.responses
    old = list(
        Survey.objects.filter(project=project, title=BENCH_SURVEY).values_list("pk", flat=True)
    )
    if old:  # rounds are protected from a survey's deletion: the bench's own rows, set-wise
        with connection.cursor() as cursor:
            for statement in (
                "DELETE FROM surveys_arealevel WHERE response_id IN (SELECT r.id FROM "
                "surveys_response r JOIN surveys_round o ON o.id = r.round_id "
                "WHERE o.survey_id = ANY(%s))",
                "DELETE FROM surveys_response WHERE round_id IN "
                "(SELECT id FROM surveys_round WHERE survey_id = ANY(%s))",
                "DELETE FROM surveys_round WHERE survey_id = ANY(%s)",
                "DELETE FROM surveys_survey WHERE id = ANY(%s)",
            ):
                cursor.execute(statement, [old])
    survey = Survey.objects.create(project=project, title=BENCH_SURVEY)
    rounds = [
        Round.objects.create(
            survey=survey,
            name=name,
            purpose=purpose,
            opens_at=dt.datetime(year, month, 1, tzinfo=dt.UTC),
            closes_at=dt.datetime(year, month, 28, tzinfo=dt.UTC),
        )
        # The earliest baseline and the latest follow-up, so the report compares these two.
        for name, purpose, year, month in (
            ("Bench baseline", Round.Purpose.BASELINE, 2021, 8),
            ("Bench follow-up", Round.Purpose.FOLLOW_UP, 2022, 12),
        )
    ]
    with connection.cursor() as cursor:
        for step, round_ in enumerate(rounds):
            cursor.execute(
                """
                INSERT INTO surveys_response
                    (round_id, person_id, status, gender, organisation_id, role_group,
                     submitted_at)
                SELECT %(round)s, p.person_id, 'submitted', p.gender, p.organisation_id,
                       p.role_group, now()
                FROM participants_participation p
                WHERE p.project_id = %(project)s AND p.user_id IS NULL
                ORDER BY p.id LIMIT %(n)s
                """,
                {"round": round_.pk, "project": project.pk, "n": size.responses // 2},
            )
            cursor.execute(
                """
                INSERT INTO surveys_arealevel (response_id, area, level, items)
                SELECT r.id, a, LEAST(8, 1 + ((r.person_id * 7 + a * 3) %% 5) + %(step)s), 4
                FROM surveys_response r CROSS JOIN generate_series(1, 5) AS a
                WHERE r.round_id = %(round)s
                """,
                {"round": round_.pk, "step": step},
            )
        cursor.execute("ANALYZE surveys_response")
        cursor.execute("ANALYZE surveys_arealevel")
    return mine.count()
