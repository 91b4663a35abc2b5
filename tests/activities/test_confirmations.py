"""Enrolling a group and cancelling an enrolment are asked about first, on a page of their own
(no JavaScript dialog), with what will happen worked out by the same rule that then does it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from activities.models import Enrolment
from tests.factories import EnrolmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def _url(name, world, *args):
    return reverse(f"activities:{name}", args=[world.project.pk, *args])


def _group_post(client, world, **extra):
    return client.post(
        _url("enrol_group", world, world.session.pk),
        {"organisation": "", "role_group": "", **extra},
        follow=True,
    )


def test_group_enrolment_onto_a_waiting_list_says_who_waits_before_it_is_done(client, world):
    # Four people in the group (own, foreign and two more), one already enrolled; two seats
    # of which one is taken by someone outside the group: one seat left.
    ParticipationFactory.create_batch(2, project=world.project, organisation=world.org)
    world.session.capacity = 2
    world.session.save()
    EnrolmentFactory(session=world.session, participation=world.own)
    client.force_login(world.coordinator)

    asked = _group_post(client, world)
    html = asked.content.decode()
    assert asked.status_code == 200
    for line in (
        "4 personer i gruppen (alla organisationer).",
        "1 anmäls till tillfället.",
        "2 hamnar på reservlistan: tillfället har bara 1 lediga platser.",
        "1 är redan anmäld och berörs inte.",
    ):
        assert line in html
    assert Enrolment.objects.count() == 1  # nothing done yet
    back = _url("session", world, world.session.pk)
    assert f'href="{back}"' in html  # "Avbryt" goes back to the session

    done = _group_post(client, world, confirmed="1")
    # The same figures, now done.
    assert "1 anmäld, 2 på reservlistan, 1 var redan anmäld." in done.content.decode()
    statuses = list(world.session.enrolments.values_list("status", flat=True))
    assert sorted(statuses) == ["enrolled", "enrolled", "waiting", "waiting"]


def test_confirmation_in_english_uses_plural_forms(client, world):
    client.force_login(world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post(
        _url("enrol_group", world, world.session.pk), {"organisation": "", "role_group": ""}
    ).content.decode()
    assert "2 people in the group (all organisations)." in html
    assert "2 will be enrolled in the session." in html


def test_staff_cancelling_a_seat_are_told_who_moves_up(client, world):
    world.session.capacity = 1
    world.session.save()
    seat = EnrolmentFactory(session=world.session, participation=world.own)
    EnrolmentFactory(
        session=world.session, participation=world.foreign, status="waiting", waiting_position=1
    )
    client.force_login(world.coordinator)
    html = client.post(_url("cancel", world, seat.pk)).content.decode()
    assert f"Anmälan för {world.own.full_name} till {world.session.activity.title}" in html
    assert "Den första på reservlistan får platsen och ett mejl om det." in html
    seat.refresh_from_db()
    assert seat.status == "enrolled"
    client.post(_url("cancel", world, seat.pk), {"confirmed": "1"})
    assert dict(world.session.enrolments.values_list("participation", "status")) == {
        world.own.pk: "cancelled",
        world.foreign.pk: "enrolled",
    }


def test_out_of_scope_is_404_before_any_question(client, world):
    other = EnrolmentFactory(participation=ParticipationFactory())
    client.force_login(world.coordinator)
    assert client.post(_url("cancel", world, other.pk)).status_code == 404
