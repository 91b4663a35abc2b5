"""What an import will do to the project, worked out from its checked rows before anything
is written: who is new, what changes for people already in the project (old -> new), and
who in the project the file leaves out. A monthly HR file is the whole staff again, so a
person already in the project is updated, never refused.

What a row leaves empty never overwrites what the project holds: an empty cell keeps the
stored value, and a value chosen for the file's empty cells (the preview's defaults) only
fills a value the project does not know yet. The start date is never moved (a person who
comes back keeps the first start), and a consent already recorded stays."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from digiproj.projects.models import Organisation, Project

from .. import personnummer as pnr
from ..models import Participation
from .columns import COLUMNS

# The fields an HR file may change for a person already in the project, in the template's
# order. Not the start date (the first start stays) and not the personnummer (the key).
UPDATED_FIELDS = (
    "first_name",
    "last_name",
    "organisation_id",
    "email",
    "phone",
    "workplace",
    "role_group",
    "isced",
    "employment_status",
    "annual_salary_cost",
    "manager_name",
    "manager_email",
)
_KEY_OF_FIELD = {c.field: c.key for c in COLUMNS}
_NOT_KNOWN = ("", None, Participation.RoleGroup.UNKNOWN, Participation.Isced.UNKNOWN)
_CHUNK = 5000


@dataclass
class Update:
    participation_id: int
    record: dict[str, Any]
    changes: list[tuple[str, Any, Any]]  # (field, old, new), stored values


@dataclass
class Plan:
    new: list[dict[str, Any]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)
    blanks: dict[str, int] = field(default_factory=dict)  # column key -> rows filled

    def fingerprint(self) -> str:
        """The writes the plan stands for, so that a confirm can tell whether the project
        changed since the preview was shown (then the preview is shown again)."""
        shape = [
            sorted(r["personnummer"] for r in self.new),
            sorted([u.participation_id, [list(c) for c in u.changes]] for u in self.updates),
            sorted(m["id"] for m in self.missing),
        ]
        return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        """The plan as the preview shows it (personnummer masked), kept on the upload."""
        return {
            "new": len(self.new),
            "updates": [
                {
                    "row": u.record["row"],
                    "id": u.participation_id,
                    "name": f"{u.record['first_name']} {u.record['last_name']}",
                    "personnummer": pnr.mask(u.record["personnummer"]),
                    "changes": [[f, _shown(old), _shown(new)] for f, old, new in u.changes],
                }
                for u in self.updates
            ],
            "unchanged": self.unchanged,
            "missing": self.missing,
            "blanks": self.blanks,
            "fingerprint": self.fingerprint(),
        }


def _shown(value: Any) -> Any:
    return None if value is None else str(value)


def _stored(field_name: str, value: Any) -> Any:
    """A participation's value as a checked record holds it, so the two compare."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _changes(
    record: dict[str, Any], existing: dict[str, Any], typed: set[str], defaulted: set[str]
) -> list[tuple[str, Any, Any]]:
    changes = []
    for name in UPDATED_FIELDS:
        key = _KEY_OF_FIELD[name]
        old, new = _stored(name, existing[name]), record.get(name)
        # A typed cell says what is true now; a value chosen for the file's empty cells
        # only fills what the project does not know.
        applies = key in typed or (key in defaulted and old in _NOT_KNOWN and new not in _NOT_KNOWN)
        if applies and new != old:
            changes.append((name, old, new))
    if "consent_date" in typed and existing["consent_given_at"] is None:
        changes.append(("consent_date", None, record["consent_date"]))
    return changes


def plan_rows(
    *,
    project: Project,
    organisation: Organisation | None,
    records: list[dict[str, Any]],
    typed_in: dict[int, set[str]],
    seen: set[str],
    defaulted: set[str],
) -> tuple[Plan, list[tuple[dict[str, Any], str, dict[str, str]]]]:
    """The plan for the checked `records` (`typed_in`: row -> the column keys the row
    itself filled in), and the records refused: a contact's row for a person the project has at
    another employer. `seen`: every personnummer the file names, valid rows or not (a
    person on a row with a problem is not missing from the file). One query per chunk."""
    numbers = [r["personnummer"] for r in records]
    existing: dict[str, dict[str, Any]] = {}
    for start in range(0, len(numbers), _CHUNK):
        for row in Participation.objects.filter(
            project=project, person__personnummer__in=numbers[start : start + _CHUNK]
        ).values("pk", "person__personnummer", "consent_given_at", *UPDATED_FIELDS):
            existing[row["person__personnummer"]] = row
    plan, refused = Plan(), []
    for record in records:
        typed = typed_in[record["row"]]
        held = existing.get(record["personnummer"])
        if held is None:
            plan.new.append(record)
            _count_blanks(plan, typed, defaulted, record)
        elif organisation is not None and held["organisation_id"] != organisation.pk:
            refused.append(
                (
                    record,
                    gettext_noop(
                        "%(pnr)s är deltagare i projektet hos en annan arbetsgivare. Ta bort "
                        "raden, eller be samordnaren ändra uppgifterna."
                    ),
                    {"pnr": pnr.mask(record["personnummer"])},
                )
            )
        else:
            changes = _changes(record, held, typed, defaulted)
            if changes:
                plan.updates.append(Update(held["pk"], record, changes))
                for name, _old, _new in changes:
                    if _KEY_OF_FIELD.get(name) in defaulted - typed:
                        key = _KEY_OF_FIELD[name]
                        plan.blanks[key] = plan.blanks.get(key, 0) + 1
            else:
                plan.unchanged += 1
    plan.missing = _missing(project, organisation, seen)
    return plan, refused


def _count_blanks(plan: Plan, typed: set[str], defaulted: set[str], record: dict) -> None:
    """A new person's empty cells: a chosen value, or a choice column's Okänd."""
    for column in COLUMNS:
        if column.key in typed:
            continue
        if column.key in defaulted or column.choices is not None:
            plan.blanks[column.key] = plan.blanks.get(column.key, 0) + 1


def _missing(project: Project, organisation: Organisation | None, seen: set[str]) -> list[dict]:
    """The project's active participants (a contact's: their employer's) the file leaves
    out: offered to be ended, never ended without asking."""
    active = Participation.objects.filter(
        project=project, end_date__isnull=True, erased_at__isnull=True
    )
    if organisation is not None:
        active = active.filter(organisation=organisation)
    return [
        {
            "id": row["pk"],
            "name": f"{row['first_name']} {row['last_name']}".strip(),
            "personnummer": pnr.mask(row["person__personnummer"]),
            "start_date": row["start_date"].isoformat(),
        }
        for row in active.values(
            "pk", "first_name", "last_name", "person__personnummer", "start_date"
        ).order_by("last_name", "first_name", "pk")
        if row["person__personnummer"] not in seen
    ]
