"""The SCB months: what to send, ordering the file, marking a month sent."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiproj import dates
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting import forms, selectors, services


@project_permission_required("reports.scb")
def scb_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    months = selectors.scb_overview(access=access, today=timezone.localdate())
    drill = reverse("reporting:drilldown", args=[access.project.pk])
    for m in months:  # the rows behind each month's figures (the same filters as the file)
        period = {"from": m.month.isoformat(), "to": dates.month_end(m.month).isoformat()}
        m.new_url = f"{drill}?" + urlencode({**period, "measure": "started"})
        m.ended_url = f"{drill}?" + urlencode({**period, "measure": "ended"})
    context = {
        "access": access,
        "project": access.project,
        "months": months,
        "resend": [m for m in months if m.status in ("changed", "resend")],
    }
    return render(request, "reporting/scb.html", context)


@require_POST
@project_permission_required("reports.scb")
def scb_order(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        # A tampered month or format (a CR/LF in it, say): say what is wrong, order nothing.
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("reporting:scb", project_id=access.project.pk)
    first = dates.month_start(form.cleaned_data["month"])
    try:
        run = services.report_run_create(
            access=access,
            user=request.user,
            kind="scb",
            file_format=form.cleaned_data["file_format"] or "csv",
            period_start=first,
            period_end=dates.month_end(first),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reporting:scb", project_id=access.project.pk)
    return redirect("reporting:run", project_id=access.project.pk, pk=run.pk)


@require_POST
@project_permission_required("reports.scb")
def scb_mark_sent(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        submission = services.scb_month_mark_sent(
            access=access, user=request.user, month=form.cleaned_data["month"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(month)s är markerad som skickad till SCB.")
            % {"month": f"{submission.month:%Y-%m}"},
        )
    return redirect("reporting:scb", project_id=access.project.pk)
