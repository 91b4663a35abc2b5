"""Who in a meeting's attendance report is who: the people read from the file matched to the
project's participants in the user's scope, and what saving it would change.

One place decides the matching, in this order, each a stronger sign than the next:

1. the UPN (Teams' sign-in name) is a participant's address, or her login's;
2. the e-mail address is one of them (case-insensitive);
3. the address is a project member's login: staff, left out;
4. the display name was saved for a participant by an earlier import (MeetingNameMapping),
   or saved as "not a participant";
5. the role is organiser, co-organiser, producer or presenter: staff, left out;
6. otherwise unknown: the user chooses among the session's enrolled participants.

Scope: a coordinator matches the whole project, a contact only their organisation's people (a
person of another organisation is unknown to them, never named), a teacher only the people
enrolled in the session. `attendance_import_match` makes the few queries (their number does not
depend on how many people the file has); `ImportMatch.plan` is plain Python, so the preview
can be worked out again with the user's choices without asking the database again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from activities.meeting_reports import (
    AttendedInterval,
    IntervalBasis,
    PersonAttendance,
    Role,
    RowRef,
    combine_attendances,
    counts_as_present,
    normalise_name,
    people_from_json,
)
from activities.models import Attendance, AttendanceImport, Enrolment, MeetingNameMapping
from activities.services.attendance import attendance_change_is_late, signed_certificate_ids
from digiproj.accounts.models import User
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

DRAFT_VALID_FOR = dt.timedelta(days=1)
STAFF_ROLES = frozenset({Role.ORGANIZER, Role.CO_ORGANIZER, Role.PRODUCER, Role.PRESENTER})
NOT_A_PARTICIPANT = "inte"  # the select's value for "inte deltagare"


class How(enum.StrEnum):
    UPN = "upn"
    EMAIL = "email"
    SAVED_NAME = "saved_name"
    CHOSEN = "chosen"

    @property
    def label(self) -> str:
        return {
            How.UPN: _("inloggningsnamn (UPN)"),
            How.EMAIL: _("e-postadress"),
            How.SAVED_NAME: _("sparat namn"),
            How.CHOSEN: _("ditt val"),
        }[self]


class LeftOut(enum.StrEnum):
    STAFF_LOGIN = "staff_login"
    STAFF_ROLE = "staff_role"
    NOT_A_PARTICIPANT = "not_a_participant"

    @property
    def label(self) -> str:
        return {
            LeftOut.STAFF_LOGIN: _("personal, räknas inte (inloggning i projektet)"),
            LeftOut.STAFF_ROLE: _("personal, räknas inte (organisatör eller presentatör)"),
            LeftOut.NOT_A_PARTICIPANT: _("inte deltagare (sparat val)"),
        }[self]


@dataclass(frozen=True)
class Candidate:
    """A participation the user may match: name, employer, its live enrolment in the session
    (enrolled, waiting or None) and the attendance already saved, if any."""

    pk: int
    name: str
    sort_key: tuple[str, str]
    organisation: str
    enrolment: str | None
    present: bool | None
    minutes: int | None

    @property
    def enrolled(self) -> bool:
        return self.enrolment == Enrolment.Status.ENROLLED


@dataclass(frozen=True)
class ImportChoices:
    """What the user decided on the preview: per unknown name (its key) a participation id or
    None for "not a participant" (undecided names are absent); whom to enrol (None: everyone
    offered, the default)."""

    names: dict[str, int | None] = field(default_factory=dict)
    enrol: frozenset[int] | None = None


@dataclass(frozen=True)
class Unknown:
    key: str  # normalise_name: one choice per name
    field: str  # the form field's name, stable between the preview and the confirm
    names: tuple[str, ...]
    emails: tuple[str, ...]
    minutes: int
    rows: str


@dataclass(frozen=True)
class Skipped:
    name: str
    email: str
    minutes: int
    why: LeftOut


@dataclass(frozen=True)
class ImportRow:
    """One participant as the import would save her."""

    candidate: Candidate
    names: tuple[str, ...]  # as the file writes them
    how: tuple[How, ...]
    intervals: tuple[AttendedInterval, ...]
    minutes: int  # attended, capped at the session's length
    present: bool
    rows: str
    notes: tuple[str, ...]
    enrol_offered: bool  # not enrolled, and the user may enrol her
    enrol: bool  # offered and ticked

    @property
    def new_minutes(self) -> int:
        return self.minutes if self.present else 0

    @property
    def written(self) -> bool:
        return self.candidate.enrolled or self.enrol

    @property
    def changed(self) -> bool:
        old = (self.candidate.present, self.candidate.minutes)
        return self.written and old != (self.present, self.new_minutes)


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[ImportRow, ...]
    unknown: tuple[Unknown, ...]
    skipped: tuple[Skipped, ...]
    missing: tuple[Candidate, ...]  # enrolled, in scope, not in the file
    mappings: tuple[tuple[str, int | None], ...]  # to save on confirm
    late: bool  # a reason is needed (attendance_change_is_late)
    minimum_minutes: int
    length: int

    @property
    def to_enrol(self) -> list[int]:
        return [row.candidate.pk for row in self.rows if row.enrol]

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.rows if row.changed)


def rows_text(refs: Iterable[RowRef], *, files: int) -> str:
    """The file rows something came from, as a spreadsheet numbers them ("rad 12, 18";
    "fil 2: rad 4" when several files were merged)."""
    by_file: dict[int, list[int]] = defaultdict(list)
    for ref in sorted(set(refs)):
        by_file[ref.report].append(ref.row)
    parts = []
    for report, numbers in sorted(by_file.items()):
        text = ngettext("rad %(rows)s", "rader %(rows)s", len(numbers)) % {
            "rows": ", ".join(str(n) for n in numbers)
        }
        parts.append(
            _("fil %(n)s: %(rows)s") % {"n": report + 1, "rows": text} if files > 1 else text
        )
    return "; ".join(parts)


def _refs(people: Iterable[PersonAttendance]) -> list[RowRef]:
    return [
        ref
        for p in people
        for ref in (*(s for i in p.intervals for s in i.sources), *p.rows_outside)
    ]


_BASIS_NOTES = {
    IntervalBasis.FIRST_TO_LAST: gettext_lazy(
        "Filen visar bara första och sista tid i mötet: eventuella raster räknas som närvaro."
    ),
    IntervalBasis.JOIN_PLUS_DURATION: gettext_lazy(
        "Filen saknar tid för när personen lämnade: anslutningen plus tiden filen anger."
    ),
    IntervalBasis.TO_SESSION_END: gettext_lazy(
        "Filen saknar tid för när personen lämnade: räknat till tillfällets slut."
    ),
}


def _notes(people: list[PersonAttendance]) -> tuple[str, ...]:
    bases = {b for p in people for i in p.intervals for b in i.bases}
    notes = [str(text) for basis, text in _BASIS_NOTES.items() if basis in bases]
    if any(p.rows_outside for p in people):
        notes.append(_("Rader helt utanför tillfällets tid räknas inte."))
    return tuple(notes)


@dataclass
class ImportMatch:
    """What the queries found; `plan` works out the preview from it (no queries)."""

    attendance_import: AttendanceImport
    people: list[PersonAttendance]
    candidates: dict[int, Candidate]
    by_address: dict[str, int]
    staff_addresses: set[str]
    mappings: dict[str, int | None]  # name key -> participation (every scope's)
    signed_ids: set[int]
    can_enrol: bool
    minimum_minutes: int
    length: int
    files: int

    @property
    def enrolled(self) -> list[Candidate]:
        return sorted((c for c in self.candidates.values() if c.enrolled), key=lambda c: c.sort_key)

    def _match(self, person: PersonAttendance) -> tuple[int, How] | LeftOut | None:
        for upn in person.upns:
            if upn in self.by_address:
                return self.by_address[upn], How.UPN
        for address in person.identifiers:
            if address not in person.upns and address in self.by_address:
                return self.by_address[address], How.EMAIL
        if self.staff_addresses.intersection(person.identifiers):
            return LeftOut.STAFF_LOGIN
        key = normalise_name(person.name)
        if key in self.mappings:
            saved = self.mappings[key]
            if saved is None:
                return LeftOut.NOT_A_PARTICIPANT
            if saved in self.candidates:
                return saved, How.SAVED_NAME
            # Saved for someone outside this user's scope: not theirs to see, nor to re-map.
        if person.role in STAFF_ROLES:
            return LeftOut.STAFF_ROLE
        return None

    def plan(
        self, choices: ImportChoices | None = None, *, now: dt.datetime | None = None
    ) -> ImportPlan:
        choices = choices or ImportChoices()
        matched: dict[int, list[tuple[PersonAttendance, How]]] = defaultdict(list)
        unknown: dict[str, list[PersonAttendance]] = {}
        skipped: list[Skipped] = []
        field_of: dict[str, str] = {}
        for index, person in enumerate(self.people):
            found = self._match(person)
            if isinstance(found, tuple):
                matched[found[0]].append((person, found[1]))
            elif isinstance(found, LeftOut):
                skipped.append(Skipped(person.name, person.email, person.minutes, found))
            else:
                key = normalise_name(person.name)
                unknown.setdefault(key, []).append(person)
                field_of.setdefault(key, f"namn-{index}")
        mappings: list[tuple[str, int | None]] = []
        for key, people in unknown.items():
            if key not in choices.names:
                continue
            chosen = choices.names[key]
            if chosen is not None and not (
                chosen in self.candidates and self.candidates[chosen].enrolled
            ):
                continue  # not one the select offered
            if key not in self.mappings:  # one saved for someone outside the scope stays
                mappings.append((key, chosen))
            if chosen is not None:
                matched[chosen].extend((p, How.CHOSEN) for p in people)
        rows = tuple(
            self._row(self.candidates[pk], found, choices)
            for pk, found in sorted(matched.items(), key=lambda m: self.candidates[m[0]].sort_key)
        )
        changed = [row.candidate.pk for row in rows if row.changed]
        return ImportPlan(
            rows=rows,
            unknown=tuple(
                Unknown(
                    key=key,
                    field=field_of[key],
                    names=tuple(dict.fromkeys(p.name for p in people)),
                    emails=tuple(dict.fromkeys(p.email for p in people if p.email)),
                    minutes=combine_attendances(people)[1],
                    rows=rows_text(_refs(people), files=self.files),
                )
                for key, people in unknown.items()
            ),
            skipped=tuple(skipped),
            missing=tuple(c for c in self.enrolled if c.pk not in matched),
            mappings=tuple(mappings),
            late=bool(changed)
            and attendance_change_is_late(
                session=self.attendance_import.session,
                now=now or timezone.now(),
                changed_ids=changed,
                signed_ids=self.signed_ids,
            ),
            minimum_minutes=self.minimum_minutes,
            length=self.length,
        )

    def _row(
        self,
        candidate: Candidate,
        found: list[tuple[PersonAttendance, How]],
        choices: ImportChoices,
    ) -> ImportRow:
        people = [p for p, _how in found]
        intervals, minutes = combine_attendances(people)
        minutes = min(minutes, self.length)
        offered = self.can_enrol and not candidate.enrolled
        return ImportRow(
            candidate=candidate,
            names=tuple(dict.fromkeys(p.name for p in people)),
            how=tuple(dict.fromkeys(how for _p, how in found)),
            intervals=intervals,
            minutes=minutes,
            present=counts_as_present(minutes, minimum_minutes=self.minimum_minutes),
            rows=rows_text(_refs(people), files=self.files),
            notes=_notes(people),
            enrol_offered=offered,
            enrol=offered and (choices.enrol is None or candidate.pk in choices.enrol),
        )


def _in_scope(access: ProjectAccess, session_id: int) -> QuerySet[Participation]:
    """The participations the user may match: a teacher only those enrolled in the session."""
    qs = Participation.objects.current().filter(project=access.project)
    if access.is_teacher:
        return qs.filter(
            Exists(
                Enrolment.objects.filter(
                    session_id=session_id,
                    participation=OuterRef("pk"),
                    status=Enrolment.Status.ENROLLED,
                )
            )
        )
    return qs.filter(access.participation_q())


def _candidates(
    access: ProjectAccess, session_id: int, addresses: list[str], mapped: list[int]
) -> list[dict[str, object]]:
    """One query: the participations in scope that the file's addresses or saved names point
    at, and everyone with a live enrolment in the session."""
    live = Enrolment.objects.filter(session_id=session_id, participation=OuterRef("pk")).exclude(
        status=Enrolment.Status.CANCELLED
    )
    saved = Attendance.objects.filter(session_id=session_id, participation=OuterRef("pk"))
    return list(
        _in_scope(access, session_id)
        .annotate(address=Lower("email"), login=Lower("user__email"))
        .filter(Q(address__in=addresses) | Q(login__in=addresses) | Q(pk__in=mapped) | Exists(live))
        .annotate(
            enrolment=Subquery(live.values("status")[:1]),
            att_present=Subquery(saved.values("present")[:1]),
            att_minutes=Subquery(saved.values("minutes")[:1]),
        )
        .values(
            "pk",
            "first_name",
            "last_name",
            "organisation__name",
            "address",
            "login",
            "enrolment",
            "att_present",
            "att_minutes",
        )
    )


def attendance_import_match(
    *, access: ProjectAccess, attendance_import: AttendanceImport
) -> ImportMatch:
    """Everything the preview and the confirm need, in a fixed number of queries."""
    session = attendance_import.session
    people = people_from_json(attendance_import.people)
    addresses = sorted({a for p in people for a in p.identifiers})
    mappings: dict[str, int | None] = dict(
        MeetingNameMapping.objects.filter(
            project=access.project, name_key__in={normalise_name(p.name) for p in people}
        ).values_list("name_key", "participation_id")
    )
    rows = _candidates(access, session.pk, addresses, [pk for pk in mappings.values() if pk])
    candidates: dict[int, Candidate] = {}
    by_address: dict[str, int] = {}
    for row in rows:
        pk = int(str(row["pk"]))
        first, last = str(row["first_name"]), str(row["last_name"])
        candidates[pk] = Candidate(
            pk=pk,
            name=f"{first} {last}".strip(),
            sort_key=(last.casefold(), first.casefold()),
            organisation=str(row["organisation__name"]),
            enrolment=row["enrolment"] and str(row["enrolment"]),  # type: ignore[arg-type]
            present=row["att_present"],  # type: ignore[arg-type]
            minutes=row["att_minutes"],  # type: ignore[arg-type]
        )
        # A participant's own address first: a login shared by two records is the weaker sign.
        for key in ("login", "address"):
            if row[key]:
                by_address[str(row[key])] = pk
    staff = set(
        User.objects.filter(memberships__project=access.project)
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .values_list("address", flat=True)
    )
    return ImportMatch(
        attendance_import=attendance_import,
        people=people,
        candidates=candidates,
        by_address=by_address,
        staff_addresses=staff,
        mappings=mappings,
        signed_ids=signed_certificate_ids(candidates, session),
        can_enrol=access.can("activities.enrol"),
        minimum_minutes=session.activity.attendance_minimum_minutes,
        length=session.duration_minutes,
        files=max(len(attendance_import.reports), 1),
    )


def attendance_import_expired(
    attendance_import: AttendanceImport, *, now: dt.datetime | None = None
) -> bool:
    return (now or timezone.now()) - attendance_import.created_at > DRAFT_VALID_FOR
