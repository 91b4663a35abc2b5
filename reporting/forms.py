from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from digiproj.projects.models import Organisation, Project
from digiproj.projects.permissions import ProjectAccess
from goals.models import ChangeTheory, Goal
from participants.models import Participation
from surveys.models import Question, Round
from surveys.selectors import areas

from . import goals, reports
from .models import ReportFormat, ReportKind
from .reports import base as report_base
from .selectors import genders_for


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
        if access.is_contact:
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
    labels = report_base.gender_labels()
    return [(g, labels[g].capitalize()) for g in genders_for(access)]


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
