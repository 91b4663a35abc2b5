"""Who may see personal data in the Django admin: superusers, and nobody else.

The admin reads and writes rows directly, past digiproj.projects.permissions (the one place
that decides project and organisation scope), past the masking of personnummer and past the
reveal log. Re-building that scope inside each ModelAdmin's queryset would be a second copy
of the rules, bound to drift from the first; so staff accounts (is_staff without
is_superuser) see no personal data here at all, whatever model permissions they were given.
They work with people the way everyone does, in the app, through a project role that scopes
and logs what they see. Superusers are the platform's operators: they see rows masked, and a
full personnummer only through the same logged reveal as a coordinator.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class PersonalDataAdminMixin:
    """For every ModelAdmin of a model holding personal data: superusers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_admin(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_platform_admin(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_admin(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_admin(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]
