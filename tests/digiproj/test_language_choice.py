"""The language switch keeps a signed-in person's choice on her account (her mail is
written in it), and works as Django's own for everyone."""

from __future__ import annotations

import pytest
from django.conf import settings

from digiproj.accounts.models import User
from digiproj.mail.services import language_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_persons_choice_is_kept_for_her_mail(client):
    user = UserFactory(email="vera@example.test")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert User.objects.get(pk=user.pk).language == "en"
    assert language_for("Vera@Example.test ") == "en"


def test_an_anonymous_switch_and_an_unknown_language_change_no_account(client):
    user = UserFactory(email="bo@example.test")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=user.pk).language == ""
    assert language_for("bo@example.test") == "sv"
    assert language_for("nobody@example.test") == "sv"
