"""Forms validate and normalise input; the views hand cleaned_data to a service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digiproj.forms import PlausibleAmountsMixin, form_field
from digiproj.projects.models import Organisation, Project

from . import importing
from . import personnummer as pnr
from .models import GENDER_CHOICES, CorrectionRequest, Participation

CONSENT_TEXT = _(
    "Projektet medfinansieras av Europeiska socialfonden. För att kunna redovisa projektet till "
    "Svenska ESF-rådet och SCB behandlar projektägaren dina uppgifter (namn, personnummer, "
    "arbetsgivare, utbildningsnivå och deltagande) med stöd av allmänt intresse och "
    "rättslig förpliktelse. Uppgifterna sparas så länge finansiären kräver. Du kan när som "
    "helst se dina uppgifter under Mina sidor och begära rättelse."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonnummerField(forms.CharField):
    """Validates with participants.personnummer.normalize and returns 12 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Personnummer eller samordningsnummer"))
        kwargs.setdefault("help_text", _("12 siffror: ÅÅÅÅMMDD-NNNN."))
        # Room for "19800229 – 9801" with spaces of every kind; normalize reads them all.
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return pnr.normalize(value) if value else value


class _RecordFields(forms.Form):
    """The participation fields shared by the staff form and the registration form."""

    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    workplace = forms.CharField(label=_("Arbetsplats/enhet"), max_length=200, required=False)
    role_group = forms.ChoiceField(
        label=_("Yrkesgrupp"),
        choices=Participation.RoleGroup.choices,
        initial=Participation.RoleGroup.ADMIN_STAFF,
    )
    isced = forms.ChoiceField(
        label=_("Högsta avslutade utbildning"),
        choices=Participation.Isced.choices,
        initial=Participation.Isced.UNKNOWN,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["phone"].widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})


