"""Each measure's units: the query behind every goal's figure (never a typed value).

Each measure kind is written as one query of *units* (a participation, a session, an
invitation, a survey response or a person paired over two rounds), one row per unit and
month (hours: possibly several, the month table's row and the rows of a month the date cuts,
which every reader sums) with the columns

    unit, gender, ym (year*100 + month), num, den, d1, d2

where `num`/`den` are what the unit adds to the figure's numerator and denominator and
`d1`/`d2` are the details the drill-down shows (levels before and after …). goals.figures
aggregates a unit query into the figure, its monthly series and its split by gender;
goals.selectors.goal_units lists the same units, so a figure and its rows always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Avg, Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import Exact
from django.utils import timezone

from activities import hours as counted_time
from activities.models import Session
from digiproj.dates import STOCKHOLM, local_midnight
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from participants.models import Participation
from participants.selectors import reported_gender, reported_gender_of_person
from surveys import digcomp
from surveys.exit_questions import indicator_for_code
from surveys.models import DONT_KNOW, Answer, AreaLevel, Invitation, Question, Response, Round
from surveys.selectors import exit_answer_units, response_gender

from .models import Goal

M = Goal.Measure

# How a kind turns sums into its figure.
COUNT, HOURS, PERCENT, MEAN = "count", "hours", "percent", "mean"
KIND_OF: dict[str, str] = {
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
    M.EXIT_RESULT: PERCENT,
}
# Which measures read survey rounds: the model's lists (its validation uses them too).
PAIRED_MEASURES = Goal.PAIRED
ONE_ROUND_MEASURES = Goal.ONE_ROUND
SURVEY_MEASURES = PAIRED_MEASURES | ONE_ROUND_MEASURES
# Figures made of answers are blanked for small groups (a response rate is not an answer).
SUPPRESSED_MEASURES = (SURVEY_MEASURES - {M.RESPONSE_RATE}) | {M.EXIT_RESULT}
NO_GENDER_MEASURES = frozenset({M.SESSIONS})
# Questions whose answers can be averaged: ordered scales.
AVERAGED_KINDS = (Question.Kind.LIKERT, Question.Kind.DIGCOMP_LEVEL)


def ym_of(day: dt.date) -> int:
    return day.year * 100 + day.month


def _ym(path: str, *, aware: bool = True) -> Any:
    """year*100+month of a date or (in Stockholm time) a datetime column, in the database."""
    tz = STOCKHOLM if aware else None
    return ExtractYear(path, tzinfo=tz) * 100 + ExtractMonth(path, tzinfo=tz)


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
            rows = (
                Round.objects.filter(survey__project=self.access.project, opens_at__lt=self.end)
                .values(
                    "pk",
                    "name",
                    "purpose",
                    "opens_at",
                    "anonymous",
                    "survey_id",
                    version=F("survey__digcomp_version"),
                )
                .order_by("opens_at", "pk")
            )
            self._rounds = [dict(row) for row in rows]
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
    the latest follow-up round opened by then and the first baseline round of its DigComp
    version (of any version only when it has none: the pair is then not measured, see
    unit_query); for one-round measures the latest round of any purpose. Rounds must hold
    the goal's questions."""
    if goal.measure not in SURVEY_MEASURES:
        return None, None
    rounds = ctx.rounds()
    if goal.question_codes:
        codes, wanted = ctx.survey_codes(), set(goal.question_codes)
        rounds = [r for r in rounds if codes.get(r["survey_id"], set()) & wanted]
    if goal.measure in PAIRED_MEASURES:
        rounds = [r for r in rounds if not r["anonymous"]]
    # Exit rounds are read by their own measure (exit_result), never picked for these.
    rounds = [r for r in rounds if r["purpose"] not in Round.EXIT_PURPOSES]
    paired = goal.measure in PAIRED_MEASURES
    chosen = ctx.round_by_pk(goal.baseline_round_id) if paired and goal.baseline_round_id else None
    if goal.round_id:
        measured = ctx.round_by_pk(goal.round_id)
    else:
        candidates = [r for r in rounds if chosen is None or r["pk"] != chosen["pk"]]
        if paired:
            candidates = [r for r in candidates if r["purpose"] == Round.Purpose.FOLLOW_UP]
        measured = candidates[-1] if candidates else None
    if not paired or chosen is not None:
        return chosen, measured
    baselines = [r for r in rounds if r["purpose"] == Round.Purpose.BASELINE]
    same = [r for r in baselines if measured is not None and r["version"] == measured["version"]]
    return next(iter(same or baselines), None), measured


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
    is not part of the group size. One row per month table row, not grouped: every reader
    of a unit query sums it or groups it by unit itself (figures, goal_units), and the
    100,000s of person-months need no grouping of their own."""
    participations = (
        Participation.objects.filter(project=ctx.access.project)
        .filter(ctx.access.participation_q())
        .filter(_participation_group_q(goal))
    )
    rows = counted_time.counted_month_rows(
        participations=participations,
        start=None,
        end=ctx.as_of,
        project=ctx.access.project,
        kind=goal.activity_kind or None,
        by_activity=bool(goal.activity_kind),  # else the person-months suffice
    )
    sql, params = counted_time.rows_sql(rows)
    return (
        "SELECT u.pid AS unit, u.gender AS gender, u.ym AS ym, u.m AS num, 0 AS den, "  # noqa: S608
        f"NULL AS d1, NULL AS d2 FROM ({sql}) u WHERE u.m > 0",
        params,
    )


def _union(parts: Iterable[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    sqls: list[str] = []
    params: list[Any] = []
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


def _exit_result(goal: Goal, ctx: Context) -> tuple[str, list[Any]] | None:
    """The answers the survey module counts its exit figures from (one selector,
    surveys.selectors.exit_answer_units): a unit per answer, Ja adds to the numerator."""
    found = [indicator_for_code(code) for code in goal.question_codes]
    kinds = sorted({pair[0] for pair in found if pair is not None})
    if not kinds:
        return None
    units = exit_answer_units(
        access=ctx.access,
        kinds=kinds,
        codes=list(goal.question_codes),
        end=ctx.as_of,
        organisation_id=goal.organisation_id,
    )
    sql, params = _sql(units)
    where, extra = "", []
    if goal.gender:
        where, extra = "WHERE q.gender = %s", [goal.gender]
    return (
        f"SELECT q.unit, q.gender, q.ym, q.yes AS num, 1 AS den, NULL AS d1, "  # noqa: S608
        f"q.yes AS d2 FROM ({sql}) q {where}",
        [*params, *extra],
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
    if kind == M.EXIT_RESULT:
        return _exit_result(goal, ctx)
    baseline, measured = goal_rounds(goal, ctx)
    if measured is None or (kind in PAIRED_MEASURES and baseline is None):
        return None
    if kind in PAIRED_MEASURES and not rounds_comparable(baseline, measured):
        return None  # levels of two DigComp versions are not compared (surveys.digcomp)
    return _survey(goal, ctx, baseline, measured)


def rounds_comparable(baseline: dict | None, measured: dict | None) -> bool:
    """Whether a paired goal's two rounds are of one DigComp version."""
    if baseline is None or measured is None:
        return True
    return digcomp.comparable(baseline["version"], measured["version"])


def fetch(sql: str, params: list[Any]) -> list[tuple]:
    """Run one statement over unit queries (the figure's, the drill-down's)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
