"""A participation's start and end against the project's period (digiproj.projects.periods):
participant_add, participant_update, participation_end and the import's rows refuse a date
outside it, with the period named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants import services
from participants.importing import Table, check_rows
from participants.models import Participation
from tests.factories import (
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db

PERIOD = "2024-01-01–2030-12-31"  # the factory project's


@pytest.fixture
def project_org():
    project = ProjectFactory()
    org = ProjectOrganisationFactory(project=project, organisation__name="Umeå kommun")
    return project, org.organisation


def _add(project, org, start):
    return services.participant_add(
        project=project,
        organisation=org,
        personnummer=participant_test_pnr(7),
        first_name="Anna",
        last_name="Andersson",
        start_date=start,
    )


@pytest.mark.parametrize("start", [dt.date(2023, 12, 31), dt.date(2031, 1, 1)])
def test_add_refuses_a_start_outside_the_project(project_org, start):
    project, org = project_org
    with pytest.raises(ValidationError) as error:
        _add(project, org, start)
    assert error.value.message_dict["start_date"] == [
        f"{start.isoformat()} ligger utanför projektets period {PERIOD}. Välj ett datum inom "
        "perioden."
    ]
    assert not Participation.objects.exists()


def test_add_accepts_the_first_and_last_day(project_org):
    project, org = project_org
    assert _add(project, org, dt.date(2024, 1, 1)).start_date == dt.date(2024, 1, 1)
    Participation.objects.all().delete()
    assert _add(project, org, dt.date(2030, 12, 31)).start_date == dt.date(2030, 12, 31)


def test_update_refuses_a_start_before_the_project(project_org):
    project, org = project_org
    participation = ParticipationFactory(project=project, organisation=org)
    with pytest.raises(ValidationError) as error:
        services.participant_update(
            participation=participation,
            organisation=org,
            first_name="Anna",
            last_name="Andersson",
            start_date=dt.date(2023, 6, 1),
        )
    assert f"projektets period {PERIOD}" in error.value.message_dict["start_date"][0]
    participation.refresh_from_db()
    assert participation.start_date == dt.date(2024, 3, 1)


def test_end_refuses_an_end_after_the_project(project_org):
    project, org = project_org
    participation = ParticipationFactory(project=project, organisation=org)
    with pytest.raises(ValidationError) as error:
        services.participation_end(
            participation=participation, end_date=dt.date(2031, 1, 1), end_reason="other"
        )
    assert error.value.message_dict["end_date"] == [
        f"2031-01-01 ligger utanför projektets period {PERIOD}. Välj ett datum inom perioden."
    ]
    participation.refresh_from_db()
    assert participation.end_date is None


def test_an_import_row_with_a_start_outside_the_project_is_refused(project_org):
    project, _org = project_org
    headers = ["Personnummer", "Förnamn", "Efternamn", "Arbetsgivare", "Startdatum"]
    rows = [[2, participant_test_pnr(3), "Bo", "Berg", "Umeå kommun", "2031-02-01"]]
    result = check_rows(project=project, table=Table(headers=headers, rows=rows))
    assert result.valid == []
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (
            2,
            "Startdatum",
            f"2031-02-01 ligger utanför projektets period {PERIOD}. Välj ett datum inom perioden.",
        )
    ]
