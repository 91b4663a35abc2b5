"""The exit questionnaire and follow-up page: settings (coordinator), what was sent or
skipped, and the results by gender; and a participant's "no more surveys" on an exit link."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiproj.forms import apply_validation_error
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import forms, selectors, services
from .models import ExitSurveySettings


def _page(
    request: HttpRequest,
    access: ProjectAccess,
    settings: ExitSurveySettings,
    form: forms.ExitSettingsForm | None,
) -> HttpResponse:
    context = {
        "access": access,
        "project": access.project,
        "settings": settings,
        "form": form,
        "statuses": selectors.exit_status(access=access, settings=settings) if settings.pk else [],
        "results": selectors.exit_results(access=access, kinds=selectors.exit_kinds(settings)),
    }
    return render(request, "surveys/exit.html", context)


@project_permission_required("surveys.view")
def exit_overview(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    settings = selectors.exit_settings(project=access.project)
    form = None
    if access.can("surveys.edit"):
        form = forms.ExitSettingsForm(instance=settings, project=access.project)
    return _page(request, access, settings, form)


@require_POST
@project_permission_required("surveys.edit")
def exit_settings_save(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    settings = selectors.exit_settings(project=access.project)
    form = forms.ExitSettingsForm(request.POST, instance=settings, project=access.project)
    if form.is_valid():
        try:
            services.exit_settings_save(project=access.project, **form.cleaned_data)
            messages.success(request, _("Inställningarna för utträdesenkäten är sparade."))
            return redirect("surveys:exit", access.project.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return _page(request, access, selectors.exit_settings(project=access.project), form)


@require_POST
def exit_opt_out(request: HttpRequest, project_id: int, token: str) -> HttpResponse:
    """The holder of an exit link (the link is their authority) asks for no more surveys
    after the project."""
    invitation = selectors.invitation_for_token(token=token, project_id=project_id)
    if invitation is None or not invitation.round.is_exit:
        raise Http404
    services.exit_opt_out(invitation=invitation)
    return render(
        request,
        "surveys/exit_opted_out.html",
        {"project": invitation.round.survey.project, "invitation": invitation},
    )
