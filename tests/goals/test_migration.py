"""The goal models moved from reporting to their own app (goals 0001, reporting 0005): on a
database that holds goals, migrating forward keeps every row, every relation, every history
row and the content types that permissions and the admin log point at.

The test migrates the test database itself (back to reporting 0004 and forward again), so it
runs on a transactional database and always leaves it migrated to the latest state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from goals.models import ChangeTheory, Goal, GoalMilestone
from tests.factories import OrganisationFactory, ProjectFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The last migration before the move, and the goals app not yet there.
BEFORE = [("reporting", "0004_jobs_private_files"), ("goals", None)]
MOVED = ("changetheory", "goal", "goalmilestone", "historicalchangetheory", "historicalgoal")


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()  # the migration renamed rows the cache may hold
    return executor


@pytest.fixture
def before_the_move() -> Iterator[MigrationExecutor]:
    """The database as it was before the move; migrated to the latest state afterwards,
    whatever the test did, so that no later test finds a half-migrated schema."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(latest)


def test_goals_move_to_their_app_with_every_row_relation_and_history(before_the_move):
    executor = before_the_move
    old = executor.loader.project_state([BEFORE[0]]).apps
    tables = connection.introspection.table_names()
    assert "reporting_goal" in tables
    assert "goals_goal" not in tables

    # Rows written as the old app wrote them (reporting.*), through the historical models.
    user = UserFactory()
    project = ProjectFactory()
    organisation = OrganisationFactory()
    baseline, follow_up = RoundFactory(survey__project=project), RoundFactory()
    OldTheory = old.get_model("reporting", "ChangeTheory")
    OldGoal = old.get_model("reporting", "Goal")
    OldMilestone = old.get_model("reporting", "GoalMilestone")
    theory = OldTheory.objects.create(project_id=project.pk, need="Behov", long_term="Effekt")
    main = OldGoal.objects.create(
        project_id=project.pk,
        order=1,
        step="long_term",
        title="Fler deltagare",
        measure="participants",
        gender="K",
        organisation_id=organisation.pk,
        target_value=Decimal(120),
        target_date=dt.date(2025, 12, 31),
        start_value=Decimal(5),
        equal_opportunities=True,
        gap_threshold=Decimal("10.50"),
    )
    sub = OldGoal.objects.create(
        project_id=project.pk,
        parent_id=main.pk,
        step="short_term",
        title="Höjd nivå",
        measure="area_change",
        area=5,
        baseline_round_id=baseline.pk,
        round_id=follow_up.pk,
        min_change=Decimal("0.5"),
        question_codes=["M1", "F7"],
        direction="at_most",
        target_value=Decimal("0.75"),
        target_date=dt.date(2025, 6, 30),
    )
    march = OldMilestone.objects.create(goal_id=main.pk, date=dt.date(2024, 3, 31), value=30)
    june = OldMilestone.objects.create(goal_id=main.pk, date=dt.date(2024, 6, 30), value=60)
    when = timezone.now()
    for goal, kind in ((main, "+"), (main, "~"), (sub, "+")):
        old.get_model("reporting", "HistoricalGoal").objects.create(
            id=goal.pk,
            project_id=project.pk,
            parent_id=goal.parent_id,
            title=goal.title,
            measure=goal.measure,
            target_value=goal.target_value,
            target_date=goal.target_date,
            created_at=when,
            updated_at=when,
            history_date=when,
            history_type=kind,
            history_user_id=user.pk,
        )
    old.get_model("reporting", "HistoricalChangeTheory").objects.create(
        id=theory.pk,
        project_id=project.pk,
        need="Behov",
        updated_at=when,
        history_date=when,
        history_type="+",
        history_user_id=user.pk,
    )
    # What points at the models by content type: a user's permission, an admin log entry.
    goal_type = ContentType.objects.get(app_label="reporting", model="goal")
    permission = Permission.objects.get(content_type=goal_type, codename="change_goal")
    user.user_permissions.add(permission)
    entry = LogEntry.objects.create(
        user=user,
        content_type=goal_type,
        object_id=str(main.pk),
        object_repr=main.title,
        action_flag=ADDITION,
    )
    types = {m: ContentType.objects.get(app_label="reporting", model=m).pk for m in MOVED}

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert {f"goals_{m}" for m in MOVED} <= set(tables)
    assert not {f"reporting_{m}" for m in MOVED} & set(tables)
    # Every row and relation, read through the goals app's models.
    assert ChangeTheory.objects.get(project=project).pk == theory.pk
    assert (ChangeTheory.objects.get().need, ChangeTheory.objects.get().long_term) == (
        "Behov",
        "Effekt",
    )
    moved_main = Goal.objects.get(pk=main.pk)
    assert (moved_main.title, moved_main.project, moved_main.organisation) == (
        "Fler deltagare",
        project,
        organisation,
    )
    assert (moved_main.gender, moved_main.start_value, moved_main.gap_threshold) == (
        "K",
        Decimal(5),
        Decimal("10.50"),
    )
    assert list(moved_main.sub_goals.values_list("pk", flat=True)) == [sub.pk]
    moved_sub = Goal.objects.get(pk=sub.pk)
    assert moved_sub.parent == moved_main
    assert (moved_sub.baseline_round, moved_sub.round) == (baseline, follow_up)
    assert (moved_sub.area, moved_sub.min_change, moved_sub.question_codes) == (
        5,
        Decimal("0.5"),
        ["M1", "F7"],
    )
    assert (moved_sub.direction, moved_sub.target_value) == ("at_most", Decimal("0.75"))
    assert list(moved_main.milestones.values_list("pk", "date", "value")) == [
        (march.pk, dt.date(2024, 3, 31), Decimal(30)),
        (june.pk, dt.date(2024, 6, 30), Decimal(60)),
    ]
    assert [h.history_type for h in moved_main.history.order_by("history_id")] == ["+", "~"]
    assert moved_main.history.first().history_user == user
    assert [h.parent_id for h in moved_sub.history.all()] == [main.pk]
    assert ChangeTheory.history.get().history_user == user
    # The content types are the same rows under the new app: permissions and the admin log
    # still point at the goal models, and no reporting.* content type is left behind.
    assert {m: ContentType.objects.get(app_label="goals", model=m).pk for m in MOVED} == types
    assert not ContentType.objects.filter(app_label="reporting", model__in=MOVED).exists()
    assert ContentType.objects.get_for_model(Goal).pk == goal_type.pk
    entry.refresh_from_db()
    assert entry.content_type.model_class() is Goal
    assert entry.get_edited_object() == moved_main
    assert type(user).objects.get(pk=user.pk).has_perm("goals.change_goal")
    # New rows go on after the old ones (the tables' id sequences came along).
    added = Goal.objects.create(
        project=project,
        title="Nytt",
        measure=Goal.Measure.SESSIONS,
        target_value=Decimal(3),
        target_date=dt.date(2025, 1, 31),
    )
    assert added.pk > sub.pk
    assert GoalMilestone.objects.create(goal=added, date=dt.date(2024, 9, 30), value=1).pk > june.pk
    assert added.history.count() == 1
