"""Adding, editing and ending one participant; contacts limited to their organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership, Project
from participants import personnummer as pnr
from participants.models import Participation, Person
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    participant_test_pnr,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    project = ProjectFactory()
    mine = ProjectOrganisationFactory(project=project).organisation
    theirs = ProjectOrganisationFactory(project=project).organisation
    outside = OrganisationFactory()
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=mine
    ).user
    return locals()


def _data(org, number, **extra):
    return {
        "personnummer": number,
        "first_name": "Anna",
        "last_name": "Testsson",
        "email": "anna@example.test",
        "phone": "070-123 45 67",
        "organisation": org.pk,
        "workplace": "Kommunkontoret",
        "role_group": "admin",
        "isced": "5-8",
        "employment_status": "employed",
        "annual_salary_cost": "540000",
        "start_date": "2024-03-01",
        "consent_given": "on",
        "consent_method": "paper",
        **extra,
    }


def test_coordinator_adds_participant_with_derived_fields(client, setup):
    client.force_login(setup["coordinator"])
    number = participant_test_pnr(1, gender=pnr.Gender.MAN)
    url = reverse("participants:create", args=[setup["project"].pk])
    response = client.post(url, _data(setup["theirs"], number[:8] + "-" + number[8:]))
    assert response.status_code == 302
    participation = Participation.objects.get()
    person = participation.person
    assert person.personnummer == number
    assert participation.gender == pnr.Gender.MAN
    assert person.birth_date == dt.date(1970, 1, 1)
    assert participation.organisation == setup["theirs"]
    assert participation.consent_method == "paper"
    assert participation.consent_given_at is not None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("19700101-9800", "fel kontrollsiffra"),
        ("19701301-9801", "datum som inte finns"),
        ("1234", "10 eller 12 siffror"),
    ],
)
def test_bad_personnummer_is_explained_and_nothing_saved(client, setup, number, message):
    client.force_login(setup["coordinator"])
    url = reverse("participants:create", args=[setup["project"].pk])
    response = client.post(url, _data(setup["mine"], number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_same_personnummer_twice_in_project_is_a_clear_error(client, setup):
    client.force_login(setup["coordinator"])
    number = participant_test_pnr(2)
    url = reverse("participants:create", args=[setup["project"].pk])
    assert client.post(url, _data(setup["mine"], number)).status_code == 302
    response = client.post(url, _data(setup["mine"], number, first_name="Annan"))
    assert response.status_code == 200
    assert "är redan deltagare i projektet" in response.content.decode()
    assert Participation.objects.count() == 1


def test_same_person_in_another_project_reuses_person(client, setup):
    number = participant_test_pnr(3)
    other = ParticipationFactory(person__personnummer=number)
    client.force_login(setup["coordinator"])
    url = reverse("participants:create", args=[setup["project"].pk])
    assert client.post(url, _data(setup["mine"], number)).status_code == 302
    assert Person.objects.count() == 1
    assert Participation.objects.filter(person=other.person).count() == 2


def test_contact_can_only_pick_own_organisation(client, setup):
    client.force_login(setup["contact"])
    url = reverse("participants:create", args=[setup["project"].pk])
    form = client.get(url).context["form"]
    assert list(form.fields["organisation"].queryset) == [setup["mine"]]
    response = client.post(url, _data(setup["theirs"], participant_test_pnr(4)))
    assert response.status_code == 200
    assert not Participation.objects.exists()


def test_employer_outside_project_is_refused(client, setup):
    client.force_login(setup["coordinator"])
    url = reverse("participants:create", args=[setup["project"].pk])
    response = client.post(url, _data(setup["outside"], participant_test_pnr(5)))
    assert response.status_code == 200
    assert not Participation.objects.exists()


def test_gender_override_needs_reason(client, setup):
    client.force_login(setup["coordinator"])
    url = reverse("participants:create", args=[setup["project"].pk])
    response = client.post(url, _data(setup["mine"], participant_test_pnr(6), gender_override="M"))
    assert "Skriv varför könet ändras" in response.content.decode()
    assert not Person.objects.exists()
    data = _data(
        setup["mine"],
        participant_test_pnr(6),
        gender_override="M",
        gender_override_reason="Juridiskt kön ändrat",
    )
    assert client.post(url, data).status_code == 302
    assert Participation.objects.get().gender == pnr.Gender.MAN


def test_non_binary_only_in_esf_plus(client, setup):
    client.force_login(setup["coordinator"])
    url = reverse("participants:create", args=[setup["project"].pk])
    data = _data(
        setup["mine"], participant_test_pnr(7), gender_override="X", gender_override_reason="Egen"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Person.objects.exists()
    project = setup["project"]
    project.programme_period = Project.ProgrammePeriod.ESF_PLUS_2021_2027
    project.save()
    assert client.post(url, data).status_code == 302
    assert Participation.objects.get().gender == pnr.Gender.NON_BINARY


def test_edit_participant(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["mine"])
    client.force_login(setup["contact"])
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    assert client.get(url).status_code == 200
    data = _data(setup["mine"], "", first_name="Berit", isced="3-4")
    del data["personnummer"]
    assert client.post(url, data).status_code == 302
    participation.refresh_from_db()
    assert participation.first_name == "Berit"
    assert participation.isced == "3-4"
    assert participation.history.count() == 2


def test_contact_cannot_edit_other_organisations_participant(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["theirs"])
    client.force_login(setup["contact"])
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    assert client.get(url).status_code == 404


def test_end_participation(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["mine"])
    client.force_login(setup["coordinator"])
    url = reverse("participants:end", args=[setup["project"].pk, participation.pk])
    response = client.post(url, {"end_date": "2024-02-01", "end_reason": "completed"})
    assert response.status_code == 400
    assert "Slutdatum kan inte ligga före startdatum" in response.content.decode()
    participation.refresh_from_db()
    assert participation.end_date is None
    response = client.post(url, {"end_date": "2024-06-30", "end_reason": "completed"})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.end_date == dt.date(2024, 6, 30)
    assert participation.end_reason == "completed"


def test_outsider_gets_404_on_create(client, setup):
    client.force_login(MembershipFactory().user)
    url = reverse("participants:create", args=[setup["project"].pk])
    assert client.get(url).status_code == 404


def test_protected_identity_hides_contact_data_from_contact(client, setup):
    participation = ParticipationFactory(
        project=setup["project"],
        organisation=setup["mine"],
        email="skyddad@example.test",
        phone="070-9999999",
        protected_identity=True,
    )
    detail = reverse("participants:detail", args=[setup["project"].pk, participation.pk])
    edit = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    client.force_login(setup["contact"])
    for url in (detail, edit):
        html = client.get(url).content.decode()
        assert "skyddad@example.test" not in html
        assert "070-9999999" not in html
    data = _data(setup["mine"], "", first_name="Ny")
    for name in ("personnummer", "email", "phone"):
        del data[name]
    assert client.post(edit, data).status_code == 302
    participation.refresh_from_db()
    assert participation.first_name == "Ny"
    assert participation.email == "skyddad@example.test"  # kept, not blanked
    assert participation.protected_identity  # a contact cannot lift it
    client.force_login(setup["coordinator"])
    assert "skyddad@example.test" in client.get(detail).content.decode()


def test_only_coordinator_sets_protected_identity(client, setup):
    url = reverse("participants:create", args=[setup["project"].pk])
    client.force_login(setup["contact"])
    assert "protected_identity" not in client.get(url).context["form"].fields
    client.force_login(setup["coordinator"])
    data = _data(setup["mine"], participant_test_pnr(8), protected_identity="on")
    assert client.post(url, data).status_code == 302
    assert Participation.objects.get().protected_identity


def test_coordinator_corrects_personnummer_without_seeing_it(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["mine"])
    old = participation.person.personnummer
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    client.force_login(setup["coordinator"])
    html = client.get(url).content.decode()
    assert old not in html
    # No other way of writing the number either (ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN, ÅÅMMDDNNNN); the
    # last four digits alone could turn up by chance in the page's random CSRF token.
    for form in (f"{old[:8]}-{old[8:]}", f"{old[2:8]}-{old[8:]}", old[2:]):
        assert form not in html
    data = _data(setup["mine"], "")
    assert client.post(url, data).status_code == 302  # blank keeps the number
    participation.person.refresh_from_db()
    assert participation.person.personnummer == old
    new = participant_test_pnr(40, gender=pnr.Gender.MAN)
    assert client.post(url, _data(setup["mine"], new)).status_code == 302
    participation.refresh_from_db()
    assert participation.person.personnummer == new
    assert participation.gender == pnr.Gender.MAN
    # A number another project holds: this participation joins that identity; the answer
    # does not say the number is known elsewhere, and the other project's record is as it was.
    other = ParticipationFactory(first_name="Annan", email="annan@example.test")
    taken = other.person.personnummer
    response = client.post(url, _data(setup["mine"], taken))
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.person == other.person
    assert participation.first_name != "Annan"
    other.refresh_from_db()
    assert (other.first_name, other.email) == ("Annan", "annan@example.test")
    # The identity it left, held by nobody now, is gone.
    assert not Person.objects.filter(personnummer=new).exists()


def test_contact_cannot_change_personnummer(client, setup):
    participation = ParticipationFactory(project=setup["project"], organisation=setup["mine"])
    old = participation.person.personnummer
    url = reverse("participants:edit", args=[setup["project"].pk, participation.pk])
    client.force_login(setup["contact"])
    assert "personnummer" not in client.get(url).context["form"].fields
    client.post(url, _data(setup["mine"], participant_test_pnr(41)))
    participation.person.refresh_from_db()
    assert participation.person.personnummer == old


def test_reopen_keeps_start_date(client, setup):
    participation = ParticipationFactory(
        project=setup["project"],
        organisation=setup["mine"],
        end_date=dt.date(2024, 6, 1),
        end_reason="left_employer",
    )
    client.force_login(setup["contact"])
    url = reverse("participants:reopen", args=[setup["project"].pk, participation.pk])
    assert client.post(url).status_code == 302
    participation.refresh_from_db()
    assert participation.end_date is None
    assert participation.end_reason == ""
    assert participation.start_date == dt.date(2024, 3, 1)
    assert client.get(url).status_code == 405


def test_duplicate_message_does_not_show_another_organisations_name(client, setup):
    other = ParticipationFactory(
        project=setup["project"], organisation=setup["theirs"], last_name="Hemligsson"
    )
    client.force_login(setup["contact"])
    url = reverse("participants:create", args=[setup["project"].pk])
    html = client.post(url, _data(setup["mine"], other.person.personnummer)).content.decode()
    assert "redan deltagare i projektet" in html
    assert "Hemligsson" not in html
