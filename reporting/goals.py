"""Goals measured: every goal's value computed from the platform's own rows (never typed).

Each measure kind is written as one query of *units* (a participation, a session, an
invitation, a survey response or a person paired over two rounds), one row per unit and
month with the columns

    unit, gender, ym (year*100 + month), num, den, d1, d2

where `num`/`den` are what the unit adds to the figure's numerator and denominator and
`d1`/`d2` are the details the drill-down shows (levels before and after …). The figure, its
monthly series and its split by gender are then two aggregate queries over that unit query
(sums per month and gender; distinct units per gender for the group size), so a goal costs
the same number of queries whatever the number of rows behind it. The drill-down lists the
same units, so a figure and its rows always agree.

Survey figures are blanked ("för få") when fewer people than the project's anonymity
threshold stand behind them, for the whole group and for each gender.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import connection
from django.db.models import Avg, Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from activities import hours as counted_time
from activities.models import Session
from digiproj.dates import STOCKHOLM, local_midnight, month_end, months_between
from digiproj.numbers import round_half_up
from digiproj.projects.permissions import ProjectAccess
from goals.models import Goal
from participants import selectors as participant_selectors
from participants.models import Participation
from participants.personnummer import Gender, mask
from participants.selectors import genders_for, reported_gender, reported_gender_of_person
from surveys import selectors as survey_selectors
from surveys.models import DONT_KNOW, Answer, AreaLevel, Invitation, Question, Response, Round
from surveys.selectors import response_gender

M = Goal.Measure

# How a kind turns sums into its figure.
COUNT, HOURS, PERCENT, MEAN = "count", "hours", "percent", "mean"
KIND_OF = {
    M.PARTICIPANTS: COUNT,
    M.PARTICIPANT_SHARE: PERCENT,
    M.HOURS: HOURS,
    M.SESSIONS: COUNT,
    M.RESPONSE_RATE: PERCENT,
    M.AREA_LEVEL: MEAN,
    M.AREA_CHANGE: MEAN,
    M.LEVEL_RAISED: PERCENT,
    M.LEVEL_REACHED: PERCENT,
    M.QUESTION_AVERAGE: MEAN,
    M.QUESTION_CHANGE: MEAN,
}
# Which measures read survey rounds: the model's lists (its validation uses them too).
PAIRED_MEASURES = Goal.PAIRED
ONE_ROUND_MEASURES = Goal.ONE_ROUND
SURVEY_MEASURES = PAIRED_MEASURES | ONE_ROUND_MEASURES
# Figures made of answers are blanked for small groups (a response rate is not an answer).
SUPPRESSED_MEASURES = SURVEY_MEASURES - {M.RESPONSE_RATE}
NO_GENDER_MEASURES = frozenset({M.SESSIONS})
# Questions whose answers can be averaged: ordered scales.
AVERAGED_KINDS = (Question.Kind.LIKERT, Question.Kind.DIGCOMP_LEVEL)

UNIT_LABELS = {COUNT: "", HOURS: _("timmar"), PERCENT: "%", MEAN: ""}

DEFINITIONS = {
    M.PARTICIPANTS: _(
        "Antal deltagare som startat i projektet senast mätdagen (även de som sedan avslutat), "
        "i vald grupp."
    ),
    M.PARTICIPANT_SHARE: _(
        "Andel av alla deltagare som startat senast mätdagen som hör till vald grupp "
        "(kön, organisation, yrkesgrupp). Gruppstorlek: alla deltagare."
    ),
    M.HOURS: _(
        "Närvarotid på tillfällen och godkänd egenrapporterad tid till och med mätdagen, i "
        "timmar (exakta minuter, före månadsavrundning); bara tid inom deltagarens start- och "
        "slutdatum, inte raderade deltaganden. Gruppstorlek: deltagare med mer än 0 minuter."
    ),
    M.SESSIONS: _("Tillfällen som har börjat senast mätdagen (och inte ligger i framtiden)."),
    M.RESPONSE_RATE: _(
        "Andel av de inbjudna till enkätomgången som har svarat senast mätdagen. "
        "Gruppstorlek: inbjudna."
    ),
    M.AREA_LEVEL: _(
        "Medelvärdet av de svarandes nivå (1–8) i DigComp-området i enkätomgången; en persons "
        'nivå är medelvärdet av områdets besvarade nivåfrågor, "vet inte" oräknat.'
    ),
    M.AREA_CHANGE: _(
        "Genomsnittlig förändring av nivån i DigComp-området (uppföljning minus "
        "nulägesmätning) för dem som har en nivå i området båda gångerna."
    ),
    M.LEVEL_RAISED: _(
        "Andel av dem som svarat båda gångerna som höjt sin nivå med minst den angivna "
        "höjningen i området (eller i minst ett område, om inget område är valt)."
    ),
    M.LEVEL_REACHED: _(
        "Andel av de svarande i enkätomgången som har minst den angivna nivån i området "
        "(eller i minst ett område, om inget område är valt)."
    ),
    M.QUESTION_AVERAGE: _(
        "Medelvärdet över de svarande av varje persons medelvärde av de valda frågorna "
        '("vet inte" oräknat) i enkätomgången.'
    ),
    M.QUESTION_CHANGE: _(
        "Genomsnittlig förändring av varje persons medelvärde av de valda frågorna "
        "(uppföljning minus nulägesmätning) för dem som svarat båda gångerna."
    ),
}


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


def ym_of(day: dt.date) -> int:
    return day.year * 100 + day.month


def _ym(path: str, *, aware: bool = True) -> Any:
    """year*100+month of a date or (in Stockholm time) a datetime column, in the database."""
    tz = {"tzinfo": STOCKHOLM} if aware else {}
    return ExtractYear(path, **tz) * 100 + ExtractMonth(path, **tz)


# --- the rounds a goal reads ----------------------------------------------------------------


@dataclass
class Context:
    """What every goal of one measurement shares: the user's scope, the date measured and
    the project's rounds opened by then (read once, not once per goal)."""

    access: ProjectAccess
    as_of: dt.date
    _rounds: list[dict[str, Any]] | None = None
    _codes: dict[int, set[str]] | None = None

    @property
    def end(self) -> dt.datetime:
        # The first instant after the date measured: rows before it count.
        return local_midnight(self.as_of + dt.timedelta(days=1))

    @property
    def threshold(self) -> int:
        return self.access.project.survey_anonymity_threshold

    def rounds(self) -> list[dict[str, Any]]:
        if self._rounds is None:
            self._rounds = list(
                Round.objects.filter(survey__project=self.access.project, opens_at__lt=self.end)
                .values("pk", "name", "purpose", "opens_at", "anonymous", "survey_id")
                .order_by("opens_at", "pk")
            )
        return self._rounds

    def survey_codes(self) -> dict[int, set[str]]:
        """{survey id: the column codes of its questions} (a code or F<pk>, as exported)."""
        if self._codes is None:
            self._codes = {}
            rows = Question.objects.filter(
                section__survey__project=self.access.project
            ).values_list("section__survey_id", "code", "pk")
            for survey_id, code, pk in rows:
                self._codes.setdefault(survey_id, set()).update({code or f"F{pk}", f"F{pk}"})
        return self._codes

    def round_by_pk(self, pk: int | None) -> dict[str, Any] | None:
        return next((r for r in self.rounds() if r["pk"] == pk), None)


