"""The coordinator sends a month's certificates for signing: a count first, one mail per
person with time, nobody twice, only her own people for a contact, and the hours page
shows where each one stands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Certificate
from digiproj.projects.permissions import project_access
from tests.factories import AttendanceFactory, ParticipationFactory, SessionFactory

MARCH = dt.date(2026, 3, 1)


def _at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+01:00")


@pytest.fixture
def march(world):
    """Time in March 2026 for `own` (organisation A) and `foreign` (B); `idle` has none."""
    session = SessionFactory(
        activity=world.activity, starts_at=_at("2026-03-10", 9), ends_at=_at("2026-03-10", 11)
    )
    for participation in (world.own, world.foreign):
        AttendanceFactory(session=session, participation=participation)
    world.idle = ParticipationFactory(project=world.project, organisation=world.org)
    return session


def _send(client, world, *, confirmed: bool):
    url = reverse("activities:certificates_send", args=[world.project.pk])
    data = {"month": "2026-03", **({"confirmed": "1"} if confirmed else {})}
    return client.post(url, data, follow=confirmed)


def test_the_count_is_shown_before_anything_is_sent(client, world, march):
    client.force_login(world.coordinator)
    page = _send(client, world, confirmed=False).content.decode()
    assert "2 deltagare med tid i mars 2026 får var sitt mejl" in page
    assert mail.outbox == []
    assert not Certificate.objects.exists()


def test_everyone_with_time_is_mailed_once(
    client, world, march, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        page = _send(client, world, confirmed=True).content.decode()
    assert "2 närvarorapporter är skickade för underskrift." in page
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.own.email, world.foreign.email])
    link = reverse("activities:certificate", args=[world.project.pk, world.own.pk, 2026, 3])
    (own_mail,) = [m for m in mail.outbox if m.to == [world.own.email]]
    assert link in own_mail.body
    assert set(Certificate.objects.values_list("participation_id", "month")) == {
        (world.own.pk, MARCH),
        (world.foreign.pk, MARCH),
    }
    # A second click (or a second coordinator) mails no one again.
    with django_capture_on_commit_callbacks(execute=True):
        page = _send(client, world, confirmed=True).content.decode()
    assert "0 närvarorapporter är skickade" in page
    assert len(mail.outbox) == 2
    hours = client.get(
        reverse("activities:hours", args=[world.project.pk]), {"month": "2026-03"}
    ).content.decode()
    assert hours.count("Skickad, väntar på deltagaren") == 2


def test_a_contact_sends_only_to_her_organisation(
    client, world, march, django_capture_on_commit_callbacks
):
    client.force_login(world.contact)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, world, confirmed=True)
    assert [m.to for m in mail.outbox] == [[world.own.email]]


def test_a_signed_certificate_is_not_sent_and_shows_as_waiting_for_the_manager(
    client, world, march
):
    services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    access = project_access(world.coordinator, world.project)
    sent, without_address = services.certificates_send_for_signing(access=access, month=MARCH)
    assert (sent, without_address) == (1, 0)  # foreign only
    client.force_login(world.coordinator)
    hours = client.get(
        reverse("activities:hours", args=[world.project.pk]), {"month": "2026-03"}
    ).content.decode()
    assert "Väntar på chefen" in hours


def test_a_month_not_over_is_refused(world, march):
    from django.core.exceptions import ValidationError

    access = project_access(world.coordinator, world.project)
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError) as refused:
        services.certificates_send_for_signing(access=access, month=this_month)
    assert refused.value.code == "month_not_over"


def test_people_without_an_address_are_counted(client, world, march):
    world.foreign.email = ""
    world.foreign.save()
    client.force_login(world.coordinator)
    page = _send(client, world, confirmed=False).content.decode()
    assert "1 deltagare saknar e-postadress" in page


def test_another_projects_coordinator_cannot_send(client, world, march):
    client.force_login(world.outsider)
    assert _send(client, world, confirmed=True).status_code in (403, 404)
    assert not Certificate.objects.exists()


def test_the_hours_page_shows_a_certificate_changed_since_signing(
    client, world, march, django_assert_max_num_queries
):
    """Both sign; then time is added to March: the signatures no longer hold, and the hours
    page says so (it once showed "Underskriven" from the stored signatures), in a bounded
    number of queries whatever the page holds."""
    certificate = services.certificate_sign_participant(
        participation=world.own, month=MARCH, user_id=world.participant_user.pk
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        manager_signed_at=timezone.now(), manager_signed_name="Chef Chefsson"
    )
    client.force_login(world.coordinator)
    url = reverse("activities:hours", args=[world.project.pk])
    assert "Underskriven" in client.get(url, {"month": "2026-03"}).content.decode()
    later = SessionFactory(
        activity=world.activity, starts_at=_at("2026-03-20", 9), ends_at=_at("2026-03-20", 10)
    )
    AttendanceFactory(session=later, participation=world.own, minutes=60)
    for _n in range(20):  # more people with signed certificates: the same number of queries
        other = ParticipationFactory(project=world.project, organisation=world.org)
        AttendanceFactory(session=march, participation=other)
        Certificate.objects.create(
            participation=other, month=MARCH, participant_signed_at=timezone.now(),
            content_hash="x" * 64,
        )  # fmt: skip
    with django_assert_max_num_queries(25):
        hours = client.get(url, {"month": "2026-03"}).content.decode()
    assert "Ändrad efter underskrift – skrivs under igen" in hours
