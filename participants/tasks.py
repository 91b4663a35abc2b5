from __future__ import annotations

from celery import shared_task

from digiproj import jobs

from . import services


@shared_task(**jobs.JOB_TASK_OPTIONS)
def participant_import_run_task(self, upload_id: int) -> None:
    """Check a big upload or import confirmed rows (idempotent: the job claim)."""
    jobs.job_task_run(self, lambda: services.participant_import_run(upload_id=upload_id))
