"""Login limits that count failed logins, not logins, so nobody is stopped by someone else.

A municipality's staff, or a class, log in from one NAT address: a limit on logins per
address (allauth's default "login": "30/m/ip") stopped the 31st correct login in a minute,
and a limit on failures per address locked everyone behind it out after ten typos. A plain
per-account failure limit let anyone lock an account out, again and again, by typing a wrong
password for it from anywhere. So, after allauth's `login_failed` (its per-key rate limits;
settings.ACCOUNT_RATE_LIMITS), three failure budgets, each a sliding window:

- "login_failed", per account *and* address: a few wrong passwords lock that account from
  that address for a few minutes, the right password included (a guesser must not learn it
  was right). Other accounts at the address, and the owner elsewhere, are not affected.
- "login_failed_account", per account, counted and applied only at addresses the account
  has not logged in from lately: stops one account being guessed from many addresses, while
  its owner at their usual address still gets in.
- "login_failed_address", per address, counted and applied only for accounts that have not
  logged in from it lately: stops one address trying many accounts (password spraying),
  while the people who log in from it every day still get in.

A failed attempt spends from each budget that applies; a successful one gives its spending
back (allauth's rollback) and marks the address familiar for the account.
"""

from __future__ import annotations

import hashlib

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

APP = "allauth.account"
PAIR = "login_failed"
ACCOUNT = "login_failed_account"
ADDRESS = "login_failed_address"
# How long a successful login makes its address familiar for the account.
FAMILIAR_SECONDS = 30 * 24 * 3600


def _familiar_key(account: str, address: str) -> str:
    digest = hashlib.sha256(f"{account}|{address}".encode()).hexdigest()
    return f"digiproj:login:familiar:{digest}"


def _pair_key(account: str, address: str) -> str:
    return f"{account}|{address}"


def address_of(request: HttpRequest) -> str:
    return allauth_ratelimit.get_ip(request)


def is_familiar(account: str, address: str) -> bool:
    return bool(cache.get(_familiar_key(account, address)))


def failure_budget_spend(request: HttpRequest, *, account: str) -> allauth_ratelimit.RateLimitUsage:
    """Spend one failure from each budget that applies to this attempt, before the password
    is checked; raise a translated ValidationError (and spend nothing) when one is used up.
    The caller gives the spending back (`.rollback()`) when the password was right."""
    address = address_of(request)
    budgets: list[tuple[str, str | None, str]] = [(PAIR, _pair_key(account, address), "account")]
    if not is_familiar(account, address):
        budgets += [(ACCOUNT, account, "account"), (ADDRESS, None, "address")]
    spent = allauth_ratelimit.RateLimitUsage(usage=[])
    for action, key, scope in budgets:
        usage = allauth_ratelimit.consume(request, app=APP, action=action, key=key)
        if usage is None:
            spent.rollback()  # refused before any password was tried: no failure to count
            raise ValidationError(_limited_message(scope), code="too_many_login_attempts")
        spent.usage.extend(usage.usage)
    return spent


def _limited_message(scope: str) -> str:
    if scope == "address":
        return _(
            "För många misslyckade inloggningar från din nätverksadress. Vänta några minuter "
            "och försök igen."
        )
    return _(
        "För många misslyckade inloggningar på det här kontot. Vänta några minuter och försök "
        "igen, eller välj ”Glömt lösenordet?” och byt lösenord."
    )


def login_succeeded(request: HttpRequest, *, account: str) -> None:
    """The right password: the address becomes familiar for the account, and the account's
    failures at this address are forgotten (whoever typed them is the owner, or shares the
    owner's address)."""
    address = address_of(request)
    cache.set(_familiar_key(account, address), True, FAMILIAR_SECONDS)
    allauth_ratelimit.clear(request, app=APP, action=PAIR, key=_pair_key(account, address))


def failures_forget(request: HttpRequest, *, account: str) -> None:
    """After a password reset: the account's own budgets start afresh (at this address; the
    others run out on their own within minutes)."""
    address = address_of(request)
    allauth_ratelimit.clear(request, app=APP, action=PAIR, key=_pair_key(account, address))
    allauth_ratelimit.clear(request, app=APP, action=ACCOUNT, key=account)