def goal_rounds(goal: Goal, ctx: Context) -> tuple[dict | None, dict | None]:
    """(baseline, measured round) a survey goal reads at the date: the ones chosen, or else
    the first baseline round and the latest follow-up round opened by then (for one-round
    measures: the latest round of any purpose). Rounds must hold the goal's questions."""
    if goal.measure not in SURVEY_MEASURES:
        return None, None
    rounds = ctx.rounds()
    if goal.question_codes:
        codes, wanted = ctx.survey_codes(), set(goal.question_codes)
        rounds = [r for r in rounds if codes.get(r["survey_id"], set()) & wanted]
    if goal.measure in PAIRED_MEASURES:
        rounds = [r for r in rounds if not r["anonymous"]]
    baseline = None
    if goal.measure in PAIRED_MEASURES:
        if goal.baseline_round_id:
            baseline = ctx.round_by_pk(goal.baseline_round_id)
        else:
            baseline = next((r for r in rounds if r["purpose"] == Round.Purpose.BASELINE), None)
    if goal.round_id:
        measured = ctx.round_by_pk(goal.round_id)
    else:
        candidates = [r for r in rounds if r is not baseline]
        if goal.measure in PAIRED_MEASURES:
            candidates = [r for r in candidates if r["purpose"] == Round.Purpose.FOLLOW_UP]
        measured = candidates[-1] if candidates else None
    return baseline, measured


