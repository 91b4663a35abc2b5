"""Reporting: each report kind's time and peak memory; the indicator queries against one
hand-written SQL statement per table; Excel writing against bare openpyxl write-only."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from django.db import connection
from openpyxl import Workbook

from demo import generator
from digiproj.accounts.models import User
from digiproj.projects.models import Project
from digiproj.projects.permissions import project_access
from participants.models import Participation
from reporting import reports, selectors, services, writers
from reporting.models import ReportRun
from reporting.reports import indicators as indicator_report
from reporting.selectors import Period

PARTICIPANTS = 100_000
ATTENDANCE_PER_PARTICIPANT = 20  # 2,000,000 attendance rows for 100,000 participants
ACTIVITIES, SESSIONS_PER_ACTIVITY = 50, 40  # 2,000 sessions
BENCH_SURVEY = "Bench: DigComp"
RESPONSES_PER_ROUND = 10_000  # baseline and follow-up: 20,000 survey responses
KINDS = os.environ.get(
    "BENCH_REPORT_KINDS", "indikatorer,deltagare,scb,aktiviteter,kompetens,tid"
).split(",")


def _ensure_responses(project: Project) -> int:
    """A DigComp baseline and follow-up round with 10,000 submitted responses each (the same
    people, so all pair) and their five area levels, inserted set-wise, once."""
    from surveys.models import Response, Round, Survey

    mine = Response.objects.filter(
        round__survey__project=project, round__survey__title=BENCH_SURVEY
    )
    if mine.exists():
        return mine.count()
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
                SELECT %(round)s, p.person_id, 'submitted', pe.gender, p.organisation_id,
                       p.role_group, now()
                FROM participants_participation p
                JOIN participants_person pe ON pe.id = p.person_id
                WHERE p.project_id = %(project)s
                ORDER BY p.id LIMIT %(n)s
                """,
                {"round": round_.pk, "project": project.pk, "n": RESPONSES_PER_ROUND},
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
        cursor.execute("ANALYZE surveys_response")  # fresh statistics, as autovacuum would
        cursor.execute("ANALYZE surveys_arealevel")
    return mine.count()


