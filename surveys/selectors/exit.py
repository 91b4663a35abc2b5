"""Reads of the exit questionnaire and the follow-up after exit: whose survey is due, what
was sent or skipped, and the answers the results are counted from (exit_answer_units; the
figures themselves are in .exit_results)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, When
from django.db.models import Value as V
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from digiproj.dates import STOCKHOLM, add_months, local_midnight
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

from ..exit_questions import INDICATORS, YES, YES_NO
from ..models import Answer, ExitDispatch, ExitKind, ExitSurveySettings, Round
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
    kinds: list[ExitKind],
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation_id: int | None = None,
    codes: list[str] | None = None,
    round_id: int | None = None,
) -> QuerySet:
    """One row per submitted answer (Ja or Nej) to an indicator question of the kinds
    (or only the questions of `codes`):
    unit (the response), code, gender (surveys.selectors.response_gender), ym (month
    submitted, Stockholm), yes (1 for Ja). Submitted in the period, in the access's scope."""
    from . import _submitted, response_gender

    wanted = codes or [indicator.code(kind) for kind in kinds for indicator in INDICATORS]
    qs = Answer.objects.filter(
        _submitted(access, organisation_id),
        _in_period("response__submitted_at", start, end),
        response__round__purpose__in=[PURPOSE[kind] for kind in kinds],
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


def exit_closes_at(*, invitation_id: int) -> dt.datetime | None:
    """When an exit link stops taking answers (None: not an exit link)."""
    return (
        ExitDispatch.objects.filter(invitation_id=invitation_id)
        .values_list("closes_at", flat=True)
        .first()
    )
