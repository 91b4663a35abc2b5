"""The participant's own pages (/mina-sidor/) and the anonymous ways in (invitation, open
registration link). Own pages are scoped to the logged-in user's Person, across projects;
anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digiproj.accounts.models import User
from digiproj.forms import apply_validation_error
from digiproj.http import AuthenticatedHttpRequest
from digiproj.projects.models import Organisation

from . import exports, forms, selectors, services
from .models import Invitation, Person, RegistrationLink


def _own_person(request: AuthenticatedHttpRequest) -> Person:
    """The identity behind the login's own participations; a login that holds none: 404."""
    person = selectors.person_for_user(user_id=request.user.pk)
    if person is None:
        raise Http404
    return person


@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    participations = list(selectors.participations_for_user(user_id=request.user.pk))
    return render(
        request,
        "participants/own/my_data.html",
        {"person": person, "participations": participations},
    )


@login_required
def my_consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    participations = list(selectors.participations_for_user(user_id=request.user.pk))
    return render(
        request,
        "participants/own/my_consent.html",
        {"person": person, "participations": participations, "consent_text": forms.CONSENT_TEXT},
    )


DOWNLOAD_FORMATS = ("json", "xlsx")


@login_required
def my_data_download(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOAD_FORMATS:
        # The format is part of the URL and becomes the file name: only the two we write.
        return HttpResponseBadRequest(
            _("Okänt filformat. Välj JSON eller Excel (xlsx) på Mina sidor."),
            content_type="text/plain; charset=utf-8",
        )
    _own_person(request)
    data = selectors.person_export(user_id=request.user.pk)
    if fmt == "json":
        response = HttpResponse(exports.person_json(data), content_type="application/json")
    else:
        response = HttpResponse(
            exports.person_xlsx(
                data, person_title=_("Person"), participations_title=_("Deltaganden")
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="mina-uppgifter.{fmt}"'
    return response


@login_required
def my_correction(request: AuthenticatedHttpRequest) -> HttpResponse:
    _own_person(request)
    form = forms.CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _count, new = services.correction_request_submit(
                user_id=request.user.pk, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if new:
                messages.success(
                    request, _("Tack! Projektets samordnare har fått din begäran om rättelse.")
                )
            else:
                messages.info(
                    request,
                    _(
                        "Din begäran om rättelse var redan mottagen; den skickades inte "
                        "en gång till."
                    ),
                )
            return redirect("selfservice:my_data")
    return render(request, "participants/own/my_correction.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# Anonymous ways in


def _login(request: HttpRequest, user: Any) -> None:
    from django.contrib.auth import login

    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


def _too_many(request: HttpRequest) -> HttpResponse | None:
    """allauth's signup rate limit (per IP) also guards these anonymous account-creating forms."""
    from allauth.core import ratelimit

    if request.method == "POST" and not ratelimit.consume(request, action="signup"):
        return render(request, "participants/own/too_many.html", status=429)
    return None


# Why a link no longer works, as the services' codes say it (link_unusable.html explains each).
LINK_UNUSABLE = frozenset({"used", "expired", "invalid", "closed", "project_ended"})


def _unusable(request: HttpRequest, reason: str) -> HttpResponse:
    """A link that no longer works (used, expired, invalid, closed): 410, saying why."""
    return render(request, "participants/own/link_unusable.html", {"reason": reason}, status=410)


def _employer_choices(link: Invitation | RegistrationLink) -> QuerySet[Organisation] | None:
    """The organisations a person registering by `link` (an invitation or an open
    registration link) chooses their employer from; None: the link names it."""
    return None if link.organisation_id else selectors.project_organisations(project=link.project)


def _welcome(request: HttpRequest, user: User, message: str) -> HttpResponse:
    """The new login is logged in and sent to their own pages."""
    _login(request, user)
    messages.success(request, message)
    return redirect("selfservice:my_data")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    if limited := _too_many(request):
        return limited
    found, reason = services.invitation_for_token(token)
    if found is None:
        return _unusable(request, reason)
    form = forms.RegistrationForm(
        request.POST or None,
        organisations=_employer_choices(found),
        initial=selectors.invitation_prefill(invitation=found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, data=form.cleaned_data)
        except ValidationError as exc:
            if (code := getattr(exc, "code", None)) in LINK_UNUSABLE:
                return _unusable(request, code)
            apply_validation_error(form, exc)
        else:
            return _welcome(request, user, _("Välkommen! Ditt konto är skapat."))
    shown = {"project": found.project, "organisation": found.organisation, "email": found.email}
    return render(request, "participants/own/register.html", {"form": form, **shown})


def register(request: HttpRequest, slug: str) -> HttpResponse:
    if limited := _too_many(request):
        return limited
    link = selectors.registration_link_by_slug(slug=slug)
    if link is None:
        raise Http404
    if reason := services.registration_link_closed(link):
        return _unusable(request, reason)
    form = forms.RegistrationForm(
        request.POST or None, organisations=_employer_choices(link), ask_email=True
    )
    if request.method == "POST" and form.is_valid():
        # The same answer whatever exists (an account for the address, the number in any
        # project): what happens next is told only in the mail to the address.
        try:
            services.registration_link_register(link=link, data=form.cleaned_data)
        except ValidationError as exc:
            if (code := getattr(exc, "code", None)) in ("closed", "project_ended"):
                return _unusable(request, code)  # closed, or the project ended, meanwhile
            apply_validation_error(form, exc)
        else:
            email = form.cleaned_data["email"]
            return render(request, "participants/own/registered.html", {"email": email})
    context = {"form": form, "project": link.project, "organisation": link.organisation}
    return render(request, "participants/own/register.html", context)


def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation mail. A GET only shows a button (mail scanners follow
    links); the POST creates the login and the participation (services.registration_confirm)."""
    if limited := _too_many(request):
        return limited
    pending, reason = services.registration_pending_for_token(token)
    if pending is None:
        return _unusable(request, reason)
    if request.method == "POST":
        try:
            user, _participation = services.registration_confirm(token=token)
        except ValidationError as exc:
            return _unusable(request, getattr(exc, "code", "invalid"))
        return _welcome(request, user, _("Din e-postadress är bekräftad och registreringen klar."))
    return render(
        request, "participants/own/register_confirm.html", {"project": pending.link.project}
    )
