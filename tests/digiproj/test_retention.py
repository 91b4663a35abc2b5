"""Issue 17, item 12: the retention date is kept in history with who and why, and the project's
own settings cannot move it so that a participant could be fully anonymised early."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from digiproj.projects.models import Project, RetentionChange
from participants.models import Participation
from tests.factories import MembershipFactory, ParticipationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    project = ProjectFactory(retain_until=dt.date(2099, 12, 31))
    coordinator = MembershipFactory(project=project, user__first_name="Siv").user
    client.force_login(coordinator)
    url = reverse("project_settings", args=[project.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    return {"project": project, "coordinator": coordinator, "url": url, "data": data}


def test_a_later_retention_date_is_kept_in_history_with_who_and_why(client, world):
    data = {**world["data"], "retain_until": "2100-06-30", "retain_until_reason": "Beslut 2024-5"}
    assert client.post(world["url"], data).status_code == 302
    change = RetentionChange.objects.get()
    assert (change.old_value, change.new_value) == (dt.date(2099, 12, 31), dt.date(2100, 6, 30))
    assert (change.changed_by, change.reason) == (world["coordinator"], "Beslut 2024-5")
    page = client.get(world["url"]).content.decode()
    assert "Beslut 2024-5" in page
    assert "2100-06-30" in page


def test_a_changed_retention_date_needs_a_reason(client, world):
    response = client.post(world["url"], {**world["data"], "retain_until": "2100-06-30"})
    assert response.status_code == 400
    assert "Skriv varför arkiveringsdatumet ändras" in response.content.decode()
    world["project"].refresh_from_db()
    assert world["project"].retain_until == dt.date(2099, 12, 31)
    assert not RetentionChange.objects.exists()


def test_other_settings_save_without_a_reason(client, world):
    assert (
        client.post(world["url"], {**world["data"], "planned_participants": 12}).status_code == 302
    )
    assert not RetentionChange.objects.exists()


@pytest.mark.parametrize("value", ["2000-01-01", "2099-12-30", ""])
def test_settings_cannot_move_the_date_earlier_or_clear_it(client, world, value):
    data = {**world["data"], "retain_until": value, "retain_until_reason": "Vill radera"}
    response = client.post(world["url"], data)
    assert response.status_code == 400
    assert "kan bara flyttas framåt" in response.content.decode()
    world["project"].refresh_from_db()
    assert world["project"].retain_until == dt.date(2099, 12, 31)


def test_the_early_anonymisation_bypass_is_closed(client, world):
    """Moving the date into the past and then erasing used to anonymise the participant."""
    project = world["project"]
    participation = ParticipationFactory(project=project)
    number = participation.person.personnummer
    data = {**world["data"], "retain_until": "2000-01-01", "retain_until_reason": "Radera"}
    assert client.post(world["url"], data).status_code == 400
    erase = reverse("participants:erase", args=[project.pk, participation.pk])
    assert client.post(erase, {"confirm": "on"}).status_code == 302
    participation.refresh_from_db()
    assert participation.erased_at is None  # only contact data went; the funder's data stays
    assert participation.person.personnummer == number


def test_a_first_date_cannot_be_in_the_past(client, world):
    Project.objects.filter(pk=world["project"].pk).update(retain_until=None)
    data = {**world["data"], "retain_until_reason": "Första datumet"}
    data.pop("retain_until")
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(world["url"], {**data, "retain_until": past.isoformat()})
    assert response.status_code == 400
    future = dt.date(2099, 1, 1)
    assert (
        client.post(world["url"], {**data, "retain_until": future.isoformat()}).status_code == 302
    )
    assert RetentionChange.objects.get().old_value is None
    assert Participation.objects.count() == 0
