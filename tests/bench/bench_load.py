"""Load test (#19 item 6): 20 coordinators at once on gunicorn with production settings,
p50/p95/p99 and errors per page, and whether a worker was killed (tests/bench/load.py).

Runs once per size (demo, bench: tests/bench/data.py makes them), as a coordinator of the
bench project, so the growth shows. Her password is set with the project's own hashers,
so the server, configured as a real one, lets her in.
LOAD_SECONDS (default 60) bounds the run; BENCH_ARGS=load runs it alone.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Project

from . import data
from .load import run_load

SIZED = True  # run once per size (see __main__)
EMAIL = "last@bench.digiproj.test"
USERS = 20
TARGET_P95_MS = 300
LOGIN = "inloggning"  # the locustfile's name for the login form's POST


def _coordinator(project: Project) -> str:
    """The load test's coordinator of `project`, with a fresh password; returns it."""
    password = secrets.token_urlsafe(18)
    user, _created = User.objects.get_or_create(
        email=EMAIL, defaults={"first_name": "Last", "last_name": "Test"}
    )
    user.set_password(password)  # the bench runs with the project's own hashers
    user.save(update_fields=["password"])
    Membership.objects.get_or_create(
        project=project, user=user, defaults={"role": Membership.Role.COORDINATOR}
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=EMAIL, defaults={"verified": True, "primary": True}
    )
    return password


def _pages(project: Project) -> dict[str, str]:
    from surveys.models import Round

    pk = project.pk
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)  # last month
    pages = {
        "startsida": reverse("project_dashboard", args=[pk]),
        "deltagarlista": reverse("participants:list", args=[pk]),
        "deltagarlista sida 2": reverse("participants:list", args=[pk]) + "?sida=2",
        "timmar (månad)": reverse("activities:hours", args=[pk]) + f"?month={month:%Y-%m}",
        "aktiviteter": reverse("activities:list", args=[pk]),
        "kalender": reverse("activities:calendar", args=[pk]),
        "tid och medfinansiering": reverse("reporting:time", args=[pk]),
        "aktiviteter (rapport)": reverse("reporting:activities", args=[pk]),
        "indikatorer": reverse("reporting:indicators", args=[pk]),
        "mål": reverse("goals:dashboard", args=[pk]),
        "rapporter": reverse("reporting:index", args=[pk]),
    }
    answered = (
        Round.objects.filter(survey__project=project)
        .annotate(n=Count("responses"))
        .order_by("-n")
        .first()
    )
    if answered is not None:
        pages["enkätresultat"] = reverse("surveys:results", args=[pk, answered.pk])
    return pages


def run(bench) -> None:
    size = data.size_named()
    data.ensure(size)
    project = Project.objects.annotate(n=Count("participations")).get(
        diarienummer=data.BENCH_PROJECT
    )
    password = _coordinator(project)
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    result = run_load(
        pages=_pages(project), email=EMAIL, password=password, users=USERS, seconds=seconds
    )
    bench.record(
        f"{size.name}: load, {USERS} coordinators, {seconds} s, project of {project.n} "
        "participants",
        "",
    )
    worst = 0.0
    errors = 0
    for page in sorted(result.pages, key=lambda p: p.name):
        bench.record(
            f"{size.name}: load {page.name}: p50 / p95 / p99",
            f"{page.p50:.0f} / {page.p95:.0f} / {page.p99:.0f}",
            f"ms ({page.requests} requests, {page.failures} errors)",
        )
        errors += page.failures
        # The login's own time is the password hash (PBKDF2, deliberately slow: Django's
        # default work factor); it is printed above but no page waits for it.
        if page.name != LOGIN:
            worst = max(worst, page.p95)
    bench.record(f"{size.name}: load errors in all", errors)
    bench.record(f"{size.name}: load gunicorn workers killed", result.workers_killed)
    bench.record(
        f"{size.name}: load worst p95 ≤ {TARGET_P95_MS} ms, 0 errors, none killed",
        "yes" if worst <= TARGET_P95_MS and not errors and not result.workers_killed else "NO",
        f"(worst p95 {worst:.0f} ms)",
    )
