"""Answering: drafts page by page, conditions, required answers, submitting once.

Every write goes through a row lock on the invitation, so two requests for the same person
(a double click, two tabs) run one after the other and can never create two responses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.integrity import unique_or_message

from ..models import (
    DONT_KNOW,
    Answer,
    AreaLevel,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
)

# A value in an answers dict: an option value, several option values, a number, or text.
AnswerValue = int | list[int] | str


def _already_submitted() -> ValidationError:
    return ValidationError(
        _("Dina svar är redan inskickade. Tack! Du kan inte svara en gång till."),
        code="used",
    )


def invitation_check_open(invitation: Invitation) -> None:
    now = timezone.now()
    round_ = invitation.round
    if invitation.used_at is not None:
        raise _already_submitted()
    if now < round_.opens_at:
        raise ValidationError(
            _("Enkäten öppnar %(date)s. Välkommen tillbaka då!")
            % {"date": timezone.localtime(round_.opens_at).strftime("%Y-%m-%d %H:%M")},
            code="not_open",
        )
    closes_at = round_.closes_at
    if round_.is_exit:
        # An exit round stays open; each personal link closes on its own day.
        from .. import selectors

        closes_at = min(
            closes_at, selectors.exit_closes_at(invitation_id=invitation.pk) or closes_at
        )
    if now >= closes_at:
        raise ValidationError(
            _("Enkäten stängde %(date)s och tar inte emot fler svar.")
            % {"date": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")},
            code="closed",
        )


def _lock_invitation(invitation_id: int) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round__survey")
        .get(pk=invitation_id)
    )


class _Snapshot(TypedDict):
    """What a response keeps of its respondent's participation, for anonymous figures."""

    gender: str
    organisation_id: int | None
    role_group: str


def _snapshot(invitation: Invitation) -> _Snapshot:
    from participants.models import Participation
    from participants.selectors import reported_gender

    participation = (
        Participation.objects.filter(
            project_id=invitation.round.survey.project_id, person_id=invitation.person_id
        )
        .annotate(reported_gender=reported_gender("project"))
        .values("reported_gender", "organisation_id", "role_group")
        .first()
    )
    if participation is None:
        return {"gender": "", "organisation_id": invitation.organisation_id, "role_group": ""}
    # Figures read the person's gender when they are made (surveys.selectors.response_gender);
    # this copy, by the same rule, is what an anonymous response keeps instead.
    return {
        "gender": participation["reported_gender"] or "",
        "organisation_id": participation["organisation_id"],
        "role_group": participation["role_group"],
    }


def _answer_rows(
    response: Response, questions: Iterable[Question], answers: dict[int, Any]
) -> Iterator[Answer]:
    for question in questions:
        value = answers.get(question.pk)
        if value is None or value in ("", []):
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


def visible_answers(
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
    # The lock (PostgreSQL) or the immediate transaction (SQLite) makes the second submit
    # wait and then see the invitation used; should a second response row still collide,
    # it gets the same message as that first-come check rather than a 500.
    with unique_or_message(Response, "uniq_response_person_round", _already_submitted()):
        return _submit(invitation_id=invitation_id, sections=sections)


def _submit(*, invitation_id: int, sections: list[Section]) -> Response:
    invitation = _lock_invitation(invitation_id)
    invitation_check_open(invitation)
    answers = visible_answers(sections, invitation_answers(invitation))
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
