"""The participant's own pages (/mina-sidor/) and the anonymous ways in (invitation, open
registration link). Own pages are scoped to the logged-in user's Person, across projects;
anything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import exports, forms, selectors, services
from .models import Person


def _own_person(request: HttpRequest) -> Person:
    person = selectors.person_for_user(user_id=request.user.pk)
    if person is None:
        raise Http404
    return person


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    participations = list(selectors.participations_for_user(user_id=request.user.pk))
    return render(
        request,
        "participants/own/my_data.html",
        {"person": person, "participations": participations},
    )


@login_required
def my_consent(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    participations = list(selectors.participations_for_user(user_id=request.user.pk))
    return render(
        request,
        "participants/own/my_consent.html",
        {"person": person, "participations": participations, "consent_text": forms.CONSENT_TEXT},
    )


@login_required
def my_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    person = _own_person(request)
    data = selectors.person_export(person=person)
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
def my_correction(request: HttpRequest) -> HttpResponse:
    _own_person(request)
    participations = list(selectors.participations_for_user(user_id=request.user.pk))
    if not participations:
        raise Http404
    form = forms.CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for participation in participations:
            services.correction_request_create(
                participation=participation, message=form.cleaned_data["message"]
            )
        messages.success(
            request, _("Tack! Projektets samordnare har fått din begäran om rättelse.")
        )
        return redirect("selfservice:my_data")
    return render(request, "participants/own/my_correction.html", {"form": form})
