"""Which report a file is, and reading each kind into a ParsedReport.

The kind is told by the columns, never by the file name: a header row with "User Action"
and "Timestamp" is the legacy Teams list, "Action" and "UTC Event Timestamp" a live event,
"Name", "Join Time" and "Leave Time" a Zoom export (or Teams' "3. In-Meeting Activities"
when the file has Teams' numbered sections).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .clock import (
    DateReading,
    Stamp,
    check_session,
    date_order_for_locale,
    parse_duration,
    parse_minutes,
    read_stamp,
    settle_date_order,
)
from .merging import normalise_name
from .reading import (
    Col,
    Row,
    decode,
    detect_delimiter,
    header_key,
    likely_delimiter,
    map_columns,
    numbered_heading,
    read_rows,
)
from .types import (
    Attendee,
    DateOrder,
    Interval,
    IntervalBasis,
    ParsedReport,
    ReportFormat,
    Role,
)


class _Table(enum.Enum):
    LIVE_EVENT = "live_event"
    LEGACY = "legacy"
    JOIN_LEAVE = "join_leave"  # Zoom, Teams "3. In-Meeting Activities"
    PARTICIPANTS = "participants"  # Teams "2. Participants"
    UNIQUE_USERS = "unique_users"  # Zoom exported with "Show unique users": no times


def _table_kind(columns: dict[Col, int]) -> _Table | None:
    has = columns.keys()
    if {Col.ACTION, Col.UTC_TIMESTAMP} <= has:
        return _Table.LIVE_EVENT
    if {Col.NAME, Col.ACTION, Col.TIMESTAMP} <= has:
        return _Table.LEGACY
    if {Col.NAME, Col.JOIN, Col.LEAVE} <= has:
        return _Table.JOIN_LEAVE
    if {Col.NAME, Col.FIRST_JOIN, Col.LAST_LEAVE} <= has:
        return _Table.PARTICIPANTS
    if {Col.NAME, Col.EMAIL, Col.DURATION_MINUTES} <= has:
        return _Table.UNIQUE_USERS
    return None


def _is_header(cells: list[str] | tuple[str, ...]) -> bool:
    return _table_kind(map_columns(cells)) is not None


class _Section(enum.Enum):
    SUMMARY = "summary"
    PARTICIPANTS = "participants"
    ACTIVITIES = "activities"


# Teams' section headings, English and Swedish, as header_key leaves them.
_SECTION_TITLES = {
    "summary": _Section.SUMMARY,
    "meetingsummary": _Section.SUMMARY,
    "sammanfattning": _Section.SUMMARY,
    "mötessammanfattning": _Section.SUMMARY,
    "participants": _Section.PARTICIPANTS,
    "deltagare": _Section.PARTICIPANTS,
    "inmeetingactivities": _Section.ACTIVITIES,
    "inmeetingactivity": _Section.ACTIVITIES,
    "aktiviteterundermötet": _Section.ACTIVITIES,
    "aktiviteterimötet": _Section.ACTIVITIES,
    "mötesaktiviteter": _Section.ACTIVITIES,
}
_SECTION_NUMBERS = {1: _Section.SUMMARY, 2: _Section.PARTICIPANTS, 3: _Section.ACTIVITIES}
_SECTION_TABLES = {
    _Section.PARTICIPANTS: _Table.PARTICIPANTS,
    _Section.ACTIVITIES: _Table.JOIN_LEAVE,
}


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
class _Context:
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


def parse_report(
    data: bytes,
    *,
    session_start: dt.datetime,
    session_end: dt.datetime,
    locale: str | None = None,
) -> ParsedReport:
    """Read an attendance report as downloaded from Teams or Zoom.

    `session_start`/`session_end` are the session's (aware) times: a join without a leave
    is counted to the session's end, and they help tell 3/4 from 4/3 when the file alone
    cannot. `locale` is the organiser's locale ("sv-SE", "en-GB", "en-US"), when known.
    Raises a ValidationError with a Swedish message saying what to fix, and a code.
    Intervals are returned as the file gives them: clipping to the session, uniting and
    counting minutes is merge_reports'."""
    check_session(session_start, session_end)
    hint = date_order_for_locale(locale) if locale else None
    text, encoding = decode(data)
    delimiter = detect_delimiter(text, is_header=_is_header)
    teams_like = delimiter is None and _has_teams_heading(text)
    if delimiter is None and not teams_like:
        raise _not_a_report()
    delimiter = delimiter or likely_delimiter(text)
    rows = read_rows(text, delimiter=delimiter)
    ctx = _Context(session_start, session_end, hint, encoding, delimiter)
    if teams_like or _is_teams_sections(rows):
        return _parse_teams(rows, ctx)
    found = next(
        (
            (i, kind)
            for i, row in enumerate(rows)
            if (kind := _table_kind(map_columns(row.cells))) is not None
        ),
        None,
    )
    if found is None:
        raise _not_a_report()
    index, table = found
    if table is _Table.UNIQUE_USERS:
        raise ValidationError(
            _(
                "Filen har ingen tid för när deltagarna anslöt och lämnade mötet (Join Time "
                "och Leave Time), så närvaron går inte att räkna. Exportera deltagarlistan i "
                "Zoom igen utan att kryssa i ”Visa unika användare”."
            ),
            code="no_times",
        )
    if table is _Table.LIVE_EVENT:
        return _parse_events(rows, index, ctx, live=True)
    if table is _Table.LEGACY:
        return _parse_events(rows, index, ctx, live=False)
    meta = _preamble(rows[:index])
    header = rows[index]
    columns = map_columns(header.cells)
    body = rows[index + 1 :]
    if table is _Table.PARTICIPANTS:  # Teams' section 2 on its own
        return _teams_report(ctx, meta, _entries(body, header, columns, first_last=True), None)
    if _is_zoom(header, columns):
        return _parse_zoom(ctx, meta, _entries(body, header, columns))
    # Teams' 2021 report: a "Meeting Summary" block, then one row per join.
    return _teams_report(ctx, meta, None, _entries(body, header, columns))


