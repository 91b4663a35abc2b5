"""Approving the ticked self-reported time at once: the count and minutes first, only pending
time in the user's scope, each row decided as one approval would."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from activities.models import Activity, SelfReportedTime
from tests.factories import ActivityFactory, SelfReportedTimeFactory


def _reports(world):
    film = ActivityFactory(project=world.project, kind=Activity.Kind.RECORDED, title="Film")
    own_a, own_b = (
        SelfReportedTimeFactory(
            activity=film,
            participation=world.own,
            date=dt.date(2026, 3, d),
            minutes=m,
            status="pending",
        )
        for d, m in ((3, 40), (4, 25))
    )
    foreign = SelfReportedTimeFactory(
        activity=film,
        participation=world.foreign,
        date=dt.date(2026, 3, 5),
        minutes=30,
        status="pending",
    )
    rejected = SelfReportedTimeFactory(
        activity=film,
        participation=world.own,
        date=dt.date(2026, 3, 6),
        minutes=10,
        status="rejected",
    )
    return own_a, own_b, foreign, rejected


def _approve(client, world, ids, *, confirmed):
    url = reverse("activities:self_reports_approve", args=[world.project.pk])
    data = {"ids": ids, **({"confirmed": "1"} if confirmed else {})}
    return client.post(url, data, follow=confirmed)


def test_the_ticked_pending_time_is_approved_after_the_count(client, world):
    own_a, own_b, foreign, rejected = _reports(world)
    client.force_login(world.coordinator)
    ids = [own_a.pk, own_b.pk, rejected.pk]
    page = _approve(client, world, ids, confirmed=False).content.decode()
    assert "2 rapporter, sammanlagt 65 minuter, godkänns" in page
    assert not SelfReportedTime.objects.filter(status="approved").exists()

    page = _approve(client, world, ids, confirmed=True).content.decode()
    assert "2 rapporter är godkända." in page
    statuses = dict(SelfReportedTime.objects.values_list("pk", "status"))
    assert statuses == {
        own_a.pk: "approved",
        own_b.pk: "approved",
        foreign.pk: "pending",
        rejected.pk: "rejected",  # a decision is not overturned in bulk
    }
    own_a.refresh_from_db()
    assert own_a.decided_by == world.coordinator


def test_a_contact_approves_only_her_organisations_time(client, world):
    own_a, _own_b, foreign, _rejected = _reports(world)
    client.force_login(world.contact)
    _approve(client, world, [own_a.pk, foreign.pk], confirmed=True)
    assert set(SelfReportedTime.objects.filter(status="approved").values_list("pk", flat=True)) == {
        own_a.pk
    }


def test_the_list_ticks_only_pending_time(client, world):
    own_a, _own_b, _foreign, rejected = _reports(world)
    client.force_login(world.coordinator)
    page = client.get(reverse("activities:self_reports", args=[world.project.pk])).content.decode()
    assert f'value="{own_a.pk}" form="approve-selected"' in page
    assert f'value="{rejected.pk}" form="approve-selected"' not in page
