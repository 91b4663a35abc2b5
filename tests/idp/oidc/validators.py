from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Each test user's claims (email, email_verified, the personnummer claim) in the ID token
    and at userinfo, whatever the scopes."""

    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        users = {user["username"]: user for user in settings.CONFIG["users"]}
        return dict(users[request.user.username]["claims"])
