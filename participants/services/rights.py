"""A participant's rights over their data: correction requests (GDPR art. 16) and erasure
(art. 17, as far as the funder's retention allows)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.mail import services as mail

from ..models import Participation, Person
from . import anonymisation

audit_log = logging.getLogger("digiproj.audit")


def _correction_key(message: str) -> str:
    import hashlib

    return hashlib.sha256(" ".join(message.split()).casefold().encode()).hexdigest()


@transaction.atomic
def correction_request_submit(*, user_id: int, message: str) -> tuple[int, bool]:
    """A participant asks for correction (GDPR art. 16) in every project whose participation
    is linked to their login. All rows or none; the same open request sent again (a double
    click, a resent form, two tabs at once) adds nothing: the partial unique constraint on
    the message's hash is the guarantee, the check before it only saves a failed insert.
    Returns (the number of projects asked, whether this was new)."""
    from ..models import CorrectionRequest

    message = message.strip()
    if not message:
        raise ValidationError(
            {"message": _("Skriv vilken uppgift som är fel och vad den ska vara.")}
        )
    key = _correction_key(message)
    participations = list(
        Participation.objects.current().select_for_update().filter(user_id=user_id).order_by("pk")
    )
    if not participations:
        raise ValidationError(_("Ditt konto är inte kopplat till något deltagande."))
    created = 0
    for participation in participations:
        if CorrectionRequest.objects.filter(
            participation=participation, message_key=key, handled_at__isnull=True
        ).exists():
            continue
        request = CorrectionRequest(participation=participation, message=message, message_key=key)
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            continue  # the same request from a parallel submit got there first
        _coordinators_notify(request)
        created += 1
    return len(participations), created > 0


def correction_request_create(*, participation: Participation, message: str) -> Any:
    """One project's correction request (kept for callers with one participation)."""
    from ..models import CorrectionRequest

    message = message.strip()
    key = _correction_key(message)
    with transaction.atomic():
        existing = CorrectionRequest.objects.filter(
            participation=participation, message_key=key, handled_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        request = CorrectionRequest(participation=participation, message=message, message_key=key)
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            return CorrectionRequest.objects.get(
                participation=participation, message_key=key, handled_at__isnull=True
            )
        _coordinators_notify(request)
    return request


def _coordinators_notify(request: Any) -> None:
    """The project's coordinators are mailed that a correction is asked for (art. 16: an
    answer within a month); the request itself is read on the platform, not in mail."""
    mail.request("correction_request", once_per=request.pk, correction_id=request.pk)


@transaction.atomic
def correction_request_handle(*, correction: Any, user_id: int) -> None:
    """Mark handled once; a second click changes nothing."""
    from ..models import CorrectionRequest

    CorrectionRequest.objects.filter(pk=correction.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by_id=user_id
    )


@transaction.atomic
def person_erase(*, participation: Participation, user_id: int) -> str:
    """Erase a participant's personal data in one project as far as the law allows. Returns
    "contact" or "anonymised" (what was done).

    The rule (DESIGN.md, "Retention and personal data"): the legal basis is public interest
    and the funder's reporting duty (GDPR 6.1 e and c), and ESF documents must be kept until
    the project's `retain_until` (the last possible audit).

    Only this project's data is touched: its participation, its invitations and, from its
    `retain_until` on, its history. Other projects holding the same person keep everything
    they hold, and a login another project linked is kept (only this project's link goes).

    - Before `retain_until` (or when the project has none yet), only what the funder does not
      require is removed: email, phone, the nearest manager kept for the certificates and
      the link to the login (the login itself is deleted when nothing else uses it). Name,
      personnummer, employer, dates, education level and the participation stay, because
      reports and audits need them. Email, phone and the manager are also blanked in this
      participation's audit trail, which would otherwise still hold them.
    - From `retain_until` on, the participation is marked erased (it leaves every list and
      report), its name and gender override are replaced and its history removed; the shared
      identity (personnummer) is anonymised only when no other project still needs it (one
      whose own retention has not run: anonymisation.participations_needing_identity).

    Each rule is one function of services.anonymisation, which the retention run after
    `retain_until` (participants.retention) applies to a whole project.
    """
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    project = participation.project
    today = timezone.localdate()
    login_id = participation.user_id
    participation.email = ""
    participation.phone = ""
    participation.manager_name = participation.manager_email = ""
    participation.user = None
    participation.contact_erased_at = timezone.now()
    participation._change_reason = _("Radering av kontaktuppgifter")
    participation.save()
    this = Participation.objects.filter(pk=participation.pk)
    anonymisation.participations_contact_erase(this)
    anonymisation.logins_delete(anonymisation.logins_unused_after([login_id], besides=[]))
    audit_log.info(
        "person erased (contact data): participation=%s by=%s", participation.pk, user_id
    )
    if project.retain_until is None or today < project.retain_until:
        return "contact"

    this.update(
        erased_at=timezone.now(),
        gender_override="",
        gender_override_reason="",
        protected_identity=False,
    )
    anonymisation.participations_anonymise(this)
    Participation.history.filter(id=participation.pk).delete()
    person = Person.objects.select_for_update().get(pk=participation.person_id)
    if not anonymisation.participations_needing_identity(
        person.pk, besides=[participation.pk]
    ).exists():
        anonymisation.identity_anonymise(person)
    audit_log.info("person anonymised: participation=%s by=%s", participation.pk, user_id)
    return "anonymised"
