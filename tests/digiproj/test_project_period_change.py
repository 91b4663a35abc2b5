"""A project's period changed after things are recorded in it (#13 item 6: warned about and
logged where a coordinator may need it): the change is saved, what falls outside is counted
by each app and shown, and the audit log gets the counts, never a name."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from digiproj.projects import periods
from tests.factories import (
    ActivityFactory,
    MembershipFactory,
    ParticipationFactory,
    SelfReportedTimeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def recorded():
    """The factory project runs 2024-01-01–2030-12-31. Two participations start in March
    2024 (one of them ends in June 2024); sessions on 10 March 2024 and 2 April 2024 (local
    times, the first at 00:30 so that only Stockholm's day puts it in March) and approved
    self-reported time on 2 May 2024."""
    membership = MembershipFactory()
    project = membership.project
    activity = ActivityFactory(project=project)
    anna = ParticipationFactory(project=project, first_name="Anna", last_name="Annersten")
    ParticipationFactory(project=project, end_date=dt.date(2024, 6, 30), end_reason="completed")
    SessionFactory(activity=activity, starts_at=dt.datetime(2024, 3, 10, 0, 30, tzinfo=STHLM))
    SessionFactory(activity=activity, starts_at=dt.datetime(2024, 4, 2, 9, tzinfo=STHLM))
    SelfReportedTimeFactory(activity=ActivityFactory(project=project, kind="recorded"),
                            participation=anna, date=dt.date(2024, 5, 2))  # fmt: skip
    return membership


def _kinds(project):
    return {o.kind: o.count for o in periods.recorded_outside(project)}


def test_each_app_counts_what_lies_outside(recorded):
    project = recorded.project
    # Another project's session, participation and time, all before 1 April 2024: never
    # counted for this one.
    other = ActivityFactory()
    SessionFactory(activity=other, starts_at=dt.datetime(2024, 3, 5, 9, tzinfo=STHLM))
    stranger = ParticipationFactory(project=other.project)
    SelfReportedTimeFactory(activity=ActivityFactory(project=other.project, kind="recorded"),
                            participation=stranger, date=dt.date(2024, 3, 5))  # fmt: skip
    assert _kinds(project) == {}
    project.start_date = dt.date(2024, 4, 1)
    assert _kinds(project) == {"participations": 2, "sessions": 1}
    project.start_date, project.end_date = dt.date(2024, 3, 11), dt.date(2024, 4, 30)
    # Both participations start before 11 March; one ends after 30 April (open: no end).
    assert _kinds(project) == {"participations": 2, "sessions": 1, "self_reported_time": 1}
    project.start_date, project.end_date = dt.date(2024, 3, 1), dt.date(2024, 6, 30)
    assert _kinds(project) == {}


def test_the_change_is_saved_warned_about_and_logged(client, recorded, caplog):
    client.force_login(recorded.user)
    url = reverse("project_settings", args=[recorded.project.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    data.update({"start_date": "2024-04-01"})
    for field in ("analysis_start", "analysis_end", "implementation_start"):
        data.pop(field, None)  # phases of the factory project before the new start, if any
    with caplog.at_level(logging.WARNING, logger="digiproj.audit"):
        response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["form"].errors
    recorded.project.refresh_from_db()
    assert recorded.project.start_date == dt.date(2024, 4, 1)
    page = response.content.decode()
    assert "2 deltaganden börjar eller slutar utanför projektets period 2024-04-01–2030-12-31" in (
        page
    )
    assert "1 tillfälle ligger utanför projektets period" in page
    [record] = [r for r in caplog.records if "period changed" in r.getMessage()]
    assert record.getMessage().endswith("participations=2 sessions=1")
    assert "Anna" not in record.getMessage()

    # Another save without a change of period warns of nothing again.
    caplog.clear()
    data.update({"planned_participants": 99})
    with caplog.at_level(logging.WARNING, logger="digiproj.audit"):
        page = client.post(url, data, follow=True).content.decode()
    assert "utanför projektets period" not in page
    assert not [r for r in caplog.records if "period changed" in r.getMessage()]
