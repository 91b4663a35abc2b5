"""Goals: each measure kind's figure at bench size (100,000 participants, 2,000,000
attendance rows, 20,000 survey responses), the follow-up dashboard with one goal per kind
(time and queries) and the "Mål och uppföljning" report file."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.utils import timezone

from demo import generator
from digiproj.accounts.models import User
from digiproj.projects.models import Project
from digiproj.projects.permissions import project_access
from goals.figures import goal_measure
from goals.measures import Context
from goals.models import Goal
from goals.selectors import goal_get
from reporting.models import ReportRun
from surveys.models import Round

from . import data

SIZED = True  # run once per size (see __main__)

BENCH_GOAL = "Bench: "


def _goals(project: Project) -> list[Goal]:
    """One goal per measure kind, on the bench rounds (created once)."""
    Goal.objects.filter(project=project, title__startswith=BENCH_GOAL).delete()
    rounds = {
        r.purpose: r
        for r in Round.objects.filter(
            survey__project=project, name__in=["Bench baseline", "Bench follow-up"]
        )
    }
    baseline, follow_up = rounds.get(Round.Purpose.BASELINE), rounds.get(Round.Purpose.FOLLOW_UP)
    params = {
        "area_level": {"area": 3, "round": follow_up},
        "area_change": {"area": 3, "round": follow_up, "baseline_round": baseline},
        "level_raised": {"round": follow_up, "baseline_round": baseline},
        "level_reached": {"level": 4, "round": follow_up},
        "response_rate": {"round": follow_up},
        "participant_share": {"gender": "K"},
        "question_average": {"question_codes": ["M1", "M2", "M3", "M4"]},
        "question_change": {"question_codes": ["M1", "M2", "M3", "M4"]},
    }
    return [
        Goal.objects.create(
            project=project,
            title=f"{BENCH_GOAL}{kind}",
            measure=kind,
            target_value=Decimal(50),
            target_date=project.end_date,
            **params.get(kind, {}),
        )
        for kind in Goal.Measure.values
    ]


def run(bench) -> None:
    size = data.size_named()
    if connection.vendor == "postgresql":
        made = data.ensure(size)
        bench.record(f"{size.name} size: attendance rows on bench sessions", made["attendance"])
        bench.record(f"{size.name} size: survey responses in the bench rounds", made["responses"])
    else:
        generator.seed(participants_per_project=size.participants, force=True)
    project = Project.objects.get(diarienummer=data.BENCH_PROJECT)
    created = _goals(project)
    user = User.objects.get(email="koordinator@digiproj.test")
    access = project_access(user, project)
    # Measured today: the bench responses are stamped with the time they were generated.
    today = timezone.localdate()
    context = Context(access=access, as_of=today)
    for goal in created:
        goal = goal_get(access=access, pk=goal.pk)
        with bench.measure() as m:
            result = goal_measure(goal, context)
        bench.record(
            f"goal {goal.measure}: value {result.figure.value} (n={result.figure.n}), "
            f"{m.queries} queries",
            m.seconds * 1000,
            "ms",
        )
    client = bench.client_for(user.email)
    # The page's own day: today, but not after the project's end (a later ?datum= is refused).
    url = f"/p/{project.pk}/mal/"
    goals_count = Goal.objects.filter(project=project).count()
    page = bench.time_get(client, url)
    bench.record(f"follow-up dashboard, {goals_count} goals, time", page.seconds, "s")
    bench.record(f"follow-up dashboard, {goals_count} goals, queries", page.queries)
    run_row = ReportRun.objects.create(
        project=project,
        kind="mal",
        file_format="xlsx",
        period_start=project.start_date,
        period_end=project.end_date,
        requested_by=user,
    )
    figures = bench.isolated("tests.bench.bench_reporting:execute", run_row.pk)
    run_row.refresh_from_db()
    assert run_row.status == "done", run_row.error
    bench.record(f"report mal.xlsx: {run_row.row_count} rows, time", figures["seconds"], "s")
    bench.record("report mal.xlsx: peak memory", figures["peak_mib"], "MiB")
