from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CorrectionRequest,
    Invitation,
    ParticipantImport,
    Participation,
    Person,
    PersonnummerReveal,
    RegistrationLink,
)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "masked_personnummer", "gender"]
    search_fields = ["last_name", "first_name"]
    readonly_fields = ["birth_date", "gender_from_number", "contact_erased_at"]
    raw_id_fields = ["user"]


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "project", "organisation", "start_date", "end_date"]
    list_filter = ["project"]
    list_select_related = ["person", "project", "organisation"]
    raw_id_fields = ["person"]


@admin.register(PersonnummerReveal)
class PersonnummerRevealAdmin(admin.ModelAdmin):
    """The reveal log is evidence: it can be read, never added to, edited or deleted here."""

    list_display = ["revealed_at", "user", "participation", "context"]
    list_select_related = ["user", "participation__person", "participation__project"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ParticipantImport)
class ParticipantImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "project", "status", "row_count", "imported_count", "created_at"]
    exclude = ["rows"]  # personal data of the file


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "project", "organisation", "sent_at", "expires_at", "used_at"]
    exclude = ["token_hash"]


admin.site.register(RegistrationLink)
admin.site.register(CorrectionRequest)
