"""Calendar helpers: the project's time zone, months and Stockholm days.

Every figure is counted by Swedish calendar day and month, so these are written once here and
imported everywhere (an earlier copy per app disagreed at the edges).
"""

from __future__ import annotations

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
