"""Ordering a report file, following its run and downloading it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from digiproj.storage import private_file_response
from reporting import forms, permissions, services


@project_permission_required("reports.view")
def report_index(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ReportOrderForm(request.POST or None, access=access)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        try:
            run = services.report_run_create(
                access=access,
                user=request.user,
                kind=form.cleaned_data["kind"],
                file_format=form.cleaned_data["file_format"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                organisation_id=form.organisation_id(),
                full_personnummer=form.cleaned_data.get("full_personnummer", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 503 if getattr(error, "code", None) == "broker_unavailable" else 400
        else:
            messages.success(request, _("Rapporten är beställd och görs i bakgrunden."))
            return redirect("reporting:run", project_id=access.project.pk, pk=run.pk)
    runs = permissions.report_runs_visible(access).select_related("requested_by", "organisation")[
        :20
    ]
    context = {"access": access, "project": access.project, "form": form, "runs": runs}
    return render(request, "reporting/report_index.html", context, status=status)


@project_permission_required("reports.view")
def report_run_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    run = permissions.report_run_get_for_user(access, pk)
    template = "reporting/_run_status.html" if request.htmx else "reporting/report_run.html"
    return render(request, template, {"access": access, "project": access.project, "run": run})


@project_permission_required("reports.view")
def report_run_download(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    run = permissions.report_run_get_for_user(access, pk, download=True)
    if run.status != run.Status.DONE or not run.file:
        raise Http404
    return private_file_response(run.file, filename=run.filename)
