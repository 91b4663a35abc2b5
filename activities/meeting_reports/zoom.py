"""Zoom's participant export (Reports → Usage → Participants → Export)."""

from __future__ import annotations

import datetime as dt

from .reading import Col, Row, header_key
from .tables import Context, Entry, Person, RawMeta, entry_interval, finish_report
from .types import ParsedReport, ReportFormat


def is_zoom(header: Row, columns: dict[Col, int]) -> bool:
    return (
        Col.DURATION_MINUTES in columns
        or Col.GUEST in columns
        or any(header_key(cell) in ("nameoriginalname", "useremail") for cell in header.cells)
    )


def parse_zoom(ctx: Context, meta: RawMeta, entries: list[Entry]) -> ParsedReport:
    """One row per join; a person who reconnects has several rows."""
    reading = ctx.settle(
        [meta.start, meta.end, *(e.join for e in entries), *(e.leave for e in entries)]
    )
    people: dict[str, Person] = {}
    totals: dict[str, list[dt.timedelta | None]] = {}
    for entry in entries:
        person = people.setdefault(entry.key, Person(entry.name))
        person.fill(entry)
        person.intervals.append(entry_interval(entry, reading, ctx))
        totals.setdefault(entry.key, []).append(entry.duration)
    for key, person in people.items():
        durations = totals[key]
        if all(d is not None for d in durations):
            person.reported = sum((d for d in durations if d is not None), dt.timedelta())
    attendees = [person.attendee() for person in people.values()]
    return finish_report(ctx, meta, reading, ReportFormat.ZOOM, attendees)
