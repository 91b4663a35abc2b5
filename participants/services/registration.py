"""Invitations by mail and open registration links: the ways a person registers themself."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.integrity import unique_or_message
from digiproj.mail import services as mail
from digiproj.projects.models import Organisation, Project
from digiproj.projects.periods import check_not_ended, project_ended

from .. import personnummer as pnr
from ..models import Participation
from .identity import person_get_or_create
from .records import _check_organisation, participant_add

audit_log = logging.getLogger("digiproj.audit")

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
    from ..models import Invitation

    _check_organisation(project=project, organisation=organisation)
    check_not_ended(project)
    email = email.strip().lower()
    if Participation.objects.filter(
        project=project, email__iexact=email, user__isnull=False
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
    _invitation_mail_request(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Any) -> None:
    """A new link (the old one stops working) with a new expiry, sent after commit."""
    from ..models import Invitation

    expires_at = timezone.now() + dt.timedelta(days=invitation_valid_days())
    updated = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        sent_at=None, token_hash="", expires_at=expires_at
    )
    if updated:
        invitation.expires_at = expires_at
        _invitation_mail_request(invitation)


def invitation_token_issue(invitation: Any) -> str:
    """A new link for the invitation (the locked row): the token is signed, only its hash is
    kept, and the invitation is marked sent; an earlier link stops working. Called where the
    mail is made (participants.mails.invitation), inside the send's transaction, so a failed
    send keeps neither."""
    token = signing.dumps(
        {"i": invitation.pk, "n": secrets.token_urlsafe(16)}, salt=INVITATION_SALT
    )
    invitation.token_hash = _token_hash(token)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "sent_at"])
    return token


def _invitation_mail_request(invitation: Any) -> None:
    """Have the worker mail the invitation once its transaction commits: once per link (its
    expiry names it: a new link has a new one), whatever a redelivered task does."""
    mail.request(
        "invitation",
        once_per=f"{invitation.pk}:{invitation.expires_at.timestamp()}",
        invitation_id=invitation.pk,
    )


def invitation_for_token(token: str) -> tuple[Any, str]:
    """(invitation, "") when the link may be used; (None, reason) with reason "invalid",
    "expired", "used" or "project_ended" (the project's period is over) otherwise."""
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
    if project_ended(invitation.project):
        return None, "project_ended"
    return invitation, ""


def _join_project(
    *,
    project: Project,
    organisation: Organisation,
    user: Any,
    email: str,
    data: dict[str, Any],
    organisation_chosen: bool = False,
) -> Participation | None:
    """Link a login whose address was just proved (an invitation link or a confirmation
    mail) to its participation in this one project; never to another project's.

    A person already in this project is claimed only when this project holds the same
    address and no other login: the project itself vouched for that address. Otherwise a
    new participation holds what the person filled in, joined to the shared identity of the
    number (nothing another project holds is read or changed). Returns None when the number
    is already in this project under another address or login: nothing is joined, and the
    coordinator links the records."""
    person, _created = person_get_or_create(personnummer=data["personnummer"])
    existing = (
        Participation.objects.select_for_update().filter(project=project, person=person).first()
    )
    if existing is not None:
        if existing.user_id is None and existing.email and existing.email.lower() == email:
            existing.user = user
            chosen = organisation if organisation_chosen else None
            fields = ["user", "updated_at", *_answers_kept(existing, data, chosen)]
            if not existing.consent_given_at:
                existing.consent_given_at = timezone.now()
                existing.consent_method = Participation.ConsentMethod.DIGITAL
                fields += ["consent_given_at", "consent_method"]
            existing.full_clean()
            existing.save(update_fields=fields)
            return existing
        if existing.user_id == user.pk:
            return existing
        return None
    return participant_add(
        project=project,
        organisation=organisation,
        personnummer=person.personnummer,
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
        user=user,
    )


# What the registration form asks that the participation keeps.
_ANSWERED = ("first_name", "last_name", "phone", "workplace", "role_group", "isced")


def _answers_kept(
    existing: Participation, data: dict[str, Any], organisation: Organisation | None
) -> list[str]:
    """Put what the person answered on the record the project already held (an imported
    person registering through an invitation): their own answers win, an empty answer keeps
    the record's value. Returns the fields changed. (The education level was once dropped
    here: only the login was linked.)"""
    changed = []
    for name in _ANSWERED:
        answer = (data.get(name) or "").strip()
        if answer and answer != getattr(existing, name):
            setattr(existing, name, answer)
            changed.append(name)
    if organisation is not None and organisation.pk != existing.organisation_id:
        existing.organisation = organisation
        changed.append("organisation")
    return changed


def _verified_login(*, email: str, password_hash: str, first_name: str, last_name: str) -> Any:
    """The login of a just-proved address: the existing one (its password is kept), or a
    new one with the password chosen in the form. The address is marked verified."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import translation

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            # The language she registered in: her mail is written in it.
            language=translation.get_language() or "",
        )
        user.password = password_hash
        user.save(update_fields=["password"])
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user


@transaction.atomic
def invitation_accept(*, token: str, data: dict[str, Any]) -> Any:
    """Complete the record and create the login. The invitation row is locked and marked
    used in the same transaction, so the link works exactly once. The address is verified:
    the link in the mail proved it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from ..models import Invitation

    found, reason = invitation_for_token(token)
    if found is None:
        raise ValidationError(_("Länken kan inte användas längre."), code=reason)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.used_at:
        raise ValidationError(_("Länken har redan använts."), code="used")
    email = invitation.email.strip().lower()
    # The invitation went to this address, so saying it has an account tells no stranger.
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _(
                "Det finns redan ett konto med e-postadressen %(email)s. Logga in med det, "
                "eller be samordnaren om en inbjudan till en annan adress."
            )
            % {"email": email}
        )
    user = _verified_login(
        email=email,
        password_hash=make_password(data["password1"]),
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    participation = _join_project(
        project=invitation.project,
        # The form asks for the employer exactly when the invitation names none.
        organisation=invitation.organisation or data["organisation"],
        user=user,
        email=email,
        data=data,
        organisation_chosen=invitation.organisation is None,
    )
    if participation is None:
        raise ValidationError(
            {
                "personnummer": _(
                    "Personnumret är redan registrerat i projektet. Kontakta projektets "
                    "samordnare, så kopplar hen ihop dina uppgifter med ett konto."
                )
            }
        )
    invitation.used_at = timezone.now()
    invitation.participation = participation
    invitation.save(update_fields=["used_at", "participation"])
    return user


def registration_confirm_days() -> int:
    return int(getattr(settings, "PARTICIPANT_REGISTRATION_CONFIRM_DAYS", 3))


def registration_link_closed(link: Any) -> str:
    """Why an open registration link takes no one ("closed" by the project, or
    "project_ended": its period is over), or "" when it is open."""
    if not link.is_active:
        return "closed"
    return "project_ended" if project_ended(link.project) else ""


@transaction.atomic
def registration_link_register(*, link: Any, data: dict[str, Any]) -> None:
    """Open registration: keep the answers and mail a confirmation link to the address.

    Answers the same whatever exists: no check of the address or the number is made here,
    and nothing but the pending row is created, so the page a stranger sees is the same for
    a new address, an address with an account, and a number known in this or another
    project. The account and the participation are created when the mailed link is
    followed (registration_confirm)."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import translation

    from ..models import PendingRegistration, RegistrationLink

    link = RegistrationLink.objects.select_related("project", "organisation").get(pk=link.pk)
    if not link.is_active:
        raise ValidationError(_("Registreringen är stängd."), code="closed")
    check_not_ended(link.project)  # the page said it was open; the project ended meanwhile
    PendingRegistration.objects.filter(expires_at__lte=timezone.now()).delete()
    email = data["email"].strip().lower()
    organisation = link.organisation or data["organisation"]
    _check_organisation(project=link.project, organisation=organisation)
    token = secrets.token_urlsafe(32)
    answers = {
        "personnummer": pnr.normalize(data["personnummer"]),
        "first_name": data["first_name"].strip(),
        "last_name": data["last_name"].strip(),
        "phone": data.get("phone", "").strip(),
        "workplace": data.get("workplace", "").strip(),
        "role_group": data["role_group"],
        "isced": data["isced"],
        "organisation_id": organisation.pk,
        "password_hash": make_password(data["password1"]),
    }
    pending = PendingRegistration.objects.create(
        link=link,
        email=email,
        data=answers,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=registration_confirm_days()),
    )
    # She has no account yet: the mail is in the language she registered in.
    mail.compose(
        "registration_confirm",
        to=email,
        project=link.project,
        language=translation.get_language(),
        context={
            "url": mail.absolute_url(reverse("selfservice:register_confirm", args=[token])),
            "expires_at": pending.expires_at,
        },
    ).send()


def registration_pending_for_token(token: str) -> tuple[Any, str]:
    """(pending registration, "") when the confirmation link may be used; (None, reason)
    with reason "invalid", "expired", "used", "closed" or "project_ended" otherwise."""
    from ..models import PendingRegistration

    pending = (
        PendingRegistration.objects.select_related("link__project")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if pending is None:
        return None, "invalid"
    if pending.used_at:
        return None, "used"
    if pending.expires_at <= timezone.now():
        return None, "expired"
    if not pending.link.is_active or pending.link.project.archived:
        return None, "closed"
    if project_ended(pending.link.project):
        return None, "project_ended"
    return pending, ""


@transaction.atomic
def registration_confirm(*, token: str) -> tuple[Any, Participation | None]:
    """Follow the mailed link: the address is now proved, so the login (the existing one for
    that address, or a new one) and the participation in the link's project are created and
    linked. The row is locked and marked used, so the link works once; the stored answers
    are cleared. Returns (login, participation or None when the number was already in the
    project under another address: then nothing is joined)."""
    from ..models import PendingRegistration

    found, reason = registration_pending_for_token(token)
    if found is None:
        raise ValidationError(_("Länken kan inte användas längre."), code=reason)
    pending = (
        PendingRegistration.objects.select_for_update(of=("self",))
        .select_related("link__project", "link__organisation")
        .get(pk=found.pk)
    )
    if pending.used_at:
        raise ValidationError(_("Länken har redan använts."), code="used")
    data = pending.data
    project = pending.link.project
    user = _verified_login(
        email=pending.email,
        password_hash=data["password_hash"],
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    organisation = Organisation.objects.get(pk=data["organisation_id"])
    participation = _join_project(
        project=project,
        organisation=organisation,
        user=user,
        email=pending.email,
        data=data,
        organisation_chosen=pending.link.organisation_id is None,
    )
    if participation is None:
        audit_log.info(
            "open registration not joined (number already in project): link=%s user=%s",
            pending.link_id,
            user.pk,
        )
    pending.used_at = timezone.now()
    pending.data = {}
    pending.save(update_fields=["used_at", "data"])
    return user, participation


@transaction.atomic
def registration_link_create(
    *, project: Project, organisation: Organisation | None, created_by_id: int
) -> Any:
    from ..models import RegistrationLink

    if organisation is not None:
        _check_organisation(project=project, organisation=organisation)
    check_not_ended(project)
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
