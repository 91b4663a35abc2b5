"""Monthly certificates: the participant's and the nearest manager's signatures."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import certificates, permissions
from activities.models import (
    Certificate,
)
from activities.selectors import certificates as certificate_selectors
from digiproj import dates
from digiproj.integrity import unique_or_message
from digiproj.mail import services as mail
from digiproj.projects.permissions import ProjectAccess
from participants import personnummer as pnr
from participants import services as participant_services
from participants.models import Participation

MANAGER_CODE_MAX_ATTEMPTS = 5
# The manager's link and code work once, and only this long after they were sent.
MANAGER_LINK_VALID_FOR = dt.timedelta(days=14)


# --- certificates -----------------------------------------------------------------------


def code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _certificate_for_update(participation: Participation, month: dt.date) -> Certificate | None:
    return (
        Certificate.objects.select_for_update()
        .filter(participation=participation, month=month)
        .first()
    )


def _already_signed() -> ValidationError:
    return ValidationError(
        _("Du har redan skrivit under närvarorapporten för månaden. Den gäller som den är."),
        code="already_signed",
    )


@transaction.atomic
def certificate_sign_participant(
    *, participation: Participation, month: dt.date, user_id: int
) -> Certificate:
    """The participant signs the month. Signing again after a change replaces the old hash
    and clears the manager's (now void) signature; signing the same data again (a double
    click) is refused with code already_signed, also when both clicks arrive at once. A
    month not over yet is refused (code month_not_over): more time may still come."""
    month = dates.month_start(month)
    certificates.check_month_over(month)
    data = certificate_selectors.certificate_data(participation=participation, month=month)
    if not data["rows"]:
        raise ValidationError(_("Det finns inga timmar att intyga för månaden."))
    digest = certificates.certificate_hash(data)
    certificate = _certificate_for_update(participation, month)
    if certificate is None:
        # Both clicks found no row: the loser's insert fails on uniq_certificate, and the
        # winner has signed the same data, so the loser gets the first-come answer.
        with unique_or_message(Certificate, "uniq_certificate", _already_signed()):
            certificate = Certificate.objects.create(participation=participation, month=month)
    if certificate.participant_signed_at and certificate.content_hash == digest:
        raise _already_signed()
    certificate.content_hash = digest
    certificate.participant_signed_at = timezone.now()
    certificate.participant_signed_by_id = user_id
    certificate.manager_signed_at = None
    certificate.manager_signed_by = None
    certificate.manager_signed_name = ""
    certificate.manager_signed_method = ""
    certificate.manager_token = None
    certificate.manager_code_hash = ""
    certificate.manager_code_attempts = 0
    certificate.save()
    return certificate


def certificate_personnummer(
    *, access: ProjectAccess | None, participation: Participation, context: str
) -> str:
    """The personnummer a certificate file shows its reader (permissions.
    certificate_personnummer_shown decides); a full number shown to staff is logged as a reveal
    like every other full-number view."""
    shown = permissions.certificate_personnummer_shown(access, participation)
    number = participation.person.personnummer
    if shown == permissions.PersonnummerShown.REVEALED:
        assert access is not None  # only staff with the reveal permission get here
        return participant_services.personnummer_reveal(
            participation=participation, user_id=access.user_id, context=context
        )
    if shown == permissions.PersonnummerShown.OWN:
        return pnr.display(number)
    return pnr.mask(number)


def _self_manager_message() -> str:
    return _(
        "Närmaste chef måste vara en annan person än deltagaren. Ange chefens egen "
        "e-postadress, inte deltagarens."
    )


@transaction.atomic
def certificate_request_manager(*, certificate: Certificate, email: str) -> Certificate:
    """Send the nearest manager a link and a one-time code to sign with."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    state = certificate_selectors.certificate_state_now(certificate)
    if state != certificates.CertificateState.PARTICIPANT_SIGNED:
        raise ValidationError(
            _("Deltagaren måste skriva under den aktuella rapporten innan chefen kan göra det.")
        )
    if certificates.manager_is_participant(participation=certificate.participation, email=email):
        raise ValidationError({"email": _self_manager_message()}, code="self_manager")
    certificate.manager_email = email.strip().lower()
    certificate.full_clean()
    certificate.manager_token = secrets.token_urlsafe(32)
    certificate.manager_code_hash = ""
    certificate.manager_code_attempts = 0
    certificate.manager_code_sent_at = timezone.now()
    certificate.manager_rejected_at = None  # a new request: the earlier answer is past
    certificate.manager_rejected_name = certificate.manager_rejection_comment = ""
    certificate.save()
    # The worker makes the one-time code where it mails it (activities.mails.manager_sign).
    mail.request(
        "manager_sign",
        once_per=f"{certificate.pk}:{certificate.manager_code_sent_at.timestamp()}",
        certificate_id=certificate.pk,
    )
    return certificate


