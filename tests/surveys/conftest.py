from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import Question
from tests.factories import (
    InvitationFactory,
    ParticipationFactory,
    ProjectFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SurveyFactory,
)
from tests.surveys.exit_world import answered, exit_project  # noqa: F401 (fixtures)


@pytest.fixture
def survey_world(db):
    """A two-part survey: page 1 asks a choice (1=Ja, 2=Nej) and an optional text; page 2
    has a required question shown only when page 1's answer is Ja, and a required number."""
    project = ProjectFactory()
    survey = SurveyFactory(project=project)
    first = SectionFactory(survey=survey, order=0, title_sv="Första delen")
    second = SectionFactory(survey=survey, order=1, title_sv="Andra delen")
    gate = QuestionFactory(section=first, kind=Question.Kind.SINGLE, options=["Ja", "Nej"])
    comment = QuestionFactory(section=first, kind=Question.Kind.SHORT_TEXT, required=False)
    follow = QuestionFactory(
        section=second,
        kind=Question.Kind.LIKERT,
        show_if_question=gate,
        show_if_values=[1],
        text_sv="Hur nöjd är du?",
    )
    number = QuestionFactory(section=second, kind=Question.Kind.NUMBER, text_sv="Hur många timmar?")
    round_ = RoundFactory(survey=survey)
    participation = ParticipationFactory(project=project)
    invitation = InvitationFactory(
        round=round_, person=participation.person, organisation=participation.organisation
    )
    return {
        "project": project,
        "survey": survey,
        "sections": [first, second],
        "gate": gate,
        "comment": comment,
        "follow": follow,
        "number": number,
        "round": round_,
        "participation": participation,
        "invitation": invitation,
        "token": services.invitation_token(invitation),
    }


def past_round(**kwargs):
    now = timezone.now()
    return RoundFactory(
        opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(days=1), **kwargs
    )
