"""Rounds and personal invitations: targeting, hashed tokens, invitation and reminder mails."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from base64 import urlsafe_b64encode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from digiproj.mail import services as mail
from digiproj.projects.models import Organisation
from participants.models import Participation

from ..models import (
    Invitation,
    Round,
    Survey,
)


@transaction.atomic
def round_create(
    *,
    survey: Survey,
    name: str,
    purpose: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    anonymous: bool = False,
    target_organisation: Organisation | None = None,
    target_role_group: str = "",
) -> Round:
    if not survey.sections.filter(questions__isnull=False).exists():
        raise ValidationError(
            _("Enkäten har inga frågor ännu. Lägg till frågor innan du skapar en omgång."),
            code="empty",
        )
    if (
        target_organisation is not None
        and not target_organisation.project_organisations.filter(
            project_id=survey.project_id
        ).exists()
    ):
        raise ValidationError(
            {"target_organisation": _("Organisationen deltar inte i projektet.")}, code="target"
        )
    round_ = Round(
        survey=survey,
        name=name,
        purpose=purpose,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        target_organisation=target_organisation,
        target_role_group=target_role_group,
    )
    if closes_at and opens_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": _("Stängningsdagen måste komma efter öppningsdagen.")})
    round_.full_clean()
    round_.save()
    return round_


def invitation_token(invitation: Invitation) -> str:
    digest = salted_hmac("surveys.invitation", invitation.nonce, algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_invitation(round_: Round, person_id: int, organisation_id: int | None) -> Invitation:
    invitation = Invitation(
        round=round_,
        person_id=person_id,
        organisation_id=organisation_id,
        nonce=secrets.token_hex(16),
    )
    invitation.token_hash = token_hash(invitation_token(invitation))
    return invitation


@transaction.atomic
def round_invitations_create(*, round_: Round) -> int:
    """One invitation per person in the target group; running it again adds only newcomers."""
    from .. import selectors

    recipients = selectors.round_recipients(round_=round_).exclude(
        person__survey_invitations__round=round_
    )
    new = [
        _new_invitation(round_, p["person_id"], p["organisation_id"])
        for p in recipients.values("person_id", "organisation_id")
    ]
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def round_invitations_add(*, round_: Round, participations: QuerySet[Participation]) -> int:
    """Invite the people chosen on the participant list (whoever the round's target group
    is), have the worker mail them, and return how many were new; someone invited already
    is not invited again."""
    from .. import tasks

    _refuse_exit_round(round_)
    if not round_.is_open:
        raise ValidationError(
            _("Utskicket %(round)s är inte öppet. Välj ett öppet utskick.") % {"round": round_.name}
        )
    chosen = participations.exclude(person__survey_invitations__round=round_)
    new = [
        _new_invitation(round_, p["person_id"], p["organisation_id"])
        for p in chosen.values("person_id", "organisation_id")
    ]
    Invitation.objects.bulk_create(new, ignore_conflicts=True)
    tasks.round_invitations_send_task.delay_on_commit(round_.pk, False, False)
    return len(new)


def _refuse_exit_round(round_: Round) -> None:
    if round_.is_exit:
        raise ValidationError(
            _(
                "Utträdesenkäten skickas till var och en när deltagandet avslutas. Den kan "
                "inte skickas till en hel målgrupp."
            ),
            code="exit_round",
        )


def invitation_url(invitation: Invitation) -> str:
    path = reverse(
        "surveys:answer",
        args=[invitation.round.survey.project_id, invitation_token(invitation)],
    )
    return mail.absolute_url(path)


def round_invitations_send(
    *, round_id: int, reminder: bool = False, whole_group: bool = True
) -> int:
    """Send each invitee one mail with their personal link (or one reminder to those who
    have not submitted). Safe to run again: sent mails are marked per invitation.

    `whole_group` False: only the invitations made already (people chosen on the
    participant list, round_invitations_add) are sent; the round's target group is not
    invited, and the round is not marked as sent to it."""
    from .. import selectors

    round_ = Round.objects.select_related("survey__project__owner").get(pk=round_id)
    if reminder and round_.reminded_at is None:
        return 0
    if not reminder and whole_group:
        round_invitations_create(round_=round_)
    sent = 0
    addressed = selectors.invitations_to_mail(round_=round_, reminder=reminder)
    for invitation in addressed.iterator(chunk_size=500):
        invitation.round = round_
        _invitation_mail(
            invitation,
            email=invitation.held_email,
            first_name=invitation.held_first_name,
            reminder=reminder,
        )
        field = "reminded_at" if reminder else "sent_at"
        Invitation.objects.filter(pk=invitation.pk).update(**{field: timezone.now()})
        sent += 1
    if not reminder and whole_group:
        Round.objects.filter(pk=round_.pk, invitations_sent_at__isnull=True).update(
            invitations_sent_at=timezone.now()
        )
    return sent


def _invitation_mail(
    invitation: Invitation, *, email: str, first_name: str, reminder: bool
) -> None:
    round_ = invitation.round
    mail.compose(
        "survey_invitation",
        to=email,
        project=round_.survey.project,
        context={
            "name": first_name,
            "round": round_,
            "reminder": reminder,
            "closes_at": round_.closes_at,
            "url": invitation_url(invitation),
        },
    ).send()


def round_invitations_request(*, round_: Round, reminder: bool = False) -> None:
    """Have a worker mail the round's invitations, or with `reminder` a reminder to those who
    have not answered, once the caller's transaction commits."""
    from .. import tasks

    _refuse_exit_round(round_)
    if reminder:
        round_reminder_request(round_=round_)
    tasks.round_invitations_send_task.delay_on_commit(round_.pk, reminder)


@transaction.atomic
def round_reminder_request(*, round_: Round) -> Round:
    if not round_.invitations_sent_at:
        raise ValidationError(_("Skicka inbjudningarna innan du skickar en påminnelse."))
    round_.reminded_at = timezone.now()
    round_.save(update_fields=["reminded_at"])
    return round_
