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

from . import data

KINDS = os.environ.get(
    "BENCH_REPORT_KINDS", "indikatorer,deltagare,scb,aktiviteter,kompetens,tid"
).split(",")


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
    size = data.size_named()
    if connection.vendor == "postgresql":
        with bench.measure() as m:
            made = data.ensure(size)
        bench.record(f"{size.name} size: attendance rows on bench sessions", made["attendance"])
        bench.record(f"{size.name} size: survey responses in the bench rounds", made["responses"])
        bench.record(
            f"{size.name} size: data generation (nothing when already made)", m.seconds, "s"
        )
    else:
        generator.seed(participants_per_project=size.participants, force=True)
    project = Project.objects.get(diarienummer=data.BENCH_PROJECT)
    user = User.objects.get(email="koordinator@digiproj.test")
    access = project_access(user, project)
    period = Period(project.start_date, project.end_date)
    count = Participation.objects.filter(project=project).count()
    bench.record("participants in the project", count)
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
