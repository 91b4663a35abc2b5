"""Writing tables to files. Excel: one sheet per table (continued on "Title (2)" … past
Excel's 1,048,576 rows), Swedish headers in bold, frozen header row, column widths, numbers
as numbers, dates as dates, then "Om rapporten". CSV: semicolon, UTF-8 with BOM and decimal
comma, as Swedish Excel opens it. Both are byte-for-byte reproducible, and both write each
row as it is read, so memory stays flat whatever the size.

The Excel writer is XlsxWriter in constant_memory mode. Measured on the same 100,000
Deltagarförteckning rows on this 2-core machine (tests/bench/bench_reporting.py prints it
every run): openpyxl write-only ~12.6 s, XlsxWriter constant_memory ~7.8 s, the rust-backed
rustpy-xlsxwriter ~0.9 s. XlsxWriter was chosen because it keeps every property the files
must have and is among the best-kept Python libraries there are (one maintainer for over ten
years, the author of the C and Rust ports too, in the few hundred most downloaded packages,
regular releases): a fixed document date gives byte-identical reruns, each sheet streams
row by row to its own temporary file (so a summary sheet placed first can be filled last:
Table.later), and cells are written with explicit types (no text read as a formula or a
link). rustpy-xlsxwriter, although ~8× faster, is a young one-person binding (0.x, first
release 2025) whose files always carry the current time in docProps/core.xml (no way to
fix it: reruns are never byte-identical) and whose API takes whole sheets of dicts (no
sheet continued on demand, no checksum sheet after the data without holding rows); it is
measured in the bench as the fastest baseline, not used. openpyxl is still the reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from digiproj.numbers import round_half_up
from digiproj.spreadsheets import neutralise, neutralise_text

from .builders import ContentDigest, Table

# A fixed document date keeps the same data giving the same bytes (XlsxWriter writes it in
# docProps/core.xml; its zip entries carry a fixed date of their own).
_FIXED_DOC_TIME = dt.datetime(2000, 1, 1)  # noqa: DTZ001 – file metadata, not a real time

EXCEL_MAX_DATA_ROWS = 1_048_575  # plus the header row
PROGRESS_EVERY = 10_000

NUMBER_FORMATS = {"decimal": "#,##0.00", "date": "yyyy-mm-dd"}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _noop(rows_written: int) -> None:
    pass


class _Sheets:
    """The workbook being written: a sheet per table part, its formats, a typed writer."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "use_zip64": True,
            },
        )
        self.book.set_properties({"author": "digiproj", "created": _FIXED_DOC_TIME})
        self.bold = self.book.add_format({"bold": True})
        self.formats = {
            kind: self.book.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()
        }
        self.datetime = self.book.add_format({"num_format": DATETIME_FORMAT})

    def new(self, table: Table, title: str) -> Worksheet:
        sheet = self.book.add_worksheet(title)
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(table.columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, str(neutralise(str(column.title))), self.bold)
        return sheet

    def row_writer(self, table: Table) -> Callable[[Worksheet, int, Sequence[Any]], None]:
        """A function writing one row of `table` at a row number, each cell by its type:
        text (neutralised, so it never reads as a formula), numbers (decimal columns
        formatted with two places), dates and times formatted, None left empty."""
        column_format = [self.formats.get(c.kind) for c in table.columns]
        date_format, datetime_format = self.formats["date"], self.datetime

        def write(sheet: Worksheet, r: int, row: Sequence[Any]) -> None:
            string, number = sheet.write_string, sheet.write_number
            for c, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if value:  # an empty text is an empty cell, as openpyxl wrote it
                        string(r, c, neutralise_text(value))
                elif value is None:
                    continue
                elif kind is int or kind is Decimal:
                    number(r, c, value, column_format[c])
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float | Decimal):
                    number(r, c, value, column_format[c])
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, datetime_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif text := str(value):  # lazy translations and other text-like values
                    string(r, c, neutralise(text))

        return write


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
    sheets = _Sheets(path)
    later: list[tuple[Table, Worksheet]] = []
    for table in tables:
        sheet = sheets.new(table, table.title)
        if table.later is not None:
            later.append((table, sheet))  # its sheet stands here; its rows come at the end
            digest.hold()
            continue
        digest.table(table)
        write, in_sheet, part = sheets.row_writer(table), 0, 1
        for row in table.read():
            if in_sheet == EXCEL_MAX_DATA_ROWS:
                # Excel sheets hold 1,048,576 rows: the table continues on "Title (2)" etc.
                part += 1
                suffix = f" ({part})"
                sheet, in_sheet = sheets.new(table, table.title[: 31 - len(suffix)] + suffix), 0
            digest.row(row)
            in_sheet += 1
            write(sheet, in_sheet, row)
            if digest.rows % PROGRESS_EVERY == 0:
                on_rows(digest.rows)
    digest.release([_later_feed(sheets, table, sheet, digest) for table, sheet in later])
    if about is not None:
        table = about(digest.hexdigest())
        sheet, write = sheets.new(table, table.title), sheets.row_writer(table)
        for number, row in enumerate(table.rows, start=1):
            write(sheet, number, row)
    sheets.book.close()
    return digest.rows


def _later_feed(
    sheets: _Sheets, table: Table, sheet: Worksheet, digest: ContentDigest
) -> Callable[[], None]:
    def feed() -> None:
        digest.table(table)
        write = sheets.row_writer(table)
        for number, row in enumerate(table.read(), start=1):
            digest.row(row)
            write(sheet, number, row)

    return feed


_TWO_PLACES = Decimal("0.01")


def _csv_value(value: Any) -> str:
    kind = type(value)  # the common types first, each as the general rules below give it
    if kind is str:
        return neutralise_text(value)
    if kind is int:
        return str(value)
    if kind is Decimal:
        return str(value.quantize(_TWO_PLACES, ROUND_HALF_UP)).replace(".", ",")
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
    Returns the number of data rows. What follows a `later` table is written to a
    temporary file first and copied in after that table's rows."""
    digest = digest or ContentDigest()
    several = len(tables) > 1
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        target: IO[str] = handle
        later: list[tuple[int, Table, IO[str]]] = []
        for index, table in enumerate(tables):
            if table.later is not None:
                target = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
                later.append((index, table, target))
                digest.hold()
                continue
            _csv_section(target, index, table, several, digest, on_rows)

        def feed(index: int, table: Table, spool: IO[str]) -> Callable[[], None]:
            def run() -> None:
                _csv_section(handle, index, table, several, digest, on_rows)
                spool.seek(0)
                shutil.copyfileobj(spool, handle, 1 << 20)
                spool.close()

            return run

        digest.release([feed(*entry) for entry in later])
    return digest.rows


def _csv_section(
    handle: IO[str],
    index: int,
    table: Table,
    several: bool,
    digest: ContentDigest,
    on_rows: Callable[[int], None],
) -> None:
    writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    digest.table(table)
    if several:
        if index:
            writer.writerow([])
        writer.writerow([_csv_value(table.title)])
    writer.writerow([_csv_value(c.title) for c in table.columns])
    for row in table.read():
        digest.row(row)
        writer.writerow([_csv_value(v) for v in row])
        if digest.rows % PROGRESS_EVERY == 0:
            on_rows(digest.rows)
