"""The goal pages' forms: the date measured, the change theory, a goal with its milestones
and the baseline round of the mapping."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from digiproj.forms import SwedishNumbersMixin, form_field
from digiproj.projects.models import Organisation, Project
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from participants.models import Participation
from surveys.exit_questions import indicator_for_code
from surveys.models import Question, Round
from surveys.selectors import area_labels

from .measures import AVERAGED_KINDS
from .models import ChangeTheory, Goal


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

    @classmethod
    def from_query(cls, query: QueryDict, project: Project) -> AsOfForm:
        """?datum=, else today (but not after the project's end)."""
        default = min(timezone.localdate(), project.end_date)
        data = {"datum": query["datum"]} if "datum" in query else None
        return cls(data, initial={"datum": default}, project=project)

    @property
    def as_of(self) -> dt.date:
        """The day asked for; a bad ?datum= is measured at the default (see `status`)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["datum"]
        return self.initial["datum"]

    @property
    def status(self) -> int:
        """400 for a bad ?datum=: the page still shows, with the form's message saying which
        days may be chosen."""
        return 400 if self.is_bound and self.errors else 200

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


class GoalForm(SwedishNumbersMixin, forms.ModelForm):
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
        parent = form_field(self, "parent", forms.ModelChoiceField)
        parent.queryset = Goal.objects.filter(project=project, parent__isnull=True).exclude(
            pk=self.instance.pk or 0
        )
        parent.empty_label = _("Inget – ett huvudmål")
        organisation = form_field(self, "organisation", forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(
            project_organisations__project=project
        ).order_by("name")
        organisation.empty_label = _("Alla organisationer")
        rounds = Round.objects.filter(survey__project=project).order_by("opens_at", "pk")
        for name in ("baseline_round", "round"):
            round_field = form_field(self, name, forms.ModelChoiceField)
            round_field.queryset = rounds
            round_field.empty_label = _("Välj automatiskt")
        choices = {
            name: form_field(self, name, forms.ChoiceField)
            for name in ("gender", "role_group", "activity_kind", "area", "question_codes")
        }
        choices["gender"].choices = [("", _("Alla")), *_gender_choices(access)]
        choices["role_group"].choices = [("", _("Alla")), *Participation.RoleGroup.choices]
        choices["activity_kind"].choices = [("", _("Alla typer")), *Activity.Kind.choices]
        choices["area"].choices = [
            ("", _("Alla områden (minst ett)")),
            *area_labels(project=project).items(),
        ]
        seen: dict[str, str] = {}
        questions = (
            Question.objects.filter(section__survey__project=project, kind__in=AVERAGED_KINDS)
            .select_related("section__survey")
            .order_by("section__survey__title", "section__order", "order", "pk")
        )
        for question in questions:
            seen.setdefault(question.column, f"{question.column} – {question.text}")
        # The exit surveys' indicator questions (Ja/Nej), for "Andel med ett resultat efter
        # utträdet".
        indicators = Question.objects.filter(
            section__survey__project=project, code__regex=r"^U[TF]_"
        ).order_by("code")
        for question in indicators:
            if indicator_for_code(question.code) is not None:
                seen.setdefault(question.code, f"{question.code} – {question.text}")
        choices["question_codes"].choices = list(seen.items())
        self.fields["target_value"].help_text = _("Antal, timmar, procent (0–100) eller nivå.")

    def clean_question_codes(self) -> list[str]:
        return list(self.cleaned_data.get("question_codes") or [])

    def goal_data(self) -> dict[str, Any]:
        """The cleaned values the goal service writes (every field of the form)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MilestoneForm(SwedishNumbersMixin, forms.Form):
    date = forms.DateField(
        label=_("Datum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.DecimalField(label=_("Planerat värde"), required=False, max_digits=12)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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


def milestone_formset(data: QueryDict | None, goal: Goal | None) -> BaseMilestoneFormSet:
    """The goal's milestones (etappmål) as a formset, with three empty rows to add more."""
    initial = [{"date": m.date, "value": m.value} for m in goal.milestones.all()] if goal else []
    # formset_factory's class is a BaseMilestoneFormSet; its stub says only BaseFormSet.
    return cast(BaseMilestoneFormSet, MilestoneFormSet(data, initial=initial, prefix="etapp"))


class MappingForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Enkätomgång"), queryset=Round.objects.none(), required=False
    )

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = form_field(self, "round", forms.ModelChoiceField)
        field.queryset = Round.objects.filter(survey__project=access.project).order_by(
            "opens_at", "pk"
        )
        field.empty_label = _("Den första nulägesmätningen")

    def round_id(self) -> int | None:
        """The round chosen, or None for the first baseline round."""
        if self.is_bound and self.is_valid() and self.cleaned_data["round"]:
            return self.cleaned_data["round"].pk
        return None
