"""Attendance import from a meeting report: a 500-person, 3-hour Teams report (UTF-16, the three
sections, about three join/leave intervals a person, 1,500 rows of activity) parsed, merged and
matched against a project of 500 participations enrolled in the session; then the preview page.
The project is generated once and found again by its diarienummer."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.meeting_reports import merge_reports, parse_report
from activities.models import Activity, AttendanceImport, Enrolment, Session
from activities.selectors import meeting_import
from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Organisation, Project
from digiproj.projects.permissions import project_access
from participants import personnummer as pnr
from participants.models import Participation, Person
from participants.services import person_derived_fields
from tests.activities.meeting_samples import InMeeting, teams_report

DIARIENUMMER = "2099/00077"
COORDINATOR = "bench-motesrapport@digiproj.test"
PEOPLE = 500
MAX_QUERIES = 12


def _email(i: int) -> str:
    return f"deltagare{i}@bench.test"


@transaction.atomic
def _seed() -> Session:
    project = Project.objects.filter(diarienummer=DIARIENUMMER).first()
    if project:
        return Session.objects.get(activity__project=project)
    org, _ = Organisation.objects.get_or_create(
        organisationsnummer="212000-0142", defaults={"name": "Benchkommunen"}
    )
    today = timezone.localdate()
    project = Project.objects.create(
        diarienummer=DIARIENUMMER,
        name="Bench: mötesrapporter",
        owner=org,
        programme_period="2014-2020",
        programme_area="1",
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=400),
    )
    user, _ = User.objects.get_or_create(email=COORDINATOR, defaults={"first_name": "Bench"})
    Membership.objects.create(user=user, project=project, role=Membership.Role.COORDINATOR)
    numbers = [
        pnr.test_number(
            dt.date(1960, 1, 1) + dt.timedelta(days=i // 10), i % 10, gender=pnr.Gender.WOMAN
        )
        for i in range(PEOPLE)
    ]
    existing = set(
        Person.objects.filter(personnummer__in=numbers).values_list("personnummer", flat=True)
    )
    Person.objects.bulk_create(
        [Person(personnummer=n, **person_derived_fields(n)) for n in numbers if n not in existing]
    )
    persons = dict(
        Person.objects.filter(personnummer__in=numbers).values_list("personnummer", "pk")
    )
    participations = Participation.objects.bulk_create(
        [
            Participation(
                person_id=persons[n],
                project=project,
                organisation=org,
                first_name="Bench",
                last_name=f"Deltagare {i}",
                email=_email(i).upper() if i % 7 == 0 else _email(i),  # case must not matter
                gender_from_number=person_derived_fields(n)["gender_from_number"],
                start_date=project.start_date,
            )
            for i, n in enumerate(numbers)
        ]
    )
    activity = Activity.objects.create(project=project, kind="online", title="Webbinarium")
    day = today - dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    session = Session.objects.create(
        activity=activity, starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
    )
    Enrolment.objects.bulk_create(
        [Enrolment(session=session, participation=p, status="enrolled") for p in participations]
    )
    return session


def _report(session: Session) -> bytes:
    """Three stays each (two breaks), staggered by the minute; every 25th person joins late
    and has two. Plus the organiser and ten guests known by name only."""
    people = [InMeeting("Karin Organisatör", "karin@bench.test", role="Organizer")]
    for i in range(PEOPLE):
        m = i % 10
        stays = (
            ((f"09:0{m}:00", "09:55:00"), (f"10:0{m}:00", "10:55:30"), ("11:05:00", "12:00:00"))
            if i % 25
            else ((f"10:1{m}:00", "10:55:30"), ("11:05:00", "12:02:00"))
        )
        people.append(InMeeting(f"Deltagare {i}", _email(i), stays=stays))
    people += [InMeeting(f"Gäst {g}", stays=(("09:30:00", "10:30:00"),)) for g in range(10)]
    return teams_report(timezone.localtime(session.starts_at).date(), people, title="Bench")


def run(bench) -> None:
    with bench.measure() as m:
        session = _seed()
    bench.record("meeting import: generate (or reuse) data", m.seconds, "s")
    data = _report(session)
    bench.record("meeting import: report size (UTF-16)", len(data) / 1024 / 1024, "MiB")
    with bench.measure() as parsed:
        report = parse_report(data, session_start=session.starts_at, session_end=session.ends_at)
    intervals = sum(len(a.intervals) for a in report.attendees)
    bench.record(
        f"meeting import: parse ({len(report.attendees)} people, {intervals} stays)",
        parsed.seconds,
        "s",
    )
    with bench.measure() as merged:
        people = merge_reports(
            [report], session_start=session.starts_at, session_end=session.ends_at
        )
    bench.record(f"meeting import: merge ({len(people)} people)", merged.seconds, "s")
    user = User.objects.get(email=COORDINATOR)
    access = project_access(user, session.activity.project)
    assert access is not None
    with bench.measure() as stored:
        draft = services.attendance_import_create(
            session=session, user_id=user.pk, files=[services.ReportFile("bench.csv", data)]
        )
    bench.record("meeting import: parse, merge and keep the draft", stored.seconds, "s")
    with bench.measure() as matched:
        plan = meeting_import.attendance_import_match(access=access, attendance_import=draft).plan()
    bench.record(
        f"meeting import: match against {PEOPLE} participations and plan", matched.seconds, "s"
    )
    bench.record("meeting import: match queries", matched.queries)
    assert len(plan.rows) == PEOPLE, len(plan.rows)
    assert (len(plan.unknown), len(plan.skipped)) == (10, 1)
    minutes = {row.candidate.name: row.minutes for row in plan.rows}
    # 09:01–09:55 (54) + 10:01–10:55:30 (54.5) + 11:05–12:00 (55) = 163.5: 163 minutes;
    # 10:10–10:55:30 (45.5) + 11:05–12:02 clipped at 12:00 (55) = 100.5: 100 minutes.
    assert (minutes["Bench Deltagare 1"], minutes["Bench Deltagare 0"]) == (163, 100)
    bench.record(
        "meeting import: total (parse + merge + match)",
        parsed.seconds + merged.seconds + matched.seconds,
        "s",
    )
    page = bench.time_get(
        bench.client_for(COORDINATOR),
        reverse("activities:attendance_import", args=[session.activity.project.pk, draft.pk]),
    )
    bench.record("meeting import: preview page (500 people): time", page.seconds * 1000, "ms")
    bench.record("meeting import: preview page: queries", page.queries)
    assert page.queries <= MAX_QUERIES, page.queries
    AttendanceImport.objects.filter(pk=draft.pk).delete()  # holds what was read: not kept
