from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from digiproj.forms import PlausibleAmountsMixin, form_field

from .models import Membership, Organisation, Project, ProjectOrganisation, UnitCost
from .services import PROJECT_SETTINGS_FIELDS
from .validators import normalize_organisationsnummer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# What a grant decision usually says, in kronor: an amount outside is asked about once (a
# missing or extra zero), never refused. ESF+ projects in Sweden run from a few hundred
# thousand to a few hundred million kronor.
PROJECT_AMOUNTS = (Decimal(100_000), Decimal(500_000_000))


class ProjectSettingsForm(PlausibleAmountsMixin, forms.ModelForm):
    plausible_amounts = {
        "total_budget": PROJECT_AMOUNTS,
        "esf_support": PROJECT_AMOUNTS,
        "budgeted_cofinancing": PROJECT_AMOUNTS,
    }

    class Meta:
        model = Project
        fields = PROJECT_SETTINGS_FIELDS
        widgets = {
            name: DATE
            for name in PROJECT_SETTINGS_FIELDS
            if name.endswith(("_start", "_end", "_date")) or name == "retain_until"
        } | {"description": forms.Textarea(attrs={"rows": 3})}


class UnitCostForm(PlausibleAmountsMixin, forms.ModelForm):
    # The funder's hourly unit cost (schablon) has been a few hundred kronor: 45 000 is a typo.
    plausible_amounts = {"sek_per_hour": (Decimal(100), Decimal(2_000))}

    class Meta:
        model = UnitCost
        fields = ["year", "sek_per_hour"]


class ProjectOrganisationForm(forms.Form):
    organisationsnummer = forms.CharField(
        label=_("Organisationsnummer"), max_length=11, help_text=_("Till exempel 212000-2742.")
    )
    name = forms.CharField(
        label=_("Namn"),
        max_length=200,
        required=False,
        help_text=_(
            "Behövs för en organisation som inte finns i digiproj ännu, och för en av flera "
            "enheter med samma organisationsnummer (till exempel Komvux och Lärcentrum)."
        ),
    )
    kind = forms.ChoiceField(label=_("Typ"), choices=Organisation.Kind.choices)
    role = forms.ChoiceField(
        label=_("Roll i projektet"),
        choices=ProjectOrganisation.Role.choices,
        initial=ProjectOrganisation.Role.EMPLOYER,
    )

    def clean_organisationsnummer(self) -> str:
        return normalize_organisationsnummer(self.cleaned_data["organisationsnummer"])


class MembershipFields(TypedDict):
    """A MembershipForm's answers as `services.membership_add` takes them."""

    email: str
    first_name: str
    last_name: str
    role: str
    organisation_id: int | None


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-post"))
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    # The least powerful role by default: a slip of the hand gives too little, never too much.
    role = forms.ChoiceField(
        label=_("Roll"), choices=Membership.ROLE_CHOICES, initial=Membership.Role.TEACHER
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Krävs för kontaktpersoner."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(
            self, "organisation", forms.ModelChoiceField
        ).queryset = Organisation.objects.filter(project_organisations__project=project).order_by(
            "name"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("role") == Membership.Role.CONTACT and not data.get("organisation"):
            self.add_error("organisation", _("Välj kontaktpersonens organisation."))
        return data

    def membership_fields(self) -> MembershipFields:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "role": data["role"],
            "organisation_id": data["organisation"].pk if data["organisation"] else None,
        }


# What a grant decision (beslut) says; the rest of the settings have defaults and are the
# coordinator's, on the settings page.
DECISION_FIELDS = [
    "diarienummer",
    "name",
    "region",
    "programme_period",
    "programme_area",
    "specific_objective",
    "intervention_code",
    "start_date",
    "end_date",
    "analysis_start",
    "analysis_end",
    "implementation_start",
    "implementation_end",
    "closing_start",
    "closing_end",
    "planned_participants",
    "planned_women",
    "planned_men",
    "total_budget",
    "esf_support",
    "eu_cofinancing_rate",
    "budgeted_cofinancing",
    "cofinancing_method",
    "unit_cost_year",
    "retain_until",
]
# What a copy asks for: its own decision's number, name, dates and money.
COPY_FIELDS = [
    "diarienummer",
    "name",
    "start_date",
    "end_date",
    "planned_participants",
    "total_budget",
    "esf_support",
    "retain_until",
]


def _date_widgets(names: list[str]) -> dict[str, forms.Widget]:
    return {
        n: DATE for n in names if n.endswith(("_start", "_end", "_date")) or n == "retain_until"
    }


class _DecisionForm(PlausibleAmountsMixin, forms.ModelForm):
    """The fields of a new project's decision, checked by the model's own rules (diarienummer
    format, end after start, support within budget and rate) before anything is saved."""

    plausible_amounts = ProjectSettingsForm.plausible_amounts

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        women, men = data.get("planned_women"), data.get("planned_men")
        planned = data.get("planned_participants")
        if women is not None and men is not None and planned and women + men > planned:
            self.add_error(
                "planned_men",
                _("Kvinnor och män är fler än det planerade antalet deltagare."),
            )
        return data

    def project_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or []}


class ProjectCreateForm(_DecisionForm):
    owner_organisationsnummer = forms.CharField(
        label=_("Projektägarens organisationsnummer"),
        max_length=11,
        help_text=_("Till exempel 212000-2742. Finns organisationen redan används den."),
    )
    owner_name = forms.CharField(
        label=_("Projektägarens namn"),
        max_length=200,
        required=False,
        help_text=_("Behövs för en ny organisation och för en av flera enheter med samma nummer."),
    )
    owner_kind = forms.ChoiceField(label=_("Projektägarens typ"), choices=Organisation.Kind.choices)
    coordinator_email = forms.EmailField(
        label=_("Första samordnarens e-post"),
        required=False,
        help_text=_("Får ett mejl med en länk till projektet (och för att välja lösenord)."),
    )
    coordinator_first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    coordinator_last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)

    class Meta:
        model = Project
        fields = DECISION_FIELDS
        widgets = _date_widgets(DECISION_FIELDS)

    def clean_owner_organisationsnummer(self) -> str:
        return normalize_organisationsnummer(self.cleaned_data["owner_organisationsnummer"])

    def owner_and_coordinator(self) -> dict[str, str]:
        """The answers `services.project_create` takes beside the project's own fields."""
        return {name: self.cleaned_data[name] for name in self.declared_fields}


class ProjectCopyForm(_DecisionForm):
    copy_team = forms.BooleanField(
        label=_("Ge projektteamet samma roller i det nya projektet"),
        required=False,
        initial=True,
        help_text=_("Kontaktpersoner, utbildare och samordnare får ett mejl om sin nya roll."),
    )

    class Meta:
        model = Project
        fields = COPY_FIELDS
        widgets = _date_widgets(COPY_FIELDS)


class OrganisationListForm(forms.Form):
    """A list of organisations, pasted or as a file (organisation_lists reads either)."""

    text = forms.CharField(
        label=_("Klistra in listan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "En organisation per rad: organisationsnummer; namn; typ; roll. Rader kopierade "
            "från Excel går också bra. Tom typ blir kommun, tom roll deltagande arbetsgivare."
        ),
    )
    file = forms.FileField(
        label=_("eller ladda upp en fil"),
        required=False,
        help_text=_("Excel (.xlsx) eller CSV med samma fyra kolumner, högst 2 MB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Klistra in en lista eller välj en fil."))
        return data


class ProjectOrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(label=_("Typ"), choices=Organisation.Kind.choices)
    role = forms.ChoiceField(label=_("Roll i projektet"), choices=ProjectOrganisation.Role.choices)
