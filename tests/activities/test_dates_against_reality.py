"""Dates against reality (#13 item 6): a certificate is signed only for a month that has
ended (the service, the certificate page, the participant's own page and her start page say
the same), and the participant's own hours page shows every minute the coordinator's month
pages and her certificates show, also time the project's period no longer covers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from activities import certificates, services
from activities.models import Certificate
from activities.selectors import certificates as certificate_selectors
from activities.selectors import time_totals
from digiproj.projects.models import Project
from digiproj.projects.permissions import project_access
from tests.factories import AttendanceFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def _attend(world, start: dt.datetime, minutes: int) -> None:
    session = SessionFactory(
        activity=world.activity, starts_at=start, ends_at=start + dt.timedelta(minutes=minutes)
    )
    EnrolmentFactory(session=session, participation=world.own)
    AttendanceFactory(session=session, participation=world.own, minutes=minutes)


@pytest.fixture
def march(world):
    _attend(world, dt.datetime(2026, 3, 31, 9, tzinfo=STHLM), 120)
    return world


def _sign(world, month: dt.date = dt.date(2026, 3, 1)) -> Certificate:
    return services.certificate_sign_participant(
        participation=world.own, month=month, user_id=world.participant_user.pk
    )


@pytest.mark.parametrize(
    ("now", "over"),
    [
        # The last minute of March in Stockholm (21:59 UTC in summer time) is still March.
        ("2026-03-31 21:59:00", False),
        # 00:01 on 1 April in Stockholm is 22:01 UTC on 31 March: the month is over.
        ("2026-03-31 22:01:00", True),
    ],
)
def test_the_month_is_over_at_midnight_in_stockholm(now, over):
    with freeze_time(now):
        assert certificates.month_over(dt.date(2026, 3, 15)) is over


def test_a_month_not_over_cannot_be_signed(march):
    with freeze_time("2026-03-31 20:00:00"), pytest.raises(ValidationError) as refused:
        _sign(march)
    assert refused.value.code == "month_not_over"
    assert "mars 2026 är inte slut ännu" in refused.value.messages[0]
    assert not Certificate.objects.filter(participant_signed_at__isnull=False).exists()
    with freeze_time("2026-04-01 08:00:00"):
        assert _sign(march).participant_signed_at is not None


def test_pages_offer_the_signature_only_once_the_month_is_over(client, march):
    client.force_login(march.participant_user)
    page = reverse("activities:certificate", args=[march.project.pk, march.own.pk, 2026, 3])
    with freeze_time("2026-03-31 20:00:00"):
        during = client.get(page).content.decode()
        mine = client.get(reverse("my_activities")).content.decode()
        todo = client.get("/").content.decode()
        posted = client.post(
            reverse("activities:sign", args=[march.project.pk, 2026, 3]), follow=True
        )
    assert "Skriv under</button>" not in during
    assert "mars 2026 är inte slut ännu" in during
    assert "Månaden pågår" in mine
    assert "Att skriva under" not in mine
    assert "Skriv under närvarorapporten för mars 2026" not in todo
    assert "är inte slut ännu" in posted.content.decode()  # a forged post: refused, said so
    assert not Certificate.objects.exists()
    with freeze_time("2026-04-01 08:00:00"):
        after = client.get(page).content.decode()
        mine = client.get(reverse("my_activities")).content.decode()
        todo = client.get("/").content.decode()
    assert "Skriv under</button>" in after
    assert "Att skriva under" in mine
    assert "Månaden pågår" not in mine
    assert "Skriv under närvarorapporten för mars 2026" in todo


def test_the_participant_sees_every_minute_the_coordinator_sees(client, world):
    """Time recorded in March and April; then the project's period is moved to start on
    1 April (a corrected decision). The coordinator's month pages and the certificates still
    show March's 150 minutes, so her own page does too, beside April's 60."""
    _attend(world, dt.datetime(2026, 3, 10, 9, tzinfo=STHLM), 150)
    _attend(world, dt.datetime(2026, 4, 2, 9, tzinfo=STHLM), 60)
    Project.objects.filter(pk=world.project.pk).update(start_date=dt.date(2026, 4, 1))
    world.own.refresh_from_db()
    access = project_access(world.coordinator, world.project)

    own = time_totals.participant_hours(participation=world.own)
    assert [(r["month"], r["minutes"]) for r in own["months"]] == [
        (dt.date(2026, 3, 1), 150),
        (dt.date(2026, 4, 1), 60),
    ]
    assert own["minutes"] == 210
    for month, minutes in ((dt.date(2026, 3, 1), 150), (dt.date(2026, 4, 1), 60)):
        assert world.own in time_totals.month_participations(access=access, month=month)
        by_participation = time_totals.month_minutes(participation_ids=[world.own.pk], month=month)
        assert by_participation[world.own.pk] == minutes
        data = certificate_selectors.certificate_data(participation=world.own, month=month)
        assert data["total_minutes"] == minutes
    by_activity = time_totals.hours_by_activity(participation=world.own)
    assert sum(r["minutes"] for r in by_activity) == 210

    client.force_login(world.participant_user)
    mine = client.get(reverse("my_activities")).content.decode()
    assert '<td class="num">150</td>' in mine
    assert '<td class="num">210</td>' in mine
