"""Counted time: the one rule behind every figure that shows a participant's hours.

A participant's counted minutes are their present attendance minutes (dated by the session's
start, a Stockholm day) plus their approved self-reported minutes (dated by the day reported),

- only for a participation that is not erased,
- only on days within the participation: from its start date to its end date, both included
  (`within_participation`; time outside is refused where it is recorded and never counted),
- in a period [start, end] of whole days, both included.

`counted_rows` is that rule as one query (a UNION ALL of the two sources, one row per
attendance or self-report with the columns in `COLUMNS`); `minutes_by` sums it in the
database by any of those columns. The indicators, the time report and its co-financing,
Aktiviteter, the goals, Deltagarförteckning, the hours pages and the certificates all read
their minutes from here, so they can no longer disagree. `hours_for_month` turns a month's
minutes into the hours reported (the project's rounding); the sums per participant, month
and activity are activities.selectors.time_totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, TruncDate
from django.utils.translation import gettext as _

from digiproj.dates import STOCKHOLM, local_midnight, month_end, month_start, next_month
from digiproj.numbers import round_half_up
from digiproj.projects.models import Project
from participants.models import Participation
from participants.selectors import reported_gender

from .models import Attendance, MonthlyMinutes, ParticipantMonth, SelfReportedTime

# The columns of a counted row: participation, person, gender (as the project reports it:
# participants.selectors.reported_gender), organisation, activity, activity type, day,
# year*100+month, minutes and 1 for attendance (0 for self-reported time).
COLUMNS = ("pid", "person", "gender", "org", "act", "kind", "day", "ym", "m", "att")


def within_participation(participation: Participation, day: dt.date) -> bool:
    """Whether time on this day can count for the participation: the day lies within its
    start and end date (both included; no end date yet means open-ended)."""
    if day < participation.start_date:
        return False
    return participation.end_date is None or day <= participation.end_date


def within_participation_q(day: str, prefix: str = "participation__") -> Q:
    """`within_participation` as a filter, the day being a field or annotation."""
    return Q(**{f"{day}__gte": F(f"{prefix}start_date")}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{day}__lte": F(f"{prefix}end_date")})
    )


def outside_participation_message(participation: Participation, day: dt.date) -> str:
    """What to fix when time is recorded on a day outside the participation."""
    if day < participation.start_date:
        return _(
            "%(day)s ligger före deltagandets startdatum %(start)s. Tid utanför deltagandet "
            "räknas inte: rätta startdatumet först om personen deltog redan då."
        ) % {"day": day.isoformat(), "start": participation.start_date.isoformat()}
    # Not before the start yet outside: so the participation has ended, before this day.
    end = participation.end_date
    assert end is not None, "only asked about a day outside the participation"
    return _(
        "%(day)s ligger efter deltagandets slutdatum %(end)s. Tid utanför deltagandet räknas "
        "inte: rätta slutdatumet först om personen deltog fortfarande då."
    ) % {"day": day.isoformat(), "end": end.isoformat()}


def _ids(participations: QuerySet[Participation] | Iterable[int]) -> QuerySet[Any] | list[int]:
    if isinstance(participations, QuerySet):
        return participations.values("pk")
    return list(participations)


# The two sources of recorded time and where each keeps its activity.
ACTIVITY_FIELD = {
    1: ("session__activity_id", "session__activity__kind"),
    0: ("activity_id", "activity__kind"),
}


def recorded_sources(
    ids: QuerySet[Any] | list[int],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    activity_id: int | None = None,
    kind: str | None = None,
) -> list[tuple[int, QuerySet[Any]]]:
    """(att, rows) for the two sources of these participations' time, erased or not: present
    attendance (att 1) and approved self-reported time (att 0) on days in [start, end]
    (None: open), each row annotated with its Stockholm day `cday` and month `cym`
    (year*100+month). What counts of it: counted_rows; its monthly sums: activities.monthly."""
    attendance = Attendance.objects.filter(participation__in=ids, present=True)
    if start is not None:
        attendance = attendance.filter(session__starts_at__gte=local_midnight(start))
    if end is not None:
        attendance = attendance.filter(
            session__starts_at__lt=local_midnight(end + dt.timedelta(days=1))
        )
    own = SelfReportedTime.objects.filter(
        participation__in=ids, status=SelfReportedTime.Status.APPROVED
    )
    if start is not None:
        own = own.filter(date__gte=start)
    if end is not None:
        own = own.filter(date__lte=end)
    sources: list[tuple[int, QuerySet[Any]]] = [
        (
            1,
            attendance.annotate(
                cday=TruncDate("session__starts_at", tzinfo=STOCKHOLM),
                cym=ExtractYear("session__starts_at", tzinfo=STOCKHOLM) * 100
                + ExtractMonth("session__starts_at", tzinfo=STOCKHOLM),
            ),
        ),
        (0, own.annotate(cday=F("date"), cym=ExtractYear("date") * 100 + ExtractMonth("date"))),
    ]
    for i, (att, rows) in enumerate(sources):
        act, act_kind = ACTIVITY_FIELD[att]
        if activity_id is not None:
            rows = rows.filter(**{act: activity_id})
        if kind is not None:
            rows = rows.filter(**{act_kind: kind})
        sources[i] = (att, rows.order_by())
    return sources


def _who(gender: Any) -> dict[str, Any]:
    """The participation's columns of a counted row (read from it at the time of reading, in
    the rows and in the monthly tables alike)."""
    return {
        "pid": F("participation_id"),
        "person": F("participation__person_id"),
        "gender": gender,
        "org": F("participation__organisation_id"),
    }


def _counted_parts(
    ids: QuerySet[Any] | list[int],
    *,
    start: dt.date | None,
    end: dt.date | None,
    activity_id: int | None,
    kind: str | None,
    outside: bool,
    gender: Any,
    wanted: tuple[str, ...],
) -> list[QuerySet[Any]]:
    """The counted rows of each source with the `wanted` columns (of `COLUMNS`)."""
    window = within_participation_q("cday")
    window = ~window if outside else window
    parts = []
    for att, rows in recorded_sources(
        ids, start=start, end=end, activity_id=activity_id, kind=kind
    ):
        act, act_kind = ACTIVITY_FIELD[att]
        every: dict[str, Any] = {
            **_who(gender),
            "act": F(act),
            "kind": F(act_kind),
            "day": F("cday"),
            "ym": F("cym"),
            "m": F("minutes"),
            "att": Value(att, IntegerField()),
        }
        parts.append(
            rows.filter(participation__erased_at__isnull=True)
            .filter(window)
            .values(**{column: every[column] for column in wanted})
        )
    return parts


def counted_rows(
    *,
    participations: QuerySet[Participation] | Iterable[int],
    start: dt.date | None,
    end: dt.date | None,
    activity_id: int | None = None,
    kind: str | None = None,
    outside: bool = False,
    project: Project | None = None,
) -> QuerySet[Any]:
    """The counted minutes of these participations on days in [start, end] (None: open), one
    row per attendance or approved self-report, as a union queryset of `COLUMNS`.

    With `outside=True`: the rows that the participation's dates leave out (otherwise
    counted), which the reports show as not counted. `project`, when all participations
    are of one project, saves a join for the reported gender. Sums that need no day:
    counted_month_rows, the same figures from the monthly table."""
    gender = reported_gender(project or "participation__project", "participation")
    first, *rest = _counted_parts(
        _ids(participations),
        start=start,
        end=end,
        activity_id=activity_id,
        kind=kind,
        outside=outside,
        gender=gender,
        wanted=COLUMNS,
    )
    return first.union(*rest, all=True)


# counted_month_rows' columns: COLUMNS but the day; without the activity (by_activity=False)
# also without the activity, its type and the source.
MONTH_COLUMNS = tuple(c for c in COLUMNS if c != "day")
TOTAL_COLUMNS = ("pid", "person", "gender", "org", "ym", "m")


def whole_months(
    start: dt.date | None, end: dt.date | None
) -> tuple[dt.date | None, dt.date | None] | None:
    """The first and last day of the whole months in [start, end] (None: open on that side),
    or None when the period holds no whole month."""
    first = start if start is None or start.day == 1 else next_month(start)
    last = end if end is None or end == month_end(end) else month_start(end) - dt.timedelta(days=1)
    if first is not None and last is not None and first > last:
        return None
    return first, last


def counted_month_rows(
    *,
    participations: QuerySet[Participation] | Iterable[int],
    start: dt.date | None,
    end: dt.date | None,
    activity_id: int | None = None,
    kind: str | None = None,
    outside: bool = False,
    project: Project | None = None,
    by_activity: bool = True,
) -> QuerySet[Any]:
    """counted_rows without the day, `MONTH_COLUMNS`, for sums by anything but the day: the
    whole months of [start, end] are read from the monthly table (activities.monthly, one row
    per participation, activity, month and source), the days of a month that start or end
    cuts (a phase that begins mid-month) from the rows themselves. The same sums as
    counted_rows to the minute (the tests compare them), from far fewer rows.

    `by_activity=False`, for sums that split by none of activity, type or source: only
    `TOTAL_COLUMNS`, from the table of one row per participation and month (fewer again)."""
    if not by_activity and (activity_id is not None or kind is not None):
        raise ValueError("an activity or type needs the rows by activity")
    ids = _ids(participations)
    gender = reported_gender(project or "participation__project", "participation")
    live = partial(
        _counted_parts,
        ids,
        activity_id=activity_id,
        kind=kind,
        outside=outside,
        gender=gender,
        wanted=MONTH_COLUMNS if by_activity else TOTAL_COLUMNS,
    )
    months = whole_months(start, end)
    if months is None:
        first, *rest = live(start=start, end=end)
        return first.union(*rest, all=True)
    lo, hi = months
    parts = [_month_cells(ids, lo, hi, outside, gender, by_activity, activity_id, kind)]
    if start is not None and lo is not None and start < lo:
        parts += live(start=start, end=lo - dt.timedelta(days=1))
    if end is not None and hi is not None and hi < end:
        parts += live(start=hi + dt.timedelta(days=1), end=end)
    first, *rest = parts
    return first.union(*rest, all=True) if rest else first


def _month_cells(
    ids: QuerySet[Any] | list[int],
    lo: dt.date | None,
    hi: dt.date | None,
    outside: bool,
    gender: Any,
    by_activity: bool,
    activity_id: int | None,
    kind: str | None,
) -> QuerySet[Any]:
    """The monthly table's rows for whole months [lo, hi], as counted_month_rows' columns."""
    model: Any = MonthlyMinutes if by_activity else ParticipantMonth
    cells = model.objects.filter(
        participation__in=ids, participation__erased_at__isnull=True, counted=not outside
    )
    if lo is not None:
        cells = cells.filter(year_month__gte=lo.year * 100 + lo.month)
    if hi is not None:
        cells = cells.filter(year_month__lte=hi.year * 100 + hi.month)
    if activity_id is not None:
        cells = cells.filter(activity_id=activity_id)
    if kind is not None:
        cells = cells.filter(activity__kind=kind)
    who = _who(gender)
    if not by_activity:
        return cells.order_by().values(**who, ym=F("year_month"), m=F("minutes"))
    return cells.order_by().values(
        **who,
        act=F("activity_id"),
        kind=F("activity__kind"),
        ym=F("year_month"),
        m=F("minutes"),
        att=Cast("from_attendance", IntegerField()),
    )


def rows_sql(rows: QuerySet[Any]) -> tuple[str, list[Any]]:
    """The SQL of a `counted_rows` query, to read it inside a larger statement."""
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])  # SQLite returns the text


def _month_of(ym: Any) -> dt.date:
    ym = int(ym)
    return dt.date(ym // 100, ym % 100, 1)


_CONVERT = {"day": _as_date, "month": _month_of}


def minutes_by(rows: QuerySet[Any], *keys: str, zero: bool = False) -> dict[tuple[Any, ...], int]:
    """Minutes of `counted_rows` summed in the database per the given columns (`COLUMNS`,
    or "month" for the first day of the month): {(key values…): minutes}. Rows with no
    minutes (present for 0 minutes) make no entry unless `zero` (who attended at all)."""
    columns = ["ym" if key == "month" else key for key in keys]
    try:
        sql, params = rows_sql(rows)
    except EmptyResultSet:  # no participations at all (an empty list): nothing counted
        return {}
    select = ", ".join(f"u.{c}" for c in columns)
    group = f" GROUP BY {select}" if columns else ""
    query = (
        f"SELECT {select + ', ' if columns else ''}SUM(u.m) FROM ({sql}) u "  # noqa: S608
        f"{'' if zero else 'WHERE u.m > 0'}{group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        result = cursor.fetchall()
    totals: dict[tuple[Any, ...], int] = {}
    for row in result:
        if row[-1] is None:
            continue
        key = tuple(_CONVERT.get(k, _same)(v) for k, v in zip(keys, row[:-1], strict=True))
        totals[key] = totals.get(key, 0) + int(row[-1])
    return totals


def _same(value: Any) -> Any:
    return value


def total_minutes(rows: QuerySet[Any]) -> int:
    return minutes_by(rows).get((), 0)


def hours_for_month(minutes: int, rounding: str) -> Decimal:
    """Reported hours for one month's minutes: whole hours rounded down where the project
    says so (ESF 2014–2020 area 1 practice), otherwise hours with two decimals."""
    if rounding == Project.HourRounding.FLOOR_MONTH:
        return Decimal(minutes // 60)
    hours = round_half_up(Decimal(minutes) / 60, 2)
    assert hours is not None
    return hours
