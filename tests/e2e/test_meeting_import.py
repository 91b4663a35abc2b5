"""A coordinator uploads the Teams attendance report of yesterday's session, maps the one name
the report gives without an address, confirms, and sees the minutes on the attendance page and
in the month's hours. axe finds nothing on the upload and preview pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.models import Attendance, MeetingNameMapping
from tests.activities.meeting_samples import InMeeting, teams_report, yesterday_at
from tests.e2e.helpers import axe_violations, login
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectOrganisationFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-Passw0rd"


@pytest.fixture
def setup(db):
    coordinator = MembershipFactory(user__first_name="Karin").user
    project = coordinator.memberships.get().project
    org = OrganisationFactory(name="Umeå kommun")
    ProjectOrganisationFactory(project=project, organisation=org)
    activity = ActivityFactory(project=project, title="Digitala möten i vardagen")
    session = SessionFactory(activity=activity, starts_at=yesterday_at(9), ends_at=yesterday_at(11))
    anna = ParticipationFactory(
        project=project,
        organisation=org,
        first_name="Anna",
        last_name="Andersson",
        email="anna.andersson@umea.test",
    )
    sara = ParticipationFactory(
        project=project, organisation=org, first_name="Sara", last_name="Svensson"
    )
    for participation in (anna, sara):
        EnrolmentFactory(session=session, participation=participation)
    return {"coordinator": coordinator, "project": project, "session": session, "sara": sara}


def test_meeting_import_journey(setup, live_server, page: Page, tmp_path: Path):
    project, session = setup["project"], setup["session"]
    report = tmp_path / "Närvarorapport.csv"
    report.write_bytes(
        teams_report(
            timezone.localtime(session.starts_at).date(),
            [
                # 09:05–10:35: 90 minutes.
                InMeeting(
                    "Anna Andersson", "anna.andersson@umea.test", stays=(("09:05", "10:35"),)
                ),
                # 09:00–09:50 and 10:00–11:00 (joined from a phone): 50 + 60 = 110 minutes.
                InMeeting("Sara i telefonen", stays=(("09:00", "09:50"), ("10:00", "11:00"))),
                InMeeting("Karin Lärare", role="Organizer"),
            ],
        )
    )
    login(page, live_server.url, setup["coordinator"].email, PASSWORD)
    page.goto(f"{live_server.url}/p/{project.pk}/aktiviteter/tillfalle/{session.pk}/narvaro/")
    page.get_by_role("link", name="Hämta närvaro från Teams eller Zoom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hämta närvaro från Teams eller Zoom")
    assert axe_violations(page) == []

    page.get_by_label("Närvarorapport").set_input_files(report)
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska närvaro från mötesrapporten")
    expect(page.get_by_role("row", name="Anna Andersson")).to_contain_text("90")
    expect(page.get_by_role("row", name="Karin Lärare")).to_contain_text("personal, räknas inte")
    page.set_viewport_size({"width": 320, "height": 800})
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # Keyboard only: the unknown name's select, then the save button.
    select = page.get_by_label("Vem är Sara i telefonen?")
    select.focus()
    select.select_option(label="Sara Svensson (Umeå kommun)")
    page.get_by_role("button", name="Spara närvaron").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Närvaron från mötesrapporten är sparad")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Närvaro")
    assert sorted(Attendance.objects.values_list("minutes", flat=True)) == [90, 110]
    assert MeetingNameMapping.objects.get().participation_id == setup["sara"].pk
    expect(page.get_by_label("Minuter Sara Svensson")).to_have_value("110")
    expect(page.get_by_label("Minuter Anna Andersson")).to_have_value("90")

    month = timezone.localtime(session.starts_at).strftime("%Y-%m")
    page.goto(f"{live_server.url}/p/{project.pk}/aktiviteter/timmar/?month={month}")
    expect(page.get_by_role("row", name="Svensson, Sara")).to_contain_text("110")
    expect(page.get_by_role("row", name="Andersson, Anna")).to_contain_text("90")
