"""The SCB months: what to send, ordering the file, marking a month sent."""

from __future__ import annotations

from collections.abc import Iterable
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
from digiproj.http import AuthenticatedHttpRequest
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from reporting import forms, selectors, services
from reporting.scb_checks import ScbProblem

from .common import report_context


@project_permission_required("reports.scb")
def scb_overview(request: AuthenticatedHttpRequest, access: ProjectAccess) -> HttpResponse:
    """Every month with its new and ended participants (each linked to its rows, the same
    filters as the file) and what was sent, or must be sent again."""
    months = selectors.scb_overview(access=access, today=timezone.localdate())
    project_id = access.project.pk
    context = report_context(
        access,
        months=list(zip(months, _drilldown_links(months, project_id), strict=True)),
        resend=[m for m in months if m.status in ("changed", "resend")],
        # Months not sent as they are, with what SCB's upload would say and where to fix it.
        to_fix=[
            (m, [(p, _fix_url(p, project_id)) for p in m.problems])
            for m in months
            if m.status != "sent" and m.row_problems
        ],
    )
    return render(request, "reporting/scb.html", context)


@require_POST
@project_permission_required("reports.scb")
def scb_order(request: AuthenticatedHttpRequest, access: ProjectAccess) -> HttpResponse:
    """Order a month's SCB file; a tampered month or format (a CR/LF in it, say) orders
    nothing and says what is wrong."""
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        _errors(request, forms.error_messages(form))
        return redirect("reporting:scb", project_id=access.project.pk)
    try:
        run = services.scb_file_order(
            access=access,
            user=request.user,
            month=form.cleaned_data["month"],
            file_format=form.cleaned_data["file_format"] or "csv",
        )
    except ValidationError as error:
        _errors(request, error.messages)
        return redirect("reporting:scb", project_id=access.project.pk)
    return redirect("reporting:run", project_id=access.project.pk, pk=run.pk)


@require_POST
@project_permission_required("reports.scb")
def scb_mark_sent(request: AuthenticatedHttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        submission = services.scb_month_mark_sent(
            access=access, user=request.user, month=form.cleaned_data["month"]
        )
    except ValidationError as error:
        _errors(request, error.messages)
    else:
        messages.success(
            request,
            _("%(month)s är markerad som skickad till SCB.")
            % {"month": f"{submission.month:%Y-%m}"},
        )
    return redirect("reporting:scb", project_id=access.project.pk)


def _drilldown_links(months: list[selectors.ScbMonth], project_id: int) -> list[dict[str, str]]:
    """Each month's new and ended figures lead to their rows (the file's own filters)."""
    drill = reverse("reporting:drilldown", args=[project_id])
    links = []
    for m in months:
        period = {"from": m.month.isoformat(), "to": dates.month_end(m.month).isoformat()}
        links.append(
            {
                "new": f"{drill}?" + urlencode({**period, "measure": "started"}),
                "ended": f"{drill}?" + urlencode({**period, "measure": "ended"}),
            }
        )
    return links


def _fix_url(problem: ScbProblem, project_id: int) -> str:
    """Where a problem is mended: the participant's form, or the earlier month's row."""
    if problem.participation_id is not None:
        return reverse("participants:edit", args=[project_id, problem.participation_id])
    if problem.month_to_send is not None:
        return f"#scb-{problem.month_to_send:%Y-%m}"
    return ""


def _errors(request: HttpRequest, texts: Iterable[str]) -> None:
    for text in texts:
        messages.error(request, text)
