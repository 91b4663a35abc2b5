from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def invitation_send_task(invitation_id: int) -> None:
    """Idempotent (the service skips an invitation already sent), so acks_late is safe."""
    services.invitation_send(invitation_id=invitation_id)


@shared_task(acks_late=True)
def participant_import_purge_task() -> int:
    """Beat: unconfirmed uploads do not keep personal data lying around (idempotent)."""
    return services.participant_import_purge()
