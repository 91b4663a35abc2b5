"""The preview's choice of what an import file's empty cells get."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Organisation

from .forms import DateInput
from .models import Participation


class ImportDefaultsForm(forms.Form):
    """What this file's empty cells get, chosen in the preview: nothing is filled in without
    a choice here (an empty choice cell is then Okänd, an empty employer or start date an
    error to fix). A contact's empty employer is always their own, so they get no choice."""

    organisation = forms.ModelChoiceField(
        label=_("Arbetsgivare för rader utan arbetsgivare"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Ingen: raderna behöver en arbetsgivare"),
    )
    start_date = forms.DateField(
        label=_("Startdatum för rader utan startdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("ÅÅÅÅ-MM-DD"),
    )
    role_group = forms.ChoiceField(label=_("Yrkesgrupp för rader utan yrkesgrupp"), required=False)
    isced = forms.ChoiceField(
        label=_("Utbildningsnivå för rader utan utbildningsnivå"), required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None,
        defaults: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            self.initial["organisation"] = organisations.filter(
                organisationsnummer=defaults.get("organisation", "")
            ).first()
        unknown = ("", _("Ingen: tomma celler blir Okänd"))
        for name, choices in (
            ("role_group", Participation.RoleGroup),
            ("isced", Participation.Isced),
        ):
            self.fields[name].choices = [  # type: ignore[attr-defined]
                unknown,
                *[(v, label) for v, label in choices.choices if v != choices.UNKNOWN],
            ]
            self.initial[name] = defaults.get(name, "")
        self.initial["start_date"] = defaults.get("start_date", "")

    def defaults(self) -> dict[str, str]:
        """The choices as cell texts, read by the columns' own rules (importing.check_rows)."""
        data = self.cleaned_data
        found = {
            "organisation": data["organisation"].organisationsnummer
            if data.get("organisation")
            else "",
            "start_date": data["start_date"].isoformat() if data.get("start_date") else "",
            "role_group": data.get("role_group", ""),
            "isced": data.get("isced", ""),
        }
        return {k: v for k, v in found.items() if v}

    def shown(self) -> dict[str, str]:
        """What each chosen default reads as in the preview's counts."""
        shown: dict[str, str] = {}
        for name, field in self.fields.items():
            value = self.initial.get(name)
            if not value:
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            shown[name] = str(value)
        return shown


class ImportMappingForm(forms.Form):
    """Which field each of the file's own headers is: one choice per header, "not
    imported" included. Suggested from the project's earlier choices and the headers'
    names; the choice is remembered for the project."""

    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str], **kwargs: Any):
        from . import importing
        from .import_models import header_key

        super().__init__(*args, **kwargs)
        choices = [
            (importing.IGNORED, _("Importeras inte")),
            *[(c.key, str(c.header)) for c in importing.COLUMNS],
        ]
        self.headers: dict[str, str] = {}
        for position, header in enumerate(headers):
            key = header_key(header)
            if not key or key in self.headers.values():
                continue
            name = f"h{position}"
            self.headers[name] = key
            self.fields[name] = forms.ChoiceField(
                label=str(header), choices=choices, required=False
            )
            self.initial[name] = mapping.get(key, importing.IGNORED)

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.headers.items()}


class OrganisationAliasForm(forms.Form):
    """ "This name in the file is that organisation" — kept for the project."""

    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if name := self.initial.get("name"):
            self.fields["organisation"].label = _("Organisationen som ”%(name)s” betyder") % {
                "name": name
            }


class ImportConfirmForm(forms.Form):
    """The confirm's choices: all rows or only the valid ones (the button pressed), and
    whether those in the project the file leaves out are ended, on a date chosen here."""

    valid_only = forms.BooleanField(required=False, widget=forms.HiddenInput)
    end_missing = forms.BooleanField(
        label=_("Avsluta deltagandet för dem som saknas i filen"), required=False
    )
    end_date = forms.DateField(
        label=_("Slutdatum"), required=False, widget=DateInput(), help_text=_("ÅÅÅÅ-MM-DD")
    )
    end_reason = forms.ChoiceField(
        label=_("Anledning"),
        choices=Participation.EndReason.choices,
        initial=Participation.EndReason.LEFT_EMPLOYER,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("end_missing") and not data.get("end_date"):
            self.add_error(
                "end_date", _("Välj slutdatum för dem som saknas i filen, eller avmarkera valet.")
            )
        if data.get("end_missing") and not data.get("end_reason"):
            self.add_error("end_reason", _("Välj en anledning till avslutet."))
        return data

    def choice(self) -> Any:
        from . import services

        data = self.cleaned_data
        end = (
            services.EndMissing(on=data["end_date"], reason=data["end_reason"])
            if data.get("end_missing")
            else None
        )
        return services.ImportChoice(valid_only=bool(data.get("valid_only")), end=end)
