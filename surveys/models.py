"""Surveys (versioned, sections → questions → options), the DigComp frameworks (2.2 and 3.0)
as data, rounds sent to a target group, personal invitations, responses and their answers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiproj.jobs import Job
from digiproj.projects.models import Organisation, Project

from .digcomp import LATEST, Version
from .framework import DigCompArea, DigCompCompetence, DigCompLevel
from .framework import localized as _localized
from .models_exit import ExitDispatch, ExitKind, ExitOptOut, ExitSurveySettings

# The framework models live in .framework; they are imported from here as before.
__all__ = [
    "DONT_KNOW",
    "DigCompArea",
    "DigCompCompetence",
    "DigCompLevel",
    "ExitDispatch",
    "ExitKind",
    "ExitOptOut",
    "ExitSurveySettings",
]

# "Vet inte" on a DigComp level question: stored as 0 and left out of every mean.
DONT_KNOW = 0


class SurveyQuerySet(models.QuerySet["Survey"]):
    def for_project(self, project: Project) -> SurveyQuerySet:
        return self.filter(project=project)


class Survey(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # The framework its level questions, profiles and paired change use. Rounds follow
    # their survey's, so every round has one; fixed once the survey has answers.
    digcomp_version = models.CharField(
        _("DigComp-version"),
        max_length=3,
        choices=Version.choices,
        default=LATEST,
        help_text=_(
            "Ramverket som DigComp-frågorna, profilerna och förändringen bygger på. Kan "
            "ändras tills enkäten har fått svar."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the first answer is saved: from then on questions cannot change, so every
    # answer keeps meaning what it meant. Changes go into a new version (a copy).
    locked_at = models.DateTimeField(_("låst"), null=True, blank=True, editable=False)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("föregående version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")
        ordering = ["title", "version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title_sv = models.CharField(_("rubrik (svenska)"), max_length=200)
    title_en = models.CharField(_("rubrik (engelska)"), max_length=200, blank=True)
    description_sv = models.TextField(_("inledning (svenska)"), blank=True)
    description_en = models.TextField(_("inledning (engelska)"), blank=True)

    class Meta:
        verbose_name = _("del")
        verbose_name_plural = _("delar")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title_sv

    @property
    def title(self) -> str:
        return _localized(self, "title")

    @property
    def description(self) -> str:
        return _localized(self, "description")


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Skala (instämmande)")
        DIGCOMP_LEVEL = "digcomp_level", _("DigComp-nivå (1–8)")
        SINGLE = "single", _("Ett val")
        MULTIPLE = "multiple", _("Flera val")
        NUMBER = "number", _("Tal")
        SHORT_TEXT = "short_text", _("Kort text")
        LONG_TEXT = "long_text", _("Lång text")

    CHOICE_KINDS = frozenset({Kind.LIKERT, Kind.DIGCOMP_LEVEL, Kind.SINGLE, Kind.MULTIPLE})
    TEXT_KINDS = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT})

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    kind = models.CharField(_("frågetyp"), max_length=15, choices=Kind.choices)
    code = models.CharField(
        _("kolumnnamn"),
        max_length=30,
        blank=True,
        help_text=_("Kort namn på kolumnen i Excel-exporten, till exempel K1_1."),
    )
    text_sv = models.CharField(_("fråga (svenska)"), max_length=500)
    text_en = models.CharField(_("fråga (engelska)"), max_length=500, blank=True)
    help_sv = models.CharField(_("hjälptext (svenska)"), max_length=500, blank=True)
    help_en = models.CharField(_("hjälptext (engelska)"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatorisk"), default=True)
    competence = models.ForeignKey(
        DigCompCompetence,
        verbose_name=_("DigComp-kompetens"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    # Show-if: the question is shown only when an earlier question's answer is one of
    # `show_if_values` (option values). Empty: always shown.
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("visa om frågan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependants",
    )
    show_if_values = models.JSONField(_("visa om svaret är"), default=list, blank=True)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text_sv

    @property
    def text(self) -> str:
        return _localized(self, "text")

    @property
    def help(self) -> str:
        return _localized(self, "help")

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def column(self) -> str:
        return self.code or f"F{self.pk}"


class QuestionOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    value = models.SmallIntegerField(_("värde"))
    # Display order ("Vet inte", value 0, is shown last on a DigComp level scale).
    position = models.PositiveSmallIntegerField(_("plats"), default=0)
    label_sv = models.CharField(_("text (svenska)"), max_length=200)
    label_en = models.CharField(_("text (engelska)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("svarsalternativ")
        verbose_name_plural = _("svarsalternativ")
        ordering = ["question", "position", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"],
                name="uniq_option_value",
                violation_error_message=_("Frågan har redan ett svarsalternativ med det värdet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.label_sv}"

    @property
    def label(self) -> str:
        return _localized(self, "label")


class RoundQuerySet(models.QuerySet["Round"]):
    def open(self) -> RoundQuerySet:
        now = timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)


class Round(models.Model):
    """A survey sent to a target group between two dates (utskick).

    Target: the whole project when neither organisation nor role group is set. Targeting one
    activity's participants belongs to the activities app, which sits beside surveys in the
    dependency graph: it adds that filter itself (e.g. a nullable `target_activity` FK in a
    later migration plus a recipients hook) rather than surveys importing activities.
    """

    class Purpose(models.TextChoices):
        BASELINE = "baseline", _("Nulägesmätning")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        OTHER = "other", _("Annan")
        # Sent to each participant as they leave (surveys.services.exit), never to a group.
        EXIT = "exit", _("Utträdesenkät")
        POST_EXIT = "post_exit", _("Uppföljning efter utträde")

    EXIT_PURPOSES = frozenset({Purpose.EXIT, Purpose.POST_EXIT})

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("namn"), max_length=200)
    purpose = models.CharField(_("syfte"), max_length=10, choices=Purpose.choices)
    opens_at = models.DateTimeField(_("öppnar"))
    closes_at = models.DateTimeField(_("stänger"))
    anonymous = models.BooleanField(
        _("anonym"),
        default=False,
        help_text=_(
            "Svaren kopplas inte till personen. Då går det inte att visa egen profil eller "
            "jämföra samma persons svar före och efter."
        ),
    )
    target_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("målgrupp: organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_role_group = models.CharField(_("målgrupp: yrkesgrupp"), max_length=10, blank=True)
    invitations_sent_at = models.DateTimeField(_("inbjudningar skickade"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("påminnelse skickad"), null=True, blank=True)
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

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at

    @property
    def is_exit(self) -> bool:
        """Sent person by person as they leave: never to the whole target group."""
        return self.purpose in self.EXIT_PURPOSES

    @property
    def digcomp_version(self) -> str:
        """The round's DigComp version: its survey's (a round cannot have another)."""
        return self.survey.digcomp_version

    @property
    def target_role_group_label(self) -> str:
        from participants.models import Participation

        if not self.target_role_group:
            return ""
        return str(Participation.RoleGroup(self.target_role_group).label)


class Invitation(models.Model):
    """One person's personal link to one round.

    Only a hash of the token is stored. The token itself is an HMAC of `nonce` under the
    SECRET_KEY, so a reminder can send the same link again while a copy of the database
    alone does not give anyone's link. In an anonymous round the draft lives here (it is
    personal while being filled in) and is moved to an unlinked Response on submission.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        "participants.Person", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    # The person's employer when invited: lets a contact see their own organisation's rate.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("påmind"), null=True, blank=True)
    # In anonymous rounds only the day is kept, so it cannot be matched to a response.
    used_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="uniq_invitation_person"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – #{self.person_id}"


