"""The request a view gets once login is required."""

from __future__ import annotations

from django.http import HttpRequest

from digiproj.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """For the annotation of views behind `login_required` (and `project_permission_required`):
    their `request.user` is a User, never the AnonymousUser that HttpRequest allows."""

    user: User
