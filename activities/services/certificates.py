"""Monthly certificates: the participant's and the nearest manager's signatures."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities import selectors
from activities.models import (
    Certificate,
)
from digiproj import dates
from participants.models import Participation

MANAGER_CODE_MAX_ATTEMPTS = 5


# --- certificates -----------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def certificate_sign_participant(
    *, participation: Participation, month: dt.date, user_id: int
) -> Certificate:
    """The participant signs the month. Signing again after a change replaces the old hash
    and clears the manager's (now void) signature."""
    month = dates.month_start(month)
    data = selectors.certificate_data(participation=participation, month=month)
    if not data["rows"]:
        raise ValidationError(_("Det finns inga timmar att intyga för månaden."))
    digest = selectors.certificate_hash(data)
    certificate, _created = Certificate.objects.select_for_update().get_or_create(
        participation=participation, month=month
    )
    if certificate.participant_signed_at and certificate.content_hash == digest:
        return certificate
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


@transaction.atomic
def certificate_request_manager(
    *, certificate: Certificate, email: str, base_url: str
) -> Certificate:
    """Send the nearest manager a link and a one-time code to sign with."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    state = selectors.certificate_state(certificate)
    if state != selectors.CertificateState.PARTICIPANT_SIGNED:
        raise ValidationError(
            _("Deltagaren måste skriva under den aktuella rapporten innan chefen kan göra det.")
        )
    certificate.manager_email = email.strip().lower()
    certificate.full_clean()
    code = f"{secrets.randbelow(10**6):06d}"
    certificate.manager_token = secrets.token_urlsafe(32)
    certificate.manager_code_hash = _code_hash(code)
    certificate.manager_code_attempts = 0
    certificate.manager_code_sent_at = timezone.now()
    certificate.save()
    person = certificate.participation.person
    url = base_url + reverse("activities_manager_sign", args=[certificate.manager_token])
    with translation.override("sv"):
        subject = _("Närvarorapport att skriva under")
        body = _(
            "Hej!\n\n%(name)s har skrivit under sin närvarorapport för %(month)s i projektet "
            "%(project)s och anger dig som närmaste chef.\n\nÖppna länken och skriv in "
            "engångskoden för att granska och skriva under:\n%(url)s\n\nEngångskod: %(code)s\n"
        ) % {
            "name": person.full_name,
            "month": date_format(certificate.month, "F Y"),
            "project": certificate.participation.project.name,
            "url": url,
            "code": code,
        }
    transaction.on_commit(lambda: send_mail(subject, body, None, [certificate.manager_email]))
    return certificate


def certificate_sign_manager(
    *,
    certificate: Certificate,
    name: str,
    code: str = "",
    user: Any = None,
) -> Certificate:
    """The manager signs, logged in with the address the request went to, or with the code.

    A wrong code is counted in its own committed transaction (then the error is raised), so
    the attempt limit holds."""
    wrong_code = False
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        state = selectors.certificate_state(certificate)
        if state == selectors.CertificateState.VOID:
            raise ValidationError(
                _(
                    "Uppgifterna i rapporten har ändrats efter att deltagaren skrev under. "
                    "Deltagaren måste skriva under igen först."
                )
            )
        if state == selectors.CertificateState.SIGNED:
            return certificate
        if state != selectors.CertificateState.PARTICIPANT_SIGNED:
            raise ValidationError(_("Deltagaren har inte skrivit under rapporten än."))
        logged_in = bool(
            user is not None
            and user.is_authenticated
            and certificate.manager_email
            and user.email.lower() == certificate.manager_email.lower()
        )
        if not logged_in:
            if not certificate.manager_code_hash:
                raise ValidationError(_("Koden är redan använd eller har inte skickats."))
            if certificate.manager_code_attempts >= MANAGER_CODE_MAX_ATTEMPTS:
                raise ValidationError(
                    _(
                        "För många felaktiga försök. Be deltagaren eller samordnaren skicka "
                        "en ny kod."
                    )
                )
            if not hmac.compare_digest(certificate.manager_code_hash, _code_hash(code.strip())):
                certificate.manager_code_attempts += 1
                certificate.save(update_fields=["manager_code_attempts"])
                wrong_code = True
        if not wrong_code:
            if not name.strip():
                raise ValidationError({"name": _("Skriv ditt namn.")})
            certificate.manager_signed_at = timezone.now()
            certificate.manager_signed_by = user if logged_in else None
            certificate.manager_signed_name = name.strip()
            certificate.manager_signed_method = "login" if logged_in else "code"
            certificate.manager_code_hash = ""  # one-time
            certificate.save()
    if wrong_code:
        raise ValidationError({"code": _("Fel kod. Kontrollera koden i e-postmeddelandet.")})
    return certificate
