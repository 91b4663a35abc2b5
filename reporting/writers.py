"""Writing tables to files. Excel: openpyxl write-only, one sheet per table, Swedish headers,
frozen header row, column widths, numbers as numbers, dates as dates. CSV: semicolon, UTF-8
with BOM and decimal comma, as Swedish Excel opens it. Both are byte-for-byte reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .builders import Table

# Fixed timestamps keep the same data giving the same bytes (zip entries carry a date).
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = dt.datetime(2000, 1, 1)  # noqa: DTZ001 – file metadata, not a real time


EXCEL_MAX_DATA_ROWS = 1_048_575  # plus the header row
PROGRESS_EVERY = 10_000

NUMBER_FORMATS = {"decimal": "#,##0.00", "date": "yyyy-mm-dd"}


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | Decimal | dt.date | str):
        return value
    return str(value)


def _noop(rows_written: int) -> None:
    pass


def write_xlsx(tables: Sequence[Table], path: Path, on_rows: Callable[[int], None] = _noop) -> None:
    """`on_rows(n)` is called every PROGRESS_EVERY rows, so a long file keeps its run alive."""
    written = 0
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "digiproj"
    workbook.properties.created = _FIXED_DOC_TIME
    workbook.properties.modified = _FIXED_DOC_TIME
    bold = Font(bold=True)
    for table in _fit_excel_limit(tables):
        sheet = workbook.create_sheet(title=table.title)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        # Only dates and decimals need a styled cell; plain values are appended as they are,
        # which keeps the writer close to bare openpyxl speed.
        styled = [
            (index, NUMBER_FORMATS[c.kind])
            for index, c in enumerate(table.columns)
            if c.kind in ("date", "decimal")
        ]
        for row in table.rows:
            values = [_cell_value(v) for v in row]
            for index, number_format in styled:
                if values[index] is not None:
                    cell = WriteOnlyCell(sheet, value=values[index])
                    cell.number_format = number_format
                    values[index] = cell
            sheet.append(values)
            written += 1
            if written % PROGRESS_EVERY == 0:
                on_rows(written)
    # ExcelWriter rather than workbook.save(): save() stamps the current time into the file.
    ExcelWriter(workbook, _ReproducibleZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()


def _fit_excel_limit(tables: Sequence[Table]) -> list[Table]:
    """Excel sheets hold 1,048,576 rows: a longer table continues on "Title (2)" and so on."""
    result = []
    for table in tables:
        if len(table.rows) <= EXCEL_MAX_DATA_ROWS:
            result.append(table)
            continue
        for part, offset in enumerate(range(0, len(table.rows), EXCEL_MAX_DATA_ROWS), start=1):
            suffix = f" ({part})"
            result.append(
                Table(
                    title=table.title[: 31 - len(suffix)] + suffix,
                    columns=table.columns,
                    rows=table.rows[offset : offset + EXCEL_MAX_DATA_ROWS],
                )
            )
    return result


class _ReproducibleZip(zipfile.ZipFile):
    """Every entry gets the same fixed date, so the same sheets give the same bytes."""

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as source, self.open(self._info(arcname), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(tables: Sequence[Table], path: Path, on_rows: Callable[[int], None] = _noop) -> None:
    """One table: a plain CSV. Several: each under its title, separated by an empty line."""
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        for index, table in enumerate(tables):
            if len(tables) > 1:
                if index:
                    writer.writerow([])
                writer.writerow([table.title])
            writer.writerow([c.title for c in table.columns])
            for row in table.rows:
                writer.writerow([_csv_value(v) for v in row])
                written += 1
                if written % PROGRESS_EVERY == 0:
                    on_rows(written)
