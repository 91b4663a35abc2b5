"""System checks of an installation's own settings (Django's `check --deploy` runs them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_base_url(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every link in mail (invitations, survey links, passwords, signatures) is made from
    DIGIPROJ_BASE_URL: in production it must be given, over https, to a host Django serves."""
    url = settings.DIGIPROJ_BASE_URL
    parts = urlsplit(url)
    hint = "Set DIGIPROJ_BASE_URL to the address people use, e.g. https://digiproj.kommun.se."
    if not settings.DIGIPROJ_BASE_URL_GIVEN:
        return [
            checks.Error(
                "DIGIPROJ_BASE_URL is not set: links in mail would point at " + url + ".",
                hint=hint,
                id="digiproj.E002",
            )
        ]
    if parts.scheme != "https" or not parts.hostname:
        return [
            checks.Error(
                f"DIGIPROJ_BASE_URL ({url}) is not an https address.", hint=hint, id="digiproj.E003"
            )
        ]
    hosts = settings.ALLOWED_HOSTS
    if "*" not in hosts and not any(
        parts.hostname == h or (h.startswith(".") and parts.hostname.endswith(h)) for h in hosts
    ):
        return [
            checks.Error(
                f"DIGIPROJ_BASE_URL's host {parts.hostname} is not in ALLOWED_HOSTS.",
                hint="Add it to DJANGO_ALLOWED_HOSTS, or correct DIGIPROJ_BASE_URL.",
                id="digiproj.E004",
            )
        ]
    return []
