"""Bar widths as classes, not style attributes: the Content-Security-Policy allows no inline
style (style-src 'self'), so a bar's width is one of the classes `.w-0` … `.w-100` in
static/css/digiproj.css."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def bar_width(percent: object) -> str:
    """`w-N` for a width of N percent, whole percent rounded half up, within 0–100."""
    try:
        value = Decimal(str(percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return "w-0"
    return f"w-{min(max(int(value), 0), 100)}"
