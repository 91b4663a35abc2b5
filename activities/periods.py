"""What the activities app holds outside a project's period, counted when the period
changes (digiproj.projects.periods.period_changed): sessions, and approved self-reported
time, on days the period no longer covers. That time stays on the month pages and the
certificates but no report for the project's period counts it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from digiproj.dates import local_midnight
from digiproj.projects.models import Project
from digiproj.projects.periods import Outside

from .models import SelfReportedTime, Session


def _period(project: Project) -> dict[str, str]:
    return {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()}


def dates_outside(sender: Any, project: Project, **kwargs: Any) -> list[Outside]:
    first = local_midnight(project.start_date)
    after = local_midnight(project.end_date + dt.timedelta(days=1))
    sessions = Session.objects.filter(activity__project=project).filter(
        Q(starts_at__lt=first) | Q(starts_at__gte=after)
    )
    own_time = SelfReportedTime.objects.filter(
        activity__project=project, status=SelfReportedTime.Status.APPROVED
    ).filter(Q(date__lt=project.start_date) | Q(date__gt=project.end_date))
    n_sessions, n_own = sessions.count(), own_time.count()
    return [
        Outside(
            "sessions",
            n_sessions,
            ngettext(
                "%(n)s tillfälle ligger utanför projektets period %(start)s–%(end)s. Tid på "
                "det kan inte redovisas för perioden: flytta tillfället eller rätta perioden.",
                "%(n)s tillfällen ligger utanför projektets period %(start)s–%(end)s. Tid på "
                "dem kan inte redovisas för perioden: flytta tillfällena eller rätta perioden.",
                n_sessions,
            )
            % {"n": n_sessions, **_period(project)},
        ),
        Outside(
            "self_reported_time",
            n_own,
            ngettext(
                "%(n)s godkänd egenrapporterad tid ligger utanför projektets period "
                "%(start)s–%(end)s och kan inte redovisas för perioden.",
                "%(n)s godkända egenrapporterade tider ligger utanför projektets period "
                "%(start)s–%(end)s och kan inte redovisas för perioden.",
                n_own,
            )
            % {"n": n_own, **_period(project)},
        ),
    ]
