"""Survey services: DigComp data, builder locking and copying, conditions, required answers,
closed rounds, submitting once, anonymity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from surveys import selectors, services
from surveys.models import (
    Answer,
    DigCompArea,
    DigCompCompetence,
    DigCompLevel,
    Question,
    Response,
    Section,
    Survey,
)
from tests.factories import (
    InvitationFactory,
    ParticipationFactory,
    ProjectFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def _sections(world):
    return selectors.survey_structure(survey=world["survey"])


def _fill(world, *, gate=1, follow=4, number="7.5"):
    inv = world["invitation"]
    first, second = _sections(world)
    services.response_save_page(
        invitation_id=inv.pk, section=first, answers={world["gate"].pk: gate}
    )
    answers = {world["number"].pk: number}
    if follow is not None:
        answers[world["follow"].pk] = follow
    services.response_save_page(invitation_id=inv.pk, section=second, answers=answers)


def test_digcomp_framework_is_shipped_as_data():
    # 2.2 as shipped before versions existed (3.0 beside it: test_digcomp_versions.py).
    assert list(DigCompArea.objects.filter(version="2.2").values_list("number", "name_sv")) == [
        (1, "Informations- och datakunskap"),
        (2, "Kommunikation och samarbete"),
        (3, "Skapa digitalt innehåll"),
        (4, "Säkerhet"),
        (5, "Problemlösning"),
    ]
    v22 = DigCompCompetence.objects.filter(version="2.2")
    per_area = [v22.filter(area__number=n).count() for n in range(1, 6)]
    assert per_area == [3, 6, 4, 4, 4]
    assert v22.filter(code="5.4", name_en__contains="gaps").exists()
    bands = list(DigCompLevel.objects.filter(version="2.2").values_list("level", "band"))
    assert [b for _l, b in bands] == ["foundation"] * 2 + ["intermediate"] * 2 + [
        "advanced"
    ] * 2 + ["specialised"] * 2


def test_digcomp_survey_has_a_part_per_area_and_a_motivation_part():
    survey = services.digcomp_survey_create(project=ProjectFactory(), version="2.2")

    sections = selectors.survey_structure(survey=survey)
    assert len(sections) == 6
    assert sections[0].title_sv == "1. Informations- och datakunskap"
    level_questions = [q for s in sections[:5] for q in s.questions.all()]
    assert len(level_questions) == 21
    assert {q.kind for q in level_questions} == {Question.Kind.DIGCOMP_LEVEL}
    assert [o.value for o in level_questions[0].options.all()] == [1, 2, 3, 4, 5, 6, 7, 8, 0]
    assert {q.kind for q in sections[5].questions.all()} == {Question.Kind.LIKERT}
    assert survey.title == "Digital kompetens — självskattning"


def test_survey_with_answers_is_locked(survey_world):
    _fill(survey_world)
    survey = Survey.objects.get(pk=survey_world["survey"].pk)
    assert survey.is_locked

    with pytest.raises(ValidationError) as exc:
        services.question_create(
            section=survey_world["sections"][0], kind=Question.Kind.SHORT_TEXT, text_sv="Ny"
        )
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError):
        services.question_delete(question=survey_world["comment"])
    with pytest.raises(ValidationError):
        services.section_move(section=survey_world["sections"][1], direction="up")
    assert Question.objects.filter(section__survey=survey).count() == 4


def test_new_version_copies_questions_and_conditions_and_is_editable(survey_world):
    _fill(survey_world)
    old = survey_world["survey"]

    copy = services.survey_copy(survey=old, new_version=True)

    assert (copy.title, copy.version, copy.previous_version_id) == (old.title, 2, old.pk)
    assert not copy.is_locked
    follow = Question.objects.get(section__survey=copy, text_sv="Hur nöjd är du?")
    assert follow.show_if_question.section.survey_id == copy.pk
    assert follow.show_if_values == [1]
    assert follow.options.count() == 5
    services.question_create(section=follow.section, kind=Question.Kind.SHORT_TEXT, text_sv="Ny")


def test_condition_must_point_to_an_earlier_part(survey_world):
    first, second = survey_world["sections"]
    with pytest.raises(ValidationError) as exc:
        services.question_create(
            section=first,
            kind=Question.Kind.SHORT_TEXT,
            text_sv="Varför?",
            show_if_question=survey_world["gate"],
            show_if_values=[2],
        )
    assert "tidigare del" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.question_create(
            section=second,
            kind=Question.Kind.SHORT_TEXT,
            text_sv="Varför?",
            show_if_question=survey_world["gate"],
            show_if_values=[9],
        )
    assert "1, 2" in str(exc.value)


def test_moving_a_part_above_the_question_it_depends_on_is_refused(survey_world):
    with pytest.raises(ValidationError):
        services.section_move(section=survey_world["sections"][1], direction="up")
    orders = list(Section.objects.order_by("order").values_list("pk", flat=True))
    assert orders == [s.pk for s in survey_world["sections"]]


def test_question_move_swaps_order():
    section = SectionFactory()
    a, b = QuestionFactory(section=section, order=0), QuestionFactory(section=section, order=1)
    services.question_move(question=b, direction="up")
    assert list(section.questions.values_list("pk", flat=True)) == [b.pk, a.pk]
    services.question_move(question=b, direction="up")  # already first: nothing happens
    assert list(section.questions.values_list("pk", flat=True)) == [b.pk, a.pk]


def test_hidden_question_is_not_required_and_its_answer_is_dropped(survey_world):
    _fill(survey_world, gate=1, follow=4)
    # Change of mind on page 1: the follow-up question is now hidden.
    first, _second = _sections(survey_world)
    inv = survey_world["invitation"]
    services.response_save_page(
        invitation_id=inv.pk, section=first, answers={survey_world["gate"].pk: 2}
    )

    response = services.response_submit(invitation_id=inv.pk, sections=_sections(survey_world))

    assert response.status == Response.Status.SUBMITTED
    kept = set(response.answers.values_list("question_id", flat=True))
    assert kept == {survey_world["gate"].pk, survey_world["number"].pk}


def test_visible_required_question_must_be_answered(survey_world):
    _fill(survey_world, gate=1, follow=None)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            invitation_id=survey_world["invitation"].pk, sections=_sections(survey_world)
        )
    assert exc.value.code == "missing"
    assert "sida 2" in exc.value.messages[0]
    assert not Response.objects.filter(status=Response.Status.SUBMITTED).exists()


def test_closed_and_not_yet_open_rounds_refuse_answers(survey_world):
    round_ = survey_world["round"]
    first = survey_world["sections"][0]
    inv_id = survey_world["invitation"].pk
    round_.opens_at = timezone.now() + dt.timedelta(days=1)
    round_.closes_at = timezone.now() + dt.timedelta(days=2)
    round_.save()
    with pytest.raises(ValidationError) as exc:
        services.response_save_page(invitation_id=inv_id, section=first, answers={})
    assert exc.value.code == "not_open"

    round_.opens_at = timezone.now() - dt.timedelta(days=2)
    round_.closes_at = timezone.now() - dt.timedelta(minutes=1)
    round_.save()
    with pytest.raises(ValidationError) as exc:
        services.response_save_page(invitation_id=inv_id, section=first, answers={})
    assert exc.value.code == "closed"
    assert "stängde" in exc.value.messages[0]
    assert not Response.objects.exists()


def test_second_submission_is_refused_and_leaves_one_response(survey_world):
    _fill(survey_world)
    inv_id = survey_world["invitation"].pk
    services.response_submit(invitation_id=inv_id, sections=_sections(survey_world))

    with pytest.raises(ValidationError) as exc:
        services.response_submit(invitation_id=inv_id, sections=_sections(survey_world))
    assert exc.value.code == "used"
    with pytest.raises(ValidationError):
        services.response_save_page(
            invitation_id=inv_id, section=survey_world["sections"][0], answers={}
        )
    assert Response.objects.count() == 1


def test_database_refuses_a_second_response_for_the_same_person(survey_world):
    _fill(survey_world)
    with pytest.raises(IntegrityError):
        Response.objects.create(
            round=survey_world["round"], person=survey_world["participation"].person
        )


def test_anonymous_response_cannot_be_traced_to_the_person(survey_world):
    round_ = survey_world["round"]
    round_.anonymous = True
    round_.save()
    _fill(survey_world)
    assert not Response.objects.exists()  # the draft lives on the invitation until submitted

    response = services.response_submit(
        invitation_id=survey_world["invitation"].pk, sections=_sections(survey_world)
    )

    response.refresh_from_db()
    assert response.person_id is None
    assert response.organisation_id == survey_world["participation"].organisation_id
    invitation = survey_world["invitation"]
    invitation.refresh_from_db()
    assert invitation.draft == {}
    assert invitation.used_at is not None
    # Only the day is stored on both sides, so the times cannot be matched.
    local = timezone.localtime(invitation.used_at)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert timezone.localtime(response.submitted_at) == local
    assert Answer.objects.filter(response=response).count() == 3


def test_invitations_are_created_once_and_mailed_once(mailoutbox, survey_world):
    project = survey_world["project"]
    ParticipationFactory.create_batch(2, project=project)
    ParticipationFactory(project=ProjectFactory())  # another project: never invited
    round_ = RoundFactory(survey=survey_world["survey"])

    assert services.round_invitations_send(round_id=round_.pk) == 3
    assert services.round_invitations_send(round_id=round_.pk) == 0
    assert round_.invitations.count() == 3
    assert len(mailoutbox) == 3
    body = mailoutbox[0].body
    assert f"/p/{project.pk}/enkater/svara/" in body
    assert all(p.person.personnummer not in body for p in project.participations.all())


def test_reminder_goes_only_to_those_who_have_not_submitted(mailoutbox, survey_world):
    project = survey_world["project"]
    round_ = survey_world["round"]
    ParticipationFactory(project=project)
    services.round_invitations_send(round_id=round_.pk)
    _fill(survey_world)
    services.response_submit(
        invitation_id=survey_world["invitation"].pk, sections=_sections(survey_world)
    )
    mailoutbox.clear()
    round_.refresh_from_db()
    services.round_reminder_request(round_=round_)

    assert services.round_invitations_send(round_id=round_.pk, reminder=True) == 1
    assert services.round_invitations_send(round_id=round_.pk, reminder=True) == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to != [survey_world["participation"].email]
    assert mailoutbox[0].subject.startswith("Påminnelse")


def test_round_targets_organisation_and_role_group(survey_world):
    project = survey_world["project"]
    org = survey_world["participation"].organisation
    ParticipationFactory(project=project, organisation=org, role_group="manager")
    ParticipationFactory(project=project)
    round_ = RoundFactory(
        survey=survey_world["survey"], target_organisation=org, target_role_group="manager"
    )
    services.round_invitations_create(round_=round_)
    assert round_.invitations.count() == 1


def test_token_lookup_finds_only_the_right_project(survey_world):
    token, project = survey_world["token"], survey_world["project"]
    assert (
        selectors.invitation_for_token(token=token, project_id=project.pk)
        == survey_world["invitation"]
    )
    assert selectors.invitation_for_token(token=token, project_id=project.pk + 1) is None
    assert selectors.invitation_for_token(token=token + "x", project_id=project.pk) is None
    assert token not in survey_world["invitation"].token_hash


def test_identified_round_invitation_factory_sanity():
    inv = InvitationFactory()
    assert (
        selectors.invitation_for_token(
            token=services.invitation_token(inv), project_id=inv.round.survey.project_id
        )
        == inv
    )


def test_chained_conditions_hide_the_whole_chain(survey_world):
    third = SectionFactory(survey=survey_world["survey"], order=2)
    chained = QuestionFactory(
        section=third,
        kind=Question.Kind.SHORT_TEXT,
        show_if_question=survey_world["follow"],
        show_if_values=[4, 5],
    )
    sections = _sections(survey_world)
    answers = {survey_world["gate"].pk: 1, survey_world["follow"].pk: 5, chained.pk: "Mer"}
    assert services.visible_answers(sections, answers) == answers

    answers[survey_world["gate"].pk] = 2  # hides "follow", and so the question after it
    assert services.visible_answers(sections, answers) == {survey_world["gate"].pk: 2}
