"""Area levels and their group figures: the stored per-response levels (`area_levels`),
their means per area overall and per breakdown (`area_averages_by`) and the paired change
between two rounds (`paired_change_by`), each breakdown set one statement. Read through
surveys.selectors, which re-exports them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from participants.selectors import reported_gender_of_person

from ..models import AreaLevel, Response


def response_gender(response: str = "response", project: Project | None = None) -> Coalesce:
    """The gender a survey figure groups a response by: the respondent's gender for the
    project as recorded when the report is made (participants.selectors.reported_gender),
    the same as every count and hour uses, so a corrected gender moves the person in all
    figures alike, as an audit of the register expects. Only an anonymous response has no
    person to read: it keeps the snapshot taken (by the same rule) when it was submitted.
    `response` is the path to the Response ("" on Response itself); `project` the project
    reported, if known (else read through the response's round)."""
    prefix = f"{response}__" if response else ""
    return Coalesce(
        reported_gender_of_person(project or f"{prefix}round__survey__project", f"{prefix}person"),
        NullIf(F(f"{prefix}gender"), Value("")),
        Value(""),
    )


def _submitted(
    access: ProjectAccess, organisation_id: int | None = None, path: str = "response"
) -> Q:
    """Submitted responses (reached through `path`) of the access's project, in its scope."""
    prefix = f"{path}__" if path else ""
    q = Q(
        **{
            f"{prefix}status": Response.Status.SUBMITTED,
            f"{prefix}round__survey__project": access.project,
        }
    )
    q &= access.response_q(path)
    if organisation_id is not None:
        q &= Q(**{f"{prefix}organisation_id": organisation_id})
    return q


def area_levels(
    *, access: ProjectAccess, round_ids: list[int], organisation_id: int | None = None
) -> QuerySet:
    """One row per (submitted response, area): that person's level in the area (see module
    doc), with the response's person and group snapshot and its survey's DigComp version.
    Columns: person, gender, org, role_group, area, level, version."""
    qs = AreaLevel.objects.filter(
        _submitted(access, organisation_id), response__round_id__in=round_ids
    )
    return qs.values(
        "area",
        "level",
        person=F("response__person_id"),
        gender=response_gender(),
        org=F("response__organisation_id"),
        role_group=F("response__role_group"),
        version=F("response__round__survey__digcomp_version"),
    ).order_by()


def area_averages(
    *,
    access: ProjectAccess,
    round_id: int,
    group_by: str | None = None,
    organisation_id: int | None = None,
) -> list[dict[str, Any]]:
    """Mean area level over respondents, overall or per group, with the group size n.
    One query over the stored per-response levels."""
    return area_averages_by(
        access=access, round_id=round_id, group_bys=[group_by], organisation_id=organisation_id
    )[group_by]


# The breakdowns of the results pages and the columns of area_levels they group by.
_BREAKDOWN_COLUMN = {"gender": "gender", "organisation": "org", "role_group": "role_group"}
# Their SQL types: PostgreSQL types a UNION's NULL column by the first branch that has one.
_COLUMN_TYPE = {"gender": "text", "org": "bigint", "role_group": "text"}


def _by_breakdown(
    sql: str, group_bys: Sequence[str | None], figures: str
) -> tuple[str, dict[str | None, int]]:
    """One statement that groups the rows of `sql` (alias p; columns area, gender, org,
    role_group) by area within each breakdown: a UNION ALL of one GROUP BY per breakdown
    over the rows read once (a CTE), the breakdown's index first and its group in the
    column of its own (the groups' types differ)."""
    for key in group_bys:
        if key is not None and key not in _BREAKDOWN_COLUMN:
            raise ValueError(key)
    index = {key: i for i, key in enumerate(group_bys)}
    selects = []
    for key, i in index.items():
        groups = ", ".join(
            f"p.{c}" if c == _BREAKDOWN_COLUMN.get(key or "") else f"CAST(NULL AS {kind}) AS {c}"
            for c, kind in _COLUMN_TYPE.items()
        )
        group = f"p.{_BREAKDOWN_COLUMN[key]}, " if key else ""
        selects.append(
            f"SELECT {i} AS k, {groups}, p.area AS area, {figures} "  # noqa: S608
            f"FROM p GROUP BY {group}p.area"
        )
    return f"WITH p AS MATERIALIZED ({sql}) {' UNION ALL '.join(selects)}", index


def _split(rows: list[dict[str, Any]], index: dict[str | None, int]) -> dict[str | None, list]:
    """The rows of _by_breakdown per breakdown, each with its group as `grp`, ordered."""
    split: dict[str | None, list[dict[str, Any]]] = {key: [] for key in index}
    keys = {i: key for key, i in index.items()}
    for row in rows:
        key = keys[row.pop("k")]
        groups = {c: row.pop(c) for c in _BREAKDOWN_COLUMN.values()}
        row["grp"] = groups[_BREAKDOWN_COLUMN[key]] if key else None
        split[key].append(row)
    for key in split:
        # The group's own order (numbers as numbers), no group last, as ORDER BY on PostgreSQL.
        split[key].sort(
            key=lambda r: (r["grp"] is None, "" if r["grp"] is None else r["grp"], r["area"])
        )
    return split


def area_averages_by(
    *,
    access: ProjectAccess,
    round_id: int,
    group_bys: Sequence[str | None],
    organisation_id: int | None = None,
) -> dict[str | None, list[dict[str, Any]]]:
    """area_averages for each breakdown (None: overall), in one statement."""
    try:
        sql, params = area_levels(
            access=access, round_ids=[round_id], organisation_id=organisation_id
        ).query.sql_with_params()
    except EmptyResultSet:  # a role that sees no responses
        return {key: [] for key in group_bys}
    query, index = _by_breakdown(sql, group_bys, "AVG(p.level) AS level, COUNT(*) AS n")
    return _split(_run(query, list(params)), index)


def _run(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for key in ("level", "baseline", "follow_up", "change"):
            if row.get(key) is not None:
                row[key] = float(row[key])
    return rows


def paired_change(
    *,
    access: ProjectAccess,
    baseline_id: int,
    follow_up_id: int,
    group_by: str | None = None,
    organisation_id: int | None = None,
) -> list[dict[str, Any]]:
    """Per area (and group): follow-up level minus baseline level, averaged over the people
    who have a level in that area in both rounds; n is the number of such people. Groups
    follow the follow-up response's snapshot. Anonymous rounds have no person to pair, and
    rounds of different DigComp versions have nothing to pair (no rows). One query: the two
    rounds' level rows joined on person, area and version."""
    return paired_change_by(
        access=access,
        baseline_id=baseline_id,
        follow_up_id=follow_up_id,
        group_bys=[group_by],
        organisation_id=organisation_id,
    )[group_by]


def paired_change_by(
    *,
    access: ProjectAccess,
    baseline_id: int,
    follow_up_id: int,
    group_bys: Sequence[str | None],
    organisation_id: int | None = None,
) -> dict[str | None, list[dict[str, Any]]]:
    """paired_change for each breakdown (None: overall), the pairs made once, one query."""
    try:
        base_sql, base_params = area_levels(
            access=access, round_ids=[baseline_id], organisation_id=organisation_id
        ).query.sql_with_params()
        follow_sql, follow_params = area_levels(
            access=access, round_ids=[follow_up_id], organisation_id=organisation_id
        ).query.sql_with_params()
    except EmptyResultSet:  # a role that sees no responses
        return {key: [] for key in group_bys}
    pairs = (
        "SELECT f.area AS area, f.gender AS gender, f.org AS org, "  # noqa: S608
        "f.role_group AS role_group, b.level AS baseline, f.level AS level "
        f"FROM ({follow_sql}) f JOIN ({base_sql}) b ON b.person = f.person AND b.area = f.area "
        "AND b.version = f.version WHERE f.person IS NOT NULL"
    )
    query, index = _by_breakdown(
        pairs,
        group_bys,
        "AVG(p.baseline) AS baseline, AVG(p.level) AS follow_up, "
        "AVG(p.level - p.baseline) AS change, COUNT(*) AS n",
    )
    return _split(_run(query, [*follow_params, *base_params]), index)
