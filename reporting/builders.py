"""Pure shaping: aggregated rows in, tables out. No ORM, no settings (the only I/O: the
checksum's temporary file for a `later` table)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text | int | decimal | date
    width: int = 14


@dataclass
class Table:
    """A sheet: its `rows` held in a list, or its `lines` read once, as the file is written
    (so a million-row table never sits in memory; `expected_rows` then tells progress).
    Writers read either through read().

    `later`: the rows are known only once the tables after this one have been read (a
    summary of what they streamed); the writers keep the file's order (this table where
    it stands) and the checksum's, and call it when everything else has been read."""

    title: str  # sheet name: 31 characters at most
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    lines: Iterator[list[Any]] | None = None
    expected_rows: int | None = None
    later: Callable[[], list[list[Any]]] | None = None

    def __post_init__(self) -> None:
        self.title = self.title[:31]

    def read(self) -> Iterable[list[Any]]:
        """Every row, once: the streamed lines if the table has them, else its rows (a
        `later` table's, called now)."""
        if self.later is not None:
            return self.later()
        return self.lines if self.lines is not None else self.rows

    @property
    def size_hint(self) -> int:
        if self.expected_rows is not None:
            return self.expected_rows
        return len(self.rows) if isinstance(self.rows, list) else 0


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


_ROW_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode


class ContentDigest:
    """SHA-256 over the tables' titles, headers and values, fed while the file is written:
    the same data give the same checksum, whatever the file format.

    `hold()` sets what is fed from then on aside (in a temporary file) and `release(feed)`
    hashes what `feed` feeds first, then what was set aside: so a `later` table counts
    where it stands although its rows are read after the tables that follow it."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._held: list[IO[bytes]] = []
        self.rows = 0

    def _update(self, data: bytes) -> None:
        if self._held:
            self._held[-1].write(data)
        else:
            self._hash.update(data)

    def table(self, table: Table) -> None:
        header = [table.title, [c.title for c in table.columns]]
        self._update(json.dumps(header, ensure_ascii=False).encode())

    def row(self, row: Sequence[Any]) -> None:
        # json.dumps([_plain(v) for v in row], ensure_ascii=False), by one encoder made once
        # (dates and decimals as str(): what _plain gives).
        self._update(_ROW_JSON(row).encode())
        self.rows += 1

    def hold(self) -> None:
        self._held.append(tempfile.TemporaryFile())  # noqa: SIM115 – closed by release()

    def release(self, feeds: Sequence[Callable[[], None]]) -> None:
        """Feed each of `feeds` (one per hold(), in order), each followed by what was set
        aside after its hold()."""
        held, self._held = self._held, []
        for feed, spool in zip(feeds, held, strict=True):
            feed()
            spool.seek(0)
            while chunk := spool.read(1 << 20):
                self._hash.update(chunk)
            spool.close()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def indicator_table(
    *,
    title: str,
    dimension_title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    columns: Sequence[tuple[str, str]],
    measure_labels: Mapping[str, str],
    gender_labels: Mapping[str, str],
) -> Table:
    """One row per dimension value (its label, its counts), one column per (measure, gender)."""
    return Table(
        title=title,
        columns=[Column(dimension_title, "text", 34)]
        + [
            Column(f"{measure_labels[m]} {gender_labels[g]}".lower().capitalize(), "int", 12)
            for m, g in columns
        ],
        rows=[[label, *counts] for label, counts in rows],
    )


def content_checksum(tables: Iterable[Table]) -> str:
    """The checksum of list-backed tables (what writing them would give)."""
    digest = ContentDigest()
    for table in tables:
        digest.table(table)
        for row in table.read():
            digest.row(row)
    return digest.hexdigest()


def about_table(
    *,
    title: str,
    parameters: Sequence[tuple[str, str]],
    definitions: Sequence[str],
    checksum_label: str,
    checksum: str,
    parameter_title: str,
    value_title: str,
) -> Table:
    """The "Om rapporten" sheet: parameters, definitions of each figure and the checksum."""
    table = Table(
        title=title, columns=[Column(parameter_title, "text", 34), Column(value_title, "text", 100)]
    )
    table.rows.extend([label, value] for label, value in parameters)
    table.rows.append([checksum_label, checksum])
    table.rows.append(["", ""])
    table.rows.extend(["", text] for text in definitions)
    return table
