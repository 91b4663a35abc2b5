"""The projects' mails (registered with digiproj.mail)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.urls import reverse

from digiproj.mail.services import absolute_url, compose, mail

from .models import Membership


def _password_url(user: object) -> str:
    """allauth's own link for choosing a password (its token: it works once, and stops
    working when the password is set or the last login changes)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    return absolute_url(
        reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    )


@mail("staff_welcome")
def staff_welcome(*, membership_id: int) -> Iterable[EmailMessage]:
    """Welcome to a new role: which project and role, and for a new account the link to
    choose a password (then she is signed in: ACCOUNT_LOGIN_ON_PASSWORD_RESET)."""
    membership = (
        Membership.objects.select_related("user", "project__owner").filter(pk=membership_id).first()
    )
    if membership is None:
        return []  # removed again before the mail went
    user = membership.user
    context = {
        "role": membership.get_role_display(),
        "password_url": "" if user.has_usable_password() else _password_url(user),
        "login_url": absolute_url(reverse("account_login")),
    }
    return [compose("staff_welcome", to=user.email, project=membership.project, context=context)]
