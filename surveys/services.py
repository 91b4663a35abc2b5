"""Writes of surveys: the builder, DigComp survey, rounds and invitations, answering.

Every write validates first and saves nothing on error. Answering goes through a row lock on
the invitation, so two requests for the same person (a double click, two tabs) run one after
the other and can never create two responses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import tempfile
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project

from .models import (
    DONT_KNOW,
    Answer,
    AreaLevel,
    DigCompArea,
    DigCompLevel,
    Invitation,
    Question,
    QuestionOption,
    Response,
    Round,
    Section,
    Survey,
    SurveyExport,
)

# A value in an answers dict: an option value, several option values, a number, or text.
AnswerValue = int | list[int] | str

LIKERT_LABELS = [
    (1, "Stämmer inte alls", "Strongly disagree"),
    (2, "Stämmer ganska dåligt", "Disagree"),
    (3, "Stämmer delvis", "Partly agree"),
    (4, "Stämmer ganska bra", "Agree"),
    (5, "Stämmer helt", "Strongly agree"),
]


# --- the builder ---------------------------------------------------------------------------


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
def survey_create(*, project: Project, title: str, description: str = "") -> Survey:
    survey = Survey(project=project, title=title.strip(), description=description.strip())
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, title: str, description: str = "") -> Survey:
    # Title and description do not change what answers mean, so a locked survey may be renamed.
    survey.title, survey.description = title.strip(), description.strip()
    survey.full_clean()
    survey.save(update_fields=["title", "description"])
    return survey


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
    section.delete()


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


def _default_options(kind: str) -> list[tuple[int, str, str]]:
    if kind == Question.Kind.LIKERT:
        return list(LIKERT_LABELS)
    if kind == Question.Kind.DIGCOMP_LEVEL:
        levels = [(lv.level, lv.label_sv, lv.label_en) for lv in DigCompLevel.objects.all()]
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
    _validate_condition(
        section=section, show_if_question=show_if_question, show_if_values=show_if_values or []
    )
    question.save()
    _options_replace(question, options)
    return question


def _options_replace(question: Question, options: list[tuple[int, str, str]] | None) -> None:
    if question.kind == Question.Kind.DIGCOMP_LEVEL or (
        question.kind == Question.Kind.LIKERT and not options
    ):
        options = _default_options(question.kind)
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
    question.delete()


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
        )
    else:
        copy = Survey(
            project_id=survey.project_id,
            title=_("Kopia av %(title)s") % {"title": survey.title},
            description=survey.description,
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
def digcomp_survey_create(*, project: Project) -> Survey:
    """The ready DigComp 2.2 self-assessment: one part per area, one level question per
    competence (1–8 plus "vet inte"), and a short Likert part on motivation."""
    survey = survey_create(
        project=project,
        title=_("Digital kompetens — självskattning"),
        description=_(
            "Skatta hur du klarar olika digitala uppgifter i dag, enligt EU:s ramverk DigComp "
            "2.2. Det finns inga rätta svar; välj det som stämmer bäst."
        ),
    )
    levels = _default_options(Question.Kind.DIGCOMP_LEVEL)
    areas = DigCompArea.objects.prefetch_related("competences").order_by("number")
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


# --- rounds and invitations ----------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    survey: Survey,
    name: str,
    purpose: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    anonymous: bool = False,
    target_organisation: Organisation | None = None,
    target_role_group: str = "",
) -> Round:
    if not survey.sections.filter(questions__isnull=False).exists():
        raise ValidationError(
            _("Enkäten har inga frågor ännu. Lägg till frågor innan du skapar en omgång."),
            code="empty",
        )
    if (
        target_organisation is not None
        and not target_organisation.project_organisations.filter(
            project_id=survey.project_id
        ).exists()
    ):
        raise ValidationError(
            {"target_organisation": _("Organisationen deltar inte i projektet.")}, code="target"
        )
    round_ = Round(
        survey=survey,
        name=name,
        purpose=purpose,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        target_organisation=target_organisation,
        target_role_group=target_role_group,
    )
    if closes_at and opens_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": _("Stängningsdagen måste komma efter öppningsdagen.")})
    round_.full_clean()
    round_.save()
    return round_


def invitation_token(invitation: Invitation) -> str:
    digest = salted_hmac("surveys.invitation", invitation.nonce, algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_invitation(round_: Round, person_id: int, organisation_id: int | None) -> Invitation:
    invitation = Invitation(
        round=round_,
        person_id=person_id,
        organisation_id=organisation_id,
        nonce=secrets.token_hex(16),
    )
    invitation.token_hash = token_hash(invitation_token(invitation))
    return invitation


@transaction.atomic
def round_invitations_create(*, round_: Round) -> int:
    """One invitation per person in the target group; running it again adds only newcomers."""
    from . import selectors

    recipients = selectors.round_recipients(round_=round_).exclude(
        person__survey_invitations__round=round_
    )
    new = [
        _new_invitation(round_, p["person_id"], p["organisation_id"])
        for p in recipients.values("person_id", "organisation_id")
    ]
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def invitation_url(invitation: Invitation) -> str:
    path = reverse(
        "surveys:answer",
        args=[invitation.round.survey.project_id, invitation_token(invitation)],
    )
    return settings.DIGIPROJ_BASE_URL.rstrip("/") + path


def round_invitations_send(*, round_id: int, reminder: bool = False) -> int:
    """Send each invitee one mail with their personal link (or one reminder to those who
    have not submitted). Safe to run again: sent mails are marked per invitation."""
    round_ = Round.objects.select_related("survey__project").get(pk=round_id)
    if not reminder:
        round_invitations_create(round_=round_)
        pending = round_.invitations.filter(sent_at__isnull=True)
    else:
        if round_.reminded_at is None:
            return 0
        pending = round_.invitations.filter(used_at__isnull=True, sent_at__isnull=False).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=round_.reminded_at)
        )
    sent = 0
    pending = pending.exclude(person__email="").select_related("person")
    with translation.override(settings.LANGUAGE_CODE):
        for invitation in pending.iterator(chunk_size=500):
            invitation.round = round_
            _invitation_mail(invitation, reminder=reminder)
            field = "reminded_at" if reminder else "sent_at"
            Invitation.objects.filter(pk=invitation.pk).update(**{field: timezone.now()})
            sent += 1
    if not reminder:
        Round.objects.filter(pk=round_.pk, invitations_sent_at__isnull=True).update(
            invitations_sent_at=timezone.now()
        )
    return sent


def _invitation_mail(invitation: Invitation, *, reminder: bool) -> None:
    round_ = invitation.round
    params = {
        "name": invitation.person.first_name,
        "survey": round_.survey.title,
        "project": round_.survey.project.name,
        "closes": timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M"),
        "url": invitation_url(invitation),
    }
    subject = (_("Påminnelse: %(survey)s") if reminder else _("Enkät: %(survey)s")) % params
    body = (
        _(
            "Hej %(name)s!\n\n"
            "Du är inbjuden att svara på enkäten ”%(survey)s” i projektet %(project)s.\n"
            "Svara senast %(closes)s via din personliga länk:\n\n%(url)s\n\n"
            "Länken är personlig; dela den inte. Du kan spara och fortsätta senare.\n"
        )
        % params
    )
    if round_.anonymous:
        body += _("Enkäten är anonym: dina svar sparas utan koppling till dig.\n")
    send_mail(subject, body, None, [invitation.person.email])


@transaction.atomic
def round_reminder_request(*, round_: Round) -> Round:
    if not round_.invitations_sent_at:
        raise ValidationError(_("Skicka inbjudningarna innan du skickar en påminnelse."))
    round_.reminded_at = timezone.now()
    round_.save(update_fields=["reminded_at"])
    return round_


# --- answering -----------------------------------------------------------------------------


def invitation_check_open(invitation: Invitation) -> None:
    now = timezone.now()
    round_ = invitation.round
    if invitation.used_at is not None:
        raise ValidationError(
            _("Dina svar är redan inskickade. Tack! Du kan inte svara en gång till."),
            code="used",
        )
    if now < round_.opens_at:
        raise ValidationError(
            _("Enkäten öppnar %(date)s. Välkommen tillbaka då!")
            % {"date": timezone.localtime(round_.opens_at).strftime("%Y-%m-%d %H:%M")},
            code="not_open",
        )
    if now >= round_.closes_at:
        raise ValidationError(
            _("Enkäten stängde %(date)s och tar inte emot fler svar.")
            % {"date": timezone.localtime(round_.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="closed",
        )


def _lock_invitation(invitation_id: int) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round__survey")
        .get(pk=invitation_id)
    )


def _snapshot(invitation: Invitation) -> dict[str, Any]:
    from participants.models import Participation

    participation = (
        Participation.objects.filter(
            project_id=invitation.round.survey.project_id, person_id=invitation.person_id
        )
        .select_related("person")
        .first()
    )
    if participation is None:
        return {"gender": "", "organisation_id": invitation.organisation_id, "role_group": ""}
    return {
        "gender": participation.person.gender or "",
        "organisation_id": participation.organisation_id,
        "role_group": participation.role_group,
    }


def _answer_rows(response: Response, questions: Iterable[Question], answers: dict[int, Any]):
    for question in questions:
        value = answers.get(question.pk)
        if value in (None, "", []):
            continue
        if question.kind == Question.Kind.MULTIPLE:
            for v in value:
                yield Answer(response=response, question=question, value_int=int(v))
        elif question.is_choice:
            yield Answer(response=response, question=question, value_int=int(value))
        elif question.kind == Question.Kind.NUMBER:
            yield Answer(response=response, question=question, value_number=Decimal(str(value)))
        else:
            yield Answer(response=response, question=question, value_text=str(value))


def answers_from_rows(rows: Iterable[tuple[int, str, Any, Any, str]]) -> dict[int, AnswerValue]:
    """(question_id, kind, value_int, value_number, value_text) rows → an answers dict."""
    answers: dict[int, Any] = {}
    for question_id, kind, value_int, value_number, value_text in rows:
        if kind == Question.Kind.MULTIPLE:
            answers.setdefault(question_id, []).append(value_int)
        elif kind in Question.CHOICE_KINDS:
            answers[question_id] = value_int
        elif kind == Question.Kind.NUMBER:
            answers[question_id] = str(value_number)
        else:
            answers[question_id] = value_text
    return answers


def invitation_answers(invitation: Invitation) -> dict[int, AnswerValue]:
    """The answers saved so far: the draft on the invitation (anonymous) or the response."""
    if invitation.round.anonymous:
        return {int(k): v for k, v in invitation.draft.items()}
    rows = Answer.objects.filter(
        response__round_id=invitation.round_id, response__person_id=invitation.person_id
    ).values_list("question_id", "question__kind", "value_int", "value_number", "value_text")
    return answers_from_rows(rows)


def question_visible(question: Question, answers: dict[int, AnswerValue]) -> bool:
    if not question.show_if_question_id:
        return True
    given = answers.get(question.show_if_question_id)
    if isinstance(given, list):
        return any(v in question.show_if_values for v in given)
    return given in question.show_if_values


def _visible_answers(
    sections: list[Section], answers: dict[int, AnswerValue]
) -> dict[int, AnswerValue]:
    """Drop answers to questions a condition now hides (in order, so chains work)."""
    kept: dict[int, AnswerValue] = {}
    for section in sections:
        for question in section.questions.all():
            if question.pk in answers and question_visible(question, kept):
                kept[question.pk] = answers[question.pk]
    return kept


def _draft_response(invitation: Invitation) -> Response:
    response = Response.objects.filter(
        round_id=invitation.round_id, person_id=invitation.person_id
    ).first()
    if response is None:
        response = Response(
            round_id=invitation.round_id, person_id=invitation.person_id, **_snapshot(invitation)
        )
        response.full_clean()
        response.save()
    return response


def _lock_survey(survey_id: int) -> None:
    Survey.objects.filter(pk=survey_id, locked_at__isnull=True).update(locked_at=timezone.now())


@transaction.atomic
def response_save_page(
    *, invitation_id: int, section: Section, answers: dict[int, AnswerValue]
) -> None:
    """Save one page's answers as a draft (replacing that page's earlier answers)."""
    invitation = _lock_invitation(invitation_id)
    invitation_check_open(invitation)
    questions = list(section.questions.all())
    page_ids = {q.pk for q in questions}
    if invitation.round.anonymous:
        draft = {k: v for k, v in invitation.draft.items() if int(k) not in page_ids}
        draft.update({str(k): v for k, v in answers.items() if v not in (None, "", [])})
        invitation.draft = draft
        invitation.save(update_fields=["draft"])
    else:
        response = _draft_response(invitation)
        Answer.objects.filter(response=response, question_id__in=page_ids).delete()
        Answer.objects.bulk_create(_answer_rows(response, questions, answers))
    _lock_survey(invitation.round.survey_id)


def missing_required(
    sections: list[Section], answers: dict[int, AnswerValue]
) -> list[tuple[int, Section]]:
    """(page number, section) of every page with a visible required question unanswered."""
    missing = []
    for number, section in enumerate(sections, start=1):
        for question in section.questions.all():
            if (
                question.required
                and question_visible(question, answers)
                and answers.get(question.pk) in (None, "", [])
            ):
                missing.append((number, section))
                break
    return missing


@transaction.atomic
def response_submit(*, invitation_id: int, sections: list[Section]) -> Response:
    """Submit once. A second submit (double click, another tab, a replayed POST) waits for
    the lock, then finds the invitation used and is refused; the database's unique
    constraint on (round, person) is the last guard for identified rounds."""
    invitation = _lock_invitation(invitation_id)
    invitation_check_open(invitation)
    answers = _visible_answers(sections, invitation_answers(invitation))
    missing = missing_required(sections, answers)
    if missing:
        raise ValidationError(
            _("Obligatoriska frågor saknar svar på sida %(pages)s. Gå tillbaka och svara.")
            % {"pages": ", ".join(str(n) for n, _s in missing)},
            code="missing",
        )
    now = timezone.now()
    questions = [q for s in sections for q in s.questions.all()]
    if invitation.round.anonymous:
        # Only the day is kept on both sides, so the two rows cannot be matched by time.
        day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        response = Response(
            round_id=invitation.round_id,
            person=None,
            status=Response.Status.SUBMITTED,
            submitted_at=day,
            **_snapshot(invitation),
        )
        response.full_clean()
        response.save()
        Answer.objects.bulk_create(_answer_rows(response, questions, answers))
        invitation.draft = {}
        invitation.used_at = day
        invitation.save(update_fields=["draft", "used_at"])
    else:
        response = _draft_response(invitation)
        Answer.objects.filter(response=response).exclude(question_id__in=answers).delete()
        response.status = Response.Status.SUBMITTED
        response.submitted_at = now
        response.save(update_fields=["status", "submitted_at"])
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
    area_levels_compute(responses=Response.objects.filter(pk=response.pk))
    _lock_survey(invitation.round.survey_id)
    return response


def area_levels_compute(*, responses: QuerySet[Response]) -> int:
    """(Re)compute the stored DigComp area levels of the given responses, aggregated in the
    database: per response and area, the mean of the answered level items ("vet inte",
    stored as 0, is left out)."""
    AreaLevel.objects.filter(response__in=responses).delete()
    rows = (
        Answer.objects.filter(
            response__in=responses,
            question__kind=Question.Kind.DIGCOMP_LEVEL,
            question__competence__isnull=False,
            value_int__gt=DONT_KNOW,
        )
        .values("response_id", area=F("question__competence__area__number"))
        .annotate(level=Avg("value_int"), items=Count("pk"))
        .order_by()
    )
    created = AreaLevel.objects.bulk_create(
        (
            AreaLevel(
                response_id=r["response_id"], area=r["area"], level=r["level"], items=r["items"]
            )
            for r in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    return len(created)


# --- Excel export --------------------------------------------------------------------------


@transaction.atomic
def survey_export_request(*, round_: Round, user_id: int, language: str) -> SurveyExport:
    export = SurveyExport(round=round_, requested_by_id=user_id, language=language or "sv")
    export.full_clean()
    export.save()
    return export


def survey_export_run(*, export_id: int) -> None:
    """Write the round's submitted responses to Excel: one row per response, one column per
    question (multiple choice: values joined by ;), and a codebook sheet.

    Claims the row with a conditional update, so a redelivered task does nothing.
    """
    claimed = SurveyExport.objects.filter(pk=export_id, status=SurveyExport.Status.QUEUED).update(
        status=SurveyExport.Status.RUNNING
    )
    if not claimed:
        return
    export = SurveyExport.objects.select_related("round__survey").get(pk=export_id)
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as handle:
            _export_write(export, handle)
            handle.seek(0)
            export.file.save(f"omgang-{export.round_id}-{export.pk}.xlsx", File(handle), save=False)
        export.status = SurveyExport.Status.DONE
        export.progress = 100
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception as exc:
        SurveyExport.objects.filter(pk=export_id).update(
            status=SurveyExport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise


def _export_write(export: SurveyExport, handle: Any) -> None:
    from openpyxl import Workbook

    from participants.models import GENDER_CHOICES, Participation

    from . import selectors

    round_ = export.round
    sections = selectors.survey_structure(survey=round_.survey)
    questions = [q for s in sections for q in s.questions.all()]
    position = {q.pk: i for i, q in enumerate(questions)}
    kinds = {q.pk: q.kind for q in questions}
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    genders = {code: str(label) for code, label in GENDER_CHOICES}
    role_groups = {code: str(label) for code, label in Participation.RoleGroup.choices}
    responses = Response.objects.filter(round=round_, status=Response.Status.SUBMITTED)
    total = responses.count() or 1

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Svar"))
    sheet.append(
        [_("svar_id"), _("inskickad"), _("kön"), _("organisation"), _("yrkesgrupp")]
        + [q.column for q in questions]
    )
    answers = (
        Answer.objects.filter(response__in=responses)
        .order_by("response_id", "question_id", "value_int")
        .values_list(
            "response_id",
            "question_id",
            "value_int",
            "value_number",
            "value_text",
            "response__submitted_at",
            "response__gender",
            "response__organisation_id",
            "response__role_group",
        )
    )
    current: list[Any] | None = None
    current_id = None
    done = 0

    def flush() -> None:
        nonlocal done
        if current is None:
            return
        sheet.append(
            [";".join(str(v) for v in cell) if isinstance(cell, list) else cell for cell in current]
        )
        done += 1
        if done % 2000 == 0:
            SurveyExport.objects.filter(pk=export.pk).update(progress=min(99, done * 100 // total))

    for rid, qid, v_int, v_num, v_text, submitted, gender, org, role in answers.iterator(
        chunk_size=5000
    ):
        if rid != current_id:
            flush()
            current_id = rid
            local = timezone.localtime(submitted).replace(tzinfo=None) if submitted else None
            current = [
                rid,
                local,
                genders.get(gender, gender),
                organisations.get(org, ""),
                role_groups.get(role, role),
            ] + [None] * len(questions)
        column = 5 + position[qid]
        if kinds[qid] == Question.Kind.MULTIPLE:
            current[column] = [*(current[column] or []), v_int]
        elif kinds[qid] in Question.CHOICE_KINDS:
            current[column] = v_int
        elif kinds[qid] == Question.Kind.NUMBER:
            current[column] = float(v_num) if v_num is not None else None
        else:
            current[column] = v_text
    flush()

    codebook = workbook.create_sheet(_("Kodbok"))
    codebook.append(
        [_("kolumn"), _("del"), _("fråga"), _("typ"), _("värden"), _("DigComp"), _("visas om")]
    )
    for section in sections:
        for q in section.questions.all():
            codebook.append(
                [
                    q.column,
                    section.title_sv,
                    q.text_sv,
                    str(q.get_kind_display()),
                    "; ".join(f"{o.value} = {o.label_sv}" for o in q.options.all()),
                    q.competence.code if q.competence else "",
                    (
                        f"{questions[position[q.show_if_question_id]].column} ∈ "
                        + ", ".join(str(v) for v in q.show_if_values)
                    )
                    if q.show_if_question_id in position
                    else "",
                ]
            )
    workbook.save(handle)
