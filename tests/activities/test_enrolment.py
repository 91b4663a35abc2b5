"""Enrolment: capacity, waiting list, deadline, overlap, cancellation and promotion mail."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from activities import services, tasks
from activities.models import Enrolment
from participants.models import Participation
from tests.factories import EnrolmentFactory, ParticipationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _people(project, n, **kwargs):
    return [ParticipationFactory(project=project, **kwargs) for _ in range(n)]


def test_enrol_until_full_then_waiting_list_in_order(world):
    world.session.capacity = 2
    world.session.save()
    a, b, c, d = _people(world.project, 4)
    results = [
        services.enrolment_create(session=world.session, participation=p, by_user_id=None)
        for p in (a, b, c, d)
    ]
    assert [r.enrolment.status for r in results] == ["enrolled", "enrolled", "waiting", "waiting"]
    assert results[2].enrolment.waiting_position < results[3].enrolment.waiting_position
    assert results[2].waiting


def test_enrolling_twice_is_idempotent(world):
    first = services.enrolment_create(
        session=world.session, participation=world.own, by_user_id=None
    )
    again = services.enrolment_create(
        session=world.session, participation=world.own, by_user_id=None
    )
    assert not again.created
    assert again.enrolment.pk == first.enrolment.pk
    assert Enrolment.objects.count() == 1


def test_database_allows_one_live_enrolment_per_person_and_session(world):
    EnrolmentFactory(session=world.session, participation=world.own)
    with pytest.raises(IntegrityError):
        Enrolment.objects.create(session=world.session, participation=world.own, status="enrolled")


def test_cancelled_enrolment_allows_enrolling_again(world):
    enrolment = EnrolmentFactory(session=world.session, participation=world.own)
    services.enrolment_cancel(enrolment=enrolment, by_user_id=None)
    again = services.enrolment_create(
        session=world.session, participation=world.own, by_user_id=None
    )
    assert again.created
    assert again.enrolment.status == "enrolled"


def test_enrolment_after_deadline_is_refused(world):
    world.session.enrolment_deadline = timezone.now() - dt.timedelta(hours=1)
    world.session.save()
    with pytest.raises(ValidationError, match="Sista anmälningsdag"):
        services.enrolment_create(session=world.session, participation=world.own, by_user_id=None)
    assert not Enrolment.objects.exists()


def test_person_from_another_project_cannot_be_enrolled(world):
    stranger = ParticipationFactory()
    with pytest.raises(ValidationError, match="inte i det här projektet"):
        services.enrolment_create(session=world.session, participation=stranger, by_user_id=None)


def test_overlapping_session_gives_a_warning(world):
    services.enrolment_create(session=world.session, participation=world.own, by_user_id=None)
    overlapping = SessionFactory(
        activity__project=world.project,
        starts_at=world.session.starts_at + dt.timedelta(minutes=30),
    )
    result = services.enrolment_create(
        session=overlapping, participation=world.own, by_user_id=None
    )
    assert result.created
    assert len(result.warnings) == 1
    assert "överlappar" in result.warnings[0]
    assert world.session.activity.title in result.warnings[0]


def test_group_enrolment_by_organisation_and_role_group(world):
    admins = [world.own, *_people(world.project, 2, organisation=world.org, role_group="admin")]
    _people(world.project, 2, organisation=world.other_org, role_group="admin")
    _people(world.project, 2, organisation=world.org, role_group="support")
    group = services.participants_in_group(
        participations=Participation.objects.filter(project=world.project),
        organisation_id=world.org.pk,
        role_group="admin",
    )
    result = services.enrolment_create_for_group(
        session=world.session, participations=group, by_user_id=None
    )
    assert (result.enrolled, result.waiting, result.already) == (3, 0, 0)
    assert set(world.session.enrolments.values_list("participation_id", flat=True)) == {
        p.pk for p in admins
    }


def test_group_hook_takes_a_person_id_queryset(world):
    chosen = _people(world.project, 2)
    _people(world.project, 2)
    person_ids = Participation.objects.filter(pk__in=[p.pk for p in chosen]).values("person_id")
    group = services.participants_in_group(
        participations=Participation.objects.filter(project=world.project), person_ids=person_ids
    )
    assert {p.pk for p in group} == {p.pk for p in chosen}


def test_cancellation_promotes_first_waiting_and_mails_once(
    world, django_capture_on_commit_callbacks
):
    world.session.capacity = 1
    world.session.save()
    a, b, c = _people(world.project, 3)
    first = services.enrolment_create(session=world.session, participation=a, by_user_id=None)
    services.enrolment_create(session=world.session, participation=b, by_user_id=None)
    services.enrolment_create(session=world.session, participation=c, by_user_id=None)

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.enrolment_cancel(enrolment=first.enrolment, by_user_id=None)

    assert promoted.participation_id == b.pk
    promoted.refresh_from_db()
    assert promoted.status == "enrolled"
    assert promoted.promotion_notified_at is not None
    # The one cancelled is told so; the one moved up gets one mail, with the calendar file.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    (moved_up,) = [m for m in mail.outbox if m.to == [b.email]]
    assert b.person.personnummer not in moved_up.body
    assert [name for name, _content, _type in moved_up.attachments] == ["tillfalle.ics"]
    # Redelivery of the same task sends nothing more.
    assert tasks.enrolment_promotion_notify_task(promoted.pk) is False
    assert len(mail.outbox) == 2
    assert Enrolment.objects.get(participation=c).status == "waiting"


def test_cancelling_a_waiting_place_promotes_nobody(world, django_capture_on_commit_callbacks):
    world.session.capacity = 1
    world.session.save()
    a, b = _people(world.project, 2)
    services.enrolment_create(session=world.session, participation=a, by_user_id=None)
    waiting = services.enrolment_create(session=world.session, participation=b, by_user_id=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.enrolment_cancel(enrolment=waiting.enrolment, by_user_id=None) is None
    # Only the one who left the queue is told; nobody moved up.
    assert [m.to for m in mail.outbox] == [[b.email]]
    assert "Avbokad" in mail.outbox[0].subject


def test_cancellation_after_deadline_is_refused(world):
    enrolment = EnrolmentFactory(session=world.session, participation=world.own)
    world.session.enrolment_deadline = timezone.now() - dt.timedelta(minutes=1)
    world.session.save()
    with pytest.raises(ValidationError, match="Sista dag att avboka"):
        services.enrolment_cancel(enrolment=enrolment, by_user_id=None)
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_reminders_are_sent_once(world):
    soon = SessionFactory(activity=world.activity, starts_at=timezone.now() + dt.timedelta(hours=3))
    EnrolmentFactory(session=soon, participation=world.own)
    EnrolmentFactory(session=world.session, participation=world.foreign)  # in 7 days
    assert services.enrolment_reminders_send() == 1
    assert services.enrolment_reminders_send() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.own.email]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_enrolments_for_three_last_seats():
    assert connection.vendor == "postgresql"
    session = SessionFactory(capacity=5)
    project = session.activity.project
    for p in _people(project, 2):
        EnrolmentFactory(session=session, participation=p)
    people = _people(project, 20)
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def enrol(participation):
        from django.db import connections

        try:
            barrier.wait(timeout=30)
            services.enrolment_create(session=session, participation=participation, by_user_id=None)
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    mine = Enrolment.objects.filter(participation__in=people)
    assert mine.filter(status="enrolled").count() == 3
    assert mine.filter(status="waiting").count() == 17
    assert session.enrolments.filter(status="enrolled").count() == 5
    positions = list(mine.filter(status="waiting").values_list("waiting_position", flat=True))
    assert len(set(positions)) == 17
