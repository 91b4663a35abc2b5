"""What the report pages share: reading their query string (one form), the context every
reporting template reads, and the links of their figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from digiproj.projects.permissions import ProjectAccess
from reporting import forms
from reporting.selectors import Period

PAGE_SIZE = 100  # rows per page of the drill-downs and the register


def report_context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    """The context of every reporting template: the access (menu, rights) and the project."""
    return {"access": access, "project": access.project, **extra}


@dataclass(frozen=True)
class ReportPage:
    """A report page's parameters as its form read them: the period (the project's when
    none or an invalid one was asked for, the form then showing why) and the organisation."""

    access: ProjectAccess
    form: forms.ReportParamsForm
    period: Period
    organisation_id: int | None

    @classmethod
    def read(cls, request: HttpRequest, access: ProjectAccess) -> ReportPage:
        form = forms.ReportParamsForm(request.GET or None, access=access)
        return cls(access, form, form.period(), form.organisation_id())

    def links(self) -> dict[str, object]:
        """The query string of this page's figure links (see drill_params)."""
        return drill_params(self.period, self.organisation_id)

    def context(self, **extra: Any) -> dict[str, Any]:
        return report_context(
            self.access,
            form=self.form,
            period=self.period,
            organisation_id=self.organisation_id,
            **extra,
        )


def figure_params(request: HttpRequest, access: ProjectAccess, *names: str) -> forms.FigureParams:
    """The parameters of the figure link a drill-down page was opened from: its organisation
    and `names` (fields of FigureParams; "period" when the link must carry one). Http404 when
    one is missing or bad."""
    return forms.ReportParamsForm(request.GET, access=access, figure=names).figure()


def drill_params(period: Period, organisation_id: int | None) -> dict[str, object]:
    """The query string a figure's link carries: its period and, if chosen, organisation."""
    params: dict[str, object] = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if organisation_id:
        params["org"] = organisation_id
    return params
