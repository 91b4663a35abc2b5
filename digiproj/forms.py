"""Accessible form rendering for every form on the platform."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm, Field
from django.forms.renderers import TemplatesSetting

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
