"""The words around the figures: each measure's definition and unit, numbers as Swedish text,
and the final report summary, shared by the goal pages and the "Mål och uppföljning" file."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .measures import COUNT, HOURS, MEAN, PERCENT, M

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .figures import Figure, Result

UNIT_LABELS: dict[str, StrOrPromise] = {COUNT: "", HOURS: _("timmar"), PERCENT: "%", MEAN: ""}

DEFINITIONS: dict[str, StrOrPromise] = {
    M.PARTICIPANTS: _(
        "Antal deltagare som startat i projektet senast mätdagen (även de som sedan avslutat), "
        "i vald grupp."
    ),
    M.PARTICIPANT_SHARE: _(
        "Andel av alla deltagare som startat senast mätdagen som hör till vald grupp "
        "(kön, organisation, yrkesgrupp). Gruppstorlek: alla deltagare."
    ),
    M.HOURS: _(
        "Närvarotid på tillfällen och godkänd egenrapporterad tid till och med mätdagen, i "
        "timmar (exakta minuter, före månadsavrundning); bara tid inom deltagarens start- och "
        "slutdatum, inte raderade deltaganden. Gruppstorlek: deltagare med mer än 0 minuter."
    ),
    M.SESSIONS: _("Tillfällen som har börjat senast mätdagen (och inte ligger i framtiden)."),
    M.RESPONSE_RATE: _(
        "Andel av de inbjudna till enkätomgången som har svarat senast mätdagen. "
        "Gruppstorlek: inbjudna."
    ),
    M.AREA_LEVEL: _(
        "Medelvärdet av de svarandes nivå (1–8) i DigComp-området i enkätomgången; en persons "
        'nivå är medelvärdet av områdets besvarade nivåfrågor, "vet inte" oräknat.'
    ),
    M.AREA_CHANGE: _(
        "Genomsnittlig förändring av nivån i DigComp-området (uppföljning minus "
        "nulägesmätning) för dem som har en nivå i området båda gångerna."
    ),
    M.LEVEL_RAISED: _(
        "Andel av dem som svarat båda gångerna som höjt sin nivå med minst den angivna "
        "höjningen i området (eller i minst ett område, om inget område är valt)."
    ),
    M.LEVEL_REACHED: _(
        "Andel av de svarande i enkätomgången som har minst den angivna nivån i området "
        "(eller i minst ett område, om inget område är valt)."
    ),
    M.QUESTION_AVERAGE: _(
        "Medelvärdet över de svarande av varje persons medelvärde av de valda frågorna "
        '("vet inte" oräknat) i enkätomgången.'
    ),
    M.QUESTION_CHANGE: _(
        "Genomsnittlig förändring av varje persons medelvärde av de valda frågorna "
        "(uppföljning minus nulägesmätning) för dem som svarat båda gångerna."
    ),
    M.EXIT_RESULT: _(
        "Andel ja bland svaren på de valda indikatorfrågorna i utträdesenkäten eller "
        "uppföljningen efter utträdet, inskickade senast mätdagen; samma siffra som under "
        "Resultat efter utträde. Gruppstorlek: svar på frågorna."
    ),
}


def number_text(value: Decimal | None) -> str:
    """A decimal as Swedish text without trailing zeros: 10, 0,3, 29,6."""
    if value is None:
        return "–"
    plain = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return formats.number_format(plain, use_l10n=True)


def figure_text(result: Result, figure: Figure | None = None) -> str:
    """A figure as the final report writes it: "64,0 %", "för få svar (3)" or, hidden so
    that a smaller group cannot be worked out, "dold (7)"."""
    figure = figure or result.figure
    if figure.secondary:
        return str(_("dold (%(n)s)")) % {"n": figure.n}
    if figure.suppressed:
        return str(_("för få svar (%(n)s)")) % {"n": figure.n}
    if figure.value is None:
        return str(_("inget värde ännu"))
    value = formats.number_format(figure.value, use_l10n=True)
    return f"{value} {result.unit}".strip() if result.unit else value


def target_text(result: Result) -> str:
    goal = result.goal
    target = number_text(goal.target_value)
    unit = f" {result.unit}" if result.unit else ""
    return str(_("%(direction)s %(target)s%(unit)s senast %(date)s")) % {
        "direction": goal.get_direction_display(),
        "target": target,
        "unit": unit,
        "date": goal.target_date.isoformat(),
    }


def final_report_lines(results: list[tuple[Result, int]]) -> list[str]:
    """Slutrapport: one paragraph per goal, in the words a coordinator pastes into the
    funder's portal; every number is the figure shown on the goal page."""
    labels = {"K": _("kvinnor"), "M": _("män"), "X": _("icke-binära")}
    lines = []
    for result, depth in results:
        goal = result.goal
        kind = str(_("Delmål")) if depth else str(_("Mål"))
        text = str(
            _(
                "%(kind)s: %(title)s. Mått: %(measure)s. Utfall %(as_of)s: %(value)s "
                "(gruppstorlek %(n)s). Målet: %(target)s. Status: %(status)s."
            )
        ) % {
            "kind": kind,
            "title": goal.title,
            "measure": goal.get_measure_display(),
            "as_of": result.as_of.isoformat(),
            "value": figure_text(result),
            "n": result.figure.n,
            "target": target_text(result),
            "status": str(result.status_label).lower(),
        }
        if result.by_gender:
            split = ", ".join(
                f"{labels[g]} {figure_text(result, fig)} (n={fig.n})"
                for g, fig in result.by_gender.items()
            )
            text += " " + str(_("Fördelat på kön: %(split)s.")) % {"split": split}
        if goal.equal_opportunities and result.gap is not None:
            gap = number_text(result.gap)
            if result.gap_flagged:
                text += " " + str(
                    _("Skillnaden mellan kvinnor och män är %(gap)s, över gränsen %(limit)s.")
                ) % {"gap": gap, "limit": number_text(goal.gap_threshold)}
            else:
                text += " " + str(
                    _("Skillnaden mellan kvinnor och män är %(gap)s, inom gränsen.")
                ) % {"gap": gap}
        lines.append(text)
    return lines
