from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError

from . import services


@shared_task(
    base=DjangoTask,  # delay_on_commit, typed
    acks_late=True,
    # A mail server or database that is away for a moment: try again, with growing pauses.
    autoretry_for=(SMTPException, OSError, OperationalError),
    retry_backoff=True,
    max_retries=6,
)
def mail_send_task(kind: str, once_per: str, params: dict[str, Any]) -> int:
    """Idempotent (services.send_once), so acks_late and retries send each mail once."""
    return services.send(kind, once_per, params)
