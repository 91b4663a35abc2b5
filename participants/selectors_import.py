"""Reads for the import preview: what a checked upload will do, in the reader's words."""

from __future__ import annotations

from typing import Any

from digiproj.projects.models import Organisation

from . import importing
from .models import ParticipantImport, Participation

MAX_SHOWN = 200

_CHOICES: dict[str, dict[str, Any]] = {
    "role_group": dict(Participation.RoleGroup.choices),
    "isced": dict(Participation.Isced.choices),
    "employment_status": dict(Participation.EmploymentStatus.choices),
}


def _headers() -> dict[str, str]:
    return {c.field: str(c.header) for c in importing.COLUMNS}


def import_plan_shown(upload: ParticipantImport) -> dict[str, Any]:
    """The upload's plan (importing.plan) with fields named by their headers and values as
    the reader knows them (organisation names, choice labels, "–" for nothing)."""
    changes = upload.changes or {}
    updates = changes.get("updates", [])
    org_ids = {
        value
        for update in updates[:MAX_SHOWN]
        for name, old, new in update["changes"]
        if name == "organisation_id"
        for value in (old, new)
        if value
    }
    names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    headers = _headers()

    def shown(name: str, value: Any) -> str:
        if value in (None, ""):
            return "–"
        if name == "organisation_id":
            return names.get(int(value), str(value))
        return str(_CHOICES.get(name, {}).get(value, value))

    missing = changes.get("missing", [])
    return {
        "new": changes.get("new", 0),
        "updated": len(updates),
        "unchanged": changes.get("unchanged", 0),
        "valid": changes.get("new", 0) + len(updates) + changes.get("unchanged", 0),
        "replanned": changes.get("replanned", False),
        "updates": [
            {
                **update,
                "changes": [
                    {"field": headers.get(n, n), "old": shown(n, o), "new": shown(n, v)}
                    for n, o, v in update["changes"]
                ],
            }
            for update in updates[:MAX_SHOWN]
        ],
        "missing": missing[:MAX_SHOWN],
        "missing_count": len(missing),
        "blanks": changes.get("blanks", {}),
    }


def import_blanks_shown(upload: ParticipantImport, chosen: dict[str, str]) -> list[dict]:
    """How many rows get a value they leave empty, and which: a value chosen for the file
    (`chosen`: column key -> as shown), or a choice column's Okänd."""
    counts = (upload.changes or {}).get("blanks", {})
    shown = []
    for column in importing.COLUMNS:
        rows = counts.get(column.key, 0)
        if not rows:
            continue
        if column.key in chosen:
            value = chosen[column.key]
        elif column.choices is not None:
            value = str(dict(column.choices.choices).get(column.empty, column.empty))
        else:
            continue
        shown.append(
            {"key": column.key, "column": str(column.header), "value": value, "rows": rows}
        )
    return shown


def import_unknown_employers(upload: ParticipantImport) -> list[str]:
    """The employer names the file uses that match none of the project's organisations, and
    numbers that several of its units share: the preview offers to say which organisation
    each one means."""
    found: dict[str, None] = {}
    for error in upload.errors:
        if error.get("template") in (importing.UNKNOWN_EMPLOYER, importing.AMBIGUOUS_EMPLOYER):
            found.setdefault((error.get("params") or {}).get("value", ""), None)
    return [name for name in found if name][:50]


def import_rejected_rows_file(upload: ParticipantImport) -> bytes:
    """The rows with problems, as a workbook with an error column (importing.rejected)."""
    return importing.rejected_rows_workbook(upload.headers, upload.rows, upload.errors)
