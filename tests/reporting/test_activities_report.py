"""Aktiviteter report on known sessions, attendance and self-reported time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from activities.models import Activity, Attendance, Enrolment, SelfReportedTime
from tests.factories import ActivityFactory, SessionFactory
from tests.reporting.conftest import run_report

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _at(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)


@pytest.fixture
def sessions(small_project):
    """Workshop: two sessions in the period (one outside). P1 (K) present 120 min at the first
    and 90 of 120 at the second; P2 (M) present 120 at the first; P6 (K, south) absent.
    Recorded material: P1 reports 45 approved minutes, and 30 still pending (not counted)."""
    p = small_project["p"]
    workshop = ActivityFactory(
        project=small_project["project"], kind=Activity.Kind.WORKSHOP, title="Säker e-post"
    )
    first = SessionFactory(
        activity=workshop,
        starts_at=_at(dt.date(2024, 2, 5), 9),
        ends_at=_at(dt.date(2024, 2, 5), 11),
    )
    second = SessionFactory(
        activity=workshop,
        starts_at=_at(dt.date(2024, 3, 5), 9),
        ends_at=_at(dt.date(2024, 3, 5), 11),
    )
    SessionFactory(
        activity=workshop,
        starts_at=_at(dt.date(2024, 8, 5), 9),
        ends_at=_at(dt.date(2024, 8, 5), 11),
    )
    now = dt.datetime(2024, 3, 6, tzinfo=STOCKHOLM)
    for session, person, minutes, present in (
        (first, "P1", 120, True),
        (second, "P1", 90, True),
        (first, "P2", 120, True),
        (first, "P6", 0, False),
    ):
        Enrolment.objects.create(
            session=session, participation=p[person], status=Enrolment.Status.ENROLLED
        )
        Attendance.objects.create(
            session=session,
            participation=p[person],
            present=present,
            minutes=minutes,
            marked_at=now,
        )
    recorded = ActivityFactory(
        project=small_project["project"], kind=Activity.Kind.RECORDED, title="Film om lösenord"
    )
    SelfReportedTime.objects.create(
        activity=recorded,
        participation=p["P1"],
        date=dt.date(2024, 4, 2),
        minutes=45,
        status=SelfReportedTime.Status.APPROVED,
    )
    SelfReportedTime.objects.create(
        activity=recorded,
        participation=p["P1"],
        date=dt.date(2024, 4, 3),
        minutes=30,
        status=SelfReportedTime.Status.PENDING,
    )
    return small_project


def _rows(world, user="coordinator"):
    sheets = run_report(world, "aktiviteter", user=user)
    return {t: sheets[t] for t in ("Per typ", "Per aktivitet")}


def test_per_activity_figures(sessions):
    rows = _rows(sessions)["Per aktivitet"]
    header, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    workshop = body["Säker e-post"]
    assert workshop["Tillfällen"] == 2
    assert workshop["Anmälda"] == 3  # P1, P2, P6
    assert (
        workshop["Närvarande kvinnor"],
        workshop["Närvarande män"],
        workshop["Närvarande totalt"],
    ) == (1, 1, 2)
    # K: 120 + 90 = 210 min = 3.5 h; M: 120 min = 2 h
    assert (workshop["Timmar kvinnor"], workshop["Timmar män"], workshop["Timmar totalt"]) == (
        3.5,
        2,
        5.5,
    )
    film = body["Film om lösenord"]
    assert (film["Tillfällen"], film["Timmar kvinnor"], film["Timmar totalt"]) == (0, 0.75, 0.75)
    assert "Närvarande icke-binära" not in header  # 2014–2020 project


def test_per_type_figures(sessions):
    rows = _rows(sessions)["Per typ"]
    body = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert body["Workshop"]["Aktiviteter"] == 1
    assert body["Workshop"]["Timmar totalt"] == 5.5
    assert body["Inspelat material"]["Timmar totalt"] == 0.75


def test_contact_counts_only_own_organisation(sessions):
    body = {r[0]: r for r in _rows(sessions, user="contact")["Per aktivitet"][1:]}
    # Only P6 (south) is in scope: enrolled, but absent.
    workshop = dict(
        zip(_rows(sessions, user="contact")["Per aktivitet"][0], body["Säker e-post"], strict=True)
    )
    assert (workshop["Anmälda"], workshop["Närvarande totalt"], workshop["Timmar totalt"]) == (
        1,
        0,
        0,
    )


def test_activities_page_figures_link_to_their_people(client, sessions):
    import re
    from decimal import Decimal

    from django.urls import reverse

    from tests.reporting.conftest import PERIOD

    client.force_login(sessions["coordinator"])
    url = reverse("reporting:activities", args=[sessions["project"].pk])
    html = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]}).content.decode()
    links = re.findall(r'<td class="num"><a href="([^"]+)">([\d,.\xa0]+)</a></td>', html)
    assert len(links) == 4 * 8  # 2 types + 2 activities: sessions, enrolled, present and hours
    for href, figure in links:
        response = client.get(href.replace("&amp;", "&"))
        shown = Decimal(figure.replace("\xa0", "").replace(",", "."))  # Swedish number format
        if "/tillfallen/" in href:
            assert len(response.context["sessions"]) == shown, href
            continue
        rows = response.context["rows"]
        if "present=1" in href or "enrolled=1" in href:
            assert len(rows) == shown, href
        else:
            hours = (Decimal(sum(r.minutes for r in rows)) / 60).quantize(Decimal("0.01"))
            assert hours == shown, href


def test_activities_page_for_a_contact_counts_their_organisation(client, sessions):
    from django.urls import reverse

    from tests.reporting.conftest import PERIOD

    client.force_login(sessions["contact"])
    response = client.get(
        reverse("reporting:activities", args=[sessions["project"].pk]),
        {"period_start": PERIOD[0], "period_end": PERIOD[1]},
    )
    workshop = next(
        r.figures for r in response.context["per_activity"] if r.figures.title == "Säker e-post"
    )
    assert (workshop.enrolled, workshop.present["total"]) == (1, 0)
