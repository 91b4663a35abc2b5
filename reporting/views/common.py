"""What the report pages share: the period and organisation they show, and the links of
their figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from digiproj.projects.permissions import ProjectAccess
from reporting import forms
from reporting.selectors import Period

PAGE_SIZE = 100  # rows per page of the drill-downs and the register


def drill_params(period: Period, organisation_id: int | None) -> dict[str, object]:
    """The query string a figure's link carries: its period and, if chosen, organisation."""
    params: dict[str, object] = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if organisation_id:
        params["org"] = organisation_id
    return params


def period_param(params: Any) -> Period:
    """The period of a drill-down link; KeyError/ValueError for a missing or bad date."""
    return Period(dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"]))


def period_form(
    request: HttpRequest, access: ProjectAccess
) -> tuple[forms.PeriodForm, Period | None, int | None]:
    form = forms.PeriodForm(request.GET or None, access=access)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        org = form.organisation_id()  # a contact's form has no organisation to choose
        return form, Period(data["period_start"], data["period_end"]), org
    project = access.project
    return form, Period(project.start_date, project.end_date), None
