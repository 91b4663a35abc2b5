"""Bulk actions on the participant list: who is chosen, and the form of each action.

The chosen are the ticked rows (`ids`) or everyone the list's filters match (`all=1`, the
list's own query string on the bulk URL, read by list_search, so the filters mean exactly
what the list showed). Either way the choice is narrowed to what the user may see: another
organisation's or project's id is simply not chosen."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digiproj.projects.permissions import ProjectAccess

from . import list_search, selectors
from .forms import DateInput
from .models import Participation

ACTIONS = {
    "invite": _("Bjud in till digiproj"),
    "enrol": _("Anmäl till ett tillfälle"),
    "survey": _("Skicka ett enkätutskick"),
    "update": _("Ändra yrkesgrupp, utbildningsnivå, arbetsplats eller chef"),
    "end": _("Avsluta deltagandet"),
}


# What each action asks of the user (the rest: participants.edit); the list offers only these.
PERMISSIONS = {"enrol": "activities.enrol", "survey": "surveys.edit"}


def actions_for(access: ProjectAccess) -> list[tuple[str, Any]]:
    return [
        (action, label)
        for action, label in ACTIONS.items()
        if access.can(PERMISSIONS.get(action, "participants.edit"))
    ]


def chosen(request: HttpRequest, access: ProjectAccess) -> QuerySet[Participation]:
    """The participations the bulk form names, within the user's scope."""
    if request.POST.get("all") == "1":
        search = list_search.list_filters(request, access)
        return selectors.participation_search(
            access=access, filters=search.filters, ordering=search.form.ordering
        )
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    return selectors.participation_search(
        access=access, filters={}, ordering=("last_name", "first_name", "pk")
    ).filter(pk__in=ids)


class UpdateForm(forms.Form):
    """Only what is filled in changes; an empty field leaves everyone's value as it is."""

    KEEP = [("", _("– oförändrad –"))]
    role_group = forms.ChoiceField(
        label=_("Yrkesgrupp"), required=False, choices=KEEP + Participation.RoleGroup.choices
    )
    isced = forms.ChoiceField(
        label=_("Utbildningsnivå"), required=False, choices=KEEP + Participation.Isced.choices
    )
    workplace = forms.CharField(label=_("Arbetsplats/enhet"), required=False, max_length=200)
    manager_name = forms.CharField(label=_("Närmaste chef"), required=False, max_length=200)
    manager_email = forms.EmailField(label=_("Närmaste chefs e-post"), required=False)

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.values()):
            raise forms.ValidationError(_("Fyll i det som ska ändras; tomma fält lämnas orörda."))
        return cleaned


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("Slutdatum"), widget=DateInput)
    end_reason = forms.ChoiceField(
        label=_("Anledning"), choices=[("", "–"), *Participation.EndReason.choices]
    )


class InviteForm(forms.Form):
    """Nothing to choose: each gets an invitation to the address on her record."""


def action_form(action: str, data: Any) -> forms.Form:
    return {"update": UpdateForm, "end": EndForm, "invite": InviteForm}[action](data)


def _shown(field: forms.Field, value: Any) -> Any:
    """A chosen value as the form shows it: a choice by its label, anything else as it is."""
    if isinstance(field, forms.ChoiceField):
        # A ChoiceField's choices are normalised to a list of (value, label) pairs.
        return dict(cast("list[tuple[Any, Any]]", field.choices)).get(value, value)
    return value


def consequences(
    action: str, participations: QuerySet[Participation], form: forms.Form
) -> list[str]:
    """What the action will do, for its confirmation page (counts, never a list of names)."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _g
    from django.utils.translation import ngettext

    count = participations.count()
    if action == "invite":
        without_login = participations.filter(user__isnull=True)
        mailed = without_login.exclude(email="").count()
        return [
            ngettext(
                "%(count)s deltagare utan konto får en inbjudan med e-post.",
                "%(count)s deltagare utan konto får var sin inbjudan med e-post.",
                mailed,
            )
            % {"count": mailed},
            _g("De som redan har ett konto eller en väntande inbjudan får inget nytt mejl."),
        ]
    if action == "end":
        active = participations.filter(end_date__isnull=True).count()
        return [
            ngettext(
                "%(count)s pågående deltagande avslutas %(date)s.",
                "%(count)s pågående deltaganden avslutas %(date)s.",
                active,
            )
            % {"count": active, "date": date_format(form.cleaned_data["end_date"], "j F Y")},
            _g("Den som kommer tillbaka kan återupptas på sin sida; startdatum står kvar."),
        ]
    assert isinstance(form, UpdateForm)
    labels = {name: str(form.fields[name].label) for name in form.changes()}
    shown = {name: _shown(form.fields[name], value) for name, value in form.changes().items()}
    return [
        ngettext("%(count)s deltagare ändras:", "%(count)s deltagare ändras:", count)
        % {"count": count},
        *(f"{labels[name]}: {shown[name]}" for name in shown),
    ]
