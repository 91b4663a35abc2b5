"""The confirmation step for what cannot be undone (removing a role, cancelling an enrolment,
enrolling a group, sending mail to many): a page, not a JavaScript dialog, so it works with a
keyboard, a screen reader and without scripts.

A view calls `confirmation_required` first; when the POST does not carry the confirmation,
it gets the page back to return. The page posts the same fields again to the same address
with `confirmed=1`, so the view runs its own checks a second time on the real request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"
# What a confirmation page does not repeat: the token (the page carries its own) and itself.
_NOT_REPEATED = {"csrfmiddlewaretoken", CONFIRMED}


def confirmation_required(
    request: HttpRequest,
    *,
    title: str,
    consequences: Sequence[str],
    confirm_label: str,
    cancel_url: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse | None:
    """None when the user has confirmed; otherwise the page that asks them to.

    `consequences`: what will happen, one sentence each, in the reader's language."""
    if request.POST.get(CONFIRMED) == "1":
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in _NOT_REPEATED
        for value in request.POST.getlist(name)
    ]
    page = {
        **(context or {}),
        "title": title,
        "consequences": consequences,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "fields": fields,
        "action": request.get_full_path(),
    }
    return render(request, "confirm.html", page)