def _not_a_report() -> ValidationError:
    return ValidationError(
        _(
            "Filen är ingen närvarorapport från Teams eller Zoom: ingen rad har de kolumner "
            "en sådan rapport har (till exempel Name, Join Time och Leave Time). Ladda ner "
            "rapporten från fliken Närvaro i mötet i Teams, eller från Rapporter → "
            "Användning → Deltagare i Zoom, och ladda upp den som den är."
        ),
        code="not_a_report",
    )


def _has_teams_heading(text: str) -> bool:
    for line in text.splitlines()[:2000]:
        cell = line.strip().strip("\t,;").strip().strip('"')
        heading = numbered_heading(Row(0, (cell,)))
        if heading and header_key(heading[1]) in _SECTION_TITLES:
            return True
    return False


def _is_teams_sections(rows: list[Row]) -> bool:
    first = next((row for row in rows if not row.blank), None)
    if first is not None and (heading := numbered_heading(first)) and heading[0] == 1:
        return True
    return any(
        (heading := numbered_heading(row)) and header_key(heading[1]) in _SECTION_TITLES
        for row in rows
    )


def _is_zoom(header: Row, columns: dict[Col, int]) -> bool:
    return (
        Col.DURATION_MINUTES in columns
        or Col.GUEST in columns
        or any(header_key(cell) in ("nameoriginalname", "useremail") for cell in header.cells)
    )


# --- Rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
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


def _missing(row: Row, header: Row, index: int) -> ValidationError:
    return ValidationError(
        _("Rad %(row)s saknar ett värde i kolumnen ”%(column)s”.") + " " + _download_again(),
        params={"row": row.number, "column": header.cells[index]},
        code="row_incomplete",
    )


def _download_again() -> str:
    return _(
        "Filen kan vara avklippt eller ändrad. Ladda ner rapporten igen och ladda upp hela "
        "filen utan att ändra den."
    )


def _check_complete(row: Row, header: Row) -> None:
    """A row cut short: Teams and Zoom write every column on every row, so a row with
    fewer cells than the header has named is the end of a file cut off (or edited)."""
    if len(row.cells) < header.width:
        raise ValidationError(
            _(
                "Rad %(row)s är ofullständig: den slutar i kolumnen ”%(column)s” och "
                "kolumnerna efter den saknas."
            )
            + " "
            + _download_again(),
            params={"row": row.number, "column": header.cells[max(len(row.cells) - 1, 0)]},
            code="row_incomplete",
        )


def _optional_stamp(
    row: Row, header: Row, columns: dict[Col, int], col: Col, *, utc: bool = False
) -> Stamp | None:
    index = columns[col]
    text = row.get(index)
    return read_stamp(text, row=row.number, column=header.cells[index], utc=utc) if text else None


def _required_stamp(
    row: Row, header: Row, columns: dict[Col, int], col: Col, *, utc: bool = False
) -> Stamp:
    stamp = _optional_stamp(row, header, columns, col, utc=utc)
    if stamp is None:
        raise _missing(row, header, columns[col])
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
        raise _missing(row, header, columns[Col.NAME])
    return name, email, upn


