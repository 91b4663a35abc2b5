"""Report queries. Every figure is a conditional aggregate in the database; the same filters
serve the figure and the list of rows behind it (drill-down), so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict, overload

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.db.models.lookups import GreaterThan

from digiproj.collation import swedish, swedish_key
from digiproj.dates import month_start, months_between
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from participants.models import Participation

from . import scb_checks
from .definitions import AGE_BANDS


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def measure_q(measure: str, period: Period) -> Q:
    """The rows a measure counts (see definitions.MEASURE_DEFINITIONS)."""
    if measure == "started":
        return Q(start_date__gte=period.start, start_date__lte=period.end)
    if measure == "active":
        return Q(start_date__lte=period.end) & (
            Q(end_date__isnull=True) | Q(end_date__gte=period.start)
        )
    if measure == "ended":
        return Q(end_date__gte=period.start, end_date__lte=period.end)
    raise ValueError(measure)


class AgeInYears(Func):
    """Whole years from the second date to the first (age at a date). PostgreSQL has age();
    elsewhere the portable year/month/day arithmetic below."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="date_part('year', age(%(expressions)s))::integer",
            **extra,
        )

    def as_sql(self, compiler, connection, **extra):
        if "template" in extra:
            return super().as_sql(compiler, connection, **extra)
        at, born = self.source_expressions
        # A year less while the birthday (month*100+day) is still ahead at the date.
        portable = (
            ExtractYear(at)
            - ExtractYear(born)
            - Case(
                When(
                    GreaterThan(
                        ExtractMonth(born) * 100 + ExtractDay(born),
                        ExtractMonth(at) * 100 + ExtractDay(at),
                    ),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        return compiler.compile(portable.resolve_expression(compiler.query))


class ReportAnnotations(TypedDict):
    """What participations_for_report adds to every participation."""

    reported_gender: str


class AgeAnnotations(ReportAnnotations):
    """... and, unless left out, the age at start and its band."""

    age_at_start: int
    age_band: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # Participations as the reports read them (mypy follows annotate()).
    ReportParticipation = WithAnnotations[Participation, ReportAnnotations]
    AgedParticipation = WithAnnotations[Participation, AgeAnnotations]


@overload
def participations_for_report(
    *, access: ProjectAccess, organisation_id: int | None = None, with_age: Literal[True] = True
) -> QuerySet[AgedParticipation]: ...
@overload
def participations_for_report(
    *, access: ProjectAccess, organisation_id: int | None = None, with_age: bool
) -> QuerySet[ReportParticipation]: ...
def participations_for_report(
    *, access: ProjectAccess, organisation_id: int | None = None, with_age: bool = True
) -> QuerySet[ReportParticipation] | QuerySet[AgedParticipation]:
    """The scoped participations a report counts, annotated with the gender reported for the
    project (`reported_gender`) and age and age band (the age arithmetic is left out where a
    query does not need it)."""
    qs = participant_selectors.participation_list(access=access).annotate(
        reported_gender=participant_selectors.reported_gender(access.project)
    )
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if not with_age:
        return qs
    bands = AGE_BANDS[access.project.programme_period]
    band_whens = []
    for band in bands:
        cond = Q()
        if band.min_age is not None:
            cond &= Q(age_at_start__gte=band.min_age)
        if band.max_age is not None:
            cond &= Q(age_at_start__lte=band.max_age)
        band_whens.append(When(cond, then=Value(band.key)))
    return qs.annotate(age_at_start=AgeInYears("start_date", "person__birth_date")).annotate(
        age_band=Case(*band_whens, default=Value(""))
    )


# Dimension key -> the field grouped on (after participations_for_report's annotations).
DIMENSIONS = {
    "total": None,
    "gender": "reported_gender",
    "age_band": "age_band",
    "isced": "isced",
    "role_group": "role_group",
    "organisation": "organisation_id",
    "end_reason": "end_reason",
}


def indicator_columns(access: ProjectAccess) -> list[tuple[str, str]]:
    """(measure, gender or 'total') for every figure column of an indicator table."""
    return [
        (measure, gender)
        for measure in ("started", "active", "ended")
        for gender in [*participant_selectors.genders_for(access), "total"]
    ]


def figure_q(measure: str, gender: str, period: Period) -> Q:
    q = measure_q(measure, period)
    if gender != "total":
        q &= Q(reported_gender=gender)
    return q


def indicator_breakdown(
    *, access: ProjectAccess, period: Period, dimension: str, organisation_id: int | None = None
) -> list[dict]:
    """One row per value of the dimension, one aggregate per (measure, gender); one query."""
    qs = participations_for_report(
        access=access, organisation_id=organisation_id, with_age=dimension == "age_band"
    )
    field = DIMENSIONS[dimension]
    aggregates = {
        f"{measure}_{gender}": Count("pk", filter=figure_q(measure, gender, period))
        for measure, gender in indicator_columns(access)
    }
    if field is None:
        return [{"key": "total", **qs.aggregate(**aggregates)}]
    extra = ["organisation__name"] if dimension == "organisation" else []
    rows = [
        {"key": row.pop(field), **row}
        for row in qs.values(field, *extra).annotate(**aggregates).order_by()
    ]
    return sorted(rows, key=_row_order(access, dimension))


def _row_order(access: ProjectAccess, dimension: str) -> Callable[[dict], Any]:
    """The order of a breakdown's rows: bands (age, ISCED) in their own order, names and
    labels in Swedish alphabetical order; an empty value (not ended …) last."""
    if dimension in ("age_band", "isced"):
        order = (
            [band.key for band in AGE_BANDS[access.project.programme_period]]
            if dimension == "age_band"
            else list(Participation.Isced.values)
        )
        return lambda row: order.index(row["key"]) if row["key"] in order else len(order)
    if dimension == "organisation":
        return lambda row: swedish_key(row.pop("organisation__name") or "")
    labels = dict(
        Participation.RoleGroup.choices
        if dimension == "role_group"
        else Participation.EndReason.choices
        if dimension == "end_reason"
        else {}
    )
    return lambda row: (row["key"] in (None, ""), swedish_key(str(labels.get(row["key"], ""))))


def drilldown_rows(
    *,
    access: ProjectAccess,
    period: Period,
    measure: str,
    gender: str,
    dimension: str = "total",
    value: str | int | None = None,
    organisation_id: int | None = None,
) -> QuerySet[Participation]:
    """The participations behind one figure: exactly the rows its Count counts."""
    qs = participations_for_report(access=access, organisation_id=organisation_id).filter(
        figure_q(measure, gender, period)
    )
    field = DIMENSIONS[dimension]
    if field is not None:
        qs = qs.filter(**{field: value})
    return qs.order_by(swedish("last_name"), swedish("first_name"), "pk")


def participant_register(
    *, access: ProjectAccess, period: Period, organisation_id: int | None = None
) -> QuerySet[AgedParticipation]:
    """Deltagarförteckning: everyone active at some point in the period."""
    return (
        participations_for_report(access=access, organisation_id=organisation_id)
        .filter(measure_q("active", period))
        .order_by(
            swedish("organisation__name"),
            swedish("last_name"),
            swedish("first_name"),
            "pk",
        )
    )


# --- SCB participant file -------------------------------------------------------------------


def scb_rows(
    *, access: ProjectAccess, period: Period, organisation_id: int | None
) -> QuerySet[Participation]:
    """The month's SCB rows: new participants (start in the period) and ended ones (end in
    the period), one row per participation, ordered by personnummer. Scoped like every other
    report (participations_for_report), so a file ordered for one organisation holds only its
    participants, and only they are logged as revealed."""
    return (
        participations_for_report(access=access, organisation_id=organisation_id, with_age=False)
        .filter(measure_q("started", period) | measure_q("ended", period))
        .order_by("person__personnummer", "pk")
    )


def _date_number(field: str) -> Any:
    return ExtractYear(field) * 10_000 + ExtractMonth(field) * 100 + ExtractDay(field)


def scb_month_figures(*, access: ProjectAccess) -> dict[dt.date, dict[str, Any]]:
    """Per month: new and ended counts and a fingerprint of the rows, in two queries.

    The fingerprint is an order-independent sum over the rows (personnummer and dates), so
    any correction of a number or a date in a month changes it. It detects changes; it is not
    the file's checksum (that is the report run's).
    """
    base = participant_selectors.participation_list(access=access)
    pnr = Cast("person__personnummer", BigIntegerField())
    new = (
        base.annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(count=Count("pk"), weight=Sum(pnr % 1_000_003 * 7 + _date_number("start_date")))
    )
    ended = (
        base.filter(end_date__isnull=False)
        .annotate(month=TruncMonth("end_date"))
        .values("month")
        .annotate(
            count=Count("pk"),
            weight=Sum(
                pnr % 1_000_003 * 11 + _date_number("end_date") * 3 + _date_number("start_date")
            ),
        )
    )
    figures: dict[dt.date, dict[str, Any]] = {}
    for kind, rows in (("new", new), ("ended", ended)):
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
            entry = figures.setdefault(month, {"new": 0, "ended": 0, "new_w": 0, "ended_w": 0})
            entry[kind] = row["count"]
            entry[f"{kind}_w"] = int(row["weight"] or 0)
    for entry in figures.values():
        entry["fingerprint"] = (
            f"{entry['new']}:{entry['new_w']}|{entry['ended']}:{entry['ended_w']}"
        )
    return figures


@dataclass
class ScbMonth:
    month: dt.date
    new: int
    ended: int
    fingerprint: str
    sent_at: dt.datetime | None
    sent_by: str
    status: str  # not_sent | sent | changed | resend
    problems: list[scb_checks.ScbProblem] = field(default_factory=list)

    @property
    def has_rows(self) -> bool:
        return bool(self.new or self.ended)

    @property
    def file_problems(self) -> list[scb_checks.ScbProblem]:
        """What stops the file being made (marking sent also waits for the rest)."""
        return [p for p in self.problems if p.blocks_file]

    @property
    def row_problems(self) -> list[scb_checks.ScbProblem]:
        """The problems a participant's data cause (each mended on their page)."""
        return [p for p in self.problems if p.participation_id is not None]

    @property
    def waiting_for(self) -> dt.date | None:
        """The earlier month to send first, if any."""
        return next((p.month_to_send for p in self.problems if p.month_to_send), None)

    @property
    def in_progress(self) -> bool:
        return any(p.code == "month_not_over" for p in self.problems)


def scb_overview(*, access: ProjectAccess, today: dt.date, checks: bool = True) -> list[ScbMonth]:
    """Every month of the project up to today, with what was sent, what must be resent, and
    what SCB's upload would refuse in each month not yet sent as it is now.

    SCB reads the files in order of the month: when an earlier month is corrected (its data
    differ from what was sent) or sent again, every later month already sent must be sent
    again after it. `checks=False`: the statuses only, without reading the rows (a
    dashboard's to-do)."""
    from .models import ScbSubmission

    figures = scb_month_figures(access=access)
    latest: dict[dt.date, Any] = {}
    for submission in (
        ScbSubmission.objects.filter(project=access.project)
        .select_related("sent_by")
        .order_by("month", "sent_at")
    ):
        latest[submission.month] = submission  # the last one sent for the month wins
    project = access.project
    months = []
    for month in months_between(project.start_date, min(project.end_date, today)):
        fig = figures.get(month, {"new": 0, "ended": 0, "fingerprint": "0:0|0:0"})
        sent = latest.get(month)
        if sent is None:
            status = "not_sent"
        elif sent.fingerprint != fig["fingerprint"]:
            status = "changed"
        else:
            status = "sent"
        months.append(
            ScbMonth(
                month,
                fig["new"],
                fig["ended"],
                fig["fingerprint"],
                sent.sent_at if sent else None,
                sent.sent_by.email if sent else "",
                status,
            )
        )
    # In order: a sent month is resent when an earlier one changed or went after it; a month
    # waits for the earliest earlier month with rows that is not (or no longer) sent.
    waiting_for: dt.date | None = None
    last_sent_at: dt.datetime | None = None
    earlier_changed = False
    for entry in months:
        sent_before_earlier = (
            entry.sent_at is not None and last_sent_at is not None and entry.sent_at < last_sent_at
        )
        if entry.status == "sent" and (earlier_changed or sent_before_earlier):
            entry.status = "resend"
        entry.problems = scb_checks.month_problems(
            month=entry.month, today=today, earlier_unsent=waiting_for
        )
        if entry.status == "changed":
            earlier_changed = True
        if entry.sent_at is not None and (entry.has_rows or entry.status == "changed"):
            last_sent_at = max(last_sent_at or entry.sent_at, entry.sent_at)
        if waiting_for is None and entry.status != "sent" and (entry.has_rows or entry.sent_at):
            waiting_for = entry.month
    unsent = {m.month: m for m in months if m.status != "sent"} if checks else {}
    for month, problems in scb_checks.row_problems(access=access, months=unsent).items():
        unsent[month].problems.extend(problems)
    return months


def scb_month(*, access: ProjectAccess, month: dt.date, today: dt.date) -> ScbMonth | None:
    """One month of the overview (None outside the project's months up to today)."""
    return next((m for m in scb_overview(access=access, today=today) if m.month == month), None)


def scb_months_to_send(*, access: ProjectAccess, today: dt.date) -> list[ScbMonth]:
    """Months over whose file SCB has not got as it is now: not sent with new or ended
    participants, changed after sending, or to send again after an earlier one."""
    return [
        m
        for m in scb_overview(access=access, today=today, checks=False)
        if m.month < month_start(today)
        and (m.status in ("changed", "resend") or (m.status == "not_sent" and m.has_rows))
    ]


def report_runs_failed(*, access: ProjectAccess, since: dt.datetime) -> QuerySet[Any]:
    """Report runs that failed since `since`, the user's own (a coordinator: everyone's in
    the project), newest first, unless the same report was made since."""
    from .models import ReportRun

    runs = ReportRun.objects.filter(
        project=access.project, status=ReportRun.Status.FAILED, created_at__gte=since
    )
    if not access.is_coordinator:
        runs = runs.filter(requested_by_id=access.user_id)
    made_since = ReportRun.objects.filter(
        project=access.project,
        kind=OuterRef("kind"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        status=ReportRun.Status.DONE,
        pk__gt=OuterRef("pk"),  # ordered later (ids grow)
    )
    return runs.exclude(Exists(made_since)).order_by("-created_at", "-pk")
