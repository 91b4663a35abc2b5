"""Start pages as to-do lists: what waits for the coordinator, the teacher and the participant,
each only what their role may act on, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from digiproj.dates import STOCKHOLM
from digiproj.projects.models import Membership
from participants.models import CorrectionRequest
from reporting.models import ReportRun, ScbSubmission
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    InvitationFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    RoundFactory,
    SessionFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _wednesday():
    with freeze_time("2026-11-18 09:00:00"):  # 10:00 in Stockholm
        yield


# Wednesday 18 November 2026; last month is October.
OCTOBER_SESSION = dt.datetime(2026, 10, 6, 9, 0, tzinfo=STOCKHOLM)


def _attended_in_october(project, **participation):
    person = ParticipationFactory(project=project, **participation)
    session = SessionFactory(
        activity=ActivityFactory(project=project),
        starts_at=OCTOBER_SESSION,
        ends_at=OCTOBER_SESSION + dt.timedelta(hours=2),
    )
    EnrolmentFactory(session=session, participation=person)
    AttendanceFactory(session=session, participation=person)
    return person


def _run(project, user, status, start=None, end=None):
    """A run of the time report (tid) for [start, end] (the project's period by default)."""
    return ReportRun.objects.create(
        project=project,
        kind="tid",
        file_format="xlsx",
        period_start=start or project.start_date,
        period_end=end or project.end_date,
        requested_by=user,
        status=status,
    )


def _dashboard(client, user, project):
    client.force_login(user)
    return client.get(reverse("project_dashboard", args=[project.pk])).content.decode()


def test_coordinator_sees_what_waits_each_with_its_link(client):
    project = ProjectFactory(start_date=dt.date(2026, 9, 1))
    coordinator = MembershipFactory(project=project).user
    anna = _attended_in_october(
        project, first_name="Anna", last_name="Ek", start_date=dt.date(2026, 9, 15)
    )
    CorrectionRequest.objects.create(participation=anna, message="Fel efternamn")
    failed = _run(
        project, coordinator, ReportRun.Status.FAILED, dt.date(2026, 9, 1), dt.date(2026, 10, 31)
    )

    html = _dashboard(client, coordinator, project)
    assert "1 öppen begäran om rättelse:" in html
    assert reverse("participants:detail", args=[project.pk, anna.pk]) in html
    assert "1 deltagare har tid i oktober 2026 utan en närvarorapport" in html
    assert f"{reverse('activities:hours', args=[project.pk])}?month=2026-10" in html
    assert reverse("reporting:run", args=[project.pk, failed.pk]) in html
    assert "Tid och medfinansiering (2026-09-01 – 2026-10-31) misslyckades." in html
    # Anna started in September: the month is to send to SCB; November is not over.
    assert "SCB-filer att skicka: 2026-09</a>" in html


def test_what_is_done_leaves_the_list(client):
    project = ProjectFactory(start_date=dt.date(2026, 9, 1))
    coordinator = MembershipFactory(project=project).user
    html = _dashboard(client, coordinator, project)
    assert "Inget väntar just nu." in html  # no participants: no SCB month, nothing else

    person = ParticipationFactory(project=project, start_date=dt.date(2026, 10, 1))
    request = CorrectionRequest.objects.create(participation=person, message="Fel adress")
    _run(project, coordinator, ReportRun.Status.FAILED)
    assert "Inget väntar just nu." not in _dashboard(client, coordinator, project)

    request.handled_at = request.created_at
    request.save()
    _run(project, coordinator, ReportRun.Status.DONE)  # the same report, made after it failed
    # September (nothing in it) sent as it is; October sent with other data than now.
    for month, fingerprint in ((dt.date(2026, 9, 1), "0:0|0:0"), (dt.date(2026, 10, 1), "x")):
        ScbSubmission.objects.create(
            project=project, month=month, sent_by=coordinator, fingerprint=fingerprint
        )
    html = _dashboard(client, coordinator, project)
    assert "SCB-filer att skicka: 2026-10</a>" in html  # changed since: to send again
    assert "begäran om rättelse" not in html
    assert "misslyckades" not in html


def test_contact_sees_only_their_organisation_and_no_scb(client):
    project = ProjectFactory(start_date=dt.date(2026, 9, 1))
    own = _attended_in_october(project)
    other = _attended_in_october(project)
    CorrectionRequest.objects.create(participation=other, message="Annan organisation")
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=own.organisation
    ).user
    from digiproj.projects.models import ProjectOrganisation

    ProjectOrganisation.objects.get_or_create(project=project, organisation=own.organisation)
    html = _dashboard(client, contact, project)
    assert "begäran om rättelse" not in html  # the other organisation's
    assert "1 deltagare har tid i oktober 2026" in html  # her own one, not two
    assert "SCB-filer" not in html


