"""Attendance imported from a Teams report: matching (UPN, e-mail, saved name, staff, unknown,
missing; the user's scope), the preview, the confirm (exact minutes worked out by hand, the
activity's minimum, enrolment, saved names, the late-change reason, all or nothing, once), the
pages' scope and query counts. Reports are built byte for byte in tests/activities/
meeting_samples.py; people and sessions with factories."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import (
    Attendance,
    AttendanceImport,
    Certificate,
    Enrolment,
    MeetingNameMapping,
)
from activities.selectors import meeting_import as selectors
from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from tests.activities.meeting_samples import InMeeting, teams_report, yesterday_at
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _setup(*, minimum: int = 1, capacity: int | None = 20):
    project = ProjectFactory()
    org = OrganisationFactory(name="Egna kommunen")
    coordinator = MembershipFactory(project=project).user
    activity = ActivityFactory(project=project, attendance_minimum_minutes=minimum)
    session = SessionFactory(
        activity=activity,
        starts_at=yesterday_at(9),
        ends_at=yesterday_at(11),
        capacity=capacity,
    )
    return project, org, coordinator, session


def _person(project, org, session=None, **kwargs):
    participation = ParticipationFactory(project=project, organisation=org, **kwargs)
    if session is not None:
        EnrolmentFactory(session=session, participation=participation)
    return participation


def _draft(session, user, people: list[InMeeting], **kwargs) -> AttendanceImport:
    data = teams_report(timezone.localtime(session.starts_at).date(), people)
    return services.attendance_import_create(
        session=session,
        user_id=user.pk,
        files=[services.ReportFile("narvaro.csv", data)],
        **kwargs,
    )


def _plan(user, draft, choices=None):
    access = project_access(user, draft.session.activity.project)
    return selectors.attendance_import_match(access=access, attendance_import=draft).plan(choices)


def _url(name, project, pk):
    return reverse(f"activities:{name}", args=[project.pk, pk])


def _upload(client, project, session, people: list[InMeeting], **extra):
    data = teams_report(timezone.localtime(session.starts_at).date(), people)
    return client.post(
        _url("attendance_import_upload", project, session.pk),
        {"reports": [SimpleUploadedFile("narvaro.csv", data, "text/csv")], **extra},
    )


def _minutes(session):
    return {
        a.participation_id: (a.present, a.minutes)
        for a in Attendance.objects.filter(session=session)
    }


# --- matching ---------------------------------------------------------------------------


def test_people_are_matched_by_upn_email_and_saved_name_staff_left_out_unknown_and_missing():
    project, org, coordinator, session = _setup()
    teacher = MembershipFactory(
        project=project, role=Membership.Role.TEACHER, user__email="larare@kommun.test"
    ).user
    by_upn = _person(project, org, session, email="", user=UserFactory(email="anna@kommun.test"))
    # The address in the file's Email column is another participant's: the UPN decides.
    decoy = _person(project, org, session, email="delad@kommun.test")
    by_email = _person(project, org, session, email="Bertil.Berg@Kommun.test")
    by_name = _person(project, org, session)
    missing = _person(project, org, session)
    MeetingNameMapping.objects.create(
        project=project,
        name_key="cilla i telefonen",
        participation=by_name,
        saved_at=timezone.now(),
    )
    draft = _draft(
        session,
        coordinator,
        [
            InMeeting("Anna A", email="delad@kommun.test", upn="ANNA@kommun.test"),
            InMeeting("Bertil B", email="bertil.berg@kommun.test", upn=""),
            InMeeting("Cilla i  Telefonen"),
            InMeeting("Lärare L", email="Larare@Kommun.test", role="Presenter"),
            InMeeting("Mötesvärd", role="Organizer"),
            InMeeting("Okänd Gäst"),
        ],
    )
    plan = _plan(coordinator, draft)
    how = {row.candidate.pk: row.how for row in plan.rows}
    assert how == {
        by_upn.pk: (selectors.How.UPN,),
        by_email.pk: (selectors.How.EMAIL,),
        by_name.pk: (selectors.How.SAVED_NAME,),
    }
    assert {(s.name, s.why) for s in plan.skipped} == {
        ("Lärare L", selectors.LeftOut.STAFF_LOGIN),
        ("Mötesvärd", selectors.LeftOut.STAFF_ROLE),
    }
    assert [u.names for u in plan.unknown] == [("Okänd Gäst",)]
    assert {c.pk for c in plan.missing} == {decoy.pk, missing.pk}
    assert teacher.pk  # a member's login address, not a participant's


def test_a_presenter_who_is_a_participant_is_counted():
    """Teams makes everyone a presenter by default: the role alone never leaves anyone out."""
    project, org, coordinator, session = _setup()
    person = _person(project, org, session, email="eva@kommun.test")
    draft = _draft(session, coordinator, [InMeeting("Eva", "eva@kommun.test", role="Presenter")])
    assert [row.candidate.pk for row in _plan(coordinator, draft).rows] == [person.pk]


def test_a_contact_never_matches_nor_sees_another_organisations_people(client):
    project, org, _coordinator, session = _setup()
    other_org = OrganisationFactory(name="Grannkommunen")
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=org
    ).user
    own = _person(project, org, session, email="egen@kommun.test")
    foreign = _person(
        project, other_org, session, email="granne@granne.test", last_name="Grannsdottir"
    )
    MeetingNameMapping.objects.create(
        project=project, name_key="gäst g", participation=foreign, saved_at=timezone.now()
    )
    draft = _draft(
        session,
        contact,
        [
            InMeeting("Egen E", "egen@kommun.test"),
            InMeeting("G. Granne", "granne@granne.test"),
            InMeeting("Gäst G"),
        ],
    )
    plan = _plan(contact, draft)
    assert [row.candidate.pk for row in plan.rows] == [own.pk]
    assert sorted(u.names for u in plan.unknown) == [("G. Granne",), ("Gäst G",)]
    assert plan.missing == ()
    client.force_login(contact)
    page = client.get(_url("attendance_import", project, draft.pk)).content.decode()
    assert "Grannsdottir" not in page
    assert "Grannkommunen" not in page
    assert f'value="{foreign.pk}"' not in page
    # Choosing a name saved for someone outside the contact's scope does not re-map it.
    unknown = next(u for u in plan.unknown if u.names == ("Gäst G",))
    choices = selectors.ImportChoices(names={unknown.key: own.pk})
    assert _plan(contact, draft, choices).mappings == ()


def test_a_teacher_matches_only_the_people_enrolled_in_the_session():
    project, org, _coordinator, session = _setup()
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER).user
    session.teacher = teacher
    session.save()
    enrolled = _person(project, org, session, email="anmald@kommun.test")
    _person(project, org, email="inte.anmald@kommun.test")
    draft = _draft(
        session,
        teacher,
        [InMeeting("A", "anmald@kommun.test"), InMeeting("B", "inte.anmald@kommun.test")],
    )
    plan = _plan(teacher, draft)
    assert [(row.candidate.pk, row.enrol_offered) for row in plan.rows] == [(enrolled.pk, False)]
    assert [u.names for u in plan.unknown] == [("B",)]


# --- preview and confirm ----------------------------------------------------------------


def test_confirm_writes_the_minutes_worked_out_by_hand_and_respects_the_minimum(client):
    # Session 09:00–11:00 (120 min); the activity counts 30 minutes or more as present.
    project, org, coordinator, session = _setup(minimum=30)
    anna = _person(project, org, session, email="anna@kommun.test")
    bertil = _person(project, org, session, email="bertil@kommun.test")
    cilla = _person(project, org, session, email="cilla@kommun.test")
    david = _person(project, org, session, email="david@kommun.test")
    people = [
        # 08:50–09:40:30 clipped to 09:00–09:40:30 (40 min 30 s) and 09:45–11:10 clipped to
        # 09:45–11:00 (75 min): 115 min 30 s, rounded down once: 115.
        InMeeting(
            "Anna", "anna@kommun.test", stays=(("08:50:00", "09:40:30"), ("09:45:00", "11:10:00"))
        ),
        # Two devices, 09:10–10:00 and 09:30–10:20:59: united 09:10–10:20:59, 70 min 59 s: 70.
        InMeeting(
            "Bertil",
            "bertil@kommun.test",
            stays=(("09:10:00", "10:00:00"), ("09:30:00", "10:20:59")),
        ),
        # 09:00–09:29:59 is 29 min 59 s: 29, under the minimum of 30: absent, 0 minutes.
        InMeeting("Cilla", "cilla@kommun.test", stays=(("09:00:00", "09:29:59"),)),
        # Only before the session: 0 minutes.
        InMeeting("David", "david@kommun.test", stays=(("08:00:00", "08:59:00"),)),
    ]
    client.force_login(coordinator)
    response = _upload(client, project, session, people)
    draft = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("attendance_import", project, draft.pk)
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert {r.candidate.pk: (r.minutes, r.present) for r in preview.context["plan"].rows} == {
        anna.pk: (115, True),
        bertil.pk: (70, True),
        cilla.pk: (29, False),
        david.pk: (0, False),
    }
    assert not Attendance.objects.exists()  # the preview writes nothing
    done = client.post(_url("attendance_import_confirm", project, draft.pk))
    assert done.status_code == 302
    assert done["Location"] == _url("attendance", project, session.pk)
    assert _minutes(session) == {
        anna.pk: (True, 115),
        bertil.pk: (True, 70),
        cilla.pk: (False, 0),
        david.pk: (False, 0),
    }
    draft.refresh_from_db()
    assert (draft.status, draft.people, draft.reports) == ("confirmed", [], [])
    assert draft.changed_count == 4


def test_the_preview_shows_the_change_against_attendance_already_saved(client):
    project, org, coordinator, session = _setup()
    anna = _person(project, org, session, email="anna@kommun.test")
    AttendanceFactory(session=session, participation=anna, present=True, minutes=120)
    draft = _draft(
        session, coordinator, [InMeeting("Anna", "anna@kommun.test", stays=(("09:00", "10:00"),))]
    )
    client.force_login(coordinator)
    page = client.get(_url("attendance_import", project, draft.pk)).content.decode()
    assert "närvarande 120 min → närvarande 60 min" in page


def test_ticked_people_are_enrolled_and_unticked_ones_left_alone(client):
    project, org, coordinator, session = _setup(capacity=1)
    _person(project, org, session)  # the session's only seat is taken
    ticked = _person(project, org, email="ja@kommun.test")
    unticked = _person(project, org, email="nej@kommun.test")
    draft = _draft(
        session,
        coordinator,
        [InMeeting("Ja", "ja@kommun.test"), InMeeting("Nej", "nej@kommun.test")],
    )
    client.force_login(coordinator)
    page = client.get(_url("attendance_import", project, draft.pk))
    assert page.context["form"].enrol_fields.keys() == {ticked.pk, unticked.pk}
    client.post(_url("attendance_import_confirm", project, draft.pk), {f"anmal-{ticked.pk}": "on"})
    # Enrolled after the deadline and over the capacity: she was there.
    assert Enrolment.objects.get(participation=ticked, session=session).status == "enrolled"
    assert not Enrolment.objects.filter(participation=unticked).exists()
    assert _minutes(session) == {ticked.pk: (True, 120)}


def test_a_chosen_name_is_saved_and_the_next_import_uses_it(client):
    project, org, coordinator, session = _setup()
    sara = _person(project, org, session)
    people = [InMeeting("Sara (telefon)", stays=(("09:15:00", "10:45:00"),))]
    draft = _draft(session, coordinator, people)
    [unknown] = _plan(coordinator, draft).unknown
    client.force_login(coordinator)
    client.post(_url("attendance_import_confirm", project, draft.pk), {unknown.field: sara.pk})
    mapping = MeetingNameMapping.objects.get()
    assert (mapping.name_key, mapping.participation_id) == ("sara (telefon)", sara.pk)
    assert (mapping.saved_by_id, mapping.project_id) == (coordinator.pk, project.pk)
    assert _minutes(session) == {sara.pk: (True, 90)}

    later = SessionFactory(
        activity=session.activity,
        starts_at=session.starts_at + dt.timedelta(hours=3),
        ends_at=session.ends_at + dt.timedelta(hours=3),
    )
    EnrolmentFactory(session=later, participation=sara)
    people = [InMeeting("SARA (Telefon)", stays=(("12:00:00", "13:00:00"),))]
    again = _draft(later, coordinator, people)
    plan = _plan(coordinator, again)
    assert plan.unknown == ()
    assert [(r.candidate.pk, r.how, r.minutes) for r in plan.rows] == [
        (sara.pk, (selectors.How.SAVED_NAME,), 60)
    ]


def test_not_a_participant_is_saved_and_not_asked_again(client):
    project, _org, coordinator, session = _setup()
    draft = _draft(session, coordinator, [InMeeting("Tolken")])
    [unknown] = _plan(coordinator, draft).unknown
    client.force_login(coordinator)
    client.post(_url("attendance_import_confirm", project, draft.pk), {unknown.field: "inte"})
    assert MeetingNameMapping.objects.get().participation is None
    plan = _plan(coordinator, _draft(session, coordinator, [InMeeting("Tolken")]))
    assert [(s.name, s.why) for s in plan.skipped] == [
        ("Tolken", selectors.LeftOut.NOT_A_PARTICIPANT)
    ]


def test_a_signed_month_without_a_reason_is_refused_and_nothing_is_written(client):
    project, org, coordinator, session = _setup()
    signed = _person(project, org, session, email="signerat@kommun.test")
    newcomer = _person(project, org, email="ny@kommun.test")
    day = timezone.localtime(session.starts_at).date()
    Certificate.objects.create(
        participation=signed, month=day.replace(day=1), participant_signed_at=timezone.now()
    )
    draft = _draft(
        session,
        coordinator,
        [
            InMeeting("S", "signerat@kommun.test"),
            InMeeting("N", "ny@kommun.test"),
            InMeeting("Gäst"),
        ],
    )
    [unknown] = _plan(coordinator, draft).unknown
    client.force_login(coordinator)
    preview = client.get(_url("attendance_import", project, draft.pk))
    assert preview.context["plan"].late
    assert "Skäl till ändring" in preview.content.decode()
    post = {f"anmal-{newcomer.pk}": "on", unknown.field: "inte"}
    refused = client.post(_url("attendance_import_confirm", project, draft.pk), post)
    assert refused.status_code == 200
    assert "Skriv ett skäl till ändringen" in refused.content.decode()
    assert not Attendance.objects.exists()
    assert not Enrolment.objects.filter(participation=newcomer).exists()
    assert not MeetingNameMapping.objects.exists()
    draft.refresh_from_db()
    assert draft.status == "draft"

    done = client.post(
        _url("attendance_import_confirm", project, draft.pk),
        {**post, "reason": "Närvaron hämtad från Teams i efterhand"},
    )
    assert done.status_code == 302
    assert _minutes(session) == {signed.pk: (True, 120), newcomer.pk: (True, 120)}
    attendance = Attendance.objects.get(participation=signed)
    assert attendance.change_reason == "Närvaron hämtad från Teams i efterhand"


def test_a_bad_file_shows_the_parsers_message_and_writes_nothing(client):
    project, _org, coordinator, session = _setup()
    client.force_login(coordinator)
    response = client.post(
        _url("attendance_import_upload", project, session.pk),
        {"reports": [SimpleUploadedFile("narvaro.csv", b"Namn;Telefon\nAnna;070\n")]},
    )
    assert response.status_code == 200
    assert "Filen är ingen närvarorapport från Teams eller Zoom" in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_one_bad_file_among_several_names_the_file_and_writes_nothing(client):
    project, org, coordinator, session = _setup()
    _person(project, org, session, email="anna@kommun.test")
    good = teams_report(timezone.localtime(session.starts_at).date(), [InMeeting("A")])
    client.force_login(coordinator)
    response = client.post(
        _url("attendance_import_upload", project, session.pk),
        {
            "reports": [
                SimpleUploadedFile("del1.csv", good),
                SimpleUploadedFile("del2.csv", good[: len(good) // 2 + 1]),
            ]
        },
    )
    assert response.status_code == 200
    assert "Fil 2 (del2.csv)" in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_two_versions_of_the_report_are_merged(client):
    project, org, coordinator, session = _setup()
    anna = _person(project, org, session, email="anna@kommun.test")
    day = timezone.localtime(session.starts_at).date()
    first = teams_report(day, [InMeeting("Anna", "anna@kommun.test", stays=(("09:00", "09:50"),))])
    second = teams_report(day, [InMeeting("Anna", "anna@kommun.test", stays=(("09:40", "10:30"),))])
    client.force_login(coordinator)
    client.post(
        _url("attendance_import_upload", project, session.pk),
        {"reports": [SimpleUploadedFile("a.csv", first), SimpleUploadedFile("b.csv", second)]},
    )
    draft = AttendanceImport.objects.get()
    [row] = _plan(coordinator, draft).rows
    assert (row.candidate.pk, row.minutes) == (anna.pk, 90)  # 09:00–10:30, overlap once
    assert "fil 1" in row.rows
    assert "fil 2" in row.rows


def test_a_confirm_posted_twice_writes_once(client):
    project, org, coordinator, session = _setup()
    anna = _person(project, org, session, email="anna@kommun.test")
    newcomer = _person(project, org, email="ny@kommun.test")
    draft = _draft(
        session, coordinator, [InMeeting("A", "anna@kommun.test"), InMeeting("N", "ny@kommun.test")]
    )
    client.force_login(coordinator)
    url = _url("attendance_import_confirm", project, draft.pk)
    first = client.post(url, {f"anmal-{newcomer.pk}": "on"})
    second = client.post(url, {f"anmal-{newcomer.pk}": "on"})
    assert first.status_code == second.status_code == 302
    assert Attendance.history.filter(participation_id__in=[anna.pk, newcomer.pk]).count() == 2
    assert Enrolment.objects.filter(participation=newcomer).count() == 1
    # The service itself: a confirmed draft is returned as it is.
    access = project_access(coordinator, project)
    again = services.attendance_import_confirm(
        access=access, attendance_import=draft, choices=selectors.ImportChoices()
    )
    assert again.status == "confirmed"
    assert Attendance.history.count() == 2


def test_a_draft_older_than_a_day_cannot_be_confirmed(client):
    project, org, coordinator, session = _setup()
    _person(project, org, session, email="anna@kommun.test")
    draft = _draft(session, coordinator, [InMeeting("A", "anna@kommun.test")])
    AttendanceImport.objects.filter(pk=draft.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    client.force_login(coordinator)
    page = client.get(_url("attendance_import", project, draft.pk)).content.decode()
    assert "äldre än ett dygn" in page
    response = client.post(_url("attendance_import_confirm", project, draft.pk))
    assert "äldre än ett dygn" in response.content.decode()
    assert not Attendance.objects.exists()
    assert services.attendance_imports_expire() == 1
    draft.refresh_from_db()
    assert (draft.status, draft.people) == ("cancelled", [])


def test_cancel_forgets_what_was_read(client):
    project, _org, coordinator, session = _setup()
    draft = _draft(session, coordinator, [InMeeting("A", "anna@kommun.test")])
    client.force_login(coordinator)
    client.post(_url("attendance_import_cancel", project, draft.pk))
    draft.refresh_from_db()
    assert (draft.status, draft.people, draft.reports) == ("cancelled", [], [])
    assert not Attendance.objects.exists()


def test_the_upload_never_goes_to_a_temporary_file(client):
    """A report over Django's 2.5 MB in-memory limit still stays in memory."""
    project, _org, coordinator, session = _setup()
    client.force_login(coordinator)
    big = [InMeeting(f"Person {i}", f"p{i}@kommun.test") for i in range(8000)]
    data = teams_report(timezone.localtime(session.starts_at).date(), big)
    assert len(data) > 2_621_440
    with mock.patch(
        "django.core.files.uploadhandler.TemporaryFileUploadHandler.new_file",
        side_effect=AssertionError("written to disk"),
    ):
        response = client.post(
            _url("attendance_import_upload", project, session.pk),
            {"reports": [SimpleUploadedFile("stor.csv", data)]},
        )
    assert response.status_code == 302
    assert len(AttendanceImport.objects.get().people) == 8000


