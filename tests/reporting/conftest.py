"""A small project whose every figure is worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from digiproj.projects.models import Membership
from participants import personnummer as pnr
from participants.models import Participation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
)

PERIOD = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def _person(born: dt.date, gender: str, index: int = 0):
    number = pnr.test_number(born, index, gender=gender)
    return PersonFactory(personnummer=number, birth_date=born, gender_from_number=gender)


@pytest.fixture
def small_project(db):
    """
    name  gender (number→reported)  born        org    start       end         2024H1
    P1    K                         2000-06-15  north  2024-02-01  –           started, active; 23
    P2    M                         1980-01-10  north  2023-11-01  2024-03-15  active, ended; 43
    P3    M → K (override)          1960-05-02  north  2024-05-01  –           started, active; 63
    P4    M                         1990-01-01  north  2024-07-15  –           nothing (after)
    P5    K                         1985-01-01  north  2023-01-01  2023-12-31  nothing (before)
    P6    K                         1999-03-01  south  2024-03-01  –           started, active; 25
    Ages are at the start date: P3's birthday is the day after, P6 starts on hers.
    """
    project = ProjectFactory(
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2025, 12, 31),
        planned_participants=10,
        planned_women=6,
        planned_men=4,
    )
    north, south = (
        OrganisationFactory(name="Norra kommun"),
        OrganisationFactory(name="Södra kommun"),
    )
    ProjectOrganisationFactory(project=project, organisation=north)
    ProjectOrganisationFactory(project=project, organisation=south)
    rows = {
        "P1": (dt.date(2000, 6, 15), "K", {}, north, dt.date(2024, 2, 1), None),
        "P2": (dt.date(1980, 1, 10), "M", {}, north, dt.date(2023, 11, 1), dt.date(2024, 3, 15)),
        "P3": (
            dt.date(1960, 5, 2),
            "M",
            {"gender_override": "K", "gender_override_reason": "Anmält av deltagaren"},
            north,
            dt.date(2024, 5, 1),
            None,
        ),
        "P4": (dt.date(1990, 1, 1), "M", {}, north, dt.date(2024, 7, 15), None),
        "P5": (dt.date(1985, 1, 1), "K", {}, north, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        "P6": (dt.date(1999, 3, 1), "K", {}, south, dt.date(2024, 3, 1), None),
    }
    participations = {}
    for name, (born, gender, extra, org, start, end) in rows.items():
        participations[name] = ParticipationFactory(
            project=project,
            person=_person(born, gender),
            # The gender override is held by the participation (see Person).
            **extra,
            organisation=org,
            start_date=start,
            end_date=end,
            end_reason=Participation.EndReason.COMPLETED if end else "",
            role_group=Participation.RoleGroup.SUPPORT
            if name == "P6"
            else Participation.RoleGroup.ADMIN_STAFF,
        )
    coordinator = MembershipFactory(project=project)
    contact = MembershipFactory(project=project, role=Membership.Role.CONTACT, organisation=south)
    return {
        "project": project,
        "north": north,
        "south": south,
        "p": participations,
        "coordinator": coordinator.user,
        "contact": contact.user,
    }


def run_report(world, kind: str, *, user: str = "coordinator", file_format: str = "xlsx"):
    """Order a report (made in-process here) and return its sheets as lists of rows."""
    import io

    import openpyxl

    from digiproj.projects.permissions import project_access
    from reporting import services

    access = project_access(world[user], world["project"])
    run = services.report_run_create(
        access=access,
        user=world[user],
        kind=kind,
        file_format=file_format,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    run.refresh_from_db()
    assert run.status == "done", run.error
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
