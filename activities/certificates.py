"""The monthly certificate (närvarorapport) as a thing of its own: what it shows, the hash its
signatures are bound to, the state that follows (unsigned, signed by the participant, signed
by both, void when the data changed after signing), and who may sign as the nearest manager.

Reads that gather a certificate's data live in activities.selectors.certificates, writes
(signing) in activities.services.certificates; both ask here what a certificate is.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from typing import Any, TypedDict

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.hours import hours_for_month
from activities.models import Certificate
from digiproj.dates import month_end, month_start
from participants.models import Participation


class CertificateRow(TypedDict):
    date: str  # ISO date
    activity: str
    minutes: int


class CertificateData(TypedDict):
    """What one monthly certificate shows, and exactly what its hash covers."""

    project: str
    diarienummer: str
    month: str  # YYYY-MM
    name: str
    personnummer: str
    employer: str
    organisationsnummer: str
    rows: list[CertificateRow]
    total_minutes: int
    hours: str


def certificate_payload(
    participation: Participation,
    month: dt.date,
    by_day: dict[tuple[int, int, dt.date], int],
    titles: dict[int, str],
) -> CertificateData:
    """One month's certificate from counted minutes per (participation, activity, day) and
    the activities' titles (the participation, person, organisation and project loaded)."""
    rows: list[CertificateRow] = [
        {"date": day.isoformat(), "activity": titles[activity_id], "minutes": minutes}
        for (pid, activity_id, day), minutes in sorted(
            by_day.items(), key=lambda kv: (kv[0][2], titles[kv[0][1]])
        )
        if pid == participation.pk and month_start(day) == month
    ]
    person, org, project = participation.person, participation.organisation, participation.project
    total = sum(r["minutes"] for r in rows)
    return {
        "project": project.name,
        "diarienummer": project.diarienummer,
        "month": month.strftime("%Y-%m"),
        "name": participation.full_name,
        "personnummer": person.personnummer,
        "employer": org.name,
        "organisationsnummer": org.organisationsnummer,
        "rows": rows,
        "total_minutes": total,
        "hours": str(hours_for_month(total, project.hour_rounding)),
    }


def certificate_hash(data: CertificateData) -> str:
    """The digest the signatures are bound to: any change to what the certificate shows
    changes it, and voids the signatures."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def month_over(month: dt.date, today: dt.date | None = None) -> bool:
    """Whether a certificate can be signed (and sent for signing) for the month: only once
    the month has ended, because until then more time can still be recorded in it and a
    signature would certify a month that is not complete."""
    return month_end(month) < (today or timezone.localdate())


def check_month_over(month: dt.date, today: dt.date | None = None) -> None:
    """Refuse (code month_not_over) a signature, or a send for signing, in a month not over."""
    if not month_over(month, today):
        raise ValidationError(
            _("%(month)s är inte slut ännu. Närvarorapporten skrivs under när månaden är slut.")
            % {"month": date_format(month_start(month), "F Y")},
            code="month_not_over",
        )


class CertificateState(enum.StrEnum):
    UNSIGNED = "unsigned"
    PARTICIPANT_SIGNED = "participant_signed"
    SIGNED = "signed"
    VOID = "void"  # data changed after signing: the signatures no longer hold


def certificate_state(certificate: Certificate | None, data: CertificateData) -> CertificateState:
    """A certificate's state against `data`, what its month shows now. Certified (counted as
    signed in the reports) is SIGNED only: both signatures on data that still hash the same."""
    if certificate is None or certificate.participant_signed_at is None:
        return CertificateState.UNSIGNED
    if certificate_hash(data) != certificate.content_hash:
        return CertificateState.VOID
    if certificate.manager_signed_at:
        return CertificateState.SIGNED
    return CertificateState.PARTICIPANT_SIGNED


def participant_addresses(*, participation: Participation) -> set[str]:
    """Every address that reaches the participant herself: her record's email, her login's
    email and any address of her login (allauth), lower-cased."""
    # The record and login this project holds (names and addresses are per participation).
    addresses = {participation.email}
    if participation.user is not None:  # no query when there is no login (user_id None)
        addresses.add(participation.user.email)
        addresses.update(
            EmailAddress.objects.filter(user_id=participation.user_id).values_list(
                "email", flat=True
            )
        )
    return {a.strip().lower() for a in addresses if a and a.strip()}


def manager_is_participant(
    *, participation: Participation, email: str = "", user: Any = None
) -> bool:
    """The one rule that the nearest manager is another person than the participant: not one
    of her own addresses, and not signed in as her."""
    # Signed in with any login that holds a participation of the same person is her.
    if (
        user is not None
        and user.is_authenticated
        and Participation.objects.filter(person_id=participation.person_id, user=user).exists()
    ):
        return True
    return bool(email.strip()) and email.strip().lower() in participant_addresses(
        participation=participation
    )


def manager_signature_verified(certificate: Certificate) -> bool:
    """Whether the manager's signature is a digital signature of another person: made with
    the one-time code mailed to the manager, or logged in with that address, and by someone
    who is not the participant. Anything else is printed as an empty line to sign on paper."""
    if certificate.manager_signed_at is None or certificate.manager_signed_method not in {
        "code",
        "login",
    }:
        return False
    return not manager_is_participant(
        participation=certificate.participation,
        email=certificate.manager_email,
        user=certificate.manager_signed_by,
    )
