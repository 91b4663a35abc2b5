"""Counted time summed for the hours pages and the reports: per participation, activity, day
and month. What counts (and what does not) is one rule in activities.hours; this module only
groups it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Q, QuerySet

from activities import hours as counted_time
from activities.models import Activity
from digiproj.dates import month_end
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation
from participants.selectors import participation_list


def hours_by_day(
    *, participations: QuerySet[Participation] | list[int], start: dt.date, end: dt.date
) -> dict[tuple[int, int, dt.date], int]:
    """Counted minutes per (participation, activity, date) on days in [start, end]."""
    rows = counted_time.counted_rows(participations=participations, start=start, end=end)
    return counted_time.minutes_by(rows, "pid", "act", "day")


def hours_by_month(
    *,
    participations: QuerySet[Participation] | list[int],
    start: dt.date | None,
    end: dt.date | None,
) -> dict[tuple[int, dt.date], int]:
    """Counted minutes per (participation, first day of month) on days in [start, end]
    (None: open)."""
    rows = counted_time.counted_month_rows(
        participations=participations, start=start, end=end, by_activity=False
    )
    return counted_time.minutes_by(rows, "pid", "month")


class MonthHours(TypedDict):
    month: dt.date  # its first day
    minutes: int
    hours: Decimal  # as reported: the project's rounding of the month's minutes


class ParticipantHours(TypedDict):
    months: list[MonthHours]
    minutes: int
    hours: Decimal


def participant_hours(*, participation: Participation) -> ParticipantHours:
    """One participant's minutes per month and in total, with the reported (rounded) hours.
    Every counted minute, as the coordinator's month pages and the certificates show them:
    no period of its own (one clipped to the project's period once showed the participant
    less than her certificate; the project's period is kept where time is recorded)."""
    project = participation.project
    months = hours_by_month(participations=[participation.pk], start=None, end=None)
    rows: list[MonthHours] = [
        {
            "month": month,
            "minutes": minutes,
            "hours": counted_time.hours_for_month(minutes, project.hour_rounding),
        }
        for (_pid, month), minutes in sorted(months.items(), key=lambda kv: kv[0][1])
    ]
    return {
        "months": rows,
        "minutes": sum(r["minutes"] for r in rows),
        "hours": sum((r["hours"] for r in rows), Decimal(0)),
    }


def hours_by_activity(*, participation: Participation) -> list[dict[str, Any]]:
    """One participant's counted minutes per activity (every counted minute, as
    participant_hours)."""
    rows = counted_time.counted_month_rows(participations=[participation.pk], start=None, end=None)
    totals = {act: minutes for (act,), minutes in counted_time.minutes_by(rows, "act").items()}
    titles = dict(Activity.objects.filter(pk__in=list(totals)).values_list("pk", "title"))
    return sorted(
        ({"activity": titles[pk], "minutes": m} for pk, m in totals.items()),
        key=lambda r: r["activity"],
    )


def month_participations(*, access: ProjectAccess, month: dt.date) -> QuerySet[Participation]:
    """The hours page's people: participations in scope that were in the project during
    `month` (started by its end, not ended before its start), so that someone who ended in
    the month, with time in it, is there with that time. In the list's order (its index)."""
    return (
        participation_list(access=access)
        .filter(start_date__lte=month_end(month))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .order_by("last_name", "first_name", "pk")
    )


def month_minutes(*, participation_ids: list[int], month: dt.date) -> dict[int, int]:
    """Counted minutes in `month` of these participations (a page of them), by participation."""
    minutes = hours_by_month(participations=participation_ids, start=month, end=month_end(month))
    return {pid: total for (pid, _m), total in minutes.items()}
