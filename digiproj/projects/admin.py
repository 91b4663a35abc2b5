from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organisation, Project, ProjectOrganisation, UnitCost


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "organisationsnummer", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "organisationsnummer")


class ProjectOrganisationInline(admin.TabularInline):
    model = ProjectOrganisation
    extra = 0
    autocomplete_fields = ("organisation",)


class UnitCostInline(admin.TabularInline):
    model = UnitCost
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "organisation")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("diarienummer", "name", "owner", "programme_period", "start_date", "end_date")
    list_filter = ("programme_period", "archived")
    search_fields = ("diarienummer", "name")
    autocomplete_fields = ("owner",)
    inlines = (ProjectOrganisationInline, UnitCostInline, MembershipInline)
    fieldsets = (
        (None, {"fields": ("diarienummer", "name", "owner", "region", "description")}),
        (
            _("Program"),
            {
                "fields": (
                    "programme_period",
                    "programme_area",
                    "specific_objective",
                    "intervention_code",
                )
            },
        ),
        (
            _("Tider och faser"),
            {
                "fields": (
                    ("start_date", "end_date"),
                    ("analysis_start", "analysis_end"),
                    ("implementation_start", "implementation_end"),
                    ("closing_start", "closing_end"),
                )
            },
        ),
        (
            _("Mål och budget"),
            {
                "fields": (
                    ("planned_participants", "planned_women", "planned_men"),
                    ("total_budget", "esf_support", "eu_cofinancing_rate"),
                    "budgeted_cofinancing",
                )
            },
        ),
        (
            _("Medfinansiering och timmar"),
            {
                "fields": (
                    "cofinancing_method",
                    "unit_cost_year",
                    "annual_hours_basis",
                    "eligible_hours_per_year",
                    "hour_rounding",
                )
            },
        ),
        (
            _("Inställningar"),
            {
                "fields": (
                    "staff_login_requirement",
                    "survey_anonymity_threshold",
                    "retain_until",
                    "archived",
                )
            },
        ),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "project", "role", "organisation")
    list_filter = ("role", "project")
    search_fields = ("user__email", "project__diarienummer", "project__name")
    autocomplete_fields = ("user", "project", "organisation")
