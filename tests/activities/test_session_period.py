"""A session outside the project's period is refused on the field, the period named."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Session

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
PERIOD = "2024-01-01–2030-12-31"  # the factory project's


def _at(*args):
    return dt.datetime(*args, tzinfo=STHLM)


def test_a_session_before_the_project_starts_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.session_create(
            activity=world.activity,
            starts_at=_at(2023, 12, 31, 10),
            ends_at=_at(2023, 12, 31, 12),
            place="Rum 1",
        )
    assert error.value.message_dict["starts_at"] == [
        f"2023-12-31 ligger utanför projektets period {PERIOD}. Välj ett datum inom perioden."
    ]
    assert Session.objects.count() == 1  # only the fixture's


def test_a_session_running_past_the_projects_last_day_is_refused(world):
    # Starts on the last day (Stockholm) and ends after midnight: its end is outside.
    with pytest.raises(ValidationError) as error:
        services.session_create(
            activity=world.activity,
            starts_at=_at(2030, 12, 31, 22),
            ends_at=_at(2031, 1, 1, 1),
            place="Rum 1",
        )
    assert "starts_at" not in error.value.message_dict
    assert (
        f"2031-01-01 ligger utanför projektets period {PERIOD}"
        in (error.value.message_dict["ends_at"][0])
    )


def test_moving_a_session_outside_the_project_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.session_update(
            session=world.session,
            starts_at=_at(2031, 2, 1, 10),
            ends_at=_at(2031, 2, 1, 12),
        )
    assert "starts_at" in error.value.message_dict
    world.session.refresh_from_db()
    assert world.session.starts_at.year != 2031


def test_a_session_on_the_first_and_last_day_is_kept(world):
    first = services.session_create(
        activity=world.activity,
        starts_at=_at(2024, 1, 1, 0),
        ends_at=_at(2024, 1, 1, 2),
        place="Rum 1",
    )
    last = services.session_create(
        activity=world.activity,
        starts_at=_at(2030, 12, 31, 21),
        ends_at=_at(2030, 12, 31, 23, 59),
        place="Rum 1",
    )
    assert Session.objects.filter(pk__in=[first.pk, last.pk]).count() == 2
