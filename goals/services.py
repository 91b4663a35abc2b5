"""Writes of the change theory and the goals (with their milestones), all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess

from .models import ChangeTheory, Goal, GoalMilestone

# The parameters each measure reads; the others are cleared so a stored goal says only what
# its figure uses.
GOAL_PARAMETERS: dict[str, set[str]] = {
    "participants": set(),
    "participant_share": set(),
    "hours": {"activity_kind"},
    "sessions": {"activity_kind"},
    "response_rate": {"round"},
    "area_level": {"round", "area"},
    "area_change": {"baseline_round", "round", "area"},
    "level_raised": {"baseline_round", "round", "area", "min_change"},
    "level_reached": {"round", "area", "level"},
    "question_average": {"round", "question_codes"},
    "question_change": {"baseline_round", "round", "question_codes"},
    "exit_result": {"question_codes"},
}
_CLEARED: dict[str, Any] = {
    "activity_kind": "",
    "round": None,
    "baseline_round": None,
    "area": None,
    "level": None,
    "question_codes": [],
}


@transaction.atomic
def change_theory_update(*, access: ProjectAccess, data: dict[str, str]) -> ChangeTheory:
    """Write the project's effect chain (one text per step)."""
    access.require("goals.edit")
    theory, _created = ChangeTheory.objects.select_for_update().get_or_create(
        project=access.project
    )
    for step in ChangeTheory.STEPS:
        setattr(theory, step, (data.get(step) or "").strip())
    theory.full_clean()
    theory.save()
    return theory


@transaction.atomic
def goal_save(
    *,
    access: ProjectAccess,
    goal: Goal | None,
    data: dict[str, Any],
    milestones: list[tuple[dt.date, Decimal]],
) -> Goal:
    """Create or change a goal with its milestones (etappmål), all or nothing."""
    access.require("goals.edit")
    if goal is None:
        goal = Goal(project=access.project)
    elif goal.project_id != access.project.pk:
        raise ValidationError(_("Målet hör inte till projektet."))
    for name, value in data.items():
        setattr(goal, name, value)
    used = GOAL_PARAMETERS[goal.measure]
    for name, empty in _CLEARED.items():
        if name not in used:
            setattr(goal, name, empty)
    if "min_change" not in used:
        goal.min_change = Decimal(1)
    goal.full_clean()
    goal.save()
    goal.milestones.all().delete()
    GoalMilestone.objects.bulk_create(
        GoalMilestone(goal=goal, date=day, value=value) for day, value in sorted(milestones)
    )
    return goal


@transaction.atomic
def goal_delete(*, access: ProjectAccess, goal: Goal) -> None:
    """Remove a goal and its sub-goals (their history stays)."""
    access.require("goals.edit")
    if goal.project_id != access.project.pk:
        raise ValidationError(_("Målet hör inte till projektet."))
    goal.delete()
