"""The platform's own mails, one rule for all of them.

Each kind of mail has two templates: templates/mail/<kind>_subject.txt and
templates/mail/<kind>.txt (the text). They are rendered in the recipient's language (her
account's choice, else the platform's default); the HTML part is the same text in the
platform's mail layout, and every mail names the project and the organisation that sends it
(the project owner), so a mail is recognised without opening a link.

Mail goes out from the worker: a service asks for it with `request(kind, once_per=...,
**params)` once its transaction commits, and the worker builds it from the database with the
function that `@mail(kind)` registered (each app's mails.py). `send_once` is the one rule for
sending once: the key names the event, a retried task sends what failed, a task delivered
twice sends nothing the second time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import SentMail

Builder = Callable[..., Iterable[EmailMessage]]
_BUILDERS: dict[str, Builder] = {}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def mail(kind: str) -> Callable[[Builder], Builder]:
    """Register the function that builds the mails of `kind` from ids (run by the worker)."""

    def register(build: Builder) -> Builder:
        _BUILDERS[kind] = build
        return build

    return register


def absolute_url(path: str) -> str:
    """A link in a mail: the installation's public address (DIGIPROJ_BASE_URL) and a path."""
    return settings.DIGIPROJ_BASE_URL.rstrip("/") + path


def language_for(email: str) -> str:
    """The language the person at `email` reads the platform in: her account's choice, else
    the platform's default (Swedish)."""
    from django.contrib.auth import get_user_model

    chosen = (
        get_user_model()
        .objects.filter(email__iexact=email.strip())
        .values_list("language", flat=True)
        .first()
    )
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def compose(
    kind: str,
    *,
    to: str,
    project: Any,
    context: dict[str, Any],
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives:
    """The mail of `kind` to one recipient, text and HTML, in her language."""
    language = language or language_for(to)
    with translation.override(language):
        values = {
            "project": project,
            "sender": getattr(project, "owner", None),
            "base_url": settings.DIGIPROJ_BASE_URL.rstrip("/"),
            "language": language,
            **context,
        }
        subject = " ".join(render_to_string(f"mail/{kind}_subject.txt", values).split())
        body = render_to_string(f"mail/{kind}.txt", values).strip()
        footer = render_to_string("mail/footer.txt", values).strip()
        html = render_to_string(
            "mail/base.html", {**values, "subject": subject, "body": body, "footer": footer}
        )
    message = EmailMultiAlternatives(
        subject,
        f"{body}\n\n-- \n{footer}\n",
        to=[to],
        # Auto-Submitted keeps out-of-office replies away (RFC 3834).
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def send_once(*, key: str, kind: str, build: Callable[[], Iterable[EmailMessage]]) -> int:
    """Send the mails `build` makes, once for `key`; returns how many went out.

    The key's row is locked while the mails are made and sent, and marked sent in the same
    transaction: a send that fails rolls it back (with whatever `build` wrote, e.g. a code's
    hash), so the retry sends; a task delivered again after success finds it sent."""
    with transaction.atomic():
        SentMail.objects.get_or_create(key=key, defaults={"kind": kind})
        row = SentMail.objects.select_for_update().get(key=key)
        if row.sent_at is not None:
            return 0
        messages = list(build())
        for message in messages:
            message.send()
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
    return len(messages)


def send(kind: str, once_per: object, params: dict[str, Any]) -> int:
    """Build and send a registered kind, once per (kind, `once_per`): what the worker runs.
    `once_per` names the event, e.g. the enrolment's id, or a certificate's id and the time
    of the signature a copy is for."""
    build = _BUILDERS[kind]
    return send_once(key=f"{kind}:{once_per}", kind=kind, build=lambda: build(**params))


def request(kind: str, *, once_per: object, **params: Any) -> None:
    """Have the worker send the mail of `kind` once the caller's transaction commits."""
    from . import tasks

    if kind not in _BUILDERS:
        raise LookupError(f"no mail registered as {kind!r}")
    tasks.mail_send_task.delay_on_commit(kind, str(once_per), params)
