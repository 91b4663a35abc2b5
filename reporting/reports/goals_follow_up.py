"""Mål och uppföljning: every goal's value against its target and plan, the change theory,
the mapping and the final report texts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess
from goals.models import ChangeTheory, Goal
from goals.selectors import baseline_mapping, goal_results
from goals.texts import DEFINITIONS, final_report_lines
from participants.selectors import gender_labels, genders_for
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period
from surveys import digcomp, suppression
from surveys import selectors as survey_selectors

from .base import (
    Progress,
    dimension_labels,
    level,
)


@dataclass(frozen=True)
class GoalsFollowUp:
    """Mål och uppföljning: every goal's computed value at the period's last day against its
    target and plan, by gender, month by month; the change theory; the baseline mapping;
    and the final report summary (the same texts as on screen)."""

    title = "Mål och uppföljning"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        if run.organisation_id:
            # One organisation's figures: measured as its contact person sees them.
            access = access.as_contact_of(run.organisation_id)
        results = goal_results(access=access, as_of=period.end)
        progress(50)
        genders = genders_for(access)
        labels = gender_labels()
        steps = dict(Goal.Step.choices)
        overview = Table(
            title=_("Mål och uppföljning"),
            columns=[
                Column(_("Mål"), "text", 40),
                Column(_("Delmål till"), "text", 30),
                Column(_("Steg i effektkedjan"), "text", 20),
                Column(_("Mäts som"), "text", 30),
                Column(_("Mätdag"), "date", 12),
                Column(_("Värde"), "decimal", 10),
                Column(_("Enhet"), "text", 8),
                Column(_("Gruppstorlek"), "int", 12),
                Column(_("Anmärkning"), "text", 20),
                Column(_("Riktning"), "text", 8),
                Column(_("Målvärde"), "decimal", 10),
                Column(_("Måldatum"), "date", 12),
                Column(_("Plan vid mätdagen"), "decimal", 12),
                Column(_("Status"), "text", 16),
                *(Column(labels[g].capitalize(), "decimal", 10) for g in genders),
                Column(_("Skillnad kvinnor–män"), "decimal", 12),
                Column(_("Över gränsen"), "text", 10),
                Column(_("Enkätomgångar"), "text", 30),
                Column(_("Definition"), "text", 60),
            ],
        )
        months = Table(
            title=_("Månadsvärden"),
            columns=[
                Column(_("Mål"), "text", 40),
                Column(_("Månad"), "text", 10),
                Column(_("Värde"), "decimal", 10),
                Column(_("Gruppstorlek"), "int", 12),
                Column(_("Plan"), "decimal", 10),
                Column(_("Anmärkning"), "text", 20),
            ],
        )
        too_few = _("för få svar")
        for result, _depth in results:
            goal, figure = result.goal, result.figure
            rounds = " → ".join(r["name"] for r in (result.baseline, result.measured) if r)
            if result.measured:  # the figures are of the measured round's DigComp version
                rounds = f"{rounds} (DigComp {result.measured['version']})"
            overview.rows.append(
                [
                    goal.title,
                    goal.parent.title if goal.parent else "",
                    str(steps[goal.step]),
                    str(goal.get_measure_display()),
                    period.end,
                    figure.value,
                    result.unit,
                    figure.n,
                    too_few if figure.suppressed else "",
                    str(goal.get_direction_display()),
                    goal.target_value,
                    goal.target_date,
                    result.plan,
                    result.status_label,
                    *(
                        result.by_gender[g].value if g in result.by_gender else None
                        for g in genders
                    ),
                    result.gap,
                    _("ja") if result.gap_flagged else "",
                    rounds,
                    result.definition,
                ]
            )
            for month in result.months:
                if month.month < period.start.replace(day=1):
                    continue
                months.rows.append(
                    [
                        goal.title,
                        f"{month.month:%Y-%m}",
                        month.figure.value,
                        month.figure.n,
                        month.plan,
                        too_few if month.figure.suppressed else "",
                    ]
                )
        progress(70)
        return [
            overview,
            months,
            self._theory(access, results),
            self._mapping(access),
            Table(
                title=_("Slutrapport"),
                columns=[Column(_("Text att kopiera till slutrapporten"), "text", 120)],
                rows=[[line] for line in final_report_lines(results)],
            ),
        ]

    def _theory(self, access: ProjectAccess, results: list) -> Table:
        theory = ChangeTheory.objects.filter(project=access.project).first()
        table = Table(
            title=_("Förändringsteori"),
            columns=[Column(_("Steg"), "text", 24), Column(_("Innehåll"), "text", 100)],
        )
        for step in ChangeTheory.STEPS:
            name = str(_step_name(step)).capitalize()
            table.rows.append([name, getattr(theory, step, "") if theory else ""])
            for result, depth in results:
                if result.goal.step == step:
                    kind = _("Delmål") if depth else _("Mål")
                    table.rows.append(["", f"{kind}: {result.goal.title}"])
        return table

    def _mapping(self, access: ProjectAccess) -> Table:
        chosen, rows = baseline_mapping(access=access)
        orgs = dimension_labels(access)["organisation"][1]
        version = chosen["version"] if chosen else digcomp.LATEST
        areas = {a.number: f"{a.number} {a.name}" for a in survey_selectors.areas(version=version)}
        table = Table(
            title=_("Kartläggning"),
            columns=[
                Column(_("Enkätomgång"), "text", 28),
                Column(_("Organisation"), "text", 30),
                Column(_("Område"), "text", 36),
                Column(_("Antal svar"), "int", 10),
                Column(_("Medelnivå (1–8)"), "decimal", 14),
                Column(_("Anmärkning"), "text", 20),
            ],
        )
        for row in rows:
            table.rows.append(
                [
                    f"{chosen['name']} (DigComp {version})" if chosen else "",
                    orgs.get(row["grp"], _("Alla")) if row["grp"] else _("Alla"),
                    areas.get(row["area"], str(row["area"])),
                    row["n"],
                    level(row["level"]),
                    suppression.remark(row, access.project.survey_anonymity_threshold),
                ]
            )
        return table

    def definitions(self) -> list[str]:
        return [
            _(
                "Värdena räknas ur projektets egna uppgifter per periodens sista dag (mätdagen); "
                "de skrivs aldrig in för hand."
            ),
            *(f"{label}: {DEFINITIONS[key]}" for key, label in Goal.Measure.choices),
            _(
                "Plan: rak linje från startvärdet vid projektstart via etappmålen till målvärdet "
                "vid måldatumet. Status: uppnått (målvärdet nått), enligt plan (planen nådd), "
                "risk att inte nås (efter planen), inte uppnått (måldatumet passerat)."
            ),
            _(
                "Skillnad kvinnor–män: för antal och timmar skillnaden mellan kvinnors och mäns "
                "andel av totalen i procentenheter, annars skillnaden mellan deras värden."
            ),
            _(
                "Enkätvärden för grupper med färre svar än projektets gräns visas inte, så att "
                "ingen enskild kan pekas ut."
            ),
        ]


def _step_name(step: str) -> str:
    """A change-theory step's name: its field's verbose name."""
    field = ChangeTheory._meta.get_field(step)
    assert isinstance(field, models.Field)  # the steps are text fields, not relations
    return str(field.verbose_name)
