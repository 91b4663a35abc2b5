"""Participants in the Django admin: superusers only (digiproj.admin_access), personnummer
masked, a full number only through the logged reveal, a corrected number only through the
service that re-derives birth date and gender."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from digiproj.admin_access import PersonalDataAdminMixin
from digiproj.http import AuthenticatedHttpRequest

from . import services
from .models import (
    CorrectionRequest,
    Invitation,
    ParticipantImport,
    Participation,
    Person,
    PersonnummerReveal,
    RegistrationLink,
    SsoLogin,
)

REVEAL_CONTEXT = "admin"


class PersonAdminForm(forms.ModelForm):
    """The number itself is not a form field: it is never shown pre-filled (that would be a
    reveal without a log), and a correction goes through the service."""

    new_personnummer = forms.CharField(
        label=_("Rätta personnummer"),
        required=False,
        max_length=20,
        help_text=_(
            "Lämna tomt för att behålla numret. Födelsedatum och kön följer det nya numret i "
            "alla projekt (ett deltagandes ändrade kön med skäl gäller fortfarande)."
        ),
    )

    class Meta:
        model = Person
        fields: list[str] = []  # the identity is the number; it is corrected below

    def clean_new_personnummer(self) -> str:
        raw = self.cleaned_data["new_personnummer"].strip()
        if not raw:
            return ""
        try:
            return services.person_personnummer_check(person=self.instance, personnummer=raw)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["personnummer"]) from exc


@admin.register(Person)
class PersonAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    """The shared identity only (see Person); names, contact data and the login are each
    project's, on its participation."""

    form = PersonAdminForm
    list_display = ["masked_personnummer", "birth_date", "gender_from_number"]
    readonly_fields = ["masked_personnummer", "birth_date", "gender_from_number"]
    change_form_template = "admin/participants/person/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People come in through a project (the app's add, import or registration), which
        # validates the number and ties the person to a participation.
        return False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if number := form.cleaned_data.get("new_personnummer"):
            services.person_personnummer_correct(person=obj, personnummer=number)

    def history_form_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # A past version's form would show its full personnummer, with no reveal logged.
        raise PermissionDenied

    def get_urls(self) -> list[Any]:
        reveal = self.admin_site.admin_view(require_POST(self.reveal_view))
        return [
            path("<int:pk>/visa-personnummer/", reveal, name="participants_person_reveal"),
            *super().get_urls(),
        ]

    def reveal_view(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        """The full number, logged as a coordinator's reveal is (services, context "admin")."""
        person = get_object_or_404(Person, pk=pk)
        if not self.has_view_permission(request, person):
            raise PermissionDenied
        change_url = reverse("admin:participants_person_change", args=[person.pk])
        try:
            full = services.person_personnummer_reveal(
                person=person, user_id=request.user.pk, context=REVEAL_CONTEXT
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Personnummer för %(name)s") % {"name": person.masked_personnummer},
            "opts": self.model._meta,
            "original": person,
            "full_personnummer": full,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/participants/person/reveal.html", context)


@admin.register(Participation)
class ParticipationAdmin(PersonalDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "project", "organisation", "start_date", "end_date"]
    list_filter = ["project"]
    list_select_related = ["person", "project", "organisation"]
    search_fields = ["last_name", "first_name"]
    readonly_fields = ["gender_from_number", "contact_erased_at"]
    raw_id_fields = ["person", "user"]


class EvidenceAdminMixin:
    """An audit log is evidence: it can be read, never added to, edited or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PersonnummerReveal)
class PersonnummerRevealAdmin(EvidenceAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """The reveal log is evidence: it can be read, never added to, edited or deleted here."""

    list_display = ["revealed_at", "user", "participation", "context"]
    list_select_related = ["user", "participation__person", "participation__project"]


@admin.register(ParticipantImport)
class ParticipantImportAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["filename", "project", "status", "row_count", "imported_count", "created_at"]
    exclude = ["rows", "file", "errors"]  # personal data of the file (errors quote cells)


@admin.register(Invitation)
class InvitationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["email", "project", "organisation", "sent_at", "expires_at", "used_at"]
    exclude = ["token_hash"]


@admin.register(RegistrationLink)
class RegistrationLinkAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["project", "organisation", "is_active", "created_at"]
    exclude = ["slug"]  # the link itself lets anyone register in the project


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["participation", "created_at", "handled_at"]


@admin.register(SsoLogin)
class SsoLoginAdmin(EvidenceAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """The single sign-on audit: read only, like the reveal log."""

    list_display = ["at", "user", "provider", "matched_by", "first_link"]
    list_filter = ["provider", "matched_by", "first_link"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "person"]
