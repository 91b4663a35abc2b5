from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from digiproj.projects.models import Organisation, Project
from digiproj.projects.permissions import ProjectAccess
from goals.models import ChangeTheory, Goal
from participants import selectors as participant_selectors
from participants.models import Participation
from surveys.models import Question, Round
from surveys.selectors import areas

from . import goals, reports
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
        if access.is_contact:
            # A contact's figures are their organisation's; no choice to offer.
            del self.fields["organisation"]
        else:
            organisations = self.fields["organisation"]
            assert isinstance(organisations, forms.ModelChoiceField)
            organisations.queryset = Organisation.objects.filter(
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
            data = {"gender": "total", "dim": "total", **data.dict()}  # the last of a repeated key
        super().__init__(data, access=access)
        for name in list(self.fields):
            if name not in (*PeriodForm.base_fields, *self.figure_fields):
                del self.fields[name]
        if figure is not None:
            for name in ("period_start", "period_end"):
                field = self.fields[name]
                assert isinstance(field, forms.DateField)
                field.input_formats = ["%Y-%m-%d"]
                # A link to rounds (a competence group) has their dates, not a period.
                field.required = "period" in self.figure_fields
            # Any organisation id: the scoped selectors find no rows of another one.
            self.fields["organisation"] = forms.IntegerField(required=False)
        if "gender" in self.fields:
            genders = [*participant_selectors.genders_for(access), "total"]
            self.fields["gender"].choices = [(g, g) for g in genders]

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


# --- goals ----------------------------------------------------------------------------------


class AsOfForm(forms.Form):
    """The date a goal page measures at (mätdag): a day of the project's period.

    Bounded here, where the parameter is read, so that no measurement is asked for a day
    the calendar arithmetic behind it cannot reach (9999-12-31 has no next day) and a typed
    year gets a message instead of an empty or failing page.
    """

    datum = forms.DateField(label=_("Mätdag"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_datum(self) -> dt.date:
        datum = self.cleaned_data["datum"]
        start, end = self.project.start_date, self.project.end_date
        if not start <= datum <= end:
            raise ValidationError(
                _("Välj en mätdag inom projektets period, %(start)s–%(end)s."),
                params={"start": start.isoformat(), "end": end.isoformat()},
                code="outside_project",
            )
        return datum


class ChangeTheoryForm(forms.ModelForm):
    class Meta:
        model = ChangeTheory
        fields = list(ChangeTheory.STEPS)
        help_texts = {
            "need": _("Vilket problem eller behov finns hos målgruppen och varför?"),
            "activities": _("Vad gör projektet: utbildningar, workshops, handledning …"),
            "outputs": _("Vad aktiviteterna direkt ger: antal deltagare, timmar, tillfällen."),
            "short_term": _("Vad som ändras för deltagarna under projektet: kunskap, motivation."),
            "long_term": _("Vad som ändras i organisationerna och arbetslivet efter projektet."),
        }
        widgets = {step: forms.Textarea(attrs={"rows": 4}) for step in ChangeTheory.STEPS}


def _gender_choices(access: ProjectAccess) -> list[tuple[str, str]]:
    labels = participant_selectors.gender_labels()
    return [(g, labels[g].capitalize()) for g in participant_selectors.genders_for(access)]


class GoalForm(forms.ModelForm):
    gender = forms.ChoiceField(label=_("Kön"), required=False)
    role_group = forms.ChoiceField(label=_("Yrkesgrupp"), required=False)
    activity_kind = forms.ChoiceField(label=_("Aktivitetstyp"), required=False)
    area = forms.TypedChoiceField(
        label=_("DigComp-område"), required=False, coerce=int, empty_value=None
    )
    level = forms.TypedChoiceField(
        label=_("Nivå att nå"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "–"), *((n, str(n)) for n in range(1, 9))],
    )
    question_codes = forms.MultipleChoiceField(
        label=_("Frågor"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "För medelvärde av frågor: frågor med samma kolumnnamn räknas i alla omgångar."
        ),
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "parent",
            "step",
            "order",
            "measure",
            "area",
            "level",
            "min_change",
            "question_codes",
            "activity_kind",
            "baseline_round",
            "round",
            "gender",
            "organisation",
            "role_group",
            "direction",
            "target_value",
            "target_date",
            "start_value",
            "equal_opportunities",
            "gap_threshold",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "title": _("Till exempel: Höjd digital kompetens."),
            "baseline_round": _("Lämna tomt: den första nulägesmätningen."),
            "round": _("Lämna tomt: den senaste uppföljningen (eller omgången) som öppnat."),
            "min_change": _("För andel som höjt sin nivå: hur mycket nivån ska ha stigit."),
            "gap_threshold": _(
                "I procentenheter för antal, andelar och timmar, annars i måttets enhet."
            ),
            "order": _("Lägre tal visas först."),
        }

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = access.project
        self.fields["parent"].queryset = Goal.objects.filter(
            project=project, parent__isnull=True
        ).exclude(pk=self.instance.pk or 0)
        self.fields["parent"].empty_label = _("Inget – ett huvudmål")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            project_organisations__project=project
        ).order_by("name")
        self.fields["organisation"].empty_label = _("Alla organisationer")
        rounds = Round.objects.filter(survey__project=project).order_by("opens_at", "pk")
        for name in ("baseline_round", "round"):
            self.fields[name].queryset = rounds
            self.fields[name].empty_label = _("Välj automatiskt")
        self.fields["gender"].choices = [("", _("Alla")), *_gender_choices(access)]
        self.fields["role_group"].choices = [("", _("Alla")), *Participation.RoleGroup.choices]
        self.fields["activity_kind"].choices = [("", _("Alla typer")), *Activity.Kind.choices]
        self.fields["area"].choices = [
            ("", _("Alla områden (minst ett)")),
            *((a.number, f"{a.number}. {a.name}") for a in areas()),
        ]
        seen: dict[str, str] = {}
        questions = (
            Question.objects.filter(section__survey__project=project, kind__in=goals.AVERAGED_KINDS)
            .select_related("section__survey")
            .order_by("section__survey__title", "section__order", "order", "pk")
        )
        for question in questions:
            seen.setdefault(question.column, f"{question.column} – {question.text}")
        self.fields["question_codes"].choices = list(seen.items())
        self.fields["target_value"].help_text = _("Antal, timmar, procent (0–100) eller nivå.")

    def clean_question_codes(self) -> list[str]:
        return list(self.cleaned_data.get("question_codes") or [])


class MilestoneForm(forms.Form):
    date = forms.DateField(
        label=_("Datum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.DecimalField(label=_("Planerat värde"), required=False, max_digits=12)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("date")) != (data.get("value") is not None):
            raise forms.ValidationError(_("Ange både datum och värde för etappmålet."))
        return data


class BaseMilestoneFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        days = [f.cleaned_data["date"] for f in self.forms if f.cleaned_data.get("date")]
        if len(days) != len(set(days)):
            raise forms.ValidationError(_("Två etappmål har samma datum."))

    def milestones(self) -> list[tuple[dt.date, Any]]:
        return [
            (f.cleaned_data["date"], f.cleaned_data["value"])
            for f in self.forms
            if f.cleaned_data.get("date")
        ]


MilestoneFormSet = forms.formset_factory(
    MilestoneForm, formset=BaseMilestoneFormSet, extra=3, max_num=24
)


class MappingForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Enkätomgång"), queryset=None, required=False)

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(
            survey__project=access.project
        ).order_by("opens_at", "pk")
        self.fields["round"].empty_label = _("Den första nulägesmätningen")
