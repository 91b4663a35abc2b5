"""Nobody joins a project after its last day (#13 item 6): an invitation cannot be made or
used, an open registration link and its confirmation say the project has ended, and nothing
is created. Each says what to do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from digiproj.accounts.models import User
from digiproj.projects.models import Project
from participants.models import Invitation, Participation, RegistrationLink
from tests.participants.test_invitations import _confirm_post, invite, registration_data
from tests.participants.test_invitations import setup as setup  # the fixture, re-exported

pytestmark = pytest.mark.django_db
ENDED = "Projektet är avslutat, så det går inte längre att registrera sig"


def _end_yesterday(project):
    Project.objects.filter(pk=project.pk).update(
        end_date=timezone.localdate() - dt.timedelta(days=1)
    )


def test_an_invitation_sent_before_the_end_is_refused_after_it(
    client, setup, django_capture_on_commit_callbacks
):
    path = invite(client, setup, django_capture_on_commit_callbacks)
    _end_yesterday(setup["project"])
    page = client.get(path)
    assert page.status_code == 410
    assert ENDED in page.content.decode()
    assert client.post(path, registration_data()).status_code == 410
    assert not Participation.objects.exists()
    assert not User.objects.filter(email="sara@example.test").exists()


def test_no_invitation_is_made_after_the_end(client, setup):
    _end_yesterday(setup["project"])
    client.force_login(setup["coordinator"])
    url = reverse("participants:invitations", args=[setup["project"].pk])
    response = client.post(url, {"email": "ny@example.test", "organisation": setup["umea"].pk})
    end = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert f"Projektet avslutades {end}. Det går inte längre att bjuda in" in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()
    response = client.post(
        reverse("participants:link_create", args=[setup["project"].pk]),
        {"link-organisation": setup["pitea"].pk},
        follow=True,
    )
    assert not RegistrationLink.objects.exists()
    assert "Projektet avslutades" in response.content.decode()


def test_an_open_link_and_its_confirmation_say_the_project_has_ended(client, setup):
    from participants import services

    link = services.registration_link_create(
        project=setup["project"], organisation=setup["pitea"], created_by_id=None
    )
    url = reverse("selfservice:register", args=[link.slug])
    client.post(url, registration_data(email="ny@example.test"))
    [message] = mail.outbox  # registered while the project ran; confirmed after its end
    _end_yesterday(setup["project"])
    response = _confirm_post(client, message)
    assert response.status_code == 410
    assert ENDED in response.content.decode()
    page = client.get(url)
    assert page.status_code == 410
    assert ENDED in page.content.decode()
    assert client.post(url, registration_data(2, email="b@example.test")).status_code == 410
    assert not Participation.objects.exists()
    assert len(mail.outbox) == 1
