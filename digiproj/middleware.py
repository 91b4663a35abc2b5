from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class SwedishFirstLocaleMiddleware:
    """Swedish unless the user picked another language with the switcher (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows a
    Swedish municipality's staff English pages on an English-language laptop.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the language is put back when the response is done, so a
        # request in English never leaves the thread (a worker, the next test) in English.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Every page and file digiproj answers is marked `no-store, private`.

    Nearly everything carries personal data (lists, reports, certificates, a participant's own
    pages) or a capability (invitation, survey and signing links): none of it may stay in a
    shared computer's browser cache or a municipal proxy. One rule for all responses, rather
    than a decorator on each view with personal data, so a new view cannot forget it. Static
    files never get here (WhiteNoise answers them before this middleware) and keep their
    long cache lifetime.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
