"""Sending a survey round to people chosen on the participant list (the list's bulk action,
participants.views_bulk.bulk_action): an open round to choose, the count confirmed first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants.models import Participation
from participants.views_bulk import bulk_action

from . import services
from .models import Round


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.survey.title}: {obj.name}"


class RoundChosenForm(forms.Form):
    """Open rounds of the project only (a closed one takes no answers)."""

    round = RoundChoiceField(label=gettext_lazy("Utskick"), queryset=Round.objects.none())

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, RoundChoiceField)
        field.queryset = (
            Round.objects.open()
            .filter(survey__project=access.project)
            .select_related("survey")
            .order_by("closes_at")
        )


def _new(chosen: QuerySet[Participation], round_: Round) -> QuerySet[Participation]:
    return chosen.filter(end_date__isnull=True).exclude(person__survey_invitations__round=round_)


def _consequences(action: str, chosen: QuerySet[Participation], form: forms.Form) -> list[str]:
    round_ = form.cleaned_data["round"]
    count = _new(chosen, round_).count()
    return [
        ngettext(
            "%(count)s deltagare får en inbjudan till %(round)s med e-post.",
            "%(count)s deltagare får var sin inbjudan till %(round)s med e-post.",
            count,
        )
        % {"count": count, "round": round_.name},
        _("De som redan är inbjudna till utskicket, och avslutade deltaganden, får inget mejl."),
    ]


def _run(
    access: ProjectAccess, action: str, chosen: QuerySet[Participation], form: forms.Form
) -> str:
    round_ = form.cleaned_data["round"]
    added = services.round_invitations_add(round_=round_, participations=_new(chosen, round_))
    return ngettext("%(count)s inbjudan skickas.", "%(count)s inbjudningar skickas.", added) % {
        "count": added
    }


@require_POST
@project_permission_required("surveys.edit")
def invite_chosen(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return bulk_action(
        request,
        access,
        action="survey",
        make_form=lambda data: RoundChosenForm(data, access=access),
        consequences=_consequences,
        run=_run,
    )
