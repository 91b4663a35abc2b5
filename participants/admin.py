from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Participation, Person, PersonnummerReveal


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "masked_personnummer", "gender", "email")
    search_fields = ("last_name", "first_name", "email")
    readonly_fields = ("birth_date", "gender_from_number", "gender")
    raw_id_fields = ("user",)


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ("person", "project", "organisation", "start_date", "end_date")
    list_filter = ("project", "role_group")
    search_fields = ("person__last_name", "person__first_name")
    raw_id_fields = ("person",)
    list_select_related = ("person", "project", "organisation")


@admin.register(PersonnummerReveal)
class PersonnummerRevealAdmin(admin.ModelAdmin):
    """The reveal log is evidence: it can be read, never edited or deleted."""

    list_display = ("revealed_at", "user", "participation", "context")
    list_select_related = ("user", "participation__person", "participation__project")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
