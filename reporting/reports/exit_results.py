"""Resultat efter utträde: the exit questionnaire's and the follow-up's result indicators
and response rates by gender, as tables of the Indikatorer report. The figures are the
survey module's (surveys.selectors.exit_results), the same the survey pages show."""

from __future__ import annotations

from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess
from reporting.builders import Column, Table
from reporting.selectors import Period
from surveys import selectors as survey_selectors
from surveys import suppression
from surveys.selectors import ExitResults


def exit_results(
    *, access: ProjectAccess, period: Period, organisation_id: int | None
) -> list[ExitResults]:
    """Answers submitted and surveys sent in the period (both kinds)."""
    return survey_selectors.exit_results(
        access=access, start=period.start, end=period.end, organisation_id=organisation_id
    )


def exit_tables(results: list[ExitResults]) -> list[Table]:
    figures = Table(
        title=_("Resultat efter utträde"),
        columns=[
            Column(_("Enkät"), "text", 26),
            Column(_("Indikator"), "text", 40),
            Column(_("Kön"), "text", 14),
            Column(_("Svarat på frågan"), "int", 12),
            Column(_("Svarat ja"), "int", 12),
            Column(_("Andel ja (%)"), "decimal", 12),
            Column(_("Anmärkning"), "text", 30),
        ],
    )
    rates = Table(
        title=_("Svarsfrekvens efter utträde"),
        columns=[
            Column(_("Enkät"), "text", 26),
            Column(_("Kön"), "text", 14),
            Column(_("Skickade"), "int", 12),
            Column(_("Besvarade"), "int", 12),
            Column(_("Svarsfrekvens (%)"), "decimal", 14),
        ],
    )
    for result in results:
        for figure in result.figures:
            figures.rows.extend(
                [
                    result.label,
                    str(figure.indicator.label),
                    cell.label,
                    cell.n,
                    cell.yes,
                    cell.share,
                    suppression.remark(cell, result.threshold),
                ]
                for cell in figure.cells
            )
        rates.rows.extend(
            [result.label, row.label, row.sent, row.answered, row.rate] for row in result.rates
        )
    return [figures, rates]
