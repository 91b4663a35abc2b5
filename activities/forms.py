"""Forms validate and normalise input only; services decide."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digiproj.forms import SwedishNumbersMixin, form_field, localize_numbers
from digiproj.projects.models import Membership, Organisation, Project
from participants.models import Participation

from .meeting_reports.reading import MAX_BYTES
from .models import Activity, Certificate, SelfReportedTime, Session
from .selectors.meeting_import import NOT_A_PARTICIPANT, ImportChoices, ImportMatch, ImportPlan
from .services.meeting_import import MAX_FILES, ReportFile

DIGCOMP_AREAS = [
    ("1", _("1 Informations- och datakunskap")),
    ("2", _("2 Kommunikation och samarbete")),
    ("3", _("3 Skapa digitalt innehåll")),
    ("4", _("4 Säkerhet")),
    ("5", _("5 Problemlösning")),
]


class LocalDateTimeInput(forms.DateTimeInput):
    """<input type=datetime-local>: the user types Stockholm wall-clock time."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def staff_users(project: Project) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(
            memberships__project=project,
            memberships__role__in=[Membership.Role.TEACHER, Membership.Role.COORDINATOR],
        )
        .order_by("last_name", "first_name", "email")
    )


def _user_label(user: Any) -> str:
    return user.get_full_name() or user.email


class StaffChoiceField(forms.ModelChoiceField):
    """A teacher or coordinator, by name (or address when the name is empty)."""

    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class ParticipationChoiceField(forms.ModelChoiceField):
    """A participant by name and organisation (names alone repeat in large projects)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.organisation.name})"


class ActivityForm(SwedishNumbersMixin, forms.ModelForm):
    digcomp_areas = forms.MultipleChoiceField(
        label=_("DigComp-områden"),
        choices=DIGCOMP_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teachers = StaffMultipleChoiceField(
        label=_("Utbildare"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "description",
            "digcomp_areas",
            "target_group",
            "teachers",
            "attendance_minimum_minutes",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "teachers", StaffMultipleChoiceField).queryset = staff_users(project)
        if self.instance.pk:
            self.initial["digcomp_areas"] = [str(a) for a in self.instance.digcomp_areas]
        # Empty means the default: a form sent before the field existed still saves.
        self.fields["attendance_minimum_minutes"].required = False

    def clean_attendance_minimum_minutes(self) -> int:
        value = self.cleaned_data.get("attendance_minimum_minutes")
        return 1 if value is None else int(value)


class SessionForm(SwedishNumbersMixin, forms.ModelForm):
    online_url = forms.URLField(
        label=_("Länk till mötet"),
        required=False,
        assume_scheme="https",
        help_text=_("För digitala tillfällen, till exempel en Teams-länk."),
    )
    confirm_moved = forms.BooleanField(
        label=_("Jag vet att närvaro redan är registrerad och vill ändra tiden ändå"),
        required=False,
    )

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "enrolment_deadline",
            "teacher",
        ]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "enrolment_deadline": LocalDateTimeInput(),
        }
        field_classes = {"teacher": StaffChoiceField}
        help_texts = {
            "starts_at": _("Svensk tid."),
            "capacity": _("Lämna tomt för obegränsat antal platser."),
            "enrolment_deadline": _("Lämna tomt: anmälan stänger när tillfället börjar."),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "teacher", StaffChoiceField).queryset = staff_users(project)
        for name in ("starts_at", "ends_at"):
            self.fields[name].required = True
        if not self.instance.pk:
            del self.fields["confirm_moved"]  # only a saved session can be moved

    def _post_clean(self) -> None:
        # The service validates the session (with project rules) and saves it; skip the
        # ModelForm's own instance validation, which would run before the activity is set.
        pass


class EnrolForm(forms.Form):
    participation = ParticipationChoiceField(
        label=_("Deltagare"), queryset=Participation.objects.none()
    )

    def __init__(self, *args: Any, participations: QuerySet[Participation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "participation", ParticipationChoiceField).queryset = participations


class GroupEnrolForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    role_group = forms.ChoiceField(
        label=_("Yrkesgrupp"),
        choices=[("", _("Alla yrkesgrupper")), *Participation.RoleGroup.choices],
        required=False,
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = form_field(self, "organisation", forms.ModelChoiceField)
        organisation.queryset = organisations
        organisation.empty_label = _("Alla organisationer")


class SelfReportForm(SwedishNumbersMixin, forms.ModelForm):
    # A new token each time the form is shown; sending the same form twice reports once.
    # Not required: a page shown before the token existed still reports (without the guard).
    submit_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = SelfReportedTime
        fields = ["activity", "date", "minutes", "comment"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "activity", forms.ModelChoiceField).queryset = activities
        form_field(self, "minutes", forms.IntegerField).min_value = 1

    def _post_clean(self) -> None:
        pass  # the service validates and saves


class ManagerRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Närmaste chefens e-postadress"),
        help_text=_(
            "Chefen får en länk och en engångskod för att skriva under. Adressen sparas som "
            "deltagarens närmaste chef och fylls i här nästa månad."
        ),
    )

    @staticmethod
    def initial_for(participation: Participation, certificate: Certificate | None) -> dict:
        """The nearest manager kept on the participation; else the address this month's
        request went to (a request made before managers were kept)."""
        email = participation.manager_email or (certificate.manager_email if certificate else "")
        return {"email": email}


class ManagerSignForm(forms.Form):
    """Sign, or decline with a comment (two buttons of one form: `decision`)."""

    name = forms.CharField(label=_("Ditt namn"), max_length=200)
    code = forms.CharField(
        label=_("Engångskod från e-postmeddelandet"), max_length=6, min_length=6, required=False
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        help_text=_("Krävs om du inte skriver under: vad stämmer inte?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    @property
    def declines(self) -> bool:
        return self.data.get("decision") == "reject"


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Månad"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def month_or(self, default: dt.date) -> dt.date:
        """The month chosen (its first day), or `default` when none or no valid one is."""
        return self.cleaned_data["month"] if self.is_valid() else default


class SummaryForm(forms.Form):
    """The Sammanställning's query string: ?organisation=<id>&fran=<YYYY-MM>. An organisation
        outside the user's scope, or one that is not a number, is no organisation (a 404); a month
    that is not one means from the project's start, as no month does."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    fran = forms.DateField(input_formats=["%Y-%m"], required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = organisations


