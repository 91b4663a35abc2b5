"""What the participants app holds outside a project's period, counted when the period
changes (digiproj.projects.periods.period_changed): participations that start or end
outside it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from digiproj.projects.models import Project
from digiproj.projects.periods import Outside

from .models import Participation


def participations_outside(sender: Any, project: Project, **kwargs: Any) -> list[Outside]:
    start, end = project.start_date, project.end_date
    count = (
        Participation.objects.filter(project=project, erased_at__isnull=True)
        .filter(
            Q(start_date__lt=start)
            | Q(start_date__gt=end)
            | Q(end_date__lt=start)
            | Q(end_date__gt=end)
        )
        .count()
    )
    message = ngettext(
        "%(n)s deltagande börjar eller slutar utanför projektets period %(start)s–%(end)s. "
        "Rätta start- eller slutdatumet i deltagarlistan, eller perioden om den blev fel.",
        "%(n)s deltaganden börjar eller slutar utanför projektets period %(start)s–%(end)s. "
        "Rätta start- eller slutdatumen i deltagarlistan, eller perioden om den blev fel.",
        count,
    ) % {"n": count, "start": start.isoformat(), "end": end.isoformat()}
    return [Outside("participations", count, message)]
