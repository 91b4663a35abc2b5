"""The results of the exit questionnaire and the follow-up after exit, by gender.

Each figure is computed once, here: the survey results page, the exit page, the
Indikatorer report (page and file) and the goals app read exit_results or, for a goal,
aggregate exit_answer_units (selectors.exit), which these figures are counted from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from digiproj.numbers import round_half_up
from digiproj.projects.permissions import ProjectAccess
from participants.selectors import gender_labels, genders_for, reported_gender

from .. import suppression
from ..exit_questions import INDICATORS, Indicator
from ..models import ExitDispatch, ExitKind, Round
from .exit import PURPOSE, _in_period, exit_answer_units


def percent(part: int, whole: int) -> Decimal | None:
    """A share as every page, file and goal shows it: one decimal, half up."""
    if not whole:
        return None
    return round_half_up(Decimal(part * 100) / Decimal(whole), 1)


def gender_label(gender: str) -> str:
    """Kvinnor, Män, Icke-binära, Totalt: as figures and files name them."""
    return gender_labels().get(gender, gender or "–").capitalize()


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

    @property
    def label(self) -> str:
        return gender_label(self.gender)


@dataclass
class IndicatorFigure:
    indicator: Indicator
    code: str
    cells: list[Cell]  # genders_for(access), then "total"

    @property
    def total(self) -> Cell:
        return self.cells[-1]


@dataclass
class RateRow:
    gender: str
    sent: int
    answered: int

    @property
    def label(self) -> str:
        return gender_label(self.gender)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.answered, self.sent)


@dataclass
class ExitResults:
    """One kind's results: the indicator figures and the response rates, by gender."""

    kind: ExitKind
    figures: list[IndicatorFigure]
    rates: list[RateRow]
    threshold: int

    @property
    def label(self) -> str:
        return str(self.kind.label)

    @property
    def genders(self) -> list[str]:
        return [gender_label(row.gender) for row in self.rates]


@dataclass(frozen=True)
class Scope:
    start: dt.date | None = None
    end: dt.date | None = None
    organisation_id: int | None = None
    round_id: int | None = None


def _answers_counted(
    access: ProjectAccess, kinds: list[ExitKind], scope: Scope
) -> dict[tuple[str, str], tuple[int, int]]:
    """{(question code, gender): (answered, Ja)} for the kinds' indicator questions (their
    codes tell the kinds apart). One query."""
    units = exit_answer_units(
        access=access,
        kinds=kinds,
        start=scope.start,
        end=scope.end,
        organisation_id=scope.organisation_id,
        round_id=scope.round_id,
    )
    rows = units.values("code", "gender").annotate(n=Count("unit"), y=Sum("yes"))
    return {(row["code"], row["gender"]): (row["n"], row["y"] or 0) for row in rows}


def _figures(
    access: ProjectAccess, kind: ExitKind, counted: dict[tuple[str, str], tuple[int, int]]
) -> list[IndicatorFigure]:
    """Per indicator: answered, Ja and share by gender and in total, with the project's
    suppression rule (a gender under the threshold is hidden, and so is the smallest other
    one while the total would reveal it; a total under the threshold is hidden)."""
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
        too_few = "too_few" if 0 < n_total < threshold else None
        cells.append(_cell("total", n_total, y_total, too_few))
        figures.append(IndicatorFigure(indicator, code, cells))
    return figures


def _cell(gender: str, n: int, yes: int, why: str | None) -> Cell:
    if why:
        return Cell(gender, n, None, None, suppressed=True, secondary=why == "protects")
    return Cell(gender, n, yes, percent(yes, n))


def _rates_counted(
    access: ProjectAccess, kinds: list[ExitKind], scope: Scope
) -> dict[tuple[str, str], tuple[int, int]]:
    """{(kind, gender): (sent, answered)}: surveys sent in the period, by the participant's
    reported gender. One query."""
    qs = ExitDispatch.objects.filter(
        access.participation_q("participation"),
        _in_period("sent_at", scope.start, scope.end),
        kind__in=kinds,
        outcome=ExitDispatch.Outcome.SENT,
        participation__project=access.project,
    )
    if scope.organisation_id is not None:
        qs = qs.filter(participation__organisation_id=scope.organisation_id)
    if scope.round_id is not None:
        qs = qs.filter(invitation__round_id=scope.round_id)
    rows = (
        qs.values("kind", g=reported_gender(access.project, "participation"))
        .annotate(
            sent=Count("pk"), answered=Count("pk", filter=Q(invitation__used_at__isnull=False))
        )
        .order_by()
    )
    return {(row["kind"], row["g"]): (row["sent"], row["answered"]) for row in rows}


def _rates(
    access: ProjectAccess, kind: ExitKind, counted: dict[tuple[str, str], tuple[int, int]]
) -> list[RateRow]:
    """By gender and in total (a response rate is not an answer: never suppressed)."""
    mine = {g: values for (k, g), values in counted.items() if k == kind}
    result = [RateRow(g, *mine.get(g, (0, 0))) for g in genders_for(access)]
    result.append(
        RateRow("total", sum(s for s, _a in mine.values()), sum(a for _s, a in mine.values()))
    )
    return result


def exit_results(
    *,
    access: ProjectAccess,
    kinds: list[ExitKind] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_id: int | None = None,
    round_id: int | None = None,
) -> list[ExitResults]:
    """Per kind (both unless named): the indicator figures and the response rates, for
    answers submitted and surveys sent in the period, in the access's scope. Two queries
    whatever the number of kinds and respondents."""
    kinds = kinds or list(ExitKind)
    scope = Scope(start, end, organisation_id, round_id)
    answers = _answers_counted(access, kinds, scope)
    rates = _rates_counted(access, kinds, scope)
    threshold = access.project.survey_anonymity_threshold
    return [
        ExitResults(kind, _figures(access, kind, answers), _rates(access, kind, rates), threshold)
        for kind in kinds
    ]


def exit_indicator_figures(
    *, access: ProjectAccess, kind: ExitKind, **scope: dt.date | int | None
) -> list[IndicatorFigure]:
    """One kind's indicator figures (exit_results)."""
    return exit_results(access=access, kinds=[kind], **scope)[0].figures  # type: ignore[arg-type]


def exit_response_rates(
    *, access: ProjectAccess, kind: ExitKind, **scope: dt.date | int | None
) -> list[RateRow]:
    """One kind's response rates (exit_results)."""
    return exit_results(access=access, kinds=[kind], **scope)[0].rates  # type: ignore[arg-type]


def exit_kind_of_round(round_: Round) -> ExitKind | None:
    for kind, purpose in PURPOSE.items():
        if round_.purpose == purpose:
            return kind
    return None
