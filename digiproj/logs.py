"""Logging: a request id and the user id on every record, and no personal data in any line.

Every record a handler writes passes two filters (settings.LOGGING):
- `RequestContextFilter` adds `request_id` (an incoming X-Request-ID, or a new one, returned in
  the response's X-Request-ID header by `RequestIdMiddleware`) and `user_id` (the logged-in
  user's id; never a name or an address);
- `PersonalDataFilter` replaces personnummer (any format: 10 or 12 digits, with or without
  '-' or '+') and email addresses in the formatted message and traceback with placeholders,
  so a library's or a future line's slip never reaches the log.
Lines that name people by id ("user=2 count=61") are what we log on purpose.
Plain text is the default (`make run`); DJANGO_LOG_FORMAT=json writes one JSON object a line.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings.py imports this module: no Django import at run time
    from django.http import HttpRequest, HttpResponse

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "digiproj_request", default=None
)

# 12 or 10 digits (ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN, ÅÅMMDD+NNNN, without separator too), not as
# part of a longer number.
PERSONNUMMER = re.compile(r"(?<![\d])(?:\d{2})?\d{6}[-+ ]?\d{4}(?![\d])")
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def redact(text: str) -> str:
    """The text with every personnummer and email address replaced."""
    return EMAIL.sub("[e-post]", PERSONNUMMER.sub("[personnummer]", text))


def current_request_id() -> str:
    request = _request.get()
    return getattr(request, "request_id", "-") if request is not None else "-"


def current_user_id() -> str:
    request = _request.get()
    # Only a user the request has already loaded: a log line must never query the database
    # (which could log, and recurse).
    user = getattr(request, "_cached_user", None) if request is not None else None
    return str(user.pk) if user is not None and user.is_authenticated else "-"


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        record.user_id = current_user_id()
        return True


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters then print the redacted text, not the exception again.
            record.exc_text, record.exc_info = redact(record.exc_text), None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RequestIdMiddleware:
    """First in the chain: every line logged while answering carries the request's id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        # A proxy's id is kept so its lines and ours match; anything odd is replaced, as the
        # header is client input going into the log.
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


def logging_config(*, json_format: bool, level: str) -> dict[str, object]:
    """settings.LOGGING: one console handler, both filters, plain text or JSON."""
    fields = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(user_id)s %(message)s"
    formatters: dict[str, dict[str, object]] = {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] "
            "%(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": fields,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json" if json_format else "plain",
        "filters": ["request_context", "personal_data"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "digiproj.logs.RequestContextFilter"},
            "personal_data": {"()": "digiproj.logs.PersonalDataFilter"},
        },
        "formatters": formatters,
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Full personnummer reveals are written here (who, when, whose participation id).
            "digiproj.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
