"""What the exit tests share: a project sending exit surveys, ended participations, and
answers submitted the short way (the answering itself is tested in test_answer_views)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from participants.personnummer import Gender
from surveys import services
from surveys.exit_questions import INDICATORS, NO, YES
from surveys.models import Answer, ExitDispatch, ExitKind, Invitation, Question, Response
from tests.factories import MembershipFactory, ParticipationFactory, PersonFactory, ProjectFactory

TODAY = dt.date(2025, 3, 10)
NOW = "2025-03-10 09:00:00"


def enable(project, **kwargs):
    values = {"enabled": True, "follow_up_enabled": True, "exit_days": 0, "follow_up_months": 6}
    return services.exit_settings_save(project=project, **{**values, **kwargs})


def ended(project, *, end=TODAY, gender=Gender.WOMAN, **kwargs):
    person = PersonFactory(gender_code=gender)
    return ParticipationFactory(project=project, person=person, end_date=end, **kwargs)


def coordinator(project):
    user = MembershipFactory(project=project, role=Membership.Role.COORDINATOR).user
    return project_access(user, project)


def answer(dispatch: ExitDispatch, yes_keys: set[str], *, kind=ExitKind.EXIT) -> Response:
    """Submit the dispatch's survey: Ja to the indicators named, Nej to the others."""
    invitation = dispatch.invitation
    participation = dispatch.participation
    response = Response.objects.create(
        round=invitation.round,
        person=participation.person,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
        gender=participation.gender,
        organisation=participation.organisation,
    )
    questions = {
        q.code: q for q in Question.objects.filter(section__survey=invitation.round.survey)
    }
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=questions[indicator.code(kind)],
            value_int=YES if indicator.key in yes_keys else NO,
        )
        for indicator in INDICATORS
    )
    Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    return response


@pytest.fixture
def exit_project():
    return ProjectFactory()


@pytest.fixture
def answered(exit_project):
    """7 women and 6 men ended and were sent the exit survey; 6 women and 5 men answered.
    Improved position (STALLNING): Ja from 4 women and 2 men. In education (UTBILDNING):
    Ja from 1 woman and 0 men."""
    project = exit_project
    with freeze_time(NOW):
        enable(project)
        women = [ended(project, gender=Gender.WOMAN) for _ in range(7)]
        men = [ended(project, gender=Gender.MAN) for _ in range(6)]
        services.exit_surveys_send_due()
        for index, participation in enumerate(women[:6]):
            keys = {"ARBETE"}
            if index < 4:
                keys.add("STALLNING")
            if index == 0:
                keys.add("UTBILDNING")
            answer(ExitDispatch.objects.get(participation=participation), keys)
        for index, participation in enumerate(men[:5]):
            keys = {"ARBETE", "STALLNING"} if index < 2 else {"ARBETE"}
            answer(ExitDispatch.objects.get(participation=participation), keys)
    return project
