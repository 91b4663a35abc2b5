"""A participant answers the DigComp self-assessment on a phone through the invitation link,
leaves halfway, comes back, finishes and sees the profile; the coordinator's pages pass axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from surveys import services
from surveys.models import Response, Round
from tests.conftest import load_digcomp_frameworks
from tests.e2e.helpers import axe_violations, login
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def invited():
    # Transactional tests flush the tables, data migrations included: load DigComp again.
    load_digcomp_frameworks()
    project = ProjectFactory()
    # The flow below reads 2.2's names; 3.0's self-assessment is the same flow.
    survey = services.digcomp_survey_create(project=project, version="2.2")
    round_ = RoundFactory(survey=survey, name="Nulägesmätning", purpose=Round.Purpose.BASELINE)
    participation = ParticipationFactory(project=project)
    services.round_invitations_create(round_=round_)
    invitation = round_.invitations.get()
    url = reverse("surveys:answer", args=[project.pk, services.invitation_token(invitation)])
    return {"project": project, "survey": survey, "round": round_, "url": url, "p": participation}


def _answer_page(page: Page, level: int) -> None:
    groups = page.locator("fieldset")
    for i in range(groups.count()):
        radios = groups.nth(i).get_by_role("radio")
        radios.nth(min(level, radios.count() - 1)).check()


def test_participant_answers_over_several_pages_resumes_and_sees_profile(
    live_server, page: Page, invited
):
    page.set_viewport_size(PHONE)
    link = f"{live_server.url}{invited['url']}"
    page.goto(link)
    expect(page.get_by_text("Del 1 av 6")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Informations- och datakunskap")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    # Skipping a required question: the error is shown with the question, focus on summary.
    page.get_by_role("button", name="Spara och fortsätt").click()
    expect(page.get_by_role("alert")).to_contain_text("Några frågor behöver svar")
    assert axe_violations(page) == []

    for expected in ("Del 2 av 6", "Del 3 av 6"):
        _answer_page(page, 3)
        page.get_by_role("button", name="Spara och fortsätt").click()
        expect(page.get_by_text(expected)).to_be_visible()

    # Leave halfway and come back with the same link: we are where we left off.
    page.goto("about:blank")
    page.goto(link)
    expect(page.get_by_text("Del 3 av 6")).to_be_visible()
    assert axe_violations(page) == []

    for expected in ("Del 4 av 6", "Del 5 av 6", "Del 6 av 6"):
        _answer_page(page, 5)
        page.get_by_role("button", name="Spara och fortsätt").click()
        expect(page.get_by_text(expected)).to_be_visible()
    _answer_page(page, 4)
    page.get_by_role("button", name="Skicka in svaren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    expect(page.get_by_role("table", name="Din nivå per område (1–8)")).to_be_visible()
    expect(page.get_by_role("row", name="1. Informations- och datakunskap 4,0")).to_be_visible()
    expect(page.get_by_role("row", name="4. Säkerhet 6,0")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 1


def test_coordinator_pages_pass_axe(live_server, page: Page, invited):
    membership = MembershipFactory(project=invited["project"])
    membership.user.set_password("secret-Passw0rd")
    membership.user.save()
    login(page, live_server.url, membership.user.email, "secret-Passw0rd")
    project, survey, round_ = invited["project"], invited["survey"], invited["round"]
    section = survey.sections.first()
    pages = [
        reverse("surveys:list", args=[project.pk]),
        reverse("surveys:create", args=[project.pk]),
        reverse("surveys:edit", args=[project.pk, survey.pk]),
        reverse("surveys:section_create", args=[project.pk, survey.pk]),
        reverse("surveys:section_edit", args=[project.pk, section.pk]),
        reverse("surveys:question_edit", args=[project.pk, section.questions.first().pk]),
        reverse("surveys:detail", args=[project.pk, survey.pk]),
        reverse("surveys:preview", args=[project.pk, survey.pk]),
        reverse("surveys:question_create", args=[project.pk, section.pk]),
        reverse("surveys:round_create", args=[project.pk, survey.pk]),
        reverse("surveys:round", args=[project.pk, round_.pk]),
        reverse("surveys:results", args=[project.pk, round_.pk]),
    ]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe_violations(page) == [], path

    # The results page folds its groups away: opened by keyboard, they pass axe as well.
    page.goto(f"{live_server.url}{reverse('surveys:results', args=[project.pk, round_.pk])}")
    summaries = page.locator("details > summary")
    for index in range(summaries.count()):
        summaries.nth(index).focus()
        page.keyboard.press("Enter")
    assert page.locator("details[open]").count() == summaries.count() > 0
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}{reverse('surveys:round', args=[project.pk, round_.pk])}")
    page.get_by_role("button", name="Exportera svar till Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export av svar")
    expect(page.get_by_role("link", name="Ladda ner Excel-filen")).to_be_visible()
    assert axe_violations(page) == []


def test_logged_in_participant_pages_and_closed_round_pass_axe(live_server, page: Page, invited):
    participation = invited["p"]
    user = UserFactory()
    participation.user = user
    participation.save()
    login(page, live_server.url, user.email, "secret-Passw0rd")
    page.goto(f"{live_server.url}{reverse('surveys:mine', args=[invited['project'].pk])}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina enkäter")
    assert axe_violations(page) == []

    Round.objects.filter(pk=invited["round"].pk).update(
        opens_at=timezone.now() - dt.timedelta(days=9),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    page.goto(f"{live_server.url}{invited['url']}")
    expect(page.get_by_text("tar inte emot fler svar")).to_be_visible()
    assert axe_violations(page) == []


def test_answer_page_fits_a_320_px_screen(live_server, page: Page, invited):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}{invited['url']}")
    expect(page.get_by_text("Del 1 av 6")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
