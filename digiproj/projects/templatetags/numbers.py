"""{{ value|half_up:2 }}: a figure on a page rounded as in the files (digiproj.numbers)."""

from __future__ import annotations

from typing import Any

from django import template

from digiproj.numbers import round_half_up

register = template.Library()


@register.filter
def half_up(value: Any, places: int = 2) -> Any:
    if value is None or value == "":
        return value
    return round_half_up(value, int(places))
