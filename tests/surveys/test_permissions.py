"""Survey pages over coordinator / contact / teacher / participant / outsider / anonymous."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiproj.projects.models import Membership
from tests.factories import (
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    RoundFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    project = ProjectFactory()
    survey = SurveyFactory(project=project)
    round_ = RoundFactory(survey=survey)
    participant = UserFactory()
    ParticipationFactory(project=project, user=participant)
    return {
        "project": project,
        "survey": survey,
        "round": round_,
        "coordinator": MembershipFactory(project=project).user,
        "contact": MembershipFactory(
            project=project, role=Membership.Role.CONTACT, organisation=project.owner
        ).user,
        "teacher": MembershipFactory(project=project, role=Membership.Role.TEACHER).user,
        "participant": participant,
        "outsider": MembershipFactory(project=ProjectFactory()).user,
    }


@pytest.mark.parametrize(
    ("who", "view_status", "edit_status"),
    [
        ("coordinator", 200, 200),
        ("contact", 200, 403),
        ("teacher", 403, 403),
        ("participant", 403, 403),
        ("outsider", 404, 404),
        (None, 302, 302),
    ],
)
def test_survey_pages_by_role(client, world, who, view_status, edit_status):
    if who:
        client.force_login(world[who])
    project, survey, round_ = world["project"], world["survey"], world["round"]
    for url in (
        reverse("surveys:detail", args=[project.pk, survey.pk]),
        reverse("surveys:round", args=[project.pk, round_.pk]),
        reverse("surveys:results", args=[project.pk, round_.pk]),
    ):
        assert client.get(url).status_code == view_status, url
    assert client.get(reverse("surveys:edit", args=[project.pk, survey.pk])).status_code == (
        edit_status
    )


def test_participant_sees_own_surveys_page(client, world):
    client.force_login(world["participant"])
    url = reverse("surveys:mine", args=[world["project"].pk])
    assert client.get(url).status_code == 200
    client.force_login(world["coordinator"])
    assert client.get(url).status_code == 404
