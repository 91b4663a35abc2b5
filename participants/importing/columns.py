"""The columns of a participant file: Swedish headers, aliases, allowed values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from ..models import Participation

MAX_FILE_BYTES = 30 * 1024 * 1024
# An .xlsx is a zip: 1.7 MB can unpack to gigabytes of XML. These bounds are checked from the
# zip's directory before anything is parsed, and while the sheet is streamed (reading.py).
# A real 50,000-row file of the template's 13 columns unpacks to about 30 MB at a ratio of
# about 10.
MAX_UNPACKED_BYTES = 80 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # for parts larger than 1 MB; small parts may pack tighter
MAX_ARCHIVE_MEMBERS = 500
MAX_COLUMNS = 50
MAX_CELLS = 1_000_000  # every cell read, empty rows' cells too
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
