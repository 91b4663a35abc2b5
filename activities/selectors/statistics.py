"""Statistics for the reports: activities' sessions held, people enrolled and present and
counted minutes by gender, and the people and sessions behind each figure (the drill pages).
Every minute is counted time (activities.hours)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from activities import hours as counted_time
from activities.models import Activity, Enrolment, Session
from digiproj.collation import swedish, swedish_key
from digiproj.dates import local_midnight
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation


def _report_participations(
    access: ProjectAccess, organisation_id: int | None = None
) -> QuerySet[Participation]:
    """The participations a report's hours cover: the project's, within the user's scope (a
    contact: their organisation), optionally one organisation's. (Erased ones have no
    counted time: counted_rows leaves them out.)"""
    qs = Participation.objects.filter(project=access.project).filter(access.participation_q())
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def activity_statistics(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    organisation_id: int | None = None,
    genders: tuple[str, ...] = ("K", "M"),
    group_by_kind: bool = False,
) -> list[dict[str, Any]]:
    """Per activity (or per activity type): sessions held in [start, end] (Stockholm days),
    people enrolled, people present and counted minutes by gender (see activities.hours).
    People are counted within the user's scope (a contact: their organisation), each once
    per activity (or type).

    The counted rows are summed per (activity, person) first and then counted per gender,
    one statement, so no DISTINCT runs over millions of attendance rows."""
    lo, hi = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    key = "activity__kind" if group_by_kind else "activity_id"
    scope = access.participation_q("participation")
    if organisation_id:
        scope &= Q(participation__organisation_id=organisation_id)
    counted = counted_time.counted_month_rows(
        participations=_report_participations(access, organisation_id),
        start=start,
        end=end,
        project=access.project,
    )
    counted_sql, counted_params = counted_time.rows_sql(counted)
    columns = []
    for gender in (*genders, "total"):
        cond = "" if gender == "total" else f" FILTER (WHERE x.gender = '{gender}')"
        present_cond = (
            "FILTER (WHERE x.present = 1)"
            if gender == "total"
            else f"FILTER (WHERE x.present = 1 AND x.gender = '{gender}')"
        )
        columns.append(f'COUNT(*) {present_cond} AS "present_{gender}"')
        columns.append(f'COALESCE(SUM(x.m){cond}, 0) AS "minutes_{gender}"')
    # x: one row per (activity or type, person) with their minutes and whether they attended.
    k = "kind" if group_by_kind else "act"
    sql = (
        f"SELECT x.k AS k, {', '.join(columns)} FROM ("  # noqa: S608 – only our own SQL
        f"SELECT u.{k} AS k, u.pid, u.gender, SUM(u.m) AS m, MAX(u.att) AS present "
        f"FROM ({counted_sql}) u GROUP BY u.{k}, u.pid, u.gender) x GROUP BY x.k"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, counted_params)
        names = [c[0] for c in cursor.description]
        people = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}

    held = Count("sessions", filter=Q(sessions__starts_at__gte=lo, sessions__starts_at__lt=hi))
    qs = Activity.objects.filter(project=access.project)
    if group_by_kind:
        kinds = dict(Activity.Kind.choices)
        rows = sorted(
            qs.values("kind")
            .annotate(sessions_held=held, activities=Count("pk", distinct=True))
            .order_by(),
            key=lambda row: swedish_key(str(kinds.get(row["kind"], row["kind"]))),
        )
    else:
        rows = list(
            qs.values("pk", "title", "kind")
            .annotate(sessions_held=held)
            .order_by(swedish("title"), "pk")
        )
    enrolled = dict(
        Enrolment.objects.filter(
            session__activity__project=access.project,
            session__starts_at__gte=lo,
            session__starts_at__lt=hi,
            status=Enrolment.Status.ENROLLED,
            participation__erased_at__isnull=True,  # as in every count
        )
        .filter(scope)
        .values("session__" + key)
        .annotate(n=Count("participation", distinct=True))
        .values_list("session__" + key, "n")
    )
    for row in rows:
        ident = row["kind"] if group_by_kind else row["pk"]
        row["enrolled"] = enrolled.get(ident, 0)
        figures = people.get(ident, {})
        for gender in (*genders, "total"):
            row[f"present_{gender}"] = figures.get(f"present_{gender}") or 0
            row[f"minutes_{gender}"] = int(figures.get(f"minutes_{gender}") or 0)
    return rows


def minutes_by_gender(
    *, access: ProjectAccess, start: dt.date, end: dt.date, organisation_id: int | None = None
) -> dict[str, int]:
    """Counted minutes on days in [start, end] per reported gender, within the user's scope."""
    rows = counted_time.counted_month_rows(
        participations=_report_participations(access, organisation_id),
        start=start,
        end=end,
        project=access.project,
        by_activity=False,
    )
    return {gender: m for (gender,), m in counted_time.minutes_by(rows, "gender").items()}


def minutes_outside_participation(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> int:
    """Minutes in [start, end] on days outside the participations' start and end dates:
    recorded but not counted (the reports show them apart)."""
    rows = counted_time.counted_month_rows(
        participations=participations, start=start, end=end, outside=True, by_activity=False
    )
    return counted_time.minutes_by(rows).get((), 0)


def activity_people(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    activity_id: int | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
) -> dict[int, dict[str, int]]:
    """The people behind activity_statistics' figures for one activity (or type): per
    participation, counted minutes present at its sessions in [start, end], approved
    self-reported minutes, and whether they attended; the same rows as the figures."""
    rows = counted_time.counted_month_rows(
        participations=_report_participations(access, organisation_id),
        start=start,
        end=end,
        project=access.project,
        activity_id=activity_id,
        kind=kind,
    )
    people: dict[int, dict[str, int]] = defaultdict(lambda: {"present": 0, "own": 0})
    for (pid, att), minutes in counted_time.minutes_by(rows, "pid", "att", zero=True).items():
        if att:
            people[pid]["present"] = minutes
            people[pid]["attended"] = 1
        else:
            people[pid]["own"] = minutes
    return dict(people)


def minutes_by_participation(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Counted minutes per participation on days in [start, end]."""
    rows = counted_time.counted_month_rows(
        participations=participations, start=start, end=end, by_activity=False
    )
    return {pid: m for (pid,), m in counted_time.minutes_by(rows, "pid").items()}


def activity_sessions_held(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    activity_id: int | None = None,
    kind: str | None = None,
) -> QuerySet[Session]:
    """The sessions behind activity_statistics' "sessions held": starting in [start, end]."""
    qs = Session.objects.filter(
        activity__project=access.project,
        starts_at__gte=local_midnight(start),
        starts_at__lt=local_midnight(end + dt.timedelta(days=1)),
    ).select_related("activity")
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    if kind is not None:
        qs = qs.filter(activity__kind=kind)
    return qs.order_by("starts_at", "pk")


def activity_enrolled(
    *,
    access: ProjectAccess,
    start: dt.date,
    end: dt.date,
    activity_id: int | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
) -> set[int]:
    """The participations behind activity_statistics' "enrolled" figure."""
    sessions = activity_sessions_held(
        access=access, start=start, end=end, activity_id=activity_id, kind=kind
    )
    qs = Enrolment.objects.filter(
        session__in=sessions,
        status=Enrolment.Status.ENROLLED,
        participation__erased_at__isnull=True,
    ).filter(access.participation_q("participation"))
    if organisation_id:
        qs = qs.filter(participation__organisation_id=organisation_id)
    return set(qs.values_list("participation_id", flat=True))
