"""The embedded SQLite database, set up to behave as PostgreSQL does where it matters.

Concurrency (OPTIONS): SQLite's default DEFERRED transactions take the write lock only at
the first write, and a transaction that read first cannot wait for it: two simultaneous
submits answered "database is locked" (a 500). IMMEDIATE takes the write lock at BEGIN, so
writing requests queue (up to `timeout` seconds) and each runs its first-come check after
the other committed, much as PostgreSQL's row locks make them; WAL lets pages be read while
one request writes.

Case: LIKE matches case-insensitively beyond ASCII, as PostgreSQL's ILIKE does: SQLite's
own LIKE folds only A–Z, so searching "öberg" would not find "Öberg". And it orders in
Swedish, under the name PostgreSQL's ICU collation has (digiproj.collation)."""

from __future__ import annotations

import functools
import re
from typing import Any

from .collation import SWEDISH, swedish_compare

BUSY_TIMEOUT_SECONDS = 20

OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": BUSY_TIMEOUT_SECONDS,
    "init_command": (
        f"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}; "
        "PRAGMA synchronous=NORMAL"
    ),
}


@functools.lru_cache(maxsize=512)
def _pattern(like: str, escape: str | None) -> re.Pattern[str]:
    out, chars = [], iter(like)
    for ch in chars:
        if escape and ch == escape:
            out.append(re.escape(next(chars, "")))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL | re.IGNORECASE)


def unicode_like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _pattern(pattern.casefold(), escape).fullmatch(str(value).casefold()) is not None


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: replace SQLite's like() on every new connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, unicode_like, deterministic=True)
        connection.connection.create_function("like", 3, unicode_like, deterministic=True)
        connection.connection.create_collation(SWEDISH, swedish_compare)
