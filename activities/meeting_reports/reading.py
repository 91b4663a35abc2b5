"""From the uploaded bytes to numbered rows of text, and the column names we recognise.

Nothing here knows which report it is reading; formats.py decides that from the columns.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024  # a report of 1 000 people with 20 rejoins each is about 3 MB
MAX_ROWS = 100_000

_BOMS = (  # (BOM, codec, what ParsedReport.encoding says)
    (b"\xff\xfe", "utf-16-le", "utf-16"),  # what Teams writes: UTF-16 LE, tab-separated
    (b"\xfe\xff", "utf-16-be", "utf-16"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8"),
)


def _again() -> str:
    return _("Ladda ner rapporten igen och ladda upp hela filen utan att ändra den.")


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and its encoding: UTF-16 with a BOM, or UTF-8 with or without
    one. Anything else is refused rather than guessed (a report re-saved by Excel as
    Windows-1252 would turn å, ä and ö into other letters without a word)."""
    if not data.strip(b" \t\r\n\x00\xff\xfe\xef\xbb\xbf"):
        raise ValidationError(
            _(
                "Filen är tom. Ladda ner närvarorapporten från Teams eller Zoom igen och "
                "ladda upp den."
            ),
            code="empty",
        )
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _(
                "Filen är större än %(limit)s MB, vilket ingen närvarorapport är. "
                "Kontrollera att du har valt rätt fil."
            ),
            params={"limit": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    bom, encoding, label = next(
        (known for known in _BOMS if data.startswith(known[0])), (b"", "utf-8", "utf-8")
    )
    body = data[len(bom) :]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.reason in ("truncated data", "unexpected end of data"):
            raise ValidationError(
                _("Filen slutar mitt i ett tecken och verkar vara avklippt.") + " " + _again(),
                code="truncated",
            ) from None
        raise _encoding_error() from None
    if "\x00" in text:  # UTF-16 without its BOM, or not a text file at all
        raise _encoding_error()
    return text, label


def _encoding_error() -> ValidationError:
    return ValidationError(
        _(
            "Filen är inte sparad som UTF-8 eller UTF-16, som Teams och Zoom sparar sina "
            "rapporter, eller så är den inte en textfil. Ladda ner rapporten igen och ladda "
            "upp den som den är. Har du öppnat den i Excel: spara den som ”CSV UTF-8 "
            "(kommaavgränsad)”."
        ),
        code="encoding",
    )


@dataclass(frozen=True)
class Row:
    """A row of the file: its number (as a spreadsheet shows it) and its cells, trimmed.
    `width` counts the cells up to the last non-empty one."""

    number: int
    cells: tuple[str, ...]

    @property
    def width(self) -> int:
        width = len(self.cells)
        while width and not self.cells[width - 1]:
            width -= 1
        return width

    @property
    def blank(self) -> bool:
        return self.width == 0

    def get(self, index: int | None) -> str:
        return self.cells[index] if index is not None and index < len(self.cells) else ""


DELIMITERS = ("\t", ",", ";")  # tab: Teams; comma: Zoom, Teams' UTF-8 files; ";": Excel (sv)


def detect_delimiter(text: str, *, is_header: Callable[[list[str]], bool]) -> str | None:
    """The delimiter under which some line of the file is a header we know (`is_header`),
    or None. Headers are plain words, so a line is split without minding quotes."""
    lines = text.splitlines()[:2000]
    for delimiter in DELIMITERS:
        for line in lines:
            if delimiter in line and is_header(
                [cell.strip().strip('"').strip() for cell in line.split(delimiter)]
            ):
                return delimiter
    return None


def likely_delimiter(text: str) -> str:
    """The delimiter of a file whose headers were not recognised, only to point at the
    section that lacks its header in an error message."""
    return next((d for d in DELIMITERS if d in text), ",")


def read_rows(text: str, *, delimiter: str) -> list[Row]:
    """Every row of the file, blank ones included, numbered from 1. Quotes are read
    strictly: a quoted value that never closes means the file was cut off."""
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _(
                        "Filen har fler än %(limit)s rader, vilket ingen närvarorapport har. "
                        "Kontrollera att du har valt rätt fil."
                    ),
                    params={"limit": f"{MAX_ROWS:,}".replace(",", " ")},
                    code="too_large",
                )
            rows.append(Row(len(rows) + 1, tuple(cell.strip() for cell in cells)))
    except csv.Error as exc:
        params = {"row": len(rows) + 1}
        if "end of data" in str(exc) or "EOF" in str(exc):
            raise ValidationError(
                _(
                    "Filen slutar mitt i ett värde inom citattecken på rad %(row)s och verkar "
                    "vara avklippt."
                )
                + " "
                + _again(),
                params=params,
                code="truncated",
            ) from None
        raise ValidationError(
            _(
                'Rad %(row)s kan inte läsas: ett citattecken (") står där det inte hör '
                "hemma, eller ett värde är för långt."
            )
            + " "
            + _again(),
            params=params,
            code="format",
        ) from None
    return rows


