"""Surveys and the rounds they are sent in. Questions, responses and profiles build on these."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Project


class Survey(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")
        ordering = ["title", "version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class RoundQuerySet(models.QuerySet["Round"]):
    def open(self) -> RoundQuerySet:
        now = timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)


class Round(models.Model):
    """A survey sent to a target group between two dates (utskick)."""

    class Purpose(models.TextChoices):
        BASELINE = "baseline", _("Nulägesmätning")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        OTHER = "other", _("Annan")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("namn"), max_length=200)
    purpose = models.CharField(_("syfte"), max_length=10, choices=Purpose.choices)
    opens_at = models.DateTimeField(_("öppnar"))
    closes_at = models.DateTimeField(_("stänger"))
    anonymous = models.BooleanField(_("anonym"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("omgång")
        verbose_name_plural = _("omgångar")
        ordering = ["opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.title}: {self.name}"
