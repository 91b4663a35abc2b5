"""Reading .xlsx and CSV files into rows of text (nothing is checked or saved here)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .. import xlsx_fast
from .columns import (
    DATA_SHEET,
    MAX_ARCHIVE_MEMBERS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_UNPACKED_BYTES,
    ImportFileError,
)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # [row number in the file, *cells]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal | str):
        return str(value).strip()
    # ArrayFormula, DataTableFormula and the like: a formula, kept visible so it is refused.
    text = getattr(value, "text", None)
    return f"={text}" if text else f"={value}"


def _limit() -> int:
    return int(settings.PARTICIPANT_IMPORT_MAX_ROWS)


def _too_many() -> ImportFileError:
    return ImportFileError(
        _(
            "Filen har fler än %(limit)s rader med deltagare. Dela upp den i flera filer "
            "med högst %(limit)s rader var."
        )
        % {"limit": f"{_limit():,}".replace(",", " ")}
    )


def _collect(lines: Iterable[tuple[int, list[Any]]]) -> Table:
    """Header = the first non-empty row; empty rows are skipped; stops past the row limit.
    `lines` gives (row number in the file, cells)."""
    limit = _limit()
    table: Table | None = None
    cells_seen = 0
    for number, cells in lines:
        cells_seen += len(cells)
        if cells_seen > MAX_CELLS:
            raise _too_large("cells", number)
        if len(cells) > MAX_COLUMNS:
            if any(_cell_text(c) for c in cells[MAX_COLUMNS:]):
                raise _too_large("columns", number)
            cells = cells[:MAX_COLUMNS]
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        if table is None:
            table = Table(headers=texts)
            continue
        if len(table.rows) >= limit:
            raise _too_many()
        table.rows.append([number, *texts])
    if table is None:
        raise ImportFileError(_("Filen är tom. Fyll i deltagarna i mallen och försök igen."))
    if not table.rows:
        raise ImportFileError(
            _("Filen har en rubrikrad men inga deltagare. Fyll i en rad per deltagare.")
        )
    return table


def _too_large(kind: str, row: int) -> ImportFileError:
    """The message for a sheet past one of the bounds, saying the bound."""
    if kind == "columns":
        return ImportFileError(
            _(
                "Rad %(row)s har värden längre till höger än kolumn %(limit)s. Mallen har "
                "13 kolumner: ta bort det som står utanför dem och ladda upp filen igen."
            )
            % {"row": row, "limit": MAX_COLUMNS}
        )
    if kind == "cell":
        return ImportFileError(
            _(
                "En cell på rad %(row)s har fler än 32 767 tecken, mer än Excel själv "
                "tillåter. Rätta cellen och ladda upp filen igen."
            )
            % {"row": row}
        )
    return ImportFileError(
        _(
            "Filen har fler än %(limit)s celler. Ta bort tomma rader och kolumner utanför "
            "mallens eller dela upp den i flera filer."
        )
        % {"limit": f"{MAX_CELLS:,}".replace(",", " ")}
    )


def _too_much_xml() -> ImportFileError:
    return ImportFileError(
        _(
            "Excel-filen packas upp till mer än %(limit)s MB (eller är packad mer än "
            "%(ratio)s gånger), vilket ingen deltagarfil behöver. Kopiera bara deltagarna "
            "till mallen, spara som .xlsx och försök igen, eller dela upp filen."
        )
        % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024), "ratio": MAX_COMPRESSION_RATIO}
    )


def check_archive(source: bytes | IO[bytes], filename: str) -> list[str]:
    """Refuse a workbook whose zip directory promises too much, before any part of it is
    unpacked or parsed: only the directory at the end of the file is read. Python's zip
    reader never returns more than a part's declared size (and fails on a wrong CRC), so
    the declared sizes bound the work. Returns the parts' names."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_not_spreadsheet(filename)) from exc
    finally:
        if not isinstance(source, bytes):
            source.seek(0)
    if len(parts) > MAX_ARCHIVE_MEMBERS:
        raise _too_much_xml()
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _too_much_xml()
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_COMPRESSION_RATIO * max(
            part.compress_size, 1
        ):
            raise _too_much_xml()
    return [part.filename for part in parts]


