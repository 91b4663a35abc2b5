"""Item 4 of #13: a person already imported who registers through an invitation (or an open
link) sees the record's values in the form, and what they answer is kept; the education
level was once silently dropped there."""

from __future__ import annotations

import pytest
from django.core import mail

from participants.models import Participation
from participants.services import registration_link_create
from tests.factories import ParticipationFactory, participant_test_pnr
from tests.participants.test_invitations import _confirm, invite, registration_data
from tests.participants.test_invitations import setup as setup  # the fixture, re-exported

pytestmark = pytest.mark.django_db


def _imported(setup, **extra):
    return ParticipationFactory(
        project=setup["project"],
        organisation=setup["umea"],
        email="sara@example.test",
        first_name="Sara",
        last_name="Lindqvist",
        workplace="Kansliet",
        role_group=Participation.RoleGroup.UNKNOWN,
        isced=Participation.Isced.UNKNOWN,
        person__personnummer=participant_test_pnr(9),
        **extra,
    )


def test_the_invitation_form_starts_from_the_imported_record(
    client, setup, django_capture_on_commit_callbacks
):
    _imported(setup)
    path = invite(client, setup, django_capture_on_commit_callbacks)
    form = client.get(path).context["form"]
    assert form.initial["last_name"] == "Lindqvist"
    assert form.initial["workplace"] == "Kansliet"
    assert "personnummer" not in form.initial  # typed: that is what joins the login
    assert participant_test_pnr(9) not in client.get(path).content.decode()


def test_registration_keeps_the_education_level_and_every_answer(
    client, setup, django_capture_on_commit_callbacks
):
    existing = _imported(setup)
    path = invite(client, setup, django_capture_on_commit_callbacks)
    data = registration_data(9, isced="5-8", role_group="support", workplace="Ekonomi")
    assert client.post(path, data).status_code == 302
    existing.refresh_from_db()
    assert existing.user.email == "sara@example.test"
    assert (existing.isced, existing.role_group) == ("5-8", "support")
    assert (existing.last_name, existing.workplace, existing.phone) == (
        "Lind",
        "Ekonomi",
        "070-1112233",
    )
    assert Participation.objects.count() == 1
    assert existing.history.first().isced == "5-8"


def test_an_empty_answer_keeps_what_the_record_holds(
    client, setup, django_capture_on_commit_callbacks
):
    existing = _imported(setup, phone="070-9998877")
    path = invite(client, setup, django_capture_on_commit_callbacks)
    client.post(path, registration_data(9, phone="", workplace=""))
    existing.refresh_from_db()
    assert (existing.phone, existing.workplace) == ("070-9998877", "Kansliet")
    assert existing.isced == "3-4"  # the answer, not the Okänd the import left


def test_the_open_link_keeps_the_answers_of_an_imported_person(client, setup):
    from django.urls import reverse

    existing = _imported(setup)
    link = registration_link_create(
        project=setup["project"], organisation=None, created_by_id=setup["coordinator"].pk
    )
    data = registration_data(
        9, email="sara@example.test", organisation=setup["pitea"].pk, isced="0-2"
    )
    client.post(reverse("selfservice:register", args=[link.slug]), data)
    _confirm(client, mail.outbox[-1])
    existing.refresh_from_db()
    assert existing.user is not None
    assert existing.isced == "0-2"
    assert existing.organisation == setup["pitea"]  # she chose it: the link named none
