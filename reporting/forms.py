from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess

from . import reports
from .models import ReportFormat, ReportKind


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label=_("Från och med"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Till och med"), widget=forms.DateInput(attrs={"type": "date"})
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alla organisationer"),
    )

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        project = access.project
        self.fields["period_start"].initial = project.start_date
        self.fields["period_end"].initial = project.end_date
        if access.role == "contact":
            # A contact's figures are their organisation's; no choice to offer.
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                project_organisations__project=project
            ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Periodens slut kan inte ligga före dess början."))
        if start and end and (end - start) > dt.timedelta(days=366 * 10):
            self.add_error("period_end", _("Välj en period på högst tio år."))
        return data

    def organisation_id(self) -> int | None:
        org = self.cleaned_data.get("organisation")
        return org.pk if org else None


class ReportOrderForm(PeriodForm):
    kind = forms.ChoiceField(label=_("Rapport"))
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=ReportFormat.choices,
        widget=forms.RadioSelect,
        initial=ReportFormat.XLSX,
    )
    full_personnummer = forms.BooleanField(
        label=_("Fullständiga personnummer (uttaget loggas)"), required=False
    )
    field_order = [
        "kind",
        "period_start",
        "period_end",
        "organisation",
        "file_format",
        "full_personnummer",
    ]

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        self.fields["kind"].choices = [
            (value, label)
            for value, label in ReportKind.choices
            if value in reports.AVAILABLE and (value != "scb" or access.can("reports.scb"))
        ]
        if not access.can("reports.full_personnummer"):
            del self.fields["full_personnummer"]


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Månad"), input_formats=["%Y-%m-%d", "%Y-%m"])
    file_format = forms.ChoiceField(
        label=_("Format"), choices=ReportFormat.choices, required=False, initial=ReportFormat.CSV
    )
