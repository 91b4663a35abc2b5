"""The audit of single sign-on logins: every login the adapter lets in gets a row and an audit
log line, with ids only (never the personnummer, an address or a name)."""

from __future__ import annotations

import logging

from django.db import transaction

from digiproj.accounts.models import User

from ..models import Person, SsoLogin

audit_log = logging.getLogger("digiproj.audit")


@transaction.atomic
def sso_login_record(
    *,
    user: User,
    provider: str,
    matched_by: SsoLogin.MatchedBy,
    person: Person | None = None,
    first_link: bool = False,
) -> SsoLogin:
    record = SsoLogin(
        user=user, person=person, provider=provider, matched_by=matched_by, first_link=first_link
    )
    record.full_clean()
    record.save()
    audit_log.info(
        "sso login: user=%s provider=%s matched_by=%s person=%s first_link=%s",
        user.pk,
        provider,
        matched_by,
        person.pk if person else "-",
        first_link,
    )
    return record


def sso_login_refused(*, provider: str, role: str, reason: str) -> None:
    """A refused login leaves a line (no row: there is nobody to tie it to)."""
    audit_log.info("sso login refused: provider=%s role=%s reason=%s", provider, role, reason)
