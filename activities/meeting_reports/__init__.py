"""Attendance reports of online meetings (Microsoft Teams and Zoom), read and merged.

Two steps, so that a preview can show what was read before anything is saved:

1. `parse_report(data, session_start=..., session_end=..., locale=None)` reads one
   uploaded file (any of the formats in `ReportFormat`, detected from its columns) into a
   `ParsedReport`: per person the intervals in the meeting, as the file gives them, with
   the rows they came from. An unreadable file raises a ValidationError with a Swedish
   message saying what to fix, and a code.
2. `merge_reports(reports, session_start=..., session_end=...)` merges one or more parsed
   reports of one session into a `PersonAttendance` per person: intervals clipped to the
   session, united, and counted in whole minutes (`whole_minutes`).
   `counts_as_present(minutes, minimum_minutes=...)` then says who was present, and
   `combine_attendances` unites people found to be one participant.
3. `people_to_json` / `people_from_json` keep a merge between the preview and its confirm.

Nothing here touches the database. The files hold names and e-mail addresses of people:
this package logs nothing, and its messages name rows, never people.
"""

from __future__ import annotations

from .clock import date_order_for_locale, parse_duration
from .formats import parse_report
from .merging import (
    combine_attendances,
    counts_as_present,
    merge_reports,
    normalise_name,
    whole_minutes,
)
from .storing import people_from_json, people_to_json
from .types import (
    AttendedInterval,
    Attendee,
    DateOrder,
    DateOrderSource,
    Interval,
    IntervalBasis,
    ParsedReport,
    PersonAttendance,
    ReportFormat,
    Role,
    RowRef,
)

__all__ = [
    "AttendedInterval",
    "Attendee",
    "DateOrder",
    "DateOrderSource",
    "Interval",
    "IntervalBasis",
    "ParsedReport",
    "PersonAttendance",
    "ReportFormat",
    "Role",
    "RowRef",
    "combine_attendances",
    "counts_as_present",
    "date_order_for_locale",
    "merge_reports",
    "normalise_name",
    "parse_duration",
    "parse_report",
    "people_from_json",
    "people_to_json",
    "whole_minutes",
]
