"""The survey builder: surveys, parts (sections), questions and options, copies and new
versions, and the ready DigComp self-assessment. A survey with answers is locked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils.translation import gettext as _

from digiproj.projects.models import Project

from .. import digcomp
from ..models import (
    DONT_KNOW,
    Answer,
    DigCompCompetence,
    DigCompLevel,
    Question,
    QuestionOption,
    Section,
    Survey,
)

LIKERT_LABELS = [
    (1, "Stämmer inte alls", "Strongly disagree"),
    (2, "Stämmer ganska dåligt", "Disagree"),
    (3, "Stämmer delvis", "Partly agree"),
    (4, "Stämmer ganska bra", "Agree"),
    (5, "Stämmer helt", "Strongly agree"),
]


def survey_ensure_unlocked(survey: Survey) -> None:
    """Questions of a survey that has answers cannot change: old answers would change meaning."""
    if Survey.objects.filter(pk=survey.pk, locked_at__isnull=False).exists():
        raise ValidationError(
            _(
                "Enkäten har redan svar och kan inte ändras. Skapa en ny version av enkäten "
                "och ändra i den i stället."
            ),
            code="locked",
        )


@transaction.atomic
def survey_create(
    *, project: Project, title: str, description: str = "", digcomp_version: str = ""
) -> Survey:
    survey = Survey(
        project=project,
        title=title.strip(),
        description=description.strip(),
        digcomp_version=digcomp_version or digcomp.LATEST,
    )
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(
    *, survey: Survey, title: str, description: str = "", digcomp_version: str = ""
) -> Survey:
    # Title and description do not change what answers mean, so a locked survey may be
    # renamed; its DigComp version does, so that is fixed once answers exist.
    fields = ["title", "description"]
    version = digcomp_version or survey.digcomp_version
    stored = Survey.objects.values_list("digcomp_version", flat=True).get(pk=survey.pk)
    if version != stored:
        survey_version_ensure_changeable(survey, version)
        fields.append("digcomp_version")
    survey.title, survey.description = title.strip(), description.strip()
    survey.digcomp_version = version
    survey.full_clean()
    survey.save(update_fields=fields)
    return survey


def survey_version_ensure_changeable(survey: Survey, version: str) -> None:
    """A survey's DigComp version may change only while nothing depends on it: no answers
    (their levels were given on the old version's scale texts) and no question tied to a
    competence of the old version (it would count in an area of another framework)."""
    if Survey.objects.filter(pk=survey.pk, locked_at__isnull=False).exists():
        message = _(
            "Enkäten har redan svar, så DigComp-versionen kan inte ändras. Skapa en ny enkät "
            "med den andra versionen i stället."
        )
        raise ValidationError({"digcomp_version": ValidationError(message, code="locked")})
    tied = Question.objects.filter(section__survey=survey, competence__isnull=False).exclude(
        competence__version=version
    )
    if tied.exists():
        message = _(
            "Frågorna är kopplade till kompetenser i DigComp %(old)s. Ta bort kopplingarna, "
            "eller skapa en ny DigComp-självskattning med version %(new)s."
        ) % {"old": survey.digcomp_version, "new": version}
        raise ValidationError({"digcomp_version": ValidationError(message, code="version_in_use")})


@transaction.atomic
def section_create(
    *,
    survey: Survey,
    title_sv: str,
    title_en: str = "",
    description_sv: str = "",
    description_en: str = "",
) -> Section:
    survey_ensure_unlocked(survey)
    last = survey.sections.aggregate(m=Max("order"))["m"]
    section = Section(
        survey=survey,
        order=0 if last is None else last + 1,
        title_sv=title_sv,
        title_en=title_en,
        description_sv=description_sv,
        description_en=description_en,
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_update(*, section: Section, **fields: Any) -> Section:
    survey_ensure_unlocked(section.survey)
    for name in ("title_sv", "title_en", "description_sv", "description_en"):
        if name in fields:
            setattr(section, name, fields[name])
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    survey_ensure_unlocked(section.survey)
    if (
        Question.objects.filter(
            show_if_question__section=section, section__survey_id=section.survey_id
        )
        .exclude(section=section)
        .exists()
    ):
        raise ValidationError(
            _("En fråga i en senare del visas beroende på svar i den här delen. Ändra den först."),
            code="has_dependants",
        )
    if Answer.objects.filter(question__section=section).exists():
        raise ValidationError(_answered_message(), code="answered")
    # Conditions between questions of this part go with it (a protected link would stop
    # the delete half-way).
    Question.objects.filter(section=section).update(show_if_question=None)
    _delete(section)


@transaction.atomic
def section_move(*, section: Section, direction: str) -> None:
    """Move a section one step up or down; numbering is rewritten 0..n so gaps vanish."""
    survey_ensure_unlocked(section.survey)
    sections = list(Section.objects.select_for_update().filter(survey_id=section.survey_id))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    for order, s in enumerate(sections):
        s.order = order
    Section.objects.bulk_update(sections, ["order"])
    if Question.objects.filter(
        section__survey_id=section.survey_id,
        show_if_question__section__order__gte=F("section__order"),
    ).exists():
        raise ValidationError(
            _(
                "Delen kan inte flyttas: en fråga skulle då hamna före frågan som styr om den "
                "visas."
            ),
            code="condition_order",
        )


@transaction.atomic
def question_move(*, question: Question, direction: str) -> None:
    survey_ensure_unlocked(question.section.survey)
    questions = list(Question.objects.select_for_update().filter(section_id=question.section_id))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for order, q in enumerate(questions):
        q.order = order
    Question.objects.bulk_update(questions, ["order"])


def default_options(kind: str, version: str = digcomp.LATEST) -> list[tuple[int, str, str]]:
    """A scale question's options; a DigComp level question's are its version's sub-levels."""
    if kind == Question.Kind.LIKERT:
        return list(LIKERT_LABELS)
    if kind == Question.Kind.DIGCOMP_LEVEL:
        levels = [
            (lv.level, lv.label_sv, lv.label_en)
            for lv in DigCompLevel.objects.filter(version=version).order_by("level")
        ]
        return [*levels, (DONT_KNOW, "Vet inte", "Don't know")]
    return []


def _validate_condition(
    *, section: Section, show_if_question: Question | None, show_if_values: list[int]
) -> None:
    if show_if_question is None:
        if show_if_values:
            raise ValidationError(
                {"show_if_question": _("Välj vilken fråga villkoret gäller.")}, code="condition"
            )
        return
    controller = Question.objects.select_related("section").get(pk=show_if_question.pk)
    if controller.section.survey_id != section.survey_id:
        raise ValidationError(
            {"show_if_question": _("Villkoret måste gälla en fråga i samma enkät.")},
            code="condition",
        )
    if controller.section.order >= section.order:
        raise ValidationError(
            {
                "show_if_question": _(
                    "Villkoret måste gälla en fråga i en tidigare del, så att svaret finns "
                    "när frågan ska visas."
                )
            },
            code="condition",
        )
    if not controller.is_choice:
        raise ValidationError(
            {"show_if_question": _("Villkoret kan bara gälla en fråga med svarsalternativ.")},
            code="condition",
        )
    known = set(controller.options.values_list("value", flat=True))
    if not show_if_values or not set(show_if_values) <= known:
        raise ValidationError(
            {
                "show_if_values": _("Ange ett eller flera av frågans svarsvärden: %(values)s.")
                % {"values": ", ".join(str(v) for v in sorted(known))}
            },
            code="condition",
        )


@transaction.atomic
def question_create(
    *,
    section: Section,
    kind: str,
    text_sv: str,
    text_en: str = "",
    help_sv: str = "",
    help_en: str = "",
    required: bool = True,
    code: str = "",
    competence_id: int | None = None,
    options: list[tuple[int, str, str]] | None = None,
    show_if_question: Question | None = None,
    show_if_values: list[int] | None = None,
) -> Question:
    survey_ensure_unlocked(section.survey)
    last = section.questions.aggregate(m=Max("order"))["m"]
    question = Question(
        section=section,
        order=0 if last is None else last + 1,
        kind=kind,
        text_sv=text_sv,
        text_en=text_en,
        help_sv=help_sv,
        help_en=help_en,
        required=required,
        code=code,
        competence_id=competence_id,
        show_if_question=show_if_question,
        show_if_values=show_if_values or [],
    )
    question.full_clean(exclude=["show_if_question"])
    _validate_competence(section.survey, competence_id)
    _validate_condition(
        section=section, show_if_question=show_if_question, show_if_values=show_if_values or []
    )
    question.save()
    _options_replace(question, options)
    return question


def _validate_competence(survey: Survey, competence_id: int | None) -> None:
    """A question counts in the profile of its survey's DigComp version only."""
    if competence_id is None:
        return
    if not DigCompCompetence.objects.filter(
        pk=competence_id, version=survey.digcomp_version
    ).exists():
        message = _("Välj en kompetens i enkätens version, DigComp %(version)s.") % {
            "version": survey.digcomp_version
        }
        raise ValidationError({"competence": ValidationError(message, code="competence_version")})


def _options_replace(question: Question, options: list[tuple[int, str, str]] | None) -> None:
    if question.kind == Question.Kind.DIGCOMP_LEVEL or (
        question.kind == Question.Kind.LIKERT and not options
    ):
        options = default_options(question.kind, question.section.survey.digcomp_version)
    if question.is_choice and not options:
        raise ValidationError(
            {"options": _("Frågan behöver minst två svarsalternativ, ett per rad.")},
            code="options",
        )
    question.options.all().delete()
    if question.is_choice:
        QuestionOption.objects.bulk_create(
            QuestionOption(question=question, value=v, position=i, label_sv=sv, label_en=en)
            for i, (v, sv, en) in enumerate(options or [])
        )


@transaction.atomic
def question_update(
    *,
    question: Question,
    options: list[tuple[int, str, str]] | None = None,
    show_if_question: Question | None = None,
    show_if_values: list[int] | None = None,
    **fields: Any,
) -> Question:
    survey_ensure_unlocked(question.section.survey)
    for name in (
        "kind",
        "text_sv",
        "text_en",
        "help_sv",
        "help_en",
        "required",
        "code",
        "competence_id",
    ):
        if name in fields:
            setattr(question, name, fields[name])
    question.show_if_question = show_if_question
    question.show_if_values = show_if_values or []
    question.full_clean(exclude=["show_if_question"])
    _validate_competence(question.section.survey, question.competence_id)
    _validate_condition(
        section=question.section,
        show_if_question=show_if_question,
        show_if_values=show_if_values or [],
    )
    question.save()
    if question.dependants.exists() and not question.is_choice:
        raise ValidationError(
            {
                "kind": _(
                    "Andra frågor visas beroende på den här frågans svar; behåll en typ med "
                    "svarsalternativ."
                )
            },
            code="has_dependants",
        )
    _options_replace(question, options)
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    survey_ensure_unlocked(question.section.survey)
    if question.dependants.exists():
        raise ValidationError(
            _("Andra frågor visas beroende på svaret på den här frågan. Ändra dem först."),
            code="has_dependants",
        )
    if Answer.objects.filter(question=question).exists():
        raise ValidationError(_answered_message(), code="answered")
    _delete(question)


def _answered_message() -> str:
    return _(
        "Frågan har redan svar och kan inte tas bort, då skulle svaren förloras. Skapa en ny "
        "version av enkäten och ta bort frågan där."
    )


def _delete(obj: Section | Question) -> None:
    """Delete, or say why not: a row that still refers to it (an answer, a condition) is a
    message rather than a 500 should a check above ever miss one."""
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as error:
        raise ValidationError(
            _(
                "Det finns svar eller villkor som hör till den här delen eller frågan, så den "
                "kan inte tas bort. Ändra villkoren eller skapa en ny version av enkäten."
            ),
            code="protected",
        ) from error


@transaction.atomic
def survey_copy(*, survey: Survey, new_version: bool) -> Survey:
    """Copy a survey with its sections, questions, options and conditions.

    `new_version`: the same survey, next version number (the way to change a locked one).
    Otherwise a separate survey called "Kopia av …".
    """
    if new_version:
        top = Survey.objects.filter(project_id=survey.project_id, title=survey.title).aggregate(
            m=Max("version")
        )["m"]
        copy = Survey(
            project_id=survey.project_id,
            title=survey.title,
            description=survey.description,
            version=(top or survey.version) + 1,
            previous_version=survey,
            digcomp_version=survey.digcomp_version,
        )
    else:
        copy = Survey(
            project_id=survey.project_id,
            title=_("Kopia av %(title)s") % {"title": survey.title},
            description=survey.description,
            digcomp_version=survey.digcomp_version,
        )
    copy.full_clean()
    copy.save()
    question_map: dict[int, Question] = {}
    pending_conditions: list[tuple[Question, int]] = []
    sections = survey.sections.prefetch_related("questions__options")
    for section in sections:
        questions = list(section.questions.all())
        section.pk = None
        section.survey = copy
        section.save()
        for question in questions:
            options = list(question.options.all())
            old_pk, controller = question.pk, question.show_if_question_id
            question.pk = None
            question.section = section
            question.show_if_question = None
            question.save()
            question_map[old_pk] = question
            if controller:
                pending_conditions.append((question, controller))
            QuestionOption.objects.bulk_create(
                QuestionOption(
                    question=question,
                    value=o.value,
                    position=o.position,
                    label_sv=o.label_sv,
                    label_en=o.label_en,
                )
                for o in options
            )
    for question, controller in pending_conditions:
        question.show_if_question = question_map[controller]
        question.save(update_fields=["show_if_question"])
    return copy
