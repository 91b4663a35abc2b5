from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from digiproj.forms import form_field
from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors

from . import reports
from .definitions import MEASURES
from .models import ReportFormat, ReportKind
from .selectors import DIMENSIONS, Period


class PeriodForm(forms.Form):
    """A period and, for those who may choose, an organisation: what a report page shows and
    what a report file is ordered for."""

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
        scope = access.organisation_scope
        if scope is not None and len(scope) == 1:
            # A contact's figures are their organisation's; no choice to offer.
            del self.fields["organisation"]
        elif scope is not None:
            # A contact for several organisations: all of them, or one.
            form_field(
                self, "organisation", forms.ModelChoiceField
            ).queryset = Organisation.objects.filter(pk__in=scope).order_by("name")
        else:
            form_field(
                self, "organisation", forms.ModelChoiceField
            ).queryset = Organisation.objects.filter(
                project_organisations__project=project
            ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Periodens slut kan inte ligga före dess början."))
        if start and end and (end - start) > dt.timedelta(days=366 * 10):
            self.add_error("period_end", _("Välj en period på högst tio år."))
        return data

    def organisation_id(self) -> int | None:
        org = self.cleaned_data.get("organisation")
        return org.pk if org else None


class _Raw(forms.Field):
    """A query-string value as given: None when absent, "" kept (the empty value of a
    dimension, "not ended", is a value of its own)."""


class _Flag(forms.Field):
    """Present and non-empty means yes (the links carry 1)."""

    def to_python(self, value: Any) -> bool:
        return bool(value)


@dataclass(frozen=True)
class FigureParams:
    """What a figure link says: its period (the project's when the link has none) and
    organisation and which figure it is."""

    period: Period
    organisation_id: int | None
    measure: str = ""
    gender: str = "total"
    dimension: str = "total"
    value: str | int | None = None
    month: dt.date | None = None
    certified: bool | None = None
    activity: int | None = None
    kind: str | None = None
    enrolled: bool = False
    present: bool = False
    baseline: int | None = None
    follow_up: int | None = None
    area: int | None = None


class ReportParamsForm(PeriodForm):
    """The one reader of a report's query string.

    On a report page (`figure=None`) it is the period form the page shows: period_start,
    period_end, organisation, the project's dates when nothing is given. Behind a figure's
    link (`figure=("measure", "gender", ...)`, the names of FigureParams the link carries) it
    reads the link's short names (from, to, org, dim, ...): the period is required when
    "period" is named (otherwise the project's), gender and dimension default to "total". An
    invalid link is the view's 404 (figure()).
    """

    # A figure link's names for the page's fields (short, as the links have always been).
    LINK_NAMES = {
        "period_start": "from",
        "period_end": "to",
        "organisation": "org",
        "dimension": "dim",
    }

    measure = forms.ChoiceField(choices=[(m, m) for m in MEASURES])
    gender = forms.ChoiceField()
    dimension = forms.ChoiceField(choices=[(d, d) for d in DIMENSIONS])
    value = _Raw(required=False)
    month = forms.DateField(input_formats=["%Y-%m"])
    certified = _Raw(required=False)
    activity = forms.IntegerField(required=False)
    kind = forms.CharField(required=False, strip=False, empty_value=None)
    enrolled = _Flag(required=False)
    present = _Flag(required=False)
    baseline = forms.IntegerField()
    follow_up = forms.IntegerField()
    area = forms.IntegerField()

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        access: ProjectAccess,
        figure: Sequence[str] | None = None,
    ) -> None:
        self.is_link = figure is not None
        self.figure_fields = tuple(figure or ())
        if figure is not None and data is not None:
            # The last of a repeated key, as QueryDict.get reads it.
            super().__init__({"gender": "total", "dim": "total", **data.dict()}, access=access)
        else:
            super().__init__(data, access=access)
        for name in list(self.fields):
            if name not in (*PeriodForm.base_fields, *self.figure_fields):
                del self.fields[name]
        if figure is not None:
            for name in ("period_start", "period_end"):
                field = form_field(self, name, forms.DateField)
                field.input_formats = ["%Y-%m-%d"]
                # A link to rounds (a competence group) has their dates, not a period.
                field.required = "period" in self.figure_fields
            # Any organisation id: the scoped selectors find no rows of another one.
            self.fields["organisation"] = forms.IntegerField(required=False)
        if "gender" in self.fields:
            genders = [*participant_selectors.genders_for(access), "total"]
            form_field(self, "gender", forms.ChoiceField).choices = [(g, g) for g in genders]

    def add_prefix(self, field_name: str) -> str:
        if self.is_link:
            return self.LINK_NAMES.get(field_name, field_name)
        return super().add_prefix(field_name)

    def clean(self) -> dict[str, Any]:
        if not self.is_link:
            return super().clean()
        data = self.cleaned_data  # a link's period is taken as given (no page messages)
        value = data.get("value")
        if data.get("dimension") == "organisation" and value:
            data["value"] = int(value) if value.isdigit() else None
        if "certified" in data:
            data["certified"] = {"1": True, "0": False}.get(data["certified"])
        return data

    def period(self) -> Period:
        """The chosen period; the project's own when nothing valid was asked for."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["period_start"], self.cleaned_data["period_end"])
        return Period(self.access.project.start_date, self.access.project.end_date)

    def organisation_id(self) -> int | None:
        """The chosen organisation; None for a contact, whose figures the selectors limit
        to their own organisation."""
        if not (self.is_bound and self.is_valid()):
            return None
        org = self.cleaned_data.get("organisation")
        return org if isinstance(org, int) or org is None else org.pk

    def figure(self) -> FigureParams:
        """The link's parameters; Http404 when one is missing or not one a page links to."""
        if not self.is_valid():
            raise Http404
        data = self.cleaned_data
        project = self.access.project
        return FigureParams(
            period=Period(
                data.get("period_start") or project.start_date,
                data.get("period_end") or project.end_date,
            ),
            organisation_id=data.get("organisation") or None,
            **{name: data[name] for name in self.figure_fields if name != "period"},
        )


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
        form_field(self, "kind", forms.ChoiceField).choices = [
            (value, label)
            for value, label in ReportKind.choices
            if value in reports.AVAILABLE and (value != "scb" or access.can("reports.scb"))
        ]
        if not access.can("reports.full_personnummer"):
            del self.fields["full_personnummer"]

    def order(self) -> dict[str, Any]:
        """The order as services.report_run_create takes it (after is_valid())."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "file_format": data["file_format"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "organisation_id": self.organisation_id(),
            "full_personnummer": data.get("full_personnummer", False),
        }


def error_messages(form: forms.BaseForm) -> list[str]:
    """The form's errors as messages that name their field ("Månad: Ange ett giltigt datum.")."""
    texts: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        texts.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return texts


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Månad"), input_formats=["%Y-%m-%d", "%Y-%m"])
    file_format = forms.ChoiceField(
        label=_("Format"), choices=ReportFormat.choices, required=False, initial=ReportFormat.CSV
    )
