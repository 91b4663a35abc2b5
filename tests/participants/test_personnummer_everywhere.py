"""Personnummer as people type them, read by the one function (personnummer.normalize) in
the import, the participant form, registration and invitation: accepted, or refused for
what is wrong (format, date, check digit) with its message code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants import importing
from participants import personnummer as pnr
from participants.forms import ParticipantForm, RegistrationForm
from tests.factories import ProjectFactory, ProjectOrganisationFactory

pytestmark = pytest.mark.django_db

# Test numbers only (birth numbers 980–999). 1995-06-26 gives the ten digits 9506269902
# (a woman); 2005-06-26 starts with 0, which a number cell in Excel loses; 1920 is over 100.
MID = pnr.test_number(dt.date(1995, 6, 26), 0, gender=pnr.Gender.WOMAN)
NOUGHT = pnr.test_number(dt.date(2005, 6, 26), 3, gender=pnr.Gender.MAN)
OLD = pnr.test_number(dt.date(1920, 3, 4), 1, gender=pnr.Gender.WOMAN)
WRONG_DIGIT = MID[:-1] + str((int(MID[-1]) + 1) % 10)

ACCEPTED = [
    (MID, MID),
    (f"{MID[:8]} {MID[8:]}", MID),  # ÅÅÅÅMMDD NNNN
    (f"{MID[2:8]} {MID[8:]}", MID),  # ÅÅMMDD NNNN
    *[(f"{MID[2:8]}{dash}{MID[8:]}", MID) for dash in "–—‑−"],
    (f"  {MID[:8]}-{MID[8:]}  ", MID),
    (int(MID[2:]), MID),  # a number cell: 9506269902
    (float(MID[2:]), MID),  # read as a float: 9506269902.0
    (int(NOUGHT[2:]), NOUGHT),  # the leading 0 lost
    (f"{OLD[2:8]}+{OLD[8:]}", OLD),  # over 100
]
REFUSED = [
    ("", "required"),
    (f"{MID[:8]}-{MID[8:11]}", "format"),
    (f"{MID[:8]}/{MID[8:]}", "format"),
    ("19951326-9902", "date"),
    ("20990101-9800", "date"),
    (WRONG_DIGIT, "checksum"),
    (f"{WRONG_DIGIT[2:8]} {WRONG_DIGIT[8:]}", "checksum"),
]


def _import(cell, project):
    org = ProjectOrganisationFactory(project=project).organisation
    headers = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"]
    rows = [[2, cell, "Kim", "Lund", org.organisationsnummer, "2025-01-01"]]
    return importing.check_rows(project=project, table=importing.Table(headers, rows))


@pytest.mark.parametrize(("typed", "stored"), ACCEPTED)
def test_the_import_accepts_every_way_people_write_it(typed, stored):
    result = _import(typed, ProjectFactory())
    assert result.errors == []
    assert result.valid[0]["personnummer"] == stored


@pytest.mark.parametrize(("typed", "code"), REFUSED)
def test_the_import_refuses_with_the_right_code(typed, code):
    result = _import(typed, ProjectFactory())
    [error] = result.errors
    assert error["code"] == code
    if code != "checksum":
        assert "kontrollsiffra" not in error["message"]


def test_a_number_written_out_with_decimals_in_a_csv_is_read():
    assert pnr.normalize(f"{MID[2:]}.0", spreadsheet=True) == MID
    assert pnr.normalize(f"{NOUGHT[3:]},0", spreadsheet=True) == NOUGHT
    with pytest.raises(ValidationError) as err:
        pnr.normalize(f"{MID[2:]}.0")  # typed in a form: not a number cell
    assert err.value.code == "format"


@pytest.mark.parametrize(
    ("typed", "stored"), [(t, s) for t, s in ACCEPTED if isinstance(t, str) and t.strip()]
)
def test_the_forms_read_the_same_formats(typed, stored):
    assert RegistrationForm.base_fields["personnummer"].clean(typed) == stored
    assert ParticipantForm.base_fields["personnummer"].clean(typed) == stored


@pytest.mark.parametrize(("typed", "code"), [(t, c) for t, c in REFUSED if t])
def test_the_forms_refuse_with_the_same_codes(typed, code):
    with pytest.raises(ValidationError) as err:
        RegistrationForm.base_fields["personnummer"].clean(typed)
    assert err.value.code == code
