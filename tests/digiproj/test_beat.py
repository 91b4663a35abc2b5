"""The beat schedule (digiproj/beat.py) names only tasks the workers know."""

from __future__ import annotations

from django.conf import settings

from digiproj.beat import BEAT_SCHEDULE
from digiproj.celery import app


def test_every_scheduled_task_is_registered_in_the_celery_app():
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    unknown = {
        name: entry["task"]
        for name, entry in BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert BEAT_SCHEDULE
    assert unknown == {}


def test_settings_take_the_beat_schedule_from_its_one_module():
    assert settings.CELERY_BEAT_SCHEDULE is BEAT_SCHEDULE
    assert app.conf.beat_schedule == BEAT_SCHEDULE


def test_every_schedule_is_a_period_in_seconds():
    assert all(float(entry["schedule"]) >= 60 for entry in BEAT_SCHEDULE.values())
