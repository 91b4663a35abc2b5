"""Reading .xlsx and CSV files into rows of text (nothing is checked or saved here)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .. import xlsx_fast
from .columns import (
    DATA_SHEET,
    MAX_FILE_BYTES,
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
    for number, cells in lines:
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


def _read_xlsx(data: bytes, filename: str) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_not_spreadsheet(filename)) from exc
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
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_vba=False
        )
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
            return _collect(xlsx_fast.iter_sheet_rows(workbook, sheet))
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