# --- unit queries per measure ---------------------------------------------------------------


def _sql(qs: QuerySet) -> tuple[str, list[Any]]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _wrap(
    qs: QuerySet, d1: str = "NULL", d2: str = "NULL", gender: str = "gender"
) -> tuple[str, list[Any]]:
    """A unit queryset as the seven unit columns, in that order. `gender` names the column
    holding the gender (on Participation, "gender" is the recorded field, so the reported
    one is selected under another name)."""
    sql, params = _sql(qs)
    return (
        f"SELECT q.unit, q.{gender} AS gender, q.ym, q.num, q.den, {d1} AS d1, {d2} AS d2 "  # noqa: S608
        f"FROM ({sql}) q",
        params,
    )


def _participations(goal: Goal, ctx: Context, *, grouped: bool) -> QuerySet:
    qs = participant_selectors.participation_list(access=ctx.access).filter(
        start_date__lte=ctx.as_of
    )
    return qs.filter(_participation_group_q(goal)) if grouped else qs


def _participation_group_q(goal: Goal, prefix: str = "") -> Q:
    q = Q()
    if goal.gender:
        q &= Q(Exact(reported_gender(goal.project, prefix.removesuffix("__")), goal.gender))
    if goal.organisation_id:
        q &= Q(**{f"{prefix}organisation_id": goal.organisation_id})
    if goal.role_group:
        q &= Q(**{f"{prefix}role_group": goal.role_group})
    return q


