"""What every report family shares: the kinds of table told by their columns, the meeting's
facts, data rows with a join and a leave, a person's rows gathered, and the finished report.

Split from formats.py by report family (teams.py, zoom.py, events.py); formats.py decides
which family a file is and hands it over.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .clock import DateReading, Stamp, parse_duration, parse_minutes, read_stamp, settle_date_order
from .merging import normalise_name
from .reading import Col, Row, header_key, map_columns
from .types import Attendee, DateOrder, Interval, IntervalBasis, ParsedReport, ReportFormat, Role


class Table(enum.Enum):
    LIVE_EVENT = "live_event"
    LEGACY = "legacy"
    JOIN_LEAVE = "join_leave"  # Zoom, Teams "3. In-Meeting Activities"
    PARTICIPANTS = "participants"  # Teams "2. Participants"
    UNIQUE_USERS = "unique_users"  # Zoom exported with "Show unique users": no times


def table_kind(columns: dict[Col, int]) -> Table | None:
    has = columns.keys()
    if {Col.ACTION, Col.UTC_TIMESTAMP} <= has:
        return Table.LIVE_EVENT
    if {Col.NAME, Col.ACTION, Col.TIMESTAMP} <= has:
        return Table.LEGACY
    if {Col.NAME, Col.JOIN, Col.LEAVE} <= has:
        return Table.JOIN_LEAVE
    if {Col.NAME, Col.FIRST_JOIN, Col.LAST_LEAVE} <= has:
        return Table.PARTICIPANTS
    if {Col.NAME, Col.EMAIL, Col.DURATION_MINUTES} <= has:
        return Table.UNIQUE_USERS
    return None


def is_header(cells: list[str] | tuple[str, ...]) -> bool:
    return table_kind(map_columns(cells)) is not None


class _Meta(enum.Enum):
    TITLE = "title"
    START = "start"
    END = "end"
    DURATION = "duration"
    DURATION_MINUTES = "duration_minutes"


# The meeting's own facts: Teams' "1. Summary" (one per row) and Zoom's block (one per
# column). "Attended participants", "Average attendance time" and the like are not read.
_META_NAMES: dict[_Meta, tuple[str, ...]] = {
    _Meta.TITLE: (
        "meetingtitle",
        "title",
        "topic",
        "mötesrubrik",
        "mötestitel",
        "mötetstitel",
        "mötetsrubrik",
        "rubrik",
        "titel",
        "ämne",
        "mötesnamn",
    ),
    _Meta.START: ("starttime", "meetingstarttime", "starttid", "mötetsstarttid", "mötesstart"),
    _Meta.END: ("endtime", "meetingendtime", "sluttid", "mötetssluttid", "mötesslut"),
    _Meta.DURATION: ("meetingduration", "mötetsvaraktighet", "mötesvaraktighet", "mötetslängd"),
    _Meta.DURATION_MINUTES: ("durationminutes", "varaktighetminuter"),
}
_META_OF = {key: meta for meta, keys in _META_NAMES.items() for key in keys}

_ROLES = {
    "organizer": Role.ORGANIZER,
    "organiser": Role.ORGANIZER,
    "organisatör": Role.ORGANIZER,
    "arrangör": Role.ORGANIZER,
    "coorganizer": Role.CO_ORGANIZER,
    "coorganiser": Role.CO_ORGANIZER,
    "medorganisatör": Role.CO_ORGANIZER,
    "medarrangör": Role.CO_ORGANIZER,
    "producer": Role.PRODUCER,
    "producent": Role.PRODUCER,
    "presenter": Role.PRESENTER,
    "presentatör": Role.PRESENTER,
    "attendee": Role.ATTENDEE,
    "participant": Role.ATTENDEE,
    "deltagare": Role.ATTENDEE,
}

# The legacy list's "User Action" and the live event's "Action": True joins, False leaves.


@dataclass(frozen=True)
class Context:
    session_start: dt.datetime
    session_end: dt.datetime
    hint: DateOrder | None
    encoding: str
    delimiter: str

    def settle(self, stamps: Iterable[Stamp | None]) -> DateReading:
        return settle_date_order(
            [stamp for stamp in stamps if stamp is not None],
            hint=self.hint,
            session_start=self.session_start,
            session_end=self.session_end,
        )


# --- Rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A data row with a join (or first join) and maybe a leave (or last leave)."""

    row: int
    name: str
    email: str
    upn: str
    role: str
    join: Stamp
    leave: Stamp | None
    duration: dt.timedelta | None

    @property
    def key(self) -> str:
        """Who the row is within one file: the e-mail address, else the name (Teams' two
        sections both have these; the UPN is in section 2 only)."""
        return self.email.casefold() if self.email else "name:" + normalise_name(self.name)


