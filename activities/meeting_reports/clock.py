"""Timestamps and durations as Teams and Zoom write them, in the organiser's locale.

A timestamp is read in two steps: `read_stamp` takes the text apart (and refuses what is no
timestamp at all), then `settle_date_order` looks at every stamp of the file at once to decide
whether 3/4/2026 is 3 April or 4 March, and `DateReading.at` makes the datetime.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from digiproj.dates import STOCKHOLM, local_date

from .types import DateOrder, DateOrderSource

# Marks that browsers and Excel put around dates in some locales (left-to-right marks,
# zero-width spaces); NFKC already turns the narrow no-break space before "PM" into a space.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"), None)

_TIME = r"""
    (?P<hour>\d{1,2})[:.](?P<minute>\d{2})
    (?:[:.](?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?
    (?:\s*(?P<meridiem>[ap])\.?\s?m\.?)?
    (?:\s*(?P<zone>z|utc|gmt|[+-]\d{2}:?\d{2}))?
"""
# 2026-03-04 09:30:17, 2026-03-04T09:30:17.123Z, 2026/03/04 09:30 (sv-SE, ISO, ja-JP)
_YEAR_FIRST = re.compile(
    rf"(?P<year>\d{{4}})(?P<sep>[-/.])(?P<p>\d{{1,2}})(?P=sep)(?P<q>\d{{1,2}})(?:t|,?\s+){_TIME}",
    re.IGNORECASE | re.VERBOSE,
)
# 15/11/22, 09:30:17 · 7/22/26, 7:00:11 PM · 11/15/2022 9:30:17 AM · 15.11.2022 09:30
_YEAR_LAST = re.compile(
    rf"(?P<p>\d{{1,2}})(?P<sep>[-/.])(?P<q>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}|\d{{2}}),?\s+{_TIME}",
    re.IGNORECASE | re.VERBOSE,
)

# Locales whose slashed dates put the month first; every other locale puts the day first
# or writes the year first (which is never ambiguous).
_MONTH_FIRST_LOCALES = {"en-us", "es-us", "en-ph", "fil-ph"}


def date_order_for_locale(locale: str) -> DateOrder:
    """The date order of a locale tag ("sv-SE", "en_GB", "en-US"). A bare "en" says
    nothing (Britain and the United States differ), so it is refused like an unknown tag."""
    tag = locale.strip().replace("_", "-").casefold()
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", tag) or tag == "en":
        raise ValueError(f"not a locale with a known date order: {locale!r}")
    return DateOrder.MONTH_FIRST if tag in _MONTH_FIRST_LOCALES else DateOrder.DAY_FIRST


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


@dataclass(frozen=True)
class Stamp:
    """A timestamp taken apart but not yet a datetime. For a year-first date `p` is the
    month and `q` the day; for a slashed one they are the first and second numbers."""

    text: str
    row: int
    column: str
    year: int
    p: int
    q: int
    slashed: bool
    time: dt.time
    zone: dt.tzinfo | None  # given in the text (Z, +01:00), else None
    utc: bool  # a naive stamp is UTC (Live Events) rather than Stockholm time

    @property
    def ambiguous(self) -> bool:
        return self.slashed and self.p != self.q

    def date(self, order: DateOrder | None) -> dt.date:
        """Raises ValueError when there is no such day in that order."""
        if self.slashed and order is DateOrder.DAY_FIRST:
            return dt.date(self.year, self.q, self.p)
        return dt.date(self.year, self.p, self.q)


def _timestamp_error(text: str, row: int, column: str) -> ValidationError:
    return ValidationError(
        _(
            "Rad %(row)s: tiden ”%(value)s” i kolumnen ”%(column)s” kan inte läsas. Tider "
            "ska stå som Teams och Zoom skriver dem, till exempel 2026-03-04 09:30:17, "
            "04/03/2026, 09:30:17 eller 3/4/2026 9:30:17 AM. Ladda ner rapporten igen och "
            "ladda upp den utan att ändra den."
        ),
        params={"row": row, "value": text[:40], "column": column},
        code="timestamp",
    )


def read_stamp(text: str, *, row: int, column: str, utc: bool = False) -> Stamp:
    """Take a timestamp apart, or raise ValidationError (code "timestamp") with the row."""
    cleaned = _clean(text)
    year_first = _YEAR_FIRST.fullmatch(cleaned)
    match = year_first or _YEAR_LAST.fullmatch(cleaned)
    if match is None:
        raise _timestamp_error(text, row, column)
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000
    hour, minute = int(match["hour"]), int(match["minute"])
    if match["meridiem"]:
        if not 1 <= hour <= 12:
            raise _timestamp_error(text, row, column)
        hour = hour % 12 + (12 if match["meridiem"].casefold() == "p" else 0)
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    try:
        time = dt.time(hour, minute, int(match["second"] or 0), int(fraction))
    except ValueError:
        raise _timestamp_error(text, row, column) from None
    stamp = Stamp(
        text=text,
        row=row,
        column=column,
        year=year,
        p=int(match["p"]),
        q=int(match["q"]),
        slashed=year_first is None,
        time=time,
        zone=_zone(match["zone"]),
        utc=utc,
    )
    # A part that is no day or month in either order is no date, whatever the locale.
    if not (1 <= stamp.p <= 31 and 1 <= stamp.q <= 31 and (stamp.p <= 12 or stamp.q <= 12)):
        raise _timestamp_error(text, row, column)
    if not stamp.slashed:
        try:
            stamp.date(None)
        except ValueError:
            raise _timestamp_error(text, row, column) from None
    return stamp


def _zone(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text.casefold() in ("z", "utc", "gmt"):
        return dt.UTC
    digits = text[1:].replace(":", "")
    offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.timezone(-offset if text[0] == "-" else offset)


def _order_words(order: DateOrder | None) -> str:
    if order is DateOrder.MONTH_FIRST:
        return _("månaden står först (månad/dag/år)")
    return _("dagen står först (dag/månad/år)")


@dataclass(frozen=True)
class DateReading:
    """The file's date order, once settled, and the reading of its stamps with it."""

    order: DateOrder | None
    source: DateOrderSource | None

    def at(self, stamp: Stamp) -> dt.datetime:
        """The stamp as an aware datetime in Stockholm time. A naive stamp is Stockholm
        local time (UTC for Live Events); at the autumn DST change the earlier of the two
        02:xx hours is taken (fold 0), since no session runs in the night."""
        try:
            day = stamp.date(self.order)
        except ValueError:
            raise ValidationError(
                _(
                    "Rad %(row)s: datumet i ”%(value)s” finns inte om %(order)s. Kontrollera "
                    "vilken språkinställning mötets organisatör har i Teams eller Zoom och "
                    "välj den när du laddar upp filen."
                ),
                params={
                    "row": stamp.row,
                    "value": stamp.text[:40],
                    "order": _order_words(self.order),
                },
                code="timestamp",
            ) from None
        zone = stamp.zone or (dt.UTC if stamp.utc else STOCKHOLM)
        return dt.datetime.combine(day, stamp.time, tzinfo=zone).astimezone(STOCKHOLM)


def _session_days(start: dt.datetime, end: dt.datetime) -> set[dt.date]:
    first, last = local_date(start), local_date(end)
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


def settle_date_order(
    stamps: Iterable[Stamp],
    *,
    hint: DateOrder | None,
    session_start: dt.datetime,
    session_end: dt.datetime,
) -> DateReading:
    """Decide how the file's slashed dates are read, looking at all of them at once: the
    organiser's locale when given; else a date with a part above 12 (15/11 is day-first,
    11/15 month-first); else the one order that puts every date on the session's day.
    When none of these tells, raise ValidationError (code "date_order") asking for the
    locale: never guess. Every stamp is then checked to be a real day in that order, so
    an error names the first such row of the file."""
    stamps = sorted(stamps, key=lambda stamp: stamp.row)
    reading = _decide(stamps, hint, session_start, session_end)
    for stamp in stamps:
        reading.at(stamp)
    return reading


def _decide(
    stamps: list[Stamp],
    hint: DateOrder | None,
    session_start: dt.datetime,
    session_end: dt.datetime,
) -> DateReading:
    ambiguous = [stamp for stamp in stamps if stamp.ambiguous]
    if not ambiguous:
        return DateReading(order=None, source=None)
    if hint is not None:
        return DateReading(order=hint, source=DateOrderSource.LOCALE)
    day_first = next((stamp for stamp in ambiguous if stamp.p > 12), None)
    month_first = next((stamp for stamp in ambiguous if stamp.q > 12), None)
    if day_first and month_first:
        raise ValidationError(
            _(
                "Datumen i filen går inte att läsa på ett och samma sätt: på rad "
                "%(day_row)s står dagen först (”%(day_value)s”) men på rad %(month_row)s "
                "månaden (”%(month_value)s”). Ladda ner rapporten igen och ladda upp den "
                "utan att ändra den."
            ),
            params={
                "day_row": day_first.row,
                "day_value": day_first.text[:40],
                "month_row": month_first.row,
                "month_value": month_first.text[:40],
            },
            code="date_order",
        )
    if day_first:
        return DateReading(order=DateOrder.DAY_FIRST, source=DateOrderSource.FILE)
    if month_first:
        return DateReading(order=DateOrder.MONTH_FIRST, source=DateOrderSource.FILE)
    # Both parts of every ambiguous date are 12 or less: either order gives a real day.
    days = _session_days(session_start, session_end)
    fitting = [
        order
        for order in DateOrder
        if all(
            local_date(DateReading(order, DateOrderSource.SESSION_DAY).at(stamp)) in days
            for stamp in ambiguous
        )
    ]
    if len(fitting) == 1:
        return DateReading(order=fitting[0], source=DateOrderSource.SESSION_DAY)
    example = ambiguous[0]
    raise ValidationError(
        _(
            "Det går inte att avgöra om datumen i filen har dagen eller månaden först "
            "(till exempel ”%(value)s” på rad %(row)s). Välj vilken språkinställning "
            "mötets organisatör har i Teams eller Zoom, till exempel en-GB (dag/månad) eller "
            "en-US (månad/dag), och ladda upp filen igen."
        ),
        params={"value": example.text[:40], "row": example.row},
        code="date_order",
    )


# Durations: "1h 30m 51s", "10m 59s", "45s", "1 tim 5 min", "1 h 5 min 3 s", "01:30:51".
_UNITS = {
    "hours": ("h", "hr", "hrs", "hour", "hours", "t", "tim", "timme", "timmar"),
    "minutes": ("m", "min", "mins", "minute", "minutes", "minut", "minuter"),
    "seconds": ("s", "sec", "secs", "second", "seconds", "sek", "sekund", "sekunder"),
}
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}
_DURATION_PART = re.compile(r"(\d+)\s*([^\W\d_]+)\.?,?\s*")
_CLOCK_DURATION = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)")


