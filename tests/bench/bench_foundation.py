"""Foundation: demo generator throughput and the dashboard with a large project."""

from __future__ import annotations

from django.urls import reverse

from demo import generator
from digiproj.projects.models import Project
from participants.models import Participation

from . import data

SIZED = True  # run once per size (see __main__)


def run(bench) -> None:
    size = data.size_named()
    PARTICIPANTS = size.participants
    before = Participation.objects.count()
    with bench.measure() as m:
        generator.seed(participants_per_project=PARTICIPANTS, force=True)
    created = Participation.objects.count() - before
    bench.record("participants in database", Participation.objects.count())
    if created >= 1000:  # a meaningful rate only when this run generated the data
        bench.record("seed_demo generator throughput", created / m.seconds, "rows/s")
    bench.record("seed_demo run (idempotent when the data exist)", m.seconds, "s")

    client = bench.client_for("koordinator@digiproj.test")
    project = Project.objects.get(diarienummer="2020/00268")
    page = bench.time_get(client, reverse("project_dashboard", args=[project.pk]))
    bench.record(f"dashboard, {PARTICIPANTS} participants: time", page.seconds * 1000, "ms")
    bench.record(f"dashboard, {PARTICIPANTS} participants: queries", page.queries)
