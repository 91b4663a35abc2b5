"""Reports made of join and leave events: Teams' legacy list (Full Name / User Action /
Timestamp) and a live event's attendee engagement report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .clock import Stamp
from .merging import normalise_name
from .reading import Col, Row, header_key, map_columns
from .tables import (
    Context,
    Person,
    RawMeta,
    check_complete,
    download_again,
    finish_report,
    missing_value,
    required_stamp,
)
from .types import Interval, IntervalBasis, ParsedReport, ReportFormat

_ACTIONS = {
    "joined": True,
    "joinedbefore": True,
    "anslöt": True,
    "anslötföre": True,
    "anslöttidigare": True,
    "left": False,
    "lämnade": False,
}


@dataclass(frozen=True)
class _Event:
    row: int
    name: str
    upn: str
    role: str
    connection: str  # a live event's SessionId: one browser or app's stay
    joins: bool
    stamp: Stamp

    @property
    def key(self) -> str:
        return self.upn.casefold() if self.upn else "name:" + normalise_name(self.name)


def parse_events(rows: list[Row], index: int, ctx: Context, *, live: bool) -> ParsedReport:
    header = rows[index]
    columns = map_columns(header.cells)
    time_col = Col.UTC_TIMESTAMP if live else Col.TIMESTAMP
    events: list[_Event] = []
    for row in rows[index + 1 :]:
        if row.blank:
            continue
        check_complete(row, header)
        name = row.get(columns.get(Col.NAME))
        upn = row.get(columns.get(Col.UPN)) if live else ""
        if not (name or upn):
            raise missing_value(row, header, columns.get(Col.NAME, columns[Col.ACTION]))
        action = row.get(columns[Col.ACTION])
        joins = _ACTIONS.get(header_key(action))
        if joins is None:
            raise ValidationError(
                _(
                    "Rad %(row)s: händelsen ”%(value)s” känns inte igen. Den ska vara Joined, "
                    "Joined before eller Left."
                )
                + " "
                + download_again(),
                params={"row": row.number, "value": action[:40]},
                code="action",
            )
        events.append(
            _Event(
                row=row.number,
                name=name,
                upn=upn,
                role=row.get(columns.get(Col.ROLE)),
                connection=row.get(columns.get(Col.SESSION_ID)),
                joins=joins,
                stamp=required_stamp(row, header, columns, time_col, utc=live),
            )
        )
    reading = ctx.settle(event.stamp for event in events)
    people: dict[str, Person] = {}
    streams: dict[tuple[str, str], list[tuple[dt.datetime, int, bool]]] = {}
    for event in events:
        person = people.setdefault(event.key, Person(event.name))
        person.name = person.name or event.name
        person.upn = person.upn or event.upn
        person.role = person.role or event.role
        streams.setdefault((event.key, event.connection), []).append(
            (reading.at(event.stamp), event.row, event.joins)
        )
    for (key, _connection), stream in streams.items():
        people[key].intervals.extend(_pair(stream, ctx))
    attendees = [person.attendee() for person in people.values()]
    report_format = ReportFormat.TEAMS_LIVE_EVENT if live else ReportFormat.TEAMS_LEGACY
    return finish_report(ctx, RawMeta(), reading, report_format, attendees)


def _pair(stream: list[tuple[dt.datetime, int, bool]], ctx: Context) -> list[Interval]:
    """Joins and leaves of one person (one connection, in a live event) in time order, as
    intervals. Joins are counted: two devices joined and one left is still in the meeting.
    A join never left ends at the session's end; a leave with no join before it means the
    file is not whole, and is refused."""
    intervals: list[Interval] = []
    depth, start = 0, None
    rows: list[int] = []
    for when, row, joins in sorted(stream, key=lambda e: (e[0], e[1])):
        if joins:
            depth += 1
            if depth == 1:
                start, rows = when, []
            rows.append(row)
            continue
        if depth == 0 or start is None:
            raise ValidationError(
                _(
                    "Rad %(row)s: deltagaren lämnar mötet utan att ha anslutit före det enligt "
                    "filen."
                )
                + " "
                + download_again(),
                params={"row": row},
                code="unpaired_leave",
            )
        depth -= 1
        rows.append(row)
        if depth == 0:
            intervals.append(Interval(start=start, end=when, rows=tuple(rows)))
    if depth and start is not None:
        intervals.append(
            Interval(
                start=start,
                end=max(start, ctx.session_end),
                rows=tuple(rows),
                basis=IntervalBasis.TO_SESSION_END,
            )
        )
    return intervals
