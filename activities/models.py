"""Activities and their sessions. Enrolment, attendance and hours build on these."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Project


class Activity(models.Model):
    class Kind(models.TextChoices):
        LECTURE = "lecture", _("Föreläsning")
        WORKSHOP = "workshop", _("Workshop")
        SUPERVISION = "supervision", _("Handledning")
        PEER_LEARNING = "peer", _("Kollegialt lärande")
        RECORDED = "recorded", _("Inspelat material")
        LIVESTREAM = "livestream", _("Livesändning")
        ONLINE_MEETING = "online", _("Digitalt möte")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("typ"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    # DigComp area numbers 1–5 that the activity trains.
    digcomp_areas = models.JSONField(_("DigComp-områden"), default=list, blank=True)
    target_group = models.CharField(_("målgrupp"), max_length=200, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_activities",
        verbose_name=_("utbildare"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One occasion of an activity (tillfälle). Times are stored in UTC, shown in Stockholm."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=200, blank=True)
    online_url = models.URLField(_("länk"), blank=True)
    capacity = models.PositiveIntegerField(_("antal platser"), null=True, blank=True)
    enrolment_deadline = models.DateTimeField(_("sista anmälningsdag"), null=True, blank=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utbildare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_sessions",
    )

    class Meta:
        verbose_name = _("tillfälle")
        verbose_name_plural = _("tillfällen")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.activity.title} {self.starts_at:%Y-%m-%d %H:%M}"
