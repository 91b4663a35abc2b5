"""The ready DigComp self-assessment, in the version a coordinator chooses."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from digiproj.projects.models import Project

from .. import digcomp
from ..models import DigCompArea, Question, QuestionOption, Section, Survey
from .builder import LIKERT_LABELS, default_options, survey_create

MOTIVATION_ITEMS = [
    (
        "Jag tycker att det är roligt att lära mig nya digitala verktyg.",
        "I enjoy learning new digital tools.",
    ),
    (
        "Jag känner mig trygg när jag använder digitala verktyg i arbetet.",
        "I feel confident using digital tools at work.",
    ),
    ("Digital kompetens är viktig i mitt arbete.", "Digital competence matters in my work."),
    (
        "Jag har tid i arbetet att utveckla min digitala kompetens.",
        "I have time at work to develop my digital competence.",
    ),
]


@transaction.atomic
def digcomp_survey_create(*, project: Project, version: str = "") -> Survey:
    """The ready DigComp self-assessment in a version (the newest unless named): one part
    per area, one level question per competence (its sub-levels 1–8 plus "vet inte"), and
    a short Likert part on motivation."""
    version = version or digcomp.LATEST
    survey = survey_create(
        project=project,
        title=_("Digital kompetens — självskattning"),
        description=_(
            "Skatta hur du klarar olika digitala uppgifter i dag, enligt EU:s ramverk DigComp "
            "%(version)s. Det finns inga rätta svar; välj det som stämmer bäst."
        )
        % {"version": version},
        digcomp_version=version,
    )
    levels = default_options(Question.Kind.DIGCOMP_LEVEL, version)
    areas = DigCompArea.objects.filter(version=version).prefetch_related("competences")
    areas = areas.order_by("number")
    order = 0
    for area in areas:
        section = Section.objects.create(
            survey=survey,
            order=order,
            title_sv=f"{area.number}. {area.name_sv}",
            title_en=f"{area.number}. {area.name_en}",
            description_sv=_("Hur väl klarar du följande? Välj den nivå som stämmer bäst."),
        )
        order += 1
        for q_order, competence in enumerate(area.competences.order_by("code")):
            question = Question.objects.create(
                section=section,
                order=q_order,
                kind=Question.Kind.DIGCOMP_LEVEL,
                code="K" + competence.code.replace(".", "_"),
                text_sv=f"{competence.code} {competence.name_sv}",
                text_en=f"{competence.code} {competence.name_en}",
                help_sv=competence.description_sv,
                help_en=competence.description_en,
                competence=competence,
                required=True,
            )
            QuestionOption.objects.bulk_create(
                QuestionOption(question=question, value=v, position=i, label_sv=sv, label_en=en)
                for i, (v, sv, en) in enumerate(levels)
            )
    section = Section.objects.create(
        survey=survey,
        order=order,
        title_sv=_("Motivation och inställning"),
        title_en="Motivation and attitude",
        description_sv=_("Hur väl stämmer påståendena in på dig?"),
    )
    for q_order, (text_sv, text_en) in enumerate(MOTIVATION_ITEMS):
        question = Question.objects.create(
            section=section,
            order=q_order,
            kind=Question.Kind.LIKERT,
            code=f"M{q_order + 1}",
            text_sv=text_sv,
            text_en=text_en,
            required=True,
        )
        QuestionOption.objects.bulk_create(
            QuestionOption(question=question, value=v, position=i, label_sv=sv, label_en=en)
            for i, (v, sv, en) in enumerate(LIKERT_LABELS)
        )
    return survey
