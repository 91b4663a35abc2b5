"""Coordinator schedules an activity, enrols a group, marks attendance on a tablet; the
participant sees it under Mina aktiviteter and downloads the iCal file. axe finds nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Attendance, Enrolment, Session
from tests.e2e.helpers import axe_violations, login
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-Passw0rd"


@pytest.fixture
def setup(db):
    coordinator = MembershipFactory(user__first_name="Karin").user
    project = coordinator.memberships.get().project
    org = OrganisationFactory(name="Umeå kommun")
    ProjectOrganisationFactory(project=project, organisation=org)
    participant_user = UserFactory(first_name="Sara")
    people = [ParticipationFactory(project=project, organisation=org) for _ in range(3)]
    people[0].user = participant_user
    people[0].save()
    return {
        "coordinator": coordinator,
        "project": project,
        "people": people,
        "participant": participant_user,
    }


def _local(days: int, hour: int) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_activity_journey(setup, live_server, page: Page, tmp_path: Path):
    project = setup["project"]
    login(page, live_server.url, setup["coordinator"].email, PASSWORD)
    page.goto(f"{live_server.url}/p/{project.pk}/aktiviteter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktiviteter")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Ny aktivitet").click()
    page.locator("#id_kind").select_option("workshop")
    page.locator("#id_title").fill("Digitala möten i vardagen")
    page.get_by_label("2 Kommunikation och samarbete").check()
    page.get_by_label("Målgrupp").fill("Administrativ personal")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara aktiviteten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digitala möten i vardagen")

    for days in (10, 17):
        page.get_by_role("link", name="Nytt tillfälle").click()
        page.locator("#id_starts_at").fill(_local(days, 9))
        page.locator("#id_ends_at").fill(_local(days, 11))
        page.locator("#id_place").fill("Stadshuset, sal 2")
        page.get_by_label("Antal platser").fill("20")
        if days == 10:
            assert axe_violations(page) == []
        page.get_by_role("button", name="Spara tillfället").click()
        expect(page.get_by_text("Tillfället är skapat.")).to_be_visible()
        page.get_by_role("button", name="Anmäl gruppen").click()
        # The question first, on its own page: who gets a seat, nothing done yet.
        expect(page.get_by_role("heading", level=1)).to_contain_text("Anmäla gruppen till")
        expect(page.get_by_text("3 anmäls till tillfället.")).to_be_visible()
        if days == 10:
            assert axe_violations(page) == []
            assert Enrolment.objects.count() == 0
        page.get_by_role("button", name="Anmäl gruppen").click()
        expect(page.get_by_text("3 anmälda")).to_be_visible()
        if days == 10:
            assert axe_violations(page) == []
            session_url = page.url
        page.goto(f"{live_server.url}/p/{project.pk}/aktiviteter/")
        page.get_by_role("link", name="Digitala möten i vardagen").click()

    assert Enrolment.objects.filter(status="enrolled").count() == 6  # 3 people, 2 sessions

    # Attendance waits until the session has begun; then it is held (moved to yesterday
    # morning here, as if the days had passed) and the list opens.
    page.goto(session_url + "narvaro/")
    expect(page.get_by_text("Tillfället har inte börjat än.")).to_be_visible()
    held_at = dt.datetime.fromisoformat(_local(-1, 9)).replace(
        tzinfo=timezone.get_current_timezone()
    )
    Session.objects.filter(pk=int(session_url.rstrip("/").split("/")[-1])).update(
        starts_at=held_at, ends_at=held_at + dt.timedelta(hours=2)
    )

    # Attendance on a tablet: every person marked explicitly, one partial.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(session_url + "narvaro/")
    rows = page.locator(".attendance__row")
    expect(rows).to_have_count(3)
    rows.nth(0).get_by_label("Närvarande").check()
    rows.nth(1).get_by_label("Närvarande").check()
    rows.nth(1).get_by_role("spinbutton").fill("60")
    rows.nth(2).get_by_label("Frånvarande").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara närvaron").click()
    expect(page.get_by_text("Närvaron är sparad")).to_be_visible()
    assert sorted(Attendance.objects.values_list("minutes", flat=True)) == [0, 60, 120]
    assert axe_violations(page) == []

    page.get_by_role("button", name="Logga ut").click()
    login(page, live_server.url, setup["participant"].email, PASSWORD)
    page.get_by_role("link", name="Mina aktiviteter").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina aktiviteter")
    expect(page.get_by_role("heading", name="Digitala möten i vardagen")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Kalenderfil (.ics)").first.click()
    path = tmp_path / "tillfalle.ics"
    info.value.save_as(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == "Digitala möten i vardagen"
    start = event.decoded("dtstart").astimezone(timezone.get_current_timezone())
    assert (start.hour, start.minute) == (9, 0)
    assert str(event["location"]) == "Stadshuset, sal 2"


def test_other_activity_pages_have_no_axe_violations(setup, live_server, page: Page):
    from tests.factories import (
        ActivityFactory,
        AttendanceFactory,
        EnrolmentFactory,
        SelfReportedTimeFactory,
        SessionFactory,
    )

    project, own = setup["project"], setup["people"][0]
    activity = ActivityFactory(project=project, title="Säker e-post")
    # Held last month: a certificate is signed only for a month that is over.
    held = SessionFactory(
        activity=activity, starts_at=timezone.now().replace(day=1) - dt.timedelta(days=3)
    )
    upcoming = SessionFactory(activity=activity)
    EnrolmentFactory(session=held, participation=own)
    EnrolmentFactory(session=upcoming, participation=own)
    AttendanceFactory(session=held, participation=own, minutes=90)
    SelfReportedTimeFactory(
        activity=ActivityFactory(project=project, kind="recorded"),
        participation=own,
        date=timezone.localdate(),
        status="pending",
    )
    month = timezone.localtime(held.starts_at).date().replace(day=1)
    base = f"{live_server.url}/p/{project.pk}/aktiviteter"

    login(page, live_server.url, setup["coordinator"].email, PASSWORD)
    for path in (
        f"/{activity.pk}/",
        f"/{activity.pk}/andra/",
        f"/tillfalle/{held.pk}/andra/",
        "/kalender/",
        f"/kalender/?vecka={timezone.localtime(upcoming.starts_at).date().isoformat()}",
        "/kalender/?visa=lista",
        "/tid/",
        "/timmar/",
        f"/tillfalle/{held.pk}/narvaro/utskrift/",
        f"/intyg/{own.pk}/{month.year}/{month.month}/",
    ):
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe_violations(page) == [], path
    page.get_by_role("button", name="Logga ut").click()

    login(page, live_server.url, setup["participant"].email, PASSWORD)
    page.goto(f"{base}/intyg/{own.pk}/{month.year}/{month.month}/")
    page.get_by_role("button", name="Skriv under").click()
    expect(page.get_by_text("Du har skrivit under")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Närmaste chefens e-postadress").fill("chef@example.test")
    page.get_by_role("button", name="Skicka länk och kod till chefen").click()
    expect(page.get_by_text("Chefen har fått två mejl")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()

    from activities.models import Certificate

    cert = Certificate.objects.get()
    page.goto(f"{live_server.url}/intyg/signera/{cert.manager_token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Närvarorapport")
    assert axe_violations(page) == []
    page.get_by_label("Ditt namn").fill("Chef Chefsson")
    page.get_by_label("Engångskod från e-postmeddelandet").fill("000000")
    page.get_by_role("button", name="Skriv under som närmaste chef").click()
    expect(page.locator(".field-error").get_by_text("Fel kod")).to_be_visible()
    assert axe_violations(page) == []  # the error state too
