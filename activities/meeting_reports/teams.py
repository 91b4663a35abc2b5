"""Teams' current attendance report: numbered sections (1. Summary, 2. Participants,
3. In-Meeting Activities), in English or Swedish, and its 2021 predecessor."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .reading import Row, header_key, map_columns, numbered_heading
from .tables import (
    Context,
    Entry,
    Person,
    RawMeta,
    Table,
    download_again,
    entry_interval,
    finish_report,
    read_entries,
    table_kind,
    vertical_meta,
)
from .types import ParsedReport, ReportFormat


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
    _Section.PARTICIPANTS: Table.PARTICIPANTS,
    _Section.ACTIVITIES: Table.JOIN_LEAVE,
}


def has_teams_heading(text: str) -> bool:
    for line in text.splitlines()[:2000]:
        cell = line.strip().strip("\t,;").strip().strip('"')
        heading = numbered_heading(Row(0, (cell,)))
        if heading and header_key(heading[1]) in _SECTION_TITLES:
            return True
    return False


def is_teams_sections(rows: list[Row]) -> bool:
    first = next((row for row in rows if not row.blank), None)
    if first is not None and (heading := numbered_heading(first)) and heading[0] == 1:
        return True
    return any(
        (heading := numbered_heading(row)) and header_key(heading[1]) in _SECTION_TITLES
        for row in rows
    )


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
        + download_again(),
        params={"section": section.heading.cells[0], "expected": expected, "row": at.number},
        code="section_header",
    )


def parse_teams(rows: list[Row], ctx: Context) -> ParsedReport:
    meta = RawMeta()
    participants: list[Entry] | None = None
    activities: list[Entry] | None = None
    for section in _sections(rows):
        if section.kind is _Section.SUMMARY:
            meta = vertical_meta([row for row in section.body if not row.blank])
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
        table = table_kind(columns)
        if section.kind is None:  # a heading we do not know: its columns tell
            if table is Table.PARTICIPANTS:
                section.kind = _Section.PARTICIPANTS
            elif table is Table.JOIN_LEAVE:
                section.kind = _Section.ACTIVITIES
            else:
                continue  # not attendance (a webinar's registrations, say)
        elif table is not _SECTION_TABLES[section.kind]:
            raise _section_header_error(section, header)
        if section.kind is _Section.PARTICIPANTS:
            entries = read_entries(filled[1:], header, columns, first_last=True)
            participants = (participants or []) + entries
        else:
            activities = (activities or []) + read_entries(filled[1:], header, columns)
    if participants is None and activities is None:
        raise ValidationError(
            _(
                "Rapporten från Teams saknar både avsnittet ”2. Participants” (Deltagare) och "
                "”3. In-Meeting Activities” (Aktiviteter under mötet), så det går inte att se "
                "vem som var med. Ladda ner rapporten igen och ladda upp hela filen."
            ),
            code="section_missing",
        )
    return teams_report(ctx, meta, participants, activities)


def teams_report(
    ctx: Context,
    meta: RawMeta,
    participants: list[Entry] | None,
    activities: list[Entry] | None,
) -> ParsedReport:
    """Section 3's joins when the file has them; a person found only in section 2 (or a
    file without section 3) gets section 2's first join to last leave, marked so."""
    entries = (participants or []) + (activities or [])
    reading = ctx.settle(
        [meta.start, meta.end, *(e.join for e in entries), *(e.leave for e in entries)]
    )
    people: dict[str, Person] = {}
    for entry in participants or []:
        person = people.setdefault(entry.key, Person(entry.name))
        person.fill(entry)
        person.reported = entry.duration
        person.summaries.append(entry)
    for entry in activities or []:
        person = people.setdefault(entry.key, Person(entry.name))
        person.fill(entry)
        person.intervals.append(entry_interval(entry, reading, ctx))
    for person in people.values():
        if not person.intervals:
            person.intervals = [
                entry_interval(entry, reading, ctx, first_last=True) for entry in person.summaries
            ]
    attendees = [person.attendee() for person in people.values()]
    return finish_report(ctx, meta, reading, ReportFormat.TEAMS, attendees)
