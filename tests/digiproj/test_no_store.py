"""No page or file with personal data, and no capability link, may stay in a browser or proxy
cache: every response digiproj answers says `Cache-Control: no-store, private`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys import services as survey_services
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_no_store(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control, response["Cache-Control"]


def test_logged_in_pages_with_personal_data_are_not_stored(client):
    membership = MembershipFactory()
    participation = ParticipationFactory(project=membership.project)
    client.force_login(membership.user)
    project = membership.project
    for url in (
        reverse("home"),
        reverse("participants:list", args=[project.pk]),
        reverse("participants:detail", args=[project.pk, participation.pk]),
        reverse("reporting:register", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)


def test_downloads_with_personal_data_are_not_stored(client):
    participation = ParticipationFactory(user=UserFactory())
    client.force_login(participation.user)
    for fmt in ("json", "xlsx"):
        response = client.get(reverse("selfservice:my_data_download", args=[fmt]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert_no_store(response)


def test_token_pages_are_not_stored(client):
    project = ProjectFactory()
    participation = ParticipationFactory(project=project)
    invitation = InvitationFactory(
        round=RoundFactory(survey__project=project),
        person=participation.person,
        organisation=participation.organisation,
    )
    survey_link = reverse(
        "surveys:answer", args=[project.pk, survey_services.invitation_token(invitation)]
    )
    assert client.get(survey_link).status_code == 200
    assert_no_store(client.get(survey_link))
    # Invalid links too: the answer must not be cached for whoever holds the link next.
    for url in (
        reverse("selfservice:invitation", args=["not-a-token"]),
        reverse("activities_manager_sign", args=["not-a-token"]),
        reverse("account_login"),
    ):
        assert_no_store(client.get(url))
