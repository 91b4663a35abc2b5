"""The goal and change theory services: who may write, what a stored goal keeps, milestones
replaced all or nothing, history, deleting with sub-goals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from goals import services
from goals.measures import KIND_OF, ONE_ROUND_MEASURES, PAIRED_MEASURES, PERCENT, SURVEY_MEASURES
from goals.models import ChangeTheory, Goal, GoalMilestone
from surveys.models import Round
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RoundFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    project = ProjectFactory(start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 12, 31))
    organisation = OrganisationFactory(name="Norra kommun")
    survey = SurveyFactory(project=project)
    rounds = [
        RoundFactory(
            survey=survey,
            name=name,
            purpose=purpose,
            opens_at=timezone.make_aware(dt.datetime(2024, month, 1)),
            closes_at=timezone.make_aware(dt.datetime(2024, month, 20)),
        )
        for name, purpose, month in [
            ("Start", Round.Purpose.BASELINE, 2),
            ("Slut", Round.Purpose.FOLLOW_UP, 10),
        ]
    ]
    other = ProjectFactory()
    return {
        "project": project,
        "organisation": organisation,
        "start": rounds[0],
        "end": rounds[1],
        "coordinator": project_access(MembershipFactory(project=project).user, project),
        "contact": project_access(
            MembershipFactory(
                project=project, role=Membership.Role.CONTACT, organisation=organisation
            ).user,
            project,
        ),
        "teacher": project_access(
            MembershipFactory(project=project, role=Membership.Role.TEACHER).user, project
        ),
        "other_project": other,
        "other_coordinator": project_access(MembershipFactory(project=other).user, other),
    }


def data(**changes: Any) -> dict[str, Any]:
    """What the goal form hands the service (its cleaned data) for a participants goal."""
    values: dict[str, Any] = {
        "title": "Fler deltagare",
        "description": "",
        "parent": None,
        "step": Goal.Step.OUTPUTS,
        "order": 0,
        "measure": Goal.Measure.PARTICIPANTS,
        "area": None,
        "level": None,
        "min_change": Decimal(1),
        "question_codes": [],
        "activity_kind": "",
        "baseline_round": None,
        "round": None,
        "gender": "",
        "organisation": None,
        "role_group": "",
        "direction": Goal.Direction.AT_LEAST,
        "target_value": Decimal(40),
        "target_date": dt.date(2025, 6, 30),
        "start_value": Decimal(0),
        "equal_opportunities": False,
        "gap_threshold": None,
    }
    values.update(changes)
    return values


MILESTONES = [(dt.date(2024, 12, 31), Decimal(25)), (dt.date(2024, 6, 30), Decimal(10))]


def save(world, goal: Goal | None = None, milestones=(), who: str = "coordinator", **changes):
    return services.goal_save(
        access=world[who], goal=goal, data=data(**changes), milestones=list(milestones)
    )


def stored_milestones(goal: Goal) -> list[tuple[dt.date, Decimal]]:
    return list(GoalMilestone.objects.filter(goal=goal).values_list("date", "value"))


# --- the parameters a measure reads ---------------------------------------------------------


def test_every_measure_says_which_parameters_it_reads():
    assert set(services.GOAL_PARAMETERS) == set(Goal.Measure.values)
    params = services.GOAL_PARAMETERS
    for measure in Goal.NEEDS_AREA:
        assert "area" in params[measure]
    for measure in Goal.NEEDS_LEVEL:
        assert "level" in params[measure]
    for measure in Goal.NEEDS_QUESTIONS:
        assert "question_codes" in params[measure]
    for measure in Goal.BY_ACTIVITY_KIND:
        assert "activity_kind" in params[measure]
    for measure in Goal.Measure.values:
        assert ("baseline_round" in params[measure]) == (measure in Goal.PAIRED)
        assert ("round" in params[measure]) == (measure in SURVEY_MEASURES)
        assert ("min_change" in params[measure]) == (measure == Goal.Measure.LEVEL_RAISED)
    # the model's lists and the engine's agree
    assert Goal.PAIRED == PAIRED_MEASURES
    assert Goal.ONE_ROUND == ONE_ROUND_MEASURES
    assert {m for m, k in KIND_OF.items() if k == PERCENT} == Goal.PERCENT


EVERYTHING = {
    "area": 2,
    "level": 5,
    "min_change": Decimal(2),
    "question_codes": ["Q1"],
    "activity_kind": "workshop",
}


@pytest.mark.parametrize(
    ("measure", "extra", "kept"),
    [
        ("participants", {}, {}),
        ("participant_share", {"gender": "K"}, {}),
        ("hours", {}, {"activity_kind": "workshop"}),
        ("sessions", {}, {"activity_kind": "workshop"}),
        ("response_rate", {}, {"round": "end"}),
        ("area_level", {}, {"round": "end", "area": 2}),
        ("area_change", {}, {"round": "end", "baseline_round": "start", "area": 2}),
        (
            "level_raised",
            {},
            {"round": "end", "baseline_round": "start", "area": 2, "min_change": Decimal(2)},
        ),
        ("level_reached", {}, {"round": "end", "area": 2, "level": 5}),
        ("question_average", {}, {"round": "end", "question_codes": ["Q1"]}),
        (
            "question_change",
            {},
            {"round": "end", "baseline_round": "start", "question_codes": ["Q1"]},
        ),
    ],
)
def test_parameters_that_do_not_apply_are_cleared(world, measure, extra, kept):
    target = Decimal(50) if measure in Goal.PERCENT else Decimal(4)
    goal = save(
        world,
        measure=measure,
        target_value=target,
        round=world["end"],
        baseline_round=world["start"],
        **EVERYTHING,
        **extra,
    )
    goal = Goal.objects.get(pk=goal.pk)
    empty = {
        "area": None,
        "level": None,
        "min_change": Decimal(1),
        "question_codes": [],
        "activity_kind": "",
        "round": None,
        "baseline_round": None,
    }
    rounds = {"start": world["start"], "end": world["end"]}
    for name, cleared in empty.items():
        expected = kept.get(name, cleared)
        expected = rounds.get(expected, expected) if isinstance(expected, str) else expected
        assert getattr(goal, name) == expected, name
    assert goal.gender == extra.get("gender", "")


# --- writing a goal -------------------------------------------------------------------------


def test_goal_save_creates_the_goal_and_its_milestones_in_order(world):
    goal = save(world, milestones=MILESTONES)
    goal = Goal.objects.get(pk=goal.pk)
    assert goal.project == world["project"]
    assert (goal.title, goal.measure, goal.target_value) == (
        "Fler deltagare",
        "participants",
        Decimal(40),
    )
    assert stored_milestones(goal) == sorted(MILESTONES)
    assert [h.history_type for h in goal.history.all()] == ["+"]


def test_goal_save_replaces_the_milestones(world):
    goal = save(world, milestones=MILESTONES)
    first_ids = set(GoalMilestone.objects.values_list("pk", flat=True))
    again = save(world, goal=goal, milestones=[(dt.date(2025, 1, 31), Decimal(30))], title="Nytt")
    assert again.pk == goal.pk
    assert Goal.objects.count() == 1
    assert stored_milestones(goal) == [(dt.date(2025, 1, 31), Decimal(30))]
    assert not GoalMilestone.objects.filter(pk__in=first_ids).exists()
    save(world, goal=goal, milestones=[])
    assert stored_milestones(goal) == []


def test_goal_history_records_each_change(world):
    goal = save(world)
    save(world, goal=goal, title="Fler deltagare totalt", target_value=Decimal(60))
    history = list(goal.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.title, h.target_value) for h in history] == [
        ("+", "Fler deltagare", Decimal(40)),
        ("~", "Fler deltagare totalt", Decimal(60)),
    ]


INVALID = {
    "area level without area": ({"measure": "area_level"}, "area"),
    "level reached without level": (
        {"measure": "level_reached", "target_value": Decimal(50)},
        "level",
    ),
    "question average without questions": ({"measure": "question_average"}, "question_codes"),
    "percent over 100": (
        {"measure": "participant_share", "gender": "K", "target_value": Decimal(150)},
        "target_value",
    ),
    "share without group": ({"measure": "participant_share"}, "gender"),
    "sessions for a group": ({"measure": "sessions", "gender": "K"}, "gender"),
    "equal opportunities without limit": ({"equal_opportunities": True}, "gap_threshold"),
    "paired with one round twice": (
        {"measure": "area_change", "area": 1, "round": "start", "baseline_round": "start"},
        "round",
    ),
    "target before the project": ({"target_date": dt.date(2023, 12, 31)}, "target_date"),
}


def _invalid_changes(world, changes: dict[str, Any]) -> dict[str, Any]:
    rounds = {"start": world["start"], "end": world["end"]}
    return {k: rounds[v] if k in ("round", "baseline_round") else v for k, v in changes.items()}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_goal_writes_nothing(world, case):
    changes, field = INVALID[case]
    with pytest.raises(ValidationError) as error:
        save(world, milestones=MILESTONES, **_invalid_changes(world, changes))
    assert field in error.value.message_dict
    assert not Goal.objects.exists()
    assert not GoalMilestone.objects.exists()
    assert not Goal.history.exists()


@pytest.mark.parametrize("case", INVALID)
def test_invalid_change_keeps_the_goal_and_its_milestones(world, case):
    changes, _field = INVALID[case]
    goal = save(world, milestones=MILESTONES)
    before = list(Goal.objects.values())
    with pytest.raises(ValidationError):
        save(
            world,
            goal=Goal.objects.get(pk=goal.pk),
            milestones=[(dt.date(2025, 3, 31), Decimal(35))],
            **_invalid_changes(world, changes),
        )
    assert list(Goal.objects.values()) == before
    assert stored_milestones(goal) == sorted(MILESTONES)
    assert goal.history.count() == 1


def test_goal_save_with_two_milestones_on_one_date_writes_nothing(world):
    """The form refuses this; the service is all or nothing whatever it is given."""
    day = dt.date(2024, 6, 30)
    with pytest.raises((ValidationError, IntegrityError)):
        save(world, milestones=[(day, Decimal(10)), (day, Decimal(12))])
    assert not Goal.objects.exists()
    assert not GoalMilestone.objects.exists()


def test_sub_goal_must_hang_on_a_main_goal_of_the_project(world):
    main = save(world, title="Huvudmål")
    sub = save(world, title="Delmål", parent=main)
    with pytest.raises(ValidationError) as error:
        save(world, title="Delmål till delmål", parent=sub)
    assert "parent" in error.value.message_dict
    foreign = services.goal_save(
        access=world["other_coordinator"], goal=None, data=data(), milestones=[]
    )
    with pytest.raises(ValidationError) as error:
        save(world, title="Fel projekt", parent=foreign)
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        save(world, goal=Goal.objects.get(pk=main.pk), parent=main)
    assert "parent" in error.value.message_dict
    assert Goal.objects.filter(project=world["project"]).count() == 2


@pytest.mark.parametrize("who", ["contact", "teacher"])
def test_only_managers_write_goals(world, who):
    goal = save(world, milestones=MILESTONES)
    with pytest.raises(PermissionDenied):
        save(world, who=who)
    with pytest.raises(PermissionDenied):
        save(world, goal=goal, who=who, title="Ändrat")
    with pytest.raises(PermissionDenied):
        services.goal_delete(access=world[who], goal=goal)
    assert list(Goal.objects.values_list("title", flat=True)) == ["Fler deltagare"]
    assert stored_milestones(goal) == sorted(MILESTONES)


def test_goal_of_another_project_is_refused(world):
    foreign = services.goal_save(
        access=world["other_coordinator"], goal=None, data=data(title="Deras"), milestones=[]
    )
    with pytest.raises(ValidationError):
        save(world, goal=Goal.objects.get(pk=foreign.pk), title="Kapat")
    with pytest.raises(ValidationError):
        services.goal_delete(access=world["coordinator"], goal=foreign)
    foreign.refresh_from_db()
    assert (foreign.title, foreign.project) == ("Deras", world["other_project"])


# --- deleting -------------------------------------------------------------------------------


def test_goal_delete_takes_the_sub_goals_along(world):
    main = save(world, title="Huvudmål", milestones=MILESTONES)
    subs = [save(world, title=f"Delmål {i}", parent=main, milestones=MILESTONES) for i in (1, 2)]
    kept = save(world, title="Annat huvudmål", milestones=MILESTONES)
    gone = {main.pk, *(s.pk for s in subs)}
    services.goal_delete(access=world["coordinator"], goal=main)
    assert list(Goal.objects.all()) == [kept]
    assert set(GoalMilestone.objects.values_list("goal_id", flat=True)) == {kept.pk}
    # their history stays, with the deletion recorded
    assert set(Goal.history.filter(history_type="-").values_list("id", flat=True)) == gone
    assert set(Goal.history.filter(history_type="+").values_list("id", flat=True)) == {
        *gone,
        kept.pk,
    }


# --- the change theory ----------------------------------------------------------------------

STEPS = {
    "need": "Personalen saknar digital grundkompetens.",
    "activities": "Workshoppar.",
    "outputs": "Deltagare och timmar.",
    "short_term": "Högre nivå.",
    "long_term": "Digitala arbetsplatser.",
}


def test_change_theory_update_creates_then_changes_one_row(world):
    theory = services.change_theory_update(
        access=world["coordinator"], data={k: f"\n {v} \n" for k, v in STEPS.items()}
    )
    assert {s: getattr(theory, s) for s in ChangeTheory.STEPS} == STEPS
    again = services.change_theory_update(
        access=world["coordinator"], data={"need": "Nytt behov.", "long_term": None}
    )
    assert again.pk == theory.pk
    stored = ChangeTheory.objects.get(project=world["project"])
    assert {s: getattr(stored, s) for s in ChangeTheory.STEPS} == {
        "need": "Nytt behov.",
        "activities": "",
        "outputs": "",
        "short_term": "",
        "long_term": "",
    }
    latest, previous = stored.history.all()[:2]
    assert (latest.history_type, latest.need, latest.long_term) == ("~", "Nytt behov.", "")
    assert (previous.need, previous.long_term) == (STEPS["need"], STEPS["long_term"])


@pytest.mark.parametrize("who", ["contact", "teacher"])
def test_change_theory_update_is_for_managers(world, who):
    with pytest.raises(PermissionDenied):
        services.change_theory_update(access=world[who], data=STEPS)
    assert not ChangeTheory.objects.exists()


def test_change_theory_is_per_project(world):
    services.change_theory_update(access=world["coordinator"], data=STEPS)
    services.change_theory_update(access=world["other_coordinator"], data={"need": "Annat."})
    assert ChangeTheory.objects.get(project=world["project"]).need == STEPS["need"]
    assert ChangeTheory.objects.get(project=world["other_project"]).need == "Annat."


def test_goal_with_sub_goals_cannot_become_a_sub_goal(world):
    """Goals are two levels deep: main goals and their sub-goals."""
    main = save(world, title="Huvudmål")
    save(world, title="Delmål", parent=main)
    other = save(world, title="Annat huvudmål")
    with pytest.raises(ValidationError) as error:
        save(world, goal=Goal.objects.get(pk=main.pk), title="Huvudmål", parent=other)
    assert "parent" in error.value.message_dict
    assert Goal.objects.get(pk=main.pk).parent_id is None
