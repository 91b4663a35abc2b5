from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

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


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def participant_import_confirm_task(upload_id: int, user_id: int | None) -> None:
    """Idempotent: the service locks the upload and skips one already imported."""
    services.participant_import_confirm(upload_id=upload_id, user_id=user_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def participant_import_check_task(upload_id: int) -> None:
    """Idempotent: the service reads only an upload still waiting to be checked."""
    services.participant_import_check(upload_id=upload_id)
