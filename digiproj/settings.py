"""digiproj settings: one module, driven by environment variables.

With no environment set this is the embedded default (SQLite, Celery tasks run in-process,
mail to the console). Setting DATABASE_URL and CELERY_BROKER_URL switches to PostgreSQL and
Redis; everything production needs is listed in `deploy/env.example`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from digiproj.beat import BEAT_SCHEDULE
from digiproj.errors import sentry_init
from digiproj.logs import logging_config
from digiproj.sqlite import OPTIONS as SQLITE_OPTIONS
from digiproj.sso import form_action_origins, providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    # Real environment variables win over the file (django-environ's default).
    env.read_env(str(BASE_DIR / ".env"))

# Embedded mode: no database configured, so SQLite and in-process tasks.
EMBEDDED = not env.str("DATABASE_URL", default="")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if EMBEDDED:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="embedded-only-not-a-secret-" + "x" * 40)
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "digiproj.accounts",
    "digiproj.projects",
    "digiproj.mail",
    "participants",
    "surveys",
    "activities",
    "goals",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    # First: every line logged while answering carries the request's id (digiproj/logs.py).
    "digiproj.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their caching), before everything that may answer.
    "digiproj.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "digiproj.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "digiproj.projects.middleware.StaffLoginRequirementMiddleware",
]

ROOT_URLCONF = "digiproj.urls"
WSGI_APPLICATION = "digiproj.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("DJANGO_SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            # Concurrent use: immediate transactions, a busy timeout, WAL (digiproj/sqlite.py).
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; nobody signs up without an invitation.
ACCOUNT_ADAPTER = "participants.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A new staff member's welcome mail links to choosing a password: then she is straight in
# (through MFA where she has it; allauth's login runs its stages).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[digiproj] "
# Logins are limited by their failures only (see digiproj.accounts.login_limits): a class
# or a municipality behind one NAT address must not stop each other. Per account at one
# address; per account at unfamiliar addresses; per address for unfamiliar accounts.
ACCOUNT_RATE_LIMITS = {
    "login": "",  # no limit on logins as such: a right password is never counted
    "login_failed": "5/5m/key",
    "login_failed_account": "20/15m/key",
    "login_failed_address": "50/10m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Single sign-on (digiproj/sso.py): the municipality's identity provider for staff (OpenID
# Connect or SAML) and an e-legitimation broker for participants, from DIGIPROJ_OIDC_STAFF_*,
# DIGIPROJ_OIDC_EID_* and DIGIPROJ_SAML_*, or added in the admin. Nobody signs up by SSO: the
# adapter links a login to an existing user or person, or refuses it.
SOCIALACCOUNT_ADAPTER = "participants.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = providers_from_env(os.environ)
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # the adapter matches, with its own rules
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons post (no login CSRF by a link)
SSO_FORM_ACTION_ORIGINS = form_action_origins(
    SOCIALACCOUNT_PROVIDERS, env.list("DIGIPROJ_SSO_ORIGINS", default=[])
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "digiproj"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Files with personal data (report files, survey exports, uploaded participant files): outside
# MEDIA_ROOT, with no URL, served only by the permission-checked download views (see
# digiproj/storage.py). Behind nginx, set DIGIPROJ_X_ACCEL_REDIRECT_PREFIX to an `internal`
# location that maps to this folder, and nginx sends the file after Django's check.
PRIVATE_STORAGE_ROOT = env.str("DJANGO_PRIVATE_ROOT", default=str(BASE_DIR / "private"))
DIGIPROJ_X_ACCEL_REDIRECT_PREFIX = env.str("DIGIPROJ_X_ACCEL_REDIRECT_PREFIX", default="")
# Production collects static files into STATIC_ROOT with hashed names; everywhere else
# whitenoise serves them straight from the apps' and the project's static folders.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "digiproj.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# Mail: console unless EMAIL_URL is set: smtp+tls://user:pass@host:587 (STARTTLS) or
# smtp+ssl://user:pass@host:465 (TLS).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="digiproj <noreply@digiproj.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: DJANGO_SECURE=1 behind HTTPS turns on everything `check --deploy` asks for.
SECURE = env.bool("DJANGO_SECURE", default=False)
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# A load balancer probes the backends over plain HTTP: /healthz answers there too.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/worker)?$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else only from this
# site, no inline script or style at all (JavaScript lives in static/js, bar widths are classes,
# see digiproj/projects/templatetags/bars.py; htmx's own indicator <style> is turned off in
# base.html). data: images only for the admin's and browsers' built-in icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The identity providers too: a login button's post is redirected there.
        "form-action": [SELF, *SSO_FORM_ACTION_ORIGINS],
        "frame-ancestors": [NONE],
    }
}

# Celery: with no broker configured, tasks run in-process (a .delay() against a closed
# Redis port would otherwise hang the request).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A stopped broker must fail a request within seconds, with a clear message, not hang it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_EXPIRES = 24 * 3600
# Every periodic task, with its period and why, is listed in digiproj/beat.py.
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

SESSION_COOKIE_AGE = 8 * 3600

# Plain text by default (`make run`); DJANGO_LOG_FORMAT=json for one JSON object a line (log
# collectors). Either way with request id and user id, and personal data redacted
# (digiproj/logs.py).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain")
LOGGING = logging_config(
    json_format=LOG_FORMAT == "json", level=env.str("DJANGO_LOG_LEVEL", default="WARNING")
)
# In JSON mode the worker logs through the same configuration instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# The accessibility statement (tillgänglighetsredogörelse, /tillganglighet/, linked from every
# footer): who runs this installation and where to report accessibility problems (an address, a
# contact form's URL, or both), and when the service was last assessed.
DIGIPROJ_ACCESSIBILITY_ORGANISATION = env.str(
    "DIGIPROJ_ACCESSIBILITY_ORGANISATION", default="Projektägaren"
)
DIGIPROJ_ACCESSIBILITY_EMAIL = env.str("DIGIPROJ_ACCESSIBILITY_EMAIL", default="")
DIGIPROJ_ACCESSIBILITY_URL = env.str("DIGIPROJ_ACCESSIBILITY_URL", default="")
DIGIPROJ_ACCESSIBILITY_REVIEWED = date.fromisoformat(
    env.str("DIGIPROJ_ACCESSIBILITY_REVIEWED", default="2026-12-02")
)
DIGIPROJ_ACCESSIBILITY_UPDATED = date.fromisoformat(
    env.str("DIGIPROJ_ACCESSIBILITY_UPDATED", default="2026-12-02")
)

# seed_demo (demo/generator.py) runs on PostgreSQL only with --force or this set: the demo
# makes a superuser with a public password.
DIGIPROJ_ALLOW_DEMO = env.bool("DIGIPROJ_ALLOW_DEMO", default=False)

# How many rows an uploaded participant file may have (bigger files are refused).
PARTICIPANT_IMPORT_MAX_ROWS = env.int("DIGIPROJ_IMPORT_MAX_ROWS", default=50_000)

# Form fields tie their errors and help text to the input (aria-describedby), WCAG 3.3.1.
FORM_RENDERER = "digiproj.forms.FormRenderer"
EMAIL_FILE_PATH = env.str("DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))

# Background jobs (report runs, survey exports, participant imports; digiproj/jobs.py): how long
# a running attempt holds its lease before another worker may take it over (a worker that
# died), how long a queued job may wait for a worker, how many attempts before it is failed.
JOB_LEASE_SECONDS = env.int("DIGIPROJ_JOB_LEASE_SECONDS", default=120)
JOB_QUEUE_SECONDS = env.int("DIGIPROJ_JOB_QUEUE_SECONDS", default=15 * 60)
JOB_MAX_ATTEMPTS = env.int("DIGIPROJ_JOB_MAX_ATTEMPTS", default=3)
# How long finished jobs' files are kept (the rows, parameters and checksums stay).
REPORT_FILE_RETENTION_DAYS = env.int("DIGIPROJ_REPORT_FILE_RETENTION_DAYS", default=90)
SURVEY_EXPORT_RETENTION_DAYS = env.int("DIGIPROJ_SURVEY_EXPORT_RETENTION_DAYS", default=30)
# An upload's rows (personnummer) are deleted when its import ends; one left unconfirmed this
# long is cancelled and its rows deleted.
PARTICIPANT_IMPORT_RETENTION_HOURS = env.int("DIGIPROJ_IMPORT_RETENTION_HOURS", default=24)
# A big file is read in a forked child of the worker under this address-space limit, so a file
# that expands past it fails with a message and cannot take the worker down.
PARTICIPANT_IMPORT_MEMORY_MB = env.int("DIGIPROJ_IMPORT_MEMORY_MB", default=1024)
# Fault injection for tests only: seconds to pause between report steps, so a test can kill
# the worker in the middle of a run. Always 0 in production.
REPORT_RUN_STEP_DELAY = env.float("DIGIPROJ_REPORT_STEP_DELAY", default=0.0)
# surveys: absolute links in invitation mails (the site's public address).
DIGIPROJ_BASE_URL = env.str("DIGIPROJ_BASE_URL", default="http://localhost:8000")
# Whether the installation said where it is: links in mail are made from DIGIPROJ_BASE_URL, so
# `check --deploy` fails without it (digiproj/checks.py) rather than mail localhost links.
DIGIPROJ_BASE_URL_GIVEN = "DIGIPROJ_BASE_URL" in os.environ
# participants: how long an invitation link works (absolute links use DIGIPROJ_BASE_URL).
PARTICIPANT_INVITATION_DAYS = env.int("DIGIPROJ_INVITATION_DAYS", default=14)
# Uploads with more rows than this are imported by a Celery worker after the confirm.
PARTICIPANT_IMPORT_SYNC_ROWS = env.int("DIGIPROJ_IMPORT_SYNC_ROWS", default=2_000)
# Uploaded participant files larger than this are read and checked by a Celery worker.
PARTICIPANT_IMPORT_SYNC_BYTES = env.int("DIGIPROJ_IMPORT_SYNC_BYTES", default=1_000_000)
# …and so are smaller .xlsx files whose parts say they expand to more than this.
PARTICIPANT_IMPORT_SYNC_EXPANDED_BYTES = env.int(
    "DIGIPROJ_IMPORT_SYNC_EXPANDED_BYTES", default=20_000_000
)

# Error reporting (Sentry or GlitchTip) only when SENTRY_DSN is set; events carry no personal
# data (digiproj/errors.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
sentry_init(
    dsn=SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    release=env.str("SENTRY_RELEASE", default=""),
)
