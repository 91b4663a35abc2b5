"""Writing tables to files. Excel: openpyxl write-only, one sheet per table, Swedish headers,
frozen header row, column widths, numbers as numbers, dates as dates. CSV: semicolon, UTF-8
with BOM and decimal comma, as Swedish Excel opens it. Both are byte-for-byte reproducible."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .builders import Table

# Fixed timestamps keep the same data giving the same bytes (zip entries carry a date).
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = dt.datetime(2000, 1, 1)  # noqa: DTZ001 – file metadata, not a real time

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

_FIXED_DOC_STAMP = _FIXED_DOC_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

NUMBER_FORMATS = {"int": "0", "decimal": "#,##0.00", "date": "yyyy-mm-dd"}


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | Decimal | dt.date | str):
        return value
    return str(value)


def write_xlsx(tables: Sequence[Table], path: Path) -> None:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "digiproj"
    workbook.properties.created = _FIXED_DOC_TIME
    workbook.properties.modified = _FIXED_DOC_TIME
    bold = Font(bold=True)
    for table in tables:
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
        formats = [NUMBER_FORMATS.get(c.kind) for c in table.columns]
        for row in table.rows:
            cells = []
            for value, number_format in zip(row, formats, strict=True):
                cell = WriteOnlyCell(sheet, value=_cell_value(value))
                if number_format and value is not None:
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _write_reproducible_zip(buffer.getvalue(), path)


def _write_reproducible_zip(data: bytes, path: Path) -> None:
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified; pin it like created.
                content = _MODIFIED.sub(rb"\g<1>" + _FIXED_DOC_STAMP + rb"\g<2>", content)
            target.writestr(fixed, content)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(tables: Sequence[Table], path: Path) -> None:
    """One table: a plain CSV. Several: each under its title, separated by an empty line."""
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
