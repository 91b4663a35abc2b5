"""Utträdesenkät in the browser: a coordinator turns the exit questionnaire on, sees what
was sent and the results by gender on the exit page and the round's results page, and a
participant declines more surveys from the link; every page passes axe-core, on a desktop
and at 320 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.personnummer import Gender
from surveys import services
from surveys.models import ExitDispatch, ExitOptOut, ExitSurveySettings, Round
from tests.e2e.helpers import axe_violations, login
from tests.factories import MembershipFactory, ProjectFactory
from tests.surveys.exit_world import answer, ended

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "secret-Passw0rd"


def test_coordinator_turns_exit_surveys_on_and_reads_the_results(live_server, page: Page):
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    project = ProjectFactory(
        start_date=today - year, end_date=today + year, survey_anonymity_threshold=2
    )
    coordinator = MembershipFactory(project=project).user
    start = today - dt.timedelta(days=60)
    women = [ended(project, end=today, start_date=start) for _ in range(3)]
    men = [ended(project, end=today, start_date=start, gender=Gender.MAN) for _ in range(2)]

    login(page, live_server.url, coordinator.email, PASSWORD)
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    page.goto(live_server.url + reverse("surveys:list", args=[project.pk]))
    page.get_by_role("link", name="Utträdesenkät och uppföljning efter projektet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utträdesenkät och uppföljning")
    assert axe_violations(page) == []

    page.get_by_label("skicka utträdesenkät").check()
    page.get_by_label("dagar efter slutdatum").fill("0")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Inställningarna för utträdesenkäten är sparade.")).to_be_visible()
    assert ExitSurveySettings.objects.get(project=project).enabled

    # The hourly beat task's run, then answers: Ja from 2 of 3 women and 1 of 2 men.
    assert services.exit_surveys_send_due()["sent"] == 5
    for participation, yes in [(women[0], True), (women[1], True), (women[2], False)]:
        answer(
            ExitDispatch.objects.get(participation=participation), {"STALLNING"} if yes else set()
        )
    answer(ExitDispatch.objects.get(participation=men[0]), {"STALLNING"})
    answer(ExitDispatch.objects.get(participation=men[1]), set())

    page.reload()
    table = page.get_by_role("table", name="Utträdesenkät: andel som svarat ja, per kön")
    row = table.get_by_role("row", name="Förbättrad ställning på arbetsmarknaden")
    expect(row).to_contain_text("66,7 % (2 av 3)")
    expect(row).to_contain_text("50,0 % (1 av 2)")
    expect(row).to_contain_text("60,0 % (3 av 5)")
    assert axe_violations(page) == []

    round_ = Round.objects.get(survey__project=project, purpose=Round.Purpose.EXIT)
    page.goto(live_server.url + reverse("surveys:results", args=[project.pk, round_.pk]))
    expect(page.get_by_role("heading", name="Resultat efter utträde")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert axe_violations(page) == []
    page.goto(live_server.url + reverse("surveys:exit", args=[project.pk]))
    assert axe_violations(page) == []


def test_a_participant_declines_more_surveys(live_server, page: Page):
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    project = ProjectFactory(start_date=today - year, end_date=today + year)
    services.exit_settings_save(
        project=project, enabled=True, follow_up_enabled=True, exit_days=0, follow_up_months=6
    )
    participation = ended(project, end=today, start_date=today - dt.timedelta(days=30))
    services.exit_surveys_send_due()
    token = services.invitation_token(ExitDispatch.objects.get().invitation)

    page.goto(live_server.url + reverse("surveys:answer", args=[project.pk, token]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Jag vill inte få fler enkäter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inga fler enkäter")
    assert axe_violations(page) == []
    assert ExitOptOut.objects.filter(project=project, person=participation.person).exists()
