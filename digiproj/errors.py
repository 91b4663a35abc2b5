"""Error reporting through sentry-sdk (Sentry or a self-hosted GlitchTip: the same protocol),
only when SENTRY_DSN is set, and never with personal data in an event.

`send_default_pii`, left at its default (False), keeps users' addresses, cookies and IPs out.
`scrub_event` (the `before_send`, also for transactions) then removes what the SDK would still
send: every frame's local variables (they hold participants, import rows, personnummer), the
request's body, cookies and headers; and it redacts personnummer and email addresses from
every remaining string (messages, exception values, breadcrumbs, the query string) with
digiproj.logs.redact, the one rule the logs use too. Names cannot be recognised in free text;
they reach an event only through local variables and request bodies, which are dropped whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from digiproj.logs import redact

if TYPE_CHECKING:
    from sentry_sdk._types import Event

_DROPPED_REQUEST_KEYS = ("data", "cookies", "headers", "env")


def _redact_all(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_all(item) for item in value]
    return value


def _drop_frame_vars(event: dict[str, Any]) -> None:
    stacks = [e.get("stacktrace") for e in event.get("exception", {}).get("values", [])]
    stacks += [t.get("stacktrace") for t in event.get("threads", {}).get("values", [])]
    stacks.append(event.get("stacktrace"))
    for stack in stacks:
        for frame in (stack or {}).get("frames", []):
            frame.pop("vars", None)


def scrub_event(event: Event, hint: dict[str, Any]) -> Event:
    """The event without local variables, request body, cookies or headers, and with every
    personnummer and email address in its strings replaced."""
    return cast("Event", _scrubbed(cast("dict[str, Any]", event)))


def _scrubbed(event: dict[str, Any]) -> Any:
    _drop_frame_vars(event)
    request = event.get("request")
    if isinstance(request, dict):
        for key in _DROPPED_REQUEST_KEYS:
            request.pop(key, None)
    event.pop("user", None)  # only the id is kept, if the SDK set one
    return _redact_all(event)


def sentry_init(*, dsn: str, environment: str, release: str, **options: Any) -> bool:
    """Start error reporting if a DSN is set; settings.py calls this once."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # send_default_pii stays at its default, False (passing it is deprecated in 2.75 in
        # favour of data_collection); scrub_event does not rely on it either.
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=0.0,
        **options,
    )
    return True