def _ensure_attendance(project: Project) -> int:
    """2,000 sessions over the implementation phase and 20 attended sessions per participant,
    inserted set-wise in PostgreSQL (generate_series), once."""
    from activities.models import Activity, Attendance, Session

    existing = Attendance.objects.filter(session__activity__project=project).count()
    if existing:
        return existing
    start = dt.datetime.combine(project.implementation_start, dt.time(9), tzinfo=dt.UTC)
    span = (project.implementation_end - project.implementation_start).days
    kinds = [k for k, _ in Activity.Kind.choices if k != Activity.Kind.RECORDED]
    activities = Activity.objects.bulk_create(
        Activity(project=project, kind=kinds[i % len(kinds)], title=f"Bench-aktivitet {i:02d}")
        for i in range(ACTIVITIES)
    )
    Session.objects.bulk_create(
        Session(
            activity=activity,
            starts_at=start + dt.timedelta(days=(a * 7 + n * 11) % span),
            ends_at=start + dt.timedelta(days=(a * 7 + n * 11) % span, hours=2),
            capacity=None,
        )
        for a, activity in enumerate(activities)
        for n in range(SESSIONS_PER_ACTIVITY)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO activities_attendance
                (session_id, participation_id, present, minutes, marked_at, change_reason)
            SELECT s.ids[((p.rn * 7 + k * 101) %% s.n) + 1], p.id, true, 120 - (k %% 4) * 15,
                   now(), ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
                    FROM participants_participation WHERE project_id = %(project)s) p
            CROSS JOIN generate_series(0, %(per)s - 1) AS k
            CROSS JOIN (SELECT array_agg(se.id ORDER BY se.id) AS ids, count(*) AS n
                          FROM activities_session se JOIN activities_activity ac
                            ON ac.id = se.activity_id WHERE ac.project_id = %(project)s) s
            """,
            {"project": project.pk, "per": ATTENDANCE_PER_PARTICIPANT},
        )
        cursor.execute("ANALYZE activities_attendance")
    return Attendance.objects.filter(session__activity__project=project).count()


def _hand_sql(project_id: int, period: Period) -> float:
    """The indicator figures in plain SQL: one statement per breakdown, FILTER clauses."""
    started = "p.start_date BETWEEN %(s)s AND %(e)s"
    active = "p.start_date <= %(e)s AND (p.end_date IS NULL OR p.end_date >= %(s)s)"
    ended = "p.end_date BETWEEN %(s)s AND %(e)s"
    cols = ", ".join(
        f"COUNT(*) FILTER (WHERE {cond}{g})"
        for cond in (started, active, ended)
        for g in (" AND pe.gender = 'K'", " AND pe.gender = 'M'", "")
    )
    age = "(extract(year from age(p.start_date, pe.birth_date)))"
    band = f"CASE WHEN {age} < 25 THEN 'u25' WHEN {age} <= 54 THEN '25-54' ELSE 'o54' END"
    groups = ["NULL", band, "p.isced", "p.role_group", "p.organisation_id", "p.end_reason"]
    params = {"s": period.start, "e": period.end, "pid": project_id}
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for group in groups:
            cursor.execute(
                f"SELECT {group} AS k, {cols} FROM participants_participation p "  # noqa: S608
                "JOIN participants_person pe ON pe.id = p.person_id "
                "WHERE p.project_id = %(pid)s AND p.erased_at IS NULL GROUP BY 1 ORDER BY 1",
                params,
            )
            cursor.fetchall()
    return time.perf_counter() - start


def _orm_indicators(access, period: Period) -> float:
    start = time.perf_counter()
    for dimension in indicator_report.INDICATOR_DIMENSIONS:
        selectors.indicator_breakdown(access=access, period=period, dimension=dimension)
    return time.perf_counter() - start


def execute(run_id: int) -> None:
    """One report run, as a worker would do it (called in a fresh process)."""
    services.report_run_execute(run_id=run_id)


def run(bench) -> None:
    generator.seed(participants_per_project=PARTICIPANTS, force=True)
    project = Project.objects.get(diarienummer="2020/00268")
    user = User.objects.get(email="koordinator@digiproj.test")
    access = project_access(user, project)
    period = Period(project.start_date, project.end_date)
    count = Participation.objects.filter(project=project).count()
    bench.record("participants in the project", count)
    if connection.vendor == "postgresql":
        with bench.measure() as m:
            rows = _ensure_attendance(project)
        bench.record("attendance rows in the project", rows)
        bench.record("survey responses in the bench rounds", _ensure_responses(project))
        bench.record("attendance generation (first run only)", m.seconds, "s")

    if connection.vendor == "postgresql":
        _orm_indicators(access, period), _hand_sql(project.pk, period)  # warm caches
        orm = min(_orm_indicators(access, period) for _ in range(3))
        raw = min(_hand_sql(project.pk, period) for _ in range(3))
        bench.record("indicator queries (ORM selectors)", orm * 1000, "ms")
        bench.record("indicator queries (hand-written SQL)", raw * 1000, "ms")
        bench.record("indicator ORM / hand SQL (target <= 1.5)", orm / raw, "ratio")

    for kind in KINDS:
        for file_format in ("xlsx", "csv"):
            end = project.end_date if kind != "scb" else dt.date(2021, 10, 31)
            start = project.start_date if kind != "scb" else dt.date(2021, 10, 1)
            run_row = ReportRun.objects.create(
                project=project,
                kind=kind,
                file_format=file_format,
                period_start=start,
                period_end=end,
                requested_by=user,
            )
            figures = bench.isolated("tests.bench.bench_reporting:execute", run_row.pk)
            run_row.refresh_from_db()
            assert run_row.status == "done", run_row.error
            bench.record(
                f"report {kind}.{file_format}: {run_row.row_count} rows, time",
                figures["seconds"],
                "s",
            )
            bench.record(
                f"report {kind}.{file_format}: peak memory of a process doing only this",
                figures["peak_mib"],
                "MiB",
            )

    # Excel writing: our writer (styles, widths, frozen header, reproducible zip) against
    # bare openpyxl write-only appending the same rows.
    run_row = ReportRun(
        project=project,
        kind="deltagare",
        file_format="xlsx",
        period_start=period.start,
        period_end=period.end,
        requested_by=user,
    )
    tables = reports.AVAILABLE["deltagare"].build(
        access=access, run=run_row, period=period, progress=lambda _p: None
    )
    rows = list(tables[0].rows)  # read once here, so both writers get the same list
    tables[0].rows = rows
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        writers.write_xlsx(tables, Path(tmp) / "ours.xlsx")
        ours = time.perf_counter() - started
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Deltagare")
        sheet.append([c.title for c in tables[0].columns])
        for row in rows:
            sheet.append(row)
        workbook.save(Path(tmp) / "bare.xlsx")
        bare = time.perf_counter() - started
    bench.record("Excel rows/s, digiproj writer", len(rows) / ours, "rows/s")
    bench.record("Excel rows/s, bare openpyxl write-only", len(rows) / bare, "rows/s")
    bench.record("Excel writer / bare openpyxl (target >= 0.7)", bare / ours, "ratio")
