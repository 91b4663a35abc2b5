"""Accessible form rendering for every form on the platform."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Our templates: an error summary linking to the fields, each field's errors and help
    text next to it. Django (5.2) ties them to the input with aria-describedby
    ("<id>_helptext", "<id>_error") and sets aria-invalid."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
