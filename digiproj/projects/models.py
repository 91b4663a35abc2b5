"""The core: ESF projects, the organisations taking part, and who has which role."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .validators import validate_organisationsnummer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    """The one list of roles a user can have in a project. Staff roles are stored on
    Membership; an admin is a superuser and a participant is known by their participation,
    so those two are never stored. The rules for each role are in permissions.py; code
    elsewhere asks the ProjectAccess (is_contact, organisation_q, ...) and never compares
    role strings."""

    ADMIN = "admin", _("Administratör")  # platform admin (superuser): everything
    COORDINATOR = "coordinator", _("Projektsamordnare")  # everything in one project
    CONTACT = "contact", _("Kontaktperson")  # one organisation in one project
    TEACHER = "teacher", _("Utbildare")  # the sessions they lead
    PARTICIPANT = "participant", _("Deltagare")  # themself


STAFF_ROLES = (Role.COORDINATOR, Role.CONTACT, Role.TEACHER)


class Organisation(models.Model):
    """An employer or partner, or one unit of one (a kommun's Komvux and its Lärcentrum take
    part apart but share the kommun's organisationsnummer). So the number alone is not unique:
    number and name together are. Reports that name an employer to the funder (the SCB file)
    use the number, which every unit carries."""

    class Kind(models.TextChoices):
        KOMMUN = "kommun", _("Kommun")
        REGION = "region", _("Region")
        KOMMUNALFORBUND = "kommunalforbund", _("Kommunalförbund")
        OTHER = "other", _("Annan")

    name = models.CharField(_("namn"), max_length=200)
    organisationsnummer = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        db_index=True,
        validators=[validate_organisationsnummer],
        help_text=_("Tio siffror, till exempel 212000-2742."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.KOMMUN)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                F("organisationsnummer"),
                Lower("name"),
                name="uniq_organisation_unit",
                violation_error_message=_(
                    "Det finns redan en organisation med det organisationsnumret och namnet."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(models.QuerySet["Project"]):
    def active(self) -> ProjectQuerySet:
        return self.filter(archived=False)


class Project(models.Model):
    class ProgrammePeriod(models.TextChoices):
        ESF_2014_2020 = "2014-2020", _("Socialfonden 2014–2020")
        ESF_PLUS_2021_2027 = "2021-2027", _("ESF+ 2021–2027")

    class CofinancingMethod(models.TextChoices):
        # 2014–2020 area 1: certified hours × the call year's unit cost (lönegrupp 1).
        UNIT_COST = "unit_cost", _("Schablon (enhetskostnad per timme)")
        # ESF+: certified hours × the participant's real hourly salary cost.
        REAL_COST = "real_cost", _("Faktisk lönekostnad")

    class StaffLogin(models.TextChoices):
        """How the project's coordinators and contacts must have logged in (the middleware
        digiproj.projects.middleware.StaffLoginRequirementMiddleware enforces it)."""

        NONE = "none", _("Lösenord räcker")
        MFA = "mfa", _("Tvåstegsverifiering eller kommunens inloggning")
        SSO = "sso", _("Kommunens inloggning (SSO)")

    class HourRounding(models.TextChoices):
        NONE = "none", _("Ingen avrundning (minuter)")
        FLOOR_MONTH = "floor_month", _("Hela timmar, avrundat nedåt per månad")

    diarienummer = models.CharField(
        _("diarienummer"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^\d{4}/\d{3,6}$", _("Skriv diarienumret som ÅÅÅÅ/NNNNN."))],
    )
    name = models.CharField(_("projektnamn"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("projektägare"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    organisations: models.ManyToManyField[Organisation, ProjectOrganisation] = (
        models.ManyToManyField(
            Organisation,
            through="ProjectOrganisation",
            related_name="projects",
            verbose_name=_("organisationer"),
        )
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    programme_period = models.CharField(
        _("programperiod"), max_length=9, choices=ProgrammePeriod.choices
    )
    programme_area = models.CharField(
        _("programområde"), max_length=2, help_text=_("1, 2, … eller A–F för ESF+.")
    )
    specific_objective = models.CharField(_("specifikt mål"), max_length=10, blank=True)
    intervention_code = models.CharField(_("interventionskod"), max_length=10, blank=True)
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"))
    # Phases (analys och planering, genomförande, avslut); time in the closing phase is not
    # co-financing, so its start must be known.
    analysis_start = models.DateField(_("analys och planering, start"), null=True, blank=True)
    analysis_end = models.DateField(_("analys och planering, slut"), null=True, blank=True)
    implementation_start = models.DateField(_("genomförande, start"), null=True, blank=True)
    implementation_end = models.DateField(_("genomförande, slut"), null=True, blank=True)
    closing_start = models.DateField(_("avslut, start"), null=True, blank=True)
    closing_end = models.DateField(_("avslut, slut"), null=True, blank=True)
    planned_participants = models.PositiveIntegerField(_("planerat antal deltagare"), default=0)
    planned_women = models.PositiveIntegerField(_("planerat antal kvinnor"), null=True, blank=True)
    planned_men = models.PositiveIntegerField(_("planerat antal män"), null=True, blank=True)
    total_budget = models.DecimalField(
        _("total budget (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    esf_support = models.DecimalField(
        _("beviljat ESF-stöd (kr)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    # The programme's EU co-financing rate, kept apart from esf_support / total_budget:
    # DigiWestum's support is 47.0 % of its budget while the rate is 50 %.
    eu_cofinancing_rate = models.DecimalField(
        _("unionens medfinansieringsgrad (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    budgeted_cofinancing = models.DecimalField(
        _("budgeterad medfinansiering, deltagartid (kr)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
    )
    cofinancing_method = models.CharField(
        _("metod för medfinansiering"),
        max_length=10,
        choices=CofinancingMethod.choices,
        default=CofinancingMethod.UNIT_COST,
    )
    unit_cost_year = models.PositiveSmallIntegerField(
        _("enhetskostnad enligt år"),
        null=True,
        blank=True,
        help_text=_(
            "Utlysningens år, om alla timmar ska värderas med det årets enhetskostnad. Tomt: "
            "varje års timmar värderas med det årets enhetskostnad."
        ),
    )
    annual_hours_basis = models.PositiveIntegerField(
        _("årsarbetstid för timlön (timmar)"),
        default=1720,
        help_text=_("Årlig lönekostnad delas med detta för att få timkostnaden."),
    )
    eligible_hours_per_year = models.PositiveIntegerField(
        _("högsta stödberättigade timmar per år"), default=1662
    )
    hour_rounding = models.CharField(
        _("avrundning av timmar"),
        max_length=12,
        choices=HourRounding.choices,
        default=HourRounding.FLOOR_MONTH,
    )
    retain_until = models.DateField(
        _("arkiveras till"),
        null=True,
        blank=True,
        help_text=_("Datum i beslutet: handlingar sparas till sista möjliga revision."),
    )
    staff_login_requirement = models.CharField(
        _("inloggningskrav för samordnare och kontaktpersoner"),
        max_length=4,
        choices=StaffLogin.choices,
        default=StaffLogin.NONE,
        help_text=_(
            "Tvåstegsverifiering: lösenord och en kod från en app, eller kommunens inloggning. "
            "Kommunens inloggning: bara inloggning via kommunens identitetstjänst."
        ),
    )
    survey_anonymity_threshold = models.PositiveSmallIntegerField(
        _("minsta gruppstorlek i resultat"),
        default=5,
        validators=[MinValueValidator(1)],
    )
    archived = models.BooleanField(_("arkiverat"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projekt")
        verbose_name_plural = _("projekt")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="project_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(esf_support__lte=F("total_budget")), name="project_support_le_budget"
            ),
            models.CheckConstraint(
                condition=Q(eu_cofinancing_rate__gte=0, eu_cofinancing_rate__lte=100),
                name="project_rate_is_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.diarienummer})"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Slutdatum kan inte ligga före startdatum.")
        if self.esf_support and self.total_budget and self.esf_support > self.total_budget:
            errors["esf_support"] = _("ESF-stödet kan inte vara större än budgeten.")
        elif self._support_above_rate():
            # The support is the rate's share of the eligible costs at most; one krona is
            # left for rounding in the decision.
            errors["eu_cofinancing_rate"] = _(
                "ESF-stödet är %(share)s %% av budgeten, mer än medfinansieringsgraden "
                "%(rate)s %%. Kontrollera beloppen och graden i beslutet."
            ) % {"share": self.esf_support_share, "rate": self.eu_cofinancing_rate}
        for phase in ("analysis", "implementation", "closing"):
            start, end = getattr(self, f"{phase}_start"), getattr(self, f"{phase}_end")
            if start and end and end < start:
                errors[f"{phase}_end"] = _("Fasen kan inte sluta innan den börjar.")
        if errors:
            raise ValidationError(errors)

    def _support_above_rate(self) -> bool:
        if not (self.esf_support and self.total_budget) or self.eu_cofinancing_rate is None:
            return False
        return bool(self.esf_support > self.total_budget * self.eu_cofinancing_rate / 100 + 1)

    @property
    def is_esf_plus(self) -> bool:
        return self.programme_period == self.ProgrammePeriod.ESF_PLUS_2021_2027

    @property
    def esf_support_share(self) -> Decimal | None:
        """ESF support as a share of the total budget, in percent (not the programme rate)."""
        if not self.total_budget:
            return None
        return (self.esf_support / self.total_budget * 100).quantize(Decimal("0.1"))


class ProjectOrganisation(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Projektägare")
        PARTNER = "partner", _("Samverkanspart")
        EMPLOYER = "employer", _("Deltagande arbetsgivare")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="project_organisations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="project_organisations"
    )
    role = models.CharField(_("roll"), max_length=10, choices=Role.choices, default=Role.EMPLOYER)

    class Meta:
        verbose_name = _("deltagande organisation")
        verbose_name_plural = _("deltagande organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="uniq_project_org",
                violation_error_message=_("Organisationen deltar redan i projektet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_role_display()}"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class UnitCost(models.Model):
    """The funder's unit cost (schablon) for salary group 1, per year of the call."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="unit_costs")
    year = models.PositiveSmallIntegerField(_("år"))
    sek_per_hour = models.DecimalField(
        _("kronor per timme"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("enhetskostnad")
        verbose_name_plural = _("enhetskostnader")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="uniq_unit_cost_year",
                violation_error_message=_(
                    "Det finns redan en enhetskostnad för det året. Ändra den i stället."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.sek_per_hour} kr/h"


class Membership(models.Model):
    """A staff role in one project. Participants are not members: their role comes from
    their participation (participants.Participation) linked to their login. A contact person
    for several organisations has one row per organisation; nobody has two roles in a project
    (services.membership_add refuses a second one)."""

    Role = Role  # the one Role enum, so Membership.Role.CONTACT keeps reading naturally
    ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=12, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Krävs för kontaktpersoner: de ser bara sin egen organisations deltagare."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roll i projekt")
        verbose_name_plural = _("roller i projekt")
        constraints = [
            # One role per person and project, except that a contact person may be it for
            # several organisations (one row each): the rows together are her scope.
            models.UniqueConstraint(
                fields=["user", "project"],
                condition=~Q(role=Role.CONTACT),
                name="uniq_membership",
                violation_error_message=_(
                    "Personen har redan en roll i projektet. Ändra den rollen i stället."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "project", "organisation"],
                condition=Q(role=Role.CONTACT),
                name="uniq_contact_membership",
                violation_error_message=_(
                    "Personen är redan kontaktperson för den organisationen i projektet."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.CONTACT) | Q(organisation__isnull=False),
                name="contact_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.project.diarienummer}"

    def clean(self) -> None:
        if self.role == self.Role.CONTACT and not self.organisation_id:
            raise ValidationError(
                {"organisation": _("En kontaktperson måste höra till en organisation.")}
            )


class RetentionRecord(models.Model):
    """What the retention run removed from a project after its `retain_until`: when, what
    triggered it, and how many of each kind (counts only, never the data). Its existence
    marks the project as anonymised, so a second run does nothing; the unique project makes
    two runs at once end with one record."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schemalagd körning (varje dygn)")
        COMMAND = "command", _("Kommandot retention_report --execute")

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="retention_record"
    )
    retain_until = models.DateField(_("arkiveras till"))
    ran_at = models.DateTimeField(_("kördes"))
    trigger = models.CharField(_("startad av"), max_length=10, choices=Trigger.choices)
    # kind -> how many were removed or made anonymous (digiproj.projects.retention.KINDS).
    counts = models.JSONField(_("antal"), default=dict)

    class Meta:
        verbose_name = _("gallring")
        verbose_name_plural = _("gallringar")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.project.diarienummer} {self.ran_at:%Y-%m-%d}"
