"""Exit questionnaire and follow-up after exit: who is sent what when (once), who is
skipped and why, and the results by gender with figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail as outbox
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from digiproj.mail.models import SentMail
from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from participants import services as participant_services
from participants.models import Participation
from participants.personnummer import Gender
from surveys import selectors, services
from surveys.exit_questions import BY_KEY, INDICATORS
from surveys.models import (
    ExitDispatch,
    ExitKind,
    ExitOptOut,
    Invitation,
    Question,
    Round,
)
from surveys.tasks import exit_surveys_send_due_task
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
)
from tests.surveys.exit_world import NOW, TODAY, answer, coordinator, enable, ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(exit_project):
    return exit_project


# --- settings and the shipped surveys -------------------------------------------------------


def test_turning_on_ships_both_surveys_with_the_indicator_questions(project):
    settings = enable(project)

    assert settings.enabled_at is not None
    for kind, survey in (
        (ExitKind.EXIT, settings.exit_survey),
        (ExitKind.FOLLOW_UP, settings.follow_up_survey),
    ):
        codes = set(Question.objects.filter(section__survey=survey).values_list("code", flat=True))
        assert {i.code(kind) for i in INDICATORS} <= codes
    stallning = Question.objects.get(section__survey=settings.exit_survey, code="UT_STALLNING")
    assert "förbättrad ställning på arbetsmarknaden" in stallning.text_sv
    assert [o.label_sv for o in stallning.options.all()] == ["Ja", "Nej"]
    # Saving again keeps the same surveys.
    again = enable(project, exit_days=14)
    assert again.exit_survey_id == settings.exit_survey_id
    assert again.exit_days == 14


def test_exit_days_must_be_within_four_weeks(project):
    with pytest.raises(ValidationError) as error:
        enable(project, exit_days=29)
    assert "exit_days" in error.value.message_dict


# --- sending --------------------------------------------------------------------------------


@freeze_time(NOW)
def test_every_way_of_ending_is_sent_once_and_a_rerun_sends_nothing(project):
    enable(project)
    access = coordinator(project)
    by_form = ParticipationFactory(project=project)
    participant_services.participation_end(
        participation=by_form, end_date=TODAY, end_reason=Participation.EndReason.COMPLETED
    )
    in_bulk = [ParticipationFactory(project=project) for _ in range(2)]
    participant_services.participations_end_many(
        access=access,
        participations=Participation.objects.filter(pk__in=[p.pk for p in in_bulk]),
        end_date=TODAY,
        end_reason=Participation.EndReason.COMPLETED,
    )
    # The HR import's "missing from file" writes the end date with a bulk update.
    from_import = ParticipationFactory(project=project)
    Participation.objects.filter(pk=from_import.pk).update(end_date=TODAY, end_reason="other")
    still_going = ParticipationFactory(project=project)

    counts = services.exit_surveys_send_due()

    assert counts["sent"] == 4
    assert len(outbox.outbox) == 4
    assert {m.to[0] for m in outbox.outbox} == {p.email for p in (by_form, *in_bulk, from_import)}
    assert "Utträdesenkät" in outbox.outbox[0].subject
    assert "/svara/" in outbox.outbox[0].body
    assert not ExitDispatch.objects.filter(participation=still_going).exists()
    # Run again (the next hour, or a second worker): nothing more.
    assert services.exit_surveys_send_due().get("sent", 0) == 0
    assert len(outbox.outbox) == 4
    assert SentMail.objects.filter(kind="survey_invitation").count() == 4
    round_ = Round.objects.get(survey__project=project, purpose=Round.Purpose.EXIT)
    assert round_.invitations.count() == 4


@freeze_time(NOW)
def test_the_exit_survey_waits_for_its_day(project):
    enable(project, exit_days=7)
    participation = ended(project, end=TODAY - dt.timedelta(days=6))

    assert services.exit_surveys_send_due().get("sent", 0) == 0
    with freeze_time("2025-03-11 09:00:00"):
        assert services.exit_surveys_send_due()["sent"] == 1
    assert ExitDispatch.objects.get(participation=participation).due_on == dt.date(2025, 3, 11)


@freeze_time(NOW)
def test_people_without_address_erased_or_opted_out_are_skipped_and_counted(project):
    enable(project)
    access = coordinator(project)
    ended(project)
    no_address = ended(project, email="")
    ended(project, erased_at=timezone.now(), email="")
    opted = ended(project)
    ExitOptOut.objects.create(project=project, person=opted.person)

    counts = services.exit_surveys_send_due()

    assert counts == {"sent": 1, "no_email": 1, "erased": 1, "opted_out": 1, "reminded": 0}
    assert len(outbox.outbox) == 1
    status = selectors.exit_status(access=access, settings=selectors.exit_settings(project=project))
    assert status[0].outcomes == {"sent": 1, "no_email": 1, "erased": 1, "opted_out": 1}
    assert (status[0].sent, status[0].skipped) == (1, 3)
    # An address added while the window is open: sent on the next run.
    Participation.objects.filter(pk=no_address.pk).update(email="ny@example.test")
    assert services.exit_surveys_send_due()["sent"] == 1
    assert outbox.outbox[-1].to == ["ny@example.test"]


@freeze_time(NOW)
def test_ended_before_turning_on_only_while_the_window_is_open(project):
    recent = ended(project, end=TODAY - dt.timedelta(days=28))
    ended(project, end=TODAY - dt.timedelta(days=29))  # window closed: no exit survey
    long_ago = ended(project, end=dt.date(2024, 9, 20))  # its follow-up is due 2025-03-20
    settings = enable(project)
    access = coordinator(project)

    counts = services.exit_surveys_send_due()

    assert counts["sent"] == 1
    assert ExitDispatch.objects.get(kind=ExitKind.EXIT).participation == recent
    exit_status, follow_up_status = selectors.exit_status(access=access, settings=settings)
    assert exit_status.missed == 2  # ended more than four weeks ago
    assert follow_up_status.waiting == 3
    with freeze_time("2025-03-20 09:00:00"):
        assert services.exit_surveys_send_due()["sent"] == 1
    follow_up = ExitDispatch.objects.get(kind=ExitKind.FOLLOW_UP)
    assert follow_up.participation == long_ago
    assert follow_up.due_on == dt.date(2025, 3, 20)


def test_the_follow_up_goes_out_six_months_after_the_end_and_only_then(project):
    with freeze_time("2025-01-31 08:00:00"):
        enable(project)
        participation = ended(project, end=dt.date(2025, 1, 31))
        assert services.exit_surveys_send_due()["sent"] == 1  # the exit survey
    # The beat task itself, as the worker runs it (tasks are eager in tests).
    with freeze_time("2025-07-30 08:00:00"):
        assert exit_surveys_send_due_task.delay().get().get("sent", 0) == 0
    with freeze_time("2025-07-31 08:00:00"):
        assert exit_surveys_send_due_task.delay().get()["sent"] == 1
        assert exit_surveys_send_due_task.delay().get().get("sent", 0) == 0
    follow_up = ExitDispatch.objects.get(participation=participation, kind=ExitKind.FOLLOW_UP)
    assert follow_up.due_on == dt.date(2025, 7, 31)
    assert follow_up.invitation.round.purpose == Round.Purpose.POST_EXIT
    assert len(outbox.outbox) == 2
    assert "Uppföljning efter projektet" in outbox.outbox[-1].subject


def test_the_follow_up_is_not_sent_when_turned_off(project):
    with freeze_time("2025-01-31 08:00:00"):
        enable(project, follow_up_enabled=False)
        ended(project, end=dt.date(2025, 1, 31))
        services.exit_surveys_send_due()
    with freeze_time("2025-07-31 08:00:00"):
        assert services.exit_surveys_send_due().get("sent", 0) == 0
    assert not ExitDispatch.objects.filter(kind=ExitKind.FOLLOW_UP).exists()


def test_the_personal_link_closes_after_four_weeks_and_is_reminded_once(project):
    with freeze_time("2025-03-10 09:00:00"):
        enable(project)
        ended(project)
        services.exit_surveys_send_due()
    dispatch = ExitDispatch.objects.get()
    # Answers are taken for 28 days, through 7 April (Stockholm time).
    closes = timezone.localtime(dispatch.closes_at)
    assert (closes.date(), closes.hour, closes.minute) == (dt.date(2025, 4, 7), 23, 59)
    assert "7 april 2025 23:59" in outbox.outbox[0].body
    with freeze_time("2025-04-01 09:00:00"):
        assert services.exit_surveys_send_due()["reminded"] == 1
        assert services.exit_surveys_send_due()["reminded"] == 0
    assert len(outbox.outbox) == 2
    assert "Påminnelse" in outbox.outbox[-1].subject
    with freeze_time("2025-04-08 09:00:00"), pytest.raises(ValidationError) as closed:
        services.invitation_check_open(dispatch.invitation)
    assert closed.value.code == "closed"


def test_an_exit_round_is_never_sent_to_the_whole_group(project):
    with freeze_time(NOW):
        enable(project)
        ended(project)
        services.exit_surveys_send_due()
    round_ = Round.objects.get(purpose=Round.Purpose.EXIT)
    with pytest.raises(ValidationError) as error:
        services.round_invitations_request(round_=round_)
    assert error.value.code == "exit_round"


# --- results --------------------------------------------------------------------------------


def _figure(figures, key):
    return next(f for f in figures if f.indicator.key == key)


def test_indicator_figures_by_gender_worked_out_by_hand(answered):
    access = coordinator(answered)
    figures = selectors.exit_indicator_figures(access=access, kind=ExitKind.EXIT)

    women, men, total = _figure(figures, "STALLNING").cells
    assert (women.gender, women.n, women.yes, women.share) == ("K", 6, 4, Decimal("66.7"))
    assert (men.gender, men.n, men.yes, men.share) == ("M", 5, 2, Decimal("40.0"))
    assert (total.n, total.yes, total.share) == (11, 6, Decimal("54.5"))
    women, men, total = _figure(figures, "UTBILDNING").cells
    assert (women.yes, men.yes, total.yes, total.share) == (1, 0, 1, Decimal("9.1"))
    assert _figure(figures, "ARBETE").total.share == Decimal("100.0")


def test_small_groups_are_suppressed_with_the_platforms_rule(answered):
    answered.survey_anonymity_threshold = 6
    answered.save()
    access = coordinator(answered)

    women, men, total = _figure(
        selectors.exit_indicator_figures(access=access, kind=ExitKind.EXIT), "STALLNING"
    ).cells

    # Men (5) are under 6; women shown beside the total would give the men's figure away.
    assert (men.suppressed, men.secondary, men.yes, men.share) == (True, False, None, None)
    assert (women.suppressed, women.secondary, women.share) == (True, True, None)
    assert (total.suppressed, total.n, total.yes, total.share) == (False, 11, 6, Decimal("54.5"))


def test_response_rates_by_gender(answered):
    access = coordinator(answered)

    women, men, total = selectors.exit_response_rates(access=access, kind=ExitKind.EXIT)

    assert (women.sent, women.answered, women.rate) == (7, 6, Decimal("85.7"))
    assert (men.sent, men.answered, men.rate) == (6, 5, Decimal("83.3"))
    assert (total.sent, total.answered, total.rate) == (13, 11, Decimal("84.6"))


def test_another_projects_answers_are_never_counted(answered):
    other = ProjectFactory()
    with freeze_time(NOW):
        enable(other)
        stranger = ended(other, gender=Gender.WOMAN)
        services.exit_surveys_send_due()
        answer(ExitDispatch.objects.get(participation=stranger), {"STALLNING"})
    access = coordinator(answered)

    figures = selectors.exit_indicator_figures(access=access, kind=ExitKind.EXIT)

    assert _figure(figures, "STALLNING").total.n == 11
    assert selectors.exit_response_rates(access=access, kind=ExitKind.EXIT)[-1].sent == 13
    assert (
        _figure(
            selectors.exit_indicator_figures(access=coordinator(other), kind=ExitKind.EXIT),
            "STALLNING",
        ).total.n
        == 1
    )


def test_a_contact_counts_their_own_organisation_only(answered):
    woman = ExitDispatch.objects.filter(participation__gender="K").first().participation
    user = MembershipFactory(
        project=answered, role=Membership.Role.CONTACT, organisation=woman.organisation
    ).user
    access = project_access(user, answered)

    rates = selectors.exit_response_rates(access=access, kind=ExitKind.EXIT)

    assert rates[-1].sent == 1
    assert BY_KEY["STALLNING"].code(ExitKind.EXIT) == "UT_STALLNING"


@freeze_time(NOW)
def test_an_archived_project_sends_nothing(project):
    enable(project)
    ended(project)
    project.archived = True
    project.save()

    assert services.exit_surveys_send_due().get("sent", 0) == 0
    assert not ExitDispatch.objects.exists()


@freeze_time(NOW)
def test_a_mail_server_away_keeps_nothing_and_the_next_run_sends(project, settings, tmp_path):
    enable(project)
    ended(project)
    ended(project)
    settings.EMAIL_BACKEND = "tests.mail_backends.AwayOnceBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    first = services.exit_surveys_send_due()

    assert (first["failed"], first["sent"]) == (1, 1)  # the second went out all the same
    assert ExitDispatch.objects.filter(outcome="sent").count() == 1
    assert services.exit_surveys_send_due()["sent"] == 1
    assert ExitDispatch.objects.filter(outcome="sent").count() == 2
    assert len(list(tmp_path.glob("*.log"))) == 2
    assert Invitation.objects.count() == 2


def test_a_closed_exit_link_leaves_the_participants_to_do(project):
    from tests.factories import UserFactory

    user = UserFactory()
    with freeze_time(NOW):
        enable(project)
        ended(project, user=user)
        services.exit_surveys_send_due()
        assert selectors.invitations_to_answer(user_id=user.pk).count() == 1
    with freeze_time("2025-04-08 09:00:00"):
        assert selectors.invitations_to_answer(user_id=user.pk).count() == 0
