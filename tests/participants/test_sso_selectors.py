"""participants.selectors_sso: whom a single sign-on login belongs to."""

from __future__ import annotations

import pytest

from participants.selectors_sso import (
    person_login_for_personnummer,
    staff_user_for_verified_emails,
)
from tests.factories import MembershipFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_claim_is_read_in_any_format_normalize_reads():
    participation = ParticipationFactory(user=UserFactory())
    number = participation.person.personnummer
    for claim in (number, f"{number[2:8]}-{number[8:]}", int(number)):
        match = person_login_for_personnummer(value=claim)
        assert match is not None
        assert (match.user, match.person) == (participation.user, participation.person)


@pytest.mark.parametrize("claim", [None, "", "not a number", "20251301-9800", ["x"]])
def test_no_valid_number_matches_nobody(claim):
    assert person_login_for_personnummer(value=claim) is None


def test_a_person_with_two_logins_is_not_guessed():
    first = ParticipationFactory(user=UserFactory())
    ParticipationFactory(person=first.person, user=UserFactory())
    assert person_login_for_personnummer(value=first.person.personnummer) is None


def test_the_same_login_in_two_projects_matches():
    first = ParticipationFactory(user=UserFactory())
    ParticipationFactory(person=first.person, user=first.user)
    match = person_login_for_personnummer(value=first.person.personnummer)
    assert match is not None
    assert match.user == first.user


def test_staff_address_matches_case_insensitively_members_and_admins_only():
    member = MembershipFactory(user=UserFactory(email="anna@kommun.example.test")).user
    admin = UserFactory(email="admin@kommun.example.test", is_superuser=True)
    UserFactory(email="deltagare@kommun.example.test")
    assert staff_user_for_verified_emails(emails=["Anna@Kommun.Example.test"]) == member
    assert staff_user_for_verified_emails(emails=["admin@kommun.example.test"]) == admin
    assert staff_user_for_verified_emails(emails=["deltagare@kommun.example.test"]) is None
    assert staff_user_for_verified_emails(emails=[]) is None


def test_an_inactive_staff_user_is_not_matched():
    user = MembershipFactory(user=UserFactory(email="slutat@kommun.example.test")).user
    user.is_active = False
    user.save()
    assert staff_user_for_verified_emails(emails=[user.email]) is None