@pytest.mark.parametrize("people", [1, 12])
def test_coordinator_dashboard_query_count_does_not_grow(client, django_assert_num_queries, people):
    project = ProjectFactory(start_date=dt.date(2026, 9, 1))
    coordinator = MembershipFactory(project=project).user
    for _ in range(people):
        person = _attended_in_october(project)
        CorrectionRequest.objects.create(participation=person, message="Rätta")
    client.force_login(coordinator)
    url = reverse("project_dashboard", args=[project.pk])
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(16):
        client.get(url)


def test_teacher_sees_today_and_this_week_with_attendance_lists(client):
    project = ProjectFactory()
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER).user
    activity = ActivityFactory(project=project, title="Digitala möten")
    today = dt.datetime(2026, 11, 18, 13, 0, tzinfo=STOCKHOLM)
    friday = dt.datetime(2026, 11, 20, 9, 0, tzinfo=STOCKHOLM)
    next_week = dt.datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
    mine = [
        SessionFactory(activity=activity, teacher=teacher, starts_at=when)
        for when in (today, friday, next_week)
    ]
    SessionFactory(activity=activity, teacher=UserFactory(), starts_at=today)  # not hers
    EnrolmentFactory(session=mine[0], participation=ParticipationFactory(project=project))

    html = _dashboard(client, teacher, project)
    section = html.split('id="my-sessions-heading"')[1]
    today_part, week_part = section.split("Resten av veckan")
    assert today_part.count("Närvarolista") == 1
    assert "1 anmäld, 0 med registrerad närvaro" in today_part
    assert reverse("activities:attendance", args=[project.pk, mine[0].pk]) in today_part
    assert week_part.count("Närvarolista") == 1  # Friday; next Monday is next week
    assert reverse("activities:attendance", args=[project.pk, mine[1].pk]) in week_part
    assert "Deltagare per kön" not in html  # not the project's people, whom she cannot see


def test_participant_start_page_lists_what_to_answer_sign_and_attend(client):
    project = ProjectFactory(start_date=dt.date(2026, 9, 1))
    user = UserFactory()
    anna = _attended_in_october(project, user=user, start_date=dt.date(2026, 9, 1))
    round_ = RoundFactory(survey=SurveyFactory(project=project, title="Digital kompetens"))
    invitation = InvitationFactory(round=round_, person=anna.person, organisation=anna.organisation)
    answered = RoundFactory(survey=SurveyFactory(project=project, title="Redan besvarad"))
    InvitationFactory(
        round=answered,
        person=anna.person,
        organisation=anna.organisation,
        used_at=dt.datetime(2026, 11, 10, tzinfo=STOCKHOLM),
    )
    upcoming = SessionFactory(
        activity=ActivityFactory(project=project, title="Teams i vardagen"),
        starts_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=STOCKHOLM),
    )
    EnrolmentFactory(session=upcoming, participation=anna)

    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    todo = html.split('id="todo-heading"')[1].split("</section>")[0]
    assert "Svara på enkäten Digital kompetens" in todo
    assert reverse("surveys:answer_own", args=[project.pk, invitation.pk]) in todo
    assert "Redan besvarad" not in todo
    assert "Skriv under närvarorapporten för oktober 2026" in todo
    assert reverse("activities:certificate", args=[project.pk, anna.pk, 2026, 10]) in todo
    assert "tis 24 nov 09:00: Teams i vardagen" in todo
