"""Enrolling people chosen on the participant list in a session (the list's bulk action,
participants.views_bulk.bulk_action, with the session to choose and the seats shown first)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from activities import presenters, services
from activities.models import Session
from activities.selectors import sessions as session_selectors
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants.models import Participation
from participants.views_bulk import bulk_action


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.activity.title}, {timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M}"


class EnrolChosenForm(forms.Form):
    """Upcoming sessions of the project only."""

    session = SessionChoiceField(label=gettext_lazy("Tillfälle"), queryset=Session.objects.none())

    def __init__(self, *args: Any, access: ProjectAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, SessionChoiceField)
        field.queryset = (
            Session.objects.filter(activity__project=access.project, starts_at__gt=timezone.now())
            .select_related("activity")
            .order_by("starts_at")
        )


def _active(chosen: QuerySet[Participation]) -> QuerySet[Participation]:
    return chosen.filter(end_date__isnull=True)  # an ended participation is not enrolled


def _consequences(action: str, chosen: QuerySet[Participation], form: forms.Form) -> list[str]:
    preview = session_selectors.group_enrolment_preview(
        session=form.cleaned_data["session"], participations=_active(chosen)
    )
    return presenters.group_enrolment_lines(preview, _("de markerade"))


def _run(
    access: ProjectAccess, action: str, chosen: QuerySet[Participation], form: forms.Form
) -> str:
    result = services.enrolment_create_for_group(
        session=form.cleaned_data["session"],
        participations=_active(chosen),
        by_user_id=access.user_id,
    )
    return _("%(enrolled)s anmälda, %(waiting)s på reservlistan, %(already)s redan anmälda.") % {
        "enrolled": result.enrolled,
        "waiting": result.waiting,
        "already": result.already,
    }


@require_POST
@project_permission_required("activities.enrol")
def enrol_chosen(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return bulk_action(
        request,
        access,
        action="enrol",
        make_form=lambda data: EnrolChosenForm(data, access=access),
        consequences=_consequences,
        run=_run,
    )