def missing_value(row: Row, header: Row, index: int) -> ValidationError:
    return ValidationError(
        _("Rad %(row)s saknar ett värde i kolumnen ”%(column)s”.") + " " + download_again(),
        params={"row": row.number, "column": header.cells[index]},
        code="row_incomplete",
    )


def download_again() -> str:
    return _(
        "Filen kan vara avklippt eller ändrad. Ladda ner rapporten igen och ladda upp hela "
        "filen utan att ändra den."
    )


def check_complete(row: Row, header: Row) -> None:
    """A row cut short: Teams and Zoom write every column on every row, so a row with
    fewer cells than the header has named is the end of a file cut off (or edited)."""
    if len(row.cells) < header.width:
        raise ValidationError(
            _(
                "Rad %(row)s är ofullständig: den slutar i kolumnen ”%(column)s” och "
                "kolumnerna efter den saknas."
            )
            + " "
            + download_again(),
            params={"row": row.number, "column": header.cells[max(len(row.cells) - 1, 0)]},
            code="row_incomplete",
        )


def _optional_stamp(
    row: Row, header: Row, columns: dict[Col, int], col: Col, *, utc: bool = False
) -> Stamp | None:
    index = columns[col]
    text = row.get(index)
    return read_stamp(text, row=row.number, column=header.cells[index], utc=utc) if text else None


def required_stamp(
    row: Row, header: Row, columns: dict[Col, int], col: Col, *, utc: bool = False
) -> Stamp:
    stamp = _optional_stamp(row, header, columns, col, utc=utc)
    if stamp is None:
        raise missing_value(row, header, columns[col])
    return stamp


def _duration(row: Row, columns: dict[Col, int]) -> dt.timedelta | None:
    if text := row.get(columns.get(Col.DURATION)):
        return parse_duration(text, row=row.number)
    if text := row.get(columns.get(Col.DURATION_MINUTES)):
        return parse_minutes(text, row=row.number)
    return None


def _identity(row: Row, header: Row, columns: dict[Col, int]) -> tuple[str, str, str]:
    name, email, upn = (row.get(columns.get(c)) for c in (Col.NAME, Col.EMAIL, Col.UPN))
    if not (name or email or upn):
        raise missing_value(row, header, columns[Col.NAME])
    return name, email, upn


def read_entries(
    body: list[Row], header: Row, columns: dict[Col, int], *, first_last: bool = False
) -> list[Entry]:
    join_col, leave_col = (Col.FIRST_JOIN, Col.LAST_LEAVE) if first_last else (Col.JOIN, Col.LEAVE)
    entries = []
    for row in body:
        if row.blank:
            continue
        check_complete(row, header)
        name, email, upn = _identity(row, header, columns)
        entries.append(
            Entry(
                row=row.number,
                name=name,
                email=email,
                upn=upn,
                role=row.get(columns.get(Col.ROLE)),
                join=required_stamp(row, header, columns, join_col),
                leave=(
                    required_stamp(row, header, columns, leave_col)
                    if first_last
                    else _optional_stamp(row, header, columns, leave_col)
                ),
                duration=_duration(row, columns),
            )
        )
    return entries


