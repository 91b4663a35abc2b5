"""Checking rows: every problem of every row, in Swedish, naming row and column.

The columns' own rules are in columns.py (COLUMNS); here are the rules of a whole row
(formulas) and of the whole file (headers, the same person twice, people already in the
project)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from digiproj.projects.models import Organisation, Project
from digiproj.spreadsheets import starts_like_formula

from .. import personnummer as pnr
from ..models import Participation
from .columns import (
    COLUMNS,
    CellError,
    Check,
    Column,
    OrganisationMatcher,
    column_header,
    column_positions,
)
from .reading import Table


@dataclass
class RowError:
    """A problem of one row: where, and the catalogue message with its parameters (stored
    apart, so that the preview shows it in its reader's language: error_text)."""

    row: int
    column: str
    template: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return _render(self.template, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,  # as checked (the file's language), for logs and files
            "template": self.template,
            "params": self.params,
        }


def _render(template: str, params: dict[str, str]) -> str:
    return gettext(template) % params if params else gettext(template)


def error_text(error: dict[str, Any]) -> str:
    """A stored row problem in the active language (older ones have only their text)."""
    if "template" not in error:
        return str(error.get("message", ""))
    return _render(error["template"], error.get("params") or {})


@dataclass
class CheckResult:
    valid: list[dict[str, Any]]
    errors: list[dict[str, Any]]


def check_rows(
    *,
    project: Project,
    table: Table,
    organisation: Organisation | None = None,
    defaults: dict[str, str] | None = None,
) -> CheckResult:
    """Every problem of every row, in Swedish, naming row and column; nothing is saved.

    `organisation` is set when a contact (or --organisation) imports: rows may leave the
    employer empty and may not name another one. `defaults` (column key -> cell text) fills
    the empty cells of those columns, chosen in the preview; each is checked by the
    column's rule like a typed cell.
    """
    defaults = {k: v for k, v in (defaults or {}).items() if v}
    positions = column_positions(table.headers)
    check = Check(organisations=OrganisationMatcher(project, organisation))
    errors = _missing_headers(positions, check, defaults)
    if errors:
        return CheckResult(valid=[], errors=[e.as_dict() for e in errors])
    first_row_of: dict[str, int] = {}
    valid: list[dict[str, Any]] = []
    for raw in table.rows:
        number, cells = raw[0], _cells_by_key(raw[1:], positions)
        cells = {**cells, **{k: v for k, v in defaults.items() if not cells.get(k)}}
        row_errors = _formulas(number, cells)
        if not row_errors:
            record, row_errors = _check_row(number, cells, check)
            row_errors += _twice_in_file(record, first_row_of)
            if not row_errors:
                valid.append(record)
        errors += row_errors
    valid, in_project = _already_in_project(project, valid)
    errors = sorted(errors + in_project, key=lambda e: e.row)
    return CheckResult(valid=valid, errors=[e.as_dict() for e in errors])


def _missing_headers(
    positions: dict[str, int], check: Check, defaults: dict[str, str]
) -> list[RowError]:
    """A required column the header row lacks. One may be left out when an empty cell is
    fine in this import (a contact's file without the employer: every row is theirs)."""
    missing = []
    for column in COLUMNS:
        if (
            not column.required
            or column.key in positions
            or column.key in defaults
            or _empty_is_fine(column, check)
        ):
            continue
        missing.append(
            RowError(
                1,
                str(column.header),
                gettext_noop(
                    "Kolumnen ”%(column)s” saknas i rubrikraden. Använd mallens rubriker."
                ),
                {"column": str(column.header)},
            )
        )
    return missing


def _empty_is_fine(column: Column, check: Check) -> bool:
    if column.when_empty is None:
        return False
    try:
        column.when_empty(check)
    except CellError:
        return False
    return True


def _cells_by_key(cells: list[Any], positions: dict[str, int]) -> dict[str, str]:
    """A row's cells by column key, in the file's column order; a short row's missing cells
    are empty."""
    return {
        key: str(cells[position] or "").strip() if position < len(cells) else ""
        for key, position in positions.items()
    }


def _formulas(number: int, cells: dict[str, str]) -> list[RowError]:
    """Cells a spreadsheet would read as a formula. They are a row's only problems: its
    other values are not looked at."""
    # The rule the exports neutralise by: = + - @ start a formula in a spreadsheet (cells
    # are stripped, so also after a tab); a plain number like -5 does not.
    return [
        RowError(
            number,
            column_header(key),
            gettext_noop(
                "Cellen börjar med %(sign)s och läses då som en formel. Formler tas "
                "inte emot vid import: skriv in själva värdet utan = + - eller @ först."
            ),
            {"sign": f"”{text[0]}”"},
        )
        for key, text in cells.items()
        if starts_like_formula(text)
    ]


def _check_row(
    number: int, cells: dict[str, str], check: Check
) -> tuple[dict[str, Any], list[RowError]]:
    """A row's record and its problems: what is missing first, then each column's rule, in
    the template's order."""
    errors = [
        RowError(
            number,
            str(column.header),
            gettext_noop("Uppgiften saknas. Fyll i %(column)s."),
            {"column": str(column.header)},
        )
        for column in COLUMNS
        if column.required and column.when_empty is None and not cells.get(column.key)
    ]
    record: dict[str, Any] = {"row": number}
    for column in COLUMNS:
        text = cells.get(column.key, "")
        try:
            if text:
                record[column.field] = column.parse(text, check)
            elif column.when_empty is not None:
                record[column.field] = column.when_empty(check)
            elif not column.required:
                record[column.field] = column.empty
        except CellError as exc:
            errors.append(RowError(number, str(column.header), exc.template, exc.params))
    return record, errors


def _twice_in_file(record: dict[str, Any], first_row_of: dict[str, int]) -> list[RowError]:
    """The same person on two rows. A row with other problems still counts as the first."""
    number = record.get("personnummer")
    if not number:
        return []
    if number not in first_row_of:
        first_row_of[number] = record["row"]
        return []
    return [
        RowError(
            record["row"],
            column_header("personnummer"),
            gettext_noop("Personen finns redan på rad %(first)s i filen. Ta bort den ena raden."),
            {"first": str(first_row_of[number])},
        )
    ]


def _already_in_project(
    project: Project, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The records whose person is not yet in the project, and a problem for each that is.
    One query per chunk, not one per row."""
    numbers = [r["personnummer"] for r in records]
    existing: set[str] = set()
    for start in range(0, len(numbers), 5000):
        existing.update(
            Participation.objects.filter(
                project=project, person__personnummer__in=numbers[start : start + 5000]
            ).values_list("person__personnummer", flat=True)
        )
    errors = [
        RowError(
            record["row"],
            column_header("personnummer"),
            gettext_noop(
                "%(pnr)s är redan deltagare i projektet. Ta bort raden, eller ändra "
                "uppgifterna på personens sida."
            ),
            {"pnr": pnr.mask(record["personnummer"])},
        )
        for record in records
        if record["personnummer"] in existing
    ]
    return [r for r in records if r["personnummer"] not in existing], errors


def preview_rows(headers: list[str], rows: list[list[Any]], limit: int = 10) -> list[dict]:
    """The first rows as the preview shows them (personnummer masked)."""
    positions = column_positions(headers)
    shown = []
    for raw in rows[:limit]:
        cells = raw[1:]

        def get(key: str, cells: list[Any] = cells) -> str:
            position = positions.get(key)
            return str(cells[position]) if position is not None and position < len(cells) else ""

        number = get("personnummer")
        try:
            masked = pnr.mask(pnr.normalize(number, spreadsheet=True))
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
