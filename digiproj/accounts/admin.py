from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digiproj.admin_access import is_platform_admin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Namn"), {"fields": ("first_name", "last_name")}),
        (_("Behörigheter"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """A staff account (not a superuser) looks up staff accounts, to give them project
        roles; a participant's login (her name and address) is personal data, for superusers
        only (digiproj.admin_access)."""
        users = super().get_queryset(request)
        if is_platform_admin(request):
            return users
        return users.filter(participations__isnull=True).distinct()
