from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Membership

# Paths a coordinator without MFA may still reach: setting it up, logging out, static files.
# Never /media/ or a download: files with personal data are behind the same MFA as pages.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireMfaMiddleware:
    """A coordinator of a project whose setting requires MFA must set up TOTP first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and Membership.objects.filter(
                user=user, role=Membership.Role.COORDINATOR, project__mfa_required=True
            )
            .exclude(user__authenticator__type="totp")
            .exists()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
