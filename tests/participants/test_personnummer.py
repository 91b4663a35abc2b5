from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants import personnummer as pnr


def test_test_numbers_are_valid_and_carry_gender():
    for index in range(10):
        for gender in (pnr.Gender.WOMAN, pnr.Gender.MAN):
            number = pnr.test_number(dt.date(1980, 2, 29), index, gender=gender)
            assert pnr.normalize(number) == number
            assert pnr.gender_from_number(number) == gender
            assert number[8:10] in ("98", "99")  # Skatteverket's test range


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("198002299801", "198002299801"),
        ("19800229-9801", "198002299801"),
        ("800229-9801", "198002299801"),
    ],
)
def test_normalize_accepts_common_forms(raw, expected):
    number = pnr.test_number(dt.date(1980, 2, 29), 0, gender=pnr.Gender.WOMAN)
    assert number == expected
    assert pnr.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("12345", "format"),
        ("19800230-9800", "date"),
        ("19800229-9800", "checksum"),
    ],
)
def test_normalize_rejects_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as err:
        pnr.normalize(raw)
    assert err.value.code == code


def test_samordningsnummer_is_accepted():
    # Day + 60: born 1980-02-09 gives 69.
    nine = "800269998"
    for check in range(10):
        if pnr.pnr_lib.valid(nine + str(check)):
            number = pnr.normalize(nine + str(check))
            break
    assert pnr.is_coordination_number(number)
    assert pnr.birth_date(number) == dt.date(1980, 2, 9)


def test_mask_hides_the_last_four_digits():
    assert pnr.mask("198002299800") == "19800229-****"
