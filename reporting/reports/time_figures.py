"""The time engine behind Tid och medfinansiering: counted minutes per participant and month,
whether the month is certified, and the value of certified time as co-financing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from activities import hours as counted_time
from activities.selectors import certificates as certificate_selectors
from activities.selectors import statistics as activity_statistics
from activities.selectors import time_totals
from digiproj.collation import swedish_key
from digiproj.numbers import round_half_up
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from reporting import selectors
from reporting.selectors import Period

FLOOR_MONTH = Project.HourRounding.FLOOR_MONTH

# What a participation row of the file and page holds. reported_gender is an annotation of
# selectors.participations_for_report, which the stubs cannot see: hence names, not literals.
PERSON_FIELDS = [
    "pk",
    "last_name",
    "first_name",
    "person__personnummer",
    "reported_gender",
    "organisation_id",
    "organisation__name",
    "organisation__organisationsnummer",
    "annual_salary_cost",
]


def to_ore(value: Decimal) -> Decimal:
    """An amount in kronor to öre, half up (a sum of amounts already to öre stays as it is)."""
    rounded = round_half_up(value, 2)
    assert rounded is not None  # a Decimal in, a Decimal out
    return rounded


def cofinancing_value(
    *,
    minutes: int,
    rounding: str,
    unit_cost: Decimal | None = None,
    annual_cost: Decimal | None = None,
    basis: int | None = None,
) -> Decimal:
    """The value of one certified person-month, rounded once, to öre (half up).

    Unit cost: the month's reported hours (hours_for_month) × the unit cost per hour.
    Real cost: the hours × annual cost / annual hours basis, where the hours are the
    exact minutes / 60 (or the whole hours where the project rounds down per month); the
    hourly cost is never rounded on the way."""
    if unit_cost is not None:
        hours = counted_time.hours_for_month(minutes, rounding)
        return to_ore(hours * unit_cost)
    if annual_cost is None or not basis:
        raise ValueError("a unit cost, or an annual cost and a basis")
    exact = Decimal(minutes // 60 * 60) if rounding == FLOOR_MONTH else Decimal(minutes)
    return to_ore(exact * annual_cost / (60 * basis))


def valued_until(project: Project, period: Period) -> dt.date:
    """The last day of the period whose time is valued: the day before the closing phase
    where it starts within the period (time from its first day is shown apart)."""
    if project.closing_start and project.closing_start <= period.end:
        return project.closing_start - dt.timedelta(days=1)
    return period.end


class TimeValuation:
    """The hourly value and the value of a certified person-month by the project's method,
    and the warnings for what cannot be valued: one rule for the page (TimeFigures) and
    the streamed file (time_file)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.rates = dict(project.unit_costs.values_list("year", "sek_per_hour"))
        self.warnings: set[str] = set()

    def rate_for(self, person: dict, month: dt.date) -> Decimal | None:
        """The hourly value shown: the unit cost, or the participant's hourly cost to öre
        (shown only; the value itself is computed unrounded, see cofinancing_value)."""
        project = self.project
        if project.cofinancing_method == project.CofinancingMethod.UNIT_COST:
            year = project.unit_cost_year or month.year
            if year not in self.rates:
                self.warnings.add(
                    _("Enhetskostnad saknas för %(year)s: timmarna är inte värderade.")
                    % {"year": year}
                )
                return None
            return self.rates[year]
        if person["annual_salary_cost"] is None:
            self.warnings.add(
                _("Årlig lönekostnad saknas för några deltagare: deras timmar är inte värderade.")
            )
            return None
        return round_half_up(person["annual_salary_cost"] / project.annual_hours_basis, 2)

    def value_for(self, person: dict, month: dt.date, minutes: int) -> Decimal | None:
        """The co-financing value of a certified person-month (None: cannot be valued)."""
        project = self.project
        if self.rate_for(person, month) is None:
            return None
        if project.cofinancing_method == project.CofinancingMethod.UNIT_COST:
            return cofinancing_value(
                minutes=minutes,
                rounding=project.hour_rounding,
                unit_cost=self.rates[project.unit_cost_year or month.year],
            )
        return cofinancing_value(
            minutes=minutes,
            rounding=project.hour_rounding,
            annual_cost=person["annual_salary_cost"],
            basis=project.annual_hours_basis,
        )


class TimeFigures(TimeValuation):
    """Hours per participant and month, whether the month is certified, and its value as
    co-financing: what the Tid och medfinansiering page shows (the file streams the same
    figures: time_file). Each source is aggregated in the database; this only combines
    the aggregated rows."""

    def __init__(
        self,
        *,
        access: ProjectAccess,
        period: Period,
        organisation_id: int | None,
    ) -> None:
        super().__init__(access.project)
        project = access.project
        participations = selectors.participations_for_report(
            access=access, organisation_id=organisation_id, with_age=False
        )
        # Days are counted in [start, end], both included. Time from the closing phase's
        # first day is shown apart and never valued.
        last = valued_until(project, period)
        eligible = last >= period.start
        self.monthly = (
            time_totals.hours_by_month(participations=participations, start=period.start, end=last)
            if eligible
            else {}
        )
        self.closing = (
            time_totals.hours_by_month(
                participations=participations,
                start=max(period.start, last + dt.timedelta(days=1)),
                end=period.end,
            )
            if last < period.end
            else {}
        )
        # A signed certificate certifies its whole month; the minutes valued are those above
        # (days in the period, before the closing phase).
        self.certified = (
            certificate_selectors.certified_months(
                participations=participations, start=period.start, end=last
            )
            if eligible
            else set()
        )
        # Recorded on days outside the participation's start and end: not counted anywhere.
        self.outside_minutes = activity_statistics.minutes_outside_participation(
            participations=participations, start=period.start, end=period.end
        )
        # Everyone in scope, not only those with time: a list of 100,000 ids in the query
        # cost more than the rows it saved.
        self.people = {row["pk"]: row for row in participations.values(*PERSON_FIELDS)}

    def sorted_keys(self, month: dt.date | None = None) -> list[tuple[int, dt.date]]:
        """The person-months with time (of one month, or all), in the file's order."""
        people = self.people
        keys = set(self.monthly) | set(self.closing)
        return sorted(
            keys if month is None else {k for k in keys if k[1] == month},
            key=lambda k: (
                swedish_key(people[k[0]]["organisation__name"]),
                swedish_key(people[k[0]]["last_name"]),
                swedish_key(people[k[0]]["first_name"]),
                k[0],
                k[1],
            ),
        )

    def figures(
        self, pid: int, month: dt.date
    ) -> tuple[int, Decimal, bool, Decimal | None, Decimal | None]:
        """(minutes, reported hours, certified, hourly value, value) of one person-month."""
        minutes = self.monthly.get((pid, month), 0)
        hours = counted_time.hours_for_month(minutes, self.project.hour_rounding)
        is_certified = (pid, month) in self.certified
        rate = self.rate_for(self.people[pid], month) if is_certified and hours else None
        value = self.value_for(self.people[pid], month, minutes) if rate is not None else None
        return minutes, hours, is_certified, rate, value
