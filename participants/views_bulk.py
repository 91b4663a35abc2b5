"""The participant list's bulk actions: choose people and an action, fill in what the action
needs, confirm the count (digiproj.confirm), then it is done for all or none.

`bulk_action` is the one flow; an action of another app (enrolling in a session is the
activities app's) is a view of its own that calls it, and the list's form is passed on to it
(a 307 keeps the POST)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digiproj.confirm import confirmation_required
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import bulk, services
from .models import Participation

Chosen = QuerySet[Participation]
# Actions other apps handle: their view's URL name (the bulk URL's query string goes along).
ELSEWHERE = {"enrol": "activities:enrol_chosen", "survey": "surveys:invite_chosen"}


def _query(request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"?{query}" if query else ""


@require_POST
@project_permission_required("participants.edit")
def participant_bulk(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    action = request.POST.get("action", "")
    if action in ELSEWHERE:
        url = reverse(ELSEWHERE[action], args=[access.project.pk]) + _query(request)
        return HttpResponseRedirect(url, status=307)
    return bulk_action(
        request,
        access,
        action=action,
        make_form=lambda data: bulk.action_form(action, data),
        consequences=bulk.consequences,
        run=_run,
    )


def bulk_action(
    request: HttpRequest,
    access: ProjectAccess,
    *,
    action: str,
    make_form: Callable[[object], forms.Form],
    consequences: Callable[[str, Chosen, forms.Form], list[str]],
    run: Callable[[ProjectAccess, str, Chosen, forms.Form], str],
) -> HttpResponse:
    """Choose → fill in → confirm → done (or the form again with what stopped it)."""
    back = reverse("participants:list", args=[access.project.pk]) + _query(request)
    chosen = bulk.chosen(request, access)
    if action not in bulk.ACTIONS or not chosen.exists():
        messages.error(request, _("Markera deltagare i listan och välj vad som ska göras."))
        return redirect(back)
    form = make_form(request.POST if _filled_in(request) else None)
    if not form.is_bound or not form.is_valid():
        return _action_page(request, access, action, chosen, form, back)
    page = _confirmation(request, access, action, consequences(action, chosen, form), back)
    return page or _done(request, access, action, chosen, form, back, run)


def _confirmation(
    request: HttpRequest, access: ProjectAccess, action: str, lines: list[str], back: str
) -> HttpResponse | None:
    return confirmation_required(
        request,
        title=str(bulk.ACTIONS[action]) + "?",
        consequences=lines,
        confirm_label=_("Genomför"),
        cancel_url=back,
        context={"project": access.project, "access": access},
    )


def _done(
    request: HttpRequest,
    access: ProjectAccess,
    action: str,
    chosen: Chosen,
    form: forms.Form,
    back: str,
    run: Callable[[ProjectAccess, str, Chosen, forms.Form], str],
) -> HttpResponse:
    try:
        messages.success(request, run(access, action, chosen, form))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _action_page(request, access, action, chosen, form, back)
    return redirect(back)


def _filled_in(request: HttpRequest) -> bool:
    # The list posts the choice; the action's page posts its fields with `step`.
    return request.POST.get("step") == "1" or request.POST.get("action") == "invite"


def _action_page(
    request: HttpRequest,
    access: ProjectAccess,
    action: str,
    chosen: Chosen,
    form: forms.Form,
    back: str,
) -> HttpResponse:
    context = {
        "access": access,
        "project": access.project,
        "action": action,
        "title": bulk.ACTIONS[action],
        "count": chosen.count(),
        "form": form,
        "back": back,
        "ids": request.POST.getlist("ids"),
        "all": request.POST.get("all") == "1",
    }
    return render(request, "participants/bulk.html", context, status=400 if form.errors else 200)


def _run(access: ProjectAccess, action: str, chosen: Chosen, form: forms.Form) -> str:
    """Do it; returns what was done, in words."""
    data = form.cleaned_data
    if action == "update":
        assert isinstance(form, bulk.UpdateForm)
        n = services.participations_update_many(
            access=access, participations=chosen, changes=form.changes()
        )
        return ngettext("%(n)s deltagare ändrad.", "%(n)s deltagare ändrade.", n) % {"n": n}
    if action == "end":
        n = services.participations_end_many(
            access=access,
            participations=chosen,
            end_date=data["end_date"],
            end_reason=data["end_reason"],
        )
        return ngettext("%(n)s deltagande avslutat.", "%(n)s deltaganden avslutade.", n) % {"n": n}
    outcome = services.participations_invite(
        access=access, participations=chosen, by_user_id=access.user_id
    )
    return (
        ngettext(
            "%(invited)s inbjudan skickas.",
            "%(invited)s inbjudningar skickas.",
            outcome["invited"],
        )
        % outcome
    )
