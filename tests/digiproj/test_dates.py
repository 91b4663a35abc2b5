"""The calendar helpers live in one module (digiproj.dates); no app keeps its own copy."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from digiproj import dates

ROOT = Path(__file__).resolve().parents[2]
APPS = ("digiproj", "participants", "surveys", "activities", "goals", "reporting")


def test_month_helpers_cover_the_edges_of_the_year():
    assert dates.month_start(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert dates.month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
    assert dates.next_month(dt.date(2024, 12, 31)) == dt.date(2025, 1, 1)
    assert dates.months_between(dt.date(2024, 11, 30), dt.date(2025, 2, 1)) == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]


def test_local_midnight_is_stockholm_midnight_across_dst():
    summer = dates.local_midnight(dt.date(2024, 7, 1))
    winter = dates.local_midnight(dt.date(2024, 1, 1))
    assert summer.utcoffset() == dt.timedelta(hours=2)
    assert winter.utcoffset() == dt.timedelta(hours=1)
    assert dates.local_date(summer.astimezone(dt.UTC)) == dt.date(2024, 7, 1)


def test_no_app_defines_its_own_date_helpers():
    pattern = re.compile(
        r"ZoneInfo\(|^def (month_start|month_end|next_month|months_between|local_midnight)\(",
        re.MULTILINE,
    )
    copies = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path.name != "dates.py" and "migrations" not in path.parts
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert copies == []
