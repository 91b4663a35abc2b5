"""The demo DigComp self-assessment: answered baseline and follow-up rounds for a finished
project, an open round for a running one."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from digiproj.projects.models import Project
from participants.models import Participation
from surveys import digcomp
from surveys import services as survey_services
from surveys.models import Answer, DigCompArea, Question, Response, Round, Survey

from .clock import local


def seed_survey(
    project: Project, participations: list[Participation], *, rng: random.Random, live: bool
) -> None:
    """The DigComp self-assessment. For a finished project: a baseline and a follow-up round
    with answers (levels a little higher at follow-up). For a running one: an open round."""
    # DigComp ships as migration data; a test database flushed between tests may lack it.
    if Survey.objects.filter(project=project).exists() or not DigCompArea.objects.exists():
        return
    # A finished project ran before DigComp 3.0 (November 2025): it used 2.2.
    version = digcomp.LATEST if live else digcomp.Version.V2_2
    survey = survey_services.digcomp_survey_create(project=project, version=version)
    if live:
        today = timezone.now()
        round_ = survey_services.round_create(
            survey=survey,
            name="Nulägesmätning",
            purpose=Round.Purpose.BASELINE,
            opens_at=today - dt.timedelta(days=3),
            closes_at=today + dt.timedelta(days=30),
        )
        survey_services.round_invitations_create(round_=round_)
        return
    questions = list(
        Question.objects.filter(
            section__survey=survey, kind=Question.Kind.DIGCOMP_LEVEL
        ).values_list("pk", flat=True)
    )
    likert = list(
        Question.objects.filter(section__survey=survey, kind=Question.Kind.LIKERT).values_list(
            "pk", flat=True
        )
    )
    rounds = [
        survey_services.round_create(
            survey=survey,
            name=name,
            purpose=purpose,
            opens_at=local(opens, 8),
            closes_at=local(closes, 20),
        )
        for name, purpose, opens, closes in (
            (
                "Nulägesmätning hösten 2021",
                Round.Purpose.BASELINE,
                dt.date(2021, 9, 1),
                dt.date(2021, 10, 15),
            ),
            (
                "Uppföljning hösten 2022",
                Round.Purpose.FOLLOW_UP,
                dt.date(2022, 11, 1),
                dt.date(2022, 12, 10),
            ),
        )
    ]
    for step, round_ in enumerate(rounds):
        responses = Response.objects.bulk_create(
            Response(
                round=round_,
                person=p.person,
                status=Response.Status.SUBMITTED,
                gender=p.gender,
                organisation=p.organisation,
                role_group=p.role_group,
                submitted_at=round_.opens_at + dt.timedelta(days=3),
            )
            for p in participations
        )
        Answer.objects.bulk_create(
            Answer(
                response=r,
                question_id=q,
                value_int=min(8, max(1, rng.randint(1, 5) + step * rng.randint(0, 2))),
            )
            for r in responses
            for q in questions
        )
        # The motivation items (Likert 1–5), a little higher at follow-up: a separate random
        # source keeps the DigComp answers above as they were.
        motivation = random.Random(11 + step)
        Answer.objects.bulk_create(
            Answer(
                response=r,
                question_id=q,
                value_int=min(5, motivation.randint(2, 4) + step * motivation.randint(0, 1)),
            )
            for r in responses
            for q in likert
        )
    survey_services.area_levels_compute(responses=Response.objects.filter(round__in=rounds))
