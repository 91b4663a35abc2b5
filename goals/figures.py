"""Goals measured: one statement per goal over its unit query (goals.measures) gives the
figure, its monthly series and its split by gender (sums per month and gender; distinct units
per gender for the group size), so a goal costs the same number of queries whatever the
number of rows behind it; then the plan, the women/men gap and the status.

Survey figures are blanked ("för få") when fewer people than the project's anonymity
threshold stand behind them, for the whole group and for each gender.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from digiproj.dates import month_end, months_between
from digiproj.numbers import round_half_up
from participants.personnummer import Gender
from participants.selectors import genders_for
from surveys import digcomp, suppression

from .measures import (
    COUNT,
    HOURS,
    KIND_OF,
    NO_GENDER_MEASURES,
    PERCENT,
    SUPPRESSED_MEASURES,
    Context,
    fetch,
    goal_rounds,
    rounds_comparable,
    unit_query,
    ym_of,
)
from .models import Goal
from .texts import DEFINITIONS, UNIT_LABELS


class Status:
    """How a goal stands at the date measured."""

    REACHED = "reached"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NO_VALUE = "no_value"

    LABELS = {
        REACHED: _("Uppnått"),
        ON_TRACK: _("Enligt plan"),
        AT_RISK: _("Risk att inte nås"),
        MISSED: _("Inte uppnått"),
        NO_VALUE: _("Inget värde ännu"),
    }


@dataclass
class Figure:
    """One value with what it is made of. `value` is None when there is nothing to count
    (den 0) or the group is too small to show (suppressed)."""

    value: Decimal | None
    n: int
    num: float = 0.0
    den: int = 0
    suppressed: bool = False
    secondary: bool = False  # hidden only so that a smaller group cannot be worked out


def _exact(num: float | Decimal | int) -> Decimal:
    """A sum from the database as the decimal it stands for (see digiproj.numbers)."""
    return round_half_up(num, 10) if isinstance(num, float) else Decimal(num)


def _protect_genders(by_gender: dict[str, Figure], overall: Figure, threshold: int) -> None:
    """Hide a gender's figure that, with the overall one, would reveal a hidden gender's
    (the one rule of surveys.suppression)."""
    hidden = suppression.hidden_groups(
        {g: f.n for g, f in by_gender.items()},
        total=None if overall.suppressed else overall.n,
        threshold=threshold,
    )
    for gender, why in hidden.items():
        if why == "protects":
            shown = by_gender[gender]
            by_gender[gender] = Figure(
                None, shown.n, shown.num, shown.den, suppressed=True, secondary=True
            )


def _figure(goal: Goal, num: float, den: int, n: int, threshold: int) -> Figure:
    kind = KIND_OF[goal.measure]
    if goal.measure in SUPPRESSED_MEASURES and 0 < n < threshold:
        return Figure(None, n, num, den, suppressed=True)
    value: Decimal | None
    if kind == COUNT:
        value = Decimal(int(num))
    elif kind == HOURS:
        value = round_half_up(Decimal(int(num)) / 60, 1)
    elif not den:
        value = None
    elif kind == PERCENT:
        value = round_half_up(_exact(num) * 100 / den, 1)
    else:
        value = round_half_up(_exact(num) / den, 2)
    return Figure(value, n, num, den)


@dataclass
class Month:
    month: dt.date
    figure: Figure
    plan: Decimal


@dataclass
class Result:
    goal: Goal
    as_of: dt.date
    figure: Figure
    by_gender: dict[str, Figure]
    shares: dict[str, Decimal | None]  # count kinds: each gender's share of the total, %
    gap: Decimal | None
    gap_flagged: bool
    months: list[Month]
    plan: Decimal
    status: str
    baseline: dict | None = None
    measured: dict | None = None
    measurable: bool = True
    definition: str = ""
    unit: str = ""
    genders: list[str] = field(default_factory=list)
    version_note: str = ""  # why a pair of rounds of two DigComp versions is not measured

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])


def plan_at(goal: Goal, day: dt.date, milestones: list[tuple[dt.date, Decimal]]) -> Decimal:
    """The planned value at a date: straight lines from the start value at the project's
    start through the milestones (etappmål) to the target at its date; the target after."""
    points = [(goal.project.start_date, goal.start_value), *milestones]
    points.append((goal.target_date, goal.target_value))
    points.sort(key=lambda p: p[0])
    if day <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in pairwise(points):
        if d0 <= day <= d1:
            if d1 == d0:
                return v1
            share = Decimal((day - d0).days) / Decimal((d1 - d0).days)
            return round_half_up(v0 + (v1 - v0) * share, 2)
    return points[-1][1]


def meets(goal: Goal, value: Decimal, bar: Decimal) -> bool:
    if goal.direction == Goal.Direction.AT_MOST:
        return value <= bar
    return value >= bar


def goal_measure(goal: Goal, ctx: Context) -> Result:
    """One goal at the context's date: its figure (with group size), the split by gender,
    the gap flag, monthly values against the plan, and its status. One query."""
    project = ctx.access.project
    genders = genders_for(ctx.access) if goal.measure not in NO_GENDER_MEASURES else []
    milestones = [(m.date, m.value) for m in goal.milestones.all()] if goal.pk else []
    months = months_between(project.start_date, min(ctx.as_of, project.end_date))
    baseline, measured = goal_rounds(goal, ctx)
    query = unit_query(goal, ctx)
    sums: dict[tuple[int, str], tuple[float, int]] = {}
    sizes: dict[str, int] = {}
    if query is not None:
        sql, params = query
        # One statement: the sums per month and gender, then (ym NULL) the distinct units
        # per gender (grouped, not COUNT(DISTINCT), which sorts every row); the unit query
        # is a CTE, so it is read once for both.
        for ym, gender, num, den, n in fetch(
            f"WITH u AS ({sql}) "  # noqa: S608
            f"SELECT u.ym, u.gender, SUM(u.num), SUM(u.den), NULL FROM u GROUP BY u.ym, u.gender "
            f"UNION ALL SELECT NULL, w.gender, NULL, NULL, COUNT(*) FROM "
            f"(SELECT u.unit, u.gender FROM u GROUP BY u.unit, u.gender) w GROUP BY w.gender",
            params,
        ):
            if ym is None:
                sizes[gender or ""] = int(n)
            else:
                sums[(int(ym), gender or "")] = (float(num or 0), int(den or 0))

    def total(up_to: int, gender: str | None = None) -> tuple[float, int]:
        num, den = 0.0, 0
        for (ym, g), (n, d) in sums.items():
            if ym <= up_to and (gender is None or g == gender):
                num, den = num + n, den + d
        return num, den

    threshold = ctx.threshold
    now = ym_of(ctx.as_of)
    num, den = total(now)
    figure = _figure(goal, num, den, sum(sizes.values()), threshold)
    by_gender = {g: _figure(goal, *total(now, g), sizes.get(g, 0), threshold) for g in genders}
    if goal.measure in SUPPRESSED_MEASURES:
        _protect_genders(by_gender, figure, threshold)
    series = []
    for first in months:
        m_num, m_den = total(ym_of(first))
        # Survey figures: one unit is one row, so the month's group size is its denominator.
        # (For counts it is the count; hours are never blanked.)
        n = m_den
        day = min(month_end(first), ctx.as_of)
        series.append(
            Month(
                first,
                _figure(goal, m_num, m_den, int(n or 0), threshold),
                plan_at(goal, day, milestones),
            )
        )
    shares, gap, flagged = _gender_gap(goal, figure, by_gender)
    plan = plan_at(goal, ctx.as_of, milestones)
    return Result(
        goal=goal,
        as_of=ctx.as_of,
        figure=figure,
        by_gender=by_gender,
        shares=shares,
        gap=gap,
        gap_flagged=flagged,
        months=series,
        plan=plan,
        status=_status(goal, figure.value, plan, ctx.as_of),
        baseline=baseline,
        measured=measured,
        measurable=query is not None,
        definition=str(DEFINITIONS[goal.measure]),
        unit=str(UNIT_LABELS[KIND_OF[goal.measure]]),
        genders=genders,
        version_note=_version_note(baseline, measured),
    )


def _version_note(baseline: dict | None, measured: dict | None) -> str:
    if baseline is None or measured is None or rounds_comparable(baseline, measured):
        return ""
    return digcomp.not_comparable_message(baseline["version"], measured["version"])


def _gender_gap(
    goal: Goal, figure: Figure, by_gender: dict[str, Figure]
) -> tuple[dict[str, Decimal | None], Decimal | None, bool]:
    """The women/men gap: for counts and hours the difference of their shares of the total
    (percentage points), otherwise the difference of their values. Non-binary people are
    shown but, being few, not part of the gap."""
    shares: dict[str, Decimal | None] = {}
    if KIND_OF[goal.measure] in (COUNT, HOURS):
        total = figure.num
        for g, fig in by_gender.items():
            shares[g] = round_half_up(_exact(fig.num) * 100 / _exact(total), 1) if total else None
        pair = [shares.get(Gender.WOMAN), shares.get(Gender.MAN)]
    else:
        pair = [by_gender[g].value if g in by_gender else None for g in (Gender.WOMAN, Gender.MAN)]
    gap = abs(pair[0] - pair[1]) if None not in pair else None  # type: ignore[operator]
    flagged = bool(
        goal.equal_opportunities
        and goal.gap_threshold is not None
        and gap is not None
        and gap > goal.gap_threshold
    )
    return shares, gap, flagged


def _status(goal: Goal, value: Decimal | None, plan: Decimal, as_of: dt.date) -> str:
    if value is None:
        return Status.NO_VALUE
    if meets(goal, value, goal.target_value):
        return Status.REACHED
    if as_of > goal.target_date:
        return Status.MISSED
    return Status.ON_TRACK if meets(goal, value, plan) else Status.AT_RISK
