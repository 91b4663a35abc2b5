"""Helpers shared by the service modules."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def local_text(value: dt.datetime) -> str:
    """A moment as Stockholm wall-clock text for messages and mails."""
    return date_format(timezone.localtime(value), "j F Y H:i")
