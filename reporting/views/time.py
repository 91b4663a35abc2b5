"""Tid och medfinansiering on screen and the person-months behind each figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting import selectors
from reporting.reports import base as report_base
from reporting.reports import cofinancing

from .common import ReportPage, drill_params, figure_params, report_context


@project_permission_required("reports.view")
def time_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Tid och medfinansiering on screen: hours per month by gender, as a chart and a table."""
    report = ReportPage.read(request, access)
    period, organisation_id = report.period, report.organisation_id
    time = cofinancing.TimeFigures(access=access, period=period, organisation_id=organisation_id)
    genders = selectors.genders_for(access)
    months = cofinancing.time_by_month(time, genders)
    base = drill_params(period, organisation_id)
    drill = reverse("reporting:time_rows", args=[access.project.pk])
    peak = max((row["certified_total"] + row["uncertified_total"] for row in months), default=0)
    for row in months:
        month = row["month"].strftime("%Y-%m")
        row["links"] = {
            g: f"{drill}?" + urlencode({**base, "month": month, "gender": g, "certified": 1})
            for g in (*genders, "total")
        }
        row["uncertified_link"] = f"{drill}?" + urlencode(
            {**base, "month": month, "gender": "total", "certified": 0}
        )
        row["bars"] = [
            (g, int(100 * (row[f"certified_{g}"] + row[f"uncertified_{g}"]) / peak) if peak else 0)
            for g in genders
        ]
        row["cells"] = [(row[f"certified_{g}"], row["links"][g]) for g in genders]
    labels = report_base.gender_labels()
    context = report.context(
        months=months,
        gender_labels=[(g, labels[g]) for g in genders],
        warnings=sorted(time.warnings),
        outside_label=report_base.OUTSIDE_LABEL,
        outside_hours=report_base.hours_of(time.outside_minutes) if time.outside_minutes else None,
    )
    return render(request, "reporting/time.html", context)


@project_permission_required("reports.view")
def time_rows(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The person-months behind one month and gender of the time page."""
    figure = figure_params(request, access, "period", "month", "gender", "certified")
    time = cofinancing.TimeFigures(
        access=access, period=figure.period, organisation_id=figure.organisation_id
    )
    rows = cofinancing.time_rows(time, month=figure.month, gender=figure.gender)
    if figure.certified is not None:
        rows = [r for r in rows if r["certified"] == figure.certified]
    context = report_context(
        access,
        rows=rows,
        month=figure.month,
        gender_label=report_base.gender_labels()[figure.gender],
        total_hours=sum((r["hours"] for r in rows), start=0),
    )
    return render(request, "reporting/time_rows.html", context)
