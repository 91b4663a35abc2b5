"""Session lists show dates the Swedish way ("tis 8 dec 09:00"), in Stockholm time, with the
year only when it is not this year's; English readers get "Tue 8 Dec"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from digiproj.projects.templatetags.dates import short_date, short_datetime
from tests.factories import ActivityFactory, MembershipFactory, SessionFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@freeze_time("2026-12-02 12:00:00")
def test_short_date_in_swedish_and_english():
    with translation.override("sv"):
        assert short_date(dt.date(2026, 12, 8)) == "tis 8 dec"
        assert short_date(dt.date(2026, 5, 1)) == "fre 1 maj"
        assert short_date(dt.date(2027, 3, 2)) == "tis 2 mar 2027"
    with translation.override("en"):
        assert short_date(dt.date(2026, 12, 8)) == "Tue 8 Dec"
        assert short_date(dt.date(2027, 3, 2)) == "Tue 2 Mar 2027"
    assert short_date(None) == ""


@freeze_time("2026-12-02 12:00:00")
def test_short_datetime_is_the_stockholm_day_not_the_utc_day():
    # 00:30 in Stockholm on Wednesday 9 December is 23:30 UTC on Tuesday 8 December.
    start = dt.datetime(2026, 12, 8, 23, 30, tzinfo=dt.UTC)
    with translation.override("sv"):
        assert short_datetime(start) == "ons 9 dec 00:30"
    # Summer time: 07:15 UTC on 30 June is 09:15 in Stockholm.
    with translation.override("sv"):
        assert short_datetime(dt.datetime(2027, 6, 30, 7, 15, tzinfo=dt.UTC)) == (
            "ons 30 jun 2027 09:15"
        )


@pytest.mark.django_db
@freeze_time("2026-12-02 12:00:00")
def test_calendar_list_and_activity_page_show_short_swedish_dates(client):
    membership = MembershipFactory()
    project = membership.project
    activity = ActivityFactory(project=project)
    SessionFactory(
        activity=activity,
        starts_at=dt.datetime(2026, 12, 8, 9, 0, tzinfo=STOCKHOLM),
        ends_at=dt.datetime(2026, 12, 8, 12, 0, tzinfo=STOCKHOLM),
    )
    client.force_login(membership.user)
    for name, args, query in (
        ("calendar", [], "?visa=lista"),
        ("detail", [activity.pk], ""),
        ("list", [], ""),
    ):
        url = reverse(f"activities:{name}", args=[project.pk, *args]) + query
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        assert "tis 8 dec 09:00" in body, url
        assert "2026-12-08 09:00" not in body, url
