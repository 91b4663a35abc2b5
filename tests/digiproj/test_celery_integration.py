"""A task really crosses the Redis broker to a separate worker process and back."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from digiproj.projects.tasks import system_status_task
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_task_goes_through_broker_to_worker_and_back(celery_worker):
    ProjectFactory.create_batch(3)

    result = system_status_task.delay()
    answer = result.get(timeout=30)

    assert answer["pid"] != os.getpid()  # answered by another process: the worker
    assert answer["database"] == f"{connection.vendor}:{connection.settings_dict['NAME']}"
    assert answer["projects"] == 3  # the worker reads the rows this test committed
