"""From parsed reports to minutes per person: identify, clip, unite, round.

Separate from parsing so that several files of one meeting (the meeting was restarted and
Teams made a report per start; a Zoom and a Teams file of a hybrid day) merge into one
attendance per person.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .clock import check_session
from .types import (
    AttendedInterval,
    Attendee,
    IntervalBasis,
    ParsedReport,
    PersonAttendance,
    Role,
    RowRef,
)

_ROLE_RANK = {
    Role.ORGANIZER: 0,
    Role.CO_ORGANIZER: 1,
    Role.PRODUCER: 2,
    Role.PRESENTER: 3,
    Role.ATTENDEE: 4,
}


def normalise_name(name: str) -> str:
    """A display name as compared across files: NFKC (full-width letters, ligatures and
    no-break spaces become plain ones), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def whole_minutes(duration: dt.timedelta) -> int:
    """The minutes counted for a stretch of attendance: whole minutes, rounded down.

    Down, because the minutes are reported to the funder as time attended, and a minute
    only begun was not attended; it also means a person present for the whole session
    gets exactly Session.duration_minutes (which rounds down the same way), never more.
    Applied once to a person's united time, never per interval, so someone who reconnects
    ten times loses less than a minute, not ten."""
    return max(0, duration // dt.timedelta(minutes=1))


def counts_as_present(minutes: int, *, minimum_minutes: int) -> bool:
    """Whether a person with these minutes counts as present at an activity that asks for
    at least `minimum_minutes` (0: any attendance). A whole minute is always needed: the
    person who was in for 40 seconds has 0 minutes, and 0 minutes is absence."""
    if minimum_minutes < 0:
        raise ValueError("minimum_minutes cannot be negative")
    return minutes >= max(minimum_minutes, 1)


@dataclass(frozen=True)
class _Piece:
    start: dt.datetime
    end: dt.datetime
    sources: tuple[RowRef, ...]
    basis: IntervalBasis


def _unite(pieces: list[_Piece]) -> list[AttendedInterval]:
    """The union of intervals: overlapping or touching ones become one, so time on two
    devices or in two versions of the report is counted once."""
    united: list[AttendedInterval] = []
    for piece in sorted(pieces, key=lambda p: (p.start, p.end)):
        if united and piece.start <= united[-1].end:
            last = united[-1]
            united[-1] = AttendedInterval(
                start=last.start,
                end=max(last.end, piece.end),
                sources=tuple(sorted(set(last.sources) | set(piece.sources))),
                bases=last.bases | {piece.basis},
            )
        else:
            united.append(
                AttendedInterval(piece.start, piece.end, piece.sources, frozenset({piece.basis}))
            )
    return united


def _groups(attendees: Sequence[Attendee]) -> list[list[int]]:
    """Which attendees are one person: the same e-mail address or UPN (case-insensitive),
    else, for those without either, the same normalised name. A name alone never joins a
    person known by address: two people can share a name, and a guaranteed split shows in
    the preview, whereas a wrong join would not."""
    parent = list(range(len(attendees)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        parent[max(a, b)] = min(a, b)

    by_identifier: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for index, attendee in enumerate(attendees):
        if attendee.identifiers:
            for identifier in attendee.identifiers:
                join(index, by_identifier.setdefault(identifier, index))
        else:
            join(index, by_name.setdefault(normalise_name(attendee.name), index))
    groups: dict[int, list[int]] = {}
    for index in range(len(attendees)):
        groups.setdefault(find(index), []).append(index)
    return list(groups.values())


def merge_reports(
    reports: Sequence[ParsedReport], *, session_start: dt.datetime, session_end: dt.datetime
) -> list[PersonAttendance]:
    """Attendance per person over one or more reports of the same session: each interval
    clipped to the session's start–end, a person's intervals united (overlaps and
    duplicates counted once), minutes by `whole_minutes`. People in the order they first
    appear; someone whose time all falls outside the session is kept, with 0 minutes and
    the rows in `rows_outside`."""
    check_session(session_start, session_end)
    placed = [(i, attendee) for i, report in enumerate(reports) for attendee in report.attendees]
    people: list[PersonAttendance] = []
    for group in _groups([attendee for _, attendee in placed]):
        members = [placed[index] for index in group]
        pieces: list[_Piece] = []
        outside: list[RowRef] = []
        for report_index, attendee in members:
            for interval in attendee.intervals:
                refs = tuple(RowRef(report_index, row) for row in interval.rows)
                start, end = max(interval.start, session_start), min(interval.end, session_end)
                if start < end:
                    pieces.append(_Piece(start, end, refs, interval.basis))
                else:
                    outside.extend(refs)
        intervals = _unite(pieces)
        attended = sum((i.end - i.start for i in intervals), dt.timedelta())
        attendees = [attendee for _, attendee in members]
        roles = [a.role for a in attendees if a.role is not None]
        people.append(
            PersonAttendance(
                name=next((a.name for a in attendees if a.name), ""),
                email=next((a.email for a in attendees if a.email), "")
                or next((a.upn for a in attendees if a.upn), ""),
                identifiers=tuple(sorted({i for a in attendees for i in a.identifiers})),
                role=min(roles, key=_ROLE_RANK.__getitem__) if roles else None,
                intervals=tuple(intervals),
                minutes=whole_minutes(attended),
                reports=tuple(sorted({report_index for report_index, _ in members})),
                rows_outside=tuple(sorted(set(outside))),
                upns=tuple(sorted({a.upn.casefold() for a in attendees if a.upn})),
            )
        )
    return people


def combine_attendances(
    people: Sequence[PersonAttendance],
) -> tuple[tuple[AttendedInterval, ...], int]:
    """The united intervals and the minutes of people of one merge who turn out to be one
    participant (her laptop under her address, her phone under a name saved for her):
    time on both counted once and rounded once, as merge_reports does within one person."""
    united: list[AttendedInterval] = []
    for interval in sorted(
        (i for p in people for i in p.intervals), key=lambda i: (i.start, i.end)
    ):
        if united and interval.start <= united[-1].end:
            last = united[-1]
            united[-1] = AttendedInterval(
                start=last.start,
                end=max(last.end, interval.end),
                sources=tuple(sorted(set(last.sources) | set(interval.sources))),
                bases=last.bases | interval.bases,
            )
        else:
            united.append(interval)
    attended = sum((i.end - i.start for i in united), dt.timedelta())
    return tuple(united), whole_minutes(attended)
