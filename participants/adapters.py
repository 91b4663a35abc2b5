from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from digiproj import sso
from digiproj.accounts import login_limits

from . import selectors_sso, services
from .models import SsoLogin


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: people come in through an invitation or a project's
    open registration link, which create the account themselves.

    Failed logins are limited by digiproj.accounts.login_limits (per account and address,
    never per address alone), in place of allauth's own per-address and per-account limits.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _account(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's own key for the login typed ("<site>:<email, lower-cased>").
        return self._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth rolls this spending back when the password turns out to be right.
        self._login_failed_rl_usage = login_limits.failure_budget_spend(
            request, account=self._account(request, **credentials)
        )

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_limits.login_succeeded(request, account=self._account(request, **credentials))
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # Called by allauth after a successful password reset (a private hook, allauth 65).
        super()._delete_login_attempts_cached_email(request, **credentials)
        login_limits.failures_forget(request, account=self._account(request, **credentials))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The one place that decides whom a single sign-on login belongs to (the rules:
    participants.selectors_sso). A login an identity provider vouches for is linked to an
    existing user or person, recorded (participants.services.sso), or refused with a page
    that says what to do. Nobody signs up by SSO alone."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: Any) -> Any:
        """Keep the personnummer claim for this request only, and store none of the
        provider's personal claims: allauth would keep them all (the personnummer, names,
        addresses) in the social account's extra data, on every login."""
        user = super().populate_user(request, sociallogin, data)
        app = sociallogin.provider.app
        claim = app.settings.get("personnummer_claim", sso.DEFAULT_PERSONNUMMER_CLAIM)
        extra = sociallogin.account.extra_data
        id_token, userinfo = extra.get("id_token") or {}, extra.get("userinfo") or {}
        sociallogin.digiproj_personnummer = id_token.get(claim) or userinfo.get(claim)
        sociallogin.account.extra_data = sso.minimised_extra_data(extra)
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        app = sociallogin.provider.app
        role = app.settings.get("digiproj_role", sso.STAFF)
        provider = sociallogin.account.provider
        if sociallogin.is_existing:  # linked at an earlier login
            services.sso_login_record(
                user=sociallogin.user, provider=provider, matched_by=SsoLogin.MatchedBy.LINKED
            )
            return
        person = None
        if role == sso.EID:
            value = getattr(sociallogin, "digiproj_personnummer", None)
            match = selectors_sso.person_login_for_personnummer(value=value)
            user, person = (match.user, match.person) if match else (None, None)
            matched_by = SsoLogin.MatchedBy.PERSONNUMMER
        else:
            emails = [address.email for address in sociallogin.email_addresses if address.verified]
            user = selectors_sso.staff_user_for_verified_emails(emails=emails)
            matched_by = SsoLogin.MatchedBy.EMAIL
        if sociallogin.state.get("process") == AuthProcess.CONNECT and user != request.user:
            user = None  # a logged-in user connects only a provider account that is hers
        if user is None:
            services.sso_login_refused(provider=provider, role=role, reason="no match")
            raise ImmediateHttpResponse(_refusal(request, role=role, provider_name=app.name))
        sociallogin.connect(request, user)
        services.sso_login_record(
            user=user, provider=provider, matched_by=matched_by, person=person, first_link=True
        )


def _refusal(request: HttpRequest, *, role: str, provider_name: str) -> Any:
    if role == sso.EID:
        message = _(
            "Du har loggat in med e-legitimation, men vi hittar ingen deltagare med ditt "
            "personnummer som har ett konto här. Be projektets samordnare om en inbjudan. När "
            "du har använt inbjudningslänken kan du logga in med e-legitimation."
        )
    else:
        message = _(
            "%(provider)s uppgav ingen verifierad e-postadress som hör till en användare i "
            "ett projekt här. Be projektets samordnare att lägga till dig med din "
            "e-postadress i kommunen (en inbjudan), och logga sedan in igen."
        ) % {"provider": provider_name}
    context = {"message": message}
    return render(request, "account/sso_refused.html", context, status=403)
