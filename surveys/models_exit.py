"""The exit questionnaire (utträdesenkät) and the follow-up after exit: a project's settings
and one row per participation and kind that says when its survey was due, whether it went
out, and if not why. Kept in the surveys app (not on Project) so that the core does not
know about surveys. Imported into surveys.models."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Project

# The immediate result indicators ask for the situation within four weeks of leaving: an
# exit survey is sent at the latest on day 28 after the end date, and a follow-up at the
# latest 28 days after its due date. Answers are taken for ANSWER_DAYS after sending.
EXIT_WINDOW_DAYS = 28
ANSWER_DAYS = 28
# One reminder this many days before a personal link closes, to those who have not answered.
REMINDER_DAYS_BEFORE = 7


class ExitKind(models.TextChoices):
    EXIT = "exit", _("Utträdesenkät")
    FOLLOW_UP = "post_exit", _("Uppföljning efter utträde")


class ExitSurveySettings(models.Model):
    """Whether a project sends exit and follow-up surveys, which surveys, and when."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="exit_survey_settings"
    )
    enabled = models.BooleanField(_("skicka utträdesenkät"), default=False)
    follow_up_enabled = models.BooleanField(_("skicka uppföljning efter utträde"), default=True)
    # When sending was last turned on: participations that ended before are sent only
    # while their window is still open.
    enabled_at = models.DateTimeField(_("påslagen"), null=True, blank=True, editable=False)
    exit_survey = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("utträdesenkät"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_survey = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("uppföljningsenkät"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exit_days = models.PositiveSmallIntegerField(
        _("dagar efter slutdatum"),
        default=0,
        validators=[MaxValueValidator(EXIT_WINDOW_DAYS)],
        help_text=_(
            "När utträdesenkäten skickas, räknat från slutdatumet (0–28 dagar: "
            "resultatindikatorerna gäller situationen inom fyra veckor)."
        ),
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("månader efter slutdatum"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("När uppföljningen skickas, räknat från slutdatumet (vanligen 6 månader)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inställning för utträdesenkät")
        verbose_name_plural = _("inställningar för utträdesenkät")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exit_days__lte=EXIT_WINDOW_DAYS),
                name="exit_days_within_four_weeks",
            ),
        ]

    def __str__(self) -> str:
        return str(self.project)


class ExitDispatch(models.Model):
    """One participation's exit or follow-up survey: the once-only claim of sending it.

    Unique per participation and kind, so a rerun or a second worker finds the row and
    sends nothing (the mail itself goes through digiproj.mail's send_once as well). A row
    that was skipped says why; one skipped for a missing address is tried again while the
    window is open."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Skickad")
        NO_EMAIL = "no_email", _("Saknar e-postadress")
        ERASED = "erased", _("Uppgifterna raderade")
        OPTED_OUT = "opted_out", _("Har avböjt enkäter")
        ALREADY = "already", _("Redan inbjuden till omgången")

    SKIPPED = (Outcome.NO_EMAIL, Outcome.ERASED, Outcome.OPTED_OUT, Outcome.ALREADY)

    participation = models.ForeignKey(
        "participants.Participation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("enkät"), max_length=10, choices=ExitKind.choices)
    end_date = models.DateField(_("slutdatum"))
    due_on = models.DateField(_("ska skickas"))
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices)
    invitation = models.OneToOneField(
        "surveys.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exit_dispatch",
    )
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    # The personal link takes answers until then (the round itself stays open).
    closes_at = models.DateTimeField(_("svar senast"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("påmind"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utskick efter utträde")
        verbose_name_plural = _("utskick efter utträde")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "kind"], name="uniq_exit_dispatch_participation_kind"
            ),
        ]
        indexes = [models.Index(fields=["kind", "outcome", "closes_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.participation_id}: {self.outcome}"


class ExitOptOut(models.Model):
    """A person who asked for no more surveys after leaving this project (from the link in
    the mail). Holds ids only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("participants.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("avböjd enkät efter utträde")
        verbose_name_plural = _("avböjda enkäter efter utträde")
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="uniq_exit_opt_out"),
        ]

    def __str__(self) -> str:
        return f"#{self.person_id} – {self.project_id}"