class CalendarForm(forms.Form):
    """The calendar's query string: ?visa=lista for the list, ?vecka=<any day of the week>."""

    visa = forms.CharField(required=False, strip=False)
    vecka = forms.CharField(required=False, strip=False)

    def clean_vecka(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.cleaned_data["vecka"])
        except ValueError:
            return None  # no day, or not one: the week of today

    def as_list(self) -> bool:
        return self.is_valid() and self.cleaned_data["visa"] == "lista"

    def monday(self, today: dt.date) -> dt.date:
        """The Monday of the week asked for (of today's when none is)."""
        day = (self.cleaned_data["vecka"] if self.is_valid() else None) or today
        return day - dt.timedelta(days=day.weekday())


PRESENCE_CHOICES = [("1", _("Närvarande")), ("0", _("Frånvarande"))]


class AttendanceForm(forms.Form):
    """One present/absent choice (no default) and optional minutes per enrolled person."""

    reason = forms.CharField(
        label=_("Skäl till ändring"),
        max_length=300,
        required=False,
        help_text=_(
            "Krävs för sena ändringar: mer än 7 dagar efter tillfället eller "
            "när en närvarorapport redan är underskriven."
        ),
    )

    def __init__(
        self, *args: Any, rows: list[Any], length: int, all_present: bool = False, **kwargs: Any
    ) -> None:
        """`all_present`: everyone is shown as present, for the teacher to change the few
        who were not before saving (nothing is saved until she does)."""
        super().__init__(*args, **kwargs)
        self.rows = []
        for enrolment in rows:
            pid = enrolment.participation_id
            name = enrolment.participation.full_name
            presence = forms.ChoiceField(
                label=name,
                choices=PRESENCE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Markera närvarande eller frånvarande.")},
            )
            minutes = forms.IntegerField(
                label=_("Minuter för %(name)s") % {"name": name},
                min_value=0,
                max_value=length,
                required=False,
                help_text=_("Tomt = hela tillfället (%(n)s min).") % {"n": length},
            )
            self.fields[f"p{pid}"] = presence
            self.fields[f"m{pid}"] = minutes
            if all_present:
                self.initial[f"p{pid}"] = "1"
            elif enrolment.att_present is not None:
                self.initial[f"p{pid}"] = "1" if enrolment.att_present else "0"
                if enrolment.att_present and enrolment.att_minutes != length:
                    self.initial[f"m{pid}"] = enrolment.att_minutes
            self.rows.append((enrolment, self[f"p{pid}"], self[f"m{pid}"]))
        localize_numbers(self)

    def marks(self) -> list[Any]:
        from .services import AttendanceMark

        return [
            AttendanceMark(
                participation_id=enrolment.participation_id,
                present=self.cleaned_data[f"p{enrolment.participation_id}"] == "1",
                minutes=self.cleaned_data.get(f"m{enrolment.participation_id}"),
            )
            for enrolment, _p, _m in self.rows
        ]


