"""The Django admin and personal data: superusers only, personnummer masked, a full number
only through the logged reveal, a valid number at the model level, and a corrected number
re-deriving birth date and gender through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import personnummer as pnr
from participants.models import Person, PersonnummerReveal
from participants.services import sso_login_record
from reporting.models import ReportRun
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WOMAN = pnr.test_number(dt.date(1980, 1, 1), 0, gender=pnr.Gender.WOMAN)
MAN = pnr.test_number(dt.date(1975, 6, 30), 0, gender=pnr.Gender.MAN)


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def anna():
    person = PersonFactory(personnummer=WOMAN)
    return {
        "person": person,
        "participations": [
            ParticipationFactory(person=person, first_name="Anna", last_name="Berg"),
            ParticipationFactory(person=person, first_name="Anna", last_name="Berg"),
        ],
    }


def change_url(person: Person) -> str:
    return reverse("admin:participants_person_change", args=[person.pk])


def change_data(person: Person, **overrides: str) -> dict[str, str]:
    data = {
        "new_personnummer": "",
        "_save": "1",
    }
    return {**data, **overrides}


# --- masked, and revealed only with a log --------------------------------------------------


def test_admin_list_and_change_form_mask_the_personnummer(client, superuser, anna):
    listing = client.get(reverse("admin:participants_person_changelist")).content.decode()
    form = client.get(change_url(anna["person"])).content.decode()
    for html in (listing, form):
        assert WOMAN not in html
        assert WOMAN[8:] not in html
        assert pnr.mask(WOMAN) in html
    assert not PersonnummerReveal.objects.exists()


def test_admin_reveal_is_logged_like_the_coordinators_for_every_participation(
    client, superuser, anna
):
    url = reverse("admin:participants_person_reveal", args=[anna["person"].pk])
    assert client.get(url).status_code == 405  # a reveal is a deliberate POST
    response = client.post(url)
    assert response.status_code == 200
    assert pnr.display(WOMAN) in response.content.decode()
    logged = PersonnummerReveal.objects.filter(user=superuser, context="admin")
    assert sorted(logged.values_list("participation_id", flat=True)) == sorted(
        p.pk for p in anna["participations"]
    )


def test_admin_reveal_of_a_person_without_participation_shows_nothing(client, superuser):
    person = PersonFactory(personnummer=MAN)
    response = client.post(
        reverse("admin:participants_person_reveal", args=[person.pk]), follow=True
    )
    html = response.content.decode()
    assert MAN not in html
    assert pnr.display(MAN) not in html
    assert "Numret visas inte" in html


def test_admin_history_version_form_is_refused(client, superuser, anna):
    record = anna["person"].history.first()
    url = reverse(
        "admin:participants_person_simple_history", args=[anna["person"].pk, record.history_id]
    )
    assert client.get(url).status_code == 403


# --- the number is valid at the model level, and a correction re-derives --------------------


def _built(number: str) -> Person:
    return Person(
        personnummer=number,
        birth_date=dt.date(1980, 1, 1),
        gender_from_number="K",
    )


@pytest.mark.parametrize(
    "value",
    [
        WOMAN[:-1] + str((int(WOMAN[-1]) + 1) % 10),  # wrong check digit
        f"{WOMAN[:8]}-{WOMAN[8:]}",  # valid, but not the stored form
        WOMAN[2:],
        "19801301" + WOMAN[8:],  # no such date
        "",
    ],
)
def test_model_field_refuses_an_invalid_or_unnormalised_number(value):
    person = _built(value)
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "personnummer" in error.value.message_dict


def test_model_field_accepts_a_stored_number_and_the_erased_marker():
    for value in (WOMAN, "X00000000042"):
        _built(value).full_clean()


def test_admin_correction_re_derives_birth_date_and_gender(client, superuser, anna):
    person = anna["person"]
    response = client.post(
        change_url(person), change_data(person, new_personnummer=f"{MAN[:8]}-{MAN[8:]}")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.personnummer == MAN
    assert person.birth_date == dt.date(1975, 6, 30)
    assert person.gender_from_number == "M"
    # Every project's participation follows the number's gender.
    assert {p.gender for p in person.participations.all()} == {"M"}


def test_admin_correction_keeps_a_gender_override_with_its_reason(client, superuser, anna):
    person = anna["person"]
    first = anna["participations"][0]
    first.gender_override = "K"
    first.gender_override_reason = "Anmält av deltagaren"
    first.save()
    client.post(change_url(person), change_data(person, new_personnummer=MAN))
    person.refresh_from_db()
    first.refresh_from_db()
    assert (person.personnummer, first.gender_from_number, first.gender) == (MAN, "M", "K")


def test_admin_save_without_a_new_number_keeps_the_number(client, superuser, anna):
    person = anna["person"]
    client.post(change_url(person), change_data(person))
    person.refresh_from_db()
    assert person.personnummer == WOMAN


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (WOMAN[:-1] + str((int(WOMAN[-1]) + 1) % 10), "fel kontrollsiffra"),
        (MAN, "tillhör en annan person"),
    ],
)
def test_admin_invalid_or_taken_number_is_refused_with_a_message(
    client, superuser, anna, typed, message
):
    if message.startswith("tillhör"):
        PersonFactory(personnummer=MAN)
    person = anna["person"]
    response = client.post(change_url(person), change_data(person, new_personnummer=typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert (person.personnummer, person.gender_from_number) == (WOMAN, "K")


# --- staff accounts see no personal data ----------------------------------------------------


PERSONAL_CHANGELISTS = [
    "admin:participants_person_changelist",
    "admin:participants_participation_changelist",
    "admin:participants_personnummerreveal_changelist",
    "admin:participants_invitation_changelist",
    "admin:participants_correctionrequest_changelist",
    "admin:participants_participantimport_changelist",
    "admin:activities_enrolment_changelist",
    "admin:activities_attendance_changelist",
    "admin:activities_certificate_changelist",
    "admin:surveys_surveyexport_changelist",
    "admin:reporting_reportrun_changelist",
]


def test_staff_with_view_rights_but_not_superuser_see_no_personal_data(client, anna):
    """Even a staff account given every view permission, and a coordinator's role in one
    of the person's projects, sees no people in the admin: that work is done in the app."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    MembershipFactory(user=staff, project=anna["participations"][0].project)
    client.force_login(staff)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Personer" not in index.content.decode()
    for name in PERSONAL_CHANGELISTS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(change_url(anna["person"])).status_code == 403
    reveal = reverse("admin:participants_person_reveal", args=[anna["person"].pk])
    assert client.post(reveal).status_code == 403
    assert not PersonnummerReveal.objects.exists()


