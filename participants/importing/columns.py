"""The columns of a participant file, one table (COLUMNS): each column's Swedish header and
the other headers it is known by, what the template says about it, and its rule, the small
function that turns a cell into the value kept (or says in Swedish what to fix)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from digiproj.projects.models import Organisation, Project
from digiproj.projects.periods import OUTSIDE_PROJECT, outside_project_params, within_project

from .. import personnummer as pnr
from ..import_models import OrganisationAlias, header_key
from ..models import Participation

MAX_FILE_BYTES = 30 * 1024 * 1024
# An .xlsx is a zip: 1.7 MB can unpack to gigabytes of XML. These bounds are checked from the
# zip's directory before anything is parsed, and while the sheet is streamed (reading.py).
# A real 50,000-row file of the template's 13 columns unpacks to about 30 MB at a ratio of
# about 10.
MAX_UNPACKED_BYTES = 80 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # for parts larger than 1 MB; small parts may pack tighter
MAX_ARCHIVE_MEMBERS = 500
MAX_COLUMNS = 50
MAX_CELLS = 1_000_000  # every cell read, empty rows' cells too
DATA_SHEET = "Deltagare"


class ImportFileError(Exception):
    """The file as a whole cannot be used (not a spreadsheet, empty, too big, macros…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(Exception):
    """What is wrong with one cell, saying what to write instead: a message of the
    catalogue (its Swedish source, marked with gettext_noop) and its parameters, kept apart
    so that it is shown in the reader's language when it is shown (see checking.error_text)."""

    def __init__(
        self, template: str, params: dict[str, Any] | None = None, code: str = "invalid"
    ) -> None:
        self.template = template
        self.params = {k: str(v) for k, v in (params or {}).items()}
        self.code = code  # what kind of problem: a personnummer's "format", "date", "checksum"…
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return gettext(self.template) % self.params if self.params else gettext(self.template)


class OrganisationMatcher:
    """The project's organisations, found by organisationsnummer (with or without dash), by
    name (case-insensitive) or by a name the project taught the import (OrganisationAlias:
    "Lärcentrum Alingsås" for Alingsås kommun)."""

    def __init__(self, project: Project, fixed: Organisation | None) -> None:
        self.fixed = fixed
        self.organisations = list(
            Organisation.objects.filter(project_organisations__project=project).distinct()
        )
        # Several units of one organisation (Komvux and Lärcentrum of one kommun) share
        # its organisationsnummer: a number then names no unit on its own.
        self.by_number: dict[str, list[Organisation]] = {}
        for o in self.organisations:
            self.by_number.setdefault(re.sub(r"\D", "", o.organisationsnummer), []).append(o)
        by_pk = {o.pk: o for o in self.organisations}
        # An alias of an organisation that has left the project matches nothing.
        self.by_name = {
            alias.key: by_pk[alias.organisation_id]
            for alias in OrganisationAlias.objects.filter(project=project)
            if alias.organisation_id in by_pk
        }
        self.by_name.update({_norm(o.name): o for o in self.organisations})
        self.names = {o.pk: o.name for o in self.organisations}

    def find(self, text: str) -> Organisation | None:
        """The organisation the cell names, or None. A number that several units share names
        the contact's own unit for a contact, or the unit the project taught the import for
        that very text; otherwise it is refused (CellError, code ambiguous_employer)."""
        digits = re.sub(r"\D", "", text)
        if len(digits) == 12 and digits.startswith("16"):
            digits = digits[2:]
        units = self.by_number.get(digits, []) if len(digits) == 10 else []
        if len(units) == 1:
            return units[0]
        if units:
            if self.fixed is not None and self.fixed in units:
                return self.fixed
            if (taught := self.by_name.get(_norm(text))) is not None:
                return taught
            names = ", ".join(sorted(o.name for o in units))
            raise CellError(
                AMBIGUOUS_EMPLOYER, {"value": text, "names": names}, "ambiguous_employer"
            )
        return self.by_name.get(_norm(text))


@dataclass
class Check:
    """What the columns' rules share while one file is checked: the project's organisations
    (with the contact's own, when a contact imports) and the allowed values, looked up once
    in the language of the request."""

    organisations: OrganisationMatcher
    project: Project | None = None  # the period a start date must lie in
    lookups: dict[type[models.TextChoices], dict[str, str]] = field(default_factory=dict)


# A column's rule: a cell's text (stripped, never empty) -> the value the record keeps, or
# CellError.
Parse = Callable[[str, Check], Any]


def _keep(text: str, check: Check) -> str:
    return text


def _personnummer(text: str, check: Check) -> str:
    """12 digits, as stored; a samordningsnummer is a personnummer here. A cell Excel kept
    as a number has lost its leading zero (spreadsheet=True puts it back)."""
    try:
        return pnr.normalize(text, spreadsheet=True)
    except ValidationError as exc:
        raise CellError(pnr.error_template(exc), exc.params, exc.code or "invalid") from exc


def _name(text: str, check: Check) -> str:
    if len(text) > 100:
        raise CellError(gettext_noop("Högst 100 tecken."))
    return text


def _cut_to(length: int) -> Parse:
    """Longer text is cut to the field's length, not refused."""

    def parse(text: str, check: Check) -> str:
        return text[:length]

    return parse


def _email(text: str, check: Check) -> str:
    email = text.lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise CellError(
            gettext_noop("”%(value)s” är ingen giltig e-postadress."), {"value": email}
        ) from exc
    return email


# The preview offers to name the employer such a cell means (an OrganisationAlias).
UNKNOWN_EMPLOYER = gettext_noop(
    "Arbetsgivaren ”%(value)s” deltar inte i projektet. Skriv organisationsnumret för en av "
    "projektets organisationer, eller koppla namnet till en av dem nedan."
)

AMBIGUOUS_EMPLOYER = gettext_noop(
    "Organisationsnumret ”%(value)s” gäller flera enheter i projektet (%(names)s). Skriv "
    "enhetens namn i stället, eller koppla numret till en av dem nedan."
)


def _employer(text: str, check: Check) -> int:
    """The employer's id, found among the project's organisations. A contact's import names
    only their own organisation (or none: see _employer_when_empty)."""
    fixed = check.organisations.fixed
    found = check.organisations.find(text)
    if fixed is not None:
        if found is None or found.pk != fixed.pk:
            raise CellError(
                gettext_noop(
                    "Du kan bara importera deltagare till %(org)s. Ta bort raden eller "
                    "lämna arbetsgivaren tom."
                ),
                {"org": fixed.name},
            )
        return fixed.pk
    if found is None:
        raise CellError(UNKNOWN_EMPLOYER, {"value": text}, "unknown_employer")
    return found.pk


def _employer_when_empty(check: Check) -> int:
    """A contact's rows may leave the employer empty (or the file leave the column out):
    every row is then theirs."""
    if check.organisations.fixed is None:
        raise CellError(
            gettext_noop("Uppgiften saknas. Fyll i arbetsgivarens organisationsnummer.")
        )
    return check.organisations.fixed.pk


def allowed_labels(choices: type[models.TextChoices]) -> str:
    """The allowed values as the template and the messages list them."""
    return ", ".join(str(label) for _value, label in choices.choices)


def _one_of(choices: type[models.TextChoices], also: dict[str, str] | None = None) -> Parse:
    """A value of `choices`, written as its stored value or its label in any case; `also`
    maps more spellings (already normalised) to values."""

    def lookup(check: Check) -> dict[str, str]:
        if choices not in check.lookups:
            found: dict[str, str] = {}
            for value, label in choices.choices:
                found[_norm(value)] = value
                found[_norm(str(label))] = value
            check.lookups[choices] = found | (also or {})
        return check.lookups[choices]

    def parse(text: str, check: Check) -> str:
        value = lookup(check).get(_norm(text))
        if value is None:
            raise CellError(
                gettext_noop("”%(value)s” är inget giltigt värde. Skriv något av: %(allowed)s."),
                {"value": text, "allowed": allowed_labels(choices)},
            )
        return value

    return parse


# ISCED bands as people write them: "0–2" with an en dash, "ISCED 3-4", "okänd".
_ISCED_SPELLINGS = {
    **{band.replace("-", "–"): band for band in ("0-2", "3-4", "5-8")},
    **{f"isced {band}": band for band in ("0-2", "3-4", "5-8")},
    "okänd": Participation.Isced.UNKNOWN,
}


def _amount(text: str) -> Decimal | None:
    cleaned = re.sub(r"[\s\u00a0]|kr$", "", text.strip().lower()).replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _salary(text: str, check: Check) -> str:
    """Kronor per year, as Swedish Excel writes them ("540 000,50 kr" too), kept with öre."""
    amount = _amount(text)
    if amount is None or amount < 0 or amount >= Decimal("100000000"):
        raise CellError(
            gettext_noop("Skriv lönekostnaden som ett belopp i kronor, till exempel 540000.")
        )
    return str(amount.quantize(Decimal("0.01")))


def _plain_date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 (a plain date)
        except ValueError:
            continue
    return None


def _date(text: str, check: Check) -> str:
    parsed = _plain_date(text)
    if parsed is None:
        raise CellError(
            gettext_noop("”%(value)s” är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD."),
            {"value": text},
        )
    return parsed.isoformat()


def _start_date(text: str, check: Check) -> str:
    """A date, and within the project's period: the rule participant_add uses."""
    value = _date(text, check)
    day = dt.date.fromisoformat(value)
    if check.project is not None and not within_project(check.project, day):
        raise CellError(
            OUTSIDE_PROJECT, outside_project_params(check.project, day), "outside_project"
        )
    return value


@dataclass(frozen=True)
class Column:
    """One column of the file and its rule.

    `header` is the template's (Swedish) header; the file may also use `aliases` or the
    key, in any case. `parse` turns a filled-in cell into the value the record keeps under
    `stores` (default: the key), or raises CellError with the message. An empty cell keeps
    `empty`; in a `required` column it is reported missing (before the row's other problems),
    unless `when_empty` decides from the import what an empty cell means. `choices` lists
    the allowed values in the template."""

    key: str
    header: Any  # lazy, as in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: Any = ""
    parse: Parse = _keep
    empty: Any = ""
    when_empty: Callable[[Check], Any] | None = None
    stores: str = ""
    choices: type[models.TextChoices] | None = None

    @property
    def field(self) -> str:
        return self.stores or self.key


def _choice_column(
    key: str,
    header: Any,
    choices: type[models.TextChoices],
    default: str,
    aliases: tuple[str, ...] = (),
    also: dict[str, str] | None = None,
) -> Column:
    return Column(
        key,
        header,
        aliases=aliases,
        parse=_one_of(choices, also),
        empty=default,
        choices=choices,
    )


# The file's columns, in the template's order (also the order a row's problems are listed
# in). A new column goes here; services/imports.py._import_rows saves what it stores.
COLUMNS: tuple[Column, ...] = (
    Column(
        "personnummer",
        gettext_lazy("Personnummer"),
        True,
        (
            "personnr",
            "pnr",
            "samordningsnummer",
            "personnummer/samordningsnummer",
            "person nr",
            "personal identity number",
            "personal number",
            "ssn",
        ),
        gettext_lazy("12 siffror, ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra."),
        parse=_personnummer,
    ),
    Column(
        "first_name",
        gettext_lazy("Förnamn"),
        True,
        ("fornamn", "tilltalsnamn", "first name", "given name", "firstname"),
        parse=_name,
    ),
    Column(
        "last_name",
        gettext_lazy("Efternamn"),
        True,
        ("efternamn", "last name", "surname", "family name", "lastname"),
        parse=_name,
    ),
    Column(
        "organisation",
        gettext_lazy("Arbetsgivare"),
        True,
        (
            "organisation",
            "organisationsnummer",
            "orgnr",
            "arbetsgivare (organisationsnummer)",
            "förvaltning",
            "employer",
        ),
        gettext_lazy("Organisationsnummer (NNNNNN-NNNN) eller namn, som i listan nedan."),
        parse=_employer,
        when_empty=_employer_when_empty,
        stores="organisation_id",
    ),
    Column(
        "email",
        gettext_lazy("E-post"),
        False,
        ("epost", "e-postadress", "mejl", "mail", "email", "e-mail"),
        parse=_email,
    ),
    Column(
        "phone",
        gettext_lazy("Telefon"),
        False,
        ("telefonnummer", "mobil", "mobilnummer", "phone", "mobile"),
        parse=_cut_to(30),
    ),
    Column(
        "workplace",
        gettext_lazy("Arbetsplats"),
        False,
        ("arbetsplats/enhet", "enhet", "workplace", "unit", "department"),
        parse=_cut_to(200),
    ),
    # An empty cell is unknown, never a group guessed for it (a file of 25 people once all
    # became "Administrativ personal" that way).
    _choice_column(
        "role_group",
        gettext_lazy("Yrkesgrupp"),
        Participation.RoleGroup,
        Participation.RoleGroup.UNKNOWN,
        # Not Befattning/Titel: a job title is free text, and the file keeps no such field
        # (the preview lists it among the columns not imported).
        aliases=("personalgrupp", "role group"),
    ),
    _choice_column(
        "isced",
        gettext_lazy("Utbildningsnivå"),
        Participation.Isced,
        Participation.Isced.UNKNOWN,
        aliases=("utbildning", "isced", "education", "education level"),
        also=_ISCED_SPELLINGS,
    ),
    _choice_column(
        "employment_status",
        gettext_lazy("Sysselsättning"),
        Participation.EmploymentStatus,
        Participation.EmploymentStatus.EMPLOYED,
        aliases=("sysselsattning",),
    ),
    Column(
        "annual_salary_cost",
        gettext_lazy("Årlig lönekostnad"),
        False,
        ("lönekostnad", "arlig lonekostnad"),
        gettext_lazy("Kronor per år inklusive sociala avgifter, till exempel 540000."),
        parse=_salary,
        empty=None,
    ),
    Column(
        "start_date",
        gettext_lazy("Startdatum"),
        True,
        ("start", "anställd från", "anställningsdatum", "start date"),
        gettext_lazy("ÅÅÅÅ-MM-DD, till exempel 2024-03-01."),
        parse=_start_date,
    ),
    Column(
        "consent_date",
        gettext_lazy("Information lämnad"),
        False,
        ("samtycke", "information"),
        gettext_lazy(
            "Datum då personen fick information om behandlingen, ÅÅÅÅ-MM-DD. "
            "Registreras som given på papper."
        ),
        parse=_date,
        empty=None,
    ),
    # Närmaste chef, who signs the monthly certificates (kept so nobody types it each month).
    Column(
        "manager_name",
        gettext_lazy("Närmaste chef"),
        False,
        ("chef", "chefens namn", "närmaste chefens namn", "manager", "manager name"),
        gettext_lazy("Chefen som skriver under närvarorapporterna. Kan lämnas tom."),
        parse=_cut_to(200),
    ),
    Column(
        "manager_email",
        gettext_lazy("Chefens e-post"),
        False,
        ("närmaste chefs e-post", "chefens e-postadress", "chef e-post", "manager email"),
        gettext_lazy("Dit närvarorapporten skickas för chefens underskrift. Kan lämnas tom."),
        parse=_email,
    ),
)


_norm = header_key


def column_header(key: str) -> str:
    return next(str(c.header) for c in COLUMNS if c.key == key)
