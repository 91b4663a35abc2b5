"""Accessible form rendering for every form on the platform."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Our templates: an error summary linking to the fields, each field's errors and help
    text next to it. Django (5.2) ties them to the input with aria-describedby
    ("<id>_helptext", "<id>_error") and sets aria-invalid."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


def apply_validation_error(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one,
    otherwise in the form's error summary."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
