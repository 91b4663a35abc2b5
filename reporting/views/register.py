"""Deltagarförteckning on screen: the file's people and hours (RegisterFigures), a page at
a time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting.reports.register import RegisterFigures

from .common import PAGE_SIZE, ReportPage


@project_permission_required("reports.view")
def register(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Deltagarförteckning on screen: everyone active in the period, with hours, paginated
    (hours are read for the shown page only, so the page costs the same at any size)."""
    report = ReportPage.read(request, access)
    figures = RegisterFigures(access, report.period, report.organisation_id)
    page = paginate(request, figures.participations(), PAGE_SIZE)
    hours = figures.hours_in_period([p.pk for p in page])
    context = report.context(page=page, rows=[(p, hours(p.pk)) for p in page])
    return render(request, "reporting/register.html", context)
