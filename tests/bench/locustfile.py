"""The load test's coordinators (locust, run headless by tests/bench/load.py; never imported
by the suite or the bench process: locust patches the standard library with gevent).

Each simulated coordinator logs in once through the real login form, then opens the main
pages of her project with a few seconds' thought between them, as a person does. The pages
come from LOAD_PAGES (a JSON object: name -> path); the login from LOAD_EMAIL and
LOAD_PASSWORD. gunicorn is reached directly over http, so the client says what nginx would
(X-Forwarded-Proto: https) and sends the secure cookies the production settings set.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random

from locust import HttpUser, between, task

PAGES: dict[str, str] = json.loads(os.environ.get("LOAD_PAGES", "{}"))
EMAIL = os.environ.get("LOAD_EMAIL", "")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def _secure_cookies_ok(policy, cookie, request):  # type: ignore[no-untyped-def]
    return True


# Secure cookies are sent over http: this process stands where the proxy that ended TLS
# stands. Set on the policy class, as requests merges every request's cookies into a new jar
# with the default policy (a policy set on the session's jar is not used). Only this
# process, which does nothing else, is affected.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = _secure_cookies_ok  # type: ignore[method-assign]


class Coordinator(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers.update(PROXY_HEADERS)
        self.client.get("/accounts/login/", name="inloggning (sida)")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data={"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
            # What the browser behind nginx sends: the https origin Django's CSRF check expects.
            headers={
                "Referer": f"{str(self.host).replace('http://', 'https://', 1)}/accounts/login/"
            },
            name="inloggning",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    @task
    def a_page(self) -> None:
        name = random.choice(list(PAGES))
        with self.client.get(
            PAGES[name], name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
