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


# Test numbers only (Skatteverket's birth numbers 980–999): a woman born 1980-02-29, a man
# born 2005-06-26 (a 10-digit form starting with 0, which Excel drops), a woman born
# 1920-03-04 (over 100: "+"), and a samordningsnummer (day + 60) for 1980-02-09.
LEAP = pnr.test_number(dt.date(1980, 2, 29), 0, gender=pnr.Gender.WOMAN)  # 198002299801
NOUGHT = pnr.test_number(dt.date(2005, 6, 26), 3, gender=pnr.Gender.MAN)
OLD = pnr.test_number(dt.date(1920, 3, 4), 1, gender=pnr.Gender.WOMAN)
COORDINATION = "19800269998" + str(pnr._luhn_check_digit("800269998"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (LEAP, LEAP),
        (f"{LEAP[:8]}-{LEAP[8:]}", LEAP),
        (f"{LEAP[2:8]}-{LEAP[8:]}", LEAP),
        (f"{LEAP[2:]}", LEAP),
        (f"{LEAP[:8]} {LEAP[8:]}", LEAP),  # ÅÅÅÅMMDD NNNN
        (f"{LEAP[2:8]} {LEAP[8:]}", LEAP),  # ÅÅMMDD NNNN
        (f"{LEAP[:8]} - {LEAP[8:]}", LEAP),
        (f"  {LEAP[:8]}-{LEAP[8:]}\t ", LEAP),  # spaces around
        (f"\u00a0{LEAP[:8]}\u00a0{LEAP[8:]}\u202f", LEAP),  # NBSP, narrow NBSP
        (f"\u200b{LEAP}\ufeff", LEAP),  # zero-width characters of copied text
        *[(f"{LEAP[:8]}{dash}{LEAP[8:]}", LEAP) for dash in "\u2010\u2011\u2012\u2013\u2014\u2015"],
        (f"{LEAP[2:8]}\u2212{LEAP[8:]}", LEAP),  # minus sign
        (f"{LEAP[:4]}-{LEAP[4:6]}-{LEAP[6:8]}-{LEAP[8:]}", LEAP),  # ÅÅÅÅ-MM-DD-NNNN
        ("１９８００２２９９８０１", LEAP),  # full-width digits
        (f"'{LEAP[:8]}-{LEAP[8:]}", LEAP),  # Excel's text apostrophe typed into a CSV
        (int(LEAP), LEAP),  # a numeric cell, 12 digits
        (float(LEAP[2:]), LEAP),  # a numeric cell read as a float, 10 digits
        (int(NOUGHT[2:]), NOUGHT),  # 9 digits: Excel dropped the leading 0
        (f"{OLD[2:8]}+{OLD[8:]}", OLD),  # over 100
        (f"{OLD[2:8]} + {OLD[8:]}", OLD),
        (f"{OLD[:8]}+{OLD[8:]}", OLD),  # 12 digits: the century is written, "+" adds nothing
        (f"{OLD[2:8]}-{OLD[8:]}", f"20{OLD[2:]}"),  # without "+": this century
        (COORDINATION, COORDINATION),
        (f"{COORDINATION[2:8]}-{COORDINATION[8:]}", COORDINATION),
    ],
)
def test_normalize_accepts_every_way_people_write_it(raw, expected):
    assert pnr.normalize(raw) == expected


def test_a_nine_digit_text_is_padded_only_from_a_spreadsheet():
    nine = NOUGHT[3:]
    assert pnr.normalize(nine, spreadsheet=True) == NOUGHT
    with pytest.raises(ValidationError) as err:
        pnr.normalize(nine)  # typed in a form: a digit is missing, not a zero
    assert err.value.code == "format"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("   ", "required"),
        (None, "required"),
        (f"{LEAP[:8]}-{LEAP[8:11]}", "format"),  # 11 digits
        (f"{LEAP}0", "format"),  # 13 digits
        (f"{LEAP[:8]}/{LEAP[8:]}", "format"),
        (f"{LEAP[:8]}-{LEAP[8:10]}X{LEAP[11]}", "format"),
        (f"{LEAP[2:8]}++{LEAP[8:]}", "format"),
        (f"{LEAP[2:6]}+{LEAP[6:]}", "format"),  # "+" not before the last four digits
        ("1,99800E+11", "format"),  # Excel's rounded display of a 12-digit number
        ("1.99800229980E+11", "format"),
        ("800229-0004", "format"),  # birth number 000 is never given
        (str(int(NOUGHT[2:]))[1:], "format"),  # 8 digits typed
        ("19801329-9801", "date"),  # month 13
        ("19800230 9800", "date"),
        ("19810229-9801", "date"),  # not a leap year
        ("800230-9800", "date"),
        ("19800292-9801", "date"),  # samordningsnummer day 32
        ("20991231-9800", "date"),  # a birth day to come
        (f"{LEAP[:8]} {LEAP[8:11]}{(int(LEAP[11]) + 1) % 10}", "checksum"),
        (f"{LEAP[2:8]}\u2013{LEAP[8:11]}{(int(LEAP[11]) + 5) % 10}", "checksum"),
        (int(NOUGHT[2:]) + 1, "checksum"),
    ],
)
def test_normalize_refuses_with_what_is_wrong(raw, code):
    with pytest.raises(ValidationError) as err:
        pnr.normalize(raw)
    assert err.value.code == code
    if code != "checksum":
        assert "kontrollsiffra" not in " ".join(err.value.messages)


def test_a_right_check_digit_is_never_called_wrong():
    # Every spacing of a valid number is accepted, so no message can blame its last digit.
    for raw in (f"{LEAP[:8]}  {LEAP[8:]}", f"{LEAP[2:8]} \u2014 {LEAP[8:]}", f" {LEAP} "):
        assert pnr.normalize(raw) == LEAP


def test_contains_full_number_sees_unicode_dashes():
    assert pnr.contains_full_number(f"{LEAP[2:8]}\u2013{LEAP[8:]}")
    assert not pnr.contains_full_number("Andersson 19800229")


def test_the_forms_field_reads_the_same_formats():
    from participants.forms import PersonnummerField

    field = PersonnummerField()
    assert field.clean(f"{LEAP[:8]}\u00a0\u2013\u00a0{LEAP[8:]}") == LEAP
    with pytest.raises(ValidationError) as err:
        field.clean("19800230 9800")
    assert err.value.code == "date"
