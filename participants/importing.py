"""Reading and checking participant files (.xlsx and CSV as Swedish Excel writes them).

Pure reading and validation; the writes are in services.py (participant_import_*). The same
code serves the upload page and `manage.py import_participants`.

Safety: workbooks are opened with data_only=False so a formula is seen as a formula and
refused, never evaluated; macro workbooks (.xlsm, vbaProject.bin) are refused unread.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiproj.projects.models import Organisation, Project

from . import personnummer as pnr
from . import xlsx_fast
from .models import Participation

MAX_FILE_BYTES = 30 * 1024 * 1024
DATA_SHEET = "Deltagare"


class ImportFileError(Exception):
    """The file as a whole cannot be used (not a spreadsheet, empty, too big, macros…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy Swedish header, as in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: Any = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "personnummer",
        gettext_lazy("Personnummer"),
        True,
        ("personnr", "pnr", "samordningsnummer", "personnummer/samordningsnummer"),
        gettext_lazy("12 siffror, ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra."),
    ),
    Column("first_name", gettext_lazy("Förnamn"), True, ("fornamn",)),
    Column("last_name", gettext_lazy("Efternamn"), True, ("efternamn",)),
    Column(
        "organisation",
        gettext_lazy("Arbetsgivare"),
        True,
        ("organisation", "organisationsnummer", "orgnr", "arbetsgivare (organisationsnummer)"),
        gettext_lazy("Organisationsnummer (NNNNNN-NNNN) eller namn, som i listan nedan."),
    ),
    Column("email", gettext_lazy("E-post"), False, ("epost", "e-postadress", "mejl", "email")),
    Column("phone", gettext_lazy("Telefon"), False, ("telefonnummer", "mobil")),
    Column("workplace", gettext_lazy("Arbetsplats"), False, ("arbetsplats/enhet", "enhet")),
    Column("role_group", gettext_lazy("Yrkesgrupp"), False),
    Column("isced", gettext_lazy("Utbildningsnivå"), False, ("utbildning", "isced")),
    Column("employment_status", gettext_lazy("Sysselsättning"), False, ("sysselsattning",)),
    Column(
        "annual_salary_cost",
        gettext_lazy("Årlig lönekostnad"),
        False,
        ("lönekostnad", "arlig lonekostnad"),
        gettext_lazy("Kronor per år inklusive sociala avgifter, till exempel 540000."),
    ),
    Column(
        "start_date",
        gettext_lazy("Startdatum"),
        True,
        ("start",),
        gettext_lazy("ÅÅÅÅ-MM-DD, till exempel 2024-03-01."),
    ),
    Column(
        "consent_date",
        gettext_lazy("Information lämnad"),
        False,
        ("samtycke", "information"),
        gettext_lazy(
            "Datum då personen fick information om behandlingen, ÅÅÅÅ-MM-DD. "
            "Registreras som given på papper."
        ),
    ),
)

CHOICE_FIELDS = {
    "role_group": Participation.RoleGroup,
    "isced": Participation.Isced,
    "employment_status": Participation.EmploymentStatus,
}
DEFAULTS = {
    "role_group": Participation.RoleGroup.ADMIN_STAFF,
    "isced": Participation.Isced.UNKNOWN,
    "employment_status": Participation.EmploymentStatus.EMPLOYED,
}


def _norm(text: str) -> str:
    return " ".join(str(text).replace("*", "").strip().lower().split())


def _header_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in COLUMNS:
        mapping[_norm(str(column.header))] = column.key
        mapping[_norm(column.key)] = column.key
        for alias in column.aliases:
            mapping[_norm(alias)] = column.key
    return mapping


def column_header(key: str) -> str:
    return next(str(c.header) for c in COLUMNS if c.key == key)


# ---------------------------------------------------------------------------------------------
# Reading


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


# ---------------------------------------------------------------------------------------------
# Checking


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
            if cell(key).startswith("="):
                fail(
                    key,
                    _(
                        "Cellen innehåller en formel. Formler räknas inte ut vid import: "
                        "skriv in själva värdet."
                    ),
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


# ---------------------------------------------------------------------------------------------
# The template


def template_workbook(project: Project, organisations: Iterable[Organisation]) -> bytes:
    """The downloadable template: a "Deltagare" sheet with the headers and an instructions
    sheet (columns, allowed values, and the organisations the user may import into)."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    data.append([str(c.header) for c in COLUMNS])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for letter, width in zip(
        "ABCDEFGHIJKLM", (16, 14, 16, 16, 26, 14, 20, 22, 20, 16, 16, 12, 16), strict=False
    ):
        data.column_dimensions[letter].width = width
    data.freeze_panes = "A2"

    info = workbook.create_sheet(_("Instruktioner"))
    info.append([_("Så fyller du i mallen")])
    info["A1"].font = Font(bold=True, size=14)
    info.append([_("En rad per deltagare på fliken Deltagare. Ändra inte rubrikerna.")])
    info.append([_("Formler och makron tas inte emot: skriv in värdena.")])
    info.append([_("CSV går också bra: spara som ”CSV (semikolonavgränsad)” eller ”CSV UTF-8”.")])
    info.append([])
    info.append([_("Kolumn"), _("Obligatorisk"), _("Så skriver du")])
    for cell in info[info.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_text = str(column.help)
        if column.key in CHOICE_FIELDS:
            help_text = _("Något av: %(values)s.") % {
                "values": ", ".join(str(label) for _v, label in CHOICE_FIELDS[column.key].choices)
            }
        info.append([str(column.header), _("Ja") if column.required else _("Nej"), help_text])
    info.append([])
    info.append([_("Projektets organisationer"), _("Organisationsnummer")])
    for cell in info[info.max_row]:
        cell.font = Font(bold=True)
    for org in organisations:
        info.append([org.name, org.organisationsnummer])
    info.column_dimensions["A"].width = 32
    info.column_dimensions["B"].width = 16
    info.column_dimensions["C"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
