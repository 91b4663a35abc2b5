from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    bind=True,
    acks_late=True,  # idempotent (the run's state machine), so a lost worker's job is redone
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def report_run_execute_task(self, run_id: int) -> None:
    try:
        services.report_run_execute(run_id=run_id)
    except services.LeaseHeld as held:
        raise self.retry(countdown=held.seconds, max_retries=50) from None


@shared_task
def report_runs_recover_task() -> int:
    return services.report_runs_recover()


@shared_task
def report_files_clean_up_task() -> int:
    return services.report_files_clean_up()