def test_the_minimum_is_edited_in_the_activity_form(client):
    project, _org, coordinator, session = _setup()
    activity = session.activity
    client.force_login(coordinator)
    response = client.post(
        reverse("activities:edit", args=[project.pk, activity.pk]),
        {"kind": activity.kind, "title": activity.title, "attendance_minimum_minutes": "45"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.attendance_minimum_minutes == 45


# --- scope and queries ------------------------------------------------------------------


def test_another_projects_session_and_another_users_draft_are_404(client):
    project, _org, coordinator, session = _setup()
    other_project, _o, other_coordinator, other_session = _setup()
    own_draft = _draft(session, coordinator, [InMeeting("A", "a@kommun.test")])
    others_draft = _draft(other_session, other_coordinator, [InMeeting("B", "b@kommun.test")])
    colleague = MembershipFactory(project=project).user
    client.force_login(coordinator)
    upload = _url("attendance_import_upload", project, other_session.pk)
    assert client.get(upload).status_code == 404
    for name in ("attendance_import", "attendance_import_confirm", "attendance_import_cancel"):
        assert client.post(_url(name, project, others_draft.pk)).status_code == 404
        assert client.post(_url(name, other_project, own_draft.pk)).status_code == 404
    client.force_login(colleague)  # a coordinator of the same project, not the uploader
    for name in ("attendance_import", "attendance_import_confirm", "attendance_import_cancel"):
        assert client.post(_url(name, project, own_draft.pk)).status_code == 404
    own_draft.refresh_from_db()
    assert own_draft.status == "draft"
    # A teacher of the project who does not lead the session.
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER).user
    client.force_login(teacher)
    assert client.get(_url("attendance_import_upload", project, session.pk)).status_code == 404


@pytest.mark.parametrize("people", [1, 30])
def test_the_preview_takes_the_same_queries_for_1_and_30_people(
    client, django_assert_num_queries, people
):
    project, org, coordinator, session = _setup(capacity=None)
    in_file = []
    for i in range(people):
        email = f"deltagare{i}@kommun.test"
        participation = _person(project, org, session if i % 2 else None, email=email)
        if i % 3 == 0:
            AttendanceFactory(session=session, participation=participation)
        in_file.append(InMeeting(f"Deltagare {i}", email))
    in_file.append(InMeeting(f"Gäst {people}"))
    _person(project, org, session)  # enrolled, not in the file
    draft = _draft(session, coordinator, in_file)
    client.force_login(coordinator)
    url = _url("attendance_import", project, draft.pk)
    client.get(url)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_showing_the_changes_with_choices_keeps_them_and_writes_nothing(client):
    project, org, coordinator, session = _setup()
    sara = _person(project, org, session)
    draft = _draft(session, coordinator, [InMeeting("Sara (telefon)")])
    [unknown] = _plan(coordinator, draft).unknown
    client.force_login(coordinator)
    page = client.post(_url("attendance_import", project, draft.pk), {unknown.field: sara.pk})
    assert [r.candidate.pk for r in page.context["plan"].rows] == [sara.pk]
    assert f'<option value="{sara.pk}" selected>' in page.content.decode()
    assert not Attendance.objects.exists()
    assert not MeetingNameMapping.objects.exists()


def test_someone_waiting_who_was_there_is_moved_up_after_the_deadline():
    project, org, coordinator, session = _setup(capacity=1)
    _person(project, org, session)
    waiting = _person(project, org)
    EnrolmentFactory(session=session, participation=waiting, status="waiting", waiting_position=1)
    with pytest.raises(ValidationError, match="Sista anmälningsdag"):  # the session is over
        services.enrolment_create(session=session, participation=waiting, by_user_id=None)
    result = services.enrolment_create(
        session=session, participation=waiting, by_user_id=coordinator.pk, present_at_session=True
    )
    assert (result.enrolment.status, result.enrolment.waiting_position) == ("enrolled", None)