class Response(models.Model):
    """One person's answers in one round. Unique per person and round in the database.

    In an anonymous round `person` is empty and stays so; `gender`, `organisation` and
    `role_group` are snapshots taken on submission so results can be broken down without
    reaching the person (groups below the project's threshold are suppressed).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey(
        "participants.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    gender = models.CharField(_("kön"), max_length=1, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role_group = models.CharField(_("yrkesgrupp"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(person__isnull=False),
                name="uniq_response_person_round",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round} – {self.get_status_display()}"


class Answer(models.Model):
    """One answer. A multiple-choice question has one row per chosen option, so every
    distribution is a single GROUP BY over (question, value_int)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value_int = models.SmallIntegerField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("svar på fråga")
        verbose_name_plural = _("svar på frågor")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "value_int"], name="uniq_answer_value"
            ),
        ]
        indexes = [models.Index(fields=["question", "value_int"])]

    def __str__(self) -> str:
        return f"#{self.response_id}/{self.question_id}"


class AreaLevel(models.Model):
    """A response's level in one DigComp area (its profile), written when it is submitted:
    the mean of the area's answered level items on 1–8, "vet inte" left out. Results read
    these ~5 rows per response instead of re-aggregating every answer on each page view."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="area_levels")
    area = models.PositiveSmallIntegerField(_("DigComp-område"))
    level = models.FloatField(_("nivå"))
    items = models.PositiveSmallIntegerField(_("antal besvarade frågor"))

    class Meta:
        verbose_name = _("nivå per område")
        verbose_name_plural = _("nivåer per område")
        constraints = [
            models.UniqueConstraint(fields=["response", "area"], name="uniq_area_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=8), name="area_level_1_to_8"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.response_id} {self.area}: {self.level:.1f}"


class SurveyExport(Job):
    """An Excel file of a round's responses, made in the background (digiproj/jobs.py). The
    file is private (no URL) and deleted after SURVEY_EXPORT_RETENTION_DAYS."""

    job_task = "surveys.tasks.survey_export_run_task"
    job_noun = _("exporten")
    job_again = _("Beställ exporten igen.")
    job_project = "round__survey__project"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("export av svar")
        verbose_name_plural = _("exporter av svar")
        ordering = ["-created_at"]

    @classmethod
    def job_retention(cls) -> dt.timedelta:
        return dt.timedelta(days=settings.SURVEY_EXPORT_RETENTION_DAYS)

    def __str__(self) -> str:
        return f"{self.round} – {self.get_status_display()}"
