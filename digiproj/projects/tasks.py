from __future__ import annotations

from celery import shared_task

from digiproj import retention

from . import selectors
from .models import RetentionRecord


@shared_task
def system_status_task() -> dict[str, object]:
    """Answered by a worker: proves broker, worker and database work together (health check)."""
    return selectors.system_status()


@shared_task(name="digiproj.projects.tasks.retention_run_due_task")
def retention_run_due_task() -> list[int]:
    """Daily: make every project past its retain_until anonymous (digiproj.retention).
    Safe to run again: a project already done is skipped. Returns the projects done."""
    records = retention.retention_run_due(trigger=RetentionRecord.Trigger.SCHEDULE)
    return [record.project_id for record in records]
