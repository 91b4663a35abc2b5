"""Applies the core's role rules to report runs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from digiproj.projects.permissions import ProjectAccess

from .models import ReportRun


def report_runs_visible(access: ProjectAccess) -> QuerySet[ReportRun]:
    """Coordinators see every run of the project; a contact only their organisation's."""
    return ReportRun.objects.filter(access.organisation_q(), project=access.project)


def report_run_get_for_user(access: ProjectAccess, pk: int, *, download: bool = False) -> ReportRun:
    run = (
        report_runs_visible(access)
        .select_related("project", "organisation", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404
    if download and run.full_personnummer and not access.can("reports.full_personnummer"):
        raise PermissionDenied
    return run
