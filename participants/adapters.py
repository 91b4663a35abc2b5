from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from digiproj.accounts import login_limits


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
