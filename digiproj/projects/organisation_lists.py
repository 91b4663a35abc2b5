"""A list of organisations for a project, pasted or uploaded (.xlsx or .csv), read into rows
and checked row by row before anything is saved: organisationsnummer; namn; typ; roll.

Nothing here writes. The preview shows each row with what is wrong; the confirmation sends the
rows back as text (`as_text`), which are read and checked again before the one transaction
that saves them (services.project_organisations_add_list), so a list is saved whole or not
at all.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from digiproj.spreadsheets import starts_like_formula

from .models import Organisation, Project, ProjectOrganisation
from .validators import normalize_organisationsnummer

MAX_ROWS = 1000
MAX_FILE_BYTES = 2 * 1024 * 1024
# A sheet of a thousand organisations unpacks to well under a megabyte; more is not a list.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
COLUMNS = 4


class ListError(Exception):
    """The list as a whole cannot be read (not a spreadsheet, too long, empty)."""


@dataclass
class OrganisationRow:
    line: int  # the row's number in the pasted text or the file
    organisationsnummer: str
    name: str
    kind: str
    role: str
    errors: list[str] = field(default_factory=list)
    number_valid: bool = False

    @property
    def kind_label(self) -> str:
        return str(Organisation.Kind(self.kind).label) if self.kind else ""

    @property
    def role_label(self) -> str:
        return str(ProjectOrganisation.Role(self.role).label) if self.role else ""


def _split(line: str) -> list[str]:
    # Excel and LibreOffice paste cells with tabs; a typed list uses semicolons.
    separator = "\t" if "\t" in line else ";"
    return [cell.strip() for cell in line.split(separator)]


def cells_from_text(text: str) -> list[tuple[int, list[str]]]:
    return [(n, _split(line)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def cells_from_upload(upload: IO[bytes], filename: str) -> list[tuple[int, list[str]]]:
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ListError(_("Filen är större än 2 MB. En lista med organisationer är mindre."))
    if data[:4] == b"PK\x03\x04":
        return _cells_from_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    dialect = ";" if text.count(";") >= text.count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=dialect)
    return [(n, [c.strip() for c in row]) for n, row in enumerate(rows, 1) if any(row)]


def _cells_from_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ListError(_("Excel-filen packas upp till mer än en lista med organisationer."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ListError(_("Filen kunde inte läsas. Spara den som .xlsx eller .csv.")) from exc
    rows = []
    for n, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
        cells = ["" if v is None else str(v).strip() for v in values[:COLUMNS]]
        if any(cells):
            rows.append((n, cells))
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def _is_header(cells: list[str]) -> bool:
    return not re.search(r"\d", cells[0]) if cells else False


def _choice(text: str, choices: type[Organisation.Kind] | type[ProjectOrganisation.Role]) -> str:
    """A kind or role by its value or its label in either language, "" when unknown."""
    wanted = text.strip().lower()
    for value, label in choices.choices:
        if wanted in (value.lower(), str(label).lower()):
            return value
    return ""


ROLE_WORDS = {"arbetsgivare": ProjectOrganisation.Role.EMPLOYER, "partner": "partner"}


def check(project: Project, lines: list[tuple[int, list[str]]]) -> list[OrganisationRow]:
    """Every row of the list, normalised, with what is wrong with it; three queries in all."""
    if lines and _is_header(lines[0][1]):
        lines = lines[1:]
    if not lines:
        raise ListError(_("Listan är tom. Skriv en organisation per rad."))
    if len(lines) > MAX_ROWS:
        raise ListError(
            _("Listan har fler än %(limit)s rader. Dela upp den.") % {"limit": MAX_ROWS}
        )
    rows = [_row(number, cells) for number, cells in lines]
    numbers = {row.organisationsnummer for row in rows if row.number_valid}
    known: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(organisationsnummer__in=numbers):
        known.setdefault(organisation.organisationsnummer, []).append(organisation)
    taking_part = set(
        ProjectOrganisation.objects.filter(project=project).values_list(
            "organisation_id", flat=True
        )
    )
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.number_valid:
            continue  # its number is wrong, which says all there is to say about it
        units = known.get(row.organisationsnummer, [])
        match = [u for u in units if u.name.lower() == row.name.lower()] if row.name else units
        if not row.name and len(units) != 1:
            row.errors.append(_no_name(row.organisationsnummer, several=bool(units)))
        elif match and match[0].pk in taking_part:
            row.errors.append(_("%(name)s deltar redan i projektet.") % {"name": match[0].name})
        key = (row.organisationsnummer, (row.name or (units[0].name if units else "")).lower())
        if key in seen:
            row.errors.append(
                _("Samma organisation står redan på rad %(line)s.") % {"line": seen[key]}
            )
        seen.setdefault(key, row.line)
    return rows


def _no_name(number: str, *, several: bool) -> str:
    if several:
        return _(
            "Flera enheter har organisationsnumret %(number)s. Skriv namnet på den enhet som "
            "ska delta."
        ) % {"number": number}
    return _("Ingen organisation har numret %(number)s ännu. Skriv organisationens namn.") % {
        "number": number
    }


def _row(line: int, cells: list[str]) -> OrganisationRow:
    number, name, kind, role = (cells + [""] * COLUMNS)[:COLUMNS]
    row = OrganisationRow(line, number, name, Organisation.Kind.KOMMUN, "employer")
    try:
        row.organisationsnummer = normalize_organisationsnummer(number)
        row.number_valid = True
    except ValidationError as error:
        row.errors.extend(error.messages)
    if len(name) > 200:
        row.errors.append(_("Namnet är längre än 200 tecken."))
    if starts_like_formula(name):
        row.errors.append(_("Namnet börjar som en formel (= + - @). Skriv bara namnet."))
    if kind:
        row.kind = _choice(kind, Organisation.Kind)
        if not row.kind:
            row.errors.append(
                _("Okänd typ ”%(kind)s”. Skriv kommun, region, kommunalförbund eller annan.")
                % {"kind": kind}
            )
    if role:
        row.role = ROLE_WORDS.get(role.lower()) or _choice(role, ProjectOrganisation.Role)
        if row.role == ProjectOrganisation.Role.OWNER:
            row.errors.append(_("Projektägaren anges när projektet skapas, inte i en lista."))
        elif not row.role:
            row.errors.append(
                _("Okänd roll ”%(role)s”. Skriv samverkanspart eller deltagande arbetsgivare.")
                % {"role": role}
            )
    return row


def as_text(rows: list[OrganisationRow]) -> str:
    """The rows as the confirmation sends them back: one line each, semicolons between."""
    return "\n".join(
        ";".join((row.organisationsnummer, row.name, row.kind, row.role)) for row in rows
    )
