"""What each figure means, in the funder's words. Shown on screen and in "Om rapporten"."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Project


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    min_age: int | None  # inclusive
    max_age: int | None  # inclusive


# Age at the participant's start date. The bands differ per programme period.
AGE_BANDS: dict[str, list[AgeBand]] = {
    Project.ProgrammePeriod.ESF_2014_2020: [
        AgeBand("u25", "<25", None, 24),
        AgeBand("25-54", "25–54", 25, 54),
        AgeBand("o54", ">54", 55, None),
    ],
    Project.ProgrammePeriod.ESF_PLUS_2021_2027: [
        AgeBand("u18", "<18", None, 17),
        AgeBand("18-29", "18–29", 18, 29),
        AgeBand("30-54", "30–54", 30, 54),
        AgeBand("o55", "≥55", 55, None),
    ],
}

MEASURES = {
    "started": _("Startade"),
    "active": _("Aktiva"),
    "ended": _("Avslutade"),
}

MEASURE_DEFINITIONS = {
    "started": _(
        "Startade: deltagare vars startdatum (första inträde i projektet) ligger i perioden. "
        "Den som slutar och kommer tillbaka räknas en gång, med sitt första startdatum."
    ),
    "active": _(
        "Aktiva: deltagare som har börjat senast periodens sista dag och inte avslutat före "
        "periodens första dag."
    ),
    "ended": _("Avslutade: deltagare vars slutdatum ligger i perioden."),
    "gender": _(
        "Kön: det kön som står i registret när rapporten görs, enligt personnumrets näst "
        "sista siffra eller det ändrade kön som registrerats med skäl. Icke-binära redovisas "
        "bara i ESF+-projekt; i ett projekt 2014–2020 redovisas den som registrerats som "
        "icke-binär efter personnumrets kön. Enkätsvar räknas efter samma kön, inte det som "
        "gällde när svaret lämnades (ett anonymt svar har bara det som gällde då)."
    ),
    "age": _("Ålder: ålder vid startdatum, i programperiodens åldersgrupper."),
    "scope": _(
        "Urval: deltagare i projektet (och vald organisation), utom raderade uppgifter. "
        "En kontaktperson ser bara sin egen organisations deltagare."
    ),
}

ROUNDING = _(
    "Avrundning: värden avrundas till angivet antal decimaler, halvt uppåt (3,325 blir 3,33). "
    "Timmar per kön avrundas var för sig och totalen räknas från de exakta minuterna, så "
    "summan av de avrundade delarna kan skilja sig från totalen med någon hundradel."
)

# Stated on every report page and in every report file's "Om rapporten".
COMMON_DEFINITIONS = (MEASURE_DEFINITIONS["gender"], ROUNDING)
