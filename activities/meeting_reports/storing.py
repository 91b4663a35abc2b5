"""A merged attendance as JSON and back, so that a preview can be confirmed in a later
request without the file: the file itself is never kept, only what was read from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .types import AttendedInterval, IntervalBasis, PersonAttendance, Role, RowRef


def people_to_json(people: Iterable[PersonAttendance]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "email": p.email,
            "identifiers": list(p.identifiers),
            "upns": list(p.upns),
            "role": p.role.value if p.role else None,
            "intervals": [
                {
                    "start": i.start.isoformat(),
                    "end": i.end.isoformat(),
                    "sources": [list(ref) for ref in i.sources],
                    "bases": sorted(b.value for b in i.bases),
                }
                for i in p.intervals
            ],
            "minutes": p.minutes,
            "reports": list(p.reports),
            "rows_outside": [list(ref) for ref in p.rows_outside],
        }
        for p in people
    ]


def people_from_json(data: Iterable[dict[str, Any]]) -> list[PersonAttendance]:
    return [
        PersonAttendance(
            name=p["name"],
            email=p["email"],
            identifiers=tuple(p["identifiers"]),
            upns=tuple(p["upns"]),
            role=Role(p["role"]) if p["role"] else None,
            intervals=tuple(
                AttendedInterval(
                    start=dt.datetime.fromisoformat(i["start"]),
                    end=dt.datetime.fromisoformat(i["end"]),
                    sources=tuple(RowRef(*ref) for ref in i["sources"]),
                    bases=frozenset(IntervalBasis(b) for b in i["bases"]),
                )
                for i in p["intervals"]
            ),
            minutes=p["minutes"],
            reports=tuple(p["reports"]),
            rows_outside=tuple(RowRef(*ref) for ref in p["rows_outside"]),
        )
        for p in data
    ]