def entry_interval(
    entry: Entry, reading: DateReading, ctx: Context, *, first_last: bool = False
) -> Interval:
    start = reading.at(entry.join)
    if entry.leave is not None:
        end = reading.at(entry.leave)
        basis = IntervalBasis.FIRST_TO_LAST if first_last else IntervalBasis.JOIN_AND_LEAVE
    elif entry.duration is not None:
        end, basis = start + entry.duration, IntervalBasis.JOIN_PLUS_DURATION
    else:
        end, basis = max(start, ctx.session_end), IntervalBasis.TO_SESSION_END
    if end < start:
        raise ValidationError(
            _(
                "Rad %(row)s: deltagaren lämnar mötet (%(leave)s) före tiden för anslutningen "
                "(%(join)s)."
            )
            + " "
            + download_again(),
            params={
                "row": entry.row,
                "leave": entry.leave.text if entry.leave else "",
                "join": entry.join.text,
            },
            code="order",
        )
    return Interval(start=start, end=end, rows=(entry.row,), basis=basis)


# --- Meeting facts --------------------------------------------------------------------


@dataclass
class RawMeta:
    title: str = ""
    start: Stamp | None = None
    end: Stamp | None = None
    duration: dt.timedelta | None = None

    def read(self, meta: _Meta, value: str, row: Row, column: str) -> None:
        if not value:
            return
        if meta is _Meta.TITLE:
            self.title = self.title or value
        elif meta is _Meta.START:
            self.start = read_stamp(value, row=row.number, column=column)
        elif meta is _Meta.END:
            self.end = read_stamp(value, row=row.number, column=column)
        elif meta is _Meta.DURATION:
            self.duration = parse_duration(value, row=row.number)
        else:
            self.duration = parse_minutes(value, row=row.number)


def preamble_meta(rows: list[Row]) -> RawMeta:
    """The meeting's facts before the table: Zoom's block (a header row naming at least
    two of them and a row of values) or Teams' rows of name and value."""
    meta = RawMeta()
    filled = [row for row in rows if not row.blank]
    for at, row in enumerate(filled[:-1]):
        named = {i: _META_OF.get(header_key(cell)) for i, cell in enumerate(row.cells)}
        if sum(1 for m in named.values() if m) >= 2:
            values = filled[at + 1]
            for i, found in named.items():
                if found is not None:
                    meta.read(found, values.get(i), values, row.cells[i])
            return meta
    return vertical_meta(filled)


def vertical_meta(rows: list[Row]) -> RawMeta:
    meta = RawMeta()
    for row in rows:
        found = _META_OF.get(header_key(row.get(0)))
        if found is not None:
            meta.read(found, row.get(1), row, row.cells[0])
    return meta


@dataclass
class Person:
    name: str
    email: str = ""
    upn: str = ""
    role: str = ""
    reported: dt.timedelta | None = None
    intervals: list[Interval] = field(default_factory=list)
    summaries: list[Entry] = field(default_factory=list)

    def fill(self, entry: Entry) -> None:
        self.name = self.name or entry.name
        self.email = self.email or entry.email
        self.upn = self.upn or entry.upn
        self.role = self.role or entry.role

    def attendee(self) -> Attendee:
        return Attendee(
            name=self.name,
            intervals=tuple(sorted(self.intervals, key=lambda i: (i.start, i.end))),
            email=self.email,
            upn=self.upn,
            role=_ROLES.get(header_key(self.role)),
            role_text=self.role,
            reported_duration=self.reported,
        )


def _no_attendees() -> ValidationError:
    return ValidationError(
        _(
            "Rapporten har inga deltagare. Kontrollera att du har valt rätt möte och rätt fil, "
            "och ladda ner rapporten igen efter mötet."
        ),
        code="no_attendees",
    )


def finish_report(
    ctx: Context,
    meta: RawMeta,
    reading: DateReading,
    report_format: ReportFormat,
    attendees: list[Attendee],
) -> ParsedReport:
    if not attendees:
        raise _no_attendees()
    return ParsedReport(
        format=report_format,
        attendees=tuple(attendees),
        encoding=ctx.encoding,
        delimiter=ctx.delimiter,
        title=meta.title,
        meeting_start=reading.at(meta.start) if meta.start else None,
        meeting_end=reading.at(meta.end) if meta.end else None,
        meeting_duration=meta.duration,
        date_order=reading.order,
        date_order_source=reading.source,
    )
