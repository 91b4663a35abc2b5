"""Reads of survey invitations: who a round goes to, whom a send mails (and how many, asked
before sending), a personal link's invitation, and what a participant has to answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from digiproj.collation import swedish_key
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from participants.models import Participation

from ..models import Invitation, Round

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def round_recipients(*, round_: Round) -> QuerySet[Participation]:
    """The participations a round is sent to: the project, narrowed by organisation and/or
    role group. (An activity target is added by the activities app, see Round.)"""
    qs = Participation.objects.current().filter(project_id=round_.survey.project_id)
    if round_.target_organisation_id:
        qs = qs.filter(organisation_id=round_.target_organisation_id)
    if round_.target_role_group:
        qs = qs.filter(role_group=round_.target_role_group)
    return qs


class HeldAddress(TypedDict):
    held_email: str
    held_first_name: str


AddressedInvitation: TypeAlias = "WithAnnotations[Invitation, HeldAddress]"


def invitations_to_mail(*, round_: Round, reminder: bool) -> QuerySet[AddressedInvitation]:
    """The invitations a send mails: those not yet sent, or with `reminder` those sent but
    not answered and not reminded since the round's last reminder request. Annotated with
    the address and first name this project holds (held_email, held_first_name); people
    without an address are left out (they cannot be mailed)."""
    if not reminder:
        pending = round_.invitations.filter(sent_at__isnull=True)
    else:
        pending = round_.invitations.filter(used_at__isnull=True, sent_at__isnull=False).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=round_.reminded_at)
        )
    held = participant_selectors.participation_in_project(
        project_id=round_.survey.project_id, person=OuterRef("person_id")
    )
    return pending.annotate(
        held_email=Subquery(held.values("email")[:1]),
        held_first_name=Subquery(held.values("first_name")[:1]),
    ).exclude(Q(held_email="") | Q(held_email__isnull=True))


def round_mail_count(*, round_: Round, reminder: bool) -> int:
    """How many mails a send would go out now (asked before sending to many): a reminder
    to everyone invited who has not answered; invitations to the target group not yet
    mailed, newcomers to the group included."""
    if reminder:
        return (
            round_.invitations.filter(used_at__isnull=True, sent_at__isnull=False)
            .filter(
                person__in=round_recipients(round_=round_).exclude(email="").values("person_id")
            )
            .count()
        )
    unsent = round_.invitations.filter(sent_at__isnull=True).values("person_id")
    return (
        round_recipients(round_=round_)
        .exclude(email="")
        .filter(Q(person_id__in=unsent) | ~Q(person__survey_invitations__round=round_))
        .count()
    )


def invitation_for_token(*, token: str, project_id: int) -> Invitation | None:
    from ..services import token_hash

    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(
            token_hash=token_hash(token), round__survey__project_id=project_id
        )
        .select_related("round__survey__project", "person")
        .first()
    )


def invitations_for_person(*, access: ProjectAccess) -> QuerySet[Invitation]:
    if access.person_id is None:  # staff: no invitations of their own
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(person_id=access.person_id, round__survey__project=access.project)
        .select_related("round__survey")
        .order_by("-round__opens_at")
    )


def invitations_to_answer(*, user_id: int) -> QuerySet[Invitation]:
    """Open rounds the participant is invited to and has not answered, in every project
    that has linked her login, closing first: her start page's to-do."""
    now = timezone.now()
    linked = Participation.objects.current().filter(user_id=user_id)
    return (
        Invitation.objects.filter(
            person__in=linked.values("person_id"),
            round__survey__project__in=linked.values("project_id"),
            used_at__isnull=True,
            round__opens_at__lte=now,
            round__closes_at__gt=now,
        )
        # An exit link closes on its own day, before its standing round does.
        .exclude(exit_dispatch__closes_at__lte=now)
        .select_related("round__survey__project")
        .order_by("round__closes_at", "pk")
    )


class NotAnswered(TypedDict):
    organisation: str
    people: list[str]  # "Efternamn, Förnamn", in Swedish order


def non_respondents(*, access: ProjectAccess, round_: Round) -> list[NotAnswered]:
    """Who was invited to an identified round and has not answered, per organisation (the
    employer when invited), names as this project holds them: for the coordinator to
    remind in person. Nothing for an anonymous round, where who has answered is itself what
    must not be known. One query."""
    if round_.anonymous:
        return []
    held = participant_selectors.participation_in_project(
        project_id=round_.survey.project_id, person=OuterRef("person_id")
    )
    rows = (
        Invitation.objects.filter(access.response_q(), round=round_, used_at__isnull=True)
        .annotate(
            first_name=Subquery(held.values("first_name")[:1]),
            last_name=Subquery(held.values("last_name")[:1]),
        )
        .values_list("organisation__name", "last_name", "first_name")
    )
    grouped: dict[str, list[str]] = {}
    for organisation, last, first in rows:
        grouped.setdefault(organisation or "", []).append(f"{last}, {first}")
    return [
        NotAnswered(organisation=name, people=sorted(people, key=swedish_key))
        for name, people in sorted(grouped.items(), key=lambda item: swedish_key(item[0]))
    ]
