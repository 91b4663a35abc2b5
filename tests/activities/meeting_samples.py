"""Teams attendance reports for the attendance import's tests and bench, written as Teams
writes them (UTF-16 LE with a BOM, tab-separated, three sections; en-GB dates), with the
byte-level builders of tests/activities/test_meeting_reports.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from tests.activities.test_meeting_reports import STHLM, tsv, utf16


@dataclass(frozen=True)
class InMeeting:
    """One person in the report: stays are (join, leave) as "HH:MM:SS" on the session's day."""

    name: str
    email: str = ""
    upn: str | None = None  # None: the same as the e-mail address
    role: str = "Attendee"
    stays: tuple[tuple[str, str], ...] = field(default=(("09:00:00", "11:00:00"),))


def _t(clock: str) -> str:
    return clock if clock.count(":") == 2 else f"{clock}:00"


def _seconds(clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in _t(clock).split(":"))
    return hours * 3600 + minutes * 60 + seconds


def _span(join: str, leave: str) -> str:
    seconds = _seconds(leave) - _seconds(join)
    return f"{seconds // 3600}h {seconds % 3600 // 60}m {seconds % 60}s"


def teams_report(day: dt.date, people: list[InMeeting], *, title: str = "Workshop") -> bytes:
    stamp = f"{day:%d/%m/%y}"
    lines = [
        "1. Summary",
        tsv("Meeting title", title),
        tsv("Attended participants", str(len(people))),
        tsv("Start time", f"{stamp}, 08:55:00"),
        tsv("End time", f"{stamp}, 11:10:00"),
        tsv("Meeting duration", "2h 15m 0s"),
        "",
        "2. Participants",
        tsv(
            "Name",
            "First Join",
            "Last Leave",
            "In-Meeting Duration",
            "Email",
            "Participant ID (UPN)",
            "Role",
        ),
    ]
    for person in people:
        first = min(_t(j) for j, _ in person.stays)
        last = max(_t(left) for _, left in person.stays)
        upn = person.email if person.upn is None else person.upn
        lines.append(
            tsv(
                person.name,
                f"{stamp}, {first}",
                f"{stamp}, {last}",
                _span(first, last),
                person.email,
                upn,
                person.role,
            )
        )
    lines += ["", "3. In-Meeting Activities"]
    lines.append(tsv("Name", "Join Time", "Leave Time", "Duration", "Email", "Role"))
    for person in people:
        for join, leave in person.stays:
            lines.append(
                tsv(
                    person.name,
                    f"{stamp}, {_t(join)}",
                    f"{stamp}, {_t(leave)}",
                    _span(join, leave),
                    person.email,
                    person.role,
                )
            )
    return utf16(lines)


def yesterday_at(hour: int, minute: int = 0) -> dt.datetime:
    """A Stockholm time yesterday: a session just held (not a late change by its date)."""
    day = timezone.localdate() - dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STHLM)
