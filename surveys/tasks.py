"""Thin Celery tasks: take ids, call one service. Both services are idempotent."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError

from digiproj import jobs

from . import services


# base: the app's task class (digiproj/celery.py), named here so that the types know
# delay_on_commit.
@shared_task(
    base=DjangoTask,
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def round_invitations_send_task(
    round_id: int, reminder: bool = False, whole_group: bool = True
) -> int:
    return services.round_invitations_send(
        round_id=round_id, reminder=reminder, whole_group=whole_group
    )


@shared_task(**jobs.JOB_TASK_OPTIONS)
def survey_export_run_task(self, export_id: int) -> None:
    jobs.job_task_run(self, lambda: services.survey_export_run(export_id=export_id))


# Beat (digiproj/beat.py) runs it hourly; the service claims each participation's survey
# once (ExitDispatch and send_once), so a rerun or a second worker sends nothing.
@shared_task(
    base=DjangoTask,
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def exit_surveys_send_due_task() -> dict[str, int]:
    return services.exit_surveys_send_due()
