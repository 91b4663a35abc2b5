"""Accessible form rendering for every form on the platform."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseForm, Field
from django.forms.renderers import TemplatesSetting
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

F = TypeVar("F", bound=Field)


class FormRenderer(TemplatesSetting):
    """Our templates: an error summary linking to the fields, each field's errors and help
    text next to it. Django (5.2) ties them to the input with aria-describedby
    ("<id>_helptext", "<id>_error") and sets aria-invalid."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


def form_field(form: BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name` as the kind it was declared with, to set what is known only per
    request (a queryset, choices): `form.fields` holds plain Fields as far as types go."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not {kind}")
    return field


def apply_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one,
    otherwise in the form's error summary. Any form: plain and model forms alike."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Number fields take numbers typed the Swedish way ("245,50", "3 109 687", "3 109 687,5"),
# as well as "245.50": a localized field parses with the active language's separators (a
# space or no-break space between thousands is dropped, the decimal comma read) and shows the
# value with a decimal comma. A text input with inputmode, because an <input type=number>
# refuses "245,50" in the browser before the server sees it.
NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)


YEAR_FIELDS = frozenset({"year", "unit_cost_year"})


def is_year(name: str) -> bool:
    """A year is typed and shown without grouping ("2026", never "2 026"): a number input."""
    return name in YEAR_FIELDS


def localize_numbers(form: BaseForm) -> None:
    """Make every visible number field of `form` read and show Swedish numbers. The one rule;
    a form that adds number fields in its own __init__ calls it after adding them."""
    for name, field in form.fields.items():
        if not isinstance(field, NUMBER_FIELDS) or field.widget.is_hidden or is_year(name):
            continue
        field.localize = True
        attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
        whole = not isinstance(field, (forms.DecimalField, forms.FloatField))  # both IntegerFields
        attrs["inputmode"] = "numeric" if whole else "decimal"
        field.widget = forms.TextInput(attrs=attrs)
        field.widget.is_localized = True


class SwedishNumbersMixin:
    """For a form whose number fields are declared (or made by a ModelForm): they read and show
    Swedish numbers (`localize_numbers`)."""

    fields: dict[str, Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_numbers(cast(BaseForm, self))


class PlausibleAmountsMixin(SwedishNumbersMixin):
    """An amount outside what is usual (a typo: a budget of 31 kr, a unit cost of 45 000 kr an
    hour) is not saved until the user confirms it: the field says what is usual and a checkbox
    "the amounts are right" appears; checked, the form saves. Nothing depends on JavaScript.
    `plausible_amounts` maps field names to their usual (lowest, highest) in kronor."""

    plausible_amounts: ClassVar[dict[str, tuple[Decimal, Decimal]]] = {}
    confirm_field = "amounts_confirmed"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.confirm_field] = forms.BooleanField(
            label=_("Beloppen stämmer, spara ändå"), required=False, widget=forms.HiddenInput
        )

    def clean(self) -> dict[str, Any]:
        form = cast(BaseForm, self)
        cleaned = cast(dict[str, Any], super().clean())  # type: ignore[misc]
        # The answer is the form's own: services get the form's data without it.
        if cleaned.pop(self.confirm_field, False):
            return cleaned
        unusual = False
        for name, (low, high) in self.plausible_amounts.items():
            value = cleaned.get(name)
            if value is None or value == 0 or low <= value <= high:
                continue  # empty or zero: not filled in yet, which other rules judge
            unusual = True
            form.add_error(
                name,
                ValidationError(
                    _(
                        "%(value)s kr är ovanligt här (vanligen %(low)s–%(high)s kr). Rätta "
                        "beloppet, eller kryssa i att det stämmer och spara igen."
                    ),
                    code="unusual_amount",
                    params={
                        "value": number_format(value, decimal_pos=None, force_grouping=True),
                        "low": number_format(low, force_grouping=True),
                        "high": number_format(high, force_grouping=True),
                    },
                ),
            )
        if unusual:
            self.fields[self.confirm_field].widget = forms.CheckboxInput()
        return cleaned
