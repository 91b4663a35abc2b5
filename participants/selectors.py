"""Reads of participants, always scoped through the caller's ProjectAccess."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiproj.projects.models import Organisation, Project
from digiproj.projects.permissions import ProjectAccess

from .models import CorrectionRequest, ParticipantImport, Participation, Person
from .personnummer import Gender


def reported_gender(project: Project | str = "project", holder: str = "") -> Case | F:
    """The gender a project reports for a person: the one rule behind every figure, list and
    file (kvinna / man / icke-binär, see DESIGN.md Participants).

    ESF+ reports the gender as recorded (from the personnummer, or the override with its
    reason). The 2014–2020 programme knows only kvinna and man, as SCB's participant
    statistics do: a participation recorded non-binary is reported there by the legal
    gender of its personnummer. An override to kvinna or man holds in both periods.

    The gender is held by the participation (see Person): `holder` is the path from the
    queried model to that Participation ("" on Participation itself, "participation" from
    an attendance). `project` is the Project reported (decided here, no join) or the path
    from the queried model to it. The gender as recorded at the time the report is made,
    read in the database. For rows keyed by the shared Person (survey invitations and
    responses) use reported_gender_of_person."""
    path = f"{holder}__" if holder else ""
    gender = F(f"{path}gender")
    if isinstance(project, Project):
        if project.is_esf_plus:
            return gender
        legacy = Q()
    else:
        legacy = ~Q(**{f"{project}__programme_period": Project.ProgrammePeriod.ESF_PLUS_2021_2027})
    return Case(
        When(
            legacy & Q(**{f"{path}gender": Gender.NON_BINARY}),
            then=F(f"{path}gender_from_number"),
        ),
        default=gender,
        output_field=CharField(max_length=1),
    )


def reported_gender_of_person(project: Project | str, person: str = "person") -> Coalesce:
    """reported_gender for a row keyed by the shared Person (a survey invitation or
    response): the gender the project's own participation holds, read with the same rule;
    someone without a participation in the project counts by the gender of the number.
    `project` is the Project or the path to it; `person` the path to the Person."""
    held = Participation.objects.filter(person=OuterRef(person))
    if isinstance(project, Project):
        held = held.filter(project=project)
        rule = reported_gender(project)
    else:
        held = held.filter(project=OuterRef(project))
        rule = reported_gender("project")
    return Coalesce(
        Subquery(held.annotate(g=rule).values("g")[:1]),
        F(f"{person}__gender_from_number"),
        output_field=CharField(max_length=1),
    )


def genders_for(access: ProjectAccess) -> list[str]:
    """The genders the project reports: kvinnor, män and, in ESF+ projects, icke-binära."""
    genders = [Gender.WOMAN, Gender.MAN]
    if access.project.is_esf_plus:
        genders.append(Gender.NON_BINARY)
    return genders


def gender_labels() -> dict[str, str]:
    """The reported genders (and their total) as figures and files name them."""
    return {"K": _("kvinnor"), "M": _("män"), "X": _("icke-binära"), "total": _("totalt")}


def participation_list(*, access: ProjectAccess) -> QuerySet[Participation]:
    """The participations this user may see in the project (a contact: their organisation)."""
    return (
        Participation.objects.current()
        .filter(project=access.project)
        .filter(access.participation_q())
        .select_related("person", "organisation")
    )


def participation_in_project(*, project_id: int, person: Any) -> QuerySet[Participation]:
    """The participation that holds a person in one project: where another app keyed by the
    shared Person (survey invitations and responses) reads the names, address and gender
    that project holds. `person` may be an OuterRef."""
    return Participation.objects.filter(project_id=project_id, person=person)


def participation_counts(*, access: ProjectAccess) -> dict[str, int]:
    """Participants by gender and status, in one aggregate query."""
    qs = participation_list(access=access).alias(reported_gender=reported_gender(access.project))
    return qs.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(reported_gender=Gender.WOMAN)),
        men=Count("pk", filter=Q(reported_gender=Gender.MAN)),
        non_binary=Count("pk", filter=Q(reported_gender=Gender.NON_BINARY)),
        active=Count("pk", filter=Q(end_date__isnull=True)),
        ended=Count("pk", filter=Q(end_date__isnull=False)),
    )


def participations_for_user(*, user_id: int) -> QuerySet[Participation]:
    """A participant's own participations, across projects: those linked to this login,
    each by its own project after the address it holds was verified. Another project's
    participation of the same person is not among them unless that project linked it too."""
    return (
        Participation.objects.current()
        .filter(user_id=user_id)
        .select_related("project", "organisation", "person")
        .order_by("-start_date")
    )


def organisation_choices(*, access: ProjectAccess) -> QuerySet[Organisation]:
    """The project's organisations the user may pick as employer (a contact: only their own)."""
    return (
        Organisation.objects.filter(project_organisations__project=access.project)
        .filter(access.organisation_q("project_organisations__organisation"))
        .order_by("name")
        .distinct()
    )


