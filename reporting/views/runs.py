"""Ordering a report file, following its run and downloading it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from digiproj.http import AuthenticatedHttpRequest
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from digiproj.storage import private_file_response
from reporting import forms, permissions, services
from reporting.models import ReportRun

from .common import report_context


class _HtmxRequest(AuthenticatedHttpRequest):
    htmx: HtmxDetails  # set by django_htmx's middleware


@project_permission_required("reports.view")
def report_index(request: AuthenticatedHttpRequest, access: ProjectAccess) -> HttpResponse:
    """Order a report file (made in the background) and see the latest runs."""
    form = forms.ReportOrderForm(request.POST or None, access=access)
    status = 200
    if request.method == "POST":
        run, status = _order(request, access, form)
        if run is not None:
            messages.success(request, _("Rapporten är beställd och görs i bakgrunden."))
            return redirect("reporting:run", project_id=access.project.pk, pk=run.pk)
    runs = permissions.report_runs_visible(access).select_related("requested_by", "organisation")
    context = report_context(access, form=form, runs=runs[:20])
    return render(request, "reporting/report_index.html", context, status=status)


def _order(
    request: AuthenticatedHttpRequest, access: ProjectAccess, form: forms.ReportOrderForm
) -> tuple[ReportRun | None, int]:
    """The run the form orders, or None and the status its errors are shown with (503 when
    the broker is down: nothing was kept, try again)."""
    if not form.is_valid():
        return None, 400
    try:
        return services.report_run_create(access=access, user=request.user, **form.order()), 200
    except ValidationError as error:
        form.add_error(None, error)
        return None, 503 if getattr(error, "code", None) == "broker_unavailable" else 400


@project_permission_required("reports.view")
def report_run_detail(request: _HtmxRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    run = permissions.report_run_get_for_user(access, pk)
    template = "reporting/_run_status.html" if request.htmx else "reporting/report_run.html"
    return render(request, template, report_context(access, run=run))


@project_permission_required("reports.view")
def report_run_download(
    request: AuthenticatedHttpRequest, access: ProjectAccess, pk: int
) -> HttpResponseBase:
    run = permissions.report_run_get_for_user(access, pk, download=True)
    if run.status != run.Status.DONE or not run.file:
        raise Http404
    return private_file_response(run.file, filename=run.filename)
