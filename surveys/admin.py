"""Admin for the DigComp framework and survey structure. Responses, answers and invitations
are deliberately not registered: anonymous rounds must not be browsable back to a person,
and personal links are only ever shown as hashes."""

from __future__ import annotations

from django.contrib import admin

from digiproj.admin_access import PersonalDataAdminMixin

from .models import (
    DigCompArea,
    DigCompCompetence,
    DigCompLevel,
    ExitSurveySettings,
    Question,
    QuestionOption,
    Round,
    Section,
    Survey,
    SurveyExport,
)


@admin.register(ExitSurveySettings)
class ExitSurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("project", "enabled", "exit_days", "follow_up_enabled", "follow_up_months")
    list_filter = ("enabled",)
    raw_id_fields = ("project", "exit_survey", "follow_up_survey")


@admin.register(DigCompArea)
class DigCompAreaAdmin(admin.ModelAdmin):
    list_display = ("version", "number", "name_sv", "name_en")
    list_filter = ("version",)


@admin.register(DigCompCompetence)
class DigCompCompetenceAdmin(admin.ModelAdmin):
    list_display = ("version", "code", "name_sv", "name_en", "area")
    list_filter = ("version", "area")


@admin.register(DigCompLevel)
class DigCompLevelAdmin(admin.ModelAdmin):
    list_display = ("version", "level", "band", "label_sv")
    list_filter = ("version",)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("order", "title_sv", "title_en")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "project", "locked_at")
    list_filter = ("project",)
    readonly_fields = ("locked_at",)
    inlines = [SectionInline]


class OptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text_sv", "kind", "section", "required", "competence")
    list_filter = ("kind", "section__survey__project")
    inlines = [OptionInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "survey", "purpose", "opens_at", "closes_at", "anonymous")
    list_filter = ("purpose", "anonymous")


@admin.register(SurveyExport)
class SurveyExportAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("round", "status", "progress", "created_at", "finished_at")
    readonly_fields = ("file", "error", "progress", "started_at", "finished_at")
