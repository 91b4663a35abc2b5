"""An HR department's own file, as it comes: 50,000 rows under the file's own headers (one
mapped by the project's remembered mapping, the employer by an alias, personnummer as
number cells and as "ÅÅÅÅMMDD NNNN"), then next month's file of the same people with
10,000 of them changed (updated, not refused). Prints rows/s for both.

Smaller runs: BENCH_HR_ROWS=2000 BENCH_HR_UPDATES=400 python -m tests.bench hr_import"""

from __future__ import annotations

import datetime as dt
import io
import os

from participants import importing, services
from participants.models import ImportHeaderMapping, OrganisationAlias, Participation
from tests.bench.bench_participants import _clear, _numbers, _organisation, _project

HEADERS = ["Personnr", "Förnamn", "Släktnamn", "Förvaltning", "Enhet", "Befattning",
           "Anställd från", "Mail"]  # fmt: skip


def _sizes() -> tuple[int, int]:
    rows = int(os.environ.get("BENCH_HR_ROWS", "50000"))
    return rows, min(rows, int(os.environ.get("BENCH_HR_UPDATES", "10000")))


def _file(numbers: list[str], *, changed: int = 0) -> bytes:
    """A normal (not write-only) workbook, as Excel writes it (see bench_participants)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Personal"
    sheet.append(HEADERS)
    for i, number in enumerate(numbers):
        # Half the numbers as number cells (12 digits), half typed with a space.
        cell: int | str = int(number) if i % 2 else f"{number[:8]} {number[8:]}"
        unit = "Nya enheten" if i < changed else "Kommunkontoret"
        sheet.append([cell, "Kim", f"HR{i}", "Lärcentrum Bench", unit, "Handläggare",
                      dt.date(2024, 3, 1), f"hr{i}@example.test"])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _timed_import(bench, project, data: bytes, label: str, rows: int) -> None:
    with bench.measure() as read:
        table = importing.read_table(data, "personal.xlsx")
    with bench.measure() as write:
        written = services.participant_import_rows(
            project=project, organisation=None, table=table, user_id=None
        )
    whole = read.seconds + write.seconds
    bench.record(f"{label}: read", read.seconds, "s")
    bench.record(f"{label}: check + plan + write", write.seconds, "s")
    bench.record(f"{label}: rows written", written)
    bench.record(f"{label}: throughput", rows / whole, "rows/s")
    bench.record(f"{label}: queries", write.queries)


def run(bench) -> None:
    rows, updates = _sizes()
    org = _organisation("Benchkommun HR", "212999-0046")
    project = _project("2099/50001", "Bench: HR-fil", org)
    _clear(project)
    # Taught once: a header the import does not know by name, and the employer's other name.
    ImportHeaderMapping.objects.update_or_create(
        project=project, header="släktnamn", defaults={"column": "last_name"}
    )
    OrganisationAlias.objects.update_or_create(
        project=project,
        key="lärcentrum bench",
        defaults={"organisation": org, "name": "Lärcentrum Bench"},
    )
    numbers = _numbers(rows, first_day=dt.date(1975, 1, 1))  # no other bench uses these
    first = _file(numbers)
    bench.record("HR file size", len(first) / 2**20, "MiB")
    _timed_import(bench, project, first, f"HR import {rows} rows with mapping", rows)
    assert Participation.objects.filter(project=project).count() == rows
    result = importing.check_rows(
        project=project,
        table=importing.read_table(_file(numbers, changed=updates), "personal.xlsx"),
        mapping=services.import_mapping_suggest(project=project, headers=HEADERS),
    )
    assert not result.errors, result.errors[:3]
    assert len(result.plan.updates) == updates, len(result.plan.updates)
    _timed_import(
        bench,
        project,
        _file(numbers, changed=updates),
        f"HR monthly file {rows} rows, {updates} updates",
        rows,
    )
    assert Participation.objects.filter(project=project, workplace="Nya enheten").count() == updates
