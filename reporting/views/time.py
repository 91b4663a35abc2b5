"""Tid och medfinansiering on screen and the person-months behind each figure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants import selectors as participant_selectors
from reporting.reports import base as report_base
from reporting.reports.cofinancing import MonthFigures, TimePresenter

from .common import ReportPage, figure_params, report_context


@dataclass(frozen=True)
class MonthLine:
    """A month of the page: its figures, the links to the person-months behind them and the
    widths (per cent of the busiest month) of its bars."""

    figures: MonthFigures
    links: dict[str, str]  # gender or "total" -> the certified person-months
    uncertified_link: str
    bars: list[tuple[str, int]]
    cells: list[tuple[Decimal, str]]  # per gender: certified hours and their link


def _month_lines(time: TimePresenter, drill: str, base: dict[str, object]) -> list[MonthLine]:
    genders = time.genders
    peak = max((m.certified["total"] + m.uncertified["total"] for m in time.months), default=0)
    lines = []
    for figures in time.months:
        query = {**base, "month": figures.month.strftime("%Y-%m")}
        links = {
            g: f"{drill}?" + urlencode({**query, "gender": g, "certified": 1})
            for g in (*genders, "total")
        }
        bars = [
            (g, int(100 * (figures.certified[g] + figures.uncertified[g]) / peak) if peak else 0)
            for g in genders
        ]
        lines.append(
            MonthLine(
                figures=figures,
                links=links,
                uncertified_link=f"{drill}?"
                + urlencode({**query, "gender": "total", "certified": 0}),
                bars=bars,
                cells=[(figures.certified[g], links[g]) for g in genders],
            )
        )
    return lines


@project_permission_required("reports.view")
def time_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Tid och medfinansiering on screen: hours per month by gender, as a chart and a table."""
    report = ReportPage.read(request, access)
    time = TimePresenter(
        access=access, period=report.period, organisation_id=report.organisation_id
    )
    drill = reverse("reporting:time_rows", args=[access.project.pk])
    labels = participant_selectors.gender_labels()
    context = report.context(
        months=_month_lines(time, drill, report.links()),
        gender_labels=[(g, labels[g]) for g in time.genders],
        warnings=time.warnings,
        outside_label=report_base.OUTSIDE_LABEL,
        outside_hours=time.outside_hours,
    )
    return render(request, "reporting/time.html", context)


@project_permission_required("reports.view")
def time_rows(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The person-months behind one month and gender of the time page."""
    figure = figure_params(request, access, "period", "month", "gender", "certified")
    assert figure.month is not None  # required by the form
    time = TimePresenter(
        access=access, period=figure.period, organisation_id=figure.organisation_id
    )
    rows = time.rows(month=figure.month, gender=figure.gender, certified=figure.certified)
    context = report_context(
        access,
        rows=rows,
        month=figure.month,
        gender_label=participant_selectors.gender_labels()[figure.gender],
        total_hours=sum((r.hours for r in rows), start=Decimal(0)),
    )
    return render(request, "reporting/time_rows.html", context)