def header_key(text: str) -> str:
    """A column name or heading reduced to what tells it apart: letters and digits only,
    case-folded ("Participant ID (UPN)" → "participantidupn", "E-post" → "epost")."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


class Col(enum.Enum):
    NAME = "name"
    EMAIL = "email"
    UPN = "upn"
    ROLE = "role"
    JOIN = "join"
    LEAVE = "leave"
    FIRST_JOIN = "first_join"
    LAST_LEAVE = "last_leave"
    DURATION = "duration"
    DURATION_MINUTES = "duration_minutes"
    ACTION = "action"
    TIMESTAMP = "timestamp"
    UTC_TIMESTAMP = "utc_timestamp"
    SESSION_ID = "session_id"
    GUEST = "guest"


# Column names in English and Swedish (Teams and Zoom), as header_key leaves them. Where
# the exact Swedish wording of a service is not known, the likely wordings are all listed.
_COLUMN_NAMES: dict[Col, tuple[str, ...]] = {
    Col.NAME: (
        "name",
        "fullname",
        "nameoriginalname",
        "username",
        "displayname",
        "namn",
        "fullständigtnamn",
        "visningsnamn",
        "namnursprungligtnamn",
        "namnoriginalnamn",
        "användarnamn",
    ),
    Col.EMAIL: ("email", "emailaddress", "useremail", "epost", "epostadress", "användarensepost"),
    Col.UPN: ("participantidupn", "participantid", "upn", "deltagaridupn", "deltagarid"),
    Col.ROLE: ("role", "roll"),
    Col.JOIN: (
        "jointime",
        "join",
        "anslutningstid",
        "tidföranslutning",
        "anslöt",
        "anslutning",
        "anslutningstidpunkt",
    ),
    Col.LEAVE: (
        "leavetime",
        "leave",
        "frånkopplingstid",
        "tidförfrånkoppling",
        "frånkoppling",
        "lämnade",
        "tidförattlämna",
        "lämnadetid",
    ),
    Col.FIRST_JOIN: (
        "firstjoin",
        "firstjointime",
        "förstaanslutning",
        "förstaanslutningen",
        "förstaanslutningstid",
    ),
    Col.LAST_LEAVE: (
        "lastleave",
        "lastleavetime",
        "senastefrånkoppling",
        "senastefrånkopplingen",
        "sistafrånkoppling",
        "senastlämnade",
    ),
    Col.DURATION: (
        "duration",
        "inmeetingduration",
        "varaktighet",
        "varaktighetimötet",
        "tidimötet",
        "längd",
    ),
    Col.DURATION_MINUTES: (
        "durationminutes",
        "totaldurationminutes",
        "varaktighetminuter",
        "totalvaraktighetminuter",
    ),
    Col.ACTION: ("useraction", "action", "användaråtgärd", "åtgärd", "händelse"),
    Col.TIMESTAMP: ("timestamp", "tidsstämpel", "tidpunkt"),
    Col.UTC_TIMESTAMP: ("utceventtimestamp", "utctimestamp", "eventtimestamputc"),
    Col.SESSION_ID: ("sessionid", "sessionsid"),
    Col.GUEST: ("guest", "gäst"),
}
_COLUMN_OF = {key: col for col, keys in _COLUMN_NAMES.items() for key in keys}


def map_columns(cells: list[str] | tuple[str, ...]) -> dict[Col, int]:
    """The columns we know in a header row, by their first position."""
    columns: dict[Col, int] = {}
    for index, cell in enumerate(cells):
        col = _COLUMN_OF.get(header_key(cell))
        if col is not None and col not in columns:
            columns[col] = index
    return columns


_NUMBERED_HEADING = re.compile(r"(\d{1,2})\.\s*(\S.*)")


def numbered_heading(row: Row) -> tuple[int, str] | None:
    """(number, title) of a Teams section heading such as "2. Participants": a row with one
    cell only, starting with a number and a dot."""
    if row.width != 1:
        return None
    match = _NUMBERED_HEADING.fullmatch(row.cells[0])
    return (int(match[1]), match[2]) if match else None
