"""A goal like "60 % upplever förbättrad ställning" is the exit survey's own figure: the
goals app aggregates the answers surveys.selectors.exit_answer_units returns, the ones the
results page counts. Figures from tests/surveys/exit_world.py's `answered`: improved
position (UT_STALLNING) Ja from 4 of 6 women and 2 of 5 men, 6 of 11 in all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from goals.figures import goal_measure
from goals.measures import Context
from goals.models import Goal
from goals.selectors import goal_units
from participants.personnummer import Gender
from surveys import selectors
from surveys.models import ExitKind
from tests.surveys.exit_world import answered, coordinator, exit_project  # noqa: F401

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 30)


def _goal(project, **fields) -> Goal:
    values = {
        "title": "60 % upplever förbättrad ställning",
        "measure": Goal.Measure.EXIT_RESULT,
        "question_codes": ["UT_STALLNING"],
        "target_value": Decimal("60"),
        "target_date": dt.date(2026, 12, 31),
        **fields,
    }
    goal = Goal(project=project, **values)
    goal.full_clean()
    goal.save()
    return goal


def test_the_goal_is_the_results_figure(answered):  # noqa: F811
    access = coordinator(answered)
    result = goal_measure(_goal(answered), Context(access=access, as_of=AS_OF))

    assert (result.figure.value, result.figure.n) == (Decimal("54.5"), 11)
    assert result.by_gender[Gender.WOMAN].value == Decimal("66.7")
    assert result.by_gender[Gender.MAN].value == Decimal("40.0")
    figures = selectors.exit_indicator_figures(access=access, kind=ExitKind.EXIT)
    stallning = next(f for f in figures if f.code == "UT_STALLNING")
    assert [c.share for c in stallning.cells] == [
        result.by_gender[Gender.WOMAN].value,
        result.by_gender[Gender.MAN].value,
        result.figure.value,
    ]
    _result, rows = goal_units(goal=result.goal, access=access, as_of=AS_OF)
    assert len(rows) == 11
    assert sum(r["num"] for r in rows) == 6


def test_before_anyone_answered_there_is_nothing_yet(answered):  # noqa: F811
    access = coordinator(answered)
    result = goal_measure(_goal(answered), Context(access=access, as_of=dt.date(2025, 3, 1)))
    assert result.figure.value is None


def test_small_groups_are_suppressed_as_on_the_page(answered):  # noqa: F811
    answered.survey_anonymity_threshold = 6
    answered.save()
    result = goal_measure(_goal(answered), Context(access=coordinator(answered), as_of=AS_OF))

    assert result.figure.value == Decimal("54.5")
    assert result.by_gender[Gender.MAN].suppressed
    assert result.by_gender[Gender.WOMAN].suppressed  # it would reveal the men's


def test_only_indicator_questions_can_be_chosen(exit_project):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        _goal(exit_project, question_codes=["M1"])
    assert "question_codes" in error.value.message_dict


def test_the_goal_form_offers_the_indicator_questions(answered):  # noqa: F811
    from goals.forms import GoalForm

    form = GoalForm(access=coordinator(answered))
    offered = dict(form.fields["question_codes"].choices)
    assert "UT_STALLNING" in offered
    assert "UF_STALLNING" in offered
    assert "förbättrad ställning" in offered["UT_STALLNING"]
