"""The bench's data generator makes exactly the counts asked for, on a fresh database and on
one that already holds the demo (whose own sessions and attendance it leaves alone)."""

from __future__ import annotations

import pytest
from django.db import connection

from activities.models import Attendance
from digiproj.accounts.models import User
from digiproj.projects.models import Project
from participants.models import Participation
from surveys.models import Response
from tests.bench import data

TINY = data.Size(
    "tiny", participants=60, attendance=1_000, responses=40, activities=4, sessions_per_activity=10
)

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _counts() -> dict[str, int]:
    project = Project.objects.get(diarienummer=data.BENCH_PROJECT)
    return {
        "participants": Participation.objects.filter(project=project, user__isnull=True).count(),
        "attendance": data.bench_attendance_count(project),
        "responses": Response.objects.filter(
            round__survey__project=project, round__survey__title=data.BENCH_SURVEY
        ).count(),
    }


def test_fresh_database_gets_exactly_the_size_and_again_the_same():
    assert connection.vendor == "postgresql"
    made = data.ensure(TINY)
    expected = {"participants": 60, "attendance": 1_000, "responses": 40}
    assert made == expected
    assert _counts() == expected
    assert data.ensure(TINY) == expected  # a second run changes nothing
    assert _counts() == expected
    # Most bench time is counted: on sessions from each participant's start date on (at
    # this tiny size 16 of 40 sessions each, so late starters take earlier ones too).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE s.starts_at::date >= p.start_date), count(*) "
            "FROM activities_attendance a JOIN activities_session s ON s.id = a.session_id "
            "JOIN activities_activity ac ON ac.id = s.activity_id "
            "JOIN participants_participation p ON p.id = a.participation_id "
            "WHERE ac.title LIKE 'Bench-aktivitet%%'"
        )
        inside, total = cursor.fetchone()
    assert total == 1_000
    assert inside >= 0.6 * total


def test_with_the_demo_already_there_the_counts_are_exact_and_demo_rows_kept():
    from demo import generator

    generator.seed(participants_per_project=20, force=True)
    demo_rows = Attendance.objects.exclude(session__activity__title__startswith="Bench").count()
    assert demo_rows > 0  # the demo's own sessions have attendance
    data.ensure(TINY)
    assert _counts() == {"participants": 60, "attendance": 1_000, "responses": 40}
    bigger = data.Size(
        "tiny2",
        participants=60,
        attendance=1_500,
        responses=60,
        activities=4,
        sessions_per_activity=10,
    )
    data.ensure(bigger)  # bench rows of another size are replaced, not added to
    assert _counts() == {"participants": 60, "attendance": 1_500, "responses": 60}
    assert (
        Attendance.objects.exclude(session__activity__title__startswith="Bench").count()
        == demo_rows
    )


def test_bench_logins_use_the_configured_hasher(settings):
    # The suite hashes with MD5 for speed; a server uses Django's default, PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    data.ensure(TINY)
    user = User.objects.get(email="koordinator@digiproj.test")
    assert user.password.startswith("pbkdf2_sha256$")
    assert user.check_password("Demo-digiproj-2026")
