"""Activity pages: who may do what (404 out of scope, 403 forbidden), forms, query counts."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Activity, Attendance, Enrolment, SelfReportedTime, Session
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ParticipationFactory,
    SelfReportedTimeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, world, *args):
    return reverse(f"activities:{name}", args=[world.project.pk, *args])


# --- permissions --------------------------------------------------------------------------


def test_outsider_gets_404_everywhere(client, world):
    client.force_login(world.outsider)
    for url in (
        _url("list", world),
        _url("detail", world, world.activity.pk),
        _url("session", world, world.session.pk),
        _url("attendance", world, world.session.pk),
        _url("calendar", world),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(_url("list", world))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_teacher_may_view_but_not_create(client, world):
    client.force_login(world.teacher)
    assert client.get(_url("list", world)).status_code == 200
    assert client.get(_url("create", world)).status_code == 403
    assert client.get(_url("attendance", world, world.session.pk)).status_code == 200


def test_teacher_gets_404_for_a_session_they_do_not_lead(client, world):
    other = SessionFactory(activity__project=world.project)
    client.force_login(world.teacher)
    assert client.get(_url("session", world, other.pk)).status_code == 404
    assert client.get(_url("attendance", world, other.pk)).status_code == 404


def test_participant_cannot_open_staff_pages(client, world):
    client.force_login(world.participant_user)
    assert client.get(_url("list", world)).status_code == 403
    assert client.get(_url("attendance", world, world.session.pk)).status_code == 403


def test_session_of_another_project_is_404(client, world):
    foreign = SessionFactory()
    client.force_login(world.coordinator)
    assert client.get(_url("session", world, foreign.pk)).status_code == 404


# --- activity and session forms -------------------------------------------------------------


def test_coordinator_creates_activity_and_session_in_local_time(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        _url("create", world),
        {
            "kind": "workshop",
            "title": "Digitala möten",
            "description": "",
            "digcomp_areas": ["2", "4"],
            "target_group": "Administratörer",
            "teachers": [world.teacher.pk],
        },
    )
    activity = Activity.objects.get(title="Digitala möten")
    assert response.status_code == 302
    assert activity.digcomp_areas == [2, 4]

    response = client.post(
        _url("session_create", world, activity.pk),
        {
            "starts_at": "2026-10-25T01:30",
            "ends_at": "2026-10-25T04:00",
            "place": "Stadshuset",
            "capacity": "12",
            "teacher": world.teacher.pk,
        },
    )
    assert response.status_code == 302
    session = activity.sessions.get()
    assert session.duration_minutes == 210  # 2½ h on the clock + the extra DST hour
    assert timezone.localtime(session.starts_at).hour == 1


def test_session_form_shows_clear_error_for_end_before_start(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        _url("session_create", world, world.activity.pk),
        {"starts_at": "2026-05-05T10:00", "ends_at": "2026-05-05T09:00", "place": "A"},
    )
    assert response.status_code == 200
    assert "måste vara efter starttiden" in response.content.decode()
    assert world.activity.sessions.count() == 1


def test_session_edit_after_attendance_asks_for_confirmation(client, world):
    EnrolmentFactory(session=world.session, participation=world.own)
    Attendance.objects.create(
        session=world.session,
        participation=world.own,
        present=True,
        minutes=60,
        marked_at=timezone.now(),
    )
    client.force_login(world.coordinator)
    start = timezone.localtime(world.session.starts_at) + dt.timedelta(days=1)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Stadshuset",
        "capacity": "10",
    }
    response = client.post(_url("session_edit", world, world.session.pk), data)
    assert response.status_code == 200
    assert "Bekräfta" in response.content.decode()
    response = client.post(
        _url("session_edit", world, world.session.pk), {**data, "confirm_moved": "on"}
    )
    assert response.status_code == 302


# --- enrolment --------------------------------------------------------------------------


def test_contact_enrols_own_organisation_only(client, world):
    client.force_login(world.contact)
    url = _url("enrol", world, world.session.pk)
    client.post(url, {"participation": world.foreign.pk})
    assert not Enrolment.objects.filter(participation=world.foreign).exists()
    client.post(url, {"participation": world.own.pk})
    assert Enrolment.objects.filter(participation=world.own, status="enrolled").exists()


def test_full_session_message_says_waiting_list(client, world):
    world.session.capacity = 1
    world.session.save()
    EnrolmentFactory(session=world.session, participation=world.foreign)
    client.force_login(world.coordinator)
    response = client.post(
        _url("enrol", world, world.session.pk), {"participation": world.own.pk}, follow=True
    )
    assert "reservlistan" in response.content.decode()
    assert Enrolment.objects.get(participation=world.own).status == "waiting"


def test_group_enrolment_by_contact_is_limited_to_own_organisation(client, world):
    ParticipationFactory(project=world.project, organisation=world.other_org)
    client.force_login(world.contact)
    client.post(
        _url("enrol_group", world, world.session.pk),
        {"organisation": "", "role_group": "", "confirmed": "1"},
    )
    enrolled = set(world.session.enrolments.values_list("participation__organisation", flat=True))
    assert enrolled == {world.org.pk}


def test_participant_enrols_and_cancels_themself(client, world):
    client.force_login(world.participant_user)
    response = client.post(_url("my_enrol", world, world.session.pk), follow=True)
    assert "Du är anmäld" in response.content.decode()
    enrolment = Enrolment.objects.get(participation=world.own)
    # First the question, on a page of its own: nothing is cancelled yet.
    response = client.post(_url("cancel", world, enrolment.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Avboka anmälan?" in html
    assert f"Din anmälan till {world.session.activity.title}" in html
    assert 'name="confirmed" value="1"' in html
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
    response = client.post(_url("cancel", world, enrolment.pk), {"confirmed": "1"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "cancelled"


def test_participant_cannot_cancel_someone_else(client, world):
    other = EnrolmentFactory(session=world.session, participation=world.foreign)
    client.force_login(world.participant_user)
    assert client.post(_url("cancel", world, other.pk)).status_code == 404


# --- attendance -------------------------------------------------------------------------


def _started(session) -> None:
    """Attendance is kept once a session has begun: this one began an hour ago."""
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.ends_at = session.starts_at + dt.timedelta(hours=2)
    session.save()


def test_attendance_waits_until_the_session_has_started(client, world):
    EnrolmentFactory(session=world.session, participation=world.own)
    client.force_login(world.teacher)
    url = _url("attendance", world, world.session.pk)
    page = client.get(url).content.decode()
    assert "Tillfället har inte börjat än." in page
    assert f'name="p{world.own.pk}"' not in page
    response = client.post(url, {f"p{world.own.pk}": "1"})
    assert "Tillfället har inte börjat än" in response.content.decode()
    assert not Attendance.objects.exists()


def test_everyone_can_be_marked_present_at_once_then_saved(client, world):
    _started(world.session)
    EnrolmentFactory(session=world.session, participation=world.own)
    EnrolmentFactory(session=world.session, participation=world.foreign)
    client.force_login(world.teacher)
    url = _url("attendance", world, world.session.pk)
    page = client.get(url, {"alla": "narvarande"}).content.decode()
    assert page.count('value="1" id="id_p') == 2
    assert page.count("required checked") == 2  # both shown present, nothing saved yet
    assert not Attendance.objects.exists()


def test_attendance_requires_every_person_marked(client, world):
    _started(world.session)
    EnrolmentFactory(session=world.session, participation=world.own)
    EnrolmentFactory(session=world.session, participation=world.foreign)
    client.force_login(world.teacher)
    url = _url("attendance", world, world.session.pk)
    response = client.post(url, {f"p{world.own.pk}": "1"})
    assert response.status_code == 200
    assert "Markera närvarande eller frånvarande" in response.content.decode()
    assert not Attendance.objects.exists()

    response = client.post(
        url, {f"p{world.own.pk}": "1", f"p{world.foreign.pk}": "1", f"m{world.foreign.pk}": "30"}
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("participation_id", "minutes")) == {
        world.own.pk: 120,
        world.foreign.pk: 30,
    }
    row = Attendance.objects.get(participation=world.own)
    assert row.marked_by == world.teacher


def test_attendance_error_summary_gives_each_message_whole(client, world):
    """The summary at the top repeats each row's message in full, not its first letter
    ("Vera Vårgårdsson: M")."""
    _started(world.session)
    import re

    EnrolmentFactory(session=world.session, participation=world.own)
    EnrolmentFactory(session=world.session, participation=world.foreign)
    client.force_login(world.coordinator)
    url = _url("attendance", world, world.session.pk)
    html = client.post(
        url,
        {f"p{world.own.pk}": "1", f"m{world.own.pk}": "121"},  # foreign: not marked
    ).content.decode()
    summary = dict(re.findall(r'<li><a href="#id_p\d+_0">([^<:]+): ([^<]+)</a></li>', html))
    assert summary[world.foreign.full_name] == "Markera närvarande eller frånvarande."
    assert summary[world.own.full_name].startswith("Kontrollera att detta värde är mindre än")
    assert summary[world.own.full_name].endswith("120.")


def test_contact_marks_only_own_organisation(client, world):
    EnrolmentFactory(session=world.session, participation=world.own)
    EnrolmentFactory(session=world.session, participation=world.foreign)
    client.force_login(world.contact)
    response = client.get(_url("attendance", world, world.session.pk))
    assert [e.participation_id for e, _p, _m in response.context["form"].rows] == [world.own.pk]


def test_attendance_print_and_excel(client, world):
    EnrolmentFactory(session=world.session, participation=world.own)
    client.force_login(world.coordinator)
    page = client.get(_url("attendance_print", world, world.session.pk)).content.decode()
    assert world.own.full_name in page
    assert "Namnteckning" in page
    response = client.get(_url("attendance_xlsx", world, world.session.pk))
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in ws.iter_rows(values_only=True)]
    assert world.own.full_name in names


# --- self-reported time -------------------------------------------------------------------


def test_participant_reports_time_and_contact_approves(client, world):
    recorded = ActivityFactory(project=world.project, kind="recorded")
    client.force_login(world.participant_user)
    client.post(
        _url("my_self_report", world),
        {"activity": recorded.pk, "date": "2024-05-02", "minutes": "50", "comment": "Film"},
    )
    report = SelfReportedTime.objects.get()
    assert report.status == "pending"
    client.force_login(world.contact)
    client.post(_url("self_report_decide", world, report.pk), {"beslut": "godkann"})
    report.refresh_from_db()
    assert report.status == "approved"
    assert report.decided_by == world.contact


def test_self_report_in_the_future_is_refused(client, world):
    recorded = ActivityFactory(project=world.project, kind="recorded")
    client.force_login(world.participant_user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        _url("my_self_report", world),
        {"activity": recorded.pk, "date": tomorrow.isoformat(), "minutes": "50"},
        follow=True,
    )
    assert "framtiden" in response.content.decode()
    assert not SelfReportedTime.objects.exists()


def test_contact_cannot_approve_other_organisations_time(client, world):
    report = SelfReportedTimeFactory(
        activity__project=world.project, participation=world.foreign, status="pending"
    )
    client.force_login(world.contact)
    assert client.post(_url("self_report_decide", world, report.pk)).status_code == 404


# --- iCal -----------------------------------------------------------------------------------


def test_session_ical_and_personal_feed(client, world):
    EnrolmentFactory(session=world.session, participation=world.own)
    client.force_login(world.participant_user)
    response = client.get(_url("session_ical", world, world.session.pk))
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["summary"]) == world.activity.title
    assert event.decoded("dtstart") == world.session.starts_at.replace(microsecond=0)

    page = client.get(reverse("my_activities"))
    feed_url = page.context["feed_url"]
    client.logout()
    feed = icalendar.Calendar.from_ical(client.get(feed_url).content)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == [world.activity.title]
    assert client.get(reverse("my_calendar_feed", args=["wrong"])).status_code == 404


def test_participant_not_enrolled_gets_404_for_session_ical(client, world):
    client.force_login(world.participant_user)
    assert client.get(_url("session_ical", world, world.session.pk)).status_code == 404


def test_session_ical_is_hers_when_someone_else_cancelled(client, world):
    """Another person's cancelled enrolment in the same session does not hide it from her."""
    EnrolmentFactory(session=world.session, participation=world.own)
    EnrolmentFactory(session=world.session, participation=world.foreign, status="cancelled")
    client.force_login(world.participant_user)
    assert client.get(_url("session_ical", world, world.session.pk)).status_code == 200


