from __future__ import annotations

from celery import shared_task

from digiproj import jobs

from . import services


@shared_task(**jobs.JOB_TASK_OPTIONS)
def report_run_execute_task(self, run_id: int) -> None:
    jobs.job_task_run(self, lambda: services.report_run_execute(run_id=run_id))
