"""The activity permission helpers over every role: in scope, 404 out of scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from activities import permissions
from digiproj.projects.permissions import project_access
from tests.factories import EnrolmentFactory, SelfReportedTimeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _access(world, who):
    return project_access(getattr(world, who), world.project)


def _visible(helper, access, pk):
    try:
        helper(access, pk)
    except Http404:
        return False
    return True


@pytest.mark.parametrize(
    ("who", "own", "foreign", "other_session"),
    [
        ("coordinator", True, True, True),
        ("contact", True, False, True),
        ("teacher", False, False, False),
        ("participant_user", True, False, True),  # may enrol in any session
    ],
)
def test_enrolment_and_session_scope(world, who, own, foreign, other_session):
    own_enrolment = EnrolmentFactory(session=world.session, participation=world.own)
    foreign_enrolment = EnrolmentFactory(session=world.session, participation=world.foreign)
    other = SessionFactory(activity__project=world.project)
    access = _access(world, who)
    assert _visible(permissions.enrolment_get_for_user, access, own_enrolment.pk) is own
    assert _visible(permissions.enrolment_get_for_user, access, foreign_enrolment.pk) is foreign
    assert _visible(permissions.session_get_for_user, access, other.pk) is other_session


@pytest.mark.parametrize(
    ("who", "own", "foreign"),
    [
        ("coordinator", True, True),
        ("contact", True, False),
        ("teacher", False, False),
        ("participant_user", True, False),
    ],
)
def test_hours_and_self_report_scope(world, who, own, foreign):
    access = _access(world, who)
    assert _visible(permissions.participation_for_hours, access, world.own.pk) is own
    assert _visible(permissions.participation_for_hours, access, world.foreign.pk) is foreign
    report = SelfReportedTimeFactory(activity__project=world.project, participation=world.foreign)
    assert _visible(permissions.self_report_get_for_user, access, report.pk) is foreign


def test_outsider_has_no_access_to_the_project(world):
    assert _access(world, "outsider") is None


def test_only_participants_have_an_own_participation(world):
    assert permissions.require_own_participation(_access(world, "participant_user")) == world.own
    with pytest.raises(PermissionDenied):
        permissions.require_own_participation(_access(world, "coordinator"))


def test_ids_from_another_project_are_404(world):
    foreign_session = SessionFactory()
    access = _access(world, "coordinator")
    assert not _visible(permissions.session_get_for_user, access, foreign_session.pk)
    assert not _visible(permissions.activity_get_for_user, access, foreign_session.activity_id)
