"""The questions the platform ships for the exit questionnaire and the follow-up after exit.

The indicator questions cover the funder's result indicators for participants who leave
(in education or training, gained a qualification, in employment and its change, improved
labour-market situation), phrased for employed staff in a competence-development project.
Each is a Ja/Nej question with a fixed column code: UT_<key> in the exit survey, UF_<key>
in the follow-up, so results, reports and goals find them by code whatever else the
coordinator adds, edits or moves. Question texts are data (Swedish, with English beside),
as in the DigComp survey."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models_exit import ExitKind

YES, NO = 1, 2
YES_NO = [(YES, "Ja", "Yes"), (NO, "Nej", "No")]
PREFIX = {ExitKind.EXIT: "UT_", ExitKind.FOLLOW_UP: "UF_"}


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Promise  # how results and reports name the figure
    exit_sv: str
    exit_en: str
    follow_up_sv: str
    follow_up_en: str

    def code(self, kind: str) -> str:
        return PREFIX[ExitKind(kind)] + self.key

    def text(self, kind: str) -> tuple[str, str]:
        if kind == ExitKind.EXIT:
            return self.exit_sv, self.exit_en
        return self.follow_up_sv, self.follow_up_en


INDICATORS: list[Indicator] = [
    Indicator(
        "UTBILDNING",
        _("I utbildning"),
        "Studerar du eller går du en utbildning i dag, utöver projektet?",
        "Are you studying or in training today, apart from the project?",
        "Studerar du eller går du en utbildning i dag?",
        "Are you studying or in training today?",
    ),
    Indicator(
        "KVALIFIKATION",
        _("Fått en kvalifikation"),
        "Har du fått ett intyg, certifikat, betyg eller annan kvalifikation genom projektet?",
        "Have you gained a certificate, grade or other qualification through the project?",
        "Har du sedan projektet fått ett intyg, certifikat, betyg eller annan kvalifikation "
        "som bygger på det du lärde dig?",
        "Since the project, have you gained a certificate or other qualification building "
        "on what you learnt?",
    ),
    Indicator(
        "ARBETE",
        _("I arbete"),
        "Har du en anställning i dag (eller driver du eget företag)?",
        "Are you employed today (or self-employed)?",
        "Har du en anställning i dag (eller driver du eget företag)?",
        "Are you employed today (or self-employed)?",
    ),
    Indicator(
        "ARBETE_ANDRAT",
        _("Förändrad anställning"),
        "Har din anställning förändrats sedan du började i projektet (till exempel "
        "tillsvidareanställning, högre sysselsättningsgrad eller ny tjänst)?",
        "Has your employment changed since you started in the project (for example a "
        "permanent contract, more hours or a new post)?",
        "Har din anställning förändrats sedan du avslutade projektet (till exempel "
        "tillsvidareanställning, högre sysselsättningsgrad eller ny tjänst)?",
        "Has your employment changed since you left the project (for example a permanent "
        "contract, more hours or a new post)?",
    ),
    Indicator(
        "STALLNING",
        _("Förbättrad ställning på arbetsmarknaden"),
        "Har du efter projektet fått nya arbetsuppgifter eller en förbättrad ställning på "
        "arbetsmarknaden?",
        "After the project, have you been given new tasks or an improved position on the "
        "labour market?",
        "Har du sedan projektet fått nya arbetsuppgifter eller en förbättrad ställning på "
        "arbetsmarknaden?",
        "Since the project, have you been given new tasks or an improved position on the "
        "labour market?",
    ),
]
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}


def indicator_for_code(code: str) -> tuple[ExitKind, Indicator] | None:
    """The kind and indicator an indicator question's column code stands for."""
    for kind, prefix in PREFIX.items():
        if code.startswith(prefix) and code[len(prefix) :] in BY_KEY:
            return kind, BY_KEY[code[len(prefix) :]]
    return None


# The project's own part, which the coordinator edits like any survey's questions.
OWN_PART = {
    ExitKind.EXIT: [
        (
            "likert",
            "UT_NYTTA",
            "Jag har nytta av det jag lärde mig i projektet i mitt arbete.",
            "I use what I learnt in the project in my work.",
            True,
        ),
        (
            "long_text",
            "UT_KOMMENTAR",
            "Vill du berätta något mer om vad projektet har betytt för dig?",
            "Is there anything else you would like to say about what the project meant to you?",
            False,
        ),
    ],
    ExitKind.FOLLOW_UP: [
        (
            "likert",
            "UF_NYTTA",
            "Jag använder fortfarande det jag lärde mig i projektet i mitt arbete.",
            "I still use what I learnt in the project in my work.",
            True,
        ),
        (
            "long_text",
            "UF_KOMMENTAR",
            "Vill du berätta något mer om vad som har hänt sedan projektet?",
            "Is there anything else you would like to say about what happened since?",
            False,
        ),
    ],
}