@transaction.atomic
def certificate_ask_manager(*, certificate: Certificate, email: str) -> Certificate:
    """Ask the nearest manager to sign (certificate_request_manager checks the address and
    has the link and the code mailed), and keep the address on the participation, so that
    next month's request is filled in with it. Nothing is kept when the request is refused."""
    certificate = certificate_request_manager(certificate=certificate, email=email)
    participant_services.participation_manager_set(
        participation=certificate.participation, email=certificate.manager_email
    )
    return certificate


# The codes certificate_manager_link_check raises: the link itself no longer works.
MANAGER_LINK_CLOSED = frozenset(
    {"used", "void", "unsigned", "expired", "locked", "self_manager", "rejected"}
)


def certificate_manager_link_check(
    certificate: Certificate, *, user: Any = None, data: certificates.CertificateData | None = None
) -> None:
    """Whether the manager's link may still be used; raises a ValidationError saying why not.

    The link works once (until the manager has signed), for MANAGER_LINK_VALID_FOR after it
    was sent, for MANAGER_CODE_MAX_ATTEMPTS wrong codes, and never for the participant
    herself. The signing page and the signing service both ask here."""
    state = (
        certificate_selectors.certificate_state_now(certificate)
        if data is None
        else certificates.certificate_state(certificate, data)
    )
    if state == certificates.CertificateState.SIGNED:
        raise ValidationError(
            _(
                "Länken är redan använd: närvarorapporten är underskriven. Länken fungerar bara "
                "en gång."
            ),
            code="used",
        )
    if state == certificates.CertificateState.VOID:
        raise ValidationError(
            _(
                "Uppgifterna i rapporten har ändrats efter att deltagaren skrev under. "
                "Deltagaren måste skriva under igen först."
            ),
            code="void",
        )
    if state != certificates.CertificateState.PARTICIPANT_SIGNED:
        raise ValidationError(_("Deltagaren har inte skrivit under rapporten än."), code="unsigned")
    if (
        certificate.manager_code_sent_at is None
        or timezone.now() > certificate.manager_code_sent_at + MANAGER_LINK_VALID_FOR
    ):
        raise ValidationError(
            _(
                "Länken har gått ut (den gäller i %(days)s dagar). Be deltagaren eller "
                "samordnaren skicka en ny länk."
            )
            % {"days": MANAGER_LINK_VALID_FOR.days},
            code="expired",
        )
    if certificate.manager_rejected_at is not None:
        raise ValidationError(
            _(
                "Du har svarat att du inte skriver under, och deltagaren har fått din kommentar. "
                "Länken fungerar inte längre."
            ),
            code="rejected",
        )
    if certificate.manager_code_attempts >= MANAGER_CODE_MAX_ATTEMPTS:
        raise ValidationError(
            _("För många felaktiga försök. Be deltagaren eller samordnaren skicka en ny kod."),
            code="locked",
        )
    participation = certificate.participation
    if certificates.manager_is_participant(participation=participation, user=user):
        raise ValidationError(
            _(
                "Du är inloggad som deltagaren. Närvarorapporten skrivs under av närmaste chef, "
                "en annan person, med länken och koden i chefens mejl."
            ),
            code="self_manager",
        )
    if certificates.manager_is_participant(
        participation=participation, email=certificate.manager_email
    ):
        # A request made before the rule: the link went to the participant's own address.
        raise ValidationError(_self_manager_message(), code="self_manager")


def certificate_sign_manager(
    *,
    certificate: Certificate,
    name: str,
    code: str = "",
    user: Any = None,
) -> Certificate:
    """The manager signs, logged in with the address the request went to, or with the code;
    she is mailed the signed report after the signature commits."""

    def sign(certificate: Certificate, logged_in: bool) -> None:
        certificate.manager_signed_at = timezone.now()
        certificate.manager_signed_by = user if logged_in else None
        certificate.manager_signed_name = name.strip()
        certificate.manager_signed_method = "login" if logged_in else "code"
        mail.request(
            "certificate_signed_copy",
            once_per=f"{certificate.pk}:{certificate.manager_signed_at.timestamp()}",
            certificate_id=certificate.pk,
        )

    return _manager_answers(certificate, name=name, code=code, user=user, answer=sign)


