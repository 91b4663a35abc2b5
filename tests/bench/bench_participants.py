"""Participants: import throughput of a 50,000-row .xlsx, and the participant list page with
100,000 participants in one project (time and query count)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.urls import reverse

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Organisation, Project, ProjectOrganisation
from participants import importing, services
from participants import personnummer as pnr
from participants.models import Participation, Person

IMPORT_ROWS = 50_000
LIST_ROWS = 100_000
BENCH_EMAIL = "bench-samordnare@digiproj.test"


def _organisation(name: str, number: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(organisationsnummer=number, defaults={"name": name})
    return org


def _project(diarienummer: str, name: str, org: Organisation) -> Project:
    project, _ = Project.objects.get_or_create(
        diarienummer=diarienummer,
        defaults={
            "name": name,
            "owner": org,
            "programme_period": Project.ProgrammePeriod.ESF_2014_2020,
            "programme_area": "1",
            "start_date": dt.date(2024, 1, 1),
            "end_date": dt.date(2026, 12, 31),
        },
    )
    ProjectOrganisation.objects.get_or_create(project=project, organisation=org)
    return project


def _numbers(count: int, *, first_day: dt.date) -> list[str]:
    """`count` distinct test numbers (20 per birth date: 10 per gender)."""
    numbers = []
    for i in range(count):
        day, slot = divmod(i, 20)
        gender = pnr.Gender.WOMAN if slot < 10 else pnr.Gender.MAN
        numbers.append(
            pnr.test_number(first_day + dt.timedelta(days=day), slot % 10, gender=gender)
        )
    return numbers


def _clear(project: Project) -> None:
    ids = list(Participation.objects.filter(project=project).values_list("person_id", flat=True))
    with transaction.atomic():
        Participation.history.filter(project_id=project.pk).delete()
        Participation.objects.filter(project=project).delete()
        Person.history.filter(id__in=ids).delete()
        Person.objects.filter(pk__in=ids, participations__isnull=True).delete()


def _bench_import(bench) -> None:
    import openpyxl

    org = _organisation("Benchkommun import", "212999-0012")
    project = _project("2099/50000", "Bench: import", org)
    _clear(project)
    numbers = _numbers(IMPORT_ROWS, first_day=dt.date(1960, 1, 1))
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deltagare.xlsx"
        # A normal (not write-only) workbook, as Excel writes it: shared strings and a
        # <dimension> element. openpyxl's write-only mode would write inline strings and no
        # dimension, which makes every reader slower than on a real Excel file.
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Deltagare"
        sheet.append([str(c.header) for c in importing.COLUMNS])
        for i, number in enumerate(numbers):
            sheet.append(
                [
                    f"{number[:8]}-{number[8:]}",
                    rng.choice(["Anna", "Maria", "Erik", "Lars", "Karin"]),
                    f"Bench{i}",
                    org.organisationsnummer,
                    f"bench{i}@example.test",
                    "070-1234567",
                    "Kommunkontoret",
                    "Administrativ personal",
                    rng.choice(["0-2", "3-4", "5-8"]),
                    "Anställd",
                    "540000",
                    "2024-03-01",
                    "2024-02-20",
                ]
            )
        workbook.save(path)
        data = path.read_bytes()
    bench.record("import file size", len(data) / 2**20, "MiB")
    with bench.measure() as read:
        table = importing.read_table(data, "deltagare.xlsx")
    with bench.measure() as check:
        result = importing.check_rows(project=project, table=table)
    assert not result.errors, result.errors[:3]
    with bench.measure() as total:
        count = services.participant_import_rows(
            project=project, organisation=None, table=table, user_id=None
        )
    assert count == IMPORT_ROWS
    whole = read.seconds + total.seconds  # reading + checking + writing (check runs inside)
    bench.record(f"import {IMPORT_ROWS} rows xlsx: read", read.seconds, "s")
    bench.record(f"import {IMPORT_ROWS} rows xlsx: check only", check.seconds, "s")
    bench.record(f"import {IMPORT_ROWS} rows xlsx: check + write", total.seconds, "s")
    bench.record(f"import {IMPORT_ROWS} rows xlsx: throughput", IMPORT_ROWS / whole, "rows/s")
    bench.record(f"import {IMPORT_ROWS} rows xlsx: queries", total.queries)


def _ensure_list_project() -> Project:
    org_a = _organisation("Benchkommun A", "212999-0020")
    org_b = _organisation("Benchkommun B", "212999-0038")
    project = _project("2099/10000", "Bench: lista", org_a)
    ProjectOrganisation.objects.get_or_create(project=project, organisation=org_b)
    user, created = User.objects.get_or_create(email=BENCH_EMAIL)
    if created:
        user.set_password("bench-Passw0rd")
        user.save()
    Membership.objects.get_or_create(
        user=user, project=project, defaults={"role": Membership.Role.COORDINATOR}
    )
    have = Participation.objects.filter(project=project).count()
    if have >= LIST_ROWS:
        return project
    numbers = _numbers(LIST_ROWS, first_day=dt.date(1940, 1, 1))[have:]
    rng = random.Random(2)
    orgs = [org_a, org_b]
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        with transaction.atomic():
            Person.objects.bulk_create(
                [
                    Person(
                        personnummer=n,
                        first_name=rng.choice(["Anna", "Maria", "Erik", "Lars", "Karin"]),
                        last_name=f"Listsson{have + start + i}",
                        birth_date=pnr.birth_date(n),
                        gender_from_number=pnr.gender_from_number(n),
                    )
                    for i, n in enumerate(chunk)
                ],
                ignore_conflicts=True,
                batch_size=2000,
            )
            ids = dict(
                Person.objects.filter(personnummer__in=chunk).values_list("personnummer", "pk")
            )
            Participation.objects.bulk_create(
                [
                    Participation(
                        person_id=ids[n],
                        project=project,
                        organisation=rng.choice(orgs),
                        role_group=rng.choice(["admin", "support", "manager"]),
                        start_date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700)),
                        annual_salary_cost=Decimal(540000),
                    )
                    for n in chunk
                ],
                ignore_conflicts=True,
                batch_size=2000,
            )
    return project


def _bench_list(bench) -> None:
    project = _ensure_list_project()
    total = Participation.objects.filter(project=project).count()
    bench.record("participants in list project", total)
    client = bench.client_for(BENCH_EMAIL)
    url = reverse("participants:list", args=[project.pk])
    for label, params in (
        ("first page", ""),
        ("page 1000", "?sida=1000"),
        ("search name", "?q=Listsson4711"),
        ("search birth date", "?q=19500101"),
        ("filters + sort", "?status=active&gender=K&role_group=admin&sort=-start"),
    ):
        page = bench.time_get(client, url + params)
        bench.record(
            f"participant list, {total} participants, {label}: time", page.seconds * 1000, "ms"
        )
        bench.record(f"participant list, {total} participants, {label}: queries", page.queries)


def run(bench) -> None:
    _bench_import(bench)
    _bench_list(bench)