class ParticipantForm(PlausibleAmountsMixin, _RecordFields):
    """Add or edit one participant (coordinator or organisation contact)."""

    # A yearly salary cost with social fees: below 100 000 or above 2 million kronor is a typo
    # (a monthly salary, an extra zero) far more often than it is true.
    plausible_amounts = {"annual_salary_cost": (Decimal(100_000), Decimal(2_000_000))}

    personnummer = PersonnummerField()
    email = forms.EmailField(label=_("E-post"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Arbetsgivare"), queryset=Organisation.objects.none(), empty_label=None
    )
    employment_status = forms.ChoiceField(
        label=_("Sysselsättning vid start"),
        choices=Participation.EmploymentStatus.choices,
        initial=Participation.EmploymentStatus.EMPLOYED,
    )
    annual_salary_cost = forms.DecimalField(
        label=_("Årlig lönekostnad inkl. sociala avgifter (kr)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Behövs när projektet räknar medfinansiering med faktisk lönekostnad."),
    )
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    gender_override = forms.ChoiceField(
        label=_("Ändra kön"),
        required=False,
        help_text=_("Lämna tomt för att använda könet som personnumret visar."),
    )
    gender_override_reason = forms.CharField(
        label=_("Skäl till ändrat kön"), max_length=200, required=False
    )
    manager_name = forms.CharField(label=_("Närmaste chef"), max_length=200, required=False)
    manager_email = forms.EmailField(
        label=_("Närmaste chefs e-post"),
        required=False,
        help_text=_(
            "Chefen som skriver under närvarorapporterna. Adressen fylls i när rapporten "
            "skickas till chefen, så att den inte behöver skrivas varje månad."
        ),
    )
    consent_given = forms.BooleanField(
        label=_("Personen har fått information om behandlingen av personuppgifter"),
        required=False,
    )
    consent_method = forms.ChoiceField(
        label=_("Hur informationen gavs"),
        choices=[("", "–"), *Participation.ConsentMethod.choices],
        required=False,
    )

    field_order = [
        "personnummer",
        "first_name",
        "last_name",
        "email",
        "phone",
        "gender_override",
        "gender_override_reason",
        "organisation",
        "workplace",
        "manager_name",
        "manager_email",
        "role_group",
        "isced",
        "employment_status",
        "annual_salary_cost",
        "start_date",
        "consent_given",
        "consent_method",
    ]

    def __init__(
        self,
        *args: Any,
        project: Project,
        organisations: QuerySet[Organisation],
        editing: bool = False,
        coordinator: bool = True,
        hide_contact_data: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.editing = editing
        if coordinator:
            self.fields["protected_identity"] = forms.BooleanField(
                label=_("Skyddad identitet"),
                required=False,
                help_text=_("E-post och telefon visas då bara för samordnare."),
            )
        if hide_contact_data:
            # Protected identity: contact data is shown to coordinators only.
            del self.fields["email"]
            del self.fields["phone"]
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations
        genders = [
            c for c in GENDER_CHOICES if project.is_esf_plus or c[0] != pnr.Gender.NON_BINARY
        ]
        form_field(self, "gender_override", forms.ChoiceField).choices = [("", "–"), *genders]
        if editing and not coordinator:
            # The number identifies the person in every project: only a coordinator corrects it.
            del self.fields["personnummer"]
        elif editing:
            # Never pre-filled: showing the full number is a logged reveal, not a form default.
            field = self.fields["personnummer"]
            field.required = False
            field.label = _("Rätta personnummer")
            field.help_text = _("Fyll bara i för att rätta numret; lämna tomt för att behålla det.")

    @staticmethod
    def initial_for(participation: Participation) -> dict[str, Any]:
        """The form filled in from a participation's record, for editing it. Never the
        personnummer: showing the full number is a logged reveal, not a form default."""
        return {
            **{name: getattr(participation, name) for name in _RECORD_FIELDS},
            "organisation": participation.organisation_id,
            "consent_given": bool(participation.consent_given_at),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        override = data.get("gender_override")
        if override and not (data.get("gender_override_reason") or "").strip():
            self.add_error(
                "gender_override_reason",
                _("Skriv varför könet ändras från det som personnumret visar."),
            )
        if not override:
            data["gender_override_reason"] = ""
        if self.editing and not data.get("personnummer"):
            data.pop("personnummer", None)  # left blank: the number is kept
        return data


# What ParticipantForm.initial_for copies from the participation as it is stored.
_RECORD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "gender_override",
    "gender_override_reason",
    "protected_identity",
    "workplace",
    "manager_name",
    "manager_email",
    "role_group",
    "isced",
    "employment_status",
    "annual_salary_cost",
    "start_date",
    "consent_method",
)


class EndParticipationForm(forms.Form):
    end_date = forms.DateField(label=_("Slutdatum"), widget=DateInput())
    end_reason = forms.ChoiceField(
        label=_("Anledning"), choices=[("", "–"), *Participation.EndReason.choices]
    )

    def __init__(self, *args: Any, participation: Participation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participation = participation

    def clean_end_date(self) -> Any:
        end = self.cleaned_data["end_date"]
        if end < self.participation.start_date:
            raise forms.ValidationError(
                _("Slutdatum kan inte ligga före startdatum (%(start)s). Välj ett senare datum."),
                params={"start": self.participation.start_date.isoformat()},
            )
        return end


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag förstår att raderingen inte kan ångras"),
        error_messages={"required": _("Kryssa i rutan för att bekräfta raderingen.")},
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med deltagare"),
        help_text=_("Excel (.xlsx) eller CSV (semikolonseparerad, som Excel sparar den)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
        error_messages={
            "empty": _("Filen är tom. Fyll i deltagarna i mallen och försök igen."),
            "required": _("Välj en fil att ladda upp."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            # Cheap (the zip directory only), so an expanding workbook is refused at once
            # here rather than unpacked, in this request or in a worker.
            importing.check_upload(upload, upload.name)
        except importing.ImportFileError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class ParticipantFilterForm(forms.Form):
    """The list's search, filters and sorting (GET; every field optional)."""

    SORTS = {
        "namn": ("last_name", "first_name", "pk"),
        "-namn": ("-last_name", "-first_name", "-pk"),
        "fodd": ("person__birth_date", "pk"),
        "-fodd": ("-person__birth_date", "-pk"),
        "start": ("start_date", "pk"),
        "-start": ("-start_date", "-pk"),
        "org": ("organisation__name", "last_name", "pk"),
        "-org": ("-organisation__name", "-last_name", "-pk"),
    }

    q = forms.CharField(
        label=_("Sök namn, födelsedatum eller personnummer"),
        required=False,
        max_length=100,
        help_text=_("Till exempel Andersson, 19800101 eller ett helt personnummer."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    # The opaque key of a personnummer search (see views.participant_list): the number itself
    # stays in the session, never in the URL.
    nr = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(
        label=_("Arbetsgivare"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alla"),
    )
    gender = forms.ChoiceField(label=_("Kön"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), ("active", _("Pågående")), ("ended", _("Avslutade"))],
    )
    role_group = forms.ChoiceField(
        label=_("Yrkesgrupp"),
        required=False,
        choices=[("", _("Alla")), *Participation.RoleGroup.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sortera"),
        required=False,
        choices=[
            ("namn", _("Namn A–Ö")),
            ("-namn", _("Namn Ö–A")),
            ("fodd", _("Födelsedatum, äldst först")),
            ("-fodd", _("Födelsedatum, yngst först")),
            ("start", _("Startdatum, tidigast först")),
            ("-start", _("Startdatum, senast först")),
            ("org", _("Arbetsgivare A–Ö")),
            ("-org", _("Arbetsgivare Ö–A")),
        ],
    )

    def __init__(self, *args: Any, project: Project, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations
        genders = [
            c for c in GENDER_CHOICES if project.is_esf_plus or c[0] != pnr.Gender.NON_BINARY
        ]
        form_field(self, "gender", forms.ChoiceField).choices = [("", _("Alla")), *genders]

    @property
    def ordering(self) -> tuple[str, ...]:
        key = getattr(self, "cleaned_data", {}).get("sort") or ""
        return self.SORTS.get(key or "namn", self.SORTS["namn"])


class RegistrationForm(_RecordFields):
    """What a person fills in themself (invitation or open link), ending with a password."""

    personnummer = PersonnummerField()
    consent = forms.BooleanField(
        label=_("Jag har läst informationen om hur mina uppgifter behandlas"),
        help_text=CONSENT_TEXT,
        error_messages={"required": _("Du behöver bekräfta att du har läst informationen.")},
    )
    password1 = forms.CharField(
        label=_("Välj lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 8 tecken, inte bara siffror."),
    )
    password2 = forms.CharField(
        label=_("Upprepa lösenordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "email",
        "personnummer",
        "first_name",
        "last_name",
        "phone",
        "organisation",
        "workplace",
        "role_group",
        "isced",
        "consent",
        "password1",
        "password2",
    ]

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        ask_email: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if ask_email:
            self.fields["email"] = forms.EmailField(
                label=_("E-post"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
            )
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Arbetsgivare"), queryset=organisations, empty_label=None
            )
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Lösenorden är olika. Skriv samma lösenord två gånger."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-post till personen"))
    organisation = forms.ModelChoiceField(
        label=_("Arbetsgivare"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations


class RegistrationLinkForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Arbetsgivare"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alla projektets organisationer (deltagaren väljer)"),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations


class CorrectionRequestForm(forms.ModelForm):
    class Meta:
        model = CorrectionRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"message": _("Skriv vilken uppgift som är fel och vad den ska vara.")}