def project_organisations(*, project: Any) -> QuerySet[Organisation]:
    """Every organisation taking part in the project (the employer choice on the anonymous
    registration pages, which have no ProjectAccess)."""
    return Organisation.objects.filter(project_organisations__project=project).order_by("name")


_DATE_SEARCH = re.compile(r"^(\d{6}|\d{8})(-?\*{0,4})?$")


def _search_q(query: str) -> Q:
    """Name words, or the birth-date part of the masked personnummer (ÅÅMMDD or ÅÅÅÅMMDD)."""
    query = query.strip()
    match = _DATE_SEARCH.match(query.replace(" ", ""))
    if match:
        digits = match.group(1)
        if len(digits) == 8:
            return Q(person__personnummer__startswith=digits)
        dates = []
        for century in ("19", "20"):
            try:
                dates.append(
                    dt.date.fromisoformat(f"{century}{digits[:2]}-{digits[2:4]}-{digits[4:]}")
                )
            except ValueError:
                continue
        return Q(person__birth_date__in=dates)
    condition = Q()
    for word in query.split()[:5]:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return condition


def participation_search(
    *, access: ProjectAccess, filters: dict[str, Any], ordering: tuple[str, ...]
) -> QuerySet[Participation]:
    """The list page: search, filters and sorting on top of the scoped list."""
    qs = participation_list(access=access)
    if filters.get("personnummer"):
        qs = qs.filter(person__personnummer=filters["personnummer"])
    elif filters.get("q"):
        qs = qs.filter(_search_q(filters["q"]))
    if filters.get("organisation"):
        qs = qs.filter(organisation=filters["organisation"])
    if filters.get("gender"):
        qs = qs.alias(reported_gender=reported_gender(access.project)).filter(
            reported_gender=filters["gender"]
        )
    if filters.get("status") == "active":
        qs = qs.filter(end_date__isnull=True)
    elif filters.get("status") == "ended":
        qs = qs.filter(end_date__isnull=False)
    if filters.get("role_group"):
        qs = qs.filter(role_group=filters["role_group"])
    return qs.order_by(*ordering)


def participation_detail(*, access: ProjectAccess, pk: int) -> Participation | None:
    return participation_list(access=access).select_related("user", "project").filter(pk=pk).first()


def correction_requests_open(*, participation: Participation) -> QuerySet[CorrectionRequest]:
    return participation.correction_requests.filter(handled_at__isnull=True)


def correction_requests_open_in_project(*, access: ProjectAccess) -> QuerySet[CorrectionRequest]:
    """Open correction requests of the participants this user may see, oldest first: the
    coordinator's to-do (each is handled on the participant's page)."""
    return (
        CorrectionRequest.objects.filter(
            handled_at__isnull=True, participation__in=participation_list(access=access)
        )
        .select_related("participation")
        .order_by("created_at", "pk")
    )


def participant_import_get(*, access: ProjectAccess, pk: int) -> ParticipantImport | None:
    """An upload in this project; a contact sees only their own organisation's uploads."""
    # The file's rows (up to the row limit) are only read by the import itself.
    qs = ParticipantImport.objects.filter(project=access.project, pk=pk).defer("rows")
    if not access.is_coordinator:
        qs = qs.filter(access.organisation_q(), created_by_id=access.user_id)
    return qs.first()


