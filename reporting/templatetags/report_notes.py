"""{% report_notes as notes %}: what every report page states about its figures (the same
texts as every report file's "Om rapporten")."""

from __future__ import annotations

from django import template

from reporting.definitions import COMMON_DEFINITIONS

register = template.Library()


@register.simple_tag
def report_notes() -> list[str]:
    return [str(text) for text in COMMON_DEFINITIONS]
