"""Demo activities: sessions with enrolments, and attendance marked for the past ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from activities import monthly
from activities.hours import within_participation
from activities.models import Activity, Attendance, Enrolment, Session
from digiproj.projects.models import Project
from participants.models import Participation

from .clock import local

DEMO_ACTIVITIES: list[tuple[str, str, list[int], list[tuple[dt.date, int, int]]]] = [
    # (kind, title, DigComp areas, [(date, start hour, hours)])
    (
        "workshop",
        "Säker digital vardag",
        [4],
        [(dt.date(2021, 10, 5), 9, 3), (dt.date(2021, 11, 9), 9, 3)],
    ),
    ("lecture", "Digitalisering i kommunen", [2, 5], [(dt.date(2021, 9, 21), 13, 2)]),
    (
        "peer",
        "Kollegialt lärande: e-tjänster",
        [3, 5],
        [(dt.date(2022, 2, 8), 9, 2), (dt.date(2022, 3, 8), 9, 2)],
    ),
]


def seed_activities(
    project: Project, participations: list[Participation], *, upcoming: bool
) -> None:
    """A few activities with sessions; past sessions have everyone marked, so the hours,
    certificates and reports have something to show. Idempotent by title."""
    if Activity.objects.filter(project=project).exists():
        return
    plans = DEMO_ACTIVITIES
    if upcoming:
        today = timezone.localdate()
        today += dt.timedelta(days=(1 - today.weekday()) % 7)  # sessions on Tuesdays
        plans = [
            (
                "workshop",
                "Teams och delade dokument",
                [2, 3],
                [(today + dt.timedelta(days=7), 9, 3), (today + dt.timedelta(days=21), 9, 3)],
            ),
            (
                "lecture",
                "AI i offentlig förvaltning",
                [5],
                [(today + dt.timedelta(days=14), 13, 2)],
            ),
        ]
    now = timezone.now()
    for kind, title, areas, dates in plans:
        activity = Activity.objects.create(
            project=project,
            kind=kind,
            title=title,
            digcomp_areas=areas,
            target_group="Administrativ personal och stödfunktioner",
        )
        for day, hour, hours in dates:
            session = Session.objects.create(
                activity=activity,
                starts_at=local(day, hour),
                ends_at=local(day, hour) + dt.timedelta(hours=hours),
                place="Stadshuset, sal A" if kind != "lecture" else "",
                online_url="https://möte.example.se/digiproj" if kind == "lecture" else "",
                capacity=40,
                enrolment_deadline=local(day, hour) - dt.timedelta(days=2),
            )
            # Only people taking part that day: time outside a participation's start and end
            # is refused where attendance is marked and never counted (activities.hours).
            taking_part = [p for p in participations if within_participation(p, day)]
            if session.ends_at >= now:  # upcoming: everyone not yet ended may enrol
                taking_part = [p for p in participations if p.end_date is None or p.end_date >= day]
            Enrolment.objects.bulk_create(
                Enrolment(session=session, participation=p, status=Enrolment.Status.ENROLLED)
                for p in taking_part
            )
            if session.ends_at < now:
                minutes = hours * 60
                Attendance.objects.bulk_create(
                    Attendance(
                        session=session,
                        participation=p,
                        present=i % 7 != 3,
                        minutes=0 if i % 7 == 3 else (minutes - 30 if i % 5 == 0 else minutes),
                        marked_at=session.ends_at,
                    )
                    for i, p in enumerate(taking_part)
                )
    # Written in bulk, past the services' signals: the monthly table (activities.monthly).
    monthly.refresh(p.pk for p in participations)
