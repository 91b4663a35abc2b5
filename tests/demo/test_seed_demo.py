"""The demo data behind `make run`, the e2e tests and the benchmarks."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from demo import generator
from demo.people import DEMO_LOGINS
from digiproj.projects.models import Project
from participants.models import Participation, Person


@pytest.mark.django_db
def test_demo_records_no_time_outside_the_participations():
    from activities.hours import counted_rows, minutes_by
    from activities.models import Attendance

    call_command("seed_demo", participants=30, force=True, verbosity=0)
    assert Attendance.objects.filter(present=True, minutes__gt=0).exists()
    outside = counted_rows(
        participations=Participation.objects.all(), start=None, end=None, outside=True
    )
    assert minutes_by(outside, zero=True) == {}


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", participants=30, force=True, verbosity=0)
    counts = (Project.objects.count(), Person.objects.count(), Participation.objects.count())
    call_command("seed_demo", participants=30, force=True, verbosity=0)
    assert (
        Project.objects.count(),
        Person.objects.count(),
        Participation.objects.count(),
    ) == counts
    assert counts[0] == 3  # DIGILO, DigiWestum and the running ESF+ demo project
    assert Participation.objects.filter(project__diarienummer="2020/00117").count() == 30
    # Both genders, and only Skatteverket test numbers.
    # Women and men, and one non-binary person (reported with a reason) in the ESF+ project.
    assert set(Participation.objects.values_list("gender", flat=True)) == {"K", "M", "X"}
    assert Participation.objects.filter(gender="X").exclude(gender_override_reason="").count() == 1
    assert all(
        p[8:10] in ("98", "99") for p in Person.objects.values_list("personnummer", flat=True)
    )


@pytest.mark.django_db
def test_seed_demo_prints_the_logins(capsys):
    call_command("seed_demo", participants=5, print_logins=True, force=True)
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert f"{login.role}: {login.email} / {login.password}" in out


@pytest.mark.django_db
def test_digiwestum_keeps_support_share_apart_from_eu_rate():
    generator.seed(participants_per_project=1, force=True)
    westum = Project.objects.get(diarienummer="2020/00117")
    assert westum.eu_cofinancing_rate == 50
    assert str(westum.esf_support_share) == "47.0"


def _pretend_postgresql(monkeypatch) -> None:
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "postgresql")


@pytest.mark.django_db
def test_seed_demo_refuses_a_non_embedded_database_without_force(monkeypatch, settings):
    settings.DIGIPROJ_ALLOW_DEMO = False
    _pretend_postgresql(monkeypatch)
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", participants=1, verbosity=0)
    assert not Project.objects.exists()  # refused before anything was written


@pytest.mark.django_db
def test_seed_demo_runs_on_a_non_embedded_database_with_force(monkeypatch, settings):
    settings.DIGIPROJ_ALLOW_DEMO = False
    _pretend_postgresql(monkeypatch)
    call_command("seed_demo", participants=1, force=True, verbosity=0)
    assert Project.objects.count() == 3


@pytest.mark.django_db
def test_seed_demo_runs_on_a_non_embedded_database_when_the_installation_allows_it(
    monkeypatch, settings
):
    settings.DIGIPROJ_ALLOW_DEMO = True
    _pretend_postgresql(monkeypatch)
    call_command("seed_demo", participants=1, verbosity=0)
    assert Project.objects.count() == 3


@pytest.mark.postgresql
@pytest.mark.django_db
def test_seed_demo_refuses_postgresql_without_force(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("set DATABASE_URL to run the PostgreSQL tests")
    settings.DIGIPROJ_ALLOW_DEMO = False
    with pytest.raises(CommandError, match="postgresql"):
        call_command("seed_demo", participants=1, verbosity=0)
    assert not Project.objects.exists()
