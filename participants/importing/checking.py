"""Checking rows: every problem of every row, in Swedish, naming row and column."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project
from digiproj.spreadsheets import starts_like_formula

from .. import personnummer as pnr
from ..models import Participation
from .columns import (
    CHOICE_FIELDS,
    COLUMNS,
    DEFAULTS,
    _header_map,
    _norm,
    column_header,
)
from .reading import Table


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class CheckResult:
    valid: list[dict[str, Any]]
    errors: list[dict[str, Any]]


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a plain date)
        except ValueError:
            continue
    return None


def _parse_amount(text: str) -> Decimal | None:
    cleaned = re.sub(r"[\s\u00a0]|kr$", "", text.strip().lower()).replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _choice_lookup(choices: Any) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_norm(value)] = value
        lookup[_norm(str(label))] = value
    if choices is Participation.Isced:
        for value in ("0-2", "3-4", "5-8"):
            lookup[value.replace("-", "–")] = value
            lookup[f"isced {value}"] = value
        lookup["okänd"] = Participation.Isced.UNKNOWN
    return lookup


class OrganisationMatcher:
    """The project's organisations, found by organisationsnummer (with or without dash) or by
    name (case-insensitive)."""

    def __init__(self, project: Project, fixed: Organisation | None) -> None:
        self.fixed = fixed
        self.organisations = list(
            Organisation.objects.filter(project_organisations__project=project).distinct()
        )
        self.by_number = {re.sub(r"\D", "", o.organisationsnummer): o for o in self.organisations}
        self.by_name = {_norm(o.name): o for o in self.organisations}

    def find(self, text: str) -> Organisation | None:
        digits = re.sub(r"\D", "", text)
        if len(digits) == 12 and digits.startswith("16"):
            digits = digits[2:]
        if len(digits) == 10 and digits in self.by_number:
            return self.by_number[digits]
        return self.by_name.get(_norm(text))


def check_rows(
    *, project: Project, table: Table, organisation: Organisation | None = None
) -> CheckResult:
    """Every problem of every row, in Swedish, naming row and column; nothing is saved.

    `organisation` is set when a contact (or --organisation) imports: rows may leave the
    employer empty and may not name another one.
    """
    mapping = _header_map()
    index: dict[str, int] = {}
    for position, header in enumerate(table.headers, start=1):
        key = mapping.get(_norm(header))
        if key and key not in index:
            index[key] = position
    errors: list[RowError] = []
    header_row = 1
    for column in COLUMNS:
        if not column.required or column.key in index:
            continue
        if column.key == "organisation" and organisation is not None:
            continue
        errors.append(
            RowError(
                header_row,
                str(column.header),
                _("Kolumnen ”%(column)s” saknas i rubrikraden. Använd mallens rubriker.")
                % {"column": column.header},
            )
        )
    if errors:
        return CheckResult(valid=[], errors=[e.as_dict() for e in errors])

    matcher = OrganisationMatcher(project, organisation)
    lookups = {key: _choice_lookup(choices) for key, choices in CHOICE_FIELDS.items()}
    seen: dict[str, int] = {}
    valid: list[dict[str, Any]] = []
    for raw in table.rows:
        number, cells = raw[0], raw[1:]

        def cell(key: str, cells: list[Any] = cells) -> str:
            position = index.get(key)
            if position is None or position > len(cells):
                return ""
            return str(cells[position - 1] or "").strip()

        row_errors: list[RowError] = []

        def fail(key: str, message: str, number: int = number, bucket: list = row_errors) -> None:
            bucket.append(RowError(number, column_header(key), message))

        for key in index:
            # The rule the exports neutralise by: = + - @ start a formula in a spreadsheet
            # (cells are stripped, so also after a tab); a plain number like -5 does not.
            if starts_like_formula(cell(key)):
                fail(
                    key,
                    _(
                        "Cellen börjar med %(sign)s och läses då som en formel. Formler tas "
                        "inte emot vid import: skriv in själva värdet utan = + - eller @ först."
                    )
                    % {"sign": f"”{cell(key)[0]}”"},
                )
        if row_errors:
            errors.extend(row_errors)
            continue

        record: dict[str, Any] = {"row": number}
        for key in ("personnummer", "first_name", "last_name", "start_date"):
            if not cell(key):
                fail(
                    key, _("Uppgiften saknas. Fyll i %(column)s.") % {"column": column_header(key)}
                )
        if cell("personnummer"):
            try:
                record["personnummer"] = pnr.normalize(cell("personnummer"))
            except ValidationError as exc:
                fail("personnummer", exc.messages[0])
        for key in ("first_name", "last_name"):
            if len(cell(key)) > 100:
                fail(key, _("Högst 100 tecken."))
            record[key] = cell(key)[:100]

        org_text = cell("organisation")
        if organisation is not None:
            found = matcher.find(org_text) if org_text else organisation
            if found is None or found.pk != organisation.pk:
                fail(
                    "organisation",
                    _(
                        "Du kan bara importera deltagare till %(org)s. Ta bort raden eller "
                        "lämna arbetsgivaren tom."
                    )
                    % {"org": organisation.name},
                )
            record["organisation_id"] = organisation.pk
        elif not org_text:
            fail("organisation", _("Uppgiften saknas. Fyll i arbetsgivarens organisationsnummer."))
        else:
            found = matcher.find(org_text)
            if found is None:
                fail(
                    "organisation",
                    _(
                        "Arbetsgivaren ”%(value)s” deltar inte i projektet. Skriv "
                        "organisationsnumret för en av projektets organisationer."
                    )
                    % {"value": org_text},
                )
            else:
                record["organisation_id"] = found.pk

        email = cell("email").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("”%(value)s” är ingen giltig e-postadress.") % {"value": email})
        record["email"] = email
        record["phone"] = cell("phone")[:30]
        record["workplace"] = cell("workplace")[:200]

        for key, lookup in lookups.items():
            text = cell(key)
            if not text:
                record[key] = DEFAULTS[key]
                continue
            value = lookup.get(_norm(text))
            if value is None:
                allowed = ", ".join(str(label) for _v, label in CHOICE_FIELDS[key].choices)
                fail(
                    key,
                    _("”%(value)s” är inget giltigt värde. Skriv något av: %(allowed)s.")
                    % {"value": text, "allowed": allowed},
                )
            record[key] = value

        salary = cell("annual_salary_cost")
        record["annual_salary_cost"] = None
        if salary:
            amount = _parse_amount(salary)
            if amount is None or amount < 0 or amount >= Decimal("100000000"):
                fail(
                    "annual_salary_cost",
                    _("Skriv lönekostnaden som ett belopp i kronor, till exempel 540000."),
                )
            else:
                record["annual_salary_cost"] = str(amount.quantize(Decimal("0.01")))

        for key in ("start_date", "consent_date"):
            text = cell(key)
            record[key] = None
            if not text:
                continue
            parsed = _parse_date(text)
            if parsed is None:
                fail(
                    key,
                    _("”%(value)s” är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD.")
                    % {"value": text},
                )
            else:
                record[key] = parsed.isoformat()

        number_12 = record.get("personnummer")
        if number_12:
            if number_12 in seen:
                fail(
                    "personnummer",
                    _("Personen finns redan på rad %(first)s i filen. Ta bort den ena raden.")
                    % {"first": seen[number_12]},
                )
            else:
                seen[number_12] = number
        if row_errors:
            errors.extend(row_errors)
        else:
            valid.append(record)

    # Already in the project: one query per chunk, not one per row.
    numbers = [r["personnummer"] for r in valid]
    existing: set[str] = set()
    for start in range(0, len(numbers), 5000):
        existing.update(
            Participation.objects.filter(
                project=project, person__personnummer__in=numbers[start : start + 5000]
            ).values_list("person__personnummer", flat=True)
        )
    if existing:
        still_valid = []
        for record in valid:
            if record["personnummer"] in existing:
                errors.append(
                    RowError(
                        record["row"],
                        column_header("personnummer"),
                        _(
                            "%(pnr)s är redan deltagare i projektet. Ta bort raden, eller ändra "
                            "uppgifterna på personens sida."
                        )
                        % {"pnr": pnr.mask(record["personnummer"])},
                    )
                )
            else:
                still_valid.append(record)
        valid = still_valid
    errors.sort(key=lambda e: e.row)
    return CheckResult(valid=valid, errors=[e.as_dict() for e in errors])


def preview_rows(headers: list[str], rows: list[list[Any]], limit: int = 10) -> list[dict]:
    """The first rows as the preview shows them (personnummer masked)."""
    mapping = _header_map()
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = mapping.get(_norm(header))
        if key and key not in index:
            index[key] = position
    shown = []
    for raw in rows[:limit]:
        cells = raw[1:]

        def get(key: str, cells: list[Any] = cells) -> str:
            position = index.get(key)
            return str(cells[position]) if position is not None and position < len(cells) else ""

        number = get("personnummer")
        try:
            masked = pnr.mask(pnr.normalize(number))
        except ValidationError:
            masked = "–"
        shown.append(
            {
                "row": raw[0],
                "name": f"{get('first_name')} {get('last_name')}".strip(),
                "personnummer": masked,
                "organisation": get("organisation"),
                "start_date": get("start_date"),
            }
        )
    return shown
