"""The rows an import left out, as a workbook to fix and upload again: the file's own
headers and cells, and a last column saying what to fix. Once fixed it imports like the
file it came from (the same headers, so the project's mapping applies)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from digiproj.spreadsheets import neutralise

from .checking import error_text
from .columns import DATA_SHEET


def rejected_rows_workbook(
    headers: list[str], rows: list[list[Any]], errors: list[dict[str, Any]]
) -> bytes:
    """Every row with a problem, in the file's order, each with its problems."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    problems: dict[int, list[str]] = {}
    for error in errors:
        shown = error_text(error)
        column = error.get("column") or ""
        problems.setdefault(error["row"], []).append(f"{column}: {shown}" if column else shown)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = DATA_SHEET
    sheet.append([*[str(h) for h in headers], _("Fel att rätta")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for raw in rows:
        if raw[0] not in problems:
            continue
        cells = [str(c) if c is not None else "" for c in raw[1:]]
        cells += [""] * (len(headers) - len(cells))
        # Text, never numbers or formulas: a personnummer keeps its digits, "=..." stays text.
        sheet.append([neutralise(c) for c in cells[: len(headers)]] + ["; ".join(problems[raw[0]])])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
