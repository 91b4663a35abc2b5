"""Personnummer and samordningsnummer: validation (the PyPI package `personnummer`), masking,
and a generator of Skatteverket-style *test* numbers for demo data and tests.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr_lib


class Gender:
    """Gender as reported to the funder (kvinna / man / icke-binär, the last in ESF+ only)."""

    WOMAN = "K"
    MAN = "M"
    NON_BINARY = "X"


def normalize(value: str) -> str:
    """Return the number as 12 digits (ÅÅÅÅMMDDNNNN) or raise a translated ValidationError.

    Accepts 10 or 12 digits, with or without '-' or '+' (over 100 years), and samordningsnummer.
    """
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Personnummer saknas."), code="required")
    try:
        parsed = pnr_lib.parse(raw)
    except Exception as exc:  # the library raises PersonnummerException for every kind of error
        digits = "".join(ch for ch in raw if ch.isdigit())
        if len(digits) not in (10, 12):
            raise ValidationError(
                _("Personnumret %(value)s ska ha 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN."),
                params={"value": raw},
                code="format",
            ) from exc
        if not _date_part_valid(digits):
            raise ValidationError(
                _("Personnumret %(value)s har ett datum som inte finns."),
                params={"value": raw},
                code="date",
            ) from exc
        raise ValidationError(
            _("Personnumret %(value)s har fel kontrollsiffra. Kontrollera den sista siffran."),
            params={"value": raw},
            code="checksum",
        ) from exc
    return parsed.format(True)


_FULL_NUMBER = re.compile(r"\d{10}")


def contains_full_number(text: str) -> bool:
    """Whether a typed text holds a whole personnummer (10 or 12 digits in a row, however
    spaced or dashed), valid or not: such a text must never go into a URL or a log."""
    return bool(_FULL_NUMBER.search(re.sub(r"[\s+\-]", "", text or "")))


# What services.person_erase leaves in place of an anonymised person's number.
_ERASED = re.compile(r"X\d{11}")


def validate_stored(value: str) -> None:
    """The model field's validator: a valid number in the stored form, 12 digits
    ÅÅÅÅMMDDNNNN (or the marker an anonymised person gets). Forms normalise what is typed
    with `normalize` first; this catches every other way in (the Django admin, a shell)."""
    if _ERASED.fullmatch(value or ""):
        return
    if normalize(value) != value:
        raise ValidationError(
            _("Personnumret ska sparas med 12 siffror utan bindestreck, ÅÅÅÅMMDDNNNN."),
            code="stored_form",
        )


def _date_part_valid(digits: str) -> bool:
    date_digits = digits[-10:-4]
    day = int(date_digits[4:6])
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    try:
        dt.datetime.strptime(f"{date_digits[:4]}{day:02d}", "%y%m%d")  # noqa: DTZ007
    except ValueError:
        return False
    return True


def birth_date(pnr12: str) -> dt.date:
    return pnr_lib.parse(pnr12).get_date()


def gender_from_number(pnr12: str) -> str:
    """The ninth digit (third of the birth number): odd for men, even for women."""
    return Gender.MAN if int(pnr12[10]) % 2 else Gender.WOMAN


def is_coordination_number(pnr12: str) -> bool:
    return int(pnr12[6:8]) > 60


def mask(pnr12: str) -> str:
    """YYYYMMDD-**** — what lists and exports show unless a coordinator reveals it."""
    if not pnr12:
        return ""
    return f"{pnr12[:8]}-****"


def display(pnr12: str) -> str:
    return f"{pnr12[:8]}-{pnr12[8:]}" if pnr12 else ""


def _luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def test_number(born: dt.date, index: int, *, gender: str) -> str:
    """A test personnummer: birth numbers 980–999 are reserved by Skatteverket for tests, so
    no real person has one. `index` 0–9 picks one of the ten numbers per date and gender.
    """
    if not 0 <= index < 10:
        raise ValueError("index must be 0-9")
    # Birth number 98g or 99g: g is the gender digit (odd man, even woman).
    tens = 8 + index // 5
    gender_digit = (index % 5) * 2 + (1 if gender == Gender.MAN else 0)
    yymmdd = born.strftime("%y%m%d")
    nine = f"{yymmdd}9{tens}{gender_digit}"
    return f"{born.year:04d}{born:%m%d}9{tens}{gender_digit}{_luhn_check_digit(nine)}"


test_number.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
