"""The project's period against the dates recorded in it: one rule, reused by every write.

A project is financed for the days from its start date to its end date, both included. A
session, or a participation's start and end, that falls outside it can never be reported,
so the writes refuse it here rather than let a report leave it out later.

Where a coordinator may need it, a date outside is warned about and logged instead: a
project's own period can be changed (a corrected or amended grant decision) after sessions
and people are recorded; what then falls outside is counted by each app (`recorded_outside`,
through the `period_changed` signal, as the core imports no app), shown to the coordinator
and written to the audit log, counts only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Project

audit_log = logging.getLogger("digiproj.audit")


def within_project(project: Project, day: dt.date) -> bool:
    """Whether the day lies within the project's period (both ends included)."""
    return project.start_date <= day <= project.end_date


# The message's Swedish source and its parameters apart, for the import's row errors, which
# are translated when they are shown (participants.importing.checking.error_text).
OUTSIDE_PROJECT = gettext_noop(
    "%(day)s ligger utanför projektets period %(start)s–%(end)s. Välj ett datum inom perioden."
)


def outside_project_params(project: Project, day: dt.date) -> dict[str, str]:
    return {
        "day": day.isoformat(),
        "start": project.start_date.isoformat(),
        "end": project.end_date.isoformat(),
    }


def outside_project_message(project: Project, day: dt.date) -> str:
    """What to fix when a date lies outside the project's period, the period named."""
    return _(OUTSIDE_PROJECT) % outside_project_params(project, day)


def check_within_project(project: Project, **days: dt.date | None) -> None:
    """Refuse (code outside_project, on the field) any of these dates, given by field name,
    that lies outside the project's period; None (not set) is left to the caller."""
    errors = {
        field: ValidationError(outside_project_message(project, day), code="outside_project")
        for field, day in days.items()
        if day is not None and not within_project(project, day)
    }
    if errors:
        raise ValidationError(errors)


def project_ended(project: Project, today: dt.date | None = None) -> bool:
    """Whether the project's period is over. Nobody joins a project after its last day:
    invitations, registration links and their confirmations are refused (a participation
    would start outside the period). People and time already recorded stay as they are."""
    return (today or timezone.localdate()) > project.end_date


def check_not_ended(project: Project, today: dt.date | None = None) -> None:
    """Refuse (code project_ended) what would let someone join a project that has ended."""
    if project_ended(project, today):
        raise ValidationError(
            _(
                "Projektet avslutades %(end)s. Det går inte längre att bjuda in eller "
                "registrera deltagare."
            )
            % {"end": project.end_date.isoformat()},
            code="project_ended",
        )


@dataclass(frozen=True)
class Outside:
    """What an app holds outside the project's period: a kind for the log, how many, and
    the sentence the coordinator reads."""

    kind: str
    count: int
    message: str


# Sent with `project` (its period as saved); each receiver returns a list of Outside.
period_changed = Signal()


def recorded_outside(project: Project) -> list[Outside]:
    """Everything recorded in the project that its period leaves outside, as each app that
    records dates counts it (participants: starts and ends; activities: sessions and
    self-reported time)."""
    found: list[Outside] = []
    for _receiver, outside in period_changed.send(sender=Project, project=project):
        found.extend(o for o in cast("list[Outside]", outside) if o.count)
    return found


def period_change_checked(
    project: Project, before: tuple[dt.date, dt.date], *, user_id: int | None
) -> list[Outside]:
    """After a project's period is saved: when it changed from `before` (start, end), what
    now lies outside it, written to the audit log (counts only) for the coordinator's
    warning. Nothing when the period is as it was."""
    if (project.start_date, project.end_date) == before:
        return []
    outside = recorded_outside(project)
    if outside:
        audit_log.warning(
            "project period changed with records outside it: project=%s user=%s %s",
            project.pk,
            user_id,
            " ".join(f"{o.kind}={o.count}" for o in outside),
        )
    return outside
