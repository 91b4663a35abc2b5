"""Error reports (sentry-sdk) carry no personnummer, email address or name (digiproj/errors.py)."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from digiproj.errors import scrub_event, sentry_init
from tests.factories import participant_test_pnr

# Module constants, far from the frames: an event carries the source lines around each frame.
EMAIL = "ylvamaj.loggsdotter@kommun.example.se"
FIRST_NAME = "Ylvamaj"


class Captured(Transport):
    """Keeps the envelopes instead of sending them: no network."""

    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.envelopes: list[str] = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope.serialize().decode("utf-8", "replace"))


@pytest.fixture
def transport():
    captured = Captured()
    assert sentry_init(
        dsn="https://public@glitchtip.example.se/1",
        environment="test",
        release="",
        transport=captured,
        default_integrations=False,
    )
    yield captured
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again


def test_no_dsn_no_reporting():
    assert sentry_init(dsn="", environment="test", release="") is False


def _raise(number: str, email: str, first_name: str) -> None:
    participant = {"personnummer": number, "email": email, "first_name": first_name}  # noqa: F841
    raise ValueError(f"row 3: {number} ({email}) already in the project")


def test_an_error_with_a_personnummer_and_an_email_is_reported_without_them(transport):
    number = participant_test_pnr(11)
    email, first_name = EMAIL, FIRST_NAME
    sentry_sdk.add_breadcrumb(message=f"import of {number[:8]}-{number[8:]} by {email}")
    try:
        _raise(number, email, first_name)
    except ValueError as exc:
        sentry_sdk.capture_exception(exc)
    sentry_sdk.get_client().flush()

    sent = "\n".join(transport.envelopes)
    assert "already in the project" in sent  # the event itself did go
    assert "[personnummer]" in sent
    for secret in (number, number[2:], f"{number[:8]}-{number[8:]}", email, first_name):
        assert secret not in sent


def test_scrub_event_drops_locals_request_body_and_cookies():
    number = participant_test_pnr(12)
    event = {
        "message": f"pnr {number}",
        "exception": {
            "values": [
                {
                    "value": f"mail a@b.example.se {number}",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"name": "Ylvamaj"}}]},
                }
            ]
        },
        "request": {
            "url": "https://digiproj.example.se/p/1/deltagare/",
            "query_string": f"q={number}",
            "data": {"first_name": "Ylvamaj"},
            "cookies": {"sessionid": "x"},
            "headers": {"Cookie": "sessionid=x"},
        },
        "user": {"email": "a@b.example.se"},
    }
    scrubbed = json.dumps(scrub_event(event, {}))
    for secret in (number, "Ylvamaj", "a@b.example.se", "sessionid"):
        assert secret not in scrubbed
    assert "digiproj.example.se/p/1/deltagare/" in scrubbed
