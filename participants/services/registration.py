"""Invitations by mail and open registration links: the ways a person registers themself."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.integrity import unique_or_message
from digiproj.projects.models import Organisation, Project

from .. import personnummer as pnr
from ..models import Participation, Person
from .records import _check_organisation, participant_add

INVITATION_SALT = "participants.invitation"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_valid_days() -> int:
    return int(getattr(settings, "PARTICIPANT_INVITATION_DAYS", 14))


@transaction.atomic
def invitation_create(
    *, project: Project, organisation: Organisation, email: str, invited_by_id: int | None
) -> Any:
    """Create an invitation and send it by mail after commit (a Celery task)."""
    from .. import tasks
    from ..models import Invitation

    _check_organisation(project=project, organisation=organisation)
    email = email.strip().lower()
    if Participation.objects.filter(
        project=project, person__email__iexact=email, person__user__isnull=False
    ).exists():
        raise ValidationError(
            {"email": _("Någon med den e-postadressen är redan deltagare och har ett konto.")}
        )
    waiting = _(
        "En inbjudan till %(email)s väntar redan på svar. Skicka den igen i listan "
        "nedan om den inte har kommit fram."
    ) % {"email": email}
    pending = Invitation.objects.filter(project=project, email=email, used_at__isnull=True)
    # An expired, unused invitation is replaced by the new one (its link no longer works).
    pending.filter(expires_at__lte=timezone.now()).delete()
    if pending.exists():
        raise ValidationError({"email": waiting}, code="duplicate")
    invitation = Invitation(
        project=project,
        organisation=organisation,
        email=email,
        invited_by_id=invited_by_id,
        expires_at=timezone.now() + dt.timedelta(days=invitation_valid_days()),
    )
    with unique_or_message(
        Invitation, "uniq_pending_invitation", ValidationError({"email": waiting})
    ):
        # The database checks the constraint (Django's own check would answer a lost race
        # with its generic "constraint violated" text instead of `waiting`).
        invitation.full_clean(exclude=["token_hash"], validate_constraints=False)
        invitation.save()
    tasks.invitation_send_task.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Any) -> None:
    """A new link (the old one stops working) with a new expiry, sent after commit."""
    from .. import tasks
    from ..models import Invitation

    updated = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        sent_at=None,
        token_hash="",
        expires_at=timezone.now() + dt.timedelta(days=invitation_valid_days()),
    )
    if updated:
        tasks.invitation_send_task.delay_on_commit(invitation.pk)


def invitation_send(*, invitation_id: int) -> None:
    """Mail the invitation link. Idempotent: an invitation already sent, used or expired is
    left alone, so a redelivered task sends nothing twice. Only the token's hash is stored;
    the mail is sent inside the transaction, so a failed send leaves it unsent for a retry."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from ..models import Invitation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("project", "organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at or invitation.used_at:
            return
        if invitation.expires_at <= timezone.now():
            return
        token = signing.dumps(
            {"i": invitation.pk, "n": secrets.token_urlsafe(16)}, salt=INVITATION_SALT
        )
        invitation.token_hash = _token_hash(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        with translation.override("sv"):
            path = reverse("selfservice:invitation", args=[token])
            context = {
                "invitation": invitation,
                "url": settings.DIGIPROJ_BASE_URL.rstrip("/") + path,
            }
            send_mail(
                subject=_("Inbjudan till %(project)s") % {"project": invitation.project.name},
                message=render_to_string("participants/mail/invitation.txt", context),
                from_email=None,
                recipient_list=[invitation.email],
            )


def invitation_for_token(token: str) -> tuple[Any, str]:
    """(invitation, "") when the link may be used; (None, reason) with reason "invalid",
    "expired" or "used" otherwise."""
    from ..models import Invitation

    try:
        signing.loads(
            token, salt=INVITATION_SALT, max_age=dt.timedelta(days=invitation_valid_days() + 1)
        )
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    invitation = (
        Invitation.objects.select_related("project", "organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        return None, "invalid"
    if invitation.used_at:
        return None, "used"
    if invitation.expires_at <= timezone.now():
        return None, "expired"
    return invitation, ""


def _register(
    *,
    project: Project,
    organisation: Organisation,
    email: str,
    verified: bool,
    data: dict[str, Any],
) -> tuple[Any, Participation]:
    """Create the login (allauth User + EmailAddress) and the participant record."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _(
                "Det finns redan ett konto med e-postadressen %(email)s. Logga in med det, "
                "eller be samordnaren om en inbjudan till en annan adress."
            )
            % {"email": email}
        )
    number = pnr.normalize(data["personnummer"])
    existing = Person.objects.filter(personnummer=number).first()
    if existing is not None and existing.user_id:
        raise ValidationError(
            {
                "personnummer": _(
                    "Personnumret har redan ett konto. Logga in med det kontot i stället."
                )
            }
        )
    # A Person already on record (in this or another project) is only joined to the new
    # login when the invitation link proved the address stored on that record. Otherwise
    # typing someone's personnummer would hand over their record and, through the own
    # pages, their other projects. The message names nobody: the person filling in the
    # form may not be the person on record.
    claimed = None
    if existing is not None:
        if not (verified and existing.email and existing.email.lower() == email):
            raise ValidationError(
                {
                    "personnummer": _(
                        "Personnumret är redan registrerat. Kontakta projektets samordnare, "
                        "så kopplar hen ihop dina uppgifter med ett konto."
                    )
                }
            )
        claimed = Participation.objects.filter(project=project, person=existing).first()
    user = User.objects.create_user(
        email=email,
        password=data["password1"],
        first_name=data["first_name"].strip(),
        last_name=data["last_name"].strip(),
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if claimed is not None:
        existing.user = user
        existing.save(update_fields=["user", "updated_at"])
        if not claimed.consent_given_at:
            claimed.consent_given_at = timezone.now()
            claimed.consent_method = Participation.ConsentMethod.DIGITAL
            claimed.save(update_fields=["consent_given_at", "consent_method", "updated_at"])
        return user, claimed
    participation = participant_add(
        project=project,
        organisation=organisation,
        personnummer=number,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=email,
        phone=data.get("phone", ""),
        start_date=max(timezone.localdate(), project.start_date),
        consent_given=True,
        consent_method=Participation.ConsentMethod.DIGITAL,
        workplace=data.get("workplace", ""),
        role_group=data["role_group"],
        isced=data["isced"],
    )
    person = participation.person
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user, participation


@transaction.atomic
def invitation_accept(*, token: str, data: dict[str, Any]) -> Any:
    """Complete the record and create the login. The invitation row is locked and marked
    used in the same transaction, so the link works exactly once. The address is verified:
    the link in the mail proved it."""
    from ..models import Invitation

    found, reason = invitation_for_token(token)
    if found is None:
        raise ValidationError(_("Länken kan inte användas längre."), code=reason)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.used_at:
        raise ValidationError(_("Länken har redan använts."), code="used")
    organisation = invitation.organisation or data.get("organisation")
    user, participation = _register(
        project=invitation.project,
        organisation=organisation,
        email=invitation.email,
        verified=True,
        data=data,
    )
    invitation.used_at = timezone.now()
    invitation.participation = participation
    invitation.save(update_fields=["used_at", "participation"])
    return user


@transaction.atomic
def registration_link_register(*, link: Any, data: dict[str, Any]) -> Any:
    """Open registration: the record and an account whose address must still be verified
    (allauth sends the confirmation mail; login waits for it)."""
    from ..models import RegistrationLink

    link = RegistrationLink.objects.select_related("project", "organisation").get(pk=link.pk)
    if not link.is_active:
        raise ValidationError(_("Registreringen är stängd."), code="closed")
    user, _participation = _register(
        project=link.project,
        organisation=link.organisation or data["organisation"],
        email=data["email"],
        verified=False,
        data=data,
    )
    return user


@transaction.atomic
def registration_link_create(
    *, project: Project, organisation: Organisation | None, created_by_id: int
) -> Any:
    from ..models import RegistrationLink

    if organisation is not None:
        _check_organisation(project=project, organisation=organisation)
    return RegistrationLink.objects.create(
        project=project,
        organisation=organisation,
        slug=secrets.token_urlsafe(24),
        created_by_id=created_by_id,
    )


@transaction.atomic
def registration_link_set_active(*, link: Any, is_active: bool) -> None:
    from ..models import RegistrationLink

    RegistrationLink.objects.filter(pk=link.pk).update(is_active=is_active)
