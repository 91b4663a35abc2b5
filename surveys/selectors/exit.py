"""Reads of the exit questionnaire and the follow-up after exit: whose survey is due, what
was sent or skipped, and the results by gender.

Each figure is computed once, here: the survey results page, the Indikatorer report (page
and file) and the goals app all call exit_indicator_figures / exit_response_rates or, for a
goal, aggregate exit_answer_units, which both figures are made of."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, When
from django.db.models import Value as V
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from digiproj.dates import STOCKHOLM, local_midnight
from digiproj.numbers import round_half_up
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation
from participants.selectors import genders_for, reported_gender

from .. import suppression
from ..exit_questions import INDICATORS, YES, YES_NO, Indicator
from ..models import Answer, ExitDispatch, ExitKind, ExitSurveySettings, Response, Round
from ..models_exit import EXIT_WINDOW_DAYS

PURPOSE = {ExitKind.EXIT: Round.Purpose.EXIT, ExitKind.FOLLOW_UP: Round.Purpose.POST_EXIT}
FINAL = ("sent", "erased", "opted_out", "already")
ANSWERED_VALUES = [value for value, _sv, _en in YES_NO]


def exit_settings(*, project: Project) -> ExitSurveySettings:
    """The project's exit settings, or the defaults (unsaved) before any were chosen."""
    found = (
        ExitSurveySettings.objects.filter(project=project)
        .select_related("exit_survey", "follow_up_survey")
        .first()
    )
    return found or ExitSurveySettings(project=project)


def exit_kinds(settings: ExitSurveySettings) -> list[ExitKind]:
    kinds = [ExitKind.EXIT]
    if settings.follow_up_enabled:
        kinds.append(ExitKind.FOLLOW_UP)
    return kinds


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative), the month's last day if it is
    shorter: 31 August + 6 months is 28 (29) February."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def due_on(settings: ExitSurveySettings, kind: str, end_date: dt.date) -> dt.date:
    """The day a participation's survey of `kind` is due: days or months after its end."""
    if kind == ExitKind.EXIT:
        return end_date + dt.timedelta(days=settings.exit_days)
    return add_months(end_date, settings.follow_up_months)


def last_send_day(settings: ExitSurveySettings, kind: str, end_date: dt.date) -> dt.date:
    """The last day the survey may still go out: four weeks after the end (exit survey) or
    after its due date (follow-up). Later, the answers would not measure what the
    indicator asks for, so it is not sent at all."""
    if kind == ExitKind.EXIT:
        return end_date + dt.timedelta(days=EXIT_WINDOW_DAYS)
    return due_on(settings, kind, end_date) + dt.timedelta(days=EXIT_WINDOW_DAYS)


