"""Report runs with a real Celery worker behind a real Redis broker."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from digiproj import jobs
from digiproj.celery import app as celery_app
from digiproj.projects.permissions import project_access
from reporting import services
from reporting.models import ReportRun
from tests.reporting.conftest import PERIOD

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _order(world):
    access = project_access(world["coordinator"], world["project"])
    return services.report_run_create(
        access=access,
        user=world["coordinator"],
        kind="indikatorer",
        file_format="xlsx",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )


def _wait(run, statuses, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in statuses:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run still {run.status} after {timeout}s")


def test_report_is_made_by_the_worker(worker, small_project):
    run = _wait(_order(small_project), {ReportRun.Status.DONE, ReportRun.Status.FAILED})
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 1
    assert run.file.storage.exists(run.file.name)  # written by the worker, in shared storage


def test_killed_worker_process_mid_report_ends_done_not_stuck(worker, small_project):
    # Slow every step down and keep the lease short, so the kill lands mid-run and the
    # retried attempt may take over soon after.
    worker.restart(DIGIPROJ_REPORT_STEP_DELAY="0.5", DIGIPROJ_JOB_LEASE_SECONDS="2")
    run = _wait(_order(small_project), {ReportRun.Status.RUNNING})
    time.sleep(0.3)
    worker.kill_pool_child()

    run = _wait(run, {ReportRun.Status.DONE, ReportRun.Status.FAILED}, timeout=90)
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 2  # the killed attempt, then the one that finished


def test_whole_worker_killed_is_recovered_by_the_scheduled_task(worker, small_project):
    worker.restart(DIGIPROJ_REPORT_STEP_DELAY="0.5", DIGIPROJ_JOB_LEASE_SECONDS="2")
    run = _wait(_order(small_project), {ReportRun.Status.RUNNING})
    worker.kill()  # main process and pool: the message stays unacknowledged in Redis
    worker.restart(DIGIPROJ_JOB_LEASE_SECONDS="2")
    time.sleep(2.5)  # the dead attempt's lease runs out

    assert jobs.jobs_recover(ReportRun) == 1  # what beat runs every minute

    run = _wait(run, {ReportRun.Status.DONE, ReportRun.Status.FAILED}, timeout=90)
    assert run.status == ReportRun.Status.DONE, run.error


def test_stopped_broker_gives_a_message_and_leaves_no_row(worker, small_project):
    # Publishing goes to the write URL (which wins over CELERY_BROKER_URL from the
    # environment); nothing listens on port 1, as when Redis is down.
    conf = celery_app.conf
    saved = conf.broker_write_url
    conf.broker_write_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        started = time.monotonic()
        with pytest.raises(ValidationError) as error:
            _order(small_project)
        elapsed = time.monotonic() - started
    finally:
        conf.broker_write_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    assert error.value.code == "broker_unavailable"
    assert "Bakgrundstjänsten" in error.value.messages[0]
    assert not ReportRun.objects.exists()
    assert elapsed < 15  # fails fast, does not hang the request
