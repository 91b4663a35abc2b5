"""Thin Celery tasks: take ids, call one service. Both services are idempotent."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=5
)
def round_invitations_send_task(round_id: int, reminder: bool = False) -> int:
    return services.round_invitations_send(round_id=round_id, reminder=reminder)


@shared_task(acks_late=True)
def survey_export_run_task(export_id: int) -> None:
    services.survey_export_run(export_id=export_id)


@shared_task
def survey_exports_requeue_stale_task() -> list[int]:
    from django.conf import settings

    limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return services.survey_exports_requeue_stale(older_than=limit)
