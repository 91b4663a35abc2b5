"""Kompetensutveckling: DigComp levels and their paired change."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from digiproj.collation import swedish_key
from digiproj.projects.permissions import ProjectAccess
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period
from surveys import selectors as survey_selectors

from .base import (
    Progress,
    dimension_labels,
    level,
)


@dataclass(frozen=True)
class Competence:
    """Kompetensutveckling: DigComp area levels at baseline and follow-up, and the paired
    change for people who answered both, overall and by gender, organisation and role
    group; groups under the project's threshold are suppressed."""

    title = "Kompetensutveckling"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        threshold = access.project.survey_anonymity_threshold
        baseline, follow_up = survey_selectors.round_pair_for_period(
            access=access, start=period.start, end=period.end
        )
        areas = {a.number: f"{a.number} {a.name}" for a in survey_selectors.areas()}
        too_few = _("för få svar (under %(n)s)") % {"n": threshold}
        org = run.organisation_id
        levels = Table(
            title=_("Nivåer per område"),
            columns=[
                Column(_("Område"), "text", 36),
                Column(_("Omgång"), "text", 28),
                Column(_("Antal svar"), "int", 10),
                Column(_("Medelnivå (1–8)"), "decimal", 14),
                Column(_("Anmärkning"), "text", 24),
            ],
        )
        for round_ in (r for r in (baseline, follow_up) if r is not None):
            rows = survey_selectors.area_averages(
                access=access, round_id=round_.pk, organisation_id=org
            )
            for row in survey_selectors.suppress(rows, threshold=threshold):
                levels.rows.append(
                    [
                        areas.get(row["area"], str(row["area"])),
                        f"{round_.survey.title}: {round_.name}",
                        row["n"],
                        level(row["level"]),
                        too_few if row["suppressed"] else "",
                    ]
                )
        progress(40)
        change = Table(
            title=_("Parad förändring"),
            columns=[
                Column(_("Indelning"), "text", 16),
                Column(_("Grupp"), "text", 28),
                Column(_("Område"), "text", 36),
                Column(_("Personer"), "int", 10),
                Column(_("Före"), "decimal", 10),
                Column(_("Efter"), "decimal", 10),
                Column(_("Förändring"), "decimal", 12),
                Column(_("Anmärkning"), "text", 24),
            ],
        )
        if baseline and follow_up and not follow_up.anonymous and not baseline.anonymous:
            labels = dimension_labels(access)
            groupings = [
                (None, _("Alla"), {None: _("Alla")}),
                ("gender", labels["gender"][0], labels["gender"][1]),
                ("organisation", labels["organisation"][0], labels["organisation"][1]),
                ("role_group", labels["role_group"][0], labels["role_group"][1]),
            ]
            for group_by, title, names in groupings:
                rows = survey_selectors.paired_change(
                    access=access,
                    baseline_id=baseline.pk,
                    follow_up_id=follow_up.pk,
                    group_by=group_by,
                    organisation_id=org,
                )
                if group_by in ("organisation", "role_group"):  # by name, in Swedish order
                    rows.sort(key=lambda r: (swedish_key(str(names.get(r["grp"], ""))), r["area"]))
                for row in survey_selectors.suppress(rows, threshold=threshold):
                    change.rows.append(
                        [
                            str(title),
                            str(names.get(row["grp"], row["grp"] or "–")),
                            areas.get(row["area"], str(row["area"])),
                            row["n"],
                            level(row["baseline"]),
                            level(row["follow_up"]),
                            level(row["change"]),
                            too_few if row["suppressed"] else "",
                        ]
                    )
        else:
            change.rows.append(
                [
                    "",
                    "",
                    _(
                        "Ingen parad jämförelse: det behövs en nulägesmätning och en "
                        "uppföljning med identifierade svar."
                    ),
                    None,
                    None,
                    None,
                    None,
                    "",
                ]
            )
        progress(70)
        return [levels, change]

    def definitions(self) -> list[str]:
        return [
            _(
                "Nivå: medelvärdet av personens självskattade nivåer (1–8) på områdets frågor; "
                '"vet inte" räknas inte. Gruppens nivå är medelvärdet över personerna.'
            ),
            _(
                "Parad förändring: uppföljningens nivå minus nulägesmätningens, bara för personer "
                "som svarat i båda omgångarna; gruppen följer uppföljningssvaret."
            ),
            _(
                "Grupper med färre svar än projektets gräns visas inte, så att ingen enskild "
                "kan pekas ut."
            ),
            _(
                "Omgångar: den första nulägesmätningen och den senaste uppföljningen som öppnat "
                "senast periodens sista dag."
            ),
        ]