def test_session_ical_not_hers_once_she_cancelled(client, world):
    EnrolmentFactory(session=world.session, participation=world.own, status="cancelled")
    client.force_login(world.participant_user)
    assert client.get(_url("session_ical", world, world.session.pk)).status_code == 404


def test_my_activities_lists_sessions_and_open_ones(client, world):
    EnrolmentFactory(session=world.session, participation=world.own)
    open_one = SessionFactory(activity=world.activity)
    client.force_login(world.participant_user)
    response = client.get(reverse("my_activities"))
    assert [e.session_id for e in response.context["upcoming"]] == [world.session.pk]
    assert [s.pk for s in response.context["open_sessions"]] == [open_one.pk]


def test_calendar_week_shows_session_on_its_local_day(client, world):
    client.force_login(world.coordinator)
    day = timezone.localtime(world.session.starts_at).date()
    response = client.get(_url("calendar", world), {"vecka": day.isoformat()})
    days = {d["date"]: [s.pk for s in d["sessions"]] for d in response.context["days"]}
    assert days[day] == [world.session.pk]


# --- query counts -------------------------------------------------------------------------


def _seed(world, n):
    for _ in range(n):
        session = SessionFactory(activity=ActivityFactory(project=world.project))
        p = ParticipationFactory(project=world.project, organisation=world.org)
        EnrolmentFactory(session=session, participation=p)
        EnrolmentFactory(session=world.session, participation=p)
        SelfReportedTimeFactory(activity=session.activity, participation=p, status="pending")


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.parametrize(
    ("name", "extra", "queries"),
    [
        ("list", {}, 7),
        ("calendar", {}, 6),
        ("calendar", {"visa": "lista"}, 7),
        ("self_reports", {}, 7),
        # The month's hours: one counted-time query; the page's certificates: one more.
        ("hours", {}, 10),
    ],
)
def test_list_pages_query_count_is_constant(
    client, world, django_assert_num_queries, rows, name, extra, queries
):
    _seed(world, rows)
    client.force_login(world.coordinator)
    with django_assert_num_queries(queries):
        assert client.get(_url(name, world), extra).status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
