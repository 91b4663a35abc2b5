"""Which survey figures are shown: the one rule for pages, files, goals and drill-downs.

Primary suppression hides the figures of a group with fewer answers than the project's
threshold. Secondary suppression hides more, because group sizes are shown and a hidden
group's mean could otherwise be worked out by subtraction: all 10 = 4,4 and women 7 = 3,9
shown gives men 3 = (10 × 4,4 − 7 × 3,9) / 3 ≈ 5,6. So within a breakdown (the groups of one
dimension, for one area) the people behind hidden figures must together be none or at least
the threshold: while they are fewer, the smallest group still shown is hidden as well.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext as _

Group = TypeVar("Group", bound=Hashable)
Cell = TypeVar("Cell", bound=Hashable)

# The figures of a row that are blanked when it is hidden.
FIGURES = ("level", "baseline", "follow_up", "change")


def _by_area(row: dict[str, Any]) -> Hashable:
    return row.get("area")


def hidden_groups(
    sizes: Mapping[Group, int], *, total: int | None, threshold: int
) -> dict[Group, str]:
    """The groups of one breakdown that may not be shown, each with why: "too_few" (fewer
    answers than the threshold) or "protects" (shown, it would let a hidden group be worked
    out from `total`, the breakdown's total as shown; None when no total is shown).

    The smallest groups still shown are hidden until the people behind hidden figures are
    none or at least the threshold. A total itself under the threshold is not shown, so
    there is nothing to subtract from."""
    hidden = {key: "too_few" for key, n in sizes.items() if 0 < n < threshold}
    if total is None or total < threshold:
        return hidden
    # Smallest first; equal sizes in a fixed order, so a page and its file hide the same.
    shown = sorted(
        ((n, str(key), key) for key, n in sizes.items() if key not in hidden and n),
        key=lambda entry: entry[:2],
    )
    unseen = total - sum(entry[0] for entry in shown)
    while 0 < unseen < threshold and shown:
        n, _order, key = shown.pop(0)
        hidden[key] = "protects"
        unseen += n
    return hidden


def suppress(
    rows: list[dict[str, Any]],
    *,
    threshold: int,
    totals: Mapping[Any, int] | None = None,
    cell: Callable[[dict[str, Any]], Hashable] = _by_area,
) -> list[dict[str, Any]]:
    """Mark and blank the rows that may not be shown; returns the same rows.

    `rows` are figures with a group size `n`. With `totals` (respondents per cell, as shown
    for everyone), the rows of one cell (`cell(row)`, the area by default) are one
    breakdown adding up to that total, and hidden_groups decides; without, each row is
    judged alone (a table of totals). Every row gets `suppressed` (hidden) and `secondary`
    (hidden only to protect another group)."""
    cells: dict[Hashable, list[dict[str, Any]]] = {}
    for row in rows:
        cells.setdefault(cell(row), []).append(row)
    for key, members in cells.items():
        total = None if totals is None else totals.get(key)
        # Keyed by the group (then the position): ties are broken by group, as in any order.
        groups = [(str(row.get("grp")), index) for index, row in enumerate(members)]
        sizes = {group: row["n"] for group, row in zip(groups, members, strict=True)}
        why = hidden_groups(sizes, total=total, threshold=threshold)
        for group, row in zip(groups, members, strict=True):
            row["suppressed"] = group in why or row["n"] < threshold
            row["secondary"] = why.get(group) == "protects"
            if row["suppressed"]:
                for figure in FIGURES:
                    if figure in row:
                        row[figure] = None
    return rows


def totals_by_area(rows: list[dict[str, Any]]) -> dict[Hashable, int]:
    """Respondents per area from the rows of the overall figures."""
    return {row.get("area"): row["n"] for row in rows}


def remark(row: Any, threshold: int) -> str:
    """What a file writes beside a hidden figure (row: a dict or an object with the flags)."""
    flags = row if isinstance(row, dict) else vars(row)
    if not flags.get("suppressed"):
        return ""
    if flags.get("secondary"):
        return _("dold: skulle avslöja en grupp med färre än %(n)s svar") % {"n": threshold}
    return _("för få svar (under %(n)s)") % {"n": threshold}