def _end_range(settings: ExitSurveySettings, kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """Ends whose survey may be due today (a few days wider at month ends for the
    follow-up; exit_candidates decides exactly)."""
    window = dt.timedelta(days=EXIT_WINDOW_DAYS)
    if kind == ExitKind.EXIT:
        return today - window, today - dt.timedelta(days=settings.exit_days)
    slack = dt.timedelta(days=3)
    back = -settings.follow_up_months
    return add_months(today - window, back) - slack, add_months(today, back) + slack


def exit_candidates(*, settings: ExitSurveySettings, kind: str, today: dt.date) -> list[int]:
    """The participations of the project whose survey of `kind` is due today and not sent
    or finally skipped yet: ended, due by today and still within the window (so people who
    ended long before sending was turned on are left out)."""
    first, last = _end_range(settings, kind, today)
    claimed = ExitDispatch.objects.filter(
        participation=OuterRef("pk"), kind=kind, outcome__in=FINAL
    )
    rows = (
        Participation.objects.filter(
            project_id=settings.project_id, end_date__gte=first, end_date__lte=last
        )
        .exclude(Exists(claimed))
        .values_list("pk", "end_date")
        .order_by("end_date", "pk")
    )
    return [
        pk
        for pk, end in rows
        if end is not None
        and due_on(settings, kind, end) <= today <= last_send_day(settings, kind, end)
    ]


@dataclass
class KindStatus:
    """What happened to one kind's surveys: outcomes counted, and the ended participations
    not reached (their due day is still ahead, or their window closed before it was sent,
    e.g. they ended before sending was turned on)."""

    kind: ExitKind
    outcomes: dict[str, int]
    waiting: int
    missed: int
    round_ids: list[int] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.outcomes.get("sent", 0)

    @property
    def skipped(self) -> int:
        return sum(n for key, n in self.outcomes.items() if key != "sent")


def exit_status(*, access: ProjectAccess, settings: ExitSurveySettings) -> list[KindStatus]:
    """Per kind (exit, follow-up): sent and skipped (by reason), waiting and missed, within
    the access's scope. One query per count."""
    today = timezone.localdate()
    ended = Participation.objects.filter(
        access.participation_q(), project=access.project, end_date__isnull=False
    )
    statuses = []
    for kind in exit_kinds(settings):
        dispatches = ExitDispatch.objects.filter(
            access.participation_q("participation"),
            kind=kind,
            participation__project=access.project,
        )
        outcomes = dict(
            dispatches.values_list("outcome").annotate(n=Count("pk")).order_by("outcome")
        )
        first, last = _end_range(settings, kind, today)
        unclaimed = ended.exclude(
            Exists(ExitDispatch.objects.filter(participation=OuterRef("pk"), kind=kind))
        )
        rounds = Round.objects.filter(survey__project=access.project, purpose=PURPOSE[kind])
        statuses.append(
            KindStatus(
                kind=kind,
                outcomes=outcomes,
                waiting=unclaimed.filter(end_date__gt=last).count(),
                missed=unclaimed.filter(end_date__lt=first).count(),
                round_ids=list(rounds.order_by("pk").values_list("pk", flat=True)),
            )
        )
    return statuses


# --- results --------------------------------------------------------------------------------


def _in_period(path: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{path}__gte": local_midnight(start)})
    if end is not None:
        q &= Q(**{f"{path}__lt": local_midnight(end + dt.timedelta(days=1))})
    return q


def exit_answer_units(
    *,
    access: ProjectAccess,
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_id: int | None = None,
    codes: list[str] | None = None,
    round_id: int | None = None,
) -> QuerySet:
    """One row per submitted answer (Ja or Nej) to an indicator question of `kind`:
    unit (the response), code, gender (surveys.selectors.response_gender), ym (month
    submitted, Stockholm), yes (1 for Ja). Submitted in the period, in the access's scope."""
    from . import _submitted, response_gender

    wanted = codes or [indicator.code(kind) for indicator in INDICATORS]
    qs = Answer.objects.filter(
        _submitted(access, organisation_id),
        _in_period("response__submitted_at", start, end),
        response__round__purpose=PURPOSE[ExitKind(kind)],
        question__code__in=wanted,
        value_int__in=ANSWERED_VALUES,
    )
    if round_id is not None:
        qs = qs.filter(response__round_id=round_id)
    return qs.order_by().values(
        unit=F("response_id"),
        code=F("question__code"),
        gender=response_gender("response", access.project),
        ym=ExtractYear("response__submitted_at", tzinfo=STOCKHOLM) * 100
        + ExtractMonth("response__submitted_at", tzinfo=STOCKHOLM),
        yes=Case(When(value_int=YES, then=V(1)), default=V(0), output_field=IntegerField()),
    )


def percent(part: int, whole: int) -> Decimal | None:
    """A share as every page, file and goal shows it: one decimal, half up."""
    if not whole:
        return None
    return round_half_up(Decimal(part * 100) / Decimal(whole), 1)


@dataclass
class Cell:
    """One gender's (or everyone's) figure for one indicator: answered (n), Ja, share Ja.
    `yes` and `share` are None when suppressed (suppression.hidden_groups)."""

    gender: str
    n: int
    yes: int | None
    share: Decimal | None
    suppressed: bool = False
    secondary: bool = False


@dataclass
class IndicatorFigure:
    indicator: Indicator
    code: str
    cells: list[Cell]  # genders_for(access), then "total"

    @property
    def total(self) -> Cell:
        return self.cells[-1]


def exit_indicator_figures(
    *,
    access: ProjectAccess,
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_id: int | None = None,
    round_id: int | None = None,
) -> list[IndicatorFigure]:
    """Per indicator question: respondents who answered it, how many said Ja and the
    share, by gender and in total, with the project's suppression rule (a gender with
    fewer answers than the threshold is hidden, and so is the smallest other one when the
    total would reveal it; a total under the threshold is hidden). One query."""
    units = exit_answer_units(
        access=access,
        kind=kind,
        start=start,
        end=end,
        organisation_id=organisation_id,
        round_id=round_id,
    )
    counted: dict[tuple[str, str], tuple[int, int]] = {}
    for row in units.values("code", "gender").annotate(n=Count("unit"), y=Sum("yes")):
        counted[(row["code"], row["gender"])] = (row["n"], row["y"] or 0)
    threshold = access.project.survey_anonymity_threshold
    genders = genders_for(access)
    figures = []
    for indicator in INDICATORS:
        code = indicator.code(kind)
        by_gender = {g: counted.get((code, g), (0, 0)) for g in genders}
        n_total = sum(n for (c, _g), (n, _y) in counted.items() if c == code)
        y_total = sum(y for (c, _g), (_n, y) in counted.items() if c == code)
        hidden = suppression.hidden_groups(
            {g: n for g, (n, _y) in by_gender.items()}, total=n_total, threshold=threshold
        )
        cells = [_cell(g, n, y, hidden.get(g)) for g, (n, y) in by_gender.items()]
        cells.append(
            _cell("total", n_total, y_total, "too_few" if 0 < n_total < threshold else None)
        )
        figures.append(IndicatorFigure(indicator, code, cells))
    return figures


def _cell(gender: str, n: int, yes: int, why: str | None) -> Cell:
    if why:
        return Cell(gender, n, None, None, suppressed=True, secondary=why == "protects")
    return Cell(gender, n, yes, percent(yes, n))


@dataclass
class RateRow:
    gender: str
    sent: int
    answered: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.answered, self.sent)


def exit_response_rates(
    *,
    access: ProjectAccess,
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_id: int | None = None,
) -> list[RateRow]:
    """Surveys of `kind` sent in the period and how many of them were answered, by the
    participant's reported gender and in total (a response rate is not an answer: it is
    not suppressed, as for every round). One query."""
    qs = ExitDispatch.objects.filter(
        access.participation_q("participation"),
        _in_period("sent_at", start, end),
        kind=kind,
        outcome=ExitDispatch.Outcome.SENT,
        participation__project=access.project,
    )
    if organisation_id is not None:
        qs = qs.filter(participation__organisation_id=organisation_id)
    rows = {
        row["g"]: (row["sent"], row["answered"])
        for row in qs.values(g=reported_gender(access.project, "participation"))
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(invitation__used_at__isnull=False)),
        )
        .order_by()
    }
    result = [RateRow(g, *rows.get(g, (0, 0))) for g in genders_for(access)]
    result.append(
        RateRow(
            "total",
            sum(s for s, _a in rows.values()),
            sum(a for _s, a in rows.values()),
        )
    )
    return result


def exit_closes_at(*, invitation_id: int) -> dt.datetime | None:
    """When an exit link stops taking answers (None: not an exit link)."""
    return (
        ExitDispatch.objects.filter(invitation_id=invitation_id)
        .values_list("closes_at", flat=True)
        .first()
    )


def submitted_responses(*, access: ProjectAccess, kind: str) -> QuerySet[Response]:
    """The submitted responses to a kind's rounds, in scope (for counts on the page)."""
    from . import _submitted

    return Response.objects.filter(
        _submitted(access, path=""), round__purpose=PURPOSE[ExitKind(kind)]
    )
