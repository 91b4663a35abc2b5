"""Tid och medfinansiering on screen and the person-months behind each figure."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting import selectors
from reporting.reports import base as report_base
from reporting.reports import cofinancing

from .common import drill_params, period_form, period_param


@project_permission_required("reports.view")
def time_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Tid och medfinansiering on screen: hours per month by gender, as a chart and a table."""
    form, period, organisation_id = period_form(request, access)
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
    context = {
        "access": access,
        "project": access.project,
        "form": form,
        "period": period,
        "months": months,
        "gender_labels": [(g, labels[g]) for g in genders],
        "warnings": sorted(time.warnings),
        "outside_label": report_base.OUTSIDE_LABEL,
        "outside_hours": report_base.hours_of(time.outside_minutes)
        if time.outside_minutes
        else None,
    }
    return render(request, "reporting/time.html", context)


@project_permission_required("reports.view")
def time_rows(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The person-months behind one month and gender of the time page."""
    params = request.GET
    try:
        period = period_param(params)
        month = dt.date.fromisoformat(params["month"] + "-01")
        gender = params.get("gender", "total")
        organisation_id = int(params["org"]) if params.get("org") else None
    except (KeyError, ValueError):
        raise Http404 from None
    if gender not in (*selectors.genders_for(access), "total"):
        raise Http404
    time = cofinancing.TimeFigures(access=access, period=period, organisation_id=organisation_id)
    rows = cofinancing.time_rows(time, month=month, gender=gender)
    if params.get("certified") in ("0", "1"):
        rows = [r for r in rows if r["certified"] == (params["certified"] == "1")]
    context = {
        "access": access,
        "project": access.project,
        "rows": rows,
        "month": month,
        "gender_label": report_base.gender_labels()[gender],
        "total_hours": sum((r["hours"] for r in rows), start=0),
    }
    return render(request, "reporting/time_rows.html", context)
