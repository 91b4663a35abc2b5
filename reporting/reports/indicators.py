"""Indikatorer: participants started, active and ended by gender and each dimension, plan
against outcome, hours and competence change by gender."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from activities.selectors import statistics as activity_statistics
from digiproj.projects.permissions import ProjectAccess
from participants.selectors import gender_labels, genders_for
from reporting import builders, selectors
from reporting.builders import Column, Table
from reporting.definitions import MEASURE_DEFINITIONS, MEASURES
from reporting.models import ReportRun
from reporting.selectors import Period
from surveys import selectors as survey_selectors

from .base import (
    COUNTED_TIME_RULE,
    Progress,
    dimension_labels,
    hours_of,
    level,
)

INDICATOR_DIMENSIONS = ["total", "age_band", "isced", "role_group", "organisation", "end_reason"]


@dataclass(frozen=True)
class Indicators:
    title = "Indikatorer"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        labels = dimension_labels(access)
        columns = selectors.indicator_columns(access)
        measure_labels = {k: str(v) for k, v in MEASURES.items()}
        tables = []
        for index, dimension in enumerate(INDICATOR_DIMENSIONS):
            title, key_labels = labels[dimension]
            rows = selectors.indicator_breakdown(
                access=access,
                period=period,
                dimension=dimension,
                organisation_id=run.organisation_id,
            )
            tables.append(
                builders.indicator_table(
                    title=str(title),
                    dimension_title=str(title),
                    rows=rows,
                    key_labels={k: str(v) for k, v in key_labels.items()},
                    columns=columns,
                    measure_labels=measure_labels,
                    gender_labels=gender_labels(),
                )
            )
            progress(10 + 60 * (index + 1) // len(INDICATOR_DIMENSIONS))
        tables.append(self._plan(access, tables[0]))
        tables.append(self._hours(access, run, period))
        tables.append(self._competence(access, run, period))
        return tables

    def _hours(self, access: ProjectAccess, run: ReportRun, period: Period) -> Table:
        minutes = activity_statistics.minutes_by_gender(
            access=access, start=period.start, end=period.end, organisation_id=run.organisation_id
        )
        g = gender_labels()
        table = Table(
            title=_("Timmar per kön"),
            columns=[Column(_("Kön"), "text", 16), Column(_("Timmar"), "decimal", 12)],
        )
        for gender in genders_for(access):
            table.rows.append([g[gender].capitalize(), hours_of(minutes.get(gender, 0))])
        table.rows.append([g["total"].capitalize(), hours_of(sum(minutes.values()))])
        return table

    def _competence(self, access: ProjectAccess, run: ReportRun, period: Period) -> Table:
        """Paired DigComp change per area and gender (see Kompetensutveckling)."""
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
        baseline, follow_up = survey_selectors.round_pair_for_period(
            access=access, start=period.start, end=period.end
        )
        if not (baseline and follow_up) or baseline.anonymous or follow_up.anonymous:
            return table
        threshold = access.project.survey_anonymity_threshold
        areas = {a.number: f"{a.number} {a.name}" for a in survey_selectors.areas()}
        names = dimension_labels(access)["gender"][1]
        rows = survey_selectors.paired_change(
            access=access,
            baseline_id=baseline.pk,
            follow_up_id=follow_up.pk,
            group_by="gender",
            organisation_id=run.organisation_id,
        )
        for row in survey_selectors.suppress(rows, threshold=threshold):
            table.rows.append(
                [
                    str(names.get(row["grp"], row["grp"])),
                    areas.get(row["area"], str(row["area"])),
                    row["n"],
                    level(row["change"]),
                    _("för få svar (under %(n)s)") % {"n": threshold} if row["suppressed"] else "",
                ]
            )
        return table

    def _plan(self, access: ProjectAccess, total: Table) -> Table:
        project = access.project
        started = dict(zip([c.title for c in total.columns], total.rows[0], strict=True))
        g = gender_labels()
        measure = str(MEASURES["started"])
        table = Table(
            title=_("Plan och utfall"),
            columns=[
                Column(_("Grupp"), "text", 20),
                Column(_("Planerat"), "int"),
                Column(_("Startade i perioden"), "int"),
            ],
        )
        for key, planned in (
            ("K", project.planned_women),
            ("M", project.planned_men),
            ("total", project.planned_participants),
        ):
            title = f"{measure} {g[key]}".lower().capitalize()
            table.rows.append([g[key].capitalize(), planned, started.get(title)])
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
        ]
