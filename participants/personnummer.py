"""Personnummer and samordningsnummer: validation (the PyPI package `personnummer`), masking,
and a generator of Skatteverket-style *test* numbers for demo data and tests.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr_lib

from digiproj.dates import local_date


class Gender:
    """Gender as reported to the funder (kvinna / man / icke-binär, the last in ESF+ only)."""

    WOMAN = "K"
    MAN = "M"
    NON_BINARY = "X"


# Everything people put between and around the digits: the dashes of word processors and
# keyboards (U+2010–U+2015, U+2212 minus, small and full-width hyphen-minus), spaces of any
# kind (NBSP and narrow NBSP are whitespace to re), zero-width characters from copied text.
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES_AND_DASHES = re.compile(r"[\s\-]+")
# What Excel shows (and writes to CSV) for a 12-digit number in a General cell: 1,99506E+11.
_SCIENTIFIC = re.compile(r"\d[.,]\d+e\+?\d+", re.IGNORECASE)
# A number cell that a program wrote out with its decimals (CSV from a script: 9506269902.0).
_WHOLE_NUMBER_TEXT = re.compile(r"\d{7,12}[.,]0+")


def normalize(value: str | int | float | None, *, spreadsheet: bool = False) -> str:
    """Return the number as 12 digits (ÅÅÅÅMMDDNNNN) or raise a translated ValidationError
    whose code says what is wrong: "required", "format" (not 10 or 12 digits, other
    characters), "date" (no such day, or a day to come) or "checksum" (the last digit).

    The one reader of a typed personnummer: import, invitation, registration, the
    participant form and search all call it. Accepted: 10 or 12 digits, with or without a
    dash (any unicode dash) or spaces between date and number, spaces around; "+" in a
    10-digit number for someone 100 or older (the century otherwise is the latest one that
    gives a year not after this one, as Skatteverket writes it); samordningsnummer (day + 60).
    `spreadsheet`: the value is a file's cell, where Excel drops a number's leading zeros
    (0506269902 becomes 506269902): 7 to 9 bare digits are padded to 10, and a whole number
    written with decimals ("9506269902.0") is read as that number. A number (int or float)
    is always such a cell."""
    if isinstance(value, bool):  # a bool is an int, but never a number somebody typed
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        value, spreadsheet = str(value), True
    shown = unicodedata.normalize("NFKC", value or "").translate(_INVISIBLE).strip()
    raw = shown.translate(_DASHES).lstrip("'")  # 'text: an apostrophe Excel users type first
    if not raw:
        raise _refusal(gettext_noop("Personnummer saknas."), {}, "required")
    params = {"value": shown}
    if _SCIENTIFIC.fullmatch(raw):
        raise _refusal(
            gettext_noop(
                "Personnumret %(value)s har blivit ett avrundat tal i Excel. Formatera "
                "kolumnen som text, skriv in numren igen och ladda upp filen på nytt."
            ),
            params,
            "format",
        )
    if spreadsheet and _WHOLE_NUMBER_TEXT.fullmatch(raw):
        raw = re.split(r"[.,]", raw)[0]  # 9506269902.0: a number cell written out as text
    compact = _SPACES_AND_DASHES.sub("", raw)
    plus = compact.count("+")
    digits = compact.replace("+", "")
    if not digits.isascii() or not digits.isdigit() or plus > 1:
        raise _refusal(
            gettext_noop(
                "Personnumret %(value)s innehåller tecken som inte hör till ett "
                "personnummer. Skriv bara siffror, till exempel ÅÅÅÅMMDD-NNNN."
            ),
            params,
            "format",
        )
    if spreadsheet and not plus and 7 <= len(digits) <= 9:
        digits = digits.zfill(10)
    if len(digits) not in (10, 12) or (plus and compact.index("+") != len(compact) - 5):
        raise _refusal(
            gettext_noop(
                "Personnumret %(value)s ska ha 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN."
            ),
            params,
            "format",
        )
    number = digits if len(digits) == 12 else _with_century(digits, over_100=bool(plus))
    if not _date_part_valid(number):
        raise _refusal(
            gettext_noop("Personnumret %(value)s har ett datum som inte finns."), params, "date"
        )
    if _birth_day(number) > _today():
        raise _refusal(
            gettext_noop("Personnumret %(value)s har ett födelsedatum som inte har varit än."),
            params,
            "date",
        )
    if number[8:11] == "000":
        raise _refusal(
            gettext_noop(
                "Personnumret %(value)s har 000 som födelsenummer, vilket aldrig delas ut. "
                "Kontrollera numret."
            ),
            params,
            "format",
        )
    # The check digit by the library (the date is already known to be a real day).
    if not pnr_lib.valid(number):
        raise _refusal(
            gettext_noop(
                "Personnumret %(value)s har fel kontrollsiffra. Kontrollera den sista siffran."
            ),
            params,
            "checksum",
        )
    return number


def _refusal(template: str, params: dict[str, str], code: str) -> ValidationError:
    """A refusal in the active language that keeps its catalogue message apart (see
    error_template), so that a stored import error is shown in its reader's language."""
    error = ValidationError(gettext(template), params=params, code=code)
    error.template = template  # type: ignore[attr-defined]
    return error


def error_template(error: ValidationError) -> str:
    """The catalogue message (Swedish source) of a refusal by `normalize`."""
    return getattr(error, "template", None) or error.messages[0]


def _today() -> dt.date:
    return local_date(timezone.now())


def _with_century(ten: str, *, over_100: bool) -> str:
    """ÅÅ → ÅÅÅÅ: the latest year ending in ÅÅ that is not after this year, a hundred years
    earlier with "+"."""
    this_year = _today().year - (100 if over_100 else 0)
    year = this_year - (this_year - int(ten[:2])) % 100
    return f"{year:04d}{ten[2:]}"


def _birth_day(number: str) -> dt.date:
    day = int(number[6:8])
    return dt.date(int(number[:4]), int(number[4:6]), day - 60 if day > 60 else day)


_FULL_NUMBER = re.compile(r"\d{10}")


def contains_full_number(text: str) -> bool:
    """Whether a typed text holds a whole personnummer (10 or 12 digits in a row, however
    spaced or dashed), valid or not: such a text must never go into a URL or a log."""
    cleaned = unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE).translate(_DASHES)
    return bool(_FULL_NUMBER.search(re.sub(r"[\s+\-]", "", cleaned)))


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


def _date_part_valid(number: str) -> bool:
    """Whether ÅÅÅÅMMDD (day + 60 for a samordningsnummer) is a day of the calendar."""
    try:
        _birth_day(number)
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
