"""Dates the way people write them in Swedish on a schedule: "tis 8 dec" (and the year only when it
is not this year's), in the reader's language and in Europe/Stockholm. One rule for every list of
sessions, so a week's sessions read alike on the coordinator's, the teacher's and the participant's
pages; a full date ("tisdag 8 december 2026") stays where a page is about one session."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext

from digiproj.dates import STOCKHOLM, local_date

register = template.Library()


@register.filter
def short_date(value: dt.date | dt.datetime | None) -> str:
    """ "tis 8 dec", or "tis 8 dec 2027" outside the current year. The day and month
    abbreviations are Django's own (D, b); the pattern is translated because Swedish writes
    the month in lower case ("8 dec") and English capitalises it ("Tue 8 Dec")."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_date(value) if timezone.is_aware(value) else value.date()
    if value.year == timezone.localdate().year:
        return date_format(value, pgettext("short date, this year", "D j b"))
    return date_format(value, pgettext("short date, another year", "D j b Y"))


@register.filter
def short_datetime(value: dt.datetime | None) -> str:
    """ "tis 8 dec 09:00": a session's start in a list."""
    if value is None:
        return ""
    local = timezone.localtime(value, STOCKHOLM) if timezone.is_aware(value) else value
    return f"{short_date(local.date())} {date_format(local, 'H:i')}"
