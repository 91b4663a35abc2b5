"""The builder for coordinators: lists, DigComp button, parts and questions, reordering,
preview, copying, the locked state; contacts read only; outsiders 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership
from surveys import services
from surveys.models import Question, Round, Section, Survey
from tests.factories import (
    MembershipFactory,
    ProjectFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.project = membership.project
    return client


def test_coordinator_creates_the_digcomp_survey_with_the_button(coordinator_client):
    project = coordinator_client.project
    response = coordinator_client.post(reverse("surveys:digcomp_create", args=[project.pk]))
    survey = Survey.objects.get(project=project)
    assert response["Location"] == reverse("surveys:detail", args=[project.pk, survey.pk])
    html = coordinator_client.get(response["Location"]).content.decode()
    # New surveys use the newest framework unless the coordinator picks another.
    assert survey.digcomp_version == "3.0"
    assert "5. Identifiera och lösa problem" in html
    assert "Motivation och inställning" in html


def test_coordinator_may_create_the_digcomp_2_2_survey(coordinator_client):
    project = coordinator_client.project
    response = coordinator_client.post(
        reverse("surveys:digcomp_create", args=[project.pk]), {"digcomp_version": "2.2"}
    )
    survey = Survey.objects.get(project=project)
    assert survey.digcomp_version == "2.2"
    html = coordinator_client.get(response["Location"]).content.decode()
    assert "5. Problemlösning" in html
    assert "Ramverk: DigComp 2.2." in html


def test_contact_may_list_but_not_create(client):
    membership = MembershipFactory(
        role=Membership.Role.CONTACT, organisation=ProjectFactory().owner
    )
    client.force_login(membership.user)
    project = membership.project
    assert client.get(reverse("surveys:list", args=[project.pk])).status_code == 200
    assert client.post(reverse("surveys:digcomp_create", args=[project.pk])).status_code == 403
    assert not Survey.objects.exists()


def test_other_projects_survey_is_404(coordinator_client):
    other = SurveyFactory()
    url = reverse("surveys:detail", args=[coordinator_client.project.pk, other.pk])
    assert coordinator_client.get(url).status_code == 404
    section = SectionFactory(survey=other)
    url = reverse("surveys:section_move", args=[coordinator_client.project.pk, section.pk])
    assert coordinator_client.post(url, {"direction": "up"}).status_code == 404


def test_add_part_and_choice_question_and_move_it(coordinator_client):
    project = coordinator_client.project
    survey = SurveyFactory(project=project)
    coordinator_client.post(
        reverse("surveys:section_create", args=[project.pk, survey.pk]), {"title_sv": "Om dig"}
    )
    section = Section.objects.get(survey=survey)
    url = reverse("surveys:question_create", args=[project.pk, section.pk])
    response = coordinator_client.post(
        url,
        {
            "kind": "single",
            "text_sv": "Arbetar du hemma?",
            "required": "on",
            "options": "Ja | Yes\nNej",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(section=section)
    assert list(question.options.values_list("value", "label_sv", "label_en")) == [
        (1, "Ja", "Yes"),
        (2, "Nej", ""),
    ]
    second = QuestionFactory(section=section, order=5)
    coordinator_client.post(
        reverse("surveys:question_move", args=[project.pk, second.pk]), {"direction": "up"}
    )
    assert list(section.questions.values_list("pk", flat=True)) == [second.pk, question.pk]


def test_single_choice_question_needs_two_options(coordinator_client):
    project = coordinator_client.project
    section = SectionFactory(survey=SurveyFactory(project=project))
    response = coordinator_client.post(
        reverse("surveys:question_create", args=[project.pk, section.pk]),
        {"kind": "single", "text_sv": "Fråga", "options": "Bara en"},
    )
    assert response.status_code == 200
    assert "Skriv minst två svarsalternativ" in response.content.decode()


def test_locked_survey_explains_and_refuses_edits(coordinator_client, survey_world):
    project = survey_world["project"]
    membership = MembershipFactory(project=project)
    coordinator_client.force_login(membership.user)
    survey = survey_world["survey"]
    Survey.objects.filter(pk=survey.pk).update(locked_at="2025-01-01T00:00:00Z")

    html = coordinator_client.get(
        reverse("surveys:detail", args=[project.pk, survey.pk])
    ).content.decode()
    assert "Enkäten är låst." in html
    assert "Skapa ny version" in html
    response = coordinator_client.post(
        reverse("surveys:question_delete", args=[project.pk, survey_world["comment"].pk]),
        follow=True,
    )
    assert "kan inte ändras" in response.content.decode()
    assert Question.objects.filter(pk=survey_world["comment"].pk).exists()

    coordinator_client.post(reverse("surveys:copy", args=[project.pk, survey.pk]), {"version": "1"})
    assert Survey.objects.filter(title=survey.title, version=2).exists()


def test_preview_renders_every_part(coordinator_client, survey_world):
    project = survey_world["project"]
    membership = MembershipFactory(project=project)
    coordinator_client.force_login(membership.user)
    url = reverse("surveys:preview", args=[project.pk, survey_world["survey"].pk])
    html = coordinator_client.get(url).content.decode()
    assert "Del 1 av 2" in html
    assert "Del 2 av 2" in html
    assert "Hur nöjd är du?" in html
    assert "Visas bara om svaret på ”" in html
    assert "” är: Ja." in html


def test_round_create_and_send_invitations(
    coordinator_client, survey_world, mailoutbox, django_capture_on_commit_callbacks
):
    project = survey_world["project"]
    membership = MembershipFactory(project=project)
    coordinator_client.force_login(membership.user)
    url = reverse("surveys:round_create", args=[project.pk, survey_world["survey"].pk])
    response = coordinator_client.post(
        url,
        {
            "name": "Höst",
            "purpose": "baseline",
            "opens_at": "2025-09-01T08:00",
            "closes_at": "2025-08-01T08:00",
        },
    )
    assert "Stängningsdagen måste komma efter öppningsdagen." in response.content.decode()
    response = coordinator_client.post(
        url,
        {
            "name": "Höst",
            "purpose": "baseline",
            "opens_at": "2025-09-01T08:00",
            "closes_at": "2099-10-01T08:00",
        },
    )
    round_ = Round.objects.get(name="Höst")
    assert response["Location"] == reverse("surveys:round", args=[project.pk, round_.pk])
    send = reverse("surveys:round_send", args=[project.pk, round_.pk])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        asked = coordinator_client.post(send)
    # Mail to many is asked about first, with how many it goes to; nothing is queued yet.
    assert "1 person i målgruppen får en inbjudan med e-post." in asked.content.decode()
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(send, {"confirmed": "1"})
    assert round_.invitations.count() == 1
    assert len(mailoutbox) == 1


def test_reminder_before_the_invitations_were_sent_is_refused_and_nothing_is_queued(
    coordinator_client, survey_world, mailoutbox, django_capture_on_commit_callbacks
):
    project, round_ = survey_world["project"], survey_world["round"]
    coordinator_client.force_login(MembershipFactory(project=project).user)
    url = reverse("surveys:round_send", args=[project.pk, round_.pk])

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = coordinator_client.post(url, {"reminder": "1"}, follow=True)

    assert "Skicka inbjudningarna innan du skickar en påminnelse." in response.content.decode()
    assert queued == []
    round_.refresh_from_db()
    assert round_.reminded_at is None
    assert mailoutbox == []


def test_reminder_says_how_many_it_goes_to_and_sends_only_when_confirmed(
    coordinator_client, survey_world, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    project, round_ = survey_world["project"], survey_world["round"]
    coordinator_client.force_login(MembershipFactory(project=project).user)
    Round.objects.filter(pk=round_.pk).update(invitations_sent_at=timezone.now())
    round_.invitations.update(sent_at=timezone.now())  # sent, not answered
    url = reverse("surveys:round_send", args=[project.pk, round_.pk])

    with django_capture_on_commit_callbacks(execute=True) as queued:
        asked = coordinator_client.post(url, {"reminder": "1"})
    html = asked.content.decode()
    assert "1 person som inte har svarat får en påminnelse med e-post." in html
    assert 'name="reminder" value="1"' in html  # the choice travels with the confirmation
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, {"reminder": "1", "confirmed": "1"})
    assert len(mailoutbox) == 1
    assert round_.invitations.get().reminded_at is not None


@pytest.mark.parametrize("rows", [1, 10])
def test_survey_list_query_count(coordinator_client, django_assert_num_queries, rows):
    project = coordinator_client.project
    for _ in range(rows):
        survey = SurveyFactory(project=project)
        QuestionFactory(section=SectionFactory(survey=survey))
    # 5 base + surveys + rounds
    with django_assert_num_queries(7):
        assert coordinator_client.get(reverse("surveys:list", args=[project.pk])).status_code == 200


def test_digcomp_service_and_copy_are_independent():
    project = ProjectFactory()
    survey = services.digcomp_survey_create(project=project)
    copy = services.survey_copy(survey=survey, new_version=False)
    assert copy.title.startswith("Kopia av")
    assert Question.objects.filter(section__survey=copy).count() == 25


def test_admin_lists_digcomp_and_surveys(admin_client):
    SurveyFactory()
    assert admin_client.get("/admin/surveys/digcompcompetence/").status_code == 200
    assert admin_client.get("/admin/surveys/survey/").status_code == 200


def _answered(question):
    from django.utils import timezone

    from surveys.models import Answer, Response
    from tests.factories import RoundFactory

    round_ = RoundFactory(survey=question.section.survey)
    response = Response.objects.create(
        round=round_, status=Response.Status.SUBMITTED, submitted_at=timezone.now()
    )
    Answer.objects.create(response=response, question=question, value_int=1)


def test_question_with_answers_is_not_deleted_and_says_why(coordinator_client):
    """Answers in a survey that is not (yet) locked, e.g. the demo's or bulk-written ones,
    answered a 500 (the answer protects its question)."""
    section = SectionFactory(survey=SurveyFactory(project=coordinator_client.project))
    question = QuestionFactory(section=section, kind=Question.Kind.SINGLE, options=["Ja", "Nej"])
    _answered(question)
    url = reverse("surveys:question_delete", args=[coordinator_client.project.pk, question.pk])
    response = coordinator_client.post(url, follow=True)
    assert response.status_code == 200
    assert "Frågan har redan svar och kan inte tas bort" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_section_with_answers_is_not_deleted_and_says_why(coordinator_client):
    section = SectionFactory(survey=SurveyFactory(project=coordinator_client.project))
    question = QuestionFactory(section=section, kind=Question.Kind.SINGLE, options=["Ja", "Nej"])
    _answered(question)
    url = reverse("surveys:section_delete", args=[coordinator_client.project.pk, section.pk])
    response = coordinator_client.post(url, follow=True)
    assert response.status_code == 200
    assert "Frågan har redan svar och kan inte tas bort" in response.content.decode()
    assert Section.objects.filter(pk=section.pk).exists()


def test_section_with_a_condition_inside_it_is_deleted(coordinator_client):
    """A question shown on another question's answer in the same part protected it: deleting
    the part answered a 500."""
    section = SectionFactory(survey=SurveyFactory(project=coordinator_client.project))
    gate = QuestionFactory(section=section, kind=Question.Kind.SINGLE, options=["Ja", "Nej"])
    QuestionFactory(section=section, show_if_question=gate, show_if_values=[1])
    url = reverse("surveys:section_delete", args=[coordinator_client.project.pk, section.pk])
    response = coordinator_client.post(url, follow=True)
    assert response.status_code == 200
    assert not Section.objects.filter(pk=section.pk).exists()
    assert not Question.objects.filter(section_id=section.pk).exists()
