"""Calendar helpers: the project's time zone, months and Stockholm days.

Every figure is counted by Swedish calendar day and month, so these are written once here and
imported everywhere (an earlier copy per app disagreed at the edges).
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

STOCKHOLM = ZoneInfo(settings.TIME_ZONE)


def month_start(day: dt.date) -> dt.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after the day's month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return next_month(day) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative), the month's last day if it is
    shorter: 31 August + 6 months is 28 (29) February."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from start's to end's (both included)."""
    months, day = [], month_start(start)
    while day <= end:
        months.append(day)
        day = next_month(day)
    return months


def local_midnight(day: dt.date) -> dt.datetime:
    """Start of a calendar day in Stockholm, as an aware datetime (DST-correct)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=STOCKHOLM)


def local_date(moment: dt.datetime) -> dt.date:
    """The Stockholm calendar day of an aware datetime."""
    return timezone.localtime(moment, STOCKHOLM).date()
