"""Thin Celery tasks: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def enrolment_promotion_notify_task(self, enrolment_id: int) -> bool:
    # Idempotent: digiproj.mail's send_once, so redelivery sends no second mail.
    return services.enrolment_promotion_notify(enrolment_id=enrolment_id)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=3,
)
def enrolment_reminders_send_task(self) -> int:
    # Idempotent: each reminder is sent once (digiproj.mail's send_once).
    return services.enrolment_reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def attendance_imports_expire_task(self) -> int:
    # Idempotent: an emptied draft is no longer a draft, so a second run finds nothing.
    return services.attendance_imports_expire()