# --- attendance from a meeting's report -------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files in one field; cleaned to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.txt,text/csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or [single(None, initial)]
        return [single(data, initial)]


MEETING_LOCALES = [
    ("", _("Vet inte")),
    ("sv-SE", _("Svenska (Sverige)")),
    ("en-GB", _("Engelska (Storbritannien)")),
    ("en-US", _("Engelska (USA)")),
]


class MeetingReportForm(forms.Form):
    reports = MultipleFileField(
        label=_("Närvarorapport"),
        help_text=_(
            "CSV-filen från fliken Närvaro i mötet i Teams, eller från Rapporter → Användning "
            "i Zoom, som den laddades ner. Har mötet flera versioner av rapporten (det "
            "startades om), välj alla: de slås ihop."
        ),
        error_messages={
            "required": _("Välj filen med närvarorapporten."),
            "empty": _(
                "Filen är tom. Ladda ner närvarorapporten från Teams eller Zoom igen och "
                "ladda upp den."
            ),
        },
    )
    locale = forms.ChoiceField(
        label=_("Organisatörens språk i Teams eller Zoom"),
        choices=MEETING_LOCALES,
        required=False,
        help_text=_(
            "Behövs bara om datumen i filen kan läsas på två sätt: 3/4/2026 är 3 april i "
            "Sverige och Storbritannien men 4 mars i USA."
        ),
    )

    def clean_reports(self) -> list[ReportFile]:
        files = self.cleaned_data["reports"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Ladda upp högst %(n)s filer åt gången.") % {"n": MAX_FILES}
            )
        for upload in files:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    _(
                        "%(name)s är större än %(limit)s MB, vilket ingen närvarorapport är. "
                        "Kontrollera att du har valt rätt fil."
                    )
                    % {"name": upload.name, "limit": MAX_BYTES // (1024 * 1024)}
                )
        return [ReportFile(name=upload.name, data=upload.read()) for upload in files]


class AttendanceImportForm(forms.Form):
    """The preview's choices: who each unknown name is, whom to enrol, and the reason a late
    change needs. The fields come from the plan without choices: choosing a name or an
    enrolment changes neither the unknown names nor whom enrolling is offered for."""

    reason = forms.CharField(
        label=_("Skäl till ändring"),
        max_length=300,
        required=False,
        help_text=_(
            "Krävs för sena ändringar: mer än 7 dagar efter tillfället eller "
            "när en närvarorapport redan är underskriven."
        ),
    )

    def __init__(self, data: Any = None, *, match: ImportMatch) -> None:
        super().__init__(data)
        self.base = match.plan()
        options = [
            ("", _("Välj …")),
            (NOT_A_PARTICIPANT, _("Inte deltagare")),
            *((str(c.pk), f"{c.name} ({c.organisation})") for c in match.enrolled),
        ]
        self.unknown_fields: list[tuple[Any, forms.BoundField]] = []
        for unknown in self.base.unknown:
            self.fields[unknown.field] = forms.ChoiceField(
                label=_("Vem är %(name)s?") % {"name": " / ".join(unknown.names)},
                choices=options,
                required=False,
            )
            self.unknown_fields.append((unknown, self[unknown.field]))
        self.enrol_fields: dict[int, forms.BoundField] = {}
        for row in self.base.rows:
            if row.enrol_offered:
                name = f"anmal-{row.candidate.pk}"
                self.fields[name] = forms.BooleanField(
                    label=_("Anmäl %(name)s och registrera närvaron")
                    % {"name": row.candidate.name},
                    required=False,
                    initial=True,
                )
                self.enrol_fields[row.candidate.pk] = self[name]

    def choices(self) -> ImportChoices:
        if not self.is_bound or not self.is_valid():
            return ImportChoices()
        names: dict[str, int | None] = {}
        for unknown, _field in self.unknown_fields:
            value = self.cleaned_data.get(unknown.field)
            if value == NOT_A_PARTICIPANT:
                names[unknown.key] = None
            elif value:
                names[unknown.key] = int(value)
        enrol = frozenset(pk for pk in self.enrol_fields if self.cleaned_data.get(f"anmal-{pk}"))
        return ImportChoices(names=names, enrol=enrol)

    def rows_with_fields(self, plan: ImportPlan) -> list[tuple[Any, Any]]:
        return [(row, self.enrol_fields.get(row.candidate.pk)) for row in plan.rows]
