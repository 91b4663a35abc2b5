"""Demo data: the two seed projects (DIGILO and DigiWestum), their organisations, demo logins
and generated participants, and a running ESF+ project. Idempotent; the same generator with a
size feeds the benchmarks. What each part makes is in its own module (projects, people,
activities, surveys, goals); `seed` calls them in one fixed order, so every run draws the same
random numbers and makes the same data.

Every personnummer is a *test* number (birth number 980–999, reserved by Skatteverket), so no
real person's number is ever used.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from digiproj.projects.models import Membership
from participants.models import Participation

from .activities import seed_activities
from .goals import seed_goals
from .people import (
    seed_demo_participant,
    seed_demo_participant_joins,
    seed_non_binary,
    seed_participants,
    seed_staff,
    seed_user,
)
from .projects import LIVE_PROJECT, PROJECTS, seed_organisations, seed_project
from .surveys import seed_survey


class DemoRefused(Exception):
    """The demo data would go into a database that may be a real installation's."""


def demo_database_check(*, force: bool) -> None:
    """Refuse the demo on anything but the embedded SQLite database unless forced.

    The demo makes a superuser and staff whose password is printed in the README: on a
    municipality's PostgreSQL database that is an open door. `make run` (SQLite) needs no
    flag; the benchmarks and tests on PostgreSQL say `force=True`, an operator who really wants
    a demo installation passes --force or sets DIGIPROJ_ALLOW_DEMO=1.
    """
    if connection.vendor == "sqlite" or force or settings.DIGIPROJ_ALLOW_DEMO:
        return
    raise DemoRefused(
        _(
            "Demodata skapas bara i den inbäddade SQLite-databasen: den här databasen är "
            "%(vendor)s och kan vara en riktig installation, och demot skapar en "
            "administratör med ett offentligt lösenord. Ange --force (eller "
            "DIGIPROJ_ALLOW_DEMO=1) om det verkligen är en demoinstallation."
        )
        % {"vendor": connection.vendor}
    )


def seed(*, participants_per_project: int = 150, force: bool = False) -> dict[str, int]:
    """Create or complete the demo data. Running it again changes nothing. Refused on a
    non-embedded database unless `force` (see demo_database_check)."""
    demo_database_check(force=force)
    orgs = seed_organisations()
    projects = [seed_project(spec, orgs) for spec in PROJECTS]
    digilo = projects[0]
    coordinator = seed_staff(projects, contact_organisation=orgs["Umeå kommun"])

    created = 0
    for index, (spec, project) in enumerate(zip(PROJECTS, projects, strict=True)):
        employers = [orgs[name] for name in spec["employers"]]
        created += seed_participants(project, employers, participants_per_project, seed=index)

    # The demo participant: a login linked to a person in DIGILO, employed by Umeå kommun.
    participant_user = seed_user("deltagare@digiproj.test", "Dana", "Deltagare")
    demo_person = seed_demo_participant(digilo, participant_user, orgs["Umeå kommun"])
    # Activities, attendance and the DigComp survey for DIGILO (the demo participant's
    # project), so hours, certificates, results and reports have data to show.
    umea = list(
        Participation.objects.filter(project=digilo, organisation=orgs["Umeå kommun"])
        .exclude(person=demo_person)
        .select_related("person", "organisation")
        .order_by("pk")[:39]
    ) + list(Participation.objects.filter(project=digilo, person=demo_person))
    seed_activities(digilo, umea, upcoming=False)
    seed_survey(digilo, umea, rng=random.Random(7), live=False)
    seed_goals(digilo)

    # The running ESF+ project: a few participants (one non-binary, reported with a reason),
    # the demo participant among them, upcoming sessions and an open self-assessment.
    live = seed_project(LIVE_PROJECT, orgs)
    Membership.objects.get_or_create(
        user=coordinator, project=live, defaults={"role": Membership.Role.COORDINATOR}
    )
    live_employers = [orgs[name] for name in LIVE_PROJECT["employers"]]
    created += seed_participants(live, live_employers, min(participants_per_project, 60), seed=2)
    seed_non_binary(live)
    seed_demo_participant_joins(live, demo_person, participant_user, orgs["Umeå kommun"])
    live_people = list(
        Participation.objects.filter(project=live).select_related("person", "organisation")
    )
    seed_activities(live, live_people, upcoming=True)
    seed_survey(live, live_people, rng=random.Random(8), live=True)
    return {"projects": len(projects) + 1, "participants_created": created}
