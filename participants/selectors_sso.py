"""Whom a single sign-on login belongs to (participants.adapters.SocialAccountAdapter).

Nobody signs up by SSO alone: a login from the municipality's identity provider belongs to the
existing user whose address the provider vouches for and who has a project membership (the
coordinator adding a staff member makes the user and the membership: that is her invitation);
a login from an e-legitimation broker belongs to the existing person the personnummer claim
names, through the one login that person's participations are linked to (by an invitation
link or a confirmed registration: the address was verified first).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from digiproj.accounts.models import User
from digiproj.projects.models import Membership

from . import personnummer as pnr
from .models import Participation, Person


@dataclass(frozen=True)
class PersonLogin:
    user: User
    person: Person


def staff_user_for_verified_emails(*, emails: list[str]) -> User | None:
    """The active user with one of these (verified) addresses who is staff somewhere: a
    member of a project, or a platform admin. None when there is no such user."""
    wanted = {email.strip().lower() for email in emails if email}
    if not wanted:
        return None
    members = Membership.objects.values("user_id")
    return (
        User.objects.filter(is_active=True, email__in=wanted)
        .filter(Q(pk__in=members) | Q(is_superuser=True))
        .order_by("pk")
        .first()
    )


def person_login_for_personnummer(*, value: object) -> PersonLogin | None:
    """The login linked to the participations of the person with this personnummer (the
    claim as the broker sends it: 12 digits, or another format `normalize` reads). None when
    the claim is no valid number, nobody has it, or the person has no login (or, never
    expected, more than one: then nobody is guessed)."""
    if not isinstance(value, str | int):
        return None
    try:
        number = pnr.normalize(str(value))
    except ValidationError:
        return None
    person = Person.objects.filter(personnummer=number).first()
    if person is None:
        return None
    user_ids = set(
        Participation.objects.filter(person=person, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    if len(user_ids) != 1:
        return None
    return PersonLogin(user=User.objects.get(pk=user_ids.pop()), person=person)