def _entries(
    body: list[Row], header: Row, columns: dict[Col, int], *, first_last: bool = False
) -> list[_Entry]:
    join_col, leave_col = (Col.FIRST_JOIN, Col.LAST_LEAVE) if first_last else (Col.JOIN, Col.LEAVE)
    entries = []
    for row in body:
        if row.blank:
            continue
        _check_complete(row, header)
        name, email, upn = _identity(row, header, columns)
        entries.append(
            _Entry(
                row=row.number,
                name=name,
                email=email,
                upn=upn,
                role=row.get(columns.get(Col.ROLE)),
                join=_required_stamp(row, header, columns, join_col),
                leave=(
                    _required_stamp(row, header, columns, leave_col)
                    if first_last
                    else _optional_stamp(row, header, columns, leave_col)
                ),
                duration=_duration(row, columns),
            )
        )
    return entries


def _interval(
    entry: _Entry, reading: DateReading, ctx: _Context, *, first_last: bool = False
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
            + _download_again(),
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
class _RawMeta:
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


def _preamble(rows: list[Row]) -> _RawMeta:
    """The meeting's facts before the table: Zoom's block (a header row naming at least
    two of them and a row of values) or Teams' rows of name and value."""
    meta = _RawMeta()
    filled = [row for row in rows if not row.blank]
    for at, row in enumerate(filled[:-1]):
        named = {i: _META_OF.get(header_key(cell)) for i, cell in enumerate(row.cells)}
        if sum(1 for m in named.values() if m) >= 2:
            values = filled[at + 1]
            for i, found in named.items():
                if found is not None:
                    meta.read(found, values.get(i), values, row.cells[i])
            return meta
    return _vertical(filled)


def _vertical(rows: list[Row]) -> _RawMeta:
    meta = _RawMeta()
    for row in rows:
        found = _META_OF.get(header_key(row.get(0)))
        if found is not None:
            meta.read(found, row.get(1), row, row.cells[0])
    return meta


# --- Teams' current report ------------------------------------------------------------


@dataclass
class _TeamsSection:
    kind: _Section | None
    heading: Row
    body: list[Row] = field(default_factory=list)


def _sections(rows: list[Row]) -> list[_TeamsSection]:
    sections: list[_TeamsSection] = []
    for row in rows:
        heading = numbered_heading(row)
        if heading is not None:
            number, title = heading
            kind = _SECTION_TITLES.get(header_key(title)) or _SECTION_NUMBERS.get(number)
            sections.append(_TeamsSection(kind, row))
        elif sections:
            sections[-1].body.append(row)
    return sections


def _section_header_error(section: _TeamsSection, at: Row) -> ValidationError:
    expected = (
        "Name, First Join, Last Leave"
        if section.kind is _Section.PARTICIPANTS
        else "Name, Join Time, Leave Time"
    )
    return ValidationError(
        _(
            "Avsnittet ”%(section)s” saknar raden med kolumnnamn (till exempel %(expected)s) "
            "före rad %(row)s, eller har kolumner som inte känns igen."
        )
        + " "
        + _download_again(),
        params={"section": section.heading.cells[0], "expected": expected, "row": at.number},
        code="section_header",
    )


def _parse_teams(rows: list[Row], ctx: _Context) -> ParsedReport:
    meta = _RawMeta()
    participants: list[_Entry] | None = None
    activities: list[_Entry] | None = None
    for section in _sections(rows):
        if section.kind is _Section.SUMMARY:
            meta = _vertical([row for row in section.body if not row.blank])
            continue
        filled = [row for row in section.body if not row.blank]
        if not filled:
            if section.kind is None:
                continue
            raise ValidationError(
                _(
                    "Filen slutar efter rubriken ”%(section)s” på rad %(row)s och verkar vara "
                    "avklippt. Ladda ner rapporten igen och ladda upp hela filen."
                ),
                params={"section": section.heading.cells[0], "row": section.heading.number},
                code="truncated",
            )
        header, columns = filled[0], map_columns(filled[0].cells)
        table = _table_kind(columns)
        if section.kind is None:  # a heading we do not know: its columns tell
            if table is _Table.PARTICIPANTS:
                section.kind = _Section.PARTICIPANTS
            elif table is _Table.JOIN_LEAVE:
                section.kind = _Section.ACTIVITIES
            else:
                continue  # not attendance (a webinar's registrations, say)
        elif table is not _SECTION_TABLES[section.kind]:
            raise _section_header_error(section, header)
        if section.kind is _Section.PARTICIPANTS:
            entries = _entries(filled[1:], header, columns, first_last=True)
            participants = (participants or []) + entries
        else:
            activities = (activities or []) + _entries(filled[1:], header, columns)
    if participants is None and activities is None:
        raise ValidationError(
            _(
                "Rapporten från Teams saknar både avsnittet ”2. Participants” (Deltagare) och "
                "”3. In-Meeting Activities” (Aktiviteter under mötet), så det går inte att se "
                "vem som var med. Ladda ner rapporten igen och ladda upp hela filen."
            ),
            code="section_missing",
        )
    return _teams_report(ctx, meta, participants, activities)


@dataclass
class _Person:
    name: str
    email: str = ""
    upn: str = ""
    role: str = ""
    reported: dt.timedelta | None = None
    intervals: list[Interval] = field(default_factory=list)
    summaries: list[_Entry] = field(default_factory=list)

    def fill(self, entry: _Entry) -> None:
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


def _finish(
    ctx: _Context,
    meta: _RawMeta,
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


def _teams_report(
    ctx: _Context,
    meta: _RawMeta,
    participants: list[_Entry] | None,
    activities: list[_Entry] | None,
) -> ParsedReport:
    """Section 3's joins when the file has them; a person found only in section 2 (or a
    file without section 3) gets section 2's first join to last leave, marked so."""
    entries = (participants or []) + (activities or [])
    reading = ctx.settle(
        [meta.start, meta.end, *(e.join for e in entries), *(e.leave for e in entries)]
    )
    people: dict[str, _Person] = {}
    for entry in participants or []:
        person = people.setdefault(entry.key, _Person(entry.name))
        person.fill(entry)
        person.reported = entry.duration
        person.summaries.append(entry)
    for entry in activities or []:
        person = people.setdefault(entry.key, _Person(entry.name))
        person.fill(entry)
        person.intervals.append(_interval(entry, reading, ctx))
    for person in people.values():
        if not person.intervals:
            person.intervals = [
                _interval(entry, reading, ctx, first_last=True) for entry in person.summaries
            ]
    attendees = [person.attendee() for person in people.values()]
    return _finish(ctx, meta, reading, ReportFormat.TEAMS, attendees)


# --- Zoom -----------------------------------------------------------------------------


def _parse_zoom(ctx: _Context, meta: _RawMeta, entries: list[_Entry]) -> ParsedReport:
    """One row per join; a person who reconnects has several rows."""
    reading = ctx.settle(
        [meta.start, meta.end, *(e.join for e in entries), *(e.leave for e in entries)]
    )
    people: dict[str, _Person] = {}
    totals: dict[str, list[dt.timedelta | None]] = {}
    for entry in entries:
        person = people.setdefault(entry.key, _Person(entry.name))
        person.fill(entry)
        person.intervals.append(_interval(entry, reading, ctx))
        totals.setdefault(entry.key, []).append(entry.duration)
    for key, person in people.items():
        durations = totals[key]
        if all(d is not None for d in durations):
            person.reported = sum((d for d in durations if d is not None), dt.timedelta())
    attendees = [person.attendee() for person in people.values()]
    return _finish(ctx, meta, reading, ReportFormat.ZOOM, attendees)


# --- Join and leave events: Teams' legacy list, live events ---------------------------


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


def _parse_events(rows: list[Row], index: int, ctx: _Context, *, live: bool) -> ParsedReport:
    header = rows[index]
    columns = map_columns(header.cells)
    time_col = Col.UTC_TIMESTAMP if live else Col.TIMESTAMP
    events: list[_Event] = []
    for row in rows[index + 1 :]:
        if row.blank:
            continue
        _check_complete(row, header)
        name = row.get(columns.get(Col.NAME))
        upn = row.get(columns.get(Col.UPN)) if live else ""
        if not (name or upn):
            raise _missing(row, header, columns.get(Col.NAME, columns[Col.ACTION]))
        action = row.get(columns[Col.ACTION])
        joins = _ACTIONS.get(header_key(action))
        if joins is None:
            raise ValidationError(
                _(
                    "Rad %(row)s: händelsen ”%(value)s” känns inte igen. Den ska vara Joined, "
                    "Joined before eller Left."
                )
                + " "
                + _download_again(),
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
                stamp=_required_stamp(row, header, columns, time_col, utc=live),
            )
        )
    reading = ctx.settle(event.stamp for event in events)
    people: dict[str, _Person] = {}
    streams: dict[tuple[str, str], list[tuple[dt.datetime, int, bool]]] = {}
    for event in events:
        person = people.setdefault(event.key, _Person(event.name))
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
    return _finish(ctx, _RawMeta(), reading, report_format, attendees)


def _pair(stream: list[tuple[dt.datetime, int, bool]], ctx: _Context) -> list[Interval]:
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
                + _download_again(),
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
