from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from digiproj.admin_access import PersonalDataAdminMixin

from .models import (
    Activity,
    Attendance,
    Certificate,
    Enrolment,
    MeetingNameMapping,
    SelfReportedTime,
    Session,
)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "project"]
    list_filter = ["kind", "project"]
    search_fields = ["title"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["activity", "starts_at", "ends_at", "place", "capacity"]
    list_select_related = ["activity"]
    raw_id_fields = ["activity", "teacher"]


@admin.register(Enrolment)
class EnrolmentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["session", "participation", "status", "waiting_position", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["session", "participation", "enrolled_by"]


class _OnePersonsTime:
    """A row of time stays with its person once saved: the monthly table
    (activities.monthly) is rewritten for the person whose time is saved, so moving a row to
    someone else would leave the first person's months as they were."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return [*fields, "participation"] if obj is not None else fields


@admin.register(Attendance)
class AttendanceAdmin(_OnePersonsTime, PersonalDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["session", "participation", "present", "minutes", "marked_at"]
    raw_id_fields = ["session", "participation", "marked_by"]


@admin.register(SelfReportedTime)
class SelfReportedTimeAdmin(_OnePersonsTime, PersonalDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["participation", "activity", "date", "minutes", "status"]
    list_filter = ["status"]
    raw_id_fields = ["participation", "activity", "reported_by", "decided_by"]


@admin.register(Certificate)
class CertificateAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["participation", "month", "participant_signed_at", "manager_signed_at"]
    raw_id_fields = ["participation", "participant_signed_by", "manager_signed_by"]
    exclude = ["manager_code_hash", "manager_token"]


@admin.register(MeetingNameMapping)
class MeetingNameMappingAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Where a name saved for the wrong participant by an attendance import is corrected
    (or deleted, so the next import asks again)."""

    list_display = ["name_key", "project", "participation", "saved_by", "saved_at"]
    list_filter = ["project"]
    search_fields = ["name_key"]
    raw_id_fields = ["participation", "saved_by"]