def parse_duration(text: str, *, row: int | None = None) -> dt.timedelta:
    """A duration as Teams writes it, in English or Swedish, or as h:mm:ss. Hours, minutes
    and seconds each at most once and in that order; "1:30" is refused (h:mm or m:ss?).
    Raises ValidationError (code "duration")."""
    cleaned = _clean(text).casefold()
    clock = _CLOCK_DURATION.fullmatch(cleaned)
    if clock:
        hours, minutes, seconds = map(int, clock.groups())
        return dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    parts: dict[str, int] = {}
    position = 0
    for match in _DURATION_PART.finditer(cleaned):
        unit = _UNIT_OF.get(match[2])
        if match.start() != position or unit is None or unit in parts:
            break
        if parts and list(_UNITS).index(unit) < list(_UNITS).index(list(parts)[-1]):
            break
        parts[unit] = int(match[1])
        position = match.end()
    if not parts or position != len(cleaned):
        raise _duration_error(text, row)
    return dt.timedelta(**parts)


def parse_minutes(text: str, *, row: int) -> dt.timedelta:
    """Zoom's "Duration (Minutes)": whole minutes."""
    cleaned = _clean(text)
    if not cleaned.isdigit() or not cleaned.isascii():
        raise _duration_error(text, row)
    return dt.timedelta(minutes=int(cleaned))


def _duration_error(text: str, row: int | None) -> ValidationError:
    if row is None:
        return ValidationError(
            _(
                "Varaktigheten ”%(value)s” kan inte läsas. Den ska stå som 1h 30m 51s, "
                "1 tim 5 min eller 01:30:51."
            ),
            params={"value": text[:40]},
            code="duration",
        )
    return ValidationError(
        _(
            "Rad %(row)s: varaktigheten ”%(value)s” kan inte läsas. Den ska stå som "
            "1h 30m 51s, 1 tim 5 min eller 01:30:51 (i Zoom: hela minuter). Ladda ner "
            "rapporten igen och ladda upp den utan att ändra den."
        ),
        params={"row": row, "value": text[:40]},
        code="duration",
    )


def check_session(session_start: dt.datetime, session_end: dt.datetime) -> None:
    """The caller's contract, not the file's: aware datetimes, the end after the start."""
    if session_start.tzinfo is None or session_end.tzinfo is None:
        raise ValueError("session_start and session_end must be aware datetimes")
    if session_end <= session_start:
        raise ValueError("session_end must be after session_start")
