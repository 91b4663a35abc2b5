from __future__ import annotations

from celery import shared_task

from . import selectors


@shared_task
def system_status_task() -> dict[str, object]:
    """Answered by a worker: proves broker, worker and database work together (health check)."""
    return selectors.system_status()
