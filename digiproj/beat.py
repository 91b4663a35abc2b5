"""Every periodic task Celery beat runs, in one place: what runs, how often, and why.

settings.py reads this as CELERY_BEAT_SCHEDULE; tests/digiproj/test_beat.py checks that every
task named here is registered in the Celery app (a renamed task would otherwise be sent by beat
and silently dropped by the workers). Only task names (strings) here: the core imports no app.
"""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Every kind of background job (report runs, survey exports, participant imports): take over
    # attempts whose worker died (lease expired), fail jobs that waited too long for a worker,
    # delete files and rows past their retention. Every minute, so a lost job is picked up
    # again within about JOB_LEASE_SECONDS + 60 s.
    "jobs-maintain": {
        "task": "digiproj.jobs.jobs_maintain_task",
        "schedule": 60.0,
    },
    # Mail a reminder to everyone enrolled in a session that starts within 24 hours. Every
    # 15 minutes: each enrolment is reminded once (the service marks it), so a shorter period
    # only makes the reminder more punctual.
    "activities-session-reminders": {
        "task": "activities.tasks.enrolment_reminders_send_task",
        "schedule": 15 * 60.0,
    },
    # Empty the attendance imports nobody confirmed within a day (they hold names and
    # addresses read from a meeting's report). Hourly: a draft is kept at most about 25 hours.
    "activities-attendance-imports-expire": {
        "task": "activities.tasks.attendance_imports_expire_task",
        "schedule": 60 * 60.0,
    },
    # Send the exit questionnaire and the follow-up after exit to every participant whose
    # survey is due (surveys.services.exit). Hourly: each participation's survey is claimed
    # once, so the period only decides how soon after the due day's start it goes out.
    "surveys-exit-surveys": {
        "task": "surveys.tasks.exit_surveys_send_due_task",
        "schedule": 60 * 60.0,
    },
    # Make the personal data of every project past its retain_until anonymous
    # (digiproj/retention.py). Daily: the date is a day, and a project already done is
    # skipped, so a run that failed or was missed is simply made up the next night.
    "projects-retention": {
        "task": "digiproj.projects.tasks.retention_run_due_task",
        "schedule": 24 * 60 * 60.0,
    },
}
