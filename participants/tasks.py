from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from digiproj import jobs

from . import services


@shared_task(
    base=DjangoTask,  # the app's task class already; named so that delay_on_commit is typed
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def invitation_send_task(invitation_id: int) -> None:
    """Idempotent (the service skips an invitation already sent), so acks_late is safe."""
    services.invitation_send(invitation_id=invitation_id)


@shared_task(**jobs.JOB_TASK_OPTIONS)
def participant_import_run_task(self, upload_id: int) -> None:
    """Check a big upload or import confirmed rows (idempotent: the job claim)."""
    jobs.job_task_run(self, lambda: services.participant_import_run(upload_id=upload_id))