def certificate_reject_manager(
    *,
    certificate: Certificate,
    name: str,
    comment: str,
    code: str = "",
    user: Any = None,
) -> Certificate:
    """The manager does not sign, saying why (verified like a signature); the link closes
    and the participant is mailed the comment, to have the report put right."""
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {
                "comment": _(
                    "Skriv varför du inte skriver under, så att deltagaren vet vad som ska rättas."
                )
            }
        )

    def reject(certificate: Certificate, logged_in: bool) -> None:
        certificate.manager_rejected_at = timezone.now()
        certificate.manager_rejected_name = name.strip()
        certificate.manager_rejection_comment = comment[:1000]
        mail.request(
            "certificate_rejected",
            once_per=f"{certificate.pk}:{certificate.manager_rejected_at.timestamp()}",
            certificate_id=certificate.pk,
        )

    return _manager_answers(certificate, name=name, code=code, user=user, answer=reject)


def _manager_answers(
    certificate: Certificate,
    *,
    name: str,
    code: str,
    user: Any,
    answer: Callable[[Certificate, bool], None],
) -> Certificate:
    """The manager's answer to the link (a signature or a refusal), once.

    The manager is verified as another person than the participant (the address is none of
    hers, and the signer is not logged in as her), and logged in with the address the
    request went to or holding the code. A wrong code is counted in its own committed
    transaction (then the error is raised), so the attempt limit holds."""
    wrong_code = False
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("participation__user")
            .get(pk=certificate.pk)
        )
        # A second click (or a race lost on the row lock) gets the same "already used" answer.
        certificate_manager_link_check(certificate, user=user)
        logged_in = bool(
            user is not None
            and user.is_authenticated
            and certificate.manager_email
            and user.email.lower() == certificate.manager_email.lower()
        )
        if not logged_in:
            if not certificate.manager_code_hash:
                raise ValidationError(_("Koden är redan använd eller har inte skickats."))
            if not hmac.compare_digest(certificate.manager_code_hash, code_hash(code.strip())):
                certificate.manager_code_attempts += 1
                certificate.save(update_fields=["manager_code_attempts"])
                wrong_code = True
        if not wrong_code:
            if not name.strip():
                raise ValidationError({"name": _("Skriv ditt namn.")})
            answer(certificate, logged_in)
            certificate.manager_code_hash = ""  # one-time
            certificate.save()
    if wrong_code:
        raise ValidationError({"code": _("Fel kod. Kontrollera koden i e-postmeddelandet.")})
    return certificate


def certificate_signed_pdf(certificate: Certificate) -> bytes:
    """The report as the manager signed it, with who signed and when on each line (her
    copy: the personnummer masked, as on her signing page)."""
    from activities import exports, presenters

    participation = certificate.participation
    data = certificate_selectors.certificate_data(
        participation=participation, month=certificate.month
    )
    state = certificates.certificate_state(certificate, data)
    return exports.certificate_pdf(
        data,
        presenters.certificate_signatures(certificate, state),
        personnummer=certificate_personnummer(
            access=None, participation=participation, context="manager_copy"
        ),
    )


@transaction.atomic
def certificates_send_for_signing(
    *, access: ProjectAccess, month: dt.date, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Mail everyone in scope with counted time in an ended `month`, who has neither signed
    nor been sent it, that her certificate is ready to sign. Returns (mailed, without an
    address). A second send (a double click) finds them sent and mails no one again."""
    access.require("hours.approve")
    now = now or timezone.now()
    month = dates.month_start(month)
    certificates.check_month_over(month, timezone.localdate(now))
    participation_ids, without_address = certificate_selectors.to_send_for_signing(
        access=access, month=month
    )
    for participation_id in participation_ids:
        certificate, _created = Certificate.objects.select_for_update().get_or_create(
            participation_id=participation_id, month=month
        )
        if certificate.sign_requested_at or certificate.participant_signed_at:
            continue  # a parallel send got there first
        certificate.sign_requested_at = now
        certificate.save(update_fields=["sign_requested_at"])
        mail.request(
            "certificate_to_sign",
            once_per=f"{certificate.pk}:{now.timestamp()}",
            certificate_id=certificate.pk,
        )
    return len(participation_ids), without_address
