"""Aktiviteter on screen, the people and the sessions behind each figure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from activities.selectors import statistics as activity_statistics
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from reporting.reports import base as report_base
from reporting.reports.activities import ActivitiesPresenter, ActivityFigures, people_behind

from .common import ReportPage, figure_params, report_context


@dataclass(frozen=True)
class Cell:
    """One gender (or "total") of a row: people present and hours, each with its link."""

    gender: str
    present: int
    hours: Decimal
    present_url: str
    hours_url: str


@dataclass(frozen=True)
class ActivityLine:
    """A row of the page's tables: its figures and the links to what is behind them."""

    figures: ActivityFigures
    sessions_url: str
    enrolled_url: str
    cells: list[Cell]


@dataclass(frozen=True)
class Bar:
    gender: str
    width: int  # per cent of the type with the most minutes


@dataclass(frozen=True)
class ChartRow:
    label: str
    bars: list[Bar]


def _lines(
    rows: list[ActivityFigures], genders: list[str], project_pk: int, base: dict[str, object]
) -> list[ActivityLine]:
    people = reverse("reporting:activity_people", args=[project_pk])
    sessions = reverse("reporting:activity_sessions", args=[project_pk])
    lines = []
    for row in rows:
        target: dict[str, object] = (
            {"kind": row.kind} if row.activity_id is None else {"activity": row.activity_id}
        )
        query = {**base, **target}
        cells = [
            Cell(
                gender=g,
                present=row.present[g],
                hours=row.hours[g],
                present_url=f"{people}?" + urlencode({**query, "gender": g, "present": 1}),
                hours_url=f"{people}?" + urlencode({**query, "gender": g}),
            )
            for g in (*genders, "total")
        ]
        enrolled = {**query, "gender": "total", "enrolled": 1}
        lines.append(
            ActivityLine(
                figures=row,
                sessions_url=f"{sessions}?" + urlencode(query),
                enrolled_url=f"{people}?" + urlencode(enrolled),
                cells=cells,
            )
        )
    return lines


def _chart(figures: ActivitiesPresenter) -> list[ChartRow]:
    """Hours per type and gender as bars."""
    peak = max((row.minutes["total"] for row in figures.per_kind), default=0) or 1
    return [
        ChartRow(
            label=row.kind_label,
            bars=[Bar(g, int(100 * row.minutes[g] / peak)) for g in figures.genders],
        )
        for row in figures.per_kind
    ]


@project_permission_required("reports.view")
def activities_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Aktiviteter on screen: per type and per activity, sessions held, enrolled, people
    present and hours by gender; hours per type as a chart; figures link to their people."""
    report = ReportPage.read(request, access)
    figures = ActivitiesPresenter(
        access=access, period=report.period, organisation_id=report.organisation_id
    )
    base, pk, genders = report.links(), access.project.pk, figures.genders
    labels = participant_selectors.gender_labels()
    context = report.context(
        per_kind=_lines(figures.per_kind, genders, pk, base),
        per_activity=_lines(figures.per_activity, genders, pk, base),
        chart=_chart(figures),
        gender_labels=[(g, labels[g]) for g in (*genders, "total")],
    )
    return render(request, "reporting/activities.html", context)


@project_permission_required("reports.view")
def activity_people(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The people behind one figure of the activities page, with their minutes."""
    figure = figure_params(
        request, access, "period", "activity", "kind", "gender", "enrolled", "present"
    )
    # One activity, one type, or (neither) every activity of the project.
    if figure.activity is not None and figure.kind is not None:
        raise Http404
    rows = people_behind(access=access, query=figure)
    context = report_context(
        access,
        rows=rows,
        present_only=figure.present,
        enrolled_only=figure.enrolled,
        total_hours=report_base.hours_of(sum(r.minutes for r in rows)),
        gender_label=participant_selectors.gender_labels()[figure.gender],
    )
    return render(request, "reporting/activity_people.html", context)


@project_permission_required("reports.view")
def activity_sessions(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The sessions behind one "sessions held" figure of the activities page."""
    figure = figure_params(request, access, "period", "activity", "kind")
    period, activity_id, kind = figure.period, figure.activity, figure.kind
    if (activity_id is None) == (kind is None):
        raise Http404
    sessions = activity_statistics.activity_sessions_held(
        access=access, start=period.start, end=period.end, activity_id=activity_id, kind=kind
    )
    context = report_context(access, sessions=list(sessions))
    return render(request, "reporting/activity_sessions.html", context)
