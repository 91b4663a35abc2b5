"""Tid och medfinansiering: hours per participant and month, certified or not, and their
value as co-financing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from activities import hours as counted_time
from activities.models import Activity
from activities.selectors import certificates as certificate_selectors
from activities.selectors import statistics as activity_statistics
from activities.selectors import time_totals
from digiproj.collation import swedish_key
from digiproj.numbers import round_half_up
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from reporting import selectors
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period

from .base import (
    COUNTED_TIME_RULE,
    OUTSIDE_LABEL,
    Progress,
    dimension_labels,
    gender_labels,
    hours_of,
)

FLOOR_MONTH = Project.HourRounding.FLOOR_MONTH


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
        return round_half_up(hours * unit_cost, 2)
    if annual_cost is None or not basis:
        raise ValueError("a unit cost, or an annual cost and a basis")
    exact = Decimal(minutes // 60 * 60) if rounding == FLOOR_MONTH else Decimal(minutes)
    return round_half_up(exact * annual_cost / (60 * basis), 2)


class TimeFigures:
    """Hours per participant and month, whether the month is certified, and its value as
    co-financing: what the Tid och medfinansiering file and page both show. Each source is
    aggregated in the database; this only combines the aggregated rows."""

    def __init__(
        self,
        *,
        access: ProjectAccess,
        period: Period,
        organisation_id: int | None,
        activities: bool = False,
    ) -> None:
        project = self.project = access.project
        participations = selectors.participations_for_report(
            access=access, organisation_id=organisation_id, with_age=False
        )
        # Days are counted in [start, end], both included. Time from the closing phase's
        # first day is shown apart and never valued.
        last = period.end
        if project.closing_start and project.closing_start <= period.end:
            last = project.closing_start - dt.timedelta(days=1)
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
        self.per_activity = (
            time_totals.minutes_by_month_and_activity(
                participations=participations, start=period.start, end=last
            )
            if activities and eligible
            else {}
        )
        # Recorded on days outside the participation's start and end: not counted anywhere.
        self.outside_minutes = activity_statistics.minutes_outside_participation(
            participations=participations, start=period.start, end=period.end
        )
        self.people = {
            row["pk"]: row
            for row in participations.filter(
                pk__in={pid for pid, _m in self.monthly} | {pid for pid, _m in self.closing}
            ).values(
                "pk",
                "last_name",
                "first_name",
                "person__personnummer",
                "reported_gender",
                "organisation_id",
                "organisation__name",
                "organisation__organisationsnummer",
                "annual_salary_cost",
            )
        }
        self.rates = dict(project.unit_costs.values_list("year", "sek_per_hour"))
        self.warnings: set[str] = set()
        people = self.people
        self.keys = sorted(
            set(self.monthly) | set(self.closing),
            key=lambda k: (
                swedish_key(people[k[0]]["organisation__name"]),
                swedish_key(people[k[0]]["last_name"]),
                swedish_key(people[k[0]]["first_name"]),
                k[0],
                k[1],
            ),
        )

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


def time_by_month(time: TimeFigures, genders: list[str]) -> list[dict[str, Any]]:
    """Per month: reported hours (certified and not) and value per gender and in total."""
    months: dict[dt.date, dict[str, Any]] = {}
    for pid, month in time.keys:
        if (pid, month) not in time.monthly:
            continue  # only closing-phase time that month
        _minutes, hours, is_certified, _rate, value = time.figures(pid, month)
        row = months.setdefault(month, {"month": month, "value": Decimal(0)})
        for key in (time.people[pid]["reported_gender"], "total"):
            kind = "certified" if is_certified else "uncertified"
            row[f"{kind}_{key}"] = row.get(f"{kind}_{key}", Decimal(0)) + hours
        row["value"] += value or 0
    rows = [months[m] for m in sorted(months)]
    for row in rows:
        for key in (*genders, "total"):
            row.setdefault(f"certified_{key}", Decimal(0))
            row.setdefault(f"uncertified_{key}", Decimal(0))
    return rows


def time_rows(time: TimeFigures, *, month: dt.date, gender: str) -> list[dict[str, Any]]:
    """The person-months behind one figure of time_by_month."""
    rows = []
    for pid, key_month in time.keys:
        person = time.people[pid]
        if key_month != month or (pid, month) not in time.monthly:
            continue
        if gender != "total" and person["reported_gender"] != gender:
            continue
        minutes, hours, is_certified, rate, value = time.figures(pid, month)
        rows.append(
            {
                "participation_id": pid,
                "name": f"{person['last_name']}, {person['first_name']}",
                "personnummer": pnr.mask(person["person__personnummer"]),
                "organisation": person["organisation__name"],
                "minutes": minutes,
                "hours": hours,
                "certified": is_certified,
                "rate": rate,
                "value": value,
            }
        )
    return rows


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
        project = access.project
        genders = [*selectors.genders_for(access)]
        g = gender_labels()
        time = TimeFigures(
            access=access, period=period, organisation_id=run.organisation_id, activities=True
        )
        progress(45)
        closing, certified = time.closing, time.certified
        per_activity, people, warnings = time.per_activity, time.people, time.warnings
        titles = dict(
            Activity.objects.filter(pk__in={a for _p, a, _m in per_activity}).values_list(
                "pk", "title"
            )
        )

        def show_number(number: str) -> str:
            return pnr.display(number) if run.full_personnummer else pnr.mask(number)

        per_person = Table(
            title=_("Per deltagare och månad"),
            columns=[
                Column(_("Efternamn"), "text", 18),
                Column(_("Förnamn"), "text", 14),
                Column(_("Personnummer"), "text", 15),
                Column(_("Kön"), "text", 9),
                Column(_("Organisation"), "text", 26),
                Column(_("Månad"), "text", 9),
                Column(_("Minuter"), "int", 9),
                Column(_("Timmar"), "decimal", 9),
                Column(_("Intygad"), "text", 8),
                Column(_("Timkostnad (kr)"), "decimal", 12),
                Column(_("Värde (kr)"), "decimal", 12),
                Column(_("Minuter i avslutsfasen"), "int", 12),
            ],
        )
        sums: dict[tuple[int, dt.date], dict[str, Decimal]] = {}
        totals = {
            "certified": Decimal(0),
            "uncertified": Decimal(0),
            "value": Decimal(0),
            "closing": 0,
        }
        genders_label = dict(dimension_labels(access)["gender"][1])
        keys = time.keys
        figures = time.figures

        # First pass: the sums by organisation, month and gender, and the totals (no rows kept).
        for pid, month in keys:
            person = people[pid]
            _minutes, hours, is_certified, _rate, value = figures(pid, month)
            bucket = sums.setdefault((person["organisation_id"], month), {})
            if is_certified:
                for key in (person["reported_gender"], "total"):
                    bucket[f"hours_{key}"] = bucket.get(f"hours_{key}", Decimal(0)) + hours
                    bucket[f"value_{key}"] = bucket.get(f"value_{key}", Decimal(0)) + (value or 0)
            else:
                bucket["uncertified"] = bucket.get("uncertified", Decimal(0)) + hours
            totals["certified" if is_certified else "uncertified"] += hours
            totals["value"] += value or 0
            totals["closing"] += closing.get((pid, month), 0)
        progress(60)

        def person_lines() -> Iterator[list[Any]]:
            for pid, month in keys:
                person = people[pid]
                minutes, hours, is_certified, rate, value = figures(pid, month)
                yield [
                    person["last_name"],
                    person["first_name"],
                    show_number(person["person__personnummer"]),
                    str(genders_label.get(person["reported_gender"], "")),
                    person["organisation__name"],
                    month.strftime("%Y-%m"),
                    minutes,
                    hours,
                    _("Ja") if is_certified else _("Nej"),
                    rate,
                    value,
                    closing.get((pid, month), 0),
                ]

        per_person.rows, per_person.expected_rows = person_lines(), len(keys)

        activity_table = Table(
            title=_("Per aktivitet"),
            columns=[
                Column(_("Efternamn"), "text", 18),
                Column(_("Förnamn"), "text", 14),
                Column(_("Personnummer"), "text", 15),
                Column(_("Månad"), "text", 9),
                Column(_("Aktivitet"), "text", 34),
                Column(_("Minuter"), "int", 9),
                Column(_("Intygad"), "text", 8),
            ],
            expected_rows=len(per_activity),
        )

        def activity_lines() -> Iterator[list[Any]]:
            ordered = sorted(
                per_activity,
                key=lambda k: (
                    swedish_key(people[k[0]]["last_name"]),
                    swedish_key(people[k[0]]["first_name"]),
                    k[0],
                    k[2],
                    swedish_key(titles[k[1]]),
                ),
            )
            for pid, activity_id, month in ordered:
                person = people[pid]
                yield [
                    person["last_name"],
                    person["first_name"],
                    show_number(person["person__personnummer"]),
                    month.strftime("%Y-%m"),
                    titles[activity_id],
                    per_activity[(pid, activity_id, month)],
                    _("Ja") if (pid, month) in certified else _("Nej"),
                ]

        activity_table.rows = activity_lines()

        org_names = {
            p["organisation_id"]: (p["organisation__name"], p["organisation__organisationsnummer"])
            for p in people.values()
        }
        org_table = Table(
            title=_("Per organisation och månad"),
            columns=[
                Column(_("Organisation"), "text", 26),
                Column(_("Organisationsnummer"), "text", 14),
                Column(_("Månad"), "text", 9),
            ]
            + [
                Column(_("Intygade timmar %(g)s") % {"g": g[x]}, "decimal", 12)
                for x in (*genders, "total")
            ]
            + [
                Column(_("Värde %(g)s (kr)") % {"g": g[x]}, "decimal", 14)
                for x in (*genders, "total")
            ]
            + [Column(_("Ej intygade timmar"), "decimal", 12)],
        )
        for (org_id, month), bucket in sorted(
            sums.items(), key=lambda kv: (swedish_key(org_names[kv[0][0]][0]), kv[0][1])
        ):
            org_table.rows.append(
                [*org_names[org_id], month.strftime("%Y-%m")]
                + [bucket.get(f"hours_{x}", Decimal(0)) for x in (*genders, "total")]
                + [
                    round_half_up(bucket.get(f"value_{x}", Decimal(0)), 2)
                    for x in (*genders, "total")
                ]
                + [bucket.get("uncertified", Decimal(0))]
            )

        budget = project.budgeted_cofinancing
        summary = Table(
            title=_("Summering"),
            columns=[Column(_("Uppgift"), "text", 48), Column(_("Värde"), "decimal", 16)],
        )
        summary.rows.extend(
            [
                [_("Intygade timmar"), totals["certified"]],
                [_("Ej intygade timmar (inte värderade)"), totals["uncertified"]],
                [
                    _("Timmar i avslutsfasen (inte medfinansiering)"),
                    round_half_up(Decimal(totals["closing"]) / 60, 2),
                ],
                [
                    _("Medfinansiering, värde av intygad tid (kr)"),
                    round_half_up(totals["value"], 2),
                ],
                [_("Budgeterad medfinansiering (kr)"), budget],
                [
                    _("Andel av budget (%)"),
                    round_half_up(totals["value"] / budget * 100, 2) if budget else None,
                ],
            ]
        )
        if time.outside_minutes:
            summary.rows.append([str(OUTSIDE_LABEL), hours_of(time.outside_minutes)])
        summary.rows.extend([[text, None] for text in sorted(warnings)])
        progress(75)
        return [summary, per_person, activity_table, org_table]

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
