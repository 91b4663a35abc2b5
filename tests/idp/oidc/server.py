"""Run the test OpenID Connect provider: `python -m tests.idp.oidc.server PORT` with IDP_CONFIG
set. Migrates its own SQLite database, creates the configured users and clients, then serves
on 127.0.0.1:PORT until it is terminated."""

from __future__ import annotations

import os
import sys

import django


def main(port: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.idp.oidc.settings"
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for user in settings.CONFIG["users"]:
        User.objects.create_user(username=user["username"], password=user["password"])
    for client in settings.CONFIG["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    call_command(
        "runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
