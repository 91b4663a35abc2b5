"""The meeting-report parser (activities.meeting_reports): Teams' current report in UTF-16
and UTF-8, in English and Swedish, Teams' legacy list, a live event's report and Zoom's
export; merging report versions; and refused files, each with its message.

Every sample is written here byte for byte as the service writes it. Minutes are worked out
by hand in the comments; all tests assert exact minutes and intervals. No database."""

from __future__ import annotations

import codecs
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from activities.meeting_reports import (
    DateOrder,
    DateOrderSource,
    IntervalBasis,
    ParsedReport,
    PersonAttendance,
    ReportFormat,
    Role,
    RowRef,
    counts_as_present,
    date_order_for_locale,
    merge_reports,
    normalise_name,
    parse_duration,
    parse_report,
    whole_minutes,
)
from activities.meeting_reports.clock import DateReading, read_stamp

STHLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=STHLM)


def utf16(lines: list[str]) -> bytes:
    """As Teams writes its CSV: UTF-16 LE with a BOM, tab-separated, CRLF."""
    return codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le") + "\r\n".encode("utf-16-le")


def utf8_bom(lines: list[str]) -> bytes:
    return codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def plain_utf8(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def tsv(*cells: str) -> str:
    return "\t".join(cells)


def parse(data: bytes, start: dt.datetime, end: dt.datetime, **kwargs: str) -> ParsedReport:
    return parse_report(data, session_start=start, session_end=end, **kwargs)


def merged(
    reports: list[ParsedReport], start: dt.datetime, end: dt.datetime
) -> dict[str, PersonAttendance]:
    return {p.name: p for p in merge_reports(reports, session_start=start, session_end=end)}


def minutes_of(people: dict[str, PersonAttendance]) -> dict[str, int]:
    return {name: person.minutes for name, person in people.items()}


def refused(data: bytes, start: dt.datetime, end: dt.datetime, **kwargs: str) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        parse(data, start, end, **kwargs)
    return err.value


# --- Teams' current report, en-GB, UTF-16 and tab (the usual download) ----------------

# Session 15 November 2022, 09:30–11:00.
NOV_START, NOV_END = at(2022, 11, 15, 9, 30), at(2022, 11, 15, 11, 0)

TEAMS_EN_GB = [
    "1. Summary",  # row 1
    tsv("Meeting title", "Digital kompetens – modul 3"),
    tsv("Attended participants", "4"),
    tsv("Start time", "15/11/22, 09:28:03"),
    tsv("End time", "15/11/22, 11:02:10"),  # row 5
    tsv("Meeting duration", "1h 34m 7s"),
    tsv("Average attendance time", "1h 0m 54s"),
    "",
    "2. Participants",
    tsv(  # row 10
        "Name",
        "First Join",
        "Last Leave",
        "In-Meeting Duration",
        "Email",
        "Participant ID (UPN)",
        "Role",
    ),
    tsv(
        "Karin Lund",
        "15/11/22, 09:28:03",
        "15/11/22, 11:02:10",
        "1h 34m 7s",
        "karin.lund@vasteras.se",
        "karin.lund@vasteras.se",
        "Organizer",
    ),
    tsv(
        "Ahmed Nilsson",
        "15/11/22, 09:31:10",
        "15/11/22, 10:58:40",
        "1h 17m 30s",
        "ahmed.nilsson@vasteras.se",
        "ahmed.nilsson@vasteras.se",
        "Attendee",
    ),
    tsv(
        "Eva Berg",
        "15/11/22, 09:45:00",
        "15/11/22, 10:15:59",
        "30m 59s",
        "eva.berg@sala.se",
        "eva.berg@sala.se",
        "Attendee",
    ),
    tsv("Gäst Olsson (Gäst)", "15/11/22, 10:00:00", "15/11/22, 10:20:30", "20m 30s", "", "", ""),
    "",  # row 15
    "3. In-Meeting Activities",
    tsv("Name", "Join Time", "Leave Time", "Duration", "Email", "Role"),
    tsv(
        "Karin Lund",
        "15/11/22, 09:28:03",
        "15/11/22, 11:02:10",
        "1h 34m 7s",
        "karin.lund@vasteras.se",
        "Organizer",
    ),
    tsv(
        "Ahmed Nilsson",
        "15/11/22, 09:31:10",
        "15/11/22, 10:05:10",
        "34m 0s",
        "ahmed.nilsson@vasteras.se",
        "Attendee",
    ),
    tsv(  # row 20
        "Ahmed Nilsson",
        "15/11/22, 10:15:10",
        "15/11/22, 10:58:40",
        "43m 30s",
        "ahmed.nilsson@vasteras.se",
        "Attendee",
    ),
    tsv(  # the phone as well, inside the laptop's stay
        "Ahmed Nilsson",
        "15/11/22, 10:20:00",
        "15/11/22, 10:30:00",
        "10m 0s",
        "ahmed.nilsson@vasteras.se",
        "Attendee",
    ),
    tsv(
        "Eva Berg",
        "15/11/22, 09:45:00",
        "15/11/22, 10:15:59",
        "30m 59s",
        "eva.berg@sala.se",
        "Attendee",
    ),
    tsv("Gäst Olsson (Gäst)", "15/11/22, 10:00:00", "15/11/22, 10:20:30", "20m 30s", "", ""),
]

# The same report as Teams' UTF-8 download: comma-separated, dates with a comma quoted.
TEAMS_EN_GB_CSV = [
    "1. Summary",
    "Meeting title,Digital kompetens – modul 3",
    "Attended participants,4",
    'Start time,"15/11/22, 09:28:03"',
    'End time,"15/11/22, 11:02:10"',
    "Meeting duration,1h 34m 7s",
    "Average attendance time,1h 0m 54s",
    "",
    "2. Participants",
    "Name,First Join,Last Leave,In-Meeting Duration,Email,Participant ID (UPN),Role",
    'Karin Lund,"15/11/22, 09:28:03","15/11/22, 11:02:10",1h 34m 7s,'
    "karin.lund@vasteras.se,karin.lund@vasteras.se,Organizer",
    'Ahmed Nilsson,"15/11/22, 09:31:10","15/11/22, 10:58:40",1h 17m 30s,'
    "ahmed.nilsson@vasteras.se,ahmed.nilsson@vasteras.se,Attendee",
    'Eva Berg,"15/11/22, 09:45:00","15/11/22, 10:15:59",30m 59s,'
    "eva.berg@sala.se,eva.berg@sala.se,Attendee",
    'Gäst Olsson (Gäst),"15/11/22, 10:00:00","15/11/22, 10:20:30",20m 30s,,,',
    "",
    "3. In-Meeting Activities",
    "Name,Join Time,Leave Time,Duration,Email,Role",
    'Karin Lund,"15/11/22, 09:28:03","15/11/22, 11:02:10",1h 34m 7s,'
    "karin.lund@vasteras.se,Organizer",
    'Ahmed Nilsson,"15/11/22, 09:31:10","15/11/22, 10:05:10",34m 0s,'
    "ahmed.nilsson@vasteras.se,Attendee",
    'Ahmed Nilsson,"15/11/22, 10:15:10","15/11/22, 10:58:40",43m 30s,'
    "ahmed.nilsson@vasteras.se,Attendee",
    'Ahmed Nilsson,"15/11/22, 10:20:00","15/11/22, 10:30:00",10m 0s,'
    "ahmed.nilsson@vasteras.se,Attendee",
    'Eva Berg,"15/11/22, 09:45:00","15/11/22, 10:15:59",30m 59s,eva.berg@sala.se,Attendee',
    'Gäst Olsson (Gäst),"15/11/22, 10:00:00","15/11/22, 10:20:30",20m 30s,,',
]

# Minutes of both, session 09:30–11:00:
#   Karin 09:28:03–11:02:10, clipped to 09:30–11:00                       = 90 min
#   Ahmed 09:31:10–10:05:10 (34 min) + 10:15:10–10:58:40 (43 min 30 s); the phone's
#         10:20–10:30 lies inside the second stay and is counted once: 77 min 30 s → 77
#   Eva   09:45:00–10:15:59 = 30 min 59 s                                   → 30
#   Guest 10:00:00–10:20:30 = 20 min 30 s (no e-mail: known by name)        → 20
TEAMS_EN_GB_MINUTES = {
    "Karin Lund": 90,
    "Ahmed Nilsson": 77,
    "Eva Berg": 30,
    "Gäst Olsson (Gäst)": 20,
}


def test_teams_utf16_report_reads_all_three_sections():
    report = parse(utf16(TEAMS_EN_GB), NOV_START, NOV_END)

    assert report.format is ReportFormat.TEAMS
    assert (report.encoding, report.delimiter) == ("utf-16", "\t")
    assert report.title == "Digital kompetens – modul 3"
    assert report.meeting_start == at(2022, 11, 15, 9, 28, 3)
    assert report.meeting_end == at(2022, 11, 15, 11, 2, 10)
    assert report.meeting_duration == dt.timedelta(hours=1, minutes=34, seconds=7)
    # 15/11: a part above 12, so the day comes first.
    assert (report.date_order, report.date_order_source) == (
        DateOrder.DAY_FIRST,
        DateOrderSource.FILE,
    )
    karin, ahmed, eva, guest = report.attendees
    assert (karin.name, karin.email, karin.upn) == (
        "Karin Lund",
        "karin.lund@vasteras.se",
        "karin.lund@vasteras.se",
    )
    assert (karin.role, karin.role_text) == (Role.ORGANIZER, "Organizer")
    assert ahmed.role is Role.ATTENDEE
    assert ahmed.reported_duration == dt.timedelta(hours=1, minutes=17, seconds=30)
    # Section 3's joins, not section 2's first join to last leave; rows as Excel numbers them.
    assert [(i.start, i.end, i.rows, i.basis) for i in ahmed.intervals] == [
        (
            at(2022, 11, 15, 9, 31, 10),
            at(2022, 11, 15, 10, 5, 10),
            (19,),
            IntervalBasis.JOIN_AND_LEAVE,
        ),
        (
            at(2022, 11, 15, 10, 15, 10),
            at(2022, 11, 15, 10, 58, 40),
            (20,),
            IntervalBasis.JOIN_AND_LEAVE,
        ),
        (at(2022, 11, 15, 10, 20), at(2022, 11, 15, 10, 30), (21,), IntervalBasis.JOIN_AND_LEAVE),
    ]
    assert [(i.start, i.end, i.rows) for i in eva.intervals] == [
        (at(2022, 11, 15, 9, 45), at(2022, 11, 15, 10, 15, 59), (22,))
    ]
    assert (guest.name, guest.email, guest.upn, guest.role) == ("Gäst Olsson (Gäst)", "", "", None)
    assert all(i.start.tzinfo == STHLM for a in report.attendees for i in a.intervals)


def test_teams_utf16_report_minutes_overlap_counted_once_and_clipped():
    people = merged([parse(utf16(TEAMS_EN_GB), NOV_START, NOV_END)], NOV_START, NOV_END)

    assert minutes_of(people) == TEAMS_EN_GB_MINUTES
    # Karin clipped to the session; Ahmed's phone row (21) joined into his second stay.
    assert [(i.start, i.end, i.sources) for i in people["Karin Lund"].intervals] == [
        (NOV_START, NOV_END, (RowRef(0, 18),))
    ]
    assert [(i.start, i.end, i.sources) for i in people["Ahmed Nilsson"].intervals] == [
        (at(2022, 11, 15, 9, 31, 10), at(2022, 11, 15, 10, 5, 10), (RowRef(0, 19),)),
        (
            at(2022, 11, 15, 10, 15, 10),
            at(2022, 11, 15, 10, 58, 40),
            (RowRef(0, 20), RowRef(0, 21)),
        ),
    ]
    assert people["Ahmed Nilsson"].identifiers == ("ahmed.nilsson@vasteras.se",)
    assert people["Gäst Olsson (Gäst)"].identifiers == ()


def test_teams_utf8_bom_comma_report_reads_the_same():
    utf16_report = parse(utf16(TEAMS_EN_GB), NOV_START, NOV_END)
    report = parse(utf8_bom(TEAMS_EN_GB_CSV), NOV_START, NOV_END)

    assert (report.encoding, report.delimiter) == ("utf-8", ",")
    assert report.format is ReportFormat.TEAMS
    assert report.title == "Digital kompetens – modul 3"
    assert report.meeting_start == at(2022, 11, 15, 9, 28, 3)
    assert report.attendees == utf16_report.attendees
    assert minutes_of(merged([report], NOV_START, NOV_END)) == TEAMS_EN_GB_MINUTES


def test_teams_report_without_section_3_falls_back_to_first_join_and_last_leave():
    # Only sections 1 and 2 (an older download). Ahmed's 10:05–10:15 break is then not
    # known: 09:31:10–10:58:40 = 87 min 30 s → 87, marked so that a preview says it.
    report = parse(utf16(TEAMS_EN_GB[:15]), NOV_START, NOV_END)
    people = merged([report], NOV_START, NOV_END)

    assert minutes_of(people) == {
        "Karin Lund": 90,
        "Ahmed Nilsson": 87,
        "Eva Berg": 30,
        "Gäst Olsson (Gäst)": 20,
    }
    ahmed = report.attendees[1]
    assert [(i.start, i.end, i.rows, i.basis) for i in ahmed.intervals] == [
        (
            at(2022, 11, 15, 9, 31, 10),
            at(2022, 11, 15, 10, 58, 40),
            (12,),
            IntervalBasis.FIRST_TO_LAST,
        )
    ]
    assert people["Ahmed Nilsson"].intervals[0].bases == {IntervalBasis.FIRST_TO_LAST}


def test_teams_person_missing_from_section_3_gets_section_2s_times():
    # Eva's row 22 removed from section 3: her section 2 row (13) is used, marked.
    lines = TEAMS_EN_GB[:21] + TEAMS_EN_GB[22:]
    eva = parse(utf16(lines), NOV_START, NOV_END).attendees[2]

    assert eva.name == "Eva Berg"
    assert [(i.start, i.end, i.rows, i.basis) for i in eva.intervals] == [
        (at(2022, 11, 15, 9, 45), at(2022, 11, 15, 10, 15, 59), (13,), IntervalBasis.FIRST_TO_LAST)
    ]


# --- Teams' current report in Swedish (sv-SE) -----------------------------------------

# Session 15 November 2022, 09:30–10:30.
SV_START, SV_END = at(2022, 11, 15, 9, 30), at(2022, 11, 15, 10, 30)

TEAMS_SV = [
    "1. Sammanfattning",
    tsv("Mötesrubrik", "Arbetsplatsträff IT-stöd"),
    tsv("Deltagare som deltog", "3"),
    tsv("Starttid", "2022-11-15 09:29:00"),
    tsv("Sluttid", "2022-11-15 10:40:00"),
    tsv("Mötets varaktighet", "1 tim 11 min"),
    tsv("Genomsnittlig närvarotid", "52 min 15 s"),
    "",
    "2. Deltagare",
    tsv(  # row 10
        "Namn",
        "Första anslutning",
        "Senaste frånkoppling",
        "Varaktighet i mötet",
        "E-post",
        "Deltagar-ID (UPN)",
        "Roll",
    ),
    tsv(
        "Sofia Ek",
        "2022-11-15 09:29:00",
        "2022-11-15 10:35:03",
        "1 tim 6 min 3 s",
        "sofia.ek@enkoping.se",
        "sofia.ek@enkoping.se",
        "Organisatör",
    ),
    tsv(
        "Jonas Åberg",
        "2022-11-15 09:35:00",
        "2022-11-15 10:40:00",
        "55 min",
        "jonas.aberg@enkoping.se",
        "jonas.aberg@enkoping.se",
        "Deltagare",
    ),
    tsv(
        "Märta Öhman",
        "2022-11-15 10:00:00",
        "2022-11-15 10:20:45",
        "20 min 45 s",
        "marta.ohman@heby.se",
        "marta.ohman@heby.se",
        "Presentatör",
    ),
    "",
    "3. Aktiviteter under mötet",  # row 15
    tsv("Namn", "Anslutningstid", "Frånkopplingstid", "Varaktighet", "E-post", "Roll"),
    tsv(
        "Sofia Ek",
        "2022-11-15 09:29:00",
        "2022-11-15 10:35:03",
        "1 tim 6 min 3 s",
        "sofia.ek@enkoping.se",
        "Organisatör",
    ),
    tsv(
        "Jonas Åberg",
        "2022-11-15 09:35:00",
        "2022-11-15 10:00:00",
        "25 min",
        "jonas.aberg@enkoping.se",
        "Deltagare",
    ),
    tsv(
        "Jonas Åberg",
        "2022-11-15 10:10:00",
        "2022-11-15 10:40:00",
        "30 min",
        "jonas.aberg@enkoping.se",
        "Deltagare",
    ),
    tsv(  # row 20
        "Märta Öhman",
        "2022-11-15 10:00:00",
        "2022-11-15 10:20:45",
        "20 min 45 s",
        "marta.ohman@heby.se",
        "Presentatör",
    ),
]


def test_swedish_teams_report():
    report = parse(utf16(TEAMS_SV), SV_START, SV_END)

    assert report.format is ReportFormat.TEAMS
    assert report.title == "Arbetsplatsträff IT-stöd"
    assert report.meeting_start == at(2022, 11, 15, 9, 29)
    assert report.meeting_duration == dt.timedelta(hours=1, minutes=11)
    assert report.date_order is None  # ISO dates: nothing to decide
    assert [(a.name, a.role, a.role_text) for a in report.attendees] == [
        ("Sofia Ek", Role.ORGANIZER, "Organisatör"),
        ("Jonas Åberg", Role.ATTENDEE, "Deltagare"),
        ("Märta Öhman", Role.PRESENTER, "Presentatör"),
    ]
    assert report.attendees[0].reported_duration == dt.timedelta(hours=1, minutes=6, seconds=3)
    # Session 09:30–10:30:
    #   Sofia 09:29:00–10:35:03, clipped                                      = 60
    #   Jonas 09:35–10:00 (25) + 10:10–10:40 clipped to 10:10–10:30 (20)      = 45
    #   Märta 10:00:00–10:20:45 = 20 min 45 s                                 → 20
    people = merged([report], SV_START, SV_END)
    assert minutes_of(people) == {"Sofia Ek": 60, "Jonas Åberg": 45, "Märta Öhman": 20}
    assert [(i.start, i.end, i.sources) for i in people["Jonas Åberg"].intervals] == [
        (at(2022, 11, 15, 9, 35), at(2022, 11, 15, 10, 0), (RowRef(0, 18),)),
        (at(2022, 11, 15, 10, 10), SV_END, (RowRef(0, 19),)),
    ]


# --- Teams' current report, en-US -----------------------------------------------------

# Session 22 July 2026, 19:00–20:00.
JUL_START, JUL_END = at(2026, 7, 22, 19, 0), at(2026, 7, 22, 20, 0)

TEAMS_EN_US = [
    "1. Summary",
    tsv("Meeting title", "Kvällskurs Excel"),
    tsv("Attended participants", "2"),
    tsv("Start time", "7/22/26, 7:00:11 PM"),
    tsv("End time", "7/22/26, 8:01:30 PM"),
    tsv("Meeting duration", "1h 1m 19s"),
    tsv("Average attendance time", "45m 3s"),
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
    tsv(
        "Björn Dahl",
        "7/22/26, 7:00:11 PM",
        "7/22/26, 8:01:30 PM",
        "1h 1m 19s",
        "bjorn.dahl@fagersta.se",
        "bjorn.dahl@fagersta.se",
        "Organizer",
    ),
    tsv(
        "Ida Sund",
        "7/22/26, 7:05:00 PM",
        "7/22/26, 7:33:47 PM",
        "28m 47s",
        "ida.sund@fagersta.se",
        "ida.sund@fagersta.se",
        "Attendee",
    ),
    "",
    "3. In-Meeting Activities",
    tsv("Name", "Join Time", "Leave Time", "Duration", "Email", "Role"),
    tsv(
        "Björn Dahl",
        "7/22/26, 7:00:11 PM",
        "7/22/26, 8:01:30 PM",
        "1h 1m 19s",
        "bjorn.dahl@fagersta.se",
        "Organizer",
    ),
    tsv(
        "Ida Sund",
        "7/22/26, 7:05:00 PM",
        "7/22/26, 7:33:47 PM",
        "28m 47s",
        "ida.sund@fagersta.se",
        "Attendee",
    ),
]


def test_teams_en_us_report_with_am_pm():
    report = parse(utf16(TEAMS_EN_US), JUL_START, JUL_END)

    assert (report.date_order, report.date_order_source) == (
        DateOrder.MONTH_FIRST,
        DateOrderSource.FILE,  # 7/22: 22 is no month
    )
    assert report.meeting_start == at(2026, 7, 22, 19, 0, 11)
    assert report.meeting_end == at(2026, 7, 22, 20, 1, 30)
    # Björn 19:00:11–20:01:30, clipped to 19:00:11–20:00 = 59 min 49 s → 59 (he joined
    # 11 seconds late); Ida 19:05:00–19:33:47 = 28 min 47 s → 28.
    assert minutes_of(merged([report], JUL_START, JUL_END)) == {"Björn Dahl": 59, "Ida Sund": 28}


# --- Teams' legacy list ---------------------------------------------------------------

# Session 19 March 2020, 10:00–11:00.
MAR_START, MAR_END = at(2020, 3, 19, 10, 0), at(2020, 3, 19, 11, 0)

TEAMS_LEGACY = [
    tsv("Full Name", "User Action", "Timestamp"),  # row 1
    tsv("Lena Holm", "Joined", "3/19/2020, 9:58:12 AM"),
    tsv("Per Sjö", "Joined before", "3/19/2020, 9:58:12 AM"),
    tsv("Oskar Lind", "Joined", "3/19/2020, 10:04:22 AM"),
    tsv("Oskar Lind", "Left", "3/19/2020, 10:24:50 AM"),  # row 5
    tsv("Oskar Lind", "Joined", "3/19/2020, 10:30:05 AM"),
    tsv("Per Sjö", "Left", "3/19/2020, 10:45:30 AM"),
    tsv("Oskar Lind", "Left", "3/19/2020, 10:50:45 AM"),
    tsv("Tove Ring", "Joined", "3/19/2020, 11:10:00 AM"),
    tsv("Tove Ring", "Left", "3/19/2020, 11:25:00 AM"),  # row 10
]


def test_legacy_list_pairs_joins_and_leaves():
    report = parse(utf16(TEAMS_LEGACY), MAR_START, MAR_END)

    assert report.format is ReportFormat.TEAMS_LEGACY
    assert (report.date_order, report.date_order_source) == (
        DateOrder.MONTH_FIRST,
        DateOrderSource.FILE,
    )
    lena, per, oskar, tove = report.attendees
    assert (lena.email, lena.role) == ("", None)
    # "Joined" without "Left": to the session's end, and said so.
    assert [(i.start, i.end, i.rows, i.basis) for i in lena.intervals] == [
        (at(2020, 3, 19, 9, 58, 12), MAR_END, (2,), IntervalBasis.TO_SESSION_END)
    ]
    assert [(i.start, i.end, i.rows) for i in per.intervals] == [
        (at(2020, 3, 19, 9, 58, 12), at(2020, 3, 19, 10, 45, 30), (3, 7))
    ]
    assert [(i.start, i.end, i.rows) for i in oskar.intervals] == [
        (at(2020, 3, 19, 10, 4, 22), at(2020, 3, 19, 10, 24, 50), (4, 5)),
        (at(2020, 3, 19, 10, 30, 5), at(2020, 3, 19, 10, 50, 45), (6, 8)),
    ]
    assert [(i.start, i.end) for i in tove.intervals] == [
        (at(2020, 3, 19, 11, 10), at(2020, 3, 19, 11, 25))
    ]


def test_legacy_list_minutes_missing_left_and_interval_outside_session():
    people = merged([parse(utf16(TEAMS_LEGACY), MAR_START, MAR_END)], MAR_START, MAR_END)

    # Session 10:00–11:00:
    #   Lena  joined 09:58:12, never left → to 11:00; clipped 10:00–11:00     = 60
    #   Per   "Joined before" 09:58:12 – left 10:45:30; clipped from 10:00     → 45
    #   Oskar 10:04:22–10:24:50 (20 min 28 s) + 10:30:05–10:50:45 (20 min 40 s)
    #         = 41 min 8 s → 41 (rounded once, on the sum: per stay it would be 20 + 20)
    #   Tove  11:10–11:25, after the session                                   = 0
    assert minutes_of(people) == {"Lena Holm": 60, "Per Sjö": 45, "Oskar Lind": 41, "Tove Ring": 0}
    assert people["Lena Holm"].intervals[0].bases == {IntervalBasis.TO_SESSION_END}
    assert people["Tove Ring"].intervals == ()
    assert people["Tove Ring"].rows_outside == (RowRef(0, 9), RowRef(0, 10))


def test_legacy_list_second_device_keeps_the_person_in():
    # Two devices: joined 10:00 and 10:10, the first left 10:20, the second 10:30. Still in
    # until the last leave: 10:00–10:30 = 30, not 20.
    lines = [
        tsv("Full Name", "User Action", "Timestamp"),
        tsv("Oskar Lind", "Joined", "3/19/2020, 10:00:00 AM"),
        tsv("Oskar Lind", "Joined", "3/19/2020, 10:10:00 AM"),
        tsv("Oskar Lind", "Left", "3/19/2020, 10:20:00 AM"),
        tsv("Oskar Lind", "Left", "3/19/2020, 10:30:00 AM"),
    ]
    report = parse(utf16(lines), MAR_START, MAR_END)

    assert [(i.start, i.end, i.rows) for i in report.attendees[0].intervals] == [
        (at(2020, 3, 19, 10, 0), at(2020, 3, 19, 10, 30), (2, 3, 4, 5))
    ]
    assert minutes_of(merged([report], MAR_START, MAR_END)) == {"Oskar Lind": 30}


# --- Teams live event -----------------------------------------------------------------

# Session 25 January 2022, 17:30–18:30 Stockholm (16:30–17:30 UTC: CET is UTC+1).
JAN_START, JAN_END = at(2022, 1, 25, 17, 30), at(2022, 1, 25, 18, 30)

EDGE = (
    '"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
    'Chrome/97.0.4692.99 Safari/537.36 Edg/97.0.1072.69"'
)
LIVE_EVENT = [
    "SessionId,ParticipantId,FullName,UserAgent,UTC Event Timestamp,Action,Role",
    f"518ca2fd-6f1d-4e4b-9d53-2b0e0c1f7a11,johan.strand@uppsala.se,Johan Strand,{EDGE},"
    "1/25/2022 4:28:08 PM,Joined,Attendee",
    "39f73ed2-1b6c-4a44-8c0e-5d2f9e8b3c22,maria.falk@uppsala.se,Maria Falk,"
    "SignalR (lite),1/25/2022 4:51:13 PM,Joined,Attendee",
    f"518ca2fd-6f1d-4e4b-9d53-2b0e0c1f7a11,johan.strand@uppsala.se,Johan Strand,{EDGE},"
    "1/25/2022 5:05:54 PM,Left,Attendee",
    f"7c2e8d41-9a3b-4f0c-b1d2-6e5f4a3b2c33,Johan.Strand@Uppsala.se,Johan Strand,{EDGE},"
    "1/25/2022 5:10:00 PM,Joined,Attendee",
    f"7c2e8d41-9a3b-4f0c-b1d2-6e5f4a3b2c33,Johan.Strand@Uppsala.se,Johan Strand,{EDGE},"
    "1/25/2022 5:40:00 PM,Left,Attendee",
]


def test_live_event_report_in_utc():
    report = parse(utf8_bom(LIVE_EVENT), JAN_START, JAN_END)

    assert report.format is ReportFormat.TEAMS_LIVE_EVENT
    johan, maria = report.attendees
    assert (johan.upn, johan.role) == ("johan.strand@uppsala.se", Role.ATTENDEE)
    # UTC turned into Stockholm time; one interval per SessionId.
    assert [(i.start, i.end, i.rows) for i in johan.intervals] == [
        (at(2022, 1, 25, 17, 28, 8), at(2022, 1, 25, 18, 5, 54), (2, 4)),
        (at(2022, 1, 25, 18, 10), at(2022, 1, 25, 18, 40), (5, 6)),
    ]
    assert [(i.start, i.end, i.basis) for i in maria.intervals] == [
        (at(2022, 1, 25, 17, 51, 13), JAN_END, IntervalBasis.TO_SESSION_END)
    ]
    # Session 17:30–18:30 Stockholm:
    #   Johan 17:30–18:05:54 (35 min 54 s) + 18:10–18:30 (20 min)  = 55 min 54 s → 55
    #   Maria joined 17:51:13, no "Left": to 18:30 = 38 min 47 s                → 38
    assert minutes_of(merged([report], JAN_START, JAN_END)) == {
        "Johan Strand": 55,
        "Maria Falk": 38,
    }


# --- Zoom -----------------------------------------------------------------------------

ZOOM_WITH_SUMMARY = [
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
    "845 1234 5678,Föräldrakväll: digitala verktyg,07/22/2026 06:58:40 PM,"
    "07/22/2026 08:31:02 PM,karin.lund@vasteras.se,93,3",
    ",,,,,,",
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
    "Recording Consent,In Waiting Room",
    "Karin Lund,karin.lund@vasteras.se,07/22/2026 06:58:40 PM,07/22/2026 08:31:02 PM,93,No,,No",
    "Nisse (Nils Ek),nils.ek@gmail.com,07/22/2026 07:02:15 PM,07/22/2026 07:40:15 PM,38,Yes,Y,No",
    "Nisse (Nils Ek),nils.ek@gmail.com,07/22/2026 07:38:00 PM,07/22/2026 08:10:00 PM,32,Yes,Y,No",
    "iPhone,,07/22/2026 07:15:00 PM,07/22/2026 07:45:30 PM,31,Yes,Y,No",
]


def test_zoom_export_with_meeting_summary():
    start, end = at(2026, 7, 22, 19, 0), at(2026, 7, 22, 20, 30)
    report = parse(utf8_bom(ZOOM_WITH_SUMMARY), start, end)

    assert report.format is ReportFormat.ZOOM
    assert report.title == "Föräldrakväll: digitala verktyg"
    assert report.meeting_start == at(2026, 7, 22, 18, 58, 40)
    assert report.meeting_end == at(2026, 7, 22, 20, 31, 2)
    assert report.meeting_duration == dt.timedelta(minutes=93)
    assert report.date_order is DateOrder.MONTH_FIRST
    karin, nils, iphone = report.attendees
    assert (karin.email, karin.reported_duration) == (
        "karin.lund@vasteras.se",
        dt.timedelta(minutes=93),
    )
    assert (iphone.name, iphone.email) == ("iPhone", "")  # a guest without an account
    assert (nils.name, nils.email) == ("Nisse (Nils Ek)", "nils.ek@gmail.com")
    assert nils.reported_duration == dt.timedelta(minutes=70)  # Zoom's 38 + 32
    assert [(i.start, i.end, i.rows) for i in nils.intervals] == [
        (at(2026, 7, 22, 19, 2, 15), at(2026, 7, 22, 19, 40, 15), (6,)),
        (at(2026, 7, 22, 19, 38), at(2026, 7, 22, 20, 10), (7,)),
    ]
    # Session 19:00–20:30:
    #   Karin 18:58:40–20:31:02, clipped                                        = 90
    #   Nils  19:02:15–19:40:15 and 19:38–20:10 overlap: one stay 19:02:15–20:10
    #         = 67 min 45 s → 67 (Zoom's own minutes add up to 70)
    #   iPhone (no e-mail) 19:15:00–19:45:30 = 30 min 30 s                      → 30
    people = merged([report], start, end)
    assert minutes_of(people) == {"Karin Lund": 90, "Nisse (Nils Ek)": 67, "iPhone": 30}
    assert [(i.start, i.end, i.sources) for i in people["Nisse (Nils Ek)"].intervals] == [
        (at(2026, 7, 22, 19, 2, 15), at(2026, 7, 22, 20, 10), (RowRef(0, 6), RowRef(0, 7)))
    ]


# en-GB Zoom export without the summary block. 04/03/2026 is 4 March day-first and
# 3 April month-first: only the session's day can tell.
ZOOM_EN_GB = [
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest",
    "Lars Viklund,lars.viklund@norberg.se,04/03/2026 12:55:10,04/03/2026 14:05:00,70,No",
    "Anna Viklund,,04/03/2026 13:10:00,04/03/2026 13:50:59,41,Yes",
]


def test_zoom_export_without_summary_day_first_from_the_session_day():
    start, end = at(2026, 3, 4, 13, 0), at(2026, 3, 4, 14, 0)
    report = parse(plain_utf8(ZOOM_EN_GB), start, end)

    assert report.format is ReportFormat.ZOOM
    assert report.title == ""
    assert report.meeting_start is None
    assert (report.date_order, report.date_order_source) == (
        DateOrder.DAY_FIRST,
        DateOrderSource.SESSION_DAY,
    )
    assert [(i.start, i.end) for i in report.attendees[0].intervals] == [
        (at(2026, 3, 4, 12, 55, 10), at(2026, 3, 4, 14, 5))
    ]
    # Lars 12:55:10–14:05:00 clipped to 13:00–14:00 = 60; Anna 13:10:00–13:50:59 → 40.
    assert minutes_of(merged([report], start, end)) == {"Lars Viklund": 60, "Anna Viklund": 40}


def test_same_dates_read_month_first_when_the_session_is_on_3_april():
    start, end = at(2026, 4, 3, 13, 0), at(2026, 4, 3, 14, 0)
    report = parse(plain_utf8(ZOOM_EN_GB), start, end)

    assert (report.date_order, report.date_order_source) == (
        DateOrder.MONTH_FIRST,
        DateOrderSource.SESSION_DAY,
    )
    assert report.attendees[1].intervals[0].start == at(2026, 4, 3, 13, 10)
    assert minutes_of(merged([report], start, end)) == {"Lars Viklund": 60, "Anna Viklund": 40}


def test_locale_decides_ambiguous_dates():
    # The session is on another day, so the file cannot tell; the organiser's locale can.
    start, end = at(2026, 3, 10, 13, 0), at(2026, 3, 10, 14, 0)
    report = parse(plain_utf8(ZOOM_EN_GB), start, end, locale="en-GB")

    assert (report.date_order, report.date_order_source) == (
        DateOrder.DAY_FIRST,
        DateOrderSource.LOCALE,
    )
    assert report.attendees[0].intervals[0].start == at(2026, 3, 4, 12, 55, 10)
    people = merged([report], start, end)
    assert minutes_of(people) == {"Lars Viklund": 0, "Anna Viklund": 0}  # another day
    assert people["Lars Viklund"].rows_outside == (RowRef(0, 2),)

    us = parse(plain_utf8(ZOOM_EN_GB), start, end, locale="en-US")
    assert us.attendees[0].intervals[0].start == at(2026, 4, 3, 12, 55, 10)


def test_ambiguous_dates_without_locale_are_refused():
    start, end = at(2026, 3, 10, 13, 0), at(2026, 3, 10, 14, 0)
    error = refused(plain_utf8(ZOOM_EN_GB), start, end)

    assert error.code == "date_order"
    assert error.messages == [
        "Det går inte att avgöra om datumen i filen har dagen eller månaden först (till "
        "exempel ”04/03/2026 12:55:10” på rad 2). Välj vilken språkinställning mötets "
        "organisatör har i Teams eller Zoom, till exempel en-GB (dag/månad) eller en-US "
        "(månad/dag), och ladda upp filen igen."
    ]


def test_locale_that_contradicts_the_file_is_refused():
    error = refused(utf16(TEAMS_EN_GB), NOV_START, NOV_END, locale="en-US")

    assert error.code == "timestamp"
    assert error.messages == [
        "Rad 4: datumet i ”15/11/22, 09:28:03” finns inte om månaden står först "
        "(månad/dag/år). Kontrollera vilken språkinställning mötets organisatör har i Teams "
        "eller Zoom och välj den när du laddar upp filen."
    ]


def test_dates_both_day_first_and_month_first_are_refused():
    lines = [
        *ZOOM_EN_GB[:2],
        "Anna Viklund,,03/15/2026 13:10:00,03/15/2026 13:50:59,41,Yes",
        "Per Viklund,,15/03/2026 13:10:00,15/03/2026 13:50:59,41,Yes",
    ]
    error = refused(plain_utf8(lines), at(2026, 3, 15, 13, 0), at(2026, 3, 15, 14, 0))

    assert error.code == "date_order"
    assert error.messages == [
        "Datumen i filen går inte att läsa på ett och samma sätt: på rad 4 står dagen först "
        "(”15/03/2026 13:10:00”) men på rad 3 månaden (”03/15/2026 13:10:00”). Ladda ner "
        "rapporten igen och ladda upp den utan att ändra den."
    ]


# --- Other layouts: Teams' 2021 report, a file re-saved by Swedish Excel ---------------


def test_teams_2021_report_with_meeting_summary_block():
    # Before the numbered sections, Teams wrote a "Meeting Summary" and one row per join.
    # 6/11/2021 is 11 June month-first and 6 November day-first; the session is on 11 June.
    lines = [
        "Meeting Summary",
        tsv("Total Number of Participants", "2"),
        tsv("Meeting Title", "Nätverksträff"),
        tsv("Meeting Start Time", "6/11/2021, 9:58:04 AM"),
        tsv("Meeting End Time", "6/11/2021, 10:45:00 AM"),
        tsv("Meeting Id", "19:meeting_NjM4ZTk3YjQtZTFmMy00@thread.v2"),
        "",
        tsv(
            "Full Name",
            "Join Time",
            "Leave Time",
            "Duration",
            "Email",
            "Role",
            "Participant ID (UPN)",
        ),
        tsv(
            "Karin Lund",
            "6/11/2021, 9:58:04 AM",
            "6/11/2021, 10:45:00 AM",
            "46m 56s",
            "karin.lund@vasteras.se",
            "Organizer",
            "karin.lund@vasteras.se",
        ),
        tsv(
            "Eva Berg",
            "6/11/2021, 10:05:00 AM",
            "6/11/2021, 10:40:30 AM",
            "35m 30s",
            "eva.berg@sala.se",
            "Attendee",
            "eva.berg@sala.se",
        ),
    ]
    start, end = at(2021, 6, 11, 10, 0), at(2021, 6, 11, 10, 45)
    report = parse(utf16(lines), start, end)

    assert report.format is ReportFormat.TEAMS
    assert report.title == "Nätverksträff"
    assert report.meeting_start == at(2021, 6, 11, 9, 58, 4)
    assert (report.date_order, report.date_order_source) == (
        DateOrder.MONTH_FIRST,
        DateOrderSource.SESSION_DAY,
    )
    assert [(i.start, i.end, i.rows) for i in report.attendees[1].intervals] == [
        (at(2021, 6, 11, 10, 5), at(2021, 6, 11, 10, 40, 30), (10,))
    ]
    # Karin 09:58:04–10:45:00 clipped to 10:00–10:45 = 45; Eva 35 min 30 s → 35.
    assert minutes_of(merged([report], start, end)) == {"Karin Lund": 45, "Eva Berg": 35}


def test_zoom_export_resaved_by_swedish_excel_with_semicolons():
    # Opened in Swedish Excel and saved as "CSV UTF-8": semicolons, dates rewritten
    # ISO-style without seconds.
    lines = [
        "Name (Original Name);User Email;Join Time;Leave Time;Duration (Minutes);Guest",
        "Lars Viklund;lars.viklund@norberg.se;2026-03-04 12:55;2026-03-04 14:05;70;No",
        "Anna Viklund;;2026-03-04 13:10;2026-03-04 13:50;41;Yes",
    ]
    start, end = at(2026, 3, 4, 13, 0), at(2026, 3, 4, 14, 0)
    report = parse(utf8_bom(lines), start, end)

    assert (report.format, report.delimiter) == (ReportFormat.ZOOM, ";")
    # Lars 13:00–14:00 = 60; Anna 13:10–13:50 = 40.
    assert minutes_of(merged([report], start, end)) == {"Lars Viklund": 60, "Anna Viklund": 40}


def test_names_and_addresses_stay_out_of_repr():
    report = parse(utf16(TEAMS_EN_GB), NOV_START, NOV_END)
    people = merge_reports([report], session_start=NOV_START, session_end=NOV_END)

    shown = repr(report) + repr(people)
    assert "Karin" not in shown
    assert "vasteras.se" not in shown
    assert "2022, 11, 15, 9, 28, 3" in shown  # the times are still there to debug with


# --- Several versions of one meeting --------------------------------------------------


def _teams_activities(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A current Teams report (UTF-16) with sections 2 and 3 for (name, e-mail, join,
    leave) rows of 15 November 2022, one stay each."""
    lines = [
        "1. Summary",
        tsv("Meeting title", "Digital kompetens – modul 3"),
        tsv("Attended participants", str(len(rows))),
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
        *(
            tsv(n, f"15/11/22, {j}", f"15/11/22, {le}", "", e, e, "Attendee")
            for n, e, j, le in rows
        ),
        "",
        "3. In-Meeting Activities",
        tsv("Name", "Join Time", "Leave Time", "Duration", "Email", "Role"),
        *(tsv(n, f"15/11/22, {j}", f"15/11/22, {le}", "", e, "Attendee") for n, e, j, le in rows),
    ]
    return utf16(lines)


# The organiser's connection dropped at 10:10 and she restarted the meeting at 10:12:
# Teams made two reports.
VERSION_1 = _teams_activities(
    [
        ("Karin Lund", "karin.lund@vasteras.se", "09:28:00", "10:10:00"),
        ("Ahmed Nilsson", "ahmed.nilsson@vasteras.se", "09:31:00", "10:10:00"),
        ("Eva Berg", "eva.berg@sala.se", "09:40:00", "10:10:00"),
        ("Gäst Olsson", "", "09:50:00", "10:10:00"),
    ]
)
VERSION_2 = _teams_activities(
    [
        ("Karin Lund", "karin.lund@vasteras.se", "10:12:00", "11:05:00"),
        # The same person, the address in other letters and the name written otherwise.
        ("Nilsson, Ahmed", "Ahmed.Nilsson@Vasteras.se", "10:12:30", "10:59:30"),
        ("Lisa Öst", "lisa.ost@sala.se", "10:20:00", "10:50:00"),
        # The guest again, without an address: the same name once normalised.
        ("Ｇäst  olsson", "", "10:12:00", "10:30:00"),
    ]
)


def test_restarted_meeting_two_versions_merged():
    v1 = parse(VERSION_1, NOV_START, NOV_END)
    v2 = parse(VERSION_2, NOV_START, NOV_END)
    people = merged([v1, v2], NOV_START, NOV_END)

    # Session 09:30–11:00:
    #   Karin 09:28–10:10 clipped to 09:30–10:10 (40) + 10:12–11:05 clipped to 11:00 (48) = 88
    #   Ahmed 09:31–10:10 (39) + 10:12:30–10:59:30 (47)                                   = 86
    #   Eva   09:40–10:10, in version 1 only                                              = 30
    #   Guest 09:50–10:10 (20) + 10:12–10:30 (18), matched by name                        = 38
    #   Lisa  10:20–10:50, in version 2 only                                              = 30
    assert minutes_of(people) == {
        "Karin Lund": 88,
        "Ahmed Nilsson": 86,
        "Eva Berg": 30,
        "Gäst Olsson": 38,
        "Lisa Öst": 30,
    }
    ahmed = people["Ahmed Nilsson"]
    assert ahmed.email == "ahmed.nilsson@vasteras.se"
    assert ahmed.identifiers == ("ahmed.nilsson@vasteras.se",)
    assert ahmed.reports == (0, 1)
    assert [(i.start, i.end, i.sources) for i in ahmed.intervals] == [
        (at(2022, 11, 15, 9, 31), at(2022, 11, 15, 10, 10), (RowRef(0, 15),)),
        (at(2022, 11, 15, 10, 12, 30), at(2022, 11, 15, 10, 59, 30), (RowRef(1, 15),)),
    ]
    assert people["Eva Berg"].reports == (0,)
    assert people["Lisa Öst"].reports == (1,)


def test_same_report_uploaded_twice_is_counted_once():
    v1 = parse(VERSION_1, NOV_START, NOV_END)
    v2 = parse(VERSION_2, NOV_START, NOV_END)

    twice = merged([v1, v2, v1], NOV_START, NOV_END)

    assert minutes_of(twice) == minutes_of(merged([v1, v2], NOV_START, NOV_END))
    assert [i.sources for i in twice["Eva Berg"].intervals] == [(RowRef(0, 16), RowRef(2, 16))]


def test_name_alone_never_joins_a_person_known_by_address():
    # Two "Eva Berg": one with an address (version 1), one without (another file). Kept apart.
    guest_eva = _teams_activities([("Eva Berg", "", "10:30:00", "10:40:00")])
    people = merge_reports(
        [parse(VERSION_1, NOV_START, NOV_END), parse(guest_eva, NOV_START, NOV_END)],
        session_start=NOV_START,
        session_end=NOV_END,
    )

    evas = [(p.identifiers, p.minutes) for p in people if p.name == "Eva Berg"]
    assert evas == [(("eva.berg@sala.se",), 30), ((), 10)]


def test_live_event_and_teams_report_join_on_upn():
    # The same person by e-mail address in one file and UPN in the other.
    upn_only = [
        "SessionId,ParticipantId,FullName,UserAgent,UTC Event Timestamp,Action,Role",
        "a1,eva.berg@sala.se,Eva Berg,SignalR,2022-11-15T09:20:00Z,Joined,Attendee",
        "a1,eva.berg@sala.se,Eva Berg,SignalR,2022-11-15T09:45:00Z,Left,Attendee",
    ]
    live = parse(plain_utf8(upn_only), NOV_START, NOV_END)
    # 09:20Z–09:45Z is 10:20–10:45 Stockholm; with version 1's 09:40–10:10:
    # 09:40–10:10 (30) + 10:20–10:45 (25) = 55.
    people = merged([parse(VERSION_1, NOV_START, NOV_END), live], NOV_START, NOV_END)

    assert people["Eva Berg"].minutes == 55
    assert people["Eva Berg"].reports == (0, 1)


# --- Durations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h 30m 51s", 5451),
        ("10m 59s", 659),
        ("45s", 45),
        ("1 tim 5 min", 3900),
        ("1 h 5 min 3 s", 3903),
        ("01:30:51", 5451),
        ("2 timmar 1 minut 1 sekund", 7261),
    ],
)
def test_durations_in_each_style(text, seconds):
    assert parse_duration(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["1:30", "30m 1h", "1h 1h", "ungefär en timme", "90", "-5m"])
def test_unreadable_duration_is_refused(text):
    with pytest.raises(ValidationError) as err:
        parse_duration(text)
    assert err.value.code == "duration"


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [
        # Joined 09:30:00 with no leave time: the join plus the duration, session 09:00–12:00.
        ("1h 30m 51s", 90),  # to 11:00:51 → 90 min 51 s → 90
        ("10m 59s", 10),  # to 09:40:59 → 10
        ("45s", 0),  # less than a minute
        ("1 tim 5 min", 65),  # to 10:35:00 → 65
        ("1 h 5 min 3 s", 65),  # to 10:35:03 → 65
        ("01:30:51", 90),  # to 11:00:51 → 90
    ],
)
def test_duration_counts_when_the_leave_time_is_missing(duration, minutes):
    start, end = at(2022, 11, 15, 9, 0), at(2022, 11, 15, 12, 0)
    lines = [
        *TEAMS_SV[:15],
        tsv("Namn", "Anslutningstid", "Frånkopplingstid", "Varaktighet", "E-post", "Roll"),
        tsv("Sofia Ek", "2022-11-15 09:30:00", "", duration, "sofia.ek@enkoping.se", "Organisatör"),
    ]
    report = parse(utf16(lines), start, end)
    sofia = report.attendees[0]

    assert sofia.intervals[0].basis is IntervalBasis.JOIN_PLUS_DURATION
    assert sofia.intervals[0].end - sofia.intervals[0].start == parse_duration(duration)
    assert merged([report], start, end)["Sofia Ek"].minutes == minutes


def test_join_without_leave_or_duration_runs_to_the_session_end():
    lines = [
        *TEAMS_SV[:15],
        tsv("Namn", "Anslutningstid", "Frånkopplingstid", "Varaktighet", "E-post", "Roll"),
        tsv("Sofia Ek", "2022-11-15 09:40:00", "", "", "sofia.ek@enkoping.se", "Organisatör"),
    ]
    sofia = parse(utf16(lines), SV_START, SV_END).attendees[0]

    # 09:40 to the session's end 10:30 = 50 minutes, marked.
    assert [(i.start, i.end, i.basis) for i in sofia.intervals] == [
        (at(2022, 11, 15, 9, 40), SV_END, IntervalBasis.TO_SESSION_END)
    ]


# --- Timestamps -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("15/11/2022, 09:30:17", DateOrder.DAY_FIRST, at(2022, 11, 15, 9, 30, 17)),  # en-GB
        ("15/11/22, 09:30:17", DateOrder.DAY_FIRST, at(2022, 11, 15, 9, 30, 17)),
        ("7/22/26, 7:00:11 PM", DateOrder.MONTH_FIRST, at(2026, 7, 22, 19, 0, 11)),  # en-US
        ("11/15/2022 9:30:17 AM", DateOrder.MONTH_FIRST, at(2022, 11, 15, 9, 30, 17)),
        ("11/15/2022 12:05:00 AM", DateOrder.MONTH_FIRST, at(2022, 11, 15, 0, 5)),
        ("11/15/2022 12:05:00 PM", DateOrder.MONTH_FIRST, at(2022, 11, 15, 12, 5)),
        ("7/22/26, 7:00:11\u202fPM", DateOrder.MONTH_FIRST, at(2026, 7, 22, 19, 0, 11)),
        ("2022-11-15 09:30:17", None, at(2022, 11, 15, 9, 30, 17)),  # sv-SE
        ("2022-11-15 09:30", None, at(2022, 11, 15, 9, 30)),  # re-saved by Swedish Excel
        ("2022-11-15T09:30:17", None, at(2022, 11, 15, 9, 30, 17)),  # ISO, local time
        ("2022-11-15T08:30:17.1234567Z", None, at(2022, 11, 15, 9, 30, 17)),  # live events
        ("2022-07-15T09:30:17+02:00", None, at(2022, 7, 15, 9, 30, 17)),
        ("15.11.2022 09:30:17", DateOrder.DAY_FIRST, at(2022, 11, 15, 9, 30, 17)),
    ],
)
def test_timestamp_styles(text, order, expected):
    stamp = read_stamp(text, row=2, column="Join Time")
    moment = DateReading(order, None).at(stamp)

    assert moment.replace(microsecond=0) == expected
    assert moment.tzinfo == STHLM


def test_iso_fraction_is_kept():
    stamp = read_stamp("2022-11-15T08:30:17.1234567Z", row=2, column="Join Time")
    assert DateReading(None, None).at(stamp).microsecond == 123456


def test_summer_time_is_stockholm_local_time():
    # 15 July: CEST, UTC+2.
    stamp = read_stamp("2022-07-15 09:30:00", row=2, column="Join Time")
    assert DateReading(None, None).at(stamp) == dt.datetime(2022, 7, 15, 7, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("locale", "order"),
    [
        ("sv-SE", DateOrder.DAY_FIRST),
        ("sv", DateOrder.DAY_FIRST),
        ("en-GB", DateOrder.DAY_FIRST),
        ("en_US", DateOrder.MONTH_FIRST),
        ("EN-us", DateOrder.MONTH_FIRST),
        ("fi-FI", DateOrder.DAY_FIRST),
    ],
)
def test_date_order_for_locale(locale, order):
    assert date_order_for_locale(locale) is order


@pytest.mark.parametrize("locale", ["en", "Svenska", "", "12"])
def test_locale_without_a_known_order_is_a_programming_error(locale):
    with pytest.raises(ValueError, match="date order"):
        date_order_for_locale(locale)


# --- Minutes and presence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 0), (59, 0), (60, 1), (119.9, 1), (5451, 90), (-30, 0)]
)
def test_whole_minutes_rounds_down(seconds, minutes):
    assert whole_minutes(dt.timedelta(seconds=seconds)) == minutes


@pytest.mark.parametrize(
    ("minutes", "minimum", "present"),
    [(44, 45, False), (45, 45, True), (90, 45, True), (0, 0, False), (1, 0, True)],
)
def test_counts_as_present(minutes, minimum, present):
    assert counts_as_present(minutes, minimum_minutes=minimum) is present


def test_negative_minimum_is_a_programming_error():
    with pytest.raises(ValueError, match="negative"):
        counts_as_present(10, minimum_minutes=-1)


def test_normalise_name():
    assert normalise_name("  Ｇäst\u00a0 OLSSON ") == normalise_name("gäst olsson") == "gäst olsson"


def test_session_times_must_be_aware_and_in_order():
    with pytest.raises(ValueError, match="aware"):
        parse_report(
            utf16(TEAMS_EN_GB),
            session_start=dt.datetime(2022, 11, 15, 9, 30),
            session_end=NOV_END,
        )
    with pytest.raises(ValueError, match="after"):
        merge_reports([], session_start=NOV_END, session_end=NOV_START)


# --- Refused files --------------------------------------------------------------------


def test_random_csv_is_refused():
    data = plain_utf8(["Artikelnummer,Benämning,Pris", "1001,Penna,12.50", "1002,Sudd,8.00"])
    error = refused(data, NOV_START, NOV_END)

    assert error.code == "not_a_report"
    assert error.messages == [
        "Filen är ingen närvarorapport från Teams eller Zoom: ingen rad har de kolumner en "
        "sådan rapport har (till exempel Name, Join Time och Leave Time). Ladda ner rapporten "
        "från fliken Närvaro i mötet i Teams, eller från Rapporter → Användning → Deltagare "
        "i Zoom, och ladda upp den som den är."
    ]


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF16_LE, codecs.BOM_UTF8 + b"\r\n\r\n"])
def test_empty_file_is_refused(data):
    error = refused(data, NOV_START, NOV_END)

    assert error.code == "empty"
    assert error.messages == [
        "Filen är tom. Ladda ner närvarorapporten från Teams eller Zoom igen och ladda upp den."
    ]


def test_file_cut_in_a_row_is_refused_with_the_row():
    data = utf8_bom(TEAMS_EN_GB_CSV)
    cut = data[: data.index(b'"15/11/22, 10:05:10"')]  # in Ahmed's first row of section 3
    error = refused(cut, NOV_START, NOV_END)

    assert error.code == "row_incomplete"
    assert error.messages == [
        "Rad 19 är ofullständig: den slutar i kolumnen ”Leave Time” och kolumnerna efter "
        "den saknas. Filen kan vara avklippt eller ändrad. Ladda ner rapporten igen och "
        "ladda upp hela filen utan att ändra den."
    ]
    assert "Ahmed" not in error.messages[0]  # rows are named, never people


def test_file_cut_after_a_heading_is_refused():
    error = refused(utf16(TEAMS_EN_GB[:16]), NOV_START, NOV_END)

    assert error.code == "truncated"
    assert error.messages == [
        "Filen slutar efter rubriken ”3. In-Meeting Activities” på rad 16 och verkar vara "
        "avklippt. Ladda ner rapporten igen och ladda upp hela filen."
    ]


def test_utf16_file_cut_in_the_middle_of_a_character_is_refused():
    data = utf16(TEAMS_EN_GB)
    error = refused(data[:-1], NOV_START, NOV_END)

    assert error.code == "truncated"
    assert error.messages == [
        "Filen slutar mitt i ett tecken och verkar vara avklippt. Ladda ner rapporten igen "
        "och ladda upp hela filen utan att ändra den."
    ]


def test_file_cut_inside_quotes_is_refused():
    data = utf8_bom(TEAMS_EN_GB_CSV)
    cut = data[: data.index(b"10:05:10") + 4]  # inside the quoted leave time, row 19
    error = refused(cut, NOV_START, NOV_END)

    assert error.code == "truncated"
    assert error.messages == [
        "Filen slutar mitt i ett värde inom citattecken på rad 19 och verkar vara avklippt. "
        "Ladda ner rapporten igen och ladda upp hela filen utan att ändra den."
    ]


def test_unreadable_timestamp_is_refused_with_row_and_column():
    lines = list(TEAMS_EN_GB)
    lines[19] = lines[19].replace("15/11/22, 10:15:10", "15/11/22 kl. 10")
    error = refused(utf16(lines), NOV_START, NOV_END)

    assert error.code == "timestamp"
    assert error.messages == [
        "Rad 20: tiden ”15/11/22 kl. 10” i kolumnen ”Join Time” kan inte läsas. Tider ska "
        "stå som Teams och Zoom skriver dem, till exempel 2026-03-04 09:30:17, "
        "04/03/2026, 09:30:17 eller 3/4/2026 9:30:17 AM. Ladda ner rapporten igen och ladda "
        "upp den utan att ändra den."
    ]


@pytest.mark.parametrize(
    "text", ["31/02/2022 09:00:00", "2022-02-30 09:00", "15/11/22, 25:00:00", "13/13/2022 9:00"]
)
def test_impossible_timestamps_are_refused(text):
    lines = [*ZOOM_EN_GB[:2], f"Anna Viklund,,{text},04/03/2026 13:50:59,41,Yes"]
    error = refused(plain_utf8(lines), at(2026, 3, 4, 13, 0), at(2026, 3, 4, 14, 0))
    assert error.code == "timestamp"
    assert "Rad 3:" in error.messages[0]


def test_windows_1252_file_is_refused_not_guessed():
    text = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
    text += "Märta Öhman,,04/03/2026 13:10:00,04/03/2026 13:50:59,41,Yes\r\n"
    error = refused(text.encode("cp1252"), at(2026, 3, 4, 13, 0), at(2026, 3, 4, 14, 0))

    assert error.code == "encoding"
    assert "UTF-8 eller UTF-16" in error.messages[0]
    assert "CSV UTF-8" in error.messages[0]


def test_utf16_without_bom_is_refused():
    data = "\r\n".join(TEAMS_LEGACY).encode("utf-16-le")
    assert refused(data, MAR_START, MAR_END).code == "encoding"


def test_section_missing_its_header_is_refused():
    lines = TEAMS_EN_GB[:16] + TEAMS_EN_GB[17:]  # "3. In-Meeting Activities" then rows
    error = refused(utf16(lines), NOV_START, NOV_END)

    assert error.code == "section_header"
    assert error.messages == [
        "Avsnittet ”3. In-Meeting Activities” saknar raden med kolumnnamn (till exempel "
        "Name, Join Time, Leave Time) före rad 17, eller har kolumner som inte känns igen. "
        "Filen kan vara avklippt eller ändrad. Ladda ner rapporten igen och ladda upp hela "
        "filen utan att ändra den."
    ]


def test_teams_report_with_no_recognised_headers_says_which_section():
    lines = [
        "1. Summary",
        tsv("Meeting title", "Digital kompetens"),
        "",
        "2. Osallistujat",
        tsv("Nimi", "Ensimmäinen liittyminen", "Viimeinen poistuminen"),
        tsv("Karin Lund", "15.11.2022 9.28.03", "15.11.2022 11.02.10"),
    ]
    error = refused(utf16(lines), NOV_START, NOV_END)

    assert error.code == "section_header"
    assert "”2. Osallistujat”" in error.messages[0]


def test_teams_report_with_only_the_summary_is_refused():
    error = refused(utf16(TEAMS_EN_GB[:8]), NOV_START, NOV_END)

    assert error.code == "section_missing"


def test_report_without_attendees_is_refused():
    error = refused(plain_utf8(ZOOM_EN_GB[:1]), NOV_START, NOV_END)

    assert error.code == "no_attendees"


def test_zoom_unique_users_export_is_refused():
    lines = [
        "Name (Original Name),User Email,Total Duration (Minutes),Guest",
        "Lars Viklund,lars.viklund@norberg.se,70,No",
    ]
    error = refused(plain_utf8(lines), NOV_START, NOV_END)

    assert error.code == "no_times"
    assert "Visa unika användare" in error.messages[0]


def test_leave_before_join_is_refused():
    lines = [*ZOOM_EN_GB[:2], "Anna Viklund,,04/03/2026 13:50:59,04/03/2026 13:10:00,41,Yes"]
    error = refused(plain_utf8(lines), at(2026, 3, 4, 13, 0), at(2026, 3, 4, 14, 0))

    assert error.code == "order"
    assert error.messages[0].startswith(
        "Rad 3: deltagaren lämnar mötet (04/03/2026 13:10:00) före tiden för anslutningen "
        "(04/03/2026 13:50:59)."
    )


def test_unknown_action_in_legacy_list_is_refused():
    lines = [*TEAMS_LEGACY[:3], tsv("Oskar Lind", "Muted", "3/19/2020, 10:04:22 AM")]
    error = refused(utf16(lines), MAR_START, MAR_END)

    assert error.code == "action"
    assert error.messages[0].startswith(
        "Rad 4: händelsen ”Muted” känns inte igen. Den ska vara Joined, Joined before eller Left."
    )


def test_leave_without_join_is_refused():
    lines = [TEAMS_LEGACY[0], tsv("Oskar Lind", "Left", "3/19/2020, 10:24:50 AM")]
    error = refused(utf16(lines), MAR_START, MAR_END)

    assert error.code == "unpaired_leave"
    assert error.messages[0].startswith(
        "Rad 2: deltagaren lämnar mötet utan att ha anslutit före det enligt filen."
    )


def test_unreadable_duration_in_a_row_is_refused_with_the_row():
    lines = list(TEAMS_SV)
    lines[17] = lines[17].replace("25 min", "tjugofem")
    error = refused(utf16(lines), SV_START, SV_END)

    assert error.code == "duration"
    assert error.messages[0].startswith("Rad 18: varaktigheten ”tjugofem” kan inte läsas.")


def test_row_without_name_or_address_is_refused():
    lines = [*ZOOM_EN_GB[:2], ",,04/03/2026 13:10:00,04/03/2026 13:50:59,41,Yes"]
    error = refused(plain_utf8(lines), at(2026, 3, 4, 13, 0), at(2026, 3, 4, 14, 0))

    assert error.code == "row_incomplete"
    assert error.messages[0].startswith("Rad 3 saknar ett värde i kolumnen ”Name (Original Name)”.")


def test_nothing_is_logged(caplog):
    caplog.set_level(logging.DEBUG)
    reports = [parse(utf16(TEAMS_EN_GB), NOV_START, NOV_END), parse(VERSION_2, NOV_START, NOV_END)]
    merge_reports(reports, session_start=NOV_START, session_end=NOV_END)
    with pytest.raises(ValidationError):
        parse(utf16(TEAMS_EN_GB[:16]), NOV_START, NOV_END)

    assert caplog.records == []