def _participants(goal: Goal, ctx: Context) -> tuple[str, list[Any]]:
    share = goal.measure == M.PARTICIPANT_SHARE
    project = ctx.access.project
    num: Any = Value(1)
    if share:  # each participant counts in the denominator, those in the group on top
        num = Case(
            When(_participation_group_q(goal), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    qs = (
        _participations(goal, ctx, grouped=not share)
        .order_by()
        .values(
            unit=F("pk"),
            reported=reported_gender(project),
            ym=_ym("start_date", aware=False),
            num=num,
            den=Value(1),
        )
    )
    return _wrap(qs, gender="reported")


def _hours(goal: Goal, ctx: Context) -> tuple[str, list[Any]]:
    """Counted minutes (activities.hours: present attendance and approved self-reported
    time within the participation, erased ones left out) per participation and month up
    to the date measured. Rows of 0 minutes are no units: a person present for 0 minutes
    is not part of the group size."""
    participations = (
        Participation.objects.filter(project=ctx.access.project)
        .filter(ctx.access.participation_q())
        .filter(_participation_group_q(goal))
    )
    rows = counted_time.counted_rows(
        participations=participations,
        start=None,
        end=ctx.as_of,
        project=ctx.access.project,
        kind=goal.activity_kind or None,
    )
    sql, params = counted_time.rows_sql(rows)
    return (
        "SELECT u.pid AS unit, u.gender AS gender, u.ym AS ym, SUM(u.m) AS num, 0 AS den, "  # noqa: S608
        f"NULL AS d1, NULL AS d2 FROM ({sql}) u WHERE u.m > 0 GROUP BY u.pid, u.gender, u.ym",
        params,
    )


def _union(parts: Iterable[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    sqls, params = [], []
    for sql, p in parts:
        sqls.append(f"SELECT * FROM ({sql}) p{len(sqls)}")  # noqa: S608
        params.extend(p)
    return " UNION ALL ".join(sqls), params


def _sessions(goal: Goal, ctx: Context) -> tuple[str, list[Any]]:
    held_by = min(ctx.end, timezone.now())
    qs = Session.objects.filter(activity__project=ctx.access.project, starts_at__lt=held_by)
    if goal.activity_kind:
        qs = qs.filter(activity__kind=goal.activity_kind)
    return _wrap(
        qs.order_by().values(
            unit=F("pk"), gender=Value(""), ym=_ym("starts_at"), num=Value(1), den=Value(1)
        )
    )


def _response_rate(goal: Goal, ctx: Context, round_id: int) -> tuple[str, list[Any]]:
    """An invitation adds to the denominator in the month it was made and to the numerator
    in the month it was answered."""
    qs = Invitation.objects.filter(round_id=round_id, created_at__lt=ctx.end).filter(
        ctx.access.organisation_q()
    )
    # Invitations are keyed by the shared Person: the gender this project's participation
    # holds, by the same rule.
    gender = reported_gender_of_person(ctx.access.project, "person")
    if goal.gender:
        qs = qs.filter(Exact(gender, goal.gender))
    if goal.organisation_id:
        qs = qs.filter(organisation_id=goal.organisation_id)
    invited = qs.order_by().values(
        unit=F("pk"), gender=gender, ym=_ym("created_at"), num=Value(0), den=Value(1)
    )
    answered = (
        qs.filter(used_at__lt=ctx.end)
        .order_by()
        .values(unit=F("pk"), gender=gender, ym=_ym("used_at"), num=Value(1), den=Value(0))
    )
    return _union([_wrap(invited), _wrap(answered)])


def _response_q(goal: Goal, ctx: Context, round_id: int, prefix: str = "response__") -> Q:
    """Submitted responses of a round by the date, in scope and in the goal's group (by the
    respondent's gender, surveys.selectors.response_gender, and the response's own snapshot
    of organisation and role group)."""
    q = Q(
        **{
            f"{prefix}round_id": round_id,
            f"{prefix}status": Response.Status.SUBMITTED,
            f"{prefix}submitted_at__lt": ctx.end,
        }
    )
    q &= ctx.access.response_q(prefix.removesuffix("__"))
    if goal.gender:
        response = prefix.removesuffix("__")
        q &= Q(Exact(response_gender(response, ctx.access.project), goal.gender))
    if goal.organisation_id:
        q &= Q(**{f"{prefix}organisation_id": goal.organisation_id})
    if goal.role_group:
        q &= Q(**{f"{prefix}role_group": goal.role_group})
    return q


def _levels(goal: Goal, ctx: Context, round_id: int) -> QuerySet:
    qs = AreaLevel.objects.filter(_response_q(goal, ctx, round_id))
    if goal.area:
        qs = qs.filter(area=goal.area)
    return qs.order_by().values(
        "area",
        "level",
        unit=F("response_id"),
        person=F("response__person_id"),
        gender=response_gender("response", ctx.access.project),
        ym=_ym("response__submitted_at"),
    )


def _question_means(goal: Goal, ctx: Context, round_id: int) -> QuerySet:
    """Per response: the mean of its answers to the goal's questions ("vet inte" left out)."""
    codes = [c for c in goal.question_codes if c]
    pks = [int(c[1:]) for c in codes if c[:1] == "F" and c[1:].isdigit()]
    questions = Q(question__code__in=codes) | Q(question_id__in=pks)
    return (
        Answer.objects.filter(
            questions,
            _response_q(goal, ctx, round_id),
            question__kind__in=AVERAGED_KINDS,
            value_int__gt=DONT_KNOW,
        )
        .order_by()
        .values(
            unit=F("response_id"),
            person=F("response__person_id"),
            gender=response_gender("response", ctx.access.project),
            ym=_ym("response__submitted_at"),
        )
        .annotate(mean=Avg("value_int"))
    )


LATER_YM = "CASE WHEN b.ym > f.ym THEN b.ym ELSE f.ym END"
EPSILON = 1e-9  # levels are means of items: compare floats with a little slack


def _survey(goal: Goal, ctx: Context, baseline: dict | None, measured: dict) -> tuple[str, list]:
    kind = goal.measure
    if kind == M.RESPONSE_RATE:
        return _response_rate(goal, ctx, measured["pk"])
    if kind == M.AREA_LEVEL:
        sql, params = _sql(_levels(goal, ctx, measured["pk"]))
        return (
            f"SELECT r.unit, r.gender, r.ym, r.level AS num, 1 AS den, NULL AS d1, "  # noqa: S608
            f"r.level AS d2 FROM ({sql}) r",
            params,
        )
    if kind == M.LEVEL_REACHED:
        sql, params = _sql(_levels(goal, ctx, measured["pk"]))
        return (
            f"SELECT r.unit, r.gender, r.ym, "  # noqa: S608
            f"MAX(CASE WHEN r.level >= %s THEN 1 ELSE 0 END) AS num, 1 AS den, "
            f"NULL AS d1, MAX(r.level) AS d2 FROM ({sql}) r GROUP BY r.unit, r.gender, r.ym",
            [float(goal.level or 1) - EPSILON, *params],
        )
    if kind == M.QUESTION_AVERAGE:
        sql, params = _sql(_question_means(goal, ctx, measured["pk"]))
        return (
            f"SELECT r.unit, r.gender, r.ym, r.mean AS num, 1 AS den, NULL AS d1, "  # noqa: S608
            f"r.mean AS d2 FROM ({sql}) r",
            params,
        )
    assert baseline is not None
    # Paired measures: the same person in both rounds; groups follow the follow-up answer.
    if kind == M.QUESTION_CHANGE:
        b_sql, b_params = _sql(_question_means(_ungrouped(goal), ctx, baseline["pk"]))
        f_sql, f_params = _sql(_question_means(goal, ctx, measured["pk"]))
        return (
            f"SELECT f.person AS unit, f.gender, {LATER_YM} AS ym, "  # noqa: S608
            f"f.mean - b.mean AS num, 1 AS den, b.mean AS d1, f.mean AS d2 "
            f"FROM ({f_sql}) f JOIN ({b_sql}) b ON b.person = f.person "
            f"WHERE f.person IS NOT NULL",
            [*f_params, *b_params],
        )
    b_sql, b_params = _sql(_levels(_ungrouped(goal), ctx, baseline["pk"]))
    f_sql, f_params = _sql(_levels(goal, ctx, measured["pk"]))
    pairs = f"FROM ({f_sql}) f JOIN ({b_sql}) b ON b.person = f.person AND b.area = f.area WHERE f.person IS NOT NULL"  # noqa: E501
    if kind == M.AREA_CHANGE:
        return (
            f"SELECT f.person AS unit, f.gender, {LATER_YM} AS ym, "
            f"f.level - b.level AS num, 1 AS den, b.level AS d1, f.level AS d2 {pairs}",
            [*f_params, *b_params],
        )
    # LEVEL_RAISED: per person, d1 = areas compared, d2 = areas raised.
    raised = "CASE WHEN f.level - b.level >= %s THEN 1 ELSE 0 END"
    return (
        f"SELECT f.person AS unit, f.gender, MAX({LATER_YM}) AS ym, "
        f"MAX({raised}) AS num, 1 AS den, COUNT(*) AS d1, SUM({raised}) AS d2 "
        f"{pairs} GROUP BY f.person, f.gender",
        [float(goal.min_change) - EPSILON, float(goal.min_change) - EPSILON, *f_params, *b_params],
    )


def _ungrouped(goal: Goal) -> Goal:
    """The goal without its group, for the baseline side of a pair (the group is the
    follow-up answer's: someone who changed organisation is still paired)."""
    return Goal(
        project_id=goal.project_id,
        measure=goal.measure,
        area=goal.area,
        question_codes=goal.question_codes,
        min_change=goal.min_change,
    )


def unit_query(goal: Goal, ctx: Context) -> tuple[str, list[Any]] | None:
    """The goal's unit query at the context's date, or None when there is nothing to
    measure yet (no round to read)."""
    kind = goal.measure
    if kind in (M.PARTICIPANTS, M.PARTICIPANT_SHARE):
        return _participants(goal, ctx)
    if kind == M.HOURS:
        return _hours(goal, ctx)
    if kind == M.SESSIONS:
        return _sessions(goal, ctx)
    baseline, measured = goal_rounds(goal, ctx)
    if measured is None or (kind in PAIRED_MEASURES and baseline is None):
        return None
    return _survey(goal, ctx, baseline, measured)


# --- figures --------------------------------------------------------------------------------


def _fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Figure:
    """One value with what it is made of. `value` is None when there is nothing to count
    (den 0) or the group is too small to show (suppressed)."""

    value: Decimal | None
    n: int
    num: float = 0.0
    den: int = 0
    suppressed: bool = False


def _exact(num: float | Decimal | int) -> Decimal:
    """A sum from the database as the decimal it stands for (see digiproj.numbers)."""
    return round_half_up(num, 10) if isinstance(num, float) else Decimal(num)


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
        # per gender; the unit query is a CTE, so it is read once for both.
        for ym, gender, num, den, n in _fetch(
            f"WITH u AS ({sql}) "  # noqa: S608
            f"SELECT u.ym, u.gender, SUM(u.num), SUM(u.den), NULL FROM u GROUP BY u.ym, u.gender "
            f"UNION ALL SELECT NULL, u.gender, NULL, NULL, COUNT(DISTINCT u.unit) FROM u "
            f"GROUP BY u.gender",
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
    )


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


# --- reads for pages ------------------------------------------------------------------------


def goal_list(*, access: ProjectAccess) -> QuerySet[Goal]:
    """The project's goals, main goals first with their sub-goals after, in order."""
    return (
        Goal.objects.filter(project=access.project)
        .select_related("organisation", "baseline_round", "round", "project")
        .prefetch_related("milestones")
        .order_by("order", "pk")
    )


def goals_ordered(goals: Iterable[Goal]) -> list[tuple[Goal, int]]:
    """(goal, depth): each main goal followed by its sub-goals."""
    goals = list(goals)
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)
    ordered: list[tuple[Goal, int]] = []
    known = {g.pk for g in goals}

    def walk(parent: int | None, depth: int) -> None:
        for goal in children.get(parent, []):
            ordered.append((goal, depth))
            walk(goal.pk, depth + 1)

    walk(None, 0)
    # A sub-goal whose parent is gone from the list still shows.
    for goal in goals:
        if goal.parent_id and goal.parent_id not in known:
            ordered.append((goal, 0))
    return ordered


def goal_results(*, access: ProjectAccess, as_of: dt.date) -> list[tuple[Result, int]]:
    """Every goal measured at the date, in display order with its depth."""
    ctx = Context(access=access, as_of=as_of)
    return [
        (goal_measure(goal, ctx), depth) for goal, depth in goals_ordered(goal_list(access=access))
    ]


def goal_get(*, access: ProjectAccess, pk: int) -> Goal:
    goal = goal_list(access=access).filter(pk=pk).first()
    if goal is None:
        raise Http404
    return goal


def goal_units(
    *, goal: Goal, access: ProjectAccess, as_of: dt.date, gender: str | None = None
) -> tuple[Result, list[dict[str, Any]]]:
    """The units behind a goal's figure at the date (for one gender or all), each with what
    it adds (num, den) and its details, labelled with the person or session it is."""
    ctx = Context(access=access, as_of=as_of)
    result = goal_measure(goal, ctx)
    query = unit_query(goal, ctx)
    if query is None:
        return result, []
    sql, params = query
    where, extra = "", []
    if gender:
        where, extra = "WHERE u.gender = %s", [gender]
    rows = [
        {"unit": unit, "gender": g or "", "num": num, "den": den, "d1": d1, "d2": d2}
        for unit, g, num, den, d1, d2 in _fetch(
            f"SELECT u.unit, MAX(u.gender), SUM(u.num), SUM(u.den), MAX(u.d1), MAX(u.d2) "  # noqa: S608
            f"FROM ({sql}) u {where} GROUP BY u.unit ORDER BY u.unit",
            [*params, *extra],
        )
    ]
    _label(goal, rows, access)
    return result, rows


def _label(goal: Goal, rows: list[dict[str, Any]], access: ProjectAccess) -> None:
    """Name each unit: the person (participation, invitation, response or person) or the
    session. One query."""
    ids = [r["unit"] for r in rows]
    kind = goal.measure
    if kind == M.SESSIONS:
        sessions = {s.pk: s for s in Session.objects.filter(pk__in=ids).select_related("activity")}
        for row in rows:
            session = sessions.get(row["unit"])
            row["label"] = session.activity.title if session else ""
            row["when"] = timezone.localtime(session.starts_at) if session else None
        return
    # Names are what this project holds (per participation), never another project's.
    held = participant_selectors.participation_list(access=access)
    if kind in (M.PARTICIPANTS, M.PARTICIPANT_SHARE, M.HOURS):
        by_unit = {p.pk: (p, p.organisation.name) for p in held.filter(pk__in=ids)}
    else:
        if kind == M.RESPONSE_RATE:
            units = Invitation.objects.filter(pk__in=ids).select_related("organisation")
        elif kind in PAIRED_MEASURES:
            units = None
        else:
            units = Response.objects.filter(pk__in=ids).select_related("organisation")
        person_of = (
            {u.pk: (u.person_id, u.organisation.name if u.organisation else "") for u in units}
            if units is not None
            else {pk: (pk, "") for pk in ids}
        )
        names = {
            p.person_id: p
            for p in held.filter(person_id__in={v[0] for v in person_of.values() if v[0]})
        }
        by_unit = {
            unit: (names.get(person_id), organisation)
            for unit, (person_id, organisation) in person_of.items()
        }
    for row in rows:
        participation, organisation = by_unit.get(row["unit"], (None, ""))
        row["organisation"] = organisation
        if participation is None:
            row["label"], row["personnummer"] = str(_("Anonymt svar")), ""
        else:
            row["label"] = f"{participation.last_name}, {participation.first_name}"
            row["personnummer"] = mask(participation.person.personnummer)


# --- texts: the final report summary, the baseline mapping ---------------------------------


def number_text(value: Decimal | None) -> str:
    """A decimal as Swedish text without trailing zeros: 10, 0,3, 29,6."""
    if value is None:
        return "–"
    plain = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return formats.number_format(plain, use_l10n=True)


def figure_text(result: Result, figure: Figure | None = None) -> str:
    """A figure as the final report writes it: "64,0 %" or "för få svar (3)"."""
    figure = figure or result.figure
    if figure.suppressed:
        return str(_("för få svar (%(n)s)")) % {"n": figure.n}
    if figure.value is None:
        return str(_("inget värde ännu"))
    value = formats.number_format(figure.value, use_l10n=True)
    return f"{value} {result.unit}".strip() if result.unit else value


def target_text(result: Result) -> str:
    goal = result.goal
    target = number_text(goal.target_value)
    unit = f" {result.unit}" if result.unit else ""
    return str(_("%(direction)s %(target)s%(unit)s senast %(date)s")) % {
        "direction": goal.get_direction_display(),
        "target": target,
        "unit": unit,
        "date": goal.target_date.isoformat(),
    }


def final_report_lines(results: list[tuple[Result, int]]) -> list[str]:
    """Slutrapport: one paragraph per goal, in the words a coordinator pastes into the
    funder's portal; every number is the figure shown on the goal page."""
    labels = {"K": _("kvinnor"), "M": _("män"), "X": _("icke-binära")}
    lines = []
    for result, depth in results:
        goal = result.goal
        kind = str(_("Delmål")) if depth else str(_("Mål"))
        text = str(
            _(
                "%(kind)s: %(title)s. Mått: %(measure)s. Utfall %(as_of)s: %(value)s "
                "(gruppstorlek %(n)s). Målet: %(target)s. Status: %(status)s."
            )
        ) % {
            "kind": kind,
            "title": goal.title,
            "measure": goal.get_measure_display(),
            "as_of": result.as_of.isoformat(),
            "value": figure_text(result),
            "n": result.figure.n,
            "target": target_text(result),
            "status": str(result.status_label).lower(),
        }
        if result.by_gender:
            split = ", ".join(
                f"{labels[g]} {figure_text(result, fig)} (n={fig.n})"
                for g, fig in result.by_gender.items()
            )
            text += " " + str(_("Fördelat på kön: %(split)s.")) % {"split": split}
        if goal.equal_opportunities and result.gap is not None:
            gap = number_text(result.gap)
            if result.gap_flagged:
                text += " " + str(
                    _("Skillnaden mellan kvinnor och män är %(gap)s, över gränsen %(limit)s.")
                ) % {"gap": gap, "limit": number_text(goal.gap_threshold)}
            else:
                text += " " + str(
                    _("Skillnaden mellan kvinnor och män är %(gap)s, inom gränsen.")
                ) % {"gap": gap}
        lines.append(text)
    return lines


def baseline_mapping(
    *, access: ProjectAccess, round_id: int | None = None
) -> tuple[dict | None, list[dict[str, Any]]]:
    """Kartläggning: where each organisation stands per DigComp area at the baseline round
    (the chosen one, or the first baseline round): mean level and respondents, small groups
    blanked. One query for the round, one for the levels."""
    rounds = Round.objects.filter(survey__project=access.project)
    chosen = (
        (
            rounds.filter(pk=round_id)
            if round_id
            else rounds.filter(purpose=Round.Purpose.BASELINE).order_by("opens_at", "pk")
        )
        .values("pk", "name", "opens_at", "anonymous")
        .first()
    )
    if chosen is None:
        return None, []
    rows = survey_selectors.area_averages(
        access=access, round_id=chosen["pk"], group_by="organisation"
    )
    rows += survey_selectors.area_averages(access=access, round_id=chosen["pk"])
    return chosen, survey_selectors.suppress(
        rows, threshold=access.project.survey_anonymity_threshold
    )
