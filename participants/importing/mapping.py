"""Which of a file's columns is which field: the file's own headers mapped to the import's
columns (COLUMNS), by what the project remembered (ImportHeaderMapping) or else by the
headers' known Swedish and English names; the rest is not imported, and listed."""

from __future__ import annotations

from typing import Any

from ..import_models import header_key
from .columns import COLUMNS

# A header -> column mapping in header_key form; "" is a header whose cells are not imported.
Mapping = dict[str, str]

IGNORED = ""


def _known_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for column in COLUMNS:
        names[header_key(str(column.header))] = column.key
        names[header_key(column.key)] = column.key
        for alias in column.aliases:
            names[header_key(alias)] = column.key
    return names


def column_positions(headers: list[str], mapping: Mapping | None = None) -> dict[str, int]:
    """Each column's place in the header row (0-based): by `mapping` where it names the
    header, by the header's known names otherwise; the first of two same columns counts."""
    mapping = mapping or {}
    names = _known_names()
    keys = {c.key for c in COLUMNS}
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = header_key(header)
        column = mapping[key] if key in mapping else names.get(key)
        if column in keys and column not in positions:
            positions[column] = position
    return positions


def suggest_mapping(headers: list[str], remembered: Mapping) -> Mapping:
    """What each of the file's headers is taken to be before anyone chooses: what this
    project chose for the header before, else what its name says, else not imported."""
    names = _known_names()
    keys = {c.key for c in COLUMNS}
    suggested: Mapping = {}
    taken: set[str] = set()
    for header in headers:
        key = header_key(header)
        if not key or key in suggested:
            continue
        column = remembered.get(key, names.get(key, IGNORED))
        if column not in keys or column in taken:
            column = IGNORED
        suggested[key] = column
        taken.add(column)
    return suggested


def unrecognised_headers(headers: list[str], mapping: Mapping | None = None) -> list[str]:
    """The file's headers no column takes: their cells are not imported, and the preview
    lists them so nothing is dropped unseen."""
    used = set(column_positions(headers, mapping).values())
    return [h for i, h in enumerate(headers) if str(h).strip() and i not in used]


def blank_counts(
    headers: list[str],
    rows: list[list[Any]],
    chosen: dict[str, str] | None = None,
    mapping: Mapping | None = None,
) -> list[dict[str, Any]]:
    """For each column whose empty cells get a value (one chosen for the file in `chosen`,
    column key -> the value as shown, or a choice column's Okänd), how many rows leave it
    empty and what they get, so the preview says it before anything is saved."""
    chosen = chosen or {}
    positions = column_positions(headers, mapping)
    counts = []
    for column in COLUMNS:
        if column.key in chosen:
            value = chosen[column.key]
        elif column.choices is not None:
            value = str(dict(column.choices.choices).get(column.empty, column.empty))
        else:
            continue
        position = positions.get(column.key)
        empty = sum(
            1
            for raw in rows
            if position is None or position + 1 >= len(raw) or not str(raw[position + 1]).strip()
        )
        if empty:
            counts.append(
                {"key": column.key, "column": str(column.header), "value": value, "rows": empty}
            )
    return counts