def check_upload(upload: IO[bytes], filename: str) -> None:
    """The cheap checks of an uploaded file, done in the web request whatever its size (a
    large file is then read by a worker): a workbook's zip directory (check_archive)."""
    head = upload.read(4)
    upload.seek(0)
    if head == b"PK\x03\x04":
        check_archive(upload, filename)


def _read_xlsx(data: bytes, filename: str) -> Table:

    names = check_archive(data, filename)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ImportFileError(
            _(
                "Filen innehåller makron, och sådana filer tar vi inte emot. Spara den som "
                "”Excel-arbetsbok (.xlsx)” och ladda upp den igen."
            )
        )
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_not_spreadsheet(filename))
    try:
        # data_only=False: formulas come back as "=…" text and are refused, never evaluated.
        workbook = xlsx_fast.open_workbook(io.BytesIO(data))
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _(
                "Excel-filen är skadad och kunde inte läsas. Öppna den i Excel, spara den "
                "som .xlsx och försök igen."
            )
        ) from exc
    try:
        sheet = (
            workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        )
        try:
            return _collect(
                xlsx_fast.iter_sheet_rows(
                    workbook, sheet, max_columns=MAX_COLUMNS, max_cells=MAX_CELLS
                )
            )
        except xlsx_fast.SheetTooLarge as exc:
            raise _too_large(exc.kind, exc.row) from exc
        except (ImportFileError, xlsx_fast.UnsafeXml):
            raise
        except Exception:  # an unusual file: openpyxl's own (slower) reader decides
            return _collect(enumerate(sheet.iter_rows(values_only=True), start=1))
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            _("Excel-filen är skadad och kunde inte läsas. Spara den som .xlsx och försök igen.")
        ) from exc
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM, as Excel's “CSV UTF-8” writes it), else Windows-1252
    (what Swedish Excel writes for plain “CSV”; a superset of Latin-1 for å, ä, ö)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes, filename: str) -> Table:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_not_spreadsheet(filename))
    text = _decode(data)
    first_line = text.lstrip().split("\n", 1)[0]
    if first_line.lower().startswith("sep=") and len(first_line.strip()) == 5:
        # Excel's own hint line ("sep=;"), written by some exports: use it and drop it.
        delimiter = first_line.strip()[4]
        text = text.lstrip().split("\n", 1)[1] if "\n" in text.lstrip() else ""
    else:
        delimiter = max([";", ",", "\t"], key=first_line.count)
    # A line of a million separators would be a million-cell row before _collect saw it:
    # look for a value right of the last allowed column without splitting the line.
    content = re.compile(rf'[^\s"{re.escape(delimiter)}]')
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        separators = line.count(delimiter)
        if separators >= MAX_CELLS:
            raise _too_large("cells", number)
        if separators >= MAX_COLUMNS:
            at = -1
            for _column in range(MAX_COLUMNS):
                at = line.find(delimiter, at + 1)
            if content.search(line, at + 1):
                raise _too_large("columns", number)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect(enumerate(reader, start=1))
    except csv.Error as exc:
        raise ImportFileError(_not_spreadsheet(filename)) from exc


def _not_spreadsheet(filename: str) -> str:
    return _(
        "Filen %(name)s är inte ett kalkylblad. Ladda upp en Excel-fil (.xlsx) eller en "
        "CSV-fil, till exempel mallen."
    ) % {"name": filename}


def read_table(data: bytes, filename: str) -> Table:
    """The rows of an uploaded file, as text, or ImportFileError saying what to do."""
    name = filename.lower()
    if not data:
        raise ImportFileError(_("Filen är tom. Fyll i deltagarna i mallen och försök igen."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("Filen är för stor (högst 30 MB). Dela upp den i flera filer."))
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise ImportFileError(
            _(
                "Filen innehåller makron, och sådana filer tar vi inte emot. Spara den som "
                "”Excel-arbetsbok (.xlsx)” och ladda upp den igen."
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Filen är i det gamla Excel-formatet (.xls). Spara den som "
                "”Excel-arbetsbok (.xlsx)” och ladda upp den igen."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, filename)
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or name.endswith(
        (".xlsx", ".xls", ".pdf", ".docx", ".doc")
    ):
        raise ImportFileError(_not_spreadsheet(filename))
    return _read_csv(data, filename)
