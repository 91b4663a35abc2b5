"""The activities' mails (registered with digiproj.mail; built by the worker from ids).

Each builder reads what it needs, returns the mails to send (none when there is nothing to
say any more, e.g. an enrolment cancelled before its confirmation went out), and may mark
the event on the row in the same transaction as the send (digiproj.mail.services.send_once)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from activities import exports
from activities.models import Certificate, Enrolment, Session
from digiproj.mail.services import Attachment, absolute_url, compose, mail


def _enrolment(enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session__activity__project__owner", "participation")
        .filter(pk=enrolment_id)
        .first()
    )


def session_calendar_file(session: Session) -> Attachment:
    """The session as an .ics file: the online link in LOCATION and DESCRIPTION, where
    Outlook and every other calendar show it."""
    host = urlsplit(settings.DIGIPROJ_BASE_URL).hostname or "digiproj"
    content = exports.ical([exports.session_event(session, host=host)], name=session.activity.title)
    return Attachment("tillfalle.ics", content, "text/calendar")


def _session_mail(kind: str, enrolment: Enrolment, *, calendar: bool, **extra: object) -> list:
    person, session = enrolment.participation, enrolment.session
    if not person.email:
        return []
    return [
        compose(
            kind,
            to=person.email,
            project=session.activity.project,
            context={
                "name": person.first_name,
                "session": session,
                "my_url": absolute_url(reverse("my_activities")),
                **extra,
            },
            attachments=[session_calendar_file(session)] if calendar else [],
        )
    ]


@mail("enrolment_confirmation")
def enrolment_confirmation(*, enrolment_id: int) -> Iterable[EmailMessage]:
    """Enrolled: a confirmation with the calendar file; on the waiting list: that she waits."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status == Enrolment.Status.CANCELLED:
        return []
    enrolment.confirmation_sent_at = timezone.now()
    enrolment.save(update_fields=["confirmation_sent_at", "updated_at"])
    if enrolment.status == Enrolment.Status.WAITING:
        return _session_mail("enrolment_waiting", enrolment, calendar=False)
    return _session_mail("enrolment_confirmed", enrolment, calendar=True)


@mail("enrolment_promoted")
def enrolment_promoted(*, enrolment_id: int) -> Iterable[EmailMessage]:
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status != Enrolment.Status.ENROLLED:
        return []
    enrolment.promotion_notified_at = timezone.now()
    enrolment.save(update_fields=["promotion_notified_at", "updated_at"])
    return _session_mail("enrolment_promoted", enrolment, calendar=True)


@mail("enrolment_cancelled")
def enrolment_cancelled(*, enrolment_id: int, by_staff: bool) -> Iterable[EmailMessage]:
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status != Enrolment.Status.CANCELLED:
        return []  # enrolled again since: nothing to tell
    return _session_mail("enrolment_cancelled", enrolment, calendar=False, by_staff=by_staff)


@mail("enrolment_reminder")
def enrolment_reminder(*, enrolment_id: int) -> Iterable[EmailMessage]:
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status != Enrolment.Status.ENROLLED:
        return []
    enrolment.reminder_sent_at = timezone.now()
    enrolment.save(update_fields=["reminder_sent_at", "updated_at"])
    return _session_mail("enrolment_reminder", enrolment, calendar=False)


# --- certificates -------------------------------------------------------------------------


def _certificate(certificate_id: int) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("participation__project__owner", "participation__person")
        .get(pk=certificate_id)
    )


def _sign_url(certificate: Certificate) -> str:
    """The certificate's page, where she reads the month and signs it."""
    month, participation = certificate.month, certificate.participation
    return absolute_url(
        reverse(
            "activities:certificate",
            args=[participation.project_id, participation.pk, month.year, month.month],
        )
    )


def _to_participant(kind: str, certificate: Certificate, **extra: object) -> list:
    participation = certificate.participation
    if not participation.email:
        return []  # the coordinator sees the state on the hours page
    context = {
        "name": participation.first_name,
        "month": certificate.month,
        "url": _sign_url(certificate),
        **extra,
    }
    return [compose(kind, to=participation.email, project=participation.project, context=context)]


@mail("certificate_to_sign")
def certificate_to_sign(*, certificate_id: int) -> Iterable[EmailMessage]:
    """The month's report is ready for the participant to sign (sent by the coordinator,
    who marked the certificate sent)."""
    return _to_participant("certificate_to_sign", _certificate(certificate_id))


@mail("certificate_changed")
def certificate_changed(*, certificate_id: int, reason: str) -> Iterable[EmailMessage]:
    """The attendance of a signed month changed: the signatures no longer hold."""
    certificate = _certificate(certificate_id)
    return _to_participant(
        "certificate_changed",
        certificate,
        reason=reason,
        manager_signed=certificate.manager_signed_at is not None,
    )


@mail("certificate_rejected")
def certificate_rejected(*, certificate_id: int) -> Iterable[EmailMessage]:
    certificate = _certificate(certificate_id)
    return _to_participant(
        "certificate_rejected",
        certificate,
        manager=certificate.manager_rejected_name,
        comment=certificate.manager_rejection_comment,
    )


@mail("manager_sign")
def manager_sign(*, certificate_id: int) -> Iterable[EmailMessage]:
    """The nearest manager's link and one-time code, in two mails: one mail gone astray
    (forwarded, read over a shoulder) is not enough to sign in her name. The code is made
    here, where it is mailed, and only its hash is kept."""
    from activities.services.certificates import MANAGER_LINK_VALID_FOR, code_hash

    certificate = _certificate(certificate_id)
    sent_at = certificate.manager_code_sent_at
    if not certificate.manager_token or certificate.manager_signed_at or sent_at is None:
        return []
    code = f"{secrets.randbelow(10**6):06d}"
    certificate.manager_code_hash = code_hash(code)
    certificate.save(update_fields=["manager_code_hash"])
    participation = certificate.participation
    context = {
        "name": participation.full_name,
        "month": certificate.month,
        "url": absolute_url(reverse("activities_manager_sign", args=[certificate.manager_token])),
        "code": code,
        "until": sent_at + MANAGER_LINK_VALID_FOR,
    }
    to, project = certificate.manager_email, participation.project
    return [
        compose("manager_sign_link", to=to, project=project, context=context),
        compose("manager_sign_code", to=to, project=project, context=context),
    ]


@mail("certificate_signed_copy")
def certificate_signed_copy(*, certificate_id: int) -> Iterable[EmailMessage]:
    """The manager's copy of what she signed, as a PDF with who signed and when."""
    from activities.services.certificates import certificate_signed_pdf

    certificate = _certificate(certificate_id)
    if not certificate.manager_signed_at or not certificate.manager_email:
        return []
    participation = certificate.participation
    pdf = Attachment(
        f"narvarorapport-{certificate.month:%Y-%m}.pdf",
        certificate_signed_pdf(certificate),
        "application/pdf",
    )
    return [
        compose(
            "certificate_signed_copy",
            to=certificate.manager_email,
            project=participation.project,
            context={"name": participation.full_name, "month": certificate.month},
            attachments=[pdf],
        )
    ]
