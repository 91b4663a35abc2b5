"""Swedish alphabetical order, for every list and report row ordered by a name or a label.

Byte (code point) order puts "Ändrad" before "Återvänd" and "Åre" after "Örebro"; Swedish
puts å, ä, ö last, in that order. PostgreSQL orders with ICU's Swedish collation; the
embedded SQLite database and the rows sorted in Python use `swedish_key` below, which
follows the same rules for what names and labels contain.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django.db.models import F
from django.db.models.functions import Collate

# The collation's name in PostgreSQL (ICU); digiproj.sqlite registers the same name.
SWEDISH = "sv-SE-x-icu"

# After z: å, ä, ö (æ and ø are the Danish/Norwegian ä and ö); ü is a y. Other accents
# (é, à, ç …) are the base letter, the accent deciding only between otherwise equal words.
_AA, _AE, _OE = "\U0010fff0", "\U0010fff1", "\U0010fff2"  # above every letter
_LETTERS = {"å": _AA, "ä": _AE, "æ": _AE, "ö": _OE, "ø": _OE, "ü": "y"}


@functools.lru_cache(maxsize=4096)
def swedish_key(text: str) -> tuple[str, str, str]:
    """A sort key giving Swedish order: letters first, then accents, then case (lower
    before upper, as ICU)."""
    folded = unicodedata.normalize("NFC", text).casefold()
    primary = []
    for ch in folded:
        if ch in _LETTERS:
            primary.append(_LETTERS[ch])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
            )
            primary.append(base)
    return "".join(primary), folded, text.swapcase()


def swedish_compare(a: str | None, b: str | None) -> int:
    """A comparison for sqlite3.Connection.create_collation."""
    ka, kb = swedish_key(a or ""), swedish_key(b or "")
    return (ka > kb) - (ka < kb)


def swedish(field: str | Any) -> Collate:
    """An order_by() expression: the field in Swedish order, in the database."""
    return Collate(F(field) if isinstance(field, str) else field, SWEDISH)
