"""The participant list's search, read from the request: its filters (ParticipantFilterForm)
and the personnummer typed into it, which is kept out of the URL.

The list is a GET URL of its filters, so page 2, bookmarks and the back button work. The
search form posts and is redirected to that URL; a personnummer typed into it never goes into
the URL (nor the access log, the history or a Referer): it stays in the session and the URL
carries an opaque key (?nr=). An old link with a number in ?q= is redirected the same way, so
the number is not passed on to page 2."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess

from . import forms, selectors
from . import personnummer as pnr

# A personnummer typed into the list's search is kept here ({key: number}); the list's URL
# carries only the key. The newest few are kept, for the back button and other tabs.
NUMBER_SEARCHES = "participants.number_searches"
MAX_NUMBER_SEARCHES = 20


@dataclass
class ListSearch:
    """What the list shows: the form as filled in and the filters for
    selectors.participation_search. Status 400: a number that is not valid, explained on the
    form; nothing is searched."""

    form: forms.ParticipantFilterForm
    filters: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def list_search(request: HttpRequest, access: ProjectAccess) -> HttpResponse | ListSearch:
    """The list's search, or the redirect to the list's URL for a submitted search (and for
    an old link with a number in ?q=)."""
    if request.method == "POST" or pnr.contains_full_number(request.GET.get("q", "")):
        outcome = _search_redirect(request, access)
        if isinstance(outcome, HttpResponse):
            return outcome
        return ListSearch(outcome, status=400)
    return list_filters(request, access)


def _filter_form(access: ProjectAccess, data: Any) -> forms.ParticipantFilterForm:
    form = forms.ParticipantFilterForm(
        data, project=access.project, organisations=selectors.organisation_choices(access=access)
    )
    form.is_valid()  # an invalid field (e.g. another project's organisation) is just left out
    return form


def list_filters(request: HttpRequest, access: ProjectAccess) -> ListSearch:
    """The filters of the list's URL; ?nr= is looked up in the session."""
    data = request.GET.copy()
    key = data.get("nr", "")
    number = _number_search_get(request, key)
    if number:
        data["q"] = pnr.mask(number)  # the search box shows what was searched, masked
    form = _filter_form(access, data)
    filters = dict(form.cleaned_data)
    if number:
        filters["personnummer"] = number
    elif key:
        form.add_error(
            "q",
            _("Sökningen på personnummer gäller bara medan du är inloggad. Skriv numret igen."),
        )
    return ListSearch(form, filters)


def _search_redirect(
    request: HttpRequest, access: ProjectAccess
) -> HttpResponse | forms.ParticipantFilterForm:
    """Redirect submitted search data to the list's URL, a typed personnummer replaced by a
    key to it in the session. A number that is not valid gives back the form with the
    reason, and nothing is searched."""
    data = request.POST if request.method == "POST" else request.GET
    params = QueryDict(mutable=True)
    for name in forms.ParticipantFilterForm.base_fields:
        if value := data.get(name, "").strip():
            params[name] = value
    query = params.get("q", "")
    if pnr.contains_full_number(query):
        try:
            number = pnr.normalize(query)  # "800101 - 9802" too
        except ValidationError as exc:
            form = _filter_form(access, {**params.dict(), "nr": ""})
            form.add_error("q", exc)
            return form
        del params["q"]
        params["nr"] = _number_search_store(request, number)
    elif key := params.get("nr", ""):
        # The box still shows that search's masked number: the same search. Otherwise the
        # new text replaces it.
        searched = _number_search_get(request, key)
        if searched and query == pnr.mask(searched):
            del params["q"]
        else:
            del params["nr"]
    url = reverse("participants:list", args=[access.project.pk])
    return redirect(f"{url}?{params.urlencode()}" if params else url)


def _number_search_store(request: HttpRequest, number: str) -> str:
    searches: dict[str, str] = request.session.get(NUMBER_SEARCHES, {})
    key = next((k for k, v in searches.items() if v == number), None) or secrets.token_urlsafe(9)
    searches.pop(key, None)
    searches[key] = number
    while len(searches) > MAX_NUMBER_SEARCHES:
        searches.pop(next(iter(searches)))
    request.session[NUMBER_SEARCHES] = searches
    return key


def _number_search_get(request: HttpRequest, key: str) -> str | None:
    if not key:
        return None
    searches: dict[str, str] = request.session.get(NUMBER_SEARCHES, {})
    return searches.get(key)
