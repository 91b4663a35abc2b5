"""Activities and their sessions. Enrolment, attendance and hours build on these."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
    # Used when attendance is read from a meeting report: fewer minutes count as absent.
    attendance_minimum_minutes = models.PositiveIntegerField(
        _("Minsta antal minuter för att räknas som närvarande"),
        default=1,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_(
            "Gäller närvaro som hämtas från Teams eller Zoom. Den som var med kortare tid "
            "registreras som frånvarande."
        ),
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

    @property
    def duration_minutes(self) -> int:
        """Real elapsed minutes (UTC), so a session across a DST change is counted right."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Enrolment(models.Model):
    """A participant's place on one session (anmälan). The participation ties the person to the
    session's project, which gives both the person and their employer (for contact scoping)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Anmäld")
        WAITING = "waiting", _("Reserv")
        CANCELLED = "cancelled", _("Avbokad")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    participation = models.ForeignKey(
        "participants.Participation",
        verbose_name=_("deltagare"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Monotonic order on the waiting list; the rank shown is computed, gaps do not matter.
    waiting_position = models.PositiveIntegerField(_("plats i reservkön"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anmäld av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("anmäld"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(_("avbokad"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("flyttad från reservkön"), null=True, blank=True)
    promotion_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The confirmation (or waiting-list) mail went out: a redelivered task sends no second one.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("anmälan")
        verbose_name_plural = _("anmälningar")
        ordering = ["created_at"]
        constraints = [
            # One live (enrolled or waiting) enrolment per person and session; cancelled ones
            # stay as history and a person may enrol again after cancelling.
            models.UniqueConstraint(
                fields=["session", "participation"],
                condition=~Q(status="cancelled"),
                name="uniq_live_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", waiting_position__isnull=False)
                | (~Q(status="waiting") & Q(waiting_position__isnull=True)),
                name="enrolment_waiting_has_position",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.participation_id} – {self.session_id} ({self.status})"


class Attendance(models.Model):
    """Närvaro: each enrolled person is marked present or absent explicitly, never by default."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    participation = models.ForeignKey(
        "participants.Participation",
        verbose_name=_("deltagare"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    present = models.BooleanField(_("närvarande"))
    minutes = models.PositiveIntegerField(_("minuter närvarande"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("registrerad"))
    change_reason = models.CharField(_("skäl till ändring"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participation"], name="uniq_attendance_per_session"
            ),
            models.CheckConstraint(
                condition=Q(present=True) | Q(minutes=0), name="attendance_absent_zero_minutes"
            ),
        ]
        indexes = [models.Index(fields=["participation", "session"])]

    def __str__(self) -> str:
        return f"{self.participation_id} – {self.session_id}: {self.minutes} min"


class SelfReportedTime(models.Model):
    """Time a participant spent on recorded material or self-study; counts once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på godkännande")
        APPROVED = "approved", _("Godkänd")
        REJECTED = "rejected", _("Avslagen")

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="self_reports", verbose_name=_("aktivitet")
    )
    participation = models.ForeignKey(
        "participants.Participation",
        verbose_name=_("deltagare"),
        on_delete=models.PROTECT,
        related_name="self_reports",
    )
    date = models.DateField(_("datum"))
    minutes = models.PositiveIntegerField(_("minuter"))
    comment = models.CharField(_("kommentar"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    # One token per rendered form: the same form sent twice (a double click, a resent POST)
    # carries the same token and makes one row. NULL for rows made without a form.
    submit_token = models.UUIDField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("självrapporterad tid")
        verbose_name_plural = _("självrapporterad tid")
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=24 * 60), name="self_report_minutes_range"
            ),
            models.UniqueConstraint(
                fields=["participation", "submit_token"], name="uniq_self_report_submit"
            ),
        ]
        indexes = [models.Index(fields=["participation", "date"])]

    def __str__(self) -> str:
        return f"{self.participation_id} {self.date}: {self.minutes} min"


class MonthlyMinutes(models.Model):
    """Månadstid: the recorded minutes of one participation on one activity in one month,
    from one source (attendance or approved self-reported time), counted (on days within the
    participation) or not. Derived data, never edited: activities.monthly rebuilds a
    participation's rows from its attendance and self-reported time whenever those (or its
    dates, or a session's time) change, so the reports read ~1 row per person and month
    instead of every attendance row. Who the person is, their gender and organisation, and
    whether they are erased are read from the participation, so those need no rebuild."""

    participation = models.ForeignKey(
        "participants.Participation", on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    year_month = models.PositiveIntegerField()  # year * 100 + month (Stockholm): hours.COLUMNS ym
    from_attendance = models.BooleanField()  # False: approved self-reported time
    counted = models.BooleanField()  # False: on days outside the participation's dates
    minutes = models.PositiveIntegerField()
    entries = models.PositiveIntegerField()  # the attendance or self-report rows summed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "activity", "year_month", "from_attendance", "counted"],
                name="uniq_monthly_minutes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} {self.activity_id} {self.year_month}: {self.minutes} min"


class ParticipantMonth(models.Model):
    """Deltagarmånad: MonthlyMinutes summed over the activities and sources of one
    participation's month (counted or not), for the figures that split by neither: the time
    report's person-months, the indicators' hours, the hours goal. Derived with it, in the
    same transaction (activities.monthly)."""

    participation = models.ForeignKey(
        "participants.Participation", on_delete=models.CASCADE, related_name="+"
    )
    year_month = models.PositiveIntegerField()  # as MonthlyMinutes
    counted = models.BooleanField()
    minutes = models.PositiveIntegerField()
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "year_month", "counted"], name="uniq_participant_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} {self.year_month}: {self.minutes} min"


class Certificate(models.Model):
    """Närvarorapport: one participant, one month, signed by the participant, then a manager.

    `content_hash` is the hash of the certificate data when the participant signed. The
    signatures hold only while the data still hash to it; any later change voids them."""

    participation = models.ForeignKey(
        "participants.Participation", on_delete=models.PROTECT, related_name="certificates"
    )
    month = models.DateField(_("månad"))  # first day of the month
    content_hash = models.CharField(max_length=64, blank=True)
    participant_signed_at = models.DateTimeField(
        _("underskrivet av deltagaren"), null=True, blank=True
    )
    participant_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The coordinator sent the month for signing (the participant was mailed): a row can
    # exist before anyone signs.
    sign_requested_at = models.DateTimeField(_("skickad för underskrift"), null=True, blank=True)
    manager_email = models.EmailField(_("chefens e-post"), blank=True)
    # NULL, not "", while unset: many certificates have no token and the column is unique.
    manager_token = models.CharField(  # noqa: DJ001
        max_length=64, null=True, unique=True, editable=False
    )
    manager_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    manager_code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    manager_code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    manager_signed_at = models.DateTimeField(_("underskrivet av chefen"), null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    manager_signed_name = models.CharField(_("chefens namn"), max_length=200, blank=True)
    manager_signed_method = models.CharField(max_length=10, blank=True)  # "login" | "code"
    # The manager answered the link by not signing, saying why (cleared by a new request).
    manager_rejected_at = models.DateTimeField(_("chefen skrev inte under"), null=True, blank=True)
    manager_rejected_name = models.CharField(_("chefens namn"), max_length=200, blank=True)
    manager_rejection_comment = models.TextField(
        _("chefens kommentar"), max_length=1000, blank=True
    )

    history = HistoricalRecords(excluded_fields=["manager_code_hash", "manager_token"])

    class Meta:
        verbose_name = _("närvarorapport")
        verbose_name_plural = _("närvarorapporter")
        constraints = [
            models.UniqueConstraint(fields=["participation", "month"], name="uniq_certificate"),
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} {self.month:%Y-%m}"


class CalendarFeed(models.Model):
    """The secret token behind a participant's personal iCal feed URL. One per login: the
    feed holds the sessions of the participations linked to that login, never those of
    another login's participation of the same person (see participants.models.Person)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed {self.user_id}"


class MeetingNameMapping(models.Model):
    """A display name in meeting reports that belongs to one participant of the project
    (Teams shows a guest or a phone by the name typed, without an address), saved when an
    attendance import is confirmed and used by the next import without asking. An empty
    participation means "not a participant" (a guest, a colleague): not asked again either.
    `name_key` is the parser's normalise_name of the display name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    name_key = models.CharField(_("namn i mötesrapporten"), max_length=200)
    participation = models.ForeignKey(
        "participants.Participation",
        verbose_name=_("deltagare"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sparad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("sparad"))

    class Meta:
        verbose_name = _("namn i mötesrapporter")
        verbose_name_plural = _("namn i mötesrapporter")
        constraints = [
            models.UniqueConstraint(fields=["project", "name_key"], name="uniq_meeting_name"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.participation_id}"


class AttendanceImport(models.Model):
    """Attendance read from one or more meeting reports of a session, between its preview
    and its confirm. Holds what was read (names, addresses, times), never the file; emptied
    of it when confirmed or cancelled, and a draft older than DRAFT_VALID_FOR cannot be
    confirmed (and is emptied by the periodic task). The status makes the confirm
    idempotent: a confirm sent twice writes once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        CONFIRMED = "confirmed", _("Bekräftad")
        CANCELLED = "cancelled", _("Avbruten")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    locale = models.CharField(max_length=10, blank=True)
    # Per file: its name, the report's kind and how its dates were read.
    reports = models.JSONField(default=list)
    # The merged attendance per person (activities.meeting_reports.people_to_json).
    people = models.JSONField(default=list)
    created_at = models.DateTimeField(_("uppladdad"))
    finished_at = models.DateTimeField(null=True, blank=True)
    changed_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("närvaroimport")
        verbose_name_plural = _("närvaroimporter")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.session_id} {self.status}"
