"""Activities: the calendar and attendance pages with 2,000 sessions and 500,000 attendance
rows (250 enrolled and marked per session). Data are generated once with bulk_create and
reused on the next run (the project is found by its diarienummer)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activities import monthly
from activities.models import Activity, Attendance, Enrolment, Session
from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Organisation, Project
from participants import personnummer as pnr
from participants.models import Participation, Person
from participants.services import person_derived_fields

DIARIENUMMER = "2099/00042"
COORDINATOR = "bench-aktiviteter@digiproj.test"
SESSIONS = 2_000
PER_SESSION = 250
PEOPLE = 5_000
BATCH = 10_000
MAX_QUERIES = 12


def _people(project: Project, org: Organisation) -> list[int]:
    numbers = []
    born = dt.date(1925, 1, 1)
    for i in range(PEOPLE):
        numbers.append(
            pnr.test_number(born + dt.timedelta(days=i // 10), i % 10, gender=pnr.Gender.WOMAN)
        )
    existing = set(
        Person.objects.filter(personnummer__in=numbers).values_list("personnummer", flat=True)
    )
    Person.objects.bulk_create(
        [Person(personnummer=n, **person_derived_fields(n)) for n in numbers if n not in existing],
        batch_size=BATCH,
    )
    persons = list(
        Person.objects.filter(personnummer__in=numbers).values_list("pk", "gender_from_number")
    )
    Participation.objects.bulk_create(
        [
            Participation(
                person_id=pk,
                gender_from_number=gender,
                project=project,
                organisation=org,
                start_date=project.start_date,
                first_name="Bench",  # names are the project's (participants.models.Person)
                last_name=f"Deltagare {i}",
            )
            for i, (pk, gender) in enumerate(persons)
        ],
        batch_size=BATCH,
    )
    return list(Participation.objects.filter(project=project).values_list("pk", flat=True))


@transaction.atomic
def _seed() -> Project:
    project = Project.objects.filter(diarienummer=DIARIENUMMER).first()
    if project:
        return project
    org, _ = Organisation.objects.get_or_create(
        organisationsnummer="212000-0142", defaults={"name": "Benchkommunen"}
    )
    today = timezone.localdate()
    project = Project.objects.create(
        diarienummer=DIARIENUMMER,
        name="Bench: aktiviteter",
        owner=org,
        programme_period="2014-2020",
        programme_area="1",
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=400),
    )
    user, _ = User.objects.get_or_create(email=COORDINATOR, defaults={"first_name": "Bench"})
    Membership.objects.create(user=user, project=project, role=Membership.Role.COORDINATOR)
    participations = _people(project, org)
    activities = Activity.objects.bulk_create(
        [Activity(project=project, kind="workshop", title=f"Workshop {i}") for i in range(20)]
    )
    # 2,000 sessions, four a working day around today, two hours each.
    first = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=350), dt.time(8)))
    sessions = Session.objects.bulk_create(
        [
            Session(
                activity=activities[i % 20],
                starts_at=first + dt.timedelta(days=i // 4 * 7 // 5, hours=2 * (i % 4)),
                ends_at=first + dt.timedelta(days=i // 4 * 7 // 5, hours=2 * (i % 4) + 2),
                place="Stadshuset",
                capacity=PER_SESSION,
            )
            for i in range(SESSIONS)
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    enrolments: list[Enrolment] = []
    attendance: list[Attendance] = []
    for n, session in enumerate(sessions):
        for k in range(PER_SESSION):
            pid = participations[(n * 37 + k) % len(participations)]
            enrolments.append(Enrolment(session=session, participation_id=pid, status="enrolled"))
            attendance.append(
                Attendance(
                    session=session,
                    participation_id=pid,
                    present=k % 10 != 0,
                    minutes=0 if k % 10 == 0 else 120 - k % 3 * 15,
                    marked_at=now,
                )
            )
        if len(attendance) >= BATCH:
            Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
            Attendance.objects.bulk_create(attendance, batch_size=BATCH)
            enrolments, attendance = [], []
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    monthly.refresh(participations)  # written in bulk, past the signals (activities.monthly)
    return project


def run(bench) -> None:
    with bench.measure() as m:
        project = _seed()
    bench.record("activities: generate (or reuse) data", m.seconds, "s")
    bench.record(
        "sessions in bench project", Session.objects.filter(activity__project=project).count()
    )
    bench.record(
        "attendance rows in bench project",
        Attendance.objects.filter(session__activity__project=project).count(),
    )
    client = bench.client_for(COORDINATOR)
    busy = (
        Session.objects.filter(activity__project=project, starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    week = timezone.localtime(busy.starts_at).date().isoformat()
    pages = {
        "calendar week view": reverse("activities:calendar", args=[project.pk]) + f"?vecka={week}",
        "calendar list view": reverse("activities:calendar", args=[project.pk]) + "?visa=lista",
        "attendance page (250 people)": reverse(
            "activities:attendance", args=[project.pk, busy.pk]
        ),
        "session page (250 enrolled)": reverse("activities:session", args=[project.pk, busy.pk]),
        "activity list": reverse("activities:list", args=[project.pk]),
        "hours overview (month)": reverse("activities:hours", args=[project.pk]),
    }
    for name, url in pages.items():
        page = bench.time_get(client, url)
        bench.record(f"{name}: time", page.seconds * 1000, "ms")
        bench.record(f"{name}: queries", page.queries)
        # Bounded: the count does not depend on how many sessions or rows there are.
        assert page.queries <= MAX_QUERIES, (name, page.queries)
