"""What a parsed attendance report and a merged attendance are made of (plain data, no I/O)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _


class ReportFormat(enum.StrEnum):
    TEAMS = "teams"  # the current attendance report: 1. Summary, 2. Participants, 3. Activities
    TEAMS_LEGACY = "teams_legacy"  # Full Name / User Action / Timestamp (2020–2021)
    TEAMS_LIVE_EVENT = "teams_live_event"  # the live event's attendee engagement report
    ZOOM = "zoom"  # Reports → Usage → Participants → Export

    @property
    def label(self) -> str:
        return {
            ReportFormat.TEAMS: _("närvarorapport från Teams"),
            ReportFormat.TEAMS_LEGACY: _("närvarolista från Teams (äldre format)"),
            ReportFormat.TEAMS_LIVE_EVENT: _("deltagarrapport från ett livesänt Teams-evenemang"),
            ReportFormat.ZOOM: _("deltagarlista från Zoom"),
        }[self]


class Role(enum.StrEnum):
    """A role as the meeting service gives it, the same whatever language the file is in."""

    ORGANIZER = "organizer"
    CO_ORGANIZER = "co_organizer"
    PRODUCER = "producer"  # live events
    PRESENTER = "presenter"
    ATTENDEE = "attendee"


class DateOrder(enum.StrEnum):
    """How a date written with slashes (3/4/2026) is read; ISO dates are never ambiguous."""

    DAY_FIRST = "day_first"  # en-GB, sv, and most of Europe: 3/4/2026 is 3 April
    MONTH_FIRST = "month_first"  # en-US: 3/4/2026 is 4 March


class DateOrderSource(enum.StrEnum):
    """Why the dates were read in that order, for the preview to say."""

    LOCALE = "locale"  # the organiser's locale was given
    FILE = "file"  # a date in the file has a part above 12
    SESSION_DAY = "session_day"  # only that order puts every date on the session's day


class IntervalBasis(enum.StrEnum):
    """Where an interval's ends come from; anything but JOIN_AND_LEAVE is shown in a preview."""

    JOIN_AND_LEAVE = "join_and_leave"  # a join and a leave time from the same row or pair
    FIRST_TO_LAST = "first_to_last"  # Teams "2. Participants" only: breaks are not known
    JOIN_PLUS_DURATION = "join_plus_duration"  # no leave time: the join plus the duration given
    TO_SESSION_END = "to_session_end"  # a join without a leave: counted to the session's end


@dataclass(frozen=True)
class Interval:
    """One stretch of time in the meeting, as the file gives it (not clipped to the session).
    `rows` are the file's row numbers it comes from, counted as a spreadsheet shows them."""

    start: dt.datetime
    end: dt.datetime
    rows: tuple[int, ...]
    basis: IntervalBasis = IntervalBasis.JOIN_AND_LEAVE


@dataclass(frozen=True)
class Attendee:
    """One person in one report. `email` and `upn` are "" when the file has none (guests,
    phone participants, the legacy report); `reported_duration` is the total the file itself
    states (Teams "In-Meeting Duration", the sum of Zoom's minutes), for a preview to compare.
    Names and addresses are left out of repr(), so that a report logged whole names no one."""

    name: str = field(repr=False)
    intervals: tuple[Interval, ...]
    email: str = field(default="", repr=False)
    upn: str = field(default="", repr=False)
    role: Role | None = None
    role_text: str = ""  # as written in the file ("Organizer", "Organisatör")
    reported_duration: dt.timedelta | None = None

    @property
    def identifiers(self) -> frozenset[str]:
        """The e-mail address and UPN, case-folded: what identifies the person across files."""
        return frozenset(value.casefold() for value in (self.email, self.upn) if value)


@dataclass(frozen=True)
class ParsedReport:
    """One uploaded file, read. Every datetime is aware, in Europe/Stockholm."""

    format: ReportFormat
    attendees: tuple[Attendee, ...]
    encoding: str
    delimiter: str
    title: str = ""
    meeting_start: dt.datetime | None = None
    meeting_end: dt.datetime | None = None
    meeting_duration: dt.timedelta | None = None
    # None when no date in the file depended on the order (ISO dates, or 5/5/2026).
    date_order: DateOrder | None = None
    date_order_source: DateOrderSource | None = None


class RowRef(NamedTuple):
    """A row of one of the files merged: `report` is its index in the list given to
    merge_reports, `row` the row number in that file."""

    report: int
    row: int


@dataclass(frozen=True)
class AttendedInterval:
    """A stretch of a person's attendance within the session, after clipping and union."""

    start: dt.datetime
    end: dt.datetime
    sources: tuple[RowRef, ...]
    bases: frozenset[IntervalBasis]


@dataclass(frozen=True)
class PersonAttendance:
    """One person across every file merged. `identifiers` are the case-folded e-mail
    addresses and UPNs seen (empty when the person is known by name only); `rows_outside`
    are the rows whose whole interval fell outside the session. Names and addresses are
    left out of repr()."""

    name: str = field(repr=False)
    email: str = field(repr=False)
    identifiers: tuple[str, ...] = field(repr=False)
    role: Role | None
    intervals: tuple[AttendedInterval, ...]
    minutes: int
    reports: tuple[int, ...]
    rows_outside: tuple[RowRef, ...] = ()
    # The case-folded UPNs among `identifiers`: a UPN names the sign-in account, so it is
    # matched to a participant before an e-mail address (which may be a shared mailbox).
    upns: tuple[str, ...] = field(default=(), repr=False)
