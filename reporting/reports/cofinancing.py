"""Tid och medfinansiering: hours per participant and month, certified or not, and their
value as co-financing. TimeFigures (time_figures.py) counts; the presenter here turns its
person-months into the page's figures, and TimeFile (time_file.py) streams the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from participants.selectors import genders_for
from reporting.builders import Table
from reporting.models import ReportRun
from reporting.selectors import Period

from .base import (
    COUNTED_TIME_RULE,
    Progress,
    hours_of,
)
from .time_figures import TimeFigures, to_ore
from .time_file import TimeFile


@dataclass(frozen=True)
class PersonMonth:
    """One participant's month: a row of "Per deltagare och månad" and of the page's
    drill-down. `counted` is False for a month with only closing-phase time."""

    participation_id: int
    month: dt.date
    last_name: str
    first_name: str
    personnummer: str  # in full: whoever shows it masks it (or not)
    gender: str
    organisation_id: int
    organisation: str
    organisationsnummer: str
    minutes: int
    hours: Decimal
    certified: bool
    rate: Decimal | None
    value: Decimal | None
    counted: bool

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def masked_personnummer(self) -> str:
        return pnr.mask(self.personnummer)


@dataclass(frozen=True)
class MonthFigures:
    """One month of the page: reported hours (certified and not) per gender and "total",
    and the value of the certified hours (to öre)."""

    month: dt.date
    certified: dict[str, Decimal]
    uncertified: dict[str, Decimal]
    value: Decimal


@dataclass
class TimePresenter:
    """Tid och medfinansiering's page figures, each computed once from TimeFigures: per
    month and gender, and the person-months behind a figure (the file streams the same
    figures: time_file.TimeFile)."""

    access: ProjectAccess
    period: Period
    organisation_id: int | None
    genders: list[str] = field(init=False)
    time: TimeFigures = field(init=False)

    def __post_init__(self) -> None:
        self.genders = [*genders_for(self.access)]
        self.time = TimeFigures(
            access=self.access,
            period=self.period,
            organisation_id=self.organisation_id,
        )

    def _person_month(self, pid: int, month: dt.date) -> PersonMonth:
        time, person = self.time, self.time.people[pid]
        minutes, hours, is_certified, rate, value = time.figures(pid, month)
        return PersonMonth(
            participation_id=pid,
            month=month,
            last_name=person["last_name"],
            first_name=person["first_name"],
            personnummer=person["person__personnummer"],
            gender=person["reported_gender"],
            organisation_id=person["organisation_id"],
            organisation=person["organisation__name"],
            organisationsnummer=person["organisation__organisationsnummer"],
            minutes=minutes,
            hours=hours,
            certified=is_certified,
            rate=rate,
            value=value,
            counted=(pid, month) in time.monthly,
        )

    @property
    def warnings(self) -> list[str]:
        return sorted(self.time.warnings)

    @property
    def outside_hours(self) -> Decimal | None:
        """Hours recorded outside the participations' dates (None: there are none)."""
        minutes = self.time.outside_minutes
        return hours_of(minutes) if minutes else None

    @cached_property
    def months(self) -> list[MonthFigures]:
        """Per month with counted time: hours per gender, certified and not, and the value."""
        keys = (*self.genders, "total")
        certified: dict[dt.date, dict[str, Decimal]] = {}
        uncertified: dict[dt.date, dict[str, Decimal]] = {}
        value: dict[dt.date, Decimal] = {}
        time, people = self.time, self.time.people
        # Straight from the counted person-months (closing-phase time is not in them): no
        # row objects, no order, for the 100,000s of them.
        for pid, month in time.monthly:
            _minutes, hours, is_certified, _rate, worth = time.figures(pid, month)
            if month not in value:
                certified[month] = dict.fromkeys(keys, Decimal(0))
                uncertified[month] = dict.fromkeys(keys, Decimal(0))
                value[month] = Decimal(0)
            cell = (certified if is_certified else uncertified)[month]
            for key in (people[pid]["reported_gender"], "total"):
                cell[key] = cell.get(key, Decimal(0)) + hours
            value[month] += worth or 0
        return [
            MonthFigures(month, certified[month], uncertified[month], to_ore(value[month]))
            for month in sorted(value)
        ]

    def rows(self, *, month: dt.date, gender: str, certified: bool | None) -> list[PersonMonth]:
        """The person-months behind one figure of `months` (certified None: both)."""
        return [
            row
            for row in (self._person_month(pid, m) for pid, m in self.time.sorted_keys(month))
            if row.counted
            and gender in ("total", row.gender)
            and certified in (None, row.certified)
        ]


@dataclass(frozen=True)
class TimeAndCofinancing:
    """Tid och medfinansiering: hours per participant per month (certified and not), per
    activity, and the value of certified time as co-financing by the project's method,
    summed by organisation, month and gender against the budget. Closing-phase time is
    shown but never valued."""

    title = "Tid och medfinansiering"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        """The tables, streamed as the file is written (time_file.TimeFile)."""
        tables = TimeFile(access=access, run=run, period=period).tables()
        progress(75)
        return tables

    def definitions(self) -> list[str]:
        return [
            _(
                "Timmar: närvarominuter plus godkänd egenrapporterad tid, summerade per deltagare "
                "och månad och avrundade enligt projektets inställning (hela timmar nedåt per "
                "månad i programområde 1 2014–2020)."
            ),
            _(
                "Intygad: månadens närvarorapport är underskriven av deltagaren och närmaste chef "
                "och uppgifterna har inte ändrats efter underskrifterna. Bara intygad tid värderas."
            ),
            _(
                "Värde: intygade timmar × enhetskostnaden (schablon för lönegrupp 1, utlysningens "
                "år eller timmarnas år enligt projektets inställning), eller intygade minuter / "
                "60 × deltagarens årliga lönekostnad inklusive sociala avgifter / projektets "
                "årsarbetstid. Värdet avrundas en gång, till öre; timkostnaden visas avrundad "
                "till öre."
            ),
            _("Avslutsfasen: tid från avslutsfasens första dag visas men värderas inte."),
            str(COUNTED_TIME_RULE),
        ]
