"""A mail backend for the real worker in tests: the mail server is away for the first send
(the worker must retry), then back (files as Django's file backend writes them)."""

from __future__ import annotations

from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.filebased import EmailBackend


class AwayOnceBackend(EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(self.file_path) / "server-was-away"
        if not marker.exists():
            marker.touch()
            raise SMTPServerDisconnected("the mail server went away (test)")
        return super().send_messages(email_messages)
