"""Demo times: a day and an hour on Stockholm's clock."""

from __future__ import annotations

import datetime as dt

from digiproj.dates import STOCKHOLM


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)
