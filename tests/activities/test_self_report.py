"""Self-reported time sent twice (#17 item 14): the form's token makes one row, and the second
send, sequential or racing, gets the same clear answer."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse

from activities import services
from activities.models import SelfReportedTime
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _report(world, recorded, token):
    return services.self_report_create(
        activity=recorded,
        participation=world.own,
        date=dt.date(2024, 5, 2),
        minutes=50,
        by_user_id=world.participant_user.pk,
        submit_token=token,
    )


def test_same_self_report_form_sent_twice_makes_one_row(client, world):
    recorded = ActivityFactory(project=world.project, kind="recorded")
    client.force_login(world.participant_user)
    page = client.get(reverse("my_activities")).content.decode()
    token = re.search(r'name="submit_token" value="([0-9a-f-]{36})"', page).group(1)
    url = reverse("activities:my_self_report", args=[world.project.pk])
    form = {"activity": recorded.pk, "date": "2024-05-02", "minutes": "50", "submit_token": token}

    first = client.post(url, form, follow=True)
    second = client.post(url, form, follow=True)

    assert SelfReportedTime.objects.count() == 1
    assert "väntar på godkännande" in first.content.decode()
    assert "Tiden är redan rapporterad" in second.content.decode()
    # A newly shown form has a new token: the same time reported again on purpose counts.
    again = client.get(reverse("my_activities")).content.decode()
    assert token not in again


def test_self_report_sent_twice_is_refused_with_code(world):
    recorded = ActivityFactory(project=world.project, kind="recorded")
    token = uuid.uuid4()
    _report(world, recorded, token)
    with pytest.raises(ValidationError, match="redan rapporterad") as exc:
        _report(world, recorded, token)
    assert exc.value.code == "already_reported"
    assert SelfReportedTime.objects.count() == 1
    _report(world, recorded, None)  # without a token (no form): no guard
    assert SelfReportedTime.objects.count() == 2


def test_self_report_race_on_the_unique_constraint_gives_the_same_answer(world):
    """Both sends pass the first-come check before either has saved: the second insert hits
    uniq_self_report_submit and must answer like the check (no IntegrityError, no 500)."""
    recorded = ActivityFactory(project=world.project, kind="recorded")
    token = uuid.uuid4()
    _report(world, recorded, token)
    real_exists = QuerySet.exists
    calls: list[int] = []

    def first_check_misses(self):
        calls.append(1)
        return False if len(calls) == 1 else real_exists(self)

    with (
        mock.patch.object(QuerySet, "exists", first_check_misses),
        pytest.raises(ValidationError, match="redan rapporterad") as exc,
    ):
        _report(world, recorded, token)
    assert exc.value.code == "already_reported"
    assert SelfReportedTime.objects.count() == 1
