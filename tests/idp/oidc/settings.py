"""A tiny OpenID Connect provider for the SSO tests: django-oauth-toolkit with OIDC on, its own
SQLite database, an RSA key the test made (ID tokens signed RS256), PKCE required, discovery at
/o/.well-known/openid-configuration. Started by tests/idp/processes.py; never part of digiproj.

Everything comes from the JSON file IDP_CONFIG names: {"key_file", "db", "clients": [...],
"users": [{"username", "password", "claims": {...}}]}.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

CONFIG = json.loads(Path(os.environ["IDP_CONFIG"]).read_text())
HERE = Path(__file__).resolve().parent

SECRET_KEY = "test-idp-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.idp.oidc.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": CONFIG["db"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Browsers share cookies between ports of one host: the provider's own names, so its session
# never overwrites the application's.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
USE_TZ = True
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(CONFIG["key_file"]).read_text(),
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "Email"},
    "OAUTH2_VALIDATOR_CLASS": "tests.idp.oidc.validators.ClaimsValidator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http"],
}
