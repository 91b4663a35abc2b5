from __future__ import annotations

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import Membership, Project

# Paths a staff member who has not logged in as her project requires may still reach: setting
# up MFA, logging out and in again, static files. Never /media/ or a download: files with
# personal data are behind the same requirement as pages.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")
_STRICTNESS: list[str] = [Project.StaffLogin.NONE, Project.StaffLogin.MFA, Project.StaffLogin.SSO]


def staff_login_requirement(user_id: int) -> tuple[str, Project | None]:
    """The strictest login requirement among the projects where the user is a coordinator or
    a contact person, and a project that has it (to name on the page)."""
    projects = Project.objects.filter(
        memberships__user_id=user_id,
        memberships__role__in=[Membership.Role.COORDINATOR, Membership.Role.CONTACT],
    ).exclude(staff_login_requirement=Project.StaffLogin.NONE)
    strictest: tuple[str, Project | None] = (Project.StaffLogin.NONE, None)
    for project in projects.only("name", "staff_login_requirement").order_by("name"):
        if _STRICTNESS.index(project.staff_login_requirement) > _STRICTNESS.index(strictest[0]):
            strictest = (project.staff_login_requirement, project)
    return strictest


class StaffLoginRequirementMiddleware:
    """A coordinator or contact person of a project that requires MFA or the municipality's
    single sign-on must have logged in so in this session: "mfa" is met by a TOTP code or a
    login through an identity provider (which does its own strong authentication), "sso" only
    by the latter. Otherwise she gets a page that says what to do (or, for MFA without an
    authenticator, straight to setting one up)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_ALLOWED_PREFIXES):
            return self.get_response(request)
        requirement, project = staff_login_requirement(user.pk)
        if requirement == Project.StaffLogin.NONE:
            return self.get_response(request)
        methods = {record.get("method") for record in get_authentication_records(request, user)}
        if "socialaccount" in methods:
            return self.get_response(request)
        if requirement == Project.StaffLogin.MFA:
            if "mfa" in methods:
                return self.get_response(request)
            if not user.authenticator_set.filter(type="totp").exists():
                return redirect("mfa_activate_totp")
        context = {"project": project, "requirement": requirement}
        return render(request, "account/login_requirement.html", context, status=403)
