"""The one rule for text in spreadsheet cells (digiproj.spreadsheets)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from digiproj.spreadsheets import neutralise, starts_like_formula


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://evil.example","Klicka")',
        "=cmd|' /C calc'!A0",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1+1",
        "\r=1+1",
        "\uff1d1+1",
    ],
)
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert starts_like_formula(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-12, 3.5, Decimal("-1.25"), dt.date(2024, 1, 1), None])
def test_typed_values_stay_as_they_are(value):
    assert neutralise(value) is value


@pytest.mark.parametrize(
    "text",
    ["-12", "+46701234567", "+46 70 123 45 67", "+46 (0)90-12 34 56", "-3,50", "Anna", "a=b", ""],
)
def test_plain_numbers_and_ordinary_text_are_unchanged(text):
    assert not starts_like_formula(text)
    assert neutralise(text) == text


def test_every_spreadsheet_writer_uses_the_one_rule():
    """A new xlsx or CSV writer must neutralise its cells too (the payload test reads the
    files it can reach; this catches one it cannot)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = []
    for app in ("digiproj", "participants", "surveys", "activities", "goals", "reporting"):
        for path in (root / app).rglob("*.py"):
            text = path.read_text()
            if "migrations" not in path.parts and re.search(r"Workbook\(|csv\.writer\(", text):
                writers.append(path.relative_to(root))
                assert "digiproj.spreadsheets import" in text, f"{path} writes cells unneutralised"
    assert len(writers) >= 5, writers
