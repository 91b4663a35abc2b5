"""Aktiviteter: activities and sessions held, with enrolment, attendance and hours by gender.
ActivitiesPresenter holds the figures that the page and the file both show."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from activities.models import Activity
from activities.selectors import statistics as activity_statistics
from digiproj.collation import swedish
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from participants.models import Participation
from participants.selectors import gender_labels, genders_for
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period

if TYPE_CHECKING:  # reporting.forms imports the reports (their registry)
    from reporting.forms import FigureParams

from .base import (
    COUNTED_TIME_RULE,
    Progress,
    hours_of,
)


@dataclass(frozen=True)
class ActivityFigures:
    """One activity type (activity_id None) or one activity: sessions held, people enrolled,
    and per gender and "total" the people present, their counted minutes and those as hours
    (two decimals, per gender from its own minutes)."""

    kind: str
    kind_label: str
    activity_id: int | None
    title: str | None
    activities: int | None  # a type's number of activities
    sessions_held: int
    enrolled: int
    present: dict[str, int]
    minutes: dict[str, int]
    hours: dict[str, Decimal]

    @property
    def label(self) -> str:
        return self.kind_label if self.title is None else self.title


@dataclass
class ActivitiesPresenter:
    """Aktiviteter for a period (and organisation): per type and per activity, each read
    once (activity_statistics)."""

    access: ProjectAccess
    period: Period
    organisation_id: int | None
    genders: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.genders = [*genders_for(self.access)]

    @cached_property
    def per_kind(self) -> list[ActivityFigures]:
        return self._figures(by_kind=True)

    @cached_property
    def per_activity(self) -> list[ActivityFigures]:
        return self._figures(by_kind=False)

    def _figures(self, *, by_kind: bool) -> list[ActivityFigures]:
        rows = activity_statistics.activity_statistics(
            access=self.access,
            start=self.period.start,
            end=self.period.end,
            organisation_id=self.organisation_id,
            genders=tuple(self.genders),
            group_by_kind=by_kind,
        )
        kinds, keys = dict(Activity.Kind.choices), (*self.genders, "total")
        return [
            ActivityFigures(
                kind=row["kind"],
                kind_label=str(kinds.get(row["kind"], row["kind"])),
                activity_id=None if by_kind else row["pk"],
                title=None if by_kind else row["title"],
                activities=row["activities"] if by_kind else None,
                sessions_held=row["sessions_held"],
                enrolled=row["enrolled"],
                present={g: row[f"present_{g}"] for g in keys},
                minutes={g: row[f"minutes_{g}"] for g in keys},
                hours={g: hours_of(row[f"minutes_{g}"]) for g in keys},
            )
            for row in rows
        ]


@dataclass(frozen=True)
class PersonMinutes:
    """A person behind a figure of the page: counted minutes present and self-reported."""

    participation: Participation
    present: int
    own: int
    attended: bool

    @property
    def minutes(self) -> int:
        return self.present + self.own


def people_behind(*, access: ProjectAccess, query: FigureParams) -> list[PersonMinutes]:
    """The people behind one figure of activity_statistics, with their minutes (the same
    counted rows), in Swedish name order. The figure: one activity, one type or (neither)
    every activity; a gender or "total"; only those present, or (enrolled) those enrolled
    instead of those counted."""
    start, end, org = query.period.start, query.period.end, query.organisation_id
    figures = activity_statistics.activity_people(
        access=access,
        start=start,
        end=end,
        activity_id=query.activity,
        kind=query.kind,
        organisation_id=org,
    )
    wanted = set(figures)
    if query.enrolled:
        wanted = activity_statistics.activity_enrolled(
            access=access,
            start=start,
            end=end,
            activity_id=query.activity,
            kind=query.kind,
            organisation_id=org,
        )
    people = participant_selectors.participation_list(access=access).filter(pk__in=wanted)
    if query.gender != "total":
        people = people.alias(
            reported_gender=participant_selectors.reported_gender(access.project)
        ).filter(reported_gender=query.gender)
    rows = []
    for participation in people.order_by(swedish("last_name"), swedish("first_name"), "pk"):
        minutes = figures.get(participation.pk, {"present": 0, "own": 0})
        if query.present and not minutes.get("attended"):
            continue
        rows.append(
            PersonMinutes(
                participation=participation,
                present=minutes["present"],
                own=minutes["own"],
                attended=bool(minutes.get("attended")),
            )
        )
    return rows


@dataclass(frozen=True)
class Activities:
    """Aktiviteter: activities and sessions held, by type, with enrolment, attendance and
    hours by gender."""

    title = "Aktiviteter"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        figures = ActivitiesPresenter(
            access=access, period=period, organisation_id=run.organisation_id
        )
        per_kind = _table(figures.per_kind, figures.genders, by_kind=True)
        progress(40)
        per_activity = _table(figures.per_activity, figures.genders, by_kind=False)
        progress(70)
        return [per_kind, per_activity]

    def definitions(self) -> list[str]:
        return [
            _("Tillfällen: tillfällen som börjar i perioden (svensk tid)."),
            _(
                "Anmälda: deltagare med en gällande anmälan (inte reserv eller avbokad) till "
                "något av periodens tillfällen."
            ),
            _(
                "Närvarande: deltagare markerade som närvarande vid minst ett av periodens "
                "tillfällen, räknade en gång per aktivitet."
            ),
            _(
                "Timmar: närvarominuter plus godkänd egenrapporterad tid i perioden, delat med "
                "60, utan avrundning per månad."
            ),
            str(COUNTED_TIME_RULE),
        ]


def _table(rows: list[ActivityFigures], genders: list[str], *, by_kind: bool) -> Table:
    g, keys = gender_labels(), (*genders, "total")
    first = (
        [Column(_("Typ"), "text", 24), Column(_("Aktiviteter"), "int", 11)]
        if by_kind
        else [Column(_("Aktivitet"), "text", 36), Column(_("Typ"), "text", 20)]
    )
    lines: list[list[Any]] = [
        ([row.kind_label, row.activities] if by_kind else [row.title, row.kind_label])
        + [row.sessions_held, row.enrolled]
        + [row.present[x] for x in keys]
        + [row.hours[x] for x in keys]
        for row in rows
    ]
    return Table(
        title=_("Per typ") if by_kind else _("Per aktivitet"),
        columns=first
        + [Column(_("Tillfällen"), "int", 11), Column(_("Anmälda"), "int", 10)]
        + [Column(_("Närvarande %(g)s") % {"g": g[x]}, "int", 12) for x in keys]
        + [Column(_("Timmar %(g)s") % {"g": g[x]}, "decimal", 12) for x in keys],
        rows=lines,
    )
