"""Indikatorer: participants started, active and ended by gender and each dimension, plan
against outcome, hours and competence change by gender.

IndicatorFigures reads every figure once; the page (views/indicators.py) shows them with
their links, Indicators.build writes them. Neither computes a figure of its own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from activities.selectors import statistics as activity_statistics
from digiproj.projects.permissions import ProjectAccess
from participants.selectors import gender_labels, genders_for
from reporting import builders, selectors
from reporting.builders import Column, Table
from reporting.definitions import MEASURE_DEFINITIONS, MEASURES
from reporting.models import ReportRun
from reporting.selectors import Period
from surveys import suppression

from .base import (
    COUNTED_TIME_RULE,
    Progress,
    dimension_labels,
    hours_of,
    no_progress,
)
from .competence import CompetencePresenter
from .exit_results import exit_results, exit_tables

INDICATOR_DIMENSIONS = ["total", "age_band", "isced", "role_group", "organisation", "end_reason"]
PLAN_GENDERS = ("K", "M", "total")  # the grant decision plans women, men and everyone


@dataclass(frozen=True)
class BreakdownRow:
    """One value of a dimension: its key (what its figures' links filter on), its label
    and one count per figure column (IndicatorFigures.columns)."""

    key: Any
    label: str
    counts: list[int]


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    title: str
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class PlanRow:
    gender: str  # K, M or total
    planned: int | None
    started: int


@dataclass(frozen=True)
class HoursRow:
    gender: str  # one of genders_for, or total
    hours: Decimal


@dataclass(frozen=True)
class IndicatorFigures:
    """Every figure of Indikatorer for a period and organisation, read once."""

    columns: list[tuple[str, str]]  # (measure, gender or total) of each count
    breakdowns: list[Breakdown]  # one per INDICATOR_DIMENSIONS, "total" first
    plan: list[PlanRow]
    hours: list[HoursRow]  # by gender, then the total

    @classmethod
    def read(
        cls,
        *,
        access: ProjectAccess,
        period: Period,
        organisation_id: int | None,
        progress: Progress = no_progress,
    ) -> IndicatorFigures:
        columns = selectors.indicator_columns(access)
        labels = dimension_labels(access)
        breakdowns = []
        for index, dimension in enumerate(INDICATOR_DIMENSIONS):
            title, key_labels = labels[dimension]
            rows = selectors.indicator_breakdown(
                access=access, period=period, dimension=dimension, organisation_id=organisation_id
            )
            breakdowns.append(
                Breakdown(
                    dimension,
                    str(title),
                    [
                        BreakdownRow(
                            row["key"],
                            _key_label(key_labels, row["key"]),
                            [row[f"{m}_{g}"] for m, g in columns],
                        )
                        for row in rows
                    ],
                )
            )
            progress(10 + 60 * (index + 1) // len(INDICATOR_DIMENSIONS))
        total = dict(zip(columns, breakdowns[0].rows[0].counts, strict=True))
        project = access.project
        planned = {
            "K": project.planned_women,
            "M": project.planned_men,
            "total": project.planned_participants,
        }
        plan = [PlanRow(g, planned[g], total[("started", g)]) for g in PLAN_GENDERS]
        minutes = activity_statistics.minutes_by_gender(
            access=access, start=period.start, end=period.end, organisation_id=organisation_id
        )
        hours = [HoursRow(g, hours_of(minutes.get(g, 0))) for g in genders_for(access)]
        hours.append(HoursRow("total", hours_of(sum(minutes.values()))))
        return cls(columns, breakdowns, plan, hours)

    def counts(self) -> dict[tuple[str, str], int]:
        """The counts of the "Alla deltagare" row by (measure, gender)."""
        return dict(zip(self.columns, self.breakdowns[0].rows[0].counts, strict=True))


def _key_label(key_labels: dict[Any, Any], key: Any) -> str:
    """A dimension value as shown: its label, else the value itself, "–" for none."""
    return str(key_labels.get(key, str(key) if key not in (None, "") else "–"))


@dataclass(frozen=True)
class Indicators:
    title = "Indikatorer"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        figures = IndicatorFigures.read(
            access=access, period=period, organisation_id=run.organisation_id, progress=progress
        )
        measure_labels = {k: str(v) for k, v in MEASURES.items()}
        tables = [
            builders.indicator_table(
                title=breakdown.title,
                dimension_title=breakdown.title,
                rows=[(row.label, row.counts) for row in breakdown.rows],
                columns=figures.columns,
                measure_labels=measure_labels,
                gender_labels=gender_labels(),
            )
            for breakdown in figures.breakdowns
        ]
        g = gender_labels()
        plan = Table(
            title=_("Plan och utfall"),
            columns=[
                Column(_("Grupp"), "text", 20),
                Column(_("Planerat"), "int"),
                Column(_("Startade i perioden"), "int"),
            ],
        )
        plan.rows = [[g[r.gender].capitalize(), r.planned, r.started] for r in figures.plan]
        hours = Table(
            title=_("Timmar per kön"),
            columns=[Column(_("Kön"), "text", 16), Column(_("Timmar"), "decimal", 12)],
        )
        hours.rows = [[g[r.gender].capitalize(), r.hours] for r in figures.hours]
        competence = CompetencePresenter(
            access=access, period=period, organisation_id=run.organisation_id
        )
        after_exit = exit_tables(
            exit_results(access=access, period=period, organisation_id=run.organisation_id)
        )
        return [*tables, plan, hours, self._competence(access, competence), *after_exit]

    def _competence(self, access: ProjectAccess, competence: CompetencePresenter) -> Table:
        """Paired change by gender, Kompetensutveckling's figures (its presenter)."""
        table = Table(
            title=_("Kompetensförändring per kön"),
            columns=[
                Column(_("Kön"), "text", 16),
                Column(_("Område"), "text", 36),
                Column(_("Personer"), "int", 10),
                Column(_("Förändring"), "decimal", 12),
                Column(_("Anmärkning"), "text", 24),
            ],
        )
        rows = competence.change("gender")
        if not rows:
            return table
        names = dimension_labels(access)["gender"][1]
        table.rows = [
            [
                str(names.get(row.group, row.group)),
                competence.area_label(row.area),
                row.n,
                row.change,
                suppression.remark(row, competence.threshold),
            ]
            for row in rows
        ]
        return table

    def definitions(self) -> list[str]:
        return [
            *(str(MEASURE_DEFINITIONS[k]) for k in ("scope", "started", "active", "ended", "age")),
            _(
                "Timmar per kön: närvarominuter och godkänd egenrapporterad tid i perioden, "
                "delat med 60, oavsett intygande (se Tid och medfinansiering för intygad tid)."
            ),
            str(COUNTED_TIME_RULE),
            _(
                "Kompetensförändring per kön: parad förändring mellan den första "
                "nulägesmätningen och den senaste uppföljningen (se Kompetensutveckling)."
            ),
            _(
                "Resultat efter utträde: svar på utträdesenkäten och uppföljningen efter "
                "utträde som skickats in i perioden. Andel ja är andelen av dem som svarat ja "
                "eller nej på frågan. Svarsfrekvens: enkäter skickade i perioden och hur många "
                "av dem som besvarats. Små grupper visas inte, som för övriga enkätsvar."
            ),
        ]
