"""Bulk actions on the participant list: the ticked rows or all the filter matches, within
the user's scope; the count is confirmed first; all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activities.models import Enrolment
from digiproj.projects.models import Membership
from participants.models import Invitation, Participation
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd():
    """Umeå: 3 people (one without an address, one with a login), Piteå: 2; another
    project's person; a coordinator and Umeå's contact."""
    project = ProjectFactory()
    umea = ProjectOrganisationFactory(project=project, organisation__name="Umeå").organisation
    pitea = ProjectOrganisationFactory(project=project, organisation__name="Piteå").organisation
    start = dt.date(2024, 3, 1)
    u1, u2, u3 = (
        ParticipationFactory(project=project, organisation=umea, start_date=start, last_name=n)
        for n in ("Ahl", "Berg", "Ceder")
    )
    u2.email = ""
    u2.save()
    u3.user = UserFactory(email=u3.email)
    u3.save()
    p1, p2 = (
        ParticipationFactory(project=project, organisation=pitea, start_date=start, last_name=n)
        for n in ("Dahl", "Ek")
    )
    outsider = ParticipationFactory(start_date=start)
    coordinator = MembershipFactory(project=project).user
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=umea
    ).user
    return type("Crowd", (), locals())


def _url(crowd, query: str = "") -> str:
    return reverse("participants:bulk", args=[crowd.project.pk]) + query


def _post(client, crowd, data, *, query: str = "", confirmed: bool = True):
    data = {**data, "step": "1", **({"confirmed": "1"} if confirmed else {})}
    # Enrolling and surveys are other apps': the list's form is passed on with a 307.
    follow = confirmed or data["action"] in ("enrol", "survey")
    return client.post(_url(crowd, query), data, follow=follow)


def test_a_change_of_the_ticked_rows_asks_first_then_changes_only_them(client, crowd):
    client.force_login(crowd.coordinator)
    ticked = [crowd.u1.pk, crowd.p1.pk]
    data = {"action": "update", "ids": ticked, "role_group": "manager", "isced": "5-8"}
    page = _post(client, crowd, data, confirmed=False).content.decode()
    assert "2 deltagare ändras:" in page
    assert "Yrkesgrupp: Chef/ledning" in page
    assert Participation.objects.filter(role_group="manager").count() == 0  # not yet

    page = _post(client, crowd, data).content.decode()
    assert "2 deltagare ändrade." in page
    changed = set(
        Participation.objects.filter(role_group="manager", isced="5-8").values_list("pk", flat=True)
    )
    assert changed == set(ticked)
    crowd.u1.refresh_from_db()
    assert crowd.u1.history.first().history_change_reason == "Ändrat för flera deltagare på en gång"


def test_all_matching_the_filter_means_what_the_list_showed(client, crowd):
    client.force_login(crowd.coordinator)
    query = f"?organisation={crowd.pitea.pk}"
    _post(client, crowd, {"action": "update", "all": "1", "workplace": "Bibliotek"}, query=query)
    assert set(
        Participation.objects.filter(workplace="Bibliotek").values_list("pk", flat=True)
    ) == {
        crowd.p1.pk,
        crowd.p2.pk,
    }


def test_another_organisations_and_projects_ids_are_not_chosen(client, crowd):
    client.force_login(crowd.contact)
    ids = [crowd.u1.pk, crowd.p1.pk, crowd.outsider.pk]
    _post(client, crowd, {"action": "update", "ids": ids, "workplace": "Skolan"})
    assert list(Participation.objects.filter(workplace="Skolan").values_list("pk", flat=True)) == [
        crowd.u1.pk
    ]
    # "All matching" for a contact is her organisation's people only.
    _post(client, crowd, {"action": "update", "all": "1", "workplace": "Alla"})
    assert set(Participation.objects.filter(workplace="Alla").values_list("pk", flat=True)) == {
        crowd.u1.pk,
        crowd.u2.pk,
        crowd.u3.pk,
    }


def test_ending_is_all_or_nothing_and_names_who_stops_it(client, crowd):
    crowd.p2.start_date = dt.date(2024, 6, 1)
    crowd.p2.save()
    client.force_login(crowd.coordinator)
    data = {"action": "end", "all": "1", "end_date": "2024-05-31", "end_reason": "completed"}
    page = _post(client, crowd, data, confirmed=False).content.decode()
    assert "5 pågående deltaganden avslutas 31 maj 2024." in page
    page = _post(client, crowd, data).content.decode()
    assert f"{crowd.p2.full_name}: Slutdatum kan inte ligga före startdatum" in page
    assert not Participation.objects.filter(end_date__isnull=False).exists()  # none written

    data["end_date"] = "2024-06-30"
    page = _post(client, crowd, data).content.decode()
    assert "5 deltaganden avslutade." in page
    assert (
        Participation.objects.filter(project=crowd.project, end_date=dt.date(2024, 6, 30)).count()
        == 5
    )


def test_invite_goes_to_those_with_an_address_and_no_login(
    client, crowd, django_capture_on_commit_callbacks
):
    client.force_login(crowd.coordinator)
    page = client.post(_url(crowd), {"action": "invite", "all": "1"}).content.decode()
    assert "3 deltagare utan konto får var sin inbjudan med e-post." in page
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, crowd, {"action": "invite", "all": "1"})
    invited = set(Invitation.objects.values_list("email", flat=True))
    assert invited == {crowd.u1.email, crowd.p1.email, crowd.p2.email}
    assert len(mail.outbox) == 3
    # Again: nobody is invited twice.
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, crowd, {"action": "invite", "all": "1"})
    assert Invitation.objects.count() == 3
    assert len(mail.outbox) == 3


def test_enrol_the_chosen_in_a_session_with_the_seats_shown_first(client, crowd):
    session = SessionFactory(activity__project=crowd.project, capacity=2)
    client.force_login(crowd.coordinator)
    data = {
        "action": "enrol",
        "ids": [crowd.u1.pk, crowd.p1.pk, crowd.p2.pk],
        "session": session.pk,
    }
    page = _post(client, crowd, data, confirmed=False).content.decode()
    assert "reservlista" in page.lower()
    page = _post(client, crowd, data).content.decode()
    assert "2 anmälda, 1 på reservlistan, 0 redan anmälda." in page
    assert Enrolment.objects.filter(session=session).count() == 3


def test_a_past_session_or_another_projects_is_no_choice(client, crowd):
    past = SessionFactory(
        activity__project=crowd.project, starts_at=timezone.now() - dt.timedelta(days=1)
    )
    foreign = SessionFactory()
    client.force_login(crowd.coordinator)
    for session in (past, foreign):
        response = _post(
            client,
            crowd,
            {"action": "enrol", "ids": [crowd.u1.pk], "session": session.pk},
            confirmed=False,
        )
        assert response.status_code == 400
        assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_nothing_ticked_is_told_and_changes_nothing(client, crowd):
    client.force_login(crowd.coordinator)
    page = _post(client, crowd, {"action": "update", "workplace": "X"}).content.decode()
    assert "Markera deltagare i listan" in page
    assert not Participation.objects.filter(workplace="X").exists()


def test_the_list_offers_ticks_and_all_matching(client, crowd):
    client.force_login(crowd.coordinator)
    page = client.get(reverse("participants:list", args=[crowd.project.pk])).content.decode()
    assert 'name="ids"' in page
    assert "Alla 5 som matchar filtret" in page


def test_a_survey_round_goes_to_the_chosen_only(client, crowd, django_capture_on_commit_callbacks):
    from surveys.models import Invitation as SurveyInvitation
    from tests.factories import QuestionFactory, RoundFactory, SectionFactory, SurveyFactory

    survey = SurveyFactory(project=crowd.project, title="Uppföljning")
    QuestionFactory(section=SectionFactory(survey=survey))
    round_ = RoundFactory(survey=survey, name="Höst")
    closed = RoundFactory(
        survey=survey,
        name="Vår",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    client.force_login(crowd.coordinator)
    data = {"action": "survey", "ids": [crowd.u1.pk, crowd.p1.pk], "round": round_.pk}
    page = _post(client, crowd, data, confirmed=False).content.decode()
    assert "2 deltagare får var sin inbjudan till Höst med e-post." in page
    with django_capture_on_commit_callbacks(execute=True):
        page = _post(client, crowd, data).content.decode()
    assert "2 inbjudningar skickas." in page
    invited = set(SurveyInvitation.objects.values_list("person_id", flat=True))
    assert invited == {crowd.u1.person_id, crowd.p1.person_id}  # not the round's whole group
    assert sorted(m.to[0] for m in mail.outbox) == sorted([crowd.u1.email, crowd.p1.email])
    round_.refresh_from_db()
    assert round_.invitations_sent_at is None  # the group itself is still to be sent to
    # Chosen again: nobody is invited twice; a closed round is no choice.
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, crowd, data)
    assert SurveyInvitation.objects.count() == 2
    assert len(mail.outbox) == 2
    response = _post(client, crowd, {**data, "round": closed.pk}, confirmed=False)
    assert response.status_code == 400


def test_a_contact_is_offered_only_what_she_may_do(client, crowd):
    client.force_login(crowd.contact)
    page = client.get(reverse("participants:list", args=[crowd.project.pk])).content.decode()
    assert 'value="update"' in page
    assert 'value="survey"' not in page  # sending surveys is the coordinator's
