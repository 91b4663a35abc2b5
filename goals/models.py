"""Goals and follow-up (förändringsteori, mål och uppföljning): the project's change theory,
its goals with their targets and milestones. A goal's value is never stored: goals.figures
computes it from the platform's own rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from digiproj.projects.models import Organisation, Project
from surveys import digcomp
from surveys.exit_questions import indicator_for_code

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ChangeTheory(models.Model):
    """The project's change theory (förändringsteori) as the funder's template lays out its
    effect chain (effektkedja): need → activities → outputs → short-term results → long-term
    effects. One per project; goals hang on its last three steps."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="change_theory")
    need = models.TextField(_("behov"), blank=True)
    activities = models.TextField(_("aktiviteter"), blank=True)
    outputs = models.TextField(_("prestationer"), blank=True)
    short_term = models.TextField(_("kortsiktiga resultat"), blank=True)
    long_term = models.TextField(_("långsiktiga effekter"), blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    STEPS = ("need", "activities", "outputs", "short_term", "long_term")

    class Meta:
        verbose_name = _("förändringsteori")
        verbose_name_plural = _("förändringsteorier")

    def __str__(self) -> str:
        return str(self.project)


class Goal(models.Model):
    """A goal or sub-goal (mål, delmål) with a target, tied to a figure the platform
    computes (its measure). The value is never typed: see goals.figures."""

    class Step(models.TextChoices):
        OUTPUTS = "outputs", _("Prestationer")
        SHORT_TERM = "short_term", _("Kortsiktiga resultat")
        LONG_TERM = "long_term", _("Långsiktiga effekter")

    class Measure(models.TextChoices):
        PARTICIPANTS = "participants", _("Antal deltagare")
        PARTICIPANT_SHARE = "participant_share", _("Andel av deltagarna")
        HOURS = "hours", _("Deltagartimmar")
        SESSIONS = "sessions", _("Genomförda tillfällen")
        RESPONSE_RATE = "response_rate", _("Svarsfrekvens i en enkätomgång")
        AREA_LEVEL = "area_level", _("DigComp-nivå i ett område")
        AREA_CHANGE = "area_change", _("Förändring av DigComp-nivå i ett område")
        LEVEL_RAISED = "level_raised", _("Andel som höjt sin DigComp-nivå")
        LEVEL_REACHED = "level_reached", _("Andel som nått en DigComp-nivå")
        QUESTION_AVERAGE = "question_average", _("Medelvärde av valda enkätfrågor")
        QUESTION_CHANGE = "question_change", _("Förändring av medelvärdet av valda enkätfrågor")
        # The exit questionnaire's and the follow-up's indicators (surveys.exit_questions).
        EXIT_RESULT = "exit_result", _("Andel med ett resultat efter utträdet")

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("minst")
        AT_MOST = "at_most", _("högst")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("delmål till"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_goals",
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    step = models.CharField(
        _("steg i effektkedjan"), max_length=10, choices=Step.choices, default=Step.SHORT_TERM
    )
    title = models.CharField(_("mål"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    measure = models.CharField(_("mäts som"), max_length=20, choices=Measure.choices)
    # The group the measure counts; blank counts everyone in the user's scope. For a share of
    # participants it is the group whose share is measured (andel kvinnor, andel i Umeå …).
    gender = models.CharField(_("kön"), max_length=1, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role_group = models.CharField(_("yrkesgrupp"), max_length=10, blank=True)
    # Measure parameters. Rounds left blank follow the data: the first baseline round and
    # the latest follow-up round opened by the date measured.
    baseline_round = models.ForeignKey(
        "surveys.Round",
        verbose_name=_("nulägesmätning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    round = models.ForeignKey(
        "surveys.Round",
        verbose_name=_("enkätomgång (uppföljning)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.PositiveSmallIntegerField(_("DigComp-område"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("nivå att nå"), null=True, blank=True)
    # "Höjt sin nivå" means a follow-up level at least this much above the baseline level.
    min_change = models.DecimalField(
        _("minsta höjning (nivåsteg)"), max_digits=3, decimal_places=1, default=1
    )
    question_codes = models.JSONField(_("frågor"), default=list, blank=True)
    activity_kind = models.CharField(_("aktivitetstyp"), max_length=20, blank=True)
    # Target and plan.
    direction = models.CharField(
        _("riktning"), max_length=8, choices=Direction.choices, default=Direction.AT_LEAST
    )
    target_value = models.DecimalField(_("målvärde"), max_digits=12, decimal_places=2)
    target_date = models.DateField(_("ska nås senast"))
    start_value = models.DecimalField(
        _("startvärde i planen"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("Värdet planen utgår från vid projektstart; planen går rakt till målvärdet."),
    )
    # Lika möjligheter: the women/men split is always shown; these flag a gap.
    equal_opportunities = models.BooleanField(_("jämställdhetsmål"), default=False)
    gap_threshold = models.DecimalField(
        _("största tillåtna skillnad mellan kvinnor och män"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=8),
                name="goal_level_1_to_8",
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(area__gte=1, area__lte=5),
                name="goal_area_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(gap_threshold__isnull=True) | Q(gap_threshold__gte=0),
                name="goal_gap_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # Which measures read which parameters (the rest are cleared on save by the service).
    NEEDS_AREA = frozenset({"area_level", "area_change"})
    NEEDS_LEVEL = frozenset({"level_reached"})
    NEEDS_QUESTIONS = frozenset({"question_average", "question_change", "exit_result"})
    PAIRED = frozenset({"area_change", "level_raised", "question_change"})
    ONE_ROUND = frozenset({"response_rate", "area_level", "level_reached", "question_average"})
    PERCENT = frozenset(
        {"participant_share", "response_rate", "level_raised", "level_reached", "exit_result"}
    )
    BY_ACTIVITY_KIND = frozenset({"hours", "sessions"})

    def clean(self) -> None:
        """Each measure's parameters: say what is missing or does not apply."""
        errors: dict[str, StrOrPromise] = {}
        m = self.measure
        if m in self.NEEDS_AREA and not self.area:
            errors["area"] = _("Välj DigComp-område för det här måttet.")
        if m in self.NEEDS_LEVEL and not self.level:
            errors["level"] = _("Välj vilken nivå (1–8) deltagarna ska nå.")
        if m in self.NEEDS_QUESTIONS and not self.question_codes:
            errors["question_codes"] = _("Välj minst en fråga att räkna medelvärdet av.")
        if m == "participant_share" and not (
            self.gender or self.organisation_id or self.role_group
        ):
            errors["gender"] = _(
                "Välj gruppen vars andel mäts: kön, organisation eller yrkesgrupp."
            )
        if m == "sessions" and (self.gender or self.organisation_id or self.role_group):
            errors["gender"] = _("Tillfällen räknas för hela projektet; ta bort gruppen.")
        if m == "sessions" and self.equal_opportunities:
            errors["equal_opportunities"] = _(
                "Tillfällen har inget kön; välj ett mått som räknar personer för ett "
                "jämställdhetsmål."
            )
        if m == "response_rate" and self.role_group:
            errors["role_group"] = _(
                "Svarsfrekvens kan delas på kön och organisation, inte yrkesgrupp."
            )
        if m == "exit_result" and any(
            indicator_for_code(code) is None for code in self.question_codes
        ):
            errors["question_codes"] = _(
                "Välj indikatorfrågor från utträdesenkäten eller uppföljningen (kolumnnamn "
                "som börjar med UT_ eller UF_)."
            )
        if m == "exit_result" and self.role_group:
            errors["role_group"] = _(
                "Resultat efter utträdet kan delas på kön och organisation, inte yrkesgrupp."
            )
        if m in self.PAIRED and self.round_id and self.round_id == self.baseline_round_id:
            errors["round"] = _("Uppföljningen måste vara en annan omgång än nulägesmätningen.")
        elif m in self.PAIRED and self.round and self.baseline_round:
            # Levels of two DigComp versions are not comparable (surveys.digcomp).
            before, after = self.baseline_round.digcomp_version, self.round.digcomp_version
            if not digcomp.comparable(before, after):
                errors["round"] = digcomp.not_comparable_message(before, after)
        if (
            m in self.PERCENT
            and self.target_value is not None
            and not 0 <= self.target_value <= 100
        ):
            errors["target_value"] = _("Målvärdet är en andel: ange 0–100 (procent).")
        if self.equal_opportunities and self.gap_threshold is None:
            errors["gap_threshold"] = _(
                "Ange hur stor skillnad mellan kvinnor och män som är godtagbar, så att "
                "större skillnader flaggas."
            )
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = _("Ett mål kan inte vara delmål till sig självt.")
            elif self.parent and (
                self.parent.project_id != self.project_id or self.parent.parent_id
            ):
                errors["parent"] = _("Välj ett huvudmål i samma projekt.")
            elif self.pk and self.sub_goals.exists():
                errors["parent"] = _("Målet har egna delmål och kan inte bli delmål.")
        project = getattr(self, "project", None)
        if project and self.target_date and self.target_date < project.start_date:
            errors["target_date"] = _("Datumet ligger före projektets start.")
        if errors:
            raise ValidationError(errors)


class GoalMilestone(models.Model):
    """A planned value on the way to the target (etappmål); the plan runs straight between
    the start value, the milestones and the target."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("datum"))
    value = models.DecimalField(_("planerat värde"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("etappmål")
        verbose_name_plural = _("etappmål")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "date"],
                name="uniq_goal_milestone_date",
                violation_error_message=_("Målet har redan ett etappmål med det datumet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} ({self.date})"
