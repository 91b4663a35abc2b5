"""The login page's single sign-on buttons (templates/account/login.html)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from django import template

from digiproj import sso

register = template.Library()


@dataclass(frozen=True)
class SsoButton:
    url: str
    name: str
    for_participants: bool  # an e-legitimation broker: "Logga in med e-legitimation"


@register.simple_tag(takes_context=True)
def sso_buttons(context: dict[str, Any]) -> list[SsoButton]:
    """One button per configured provider (environment or admin), staff providers first."""
    request = context["request"]
    buttons = [
        SsoButton(
            url=provider.get_login_url(request),
            name=provider.name,
            for_participants=provider.app.settings.get("digiproj_role") == sso.EID,
        )
        for provider in get_adapter(request).list_providers(request)
    ]
    return sorted(buttons, key=lambda button: button.for_participants)
