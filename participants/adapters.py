from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: people come in through an invitation or a project's
    open registration link, which create the account themselves."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
