"""Accessible form rendering for every form on the platform."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting


class AccessibleBoundField(BoundField):
    """Adds the error list's id to aria-describedby so screen readers read the error with the
    field (Django already adds the help text's id and aria-invalid)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id and not (widget or self.field.widget).use_fieldset:
            ids = [i for i in attrs.get("aria-describedby", "").split() if i]
            ids.append(f"{self.auto_id}_error")
            attrs["aria-describedby"] = " ".join(ids)
        return attrs


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
    bound_field_class = AccessibleBoundField
