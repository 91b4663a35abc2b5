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

from digiproj.numbers import round_half_up
from digiproj.spreadsheets import neutralise

from .builders import ContentDigest, Table

# Fixed timestamps keep the same data giving the same bytes (zip entries carry a date).
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = dt.datetime(2000, 1, 1)  # noqa: DTZ001 – file metadata, not a real time


EXCEL_MAX_DATA_ROWS = 1_048_575  # plus the header row
PROGRESS_EVERY = 10_000

NUMBER_FORMATS = {"decimal": "#,##0.00", "date": "yyyy-mm-dd"}


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | Decimal | dt.date):
        return value
    return neutralise(str(value))


def _noop(rows_written: int) -> None:
    pass


def write_xlsx(
    tables: Sequence[Table],
    path: Path,
    *,
    digest: ContentDigest | None = None,
    on_rows: Callable[[int], None] = _noop,
    about: Callable[[str], Table] | None = None,
) -> int:
    """Write the tables (each row read once, fed to `digest`), then the `about(checksum)`
    sheet. Returns the number of data rows. `on_rows(n)` is called every PROGRESS_EVERY
    rows, so a long file keeps its run alive."""
    digest = digest or ContentDigest()
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "digiproj"
    workbook.properties.created = _FIXED_DOC_TIME
    workbook.properties.modified = _FIXED_DOC_TIME
    for table in tables:
        digest.table(table)
        # Only dates and decimals need a styled cell; plain values are appended as they are,
        # which keeps the writer close to bare openpyxl speed.
        styled = [
            (index, NUMBER_FORMATS[c.kind])
            for index, c in enumerate(table.columns)
            if c.kind in ("date", "decimal")
        ]
        sheet, in_sheet, part = _new_sheet(workbook, table, table.title), 0, 1
        for row in table.read():
            if in_sheet == EXCEL_MAX_DATA_ROWS:
                # Excel sheets hold 1,048,576 rows: the table continues on "Title (2)" etc.
                part += 1
                suffix = f" ({part})"
                sheet, in_sheet = (
                    _new_sheet(workbook, table, table.title[: 31 - len(suffix)] + suffix),
                    0,
                )
            digest.row(row)
            values = [_cell_value(v) for v in row]
            for index, number_format in styled:
                if values[index] is not None:
                    cell = WriteOnlyCell(sheet, value=values[index])
                    cell.number_format = number_format
                    values[index] = cell
            sheet.append(values)
            in_sheet += 1
            if digest.rows % PROGRESS_EVERY == 0:
                on_rows(digest.rows)
    if about is not None:
        table = about(digest.hexdigest())
        sheet = _new_sheet(workbook, table, table.title)
        for row in table.rows:
            sheet.append([_cell_value(v) for v in row])
    # ExcelWriter rather than workbook.save(): save() stamps the current time into the file.
    ExcelWriter(workbook, _ReproducibleZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return digest.rows


def _new_sheet(workbook: Workbook, table: Table, title: str) -> Any:
    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=_cell_value(column.title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


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
        # Two places by the one rounding (format() would round a Decimal half to even).
        return str(round_half_up(value, 2)).replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def write_csv(
    tables: Sequence[Table],
    path: Path,
    *,
    digest: ContentDigest | None = None,
    on_rows: Callable[[int], None] = _noop,
) -> int:
    """One table: a plain CSV. Several: each under its title, separated by an empty line.
    Returns the number of data rows."""
    digest = digest or ContentDigest()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        for index, table in enumerate(tables):
            digest.table(table)
            if len(tables) > 1:
                if index:
                    writer.writerow([])
                writer.writerow([_csv_value(table.title)])
            writer.writerow([_csv_value(c.title) for c in table.columns])
            for row in table.read():
                digest.row(row)
                writer.writerow([_csv_value(v) for v in row])
                if digest.rows % PROGRESS_EVERY == 0:
                    on_rows(digest.rows)
    return digest.rows
