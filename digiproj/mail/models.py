from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMail(models.Model):
    """That a mail went out, never what it said: the key names the event (for example
    "enrolment-confirmed:412"), so a task that is retried or delivered twice sends it once.
    Holds no personal data (ids only), and the text, codes and links are not kept."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skickat mejl")
        verbose_name_plural = _("skickade mejl")

    def __str__(self) -> str:
        return self.key