@pytest.mark.parametrize(("name", "queries"), [("session", 9), ("attendance", 8)])
def test_session_pages_query_count_is_constant(
    client, world, django_assert_num_queries, rows, name, queries
):
    _seed(world, rows)
    client.force_login(world.coordinator)
    with django_assert_num_queries(queries):
        assert client.get(_url(name, world, world.session.pk)).status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_my_activities_query_count_is_constant(client, world, django_assert_num_queries, rows):
    for _ in range(rows):
        EnrolmentFactory(session=SessionFactory(activity=world.activity), participation=world.own)
    client.force_login(world.participant_user)
    # Each read of hours (the months, per activity, the certificates) is one counted-time query.
    with django_assert_num_queries(16):
        assert client.get(reverse("my_activities")).status_code == 200


def test_session_model_ordering():
    assert Session._meta.ordering == ["starts_at"]


def test_session_page_search_narrows_the_participant_list(client, world):
    world.own.last_name = "Öberg"
    world.own.save()
    client.force_login(world.coordinator)
    response = client.get(_url("session", world, world.session.pk), {"sok": "öberg"})
    assert [p.pk for p in response.context["participations"]] == [world.own.pk]


def test_ambiguous_local_time_in_october_gets_a_message(client, world):
    # 02:30 on 2026-10-25 happens twice in Stockholm; the form must not guess.
    client.force_login(world.coordinator)
    response = client.post(
        _url("session_create", world, world.activity.pk),
        {"starts_at": "2026-10-25T02:30", "ends_at": "2026-10-25T04:00", "place": "A"},
    )
    assert response.status_code == 200
    assert "Europe/Stockholm" in response.content.decode()
    assert world.activity.sessions.count() == 1


def test_contact_sees_true_waiting_list_place(client, world):
    world.session.capacity = 1
    world.session.save()
    EnrolmentFactory(session=world.session, participation=world.foreign)
    EnrolmentFactory(
        session=world.session,
        participation=ParticipationFactory(project=world.project, organisation=world.other_org),
        status="waiting",
        waiting_position=1,
    )
    EnrolmentFactory(
        session=world.session, participation=world.own, status="waiting", waiting_position=2
    )
    client.force_login(world.contact)
    response = client.get(_url("session", world, world.session.pk))
    assert [(e.participation_id, e.waiting_rank) for e in response.context["enrolments"]] == [
        (world.own.pk, 2)
    ]
