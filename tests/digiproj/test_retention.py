"""Retention after retain_until (digiproj/retention.py): personal data goes from every table,
the funder's figures stay, a person shared with a project still running keeps what it needs,
the dry run counts what goes, the run is recorded and done once."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from activities.certificates import certificate_hash
from activities.models import (
    Attendance,
    AttendanceImport,
    Certificate,
    MeetingNameMapping,
)
from activities.selectors.certificates import certificate_data
from digiproj import retention
from digiproj.dates import local_midnight
from digiproj.projects.models import Membership, RetentionRecord, UnitCost
from digiproj.projects.permissions import project_access
from digiproj.projects.tasks import retention_run_due_task
from participants.models import (
    CorrectionRequest,
    Invitation,
    Participation,
    PendingRegistration,
    Person,
    RegistrationLink,
)
from participants.services.anonymisation import identity_anonymous_birth_date
from reporting.models import ReportRun
from reporting.reports.indicators import IndicatorFigures
from reporting.reports.time_figures import TimeFigures
from reporting.selectors import Period
from surveys import selectors as survey_selectors
from surveys.models import Answer, Question, Response
from surveys.models import Invitation as SurveyInvitation
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SelfReportedTimeFactory,
    SessionFactory,
    SurveyFactory,
    UserFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db

TODAY = "2031-03-01 03:00:00"  # the project's retain_until was 2031-01-31
PERIOD = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))

# Every personal value the fixture gives project A's own participants: none may be left in
# any table afterwards. (The shared person's identity is kept for project B.)
SECRETS = [
    "Ingegerd",
    "Svanström",
    "ingegerd.svanstrom@example.test",
    "070-7654321",
    "Harriet",
    "Blomqvist",
    "harriet.b@example.test",
    "Enhet Blåklinten",
    "Anmält skäl Xyloform",
    "Kalvin",
    "Ödmark",
    "Delad-i-A",
    "delad.a@example.test",
    "Rätta mitt namn till Zebulon",
    "Kom sent för att Quixote",
    "Självstudier hos Qwertyson",
    "chef.ulvhild@example.test",
    "Ulvhild Chefsdotter",
    "Inte jag, Rasmussen",
    "Mitt fritextsvar Plommonstop",
    "utkast Fikonträd",
    "ny.inbjuden@example.test",
    "vantar.registrering@example.test",
    "mötesnamn gullviva",
]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return local_midnight(day) + dt.timedelta(hours=hour)


@pytest.fixture
def world(settings):
    settings.LANGUAGE_CODE = "sv"
    north, south = OrganisationFactory(name="Norra kommun"), OrganisationFactory()
    project = ProjectFactory(retain_until=dt.date(2031, 1, 31), start_date=dt.date(2024, 1, 1))
    other = ProjectFactory(retain_until=dt.date(2040, 1, 31))
    for p in (project, other):
        ProjectOrganisationFactory(project=p, organisation=north)
    ProjectOrganisationFactory(project=project, organisation=south)
    UnitCost.objects.create(project=project, year=2024, sek_per_hour=Decimal("250.00"))
    coordinator = MembershipFactory(project=project).user
    login = UserFactory(
        email="ingegerd.svanstrom@example.test", first_name="Ingegerd", last_name="Svanström"
    )
    numbers = {i: participant_test_pnr(700 + i, year=1970 + i) for i in range(4)}
    p1 = ParticipationFactory(
        project=project,
        person=PersonFactory(personnummer=numbers[0]),
        organisation=north,
        first_name="Ingegerd",
        last_name="Svanström",
        email="ingegerd.svanstrom@example.test",
        phone="070-7654321",
        workplace="Enhet Blåklinten",
        user=login,
        start_date=dt.date(2024, 3, 1),
    )
    p2 = ParticipationFactory(
        project=project,
        person=PersonFactory(personnummer=numbers[1], gender_code="M"),
        organisation=south,
        first_name="Harriet",
        last_name="Blomqvist",
        email="harriet.b@example.test",
        gender_override="K",
        gender_override_reason="Anmält skäl Xyloform",
        role_group=Participation.RoleGroup.MANAGER,
        isced=Participation.Isced.ISCED_5_8,
        start_date=dt.date(2024, 2, 1),
        end_date=dt.date(2024, 9, 30),
        end_reason=Participation.EndReason.COMPLETED,
    )
    p3 = ParticipationFactory(
        project=project,
        person=PersonFactory(personnummer=numbers[2]),
        organisation=north,
        first_name="Kalvin",
        last_name="Ödmark",
        email="",
        start_date=dt.date(2024, 5, 1),
    )
    shared_person = PersonFactory(personnummer=numbers[3])
    shared_a = ParticipationFactory(
        project=project,
        person=shared_person,
        organisation=north,
        first_name="Delad-i-A",
        last_name="Delad-i-A",
        email="delad.a@example.test",
        start_date=dt.date(2024, 4, 1),
    )
    shared_b = ParticipationFactory(
        project=other,
        person=shared_person,
        organisation=north,
        first_name="Bodil",
        last_name="Bevarad",
        email="bodil.bevarad@example.test",
        start_date=dt.date(2030, 4, 1),
    )
    p1.first_name = "Ingegerd"  # one more history row, changed through the model
    p1.save()

    activity = ActivityFactory(project=project)
    session = SessionFactory(
        activity=activity,
        starts_at=_local(dt.date(2024, 3, 12), 9),
        ends_at=_local(dt.date(2024, 3, 12), 12),
    )
    for participation in (p1, p2, shared_a):
        EnrolmentFactory(session=session, participation=participation)
    Attendance.objects.create(
        session=session, participation=p1, present=True, minutes=180, marked_at=timezone.now()
    )
    late = Attendance.objects.create(
        session=session, participation=p2, present=True, minutes=150, marked_at=timezone.now()
    )
    late.minutes, late.change_reason = 120, "Kom sent för att Quixote"
    late._change_reason = "Kom sent för att Quixote"
    late.save()
    SelfReportedTimeFactory(
        activity=ActivityFactory(project=project, kind="recorded"),
        participation=p3,
        date=dt.date(2024, 5, 6),
        minutes=90,
        comment="Självstudier hos Qwertyson",
    )
    month = dt.date(2024, 3, 1)
    Certificate.objects.create(
        participation=p1,
        month=month,
        content_hash=certificate_hash(certificate_data(participation=p1, month=month)),
        participant_signed_at=timezone.now(),
        manager_email="chef.ulvhild@example.test",
        manager_token="t" * 40,
        manager_signed_at=timezone.now(),
        manager_signed_name="Ulvhild Chefsdotter",
        manager_signed_method="code",
    )
    Certificate.objects.create(
        participation=p2,
        month=month,
        manager_rejected_at=timezone.now(),
        manager_rejected_name="Inte jag, Rasmussen",
        manager_rejection_comment="Inte jag, Rasmussen",
    )
    MeetingNameMapping.objects.create(
        project=project, name_key="mötesnamn gullviva", participation=p1, saved_at=timezone.now()
    )
    AttendanceImport.objects.create(
        session=session,
        created_by=coordinator,
        people=[{"name": "Ingegerd Svanström", "email": "ingegerd.svanstrom@example.test"}],
        created_at=timezone.now(),
    )
    CorrectionRequest.objects.create(participation=p1, message="Rätta mitt namn till Zebulon")
    Invitation.objects.create(
        project=project,
        email="ingegerd.svanstrom@example.test",
        participation=p1,
        used_at=timezone.now(),
        expires_at=timezone.now(),
    )
    Invitation.objects.create(
        project=project, email="ny.inbjuden@example.test", expires_at=timezone.now()
    )
    link = RegistrationLink.objects.create(project=project, slug="oppen-lank-1")
    PendingRegistration.objects.create(
        link=link,
        email="vantar.registrering@example.test",
        data={"personnummer": numbers[2], "first_name": "Kalvin"},
        token_hash="h" * 64,
        expires_at=timezone.now(),
    )

    survey = SurveyFactory(project=project)
    section = SectionFactory(survey=survey)
    text_q = QuestionFactory(section=section, kind=Question.Kind.LONG_TEXT)
    level_q = QuestionFactory(section=section, kind=Question.Kind.DIGCOMP_LEVEL)
    round_ = RoundFactory(
        survey=survey,
        opens_at=_local(dt.date(2024, 3, 1), 8),
        closes_at=_local(dt.date(2024, 4, 1), 8),
    )
    response = Response.objects.create(
        round=round_,
        person=p1.person,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
        gender="K",
        organisation=north,
        role_group="admin",
    )
    Answer.objects.create(response=response, question=text_q, value_text=SECRETS[19])
    Answer.objects.create(response=response, question=level_q, value_int=4)
    SurveyInvitation.objects.create(
        round=round_,
        person=p1.person,
        organisation=north,
        nonce="a" * 32,
        token_hash="b" * 64,
        used_at=timezone.now(),
    )
    SurveyInvitation.objects.create(
        round=round_,
        person=p2.person,
        organisation=south,
        nonce="c" * 32,
        token_hash="d" * 64,
        draft={str(text_q.pk): "utkast Fikonträd"},
    )

    run = ReportRun.objects.create(
        project=project,
        kind="deltagare",
        file_format="csv",
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        requested_by=coordinator,
        status="done",
    )
    run.file.save("deltagare.csv", ContentFile("Ingegerd;Svanström;" + numbers[0]))
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Participation),
        object_id=str(p1.pk),
        object_repr=str(p1),
        action_flag=CHANGE,
        change_message="Ingegerd Svanström",
    )
    return {
        "project": project,
        "other": other,
        "coordinator": coordinator,
        "login": login,
        "numbers": numbers,
        "participations": [p1, p2, p3, shared_a],
        "shared_b": shared_b,
        "round": round_,
        "report_file": run.file.name,
    }


def _figures(world) -> dict[str, object]:
    """A few of the funder's figures: indicators by every dimension, hours and co-financing
    per person-month with certification, survey distributions and response counts."""
    access = project_access(world["coordinator"], world["project"])
    assert access is not None
    time = TimeFigures(access=access, period=PERIOD, organisation_id=None)
    round_id = world["round"].pk
    return {
        "indicators": IndicatorFigures.read(access=access, period=PERIOD, organisation_id=None),
        "time": {key: time.figures(*key) for key in time.sorted_keys()},
        "certified": time.certified,
        "distributions": survey_selectors.question_distributions(access=access, round_id=round_id),
        "responses": survey_selectors.response_counts(access=access, round_id=round_id),
    }


def _text_columns(model: type[models.Model]) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [f.column for f in model._meta.concrete_fields if isinstance(f, kinds)]


def _tables_holding(value: str) -> list[str]:
    """Every table and column, historical tables included, whose text holds `value` (also
    as JSON writes it: "ä" as \\u00e4)."""
    found = []
    quote = connection.ops.quote_name
    forms = sorted({value, json.dumps(value)[1:-1]})
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            for column in _text_columns(model):
                where = " OR ".join([f"CAST({quote(column)} AS TEXT) LIKE %s"] * len(forms))
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE {where}",  # noqa: S608 - names from the models
                    [f"%{form}%" for form in forms],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


def _run(world) -> RetentionRecord | None:
    return retention.retention_run(
        project_id=world["project"].pk, trigger=RetentionRecord.Trigger.SCHEDULE
    )


@freeze_time(TODAY)
def test_no_personal_value_of_the_project_is_left_in_any_table(world):
    for value in [*SECRETS, *(world["numbers"][i] for i in range(3))]:
        assert _tables_holding(value), f"the fixture should hold {value!r}"
    assert _run(world) is not None
    left = {value: _tables_holding(value) for value in SECRETS}
    left |= {number: _tables_holding(number) for number in list(world["numbers"].values())[:3]}
    assert {value: where for value, where in left.items() if where} == {}


@freeze_time(TODAY)
def test_reports_give_the_same_figures_after_it(world):
    before = _figures(world)
    assert before["certified"], "the fixture's signed certificate is counted as certified"
    assert before["time"]
    _run(world)
    assert _figures(world) == before


@freeze_time(TODAY)
def test_the_login_used_only_by_the_project_goes_and_files_are_deleted(world):
    from django.core.files.storage import storages

    assert storages["private"].exists(world["report_file"])
    _run(world)
    assert not type(world["login"]).objects.filter(pk=world["login"].pk).exists()
    assert not storages["private"].exists(world["report_file"])
    assert not ReportRun.objects.filter(project=world["project"]).exists()
    # Staff keep their logins and roles.
    assert Membership.objects.filter(user=world["coordinator"]).exists()


@freeze_time(TODAY)
def test_shared_person_keeps_what_the_running_project_needs(world):
    shared_b = world["shared_b"]
    _run(world)
    shared_b.refresh_from_db()
    person = Person.objects.get(pk=shared_b.person_id)
    assert person.personnummer == world["numbers"][3]
    assert (shared_b.first_name, shared_b.last_name) == ("Bodil", "Bevarad")
    assert shared_b.email == "bodil.bevarad@example.test"
    assert Person.history.filter(id=person.pk).exists()
    assert Participation.history.filter(id=shared_b.pk, first_name="Bodil").exists()
    # The identities only project A held are anonymous, with the gender and age kept.
    for participation in world["participations"][:3]:
        anonymous = Person.objects.get(pk=participation.person_id)
        assert anonymous.personnummer.startswith("X")
        assert not Person.history.filter(id=anonymous.pk).exists()


@freeze_time(TODAY)
def test_later_retention_of_the_other_project_anonymises_the_shared_identity(world):
    _run(world)
    other = world["other"]
    other.retain_until = dt.date(2031, 2, 1)
    other.save()
    assert retention.retention_run(project_id=other.pk, trigger="schedule") is not None
    person = Person.objects.get(pk=world["shared_b"].person_id)
    assert person.personnummer.startswith("X")


@freeze_time(TODAY)
def test_dry_run_counts_what_the_run_then_removes_and_the_run_is_recorded(world):
    preview = retention.retention_preview(world["project"])
    assert preview.run_date == dt.date(2031, 2, 1)
    assert preview.record is None
    counts = preview.counts
    assert counts["names"] == 4 + 2 + 1  # participants, manager names, a meeting name
    assert counts["personnummer"] == 3  # the shared person keeps hers
    assert counts["logins"] == 1
    assert counts["survey_texts"] == 1
    assert counts["files"] == 1
    assert "namn" in " ".join(preview.lines)
    record = _run(world)
    assert record is not None
    assert record.counts == counts
    assert record.retain_until == dt.date(2031, 1, 31)
    assert record.trigger == RetentionRecord.Trigger.SCHEDULE
    assert retention.retention_preview(world["project"]).record == record
    assert retention.rules_count(retention.retention_rules(world["project"]))["names"] == 0


@freeze_time(TODAY)
def test_the_task_run_twice_does_nothing_the_second_time(world):
    assert retention_run_due_task() == [world["project"].pk]
    names = list(Participation.objects.order_by("pk").values_list("first_name", flat=True))
    assert retention_run_due_task() == []
    assert RetentionRecord.objects.count() == 1
    assert list(Participation.objects.order_by("pk").values_list("first_name", flat=True)) == names


@freeze_time("2031-01-31 12:00:00")
def test_nothing_runs_until_the_day_after_retain_until(world):
    assert _run(world) is None
    assert retention_run_due_task() == []
    participation = world["participations"][0]
    participation.refresh_from_db()
    assert participation.first_name == "Ingegerd"


@freeze_time(TODAY)
def test_command_lists_counts_and_executes(world):
    out = io.StringIO()
    call_command("retention_report", stdout=out)
    text = out.getvalue()
    assert world["project"].diarienummer in text
    assert "7 namn" in text
    assert "Ingegerd" not in text
    assert not RetentionRecord.objects.exists()
    call_command("retention_report", "--execute", stdout=io.StringIO())
    record = RetentionRecord.objects.get(project=world["project"])
    assert record.trigger == RetentionRecord.Trigger.COMMAND
    assert not RetentionRecord.objects.filter(project=world["other"]).exists()


@freeze_time(TODAY)
def test_page_shows_counts_and_then_the_record(client, world):
    url = reverse("project_retention", args=[world["project"].pk])
    client.force_login(world["coordinator"])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "7 namn" in page
    assert "2031-02-01" in page
    assert "Ingegerd" not in page
    _run(world)
    page = client.get(url).content.decode()
    assert "Gallringen är gjord" in page
    assert "7 namn" in page


def test_page_is_for_the_projects_coordinator_and_the_admin(client, world):
    url = reverse("project_retention", args=[world["project"].pk])
    client.force_login(MembershipFactory(project=world["other"]).user)
    assert client.get(url).status_code == 404
    contact = MembershipFactory(
        project=world["project"],
        role=Membership.Role.CONTACT,
        organisation=world["participations"][0].organisation,
    ).user
    client.force_login(contact)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("born", "starts", "expected"),
    [
        (dt.date(1970, 6, 15), [dt.date(2024, 3, 1)], dt.date(1970, 3, 2)),
        (dt.date(1970, 6, 15), [dt.date(2024, 7, 1)], dt.date(1970, 1, 1)),
        (dt.date(1970, 6, 15), [dt.date(2024, 6, 15)], dt.date(1970, 1, 1)),
        (dt.date(1971, 3, 5), [dt.date(2024, 2, 29)], dt.date(1971, 3, 1)),
        (
            dt.date(1970, 12, 24),
            [dt.date(2024, 3, 1), dt.date(2030, 11, 2)],
            dt.date(1970, 11, 3),
        ),
    ],
)
def test_anonymous_birth_date_keeps_the_age_at_every_start(born, starts, expected):
    anonymous = identity_anonymous_birth_date(born, starts)
    assert anonymous == expected

    def age(at: dt.date, birth: dt.date) -> int:
        return at.year - birth.year - ((birth.month, birth.day) > (at.month, at.day))

    assert all(age(s, anonymous) == age(s, born) for s in starts)
