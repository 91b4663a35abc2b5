"""The nearest manager kept on the participation, in the certificate's request flow (#14 item
2): the request form is filled in with the stored address, a new address typed there is
kept, a refused one is not, and nobody reaches a participation outside their scope."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from activities import services
from activities.models import Certificate
from tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    MembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def signed(world):
    """`world.own` has a March 2026 morning (180 minutes) and has signed the month."""
    start = dt.datetime(2026, 3, 10, 9, tzinfo=STHLM)
    session = SessionFactory(
        activity=world.activity, starts_at=start, ends_at=start.replace(hour=12)
    )
    EnrolmentFactory(session=session, participation=world.own)
    AttendanceFactory(session=session, participation=world.own)
    return services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )


def _page(world) -> str:
    return reverse("activities:certificate", args=[world.project.pk, world.own.pk, 2026, 3])


def _request(world, participation=None) -> str:
    participation = participation or world.own
    return reverse(
        "activities:certificate_request_manager",
        args=[world.project.pk, participation.pk, 2026, 3],
    )


def test_the_request_form_is_filled_in_with_the_stored_manager(world, signed, client):
    world.own.manager_name, world.own.manager_email = "Bo Chef", "bo.chef@example.test"
    world.own.save()
    for user in (world.participant_user, world.coordinator, world.contact):
        client.force_login(user)
        page = client.get(_page(world)).content.decode()
        assert 'value="bo.chef@example.test"' in page
        assert "sparas som deltagarens närmaste chef" in page  # the help text says so


def test_a_new_address_typed_in_the_request_is_kept_on_the_participation(
    world, signed, client, django_capture_on_commit_callbacks
):
    world.own.manager_name, world.own.manager_email = "Bo Chef", "bo.chef@example.test"
    world.own.save()
    client.force_login(world.participant_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_request(world), {"email": "Ny.Chef@Example.TEST"})
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert world.own.manager_email == "ny.chef@example.test"
    assert world.own.manager_name == ""  # Bo Chef's name is not the new manager's
    assert world.own.history.first().history_change_reason == (
        "Närmaste chef angiven för närvarorapporten"
    )
    assert {m.to[0] for m in mail.outbox} == {"ny.chef@example.test"}  # two mails, one address
    # Next month's page is filled in with it.
    assert 'value="ny.chef@example.test"' in client.get(_page(world)).content.decode()


def test_the_same_address_again_changes_nothing(world, signed, client):
    world.own.manager_name, world.own.manager_email = "Bo Chef", "bo.chef@example.test"
    world.own.save()
    versions = world.own.history.count()
    client.force_login(world.coordinator)
    client.post(_request(world), {"email": "bo.chef@example.test"})
    world.own.refresh_from_db()
    assert (world.own.manager_name, world.own.manager_email) == ("Bo Chef", "bo.chef@example.test")
    assert world.own.history.count() == versions
    assert Certificate.objects.get().manager_email == "bo.chef@example.test"


def test_a_refused_address_is_not_kept(world, signed, client):
    """The participant's own address is no manager: the request is refused, nothing kept."""
    client.force_login(world.participant_user)
    client.post(_request(world), {"email": world.own.email})
    world.own.refresh_from_db()
    assert world.own.manager_email == ""
    assert Certificate.objects.get().manager_email == ""


def test_a_request_for_a_participation_outside_the_scope_is_404(world, signed, client):
    """A contact asks for another organisation's participant, a coordinator of another
    project for this one's: 404, and nothing is kept or sent."""
    other_coordinator = MembershipFactory().user
    foreign_page = reverse(
        "activities:certificate", args=[world.project.pk, world.foreign.pk, 2026, 3]
    )
    cases = [
        (world.contact, foreign_page, _request(world, world.foreign)),
        (other_coordinator, _page(world), _request(world)),
    ]
    for user, page, url in cases:
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.post(url, {"email": "chef@example.test"}).status_code == 404
    world.own.refresh_from_db()
    world.foreign.refresh_from_db()
    assert world.own.manager_email == world.foreign.manager_email == ""
    assert not mail.outbox