HISTORY_TYPES = {
    "+": gettext_lazy("skapad"),
    "~": gettext_lazy("ändrad"),
    "-": gettext_lazy("borttagen"),
}


def person_history(*, participation: Participation) -> list[dict[str, Any]]:
    """The audit trail of one project's participant: every change to this participation
    (which holds everything the project entered), newest first, with who made it and which
    fields changed (django-simple-history). The shared identity's own history is left out:
    other projects' staff appear in it."""
    entries: list[dict[str, Any]] = []
    records = list(
        Participation.history.filter(id=participation.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous = None
    for record in records:
        changes: list[str] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append(str(field.verbose_name))
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Deltagande"),
                "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                "fields": changes,
                "reason": record.history_change_reason or "",
            }
        )
        previous = record
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def person_for_user(*, user_id: int) -> Person | None:
    """The identity behind a login's own participations (None: the login holds none)."""
    return Person.objects.filter(
        participations__user_id=user_id, participations__erased_at__isnull=True
    ).first()


def person_export(*, user_id: int) -> dict[str, Any]:
    """Everything stored about a login's own participations, for "download my data" (GDPR
    art. 15 and 20). Personnummer in full: it is their own, and they are logged in. Only
    the participations linked to this login (see participations_for_user)."""
    from . import personnummer as pnr

    participations = list(participations_for_user(user_id=user_id).order_by("start_date"))
    person = participations[0].person if participations else None
    return {
        "person": {
            "personnummer": pnr.display(person.personnummer) if person else "",
            "födelsedatum": person.birth_date.isoformat() if person else "",
        },
        "deltaganden": [
            {
                "projekt": p.project.name,
                "diarienummer": p.project.diarienummer,
                "förnamn": p.first_name,
                "efternamn": p.last_name,
                "e-post": p.email,
                "telefon": p.phone,
                "kön": str(p.get_gender_display()),
                "skäl till ändrat kön": p.gender_override_reason,
                "arbetsgivare": p.organisation.name,
                "organisationsnummer": p.organisation.organisationsnummer,
                "arbetsplats": p.workplace,
                "yrkesgrupp": str(p.get_role_group_display()),
                "utbildningsnivå": str(p.get_isced_display()),
                "sysselsättning vid start": str(p.get_employment_status_display()),
                "årlig lönekostnad": str(p.annual_salary_cost)
                if p.annual_salary_cost is not None
                else "",
                "startdatum": p.start_date.isoformat(),
                "slutdatum": p.end_date.isoformat() if p.end_date else "",
                "anledning till avslut": str(p.get_end_reason_display()) if p.end_reason else "",
                "information lämnad": p.consent_given_at.isoformat() if p.consent_given_at else "",
                "hur informationen gavs": str(p.get_consent_method_display())
                if p.consent_method
                else "",
            }
            for p in participations
        ],
    }


def invitation_list(*, access: ProjectAccess) -> QuerySet[Any]:
    from .models import Invitation

    return (
        Invitation.objects.filter(project=access.project)
        .filter(access.organisation_q())
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def invitation_prefill(*, invitation: Any) -> dict[str, Any]:
    """What the registration form of an invitation starts with when the project already
    holds the invited address (an imported person, not yet with a login): the record's own
    values, so the person checks them instead of typing them again. Never the personnummer:
    typing it is what joins the login to the record."""
    record = (
        Participation.objects.filter(
            project_id=invitation.project_id, email__iexact=invitation.email, user__isnull=True
        )
        .values("first_name", "last_name", "phone", "workplace", "role_group", "isced")
        .first()
    )
    return dict(record) if record else {}


def registration_link_list(*, access: ProjectAccess) -> QuerySet[Any]:
    from .models import RegistrationLink

    return (
        RegistrationLink.objects.filter(project=access.project)
        .select_related("organisation")
        .order_by("-created_at")
    )


def registration_link_by_slug(*, slug: str) -> Any:
    from .models import RegistrationLink

    return (
        RegistrationLink.objects.filter(slug=slug, project__archived=False)
        .select_related("project", "organisation")
        .first()
    )
