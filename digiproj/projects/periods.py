"""The project's period against the dates recorded in it: one rule, reused by every write.

A project is financed for the days from its start date to its end date, both included. A
session, or a participation's start and end, that falls outside it can never be reported,
so the writes refuse it here rather than let a report leave it out later.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Project


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
