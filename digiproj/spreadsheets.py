"""The one rule for text that goes into a spreadsheet cell (every xlsx and CSV writer, and the
participant import, use it).

Excel, LibreOffice and Google Sheets read a cell that starts with = + - @ (or a tab or a
carriage return before them) as a formula: `=HYPERLINK("https://evil.example", "Klicka")`
or `=cmd|' /C calc'!A0` typed as one's own name or workplace would run in the coordinator's
spreadsheet (OWASP "CSV injection"). Text that starts so is written with a leading single
quote, which makes it plain text. Real numbers stay numbers: typed values (int, float,
Decimal) are never touched, and neither is text that is only a number ("-12", "+4670…") or a
phone number as people type it ("+46 70 123 45 67", "+46 (0)90-12 34 56"), since no
spreadsheet can run anything in digits, spaces, dashes and brackets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Full-width forms that East Asian Excel also reads as formula signs.
_WIDE_PREFIXES = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_PHONE_NUMBER = re.compile(r"\+\d[\d ()\-]*\d")


# Every prefix is one character: the first character decides whether to look further.
_FIRST_CHARACTERS = frozenset(FORMULA_PREFIXES + _WIDE_PREFIXES)


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula (and it is not just a
    number)."""
    return text[:1] in _FIRST_CHARACTERS and not (
        _PLAIN_NUMBER.fullmatch(text) or _PHONE_NUMBER.fullmatch(text)
    )


def neutralise_text(text: str) -> str:
    """neutralise() for a value known to be a str (the report writers' hot path)."""
    if text[:1] in _FIRST_CHARACTERS and starts_like_formula(text):
        return "'" + text
    return text


def neutralise(value: Any) -> Any:
    """A cell value that a spreadsheet shows as written: text starting like a formula gets a
    leading ' ; everything else (numbers, dates, None, styled cells) is returned as it is."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]
