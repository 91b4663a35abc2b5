"""Checking rows: every problem of every row, in Swedish, naming row and column.

The columns' own rules are in columns.py (COLUMNS); here are the rules of a whole row
(formulas) and of the whole file (headers, the same person twice, people already in the
project)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

from digiproj.projects.models import Organisation, Project
from digiproj.spreadsheets import starts_like_formula

from .. import personnummer as pnr
from .columns import (
    COLUMNS,
    CellError,
    Check,
    Column,
    OrganisationMatcher,
    column_header,
)
from .mapping import Mapping, column_positions
from .plan import Plan, plan_rows
from .reading import Table


@dataclass
class RowError:
    """A problem of one row: where, and the catalogue message with its parameters (stored
    apart, so that the preview shows it in its reader's language: error_text)."""

    row: int
    column: str
    template: str
    params: dict[str, str] = field(default_factory=dict)
    code: str = "invalid"  # the kind of problem, for callers and tests ("checksum", "required"…)

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
            "code": self.code,
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
    valid: list[dict[str, Any]]  # every valid row's record: new people and people to update
    errors: list[dict[str, Any]]
    plan: Plan = field(default_factory=Plan)
    preview: list[dict[str, Any]] = field(default_factory=list)


def check_rows(
    *,
    project: Project,
    table: Table,
    organisation: Organisation | None = None,
    defaults: dict[str, str] | None = None,
    mapping: Mapping | None = None,
) -> CheckResult:
    """Every problem of every row, in Swedish, naming row and column, and what the valid
    rows would do (plan.plan_rows); nothing is saved.

    `organisation` is set when a contact (or --organisation) imports: rows may leave the
    employer empty and may not name another one. `defaults` (column key -> cell text) fills
    the empty cells of those columns, chosen in the preview; each is checked by the
    column's rule like a typed cell. `mapping` says which header is which column
    (mapping.column_positions).
    """
    defaults = {k: v for k, v in (defaults or {}).items() if v}
    positions = column_positions(table.headers, mapping)
    check = Check(organisations=OrganisationMatcher(project, organisation), project=project)
    errors = _missing_headers(positions, check, defaults)
    if errors:
        return CheckResult(valid=[], errors=[e.as_dict() for e in errors])
    first_row_of: dict[str, int] = {}
    valid: list[dict[str, Any]] = []
    typed_in: dict[int, set[str]] = {}  # row -> the columns the row itself filled in
    for raw in table.rows:
        number, typed = raw[0], _cells_by_key(raw[1:], positions)
        cells = {**typed, **{k: v for k, v in defaults.items() if not typed.get(k)}}
        row_errors = _formulas(number, cells)
        if not row_errors:
            record, row_errors = _check_row(number, cells, check)
            typed_in[number] = {k for k, v in typed.items() if v}
            row_errors += _twice_in_file(record, first_row_of)
            if not row_errors:
                valid.append(record)
        errors += row_errors
    plan, refused = plan_rows(
        project=project,
        organisation=organisation,
        records=valid,
        typed_in=typed_in,
        seen=set(first_row_of),
        defaulted=set(defaults),
    )
    refused_rows = {id(record) for record, _template, _params in refused}
    errors += [
        RowError(record["row"], column_header("personnummer"), template, params, "other_employer")
        for record, template, params in refused
    ]
    valid = [r for r in valid if id(r) not in refused_rows]
    errors.sort(key=lambda e: e.row)
    return CheckResult(
        valid=valid,
        errors=[e.as_dict() for e in errors],
        plan=plan,
        preview=_preview(valid[:10], check),
    )


def _preview(records: list[dict[str, Any]], check: Check) -> list[dict[str, Any]]:
    """The first valid rows as the preview shows them: personnummer masked, the employer by
    the name it was matched to."""
    names = check.organisations.names
    return [
        {
            "row": r["row"],
            "name": f"{r['first_name']} {r['last_name']}".strip(),
            "personnummer": pnr.mask(r["personnummer"]),
            "organisation": names.get(r["organisation_id"], ""),
            "start_date": r.get("start_date", ""),
        }
        for r in records
    ]


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
                "missing_column",
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
            "formula",
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
            "required",
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
            errors.append(RowError(number, str(column.header), exc.template, exc.params, exc.code))
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
            "twice_in_file",
        )
    ]