def test_staff_do_not_find_participants_logins_in_the_user_admin(client, anna):
    """Staff accounts look up staff to give them roles; participants' logins (name, address)
    are personal data and stay out of their user list, search and change pages."""
    participant_login = UserFactory(first_name="Deltagarlogin")
    participation = anna["participations"][0]
    participation.user = participant_login
    participation.save()
    colleague = UserFactory(first_name="Kollega")
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)
    listing = client.get(reverse("admin:accounts_user_changelist"), {"q": participant_login.email})
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 0  # the search box echoes what was typed
    change = reverse("admin:accounts_user_change", args=[participant_login.pk])
    assert client.get(change).status_code in (302, 404)  # "does not exist" for this admin
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert colleague.email in page.content.decode()


# --- report runs: operations see a failed run, never the file -------------------------------


def test_failed_report_run_is_visible_read_only_and_its_file_only_behind_the_app_check(
    client, superuser, settings
):
    project = ProjectFactory()
    requester = MembershipFactory(project=project).user
    failed = ReportRun.objects.create(
        project=project,
        kind="register",
        file_format="csv",
        period_start=project.start_date,
        period_end=project.end_date,
        requested_by=requester,
        status=ReportRun.Status.FAILED,
        attempts=3,
        error="Arbetaren försvann tre gånger.",
    )
    listing = client.get(reverse("admin:reporting_reportrun_changelist"), {"status": "failed"})
    assert listing.status_code == 200
    assert str(failed.pk) in listing.content.decode()
    page = client.get(reverse("admin:reporting_reportrun_change", args=[failed.pk]))
    html = page.content.decode()
    assert "Arbetaren försvann tre gånger." in html
    assert 'name="attempts"' not in html  # read-only: no inputs, no save
    assert "_save" not in html
    assert client.post(reverse("admin:reporting_reportrun_add")).status_code == 403
    done = ReportRun.objects.create(
        project=project,
        kind="register",
        file_format="csv",
        period_start=project.start_date,
        period_end=project.end_date,
        requested_by=requester,
        status=ReportRun.Status.DONE,
        file="reports/x/y/register.csv",
    )
    html = client.get(reverse("admin:reporting_reportrun_change", args=[done.pk])).content.decode()
    assert settings.MEDIA_URL not in html
    assert "reports/x/y/register.csv" not in html
    assert reverse("reporting:download", args=[project.pk, done.pk]) in html


def test_sso_audit_is_read_only_in_the_admin(client, superuser):
    record = sso_login_record(
        user=superuser, provider="kommun", matched_by="email", first_link=True
    )
    listing = client.get(reverse("admin:participants_ssologin_changelist"))
    assert listing.status_code == 200
    assert "kommun" in listing.content.decode()
    assert client.get(reverse("admin:participants_ssologin_add")).status_code == 403
    delete = reverse("admin:participants_ssologin_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
