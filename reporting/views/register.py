"""Deltagarförteckning on screen."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activities.selectors import statistics as activity_statistics
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting import selectors
from reporting.reports import base as report_base

from .common import PAGE_SIZE, ReportPage


@project_permission_required("reports.view")
def register(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Deltagarförteckning on screen: everyone active in the period, with hours, paginated
    (hours are read for the shown page only, so the page costs the same at any size)."""
    report = ReportPage.read(request, access)
    period = report.period
    rows = selectors.participant_register(
        access=access, period=period, organisation_id=report.organisation_id
    )
    page = paginate(request, rows, PAGE_SIZE)
    minutes = activity_statistics.minutes_by_participation(
        participations=[p.pk for p in page],
        start=period.start,
        end=period.end,
    )
    for participation in page:
        participation.hours_in_period = report_base.hours_of(minutes.get(participation.pk, 0))
    context = report.context(page=page)
    return render(request, "reporting/register.html", context)
