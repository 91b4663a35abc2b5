"""Filling in through the personal link: pages, progress, drafts, resuming, required answers
tied to fields, conditions, closed rounds, used links and double submits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("surveys:answer", args=[world["project"].pk, world["token"]])


def test_unknown_token_is_404(client, survey_world):
    url = reverse("surveys:answer", args=[survey_world["project"].pk, "x" * 43])
    assert client.get(url).status_code == 404


def test_token_of_another_project_is_404(client, survey_world):
    url = reverse("surveys:answer", args=[survey_world["project"].pk + 1, survey_world["token"]])
    assert client.get(url).status_code == 404


def test_first_page_shows_progress_and_fieldset(client, survey_world):
    html = client.get(_url(survey_world)).content.decode()
    assert "Del 1 av 2" in html
    assert "<fieldset" in html
    assert "<legend>" in html
    assert 'type="radio"' in html


def test_required_answer_error_is_tied_to_the_field(client, survey_world):
    response = client.post(_url(survey_world), {"del": "1", "action": "next"})
    html = response.content.decode()
    gate = survey_world["gate"].pk
    assert response.status_code == 200
    assert "Svara på frågan. Den är obligatorisk." in html
    assert f'id="id_q{gate}_error"' in html
    assert f'aria-describedby="id_q{gate}_error"' in html or f'id_q{gate}_error"' in html
    assert not Response.objects.exists()


def test_pages_are_saved_and_resumed_from_the_link(client, survey_world):
    url = _url(survey_world)
    gate = survey_world["gate"].pk
    response = client.post(url, {"del": "1", "action": "next", f"q{gate}": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("?del=2")

    # Leaving and coming back with the bare link lands on the unfinished page.
    html = client.get(url).content.decode()
    assert "Del 2 av 2" in html
    assert "Hur nöjd är du?" in html  # the condition on page 1's "Ja" shows it

    html = client.get(url + "?del=1").content.decode()
    assert re.search(rf'<input type="radio" name="q{gate}" value="1"[^>]*checked', html)
    assert not re.search(rf'<input type="radio" name="q{gate}" value="2"[^>]*checked', html)


def test_condition_hides_question_when_answer_does_not_match(client, survey_world):
    url = _url(survey_world)
    gate = survey_world["gate"].pk
    client.post(url, {"del": "1", "action": "next", f"q{gate}": "2"})
    html = client.get(url + "?del=2").content.decode()
    assert "Hur nöjd är du?" not in html
    assert "Hur många timmar?" in html


def test_full_flow_submits_once_and_double_click_gets_a_message(client, survey_world):
    url = _url(survey_world)
    w = survey_world
    client.post(url, {"del": "1", "action": "next", f"q{w['gate'].pk}": "1"})
    data = {
        "del": "2",
        "action": "submit",
        f"q{w['follow'].pk}": "4",
        f"q{w['number'].pk}": "12,5",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, follow=True)

    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 1
    html = second.content.decode()
    assert "Dina svar är redan inskickade" in html
    assert "Tack för dina svar!" in html
    answer = Response.objects.get().answers.get(question=w["number"])
    assert str(answer.value_number) == "12.50"


def test_used_link_shows_thank_you_not_the_form(client, survey_world):
    inv = survey_world["invitation"]
    inv.used_at = timezone.now()
    inv.save()
    html = client.get(_url(survey_world)).content.decode()
    assert "Tack för dina svar!" in html
    assert '<form method="post" action' not in html


def test_closed_round_gets_a_clear_swedish_message(client, survey_world):
    round_ = survey_world["round"]
    round_.opens_at = timezone.now() - dt.timedelta(days=10)
    round_.closes_at = timezone.now() - dt.timedelta(days=1)
    round_.save()
    html = client.get(_url(survey_world)).content.decode()
    assert "stängde" in html
    assert "tar inte emot fler svar" in html
    response = client.post(_url(survey_world), {"del": "1", "f": "x"})
    assert "tar inte emot fler svar" in response.content.decode()
    assert not Response.objects.exists()


def test_not_yet_open_round_says_when_it_opens(client, survey_world):
    round_ = survey_world["round"]
    round_.opens_at = timezone.now() + dt.timedelta(days=1)
    round_.closes_at = timezone.now() + dt.timedelta(days=10)
    round_.save()
    assert "Enkäten öppnar" in client.get(_url(survey_world)).content.decode()


def test_participant_answers_logged_in_and_others_get_404(client, survey_world):
    participation = survey_world["participation"]
    participation.user = UserFactory()
    participation.save()
    client.force_login(participation.user)
    project = survey_world["project"]
    mine = reverse("surveys:mine", args=[project.pk])
    assert "Svara" in client.get(mine).content.decode()
    url = reverse("surveys:answer_own", args=[project.pk, survey_world["invitation"].pk])
    assert "Del 1 av 2" in client.get(url).content.decode()

    other = UserFactory()
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_question_help_text_option_and_condition_are_escaped_on_link_and_preview(
    client, survey_world
):
    from surveys.models import Question, QuestionOption
    from tests.factories import MembershipFactory

    payload = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
    gate = survey_world["gate"]
    Question.objects.filter(pk=gate.pk).update(text_sv=payload, help_sv=payload)
    QuestionOption.objects.filter(question=gate).update(label_sv=payload)
    html = client.get(_url(survey_world)).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    coordinator = MembershipFactory(project=survey_world["project"]).user
    client.force_login(coordinator)
    preview = reverse(
        "surveys:preview", args=[survey_world["project"].pk, survey_world["survey"].pk]
    )
    html = client.get(preview).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
