"""Participants: one Person per human across projects, one Participation per project."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from digiproj.jobs import Job
from digiproj.projects.models import Organisation, Project

from . import personnummer as pnr
from .personnummer import Gender

GENDER_CHOICES = [
    (Gender.WOMAN, _("Kvinna")),
    (Gender.MAN, _("Man")),
    (Gender.NON_BINARY, _("Icke-binär")),
]


class Person(models.Model):
    """The identity of one human, shared by every project that holds them: the personnummer
    (or samordningsnummer) and what follows from it, the birth date and the gender the number
    shows. Nothing else.

    Everything a project enters about the person is held by that project's Participation:
    the names, email and phone as given to that project, protected identity, a gender
    override with its reason, and the login the project has linked to its record. So a
    project that types a personnummer another project already holds gets the shared identity
    and nothing of the other project; it cannot read or change what the other project holds.
    A login sees, on "Mina sidor", only the participations linked to it, and each project
    links its own record only after the address that project holds was verified (its
    invitation link or an open-registration confirmation mail). A login that another project
    linked is never deleted by this project's erasure.

    The identity itself changes only through `services.participation_set_personnummer`, which
    corrects this row in place only when one project holds it, and otherwise moves that
    project's participation to the person of the corrected number; so one project never
    rewrites the identity another project holds. Its history is not shown on project pages
    (it would show other projects' staff); each project sees its participation's history.
    """

    # 12 digits, ÅÅÅÅMMDDNNNN; personnummer or samordningsnummer. Never in URLs, logs or mail.
    personnummer = models.CharField(
        _("personnummer"), max_length=12, unique=True, validators=[pnr.validate_stored]
    )
    # Derived from the number by the service; stored so reports can group in the database.
    birth_date = models.DateField(_("födelsedatum"), editable=False)
    gender_from_number = models.CharField(max_length=1, choices=GENDER_CHOICES, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return self.masked_personnummer

    @property
    def masked_personnummer(self) -> str:
        return pnr.mask(self.personnummer)


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def current(self) -> ParticipationQuerySet:
        return self.filter(erased_at__isnull=True)


class Participation(models.Model):
    class RoleGroup(models.TextChoices):
        ADMIN_STAFF = "admin", _("Administrativ personal")
        SUPPORT = "support", _("Stödfunktion")
        MANAGER = "manager", _("Chef/ledning")
        OTHER = "other", _("Annan")
        # Not given (an import row left it empty): stored and reported as unknown, never
        # guessed.
        UNKNOWN = "unknown", _("Okänd")

    class Isced(models.TextChoices):
        # ISCED bands used by the funder's indicators (EECO09–11 in ESF+).
        ISCED_0_2 = "0-2", _("Förgymnasial (ISCED 0–2)")
        ISCED_3_4 = "3-4", _("Gymnasial/eftergymnasial (ISCED 3–4)")
        ISCED_5_8 = "5-8", _("Högskola (ISCED 5–8)")
        UNKNOWN = "unknown", _("Okänd")

    class EmploymentStatus(models.TextChoices):
        EMPLOYED = "employed", _("Anställd")
        SELF_EMPLOYED = "self_employed", _("Egenföretagare")
        UNEMPLOYED = "unemployed", _("Arbetslös")
        INACTIVE = "inactive", _("Utanför arbetskraften")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("Genomfört")
        LEFT_EMPLOYER = "left_employer", _("Slutat hos arbetsgivaren")
        DISCONTINUED = "discontinued", _("Avbrutit")
        OTHER = "other", _("Annat")

    class ConsentMethod(models.TextChoices):
        DIGITAL = "digital", _("Digitalt i digiproj")
        PAPER = "paper", _("På papper")
        ORAL = "oral", _("Muntligt, dokumenterat")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="participations")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("arbetsgivare"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    # What the project holds about the person (see Person): as given to this project.
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    protected_identity = models.BooleanField(_("skyddad identitet"), default=False)
    # The login this project linked to its record, after the address it holds was verified.
    # One login may hold the person's participations in several projects (each linked by
    # its own project); it never sees a participation another login holds.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inloggning"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    # A copy of Person.gender_from_number (the generated gender below cannot join), kept in
    # step by services.participation_set_personnummer, the one place the number changes.
    gender_from_number = models.CharField(max_length=1, choices=GENDER_CHOICES, editable=False)
    gender_override = models.CharField(
        _("kön (ändrat)"), max_length=1, choices=GENDER_CHOICES, blank=True
    )
    gender_override_reason = models.CharField(_("skäl till ändrat kön"), max_length=200, blank=True)
    gender = models.GeneratedField(
        expression=Coalesce(NullIf(F("gender_override"), Value("")), F("gender_from_number")),
        output_field=models.CharField(max_length=1, choices=GENDER_CHOICES),
        db_persist=True,
        verbose_name=_("kön"),
    )
    # Set when contact data and the login were erased on request (see services.person_erase).
    contact_erased_at = models.DateTimeField(
        _("kontaktuppgifter raderade"), null=True, blank=True, editable=False
    )
    workplace = models.CharField(_("arbetsplats/enhet"), max_length=200, blank=True)
    # Närmaste chef, who signs the monthly certificates: kept here so that the request to sign
    # is not typed again every month (the certificate keeps the address each request went to).
    manager_name = models.CharField(_("närmaste chef"), max_length=200, blank=True)
    manager_email = models.EmailField(_("närmaste chefs e-post"), blank=True)
    role_group = models.CharField(
        _("yrkesgrupp"), max_length=10, choices=RoleGroup.choices, default=RoleGroup.ADMIN_STAFF
    )
    isced = models.CharField(
        _("utbildningsnivå"), max_length=7, choices=Isced.choices, default=Isced.UNKNOWN
    )
    employment_status = models.CharField(
        _("sysselsättning vid start"),
        max_length=15,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.EMPLOYED,
    )
    annual_salary_cost = models.DecimalField(
        _("årlig lönekostnad inkl. sociala avgifter (kr)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # First entry; a person who leaves and comes back keeps the start, only the end moves.
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    end_reason = models.CharField(
        _("anledning till avslut"), max_length=15, choices=EndReason.choices, blank=True
    )
    consent_given_at = models.DateTimeField(_("information lämnad/samtycke"), null=True, blank=True)
    consent_method = models.CharField(
        _("hur informationen gavs"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    erased_at = models.DateTimeField(_("raderad"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # `gender` is generated from the two fields above, so history keeps those, not it.
    history = HistoricalRecords(excluded_fields=["updated_at", "gender"])
    # Set before a save, the reason django-simple-history records with the change.
    _change_reason: str
    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("deltagande")
        verbose_name_plural = _("deltaganden")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "project"],
                name="uniq_person_in_project",
                violation_error_message=_("Personen är redan deltagare i projektet."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="participation_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(gender_override="") | ~Q(gender_override_reason=""),
                name="participation_gender_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "organisation"]),
            models.Index(fields=["project", "start_date"]),
            models.Index(fields=["project", "end_date"]),
            # The participant list's default order (last name, first name), for the whole
            # project and for one organisation (a contact's scope, the employer filter): its
            # first page reads 50 index entries instead of sorting every participation.
            models.Index(
                fields=["project", "last_name", "first_name", "id"],
                condition=Q(erased_at__isnull=True),
                name="participation_list_name",
            ),
            models.Index(
                fields=["project", "organisation", "last_name", "first_name", "id"],
                condition=Q(erased_at__isnull=True),
                name="participation_list_org_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.project.diarienummer}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_gender_display(self) -> str:
        # Django adds get_FOO_display for ordinary fields only, not for a GeneratedField.
        return str(dict(GENDER_CHOICES).get(self.gender, ""))

    @property
    def masked_personnummer(self) -> str:
        return self.person.masked_personnummer


class PersonnummerReveal(models.Model):
    """Every time a coordinator views a full personnummer: who, when, whose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE)
    revealed_at = models.DateTimeField(auto_now_add=True)
    context = models.CharField(max_length=50, default="participant_detail")

    class Meta:
        verbose_name = _("visning av personnummer")
        verbose_name_plural = _("visningar av personnummer")
        ordering = ["-revealed_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.revealed_at:%Y-%m-%d %H:%M} #{self.participation_id}"


class ParticipantImport(Job):
    """An uploaded participant file, from its check to its import, as a background job
    (digiproj/jobs.py) in two stages: CHECK reads and checks the file (a big one in a worker),
    then the upload waits (PENDING) for the user's confirm; IMPORT writes the rows (a big
    upload in a worker). The status makes the confirm idempotent: a double-clicked confirm
    imports once.

    The parsed rows are kept here (not in the session) so the preview survives a reload; they
    hold personnummer, so they are deleted as soon as the upload ends (imported, failed,
    cancelled) or has waited PARTICIPANT_IMPORT_RETENTION_HOURS.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        RETRYING = "retrying", _("Försöker igen")
        PENDING = "pending", _("Väntar på bekräftelse")
        DONE = "done", _("Importerad")
        FAILED = "failed", _("Misslyckades")
        CANCELLED = "cancelled", _("Avbruten")

    class Stage(models.TextChoices):
        CHECK = "check", _("Kontroll av filen")
        IMPORT = "import", _("Import")

    FINAL_STATUSES = (Status.DONE, Status.FAILED, Status.CANCELLED)
    WAITING_STATUSES = (Status.PENDING,)
    EXPIRED_STATUS = Status.CANCELLED
    job_task = "participants.tasks.participant_import_run_task"
    job_noun = _("importen")
    job_again = _("Ladda upp filen igen.")
    job_data_fields = {"headers": [], "rows": [], "preview": [], "errors": [], "changes": {}}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="imports")
    # Set when a contact (or --organisation) imports: every row must belong to it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("filnamn"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    stage = models.CharField(_("steg"), max_length=6, choices=Stage.choices, default=Stage.CHECK)
    headers = models.JSONField(default=list)
    rows = models.JSONField(default=list)  # raw cell texts per row, as read from the file
    # Each problem: row number, column header and the Swedish message.
    errors = models.JSONField(default=list)
    preview = models.JSONField(default=list)  # the first rows as shown, personnummer masked
    # The values chosen in the preview for this file's empty cells (column key -> text as a
    # cell would hold it: organisationsnummer, ÅÅÅÅ-MM-DD, a stored choice). Nothing else
    # fills an empty cell: without a choice it stays empty (Okänd for a choice column).
    defaults = models.JSONField(default=dict, blank=True)
    # The file's headers (header_key form) -> import column ("" not imported), as chosen or
    # remembered for the project (import_models.ImportHeaderMapping).
    mapping = models.JSONField(default=dict, blank=True)
    # What the import will do, worked out at the last check: new people, changes to people
    # already in the project (old -> new), who is missing from the file (importing.plan).
    changes = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)  # new people
    updated_count = models.PositiveIntegerField(default=0)  # people already in the project
    ended_count = models.PositiveIntegerField(default=0)  # missing from the file, ended
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import av deltagare")
        verbose_name_plural = _("importer av deltagare")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @classmethod
    def job_retention(cls) -> dt.timedelta:
        return dt.timedelta(hours=settings.PARTICIPANT_IMPORT_RETENTION_HOURS)

    @property
    def is_checking(self) -> bool:
        return self.stage == self.Stage.CHECK and self.is_active

    @property
    def is_importing(self) -> bool:
        return self.stage == self.Stage.IMPORT and self.is_active


class Invitation(models.Model):
    """An email invitation to register in a project. Only a hash of the link's token is
    stored, so a database leak gives no usable links; the link works once, until expires_at."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("arbetsgivare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-post"))
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    participation = models.ForeignKey(
        "Participation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at"]
        constraints = [
            # One waiting invitation per address and project: the backstop for two
            # coordinators (or a double click) inviting the same address at once.
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=Q(used_at__isnull=True),
                name="uniq_pending_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.diarienummer} #{self.pk}"


class RegistrationLink(models.Model):
    """An open registration link for a project (optionally one organisation) that a
    coordinator switches on and off. The slug is random, so links cannot be guessed."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="registration_links"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("arbetsgivare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    slug = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(_("öppen"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("öppen registreringslänk")
        verbose_name_plural = _("öppna registreringslänkar")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project.diarienummer} – {self.organisation or '*'}"


class CorrectionRequest(models.Model):
    """A participant asks for their data to be corrected (GDPR art. 16); the coordinator
    sees it on the participant's page and marks it handled."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="correction_requests"
    )
    message = models.TextField(_("vad ska rättas?"), max_length=2000)
    # A hash of the message: the same open request sent twice (a double click, a resent
    # form, two tabs) is one row, which the partial unique constraint below guarantees.
    message_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("begäran om rättelse")
        verbose_name_plural = _("begäranden om rättelse")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "message_key"],
                condition=Q(handled_at__isnull=True) & ~Q(message_key=""),
                name="uniq_open_correction_request",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.participation_id} {self.created_at:%Y-%m-%d}"


class PendingRegistration(models.Model):
    """An open-link registration waiting for its address to be confirmed.

    The link answers every submission the same way ("check your mail"), whether or not the
    address has an account or the personnummer is known anywhere; only the mail differs,
    and it goes to the address itself. Nothing else is created until the link in that mail
    is followed: then the account (or the existing one with that address) and the
    participation. Only a hash of the mailed token is kept; the answers (password as a
    hash) are cleared once used, and expired rows are purged.
    """

    link = models.ForeignKey(RegistrationLink, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-post"))
    data = models.JSONField(default=dict)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("väntande registrering")
        verbose_name_plural = _("väntande registreringar")

    def __str__(self) -> str:
        return f"{self.link} #{self.pk}"


# Kept in their own module (this one is long); imported here so Django finds them.
from .import_models import ImportHeaderMapping, OrganisationAlias  # noqa: E402, F401
from .sso_models import SsoLogin  # noqa: E402, F401
