"""Forms validate and normalise input only; the views hand cleaned_data to a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiproj.forms import SwedishNumbersMixin, form_field, localize_numbers
from digiproj.projects.models import Organisation, Project
from participants.models import Participation

from .digcomp import LATEST, Version
from .models import DigCompCompetence, ExitSurveySettings, Question, Round, Section, Survey


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerPageForm(forms.Form):
    """One page (section) of a survey as respondents see it. Radio groups and checkbox
    groups render inside a fieldset with the question as legend (our FormRenderer)."""

    def __init__(
        self, *args: Any, questions: list[Question], enforce_required: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = self._field(question, enforce_required)
        localize_numbers(self)

    @staticmethod
    def _field(question: Question, enforce_required: bool) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.text,
            "help_text": question.help,
            "required": question.required and enforce_required,
            "error_messages": {"required": _("Svara på frågan. Den är obligatorisk.")},
        }
        choices = [(str(o.value), o.label) for o in question.options.all()]
        if question.kind == Question.Kind.MULTIPLE:
            return forms.TypedMultipleChoiceField(
                choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
            )
        if question.is_choice:
            return forms.TypedChoiceField(
                choices=choices, coerce=int, widget=forms.RadioSelect, **common
            )
        if question.kind == Question.Kind.NUMBER:
            common["error_messages"]["invalid"] = _("Skriv ett tal, till exempel 12 eller 3,5.")
            return forms.DecimalField(max_digits=14, decimal_places=2, **common)
        if question.kind == Question.Kind.LONG_TEXT:
            return forms.CharField(
                max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), **common
            )
        return forms.CharField(max_length=500, **common)

    def answers(self) -> dict[int, Any]:
        """cleaned_data as an answers dict (numbers as strings, so JSON can hold them)."""
        result: dict[int, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            if question.kind == Question.Kind.NUMBER:
                value = str(value)
            result[question.pk] = value
        return result


def initial_for(questions: list[Question], answers: dict[int, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for question in questions:
        if question.pk in answers:
            value = answers[question.pk]
            if isinstance(value, list):
                initial[field_name(question)] = [str(v) for v in value]
            else:
                initial[field_name(question)] = str(value)
    return initial


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "description", "digcomp_version"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_locked:
            # Shown, not editable: the answers were given on this version's scale.
            field = self.fields["digcomp_version"]
            field.disabled = True
            field.help_text = _(
                "Låst: enkäten har svar, och de gäller den här versionen. Skapa en ny enkät "
                "för att använda en annan DigComp-version."
            )


class DigCompSurveyForm(forms.Form):
    """The version of the ready self-assessment (the newest preselected)."""

    digcomp_version = forms.ChoiceField(
        label=_("DigComp-version"), choices=Version.choices, initial=LATEST
    )


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title_sv", "title_en", "description_sv", "description_en"]
        widgets = {
            "description_sv": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Frågetyp"), choices=Question.Kind.choices)
    text_sv = forms.CharField(label=_("Fråga (svenska)"), max_length=500)
    text_en = forms.CharField(label=_("Fråga (engelska)"), max_length=500, required=False)
    help_sv = forms.CharField(label=_("Hjälptext (svenska)"), max_length=500, required=False)
    help_en = forms.CharField(label=_("Hjälptext (engelska)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Obligatorisk"), required=False, initial=True)
    code = forms.CharField(
        label=_("Kolumnnamn i export"),
        max_length=30,
        required=False,
        help_text=_("Till exempel K1_1. Lämna tomt så används F och frågans nummer."),
    )
    competence = forms.ModelChoiceField(
        label=_("DigComp-kompetens"),
        queryset=DigCompCompetence.objects.all(),
        required=False,
        help_text=_("Krävs för att frågan ska räknas i kompetensprofilen."),
    )
    options = forms.CharField(
        label=_("Svarsalternativ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ett alternativ per rad. Skriv gärna svensk och engelsk text åtskilda av | "
            "(Ja | Yes). För skalfrågor: lämna tomt för standardskalan 1–5. För DigComp-nivå "
            "används alltid de åtta nivåerna och ”Vet inte”."
        ),
    )
    show_if_question = forms.ModelChoiceField(
        label=_("Visa bara om frågan"),
        queryset=Question.objects.none(),
        required=False,
        help_text=_("En fråga med svarsalternativ i en tidigare del."),
    )
    show_if_values = forms.CharField(
        label=_("har något av svarsvärdena"),
        required=False,
        help_text=_("Svarsvärden åtskilda av kommatecken, till exempel 1, 2."),
    )

    def __init__(self, *args: Any, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the survey's own DigComp version counts in its profiles.
        competence = form_field(self, "competence", forms.ModelChoiceField)
        competence.queryset = DigCompCompetence.objects.filter(
            version=section.survey.digcomp_version
        ).order_by("code")
        form_field(
            self, "show_if_question", forms.ModelChoiceField
        ).queryset = Question.objects.filter(
            section__survey_id=section.survey_id,
            section__order__lt=section.order,
            kind__in=Question.CHOICE_KINDS,
        ).order_by("section__order", "order")

    def clean_options(self) -> list[tuple[int, str, str]]:
        rows = []
        for number, line in enumerate(
            (ln.strip() for ln in self.cleaned_data["options"].splitlines() if ln.strip()),
            start=1,
        ):
            sv, _sep, en = line.partition("|")
            rows.append((number, sv.strip(), en.strip()))
        return rows

    def clean_show_if_values(self) -> list[int]:
        raw = self.cleaned_data["show_if_values"]
        try:
            return [int(v) for v in raw.replace(";", ",").split(",") if v.strip()]
        except ValueError as exc:
            raise forms.ValidationError(
                _("Skriv svarsvärdena som heltal åtskilda av kommatecken, till exempel 1, 2.")
            ) from exc

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if (
            kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
            and len(data.get("options") or []) < 2
        ):
            self.add_error("options", _("Skriv minst två svarsalternativ, ett per rad."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        competence = data.pop("competence")
        data["competence_id"] = competence.pk if competence else None
        return data

    @staticmethod
    def initial_from(question: Question) -> dict[str, Any]:
        return {
            "kind": question.kind,
            "text_sv": question.text_sv,
            "text_en": question.text_en,
            "help_sv": question.help_sv,
            "help_en": question.help_en,
            "required": question.required,
            "code": question.code,
            "competence": question.competence_id,
            "options": "\n".join(
                f"{o.label_sv} | {o.label_en}" if o.label_en else o.label_sv
                for o in question.options.all()
            ),
            "show_if_question": question.show_if_question_id,
            "show_if_values": ", ".join(str(v) for v in question.show_if_values),
        }


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RoundForm(forms.ModelForm):
    target_role_group = forms.ChoiceField(
        label=_("Målgrupp: yrkesgrupp"),
        choices=[("", _("Alla yrkesgrupper")), *Participation.RoleGroup.choices],
        required=False,
    )

    class Meta:
        model = Round
        fields = [
            "name",
            "purpose",
            "opens_at",
            "closes_at",
            "anonymous",
            "target_organisation",
            "target_role_group",
        ]
        widgets = {"opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput()}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = form_field(self, "target_organisation", forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(project_organisations__project=project)
        organisation.empty_label = _("Alla organisationer")
        # Exit rounds are made by the exit settings and sent person by person.
        purpose = form_field(self, "purpose", forms.TypedChoiceField)
        purpose.choices = [
            (value, label)
            for value, label in Round.Purpose.choices
            if value not in Round.EXIT_PURPOSES
        ]
        for name in ("opens_at", "closes_at"):
            form_field(self, name, forms.DateTimeField).input_formats = ["%Y-%m-%dT%H:%M"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Stängningsdagen måste komma efter öppningsdagen."))
        return data

    def _post_clean(self) -> None:
        # Wrong dates already have a message that says what to fix (clean() above); the
        # model's constraint would only add a second, technical one.
        if "closes_at" in self.errors:
            return
        # BaseForm's hook for model validation after clean(); the stubs leave it out.
        super()._post_clean()  # type: ignore[misc]


class ExitSettingsForm(SwedishNumbersMixin, forms.ModelForm):
    """A project's exit questionnaire and follow-up: on or off, when, and which surveys."""

    class Meta:
        model = ExitSurveySettings
        fields = [
            "enabled",
            "exit_days",
            "exit_survey",
            "follow_up_enabled",
            "follow_up_months",
            "follow_up_survey",
        ]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("exit_survey", "follow_up_survey"):
            field = form_field(self, name, forms.ModelChoiceField)
            field.queryset = Survey.objects.filter(project=project)
            field.empty_label = _("Plattformens enkät (skapas när du slår på utskicken)")
        form_field(self, "exit_survey", forms.ModelChoiceField).help_text = _(
            "Frågorna om utbildning, kvalifikation, arbete och ställning på arbetsmarknaden "
            "räknas efter sina kolumnnamn (UT_…). Lägg gärna till projektets egna frågor. "
            "Gör du en ny version av enkäten, välj den här."
        )
        form_field(self, "follow_up_survey", forms.ModelChoiceField).help_text = _(
            "Indikatorfrågorna har kolumnnamn som börjar med UF_."
        )
