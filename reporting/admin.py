"""Report runs in the Django admin, for operations: read-only, so a failed run, its error and
its attempts can be seen. The file itself is never served from here: the only link is to
the app's download view, which checks the project permission (and the run's scope) again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from digiproj.admin_access import PersonalDataAdminMixin

from .models import ReportRun, ScbSubmission

# Shown as a permission-checked link (`download`) instead of storage paths or URLs.
HIDDEN_FIELDS = {"file"}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app's services write; the admin only shows them."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [f.name for f in self.model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]
        return [*names, *self.extra_readonly]

    extra_readonly: tuple[str, ...] = ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(self.get_readonly_fields(request, obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportRun)
class ReportRunAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = [
        "pk",
        "created_at",
        "project",
        "kind",
        "status",
        "attempts",
        "requested_by",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["project", "requested_by"]
    search_fields = ["project__diarienummer", "error"]
    date_hierarchy = "created_at"
    extra_readonly = ("download",)

    @admin.display(description=_("fil"))
    def download(self, run: ReportRun) -> str:
        if not run.file:
            return "–"
        url = reverse("reporting:download", kwargs={"project_id": run.project_id, "pk": run.pk})
        return format_html(
            '<a href="{}">{}</a> ({})', url, run.filename, _("behörigheten kontrolleras")
        )


@admin.register(ScbSubmission)
class ScbSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["project", "month", "sent_at", "sent_by", "new_count", "ended_count"]
    list_select_related = ["project", "sent_by"]
