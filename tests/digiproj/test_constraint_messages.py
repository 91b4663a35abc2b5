"""A duplicate refused by a unique constraint says what is wrong in the reader's language,
not Django's generic "Roll i projekt med samma User och Project finns redan"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from digiproj.projects.models import Membership, ProjectOrganisation, UnitCost
from goals.models import Goal, GoalMilestone
from participants.models import Participation
from surveys.models import QuestionOption
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectOrganisationFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


def _membership():
    first = MembershipFactory()
    return Membership(user=first.user, project=first.project, role=first.role)


def _project_organisation():
    first = ProjectOrganisationFactory()
    return ProjectOrganisation(project=first.project, organisation=first.organisation)


def _unit_cost():
    first = ProjectOrganisationFactory()
    UnitCost.objects.create(project=first.project, year=2025, sek_per_hour=Decimal("245.50"))
    return UnitCost(project=first.project, year=2025, sek_per_hour=Decimal(300))


def _participation():
    first = ParticipationFactory()
    return Participation(
        person=first.person,
        project=first.project,
        organisation=first.organisation,
        first_name="Anna",
        last_name="Andersson",
        start_date=first.start_date,
    )


def _milestone():
    goal = Goal.objects.create(
        project=ProjectOrganisationFactory().project,
        title="Deltagare",
        step=Goal.Step.OUTPUTS,
        measure=Goal.Measure.PARTICIPANTS,
        target_value=Decimal(10),
        target_date=dt.date(2025, 12, 31),
    )
    GoalMilestone.objects.create(goal=goal, date=dt.date(2025, 6, 30), value=Decimal(5))
    return GoalMilestone(goal=goal, date=dt.date(2025, 6, 30), value=Decimal(6))


def _option():
    question = QuestionFactory()
    value = question.options.first().value
    return QuestionOption(question=question, value=value, label_sv="Samma värde")


@pytest.mark.parametrize(
    ("make", "swedish", "english"),
    [
        (
            _membership,
            "Personen har redan en roll i projektet. Ändra den rollen i stället.",
            "This person already has a role in the project. Change that role instead.",
        ),
        (
            _project_organisation,
            "Organisationen deltar redan i projektet.",
            "The organisation already takes part in the project.",
        ),
        (
            _unit_cost,
            "Det finns redan en enhetskostnad för det året. Ändra den i stället.",
            "There is already a unit cost for that year. Change it instead.",
        ),
        (
            _participation,
            "Personen är redan deltagare i projektet.",
            "This person is already a participant in the project.",
        ),
        (
            _milestone,
            "Målet har redan ett etappmål med det datumet.",
            "The goal already has a milestone on that date.",
        ),
        (
            _option,
            "Frågan har redan ett svarsalternativ med det värdet.",
            "The question already has an answer option with that value.",
        ),
    ],
    ids=["membership", "project_organisation", "unit_cost", "participation", "milestone", "option"],
)
def test_duplicate_says_what_is_wrong_in_both_languages(make, swedish, english):
    duplicate = make()
    for language, expected in (("sv", swedish), ("en", english)):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            duplicate.validate_constraints()
        assert caught.value.messages == [expected]
