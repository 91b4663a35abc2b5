"""Writes of the core: projects from their grant decisions (new, copied, archived), a
coordinator's project settings, its organisations and its team."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiproj.accounts.models import User
from digiproj.mail import services as mail

from . import organisation_lists, periods
from .models import Membership, Organisation, Project, ProjectOrganisation, UnitCost
from .permissions import ProjectAccess, may_create_projects, project_access
from .validators import normalize_organisationsnummer

PROJECT_SETTINGS_FIELDS = [
    "name",
    "region",
    "description",
    "start_date",
    "end_date",
    "analysis_start",
    "analysis_end",
    "implementation_start",
    "implementation_end",
    "closing_start",
    "closing_end",
    "planned_participants",
    "planned_women",
    "planned_men",
    "total_budget",
    "esf_support",
    "eu_cofinancing_rate",
    "budgeted_cofinancing",
    "cofinancing_method",
    "unit_cost_year",
    "annual_hours_basis",
    "eligible_hours_per_year",
    "hour_rounding",
    "retain_until",
    "staff_login_requirement",
    "survey_anonymity_threshold",
]


@transaction.atomic
def project_update(
    *, access: ProjectAccess, data: dict[str, Any]
) -> tuple[Project, list[periods.Outside]]:
    """Change the settings a coordinator owns (not the diarienummer or programme: those come
    from the grant decision and are the platform admin's). A changed period that leaves
    recorded sessions, time or participations outside is saved (an amended decision may
    need it), and what falls outside is returned for a warning and logged, counts only."""
    access.require("project.edit")
    project = Project.objects.select_for_update().get(pk=access.project.pk)
    period = (project.start_date, project.end_date)
    for field in PROJECT_SETTINGS_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    project.full_clean()
    project.save()
    return project, periods.period_change_checked(project, period, user_id=access.user_id)


@transaction.atomic
def unit_cost_set(*, access: ProjectAccess, year: int, sek_per_hour: Decimal) -> UnitCost:
    access.require("project.edit")
    project = access.project
    if not project.start_date.year <= year <= project.end_date.year:
        raise ValidationError(
            {
                "year": _("Året ska ligga inom projekttiden (%(a)s–%(b)s).")
                % {"a": project.start_date.year, "b": project.end_date.year}
            }
        )
    cost, _created = UnitCost.objects.update_or_create(
        project=project, year=year, defaults={"sek_per_hour": sek_per_hour}
    )
    return cost


def organisation_find_or_create(
    *, organisationsnummer: str, name: str, kind: str = Organisation.Kind.KOMMUN
) -> Organisation:
    """The organisation, or unit of one, with this number and name; made the first time it is
    seen. Units of one organisation share its number (a kommun's Komvux and Lärcentrum), so
    without a name only a number that one organisation has is enough."""
    number = normalize_organisationsnummer(organisationsnummer)
    name = name.strip()
    units = Organisation.objects.filter(organisationsnummer=number)
    if name:
        found = units.filter(name__iexact=name).first()
        if found is not None:
            return found
        organisation = Organisation(organisationsnummer=number, name=name, kind=kind)
        organisation.full_clean()
        organisation.save()
        return organisation
    candidates = list(units[:2])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        message = _("Ingen organisation har numret %(number)s ännu. Skriv organisationens namn.")
    else:
        message = _(
            "Flera enheter har organisationsnumret %(number)s. Skriv namnet på den enhet som "
            "ska delta."
        )
    raise ValidationError({"name": message % {"number": number}})


@transaction.atomic
def project_organisation_add(
    *, access: ProjectAccess, organisationsnummer: str, name: str, kind: str, role: str
) -> ProjectOrganisation:
    """Add an organisation (or one of its units) to the project, creating it the first time
    its number and name are seen."""
    access.require("project.edit")
    organisation = organisation_find_or_create(
        organisationsnummer=organisationsnummer, name=name, kind=kind
    )
    if ProjectOrganisation.objects.filter(
        project=access.project, organisation=organisation
    ).exists():
        raise ValidationError(_("%(name)s deltar redan i projektet.") % {"name": organisation.name})
    link = ProjectOrganisation(project=access.project, organisation=organisation, role=role)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def project_organisations_add_list(
    *, access: ProjectAccess, lines: list[tuple[int, list[str]]]
) -> list[ProjectOrganisation]:
    """Add a checked list of organisations to the project: every row, or none when any row
    is wrong (the list is checked again here, on the rows as they are saved)."""
    access.require("project.edit")
    rows = organisation_lists.check(access.project, lines)
    wrong = [row for row in rows if row.errors]
    if wrong:
        raise ValidationError(
            _("%(count)s rader behöver rättas. Ingenting har sparats.") % {"count": len(wrong)}
        )
    return [
        project_organisation_add(
            access=access,
            organisationsnummer=row.organisationsnummer,
            name=row.name,
            kind=row.kind,
            role=row.role,
        )
        for row in rows
    ]


@transaction.atomic
def project_organisation_update(
    *, access: ProjectAccess, link: ProjectOrganisation, name: str, kind: str, role: str
) -> ProjectOrganisation:
    """Change an organisation's role in the project, and its name and kind while no other
    project has it (they are the organisation's own, shared by every project it is in)."""
    access.require("project.edit")
    if link.project_id != access.project.pk:
        raise Http404
    owner = ProjectOrganisation.Role.OWNER
    if role != link.role and owner in (role, link.role):
        raise ValidationError({"role": _("Projektägaren ändras av plattformens administratör.")})
    organisation = link.organisation
    if (name.strip(), kind) != (organisation.name, organisation.kind):
        if organisation_shared(link):
            raise ValidationError(
                _(
                    "Organisationen deltar i fler projekt, så namn och typ ändras av "
                    "plattformens administratör."
                )
            )
        organisation.name, organisation.kind = name.strip(), kind
        organisation.full_clean()
        organisation.save()
    link.role = role
    link.full_clean()
    link.save()
    return link


def organisation_shared(link: ProjectOrganisation) -> bool:
    return link.organisation.project_organisations.exclude(project_id=link.project_id).exists()


@transaction.atomic
def project_organisation_remove(*, access: ProjectAccess, link: ProjectOrganisation) -> None:
    """Take an organisation out of the project; refused, with the reason, while participants
    or contact persons of the project belong to it."""
    access.require("project.edit")
    if link.project_id != access.project.pk:
        raise Http404
    if link.role == ProjectOrganisation.Role.OWNER:
        raise ValidationError(_("Projektägaren kan inte tas bort ur projektet."))
    name = link.organisation.name
    people = access.project.participations.filter(organisation_id=link.organisation_id).count()
    if people:
        raise ValidationError(
            ngettext(
                "%(name)s kan inte tas bort: %(count)s deltagare i projektet hör till den.",
                "%(name)s kan inte tas bort: %(count)s deltagare i projektet hör till den.",
                people,
            )
            % {"name": name, "count": people}
        )
    contacts = access.project.memberships.filter(organisation_id=link.organisation_id).count()
    if contacts:
        raise ValidationError(
            _("%(name)s kan inte tas bort: ta först bort dess kontaktpersoner i projektteamet.")
            % {"name": name}
        )
    link.delete()


@transaction.atomic
def membership_add(
    *,
    access: ProjectAccess,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation_id: int | None,
) -> tuple[Membership, bool]:
    """Give someone a staff role in the project. A new address gets an account without a
    password, and is mailed a link to choose one. A contact person may be added again for
    another organisation; any other second role is refused. Returns (membership, new user)."""
    access.require("project.edit")
    if (
        organisation_id
        and not ProjectOrganisation.objects.filter(
            project=access.project, organisation_id=organisation_id
        ).exists()
    ):
        raise ValidationError({"organisation": _("Organisationen deltar inte i projektet.")})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is not None:
        _refuse_a_second_role(access=access, user=user, email=email, role=role)
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # The coordinator vouches for the address, and the password can only be chosen
        # through the link mailed to it.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    membership = Membership(
        user=user,
        project=access.project,
        role=role,
        organisation_id=organisation_id if role == Membership.Role.CONTACT else None,
    )
    membership.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "organisation": _(
                    "%(email)s är redan kontaktperson för den organisationen i projektet."
                )
                % {"email": email}
            }
        ) from exc
    # Which project and role; for a new account, the link to choose a password.
    mail.request("staff_welcome", once_per=membership.pk, membership_id=membership.pk)
    return membership, created


def _refuse_a_second_role(*, access: ProjectAccess, user: User, email: str, role: str) -> None:
    roles = set(
        Membership.objects.filter(user=user, project=access.project).values_list("role", flat=True)
    )
    if not roles:
        return
    if role == Membership.Role.CONTACT and roles == {Membership.Role.CONTACT}:
        return  # contact for one more organisation; the same one twice is the constraint's
    raise ValidationError(
        {"email": _("%(email)s har redan en roll i projektet.") % {"email": email}}
    )


@transaction.atomic
def membership_remove(*, access: ProjectAccess, membership: Membership) -> None:
    access.require("project.edit")
    if membership.project_id != access.project.pk:
        raise Http404  # the caller looked it up in the project; never another project's role
    if membership.user_id == access.user_id and membership.role == Membership.Role.COORDINATOR:
        raise ValidationError(_("Du kan inte ta bort din egen roll som samordnare."))
    membership.delete()


@transaction.atomic
def project_start(
    *,
    diarienummer: str,
    name: str,
    owner_name: str,
    owner_organisationsnummer: str,
    programme_period: str,
    programme_area: str,
    start_date: Any,
    end_date: Any,
    coordinator_email: str,
    coordinator_first_name: str = "",
    coordinator_last_name: str = "",
    coordinator_password: str | None = None,
) -> Membership:
    """A new installation's first project, its owner and its first coordinator (`manage.py
    project_start`): before it there is nobody whose access could vouch for anyone, so this is
    the one write that takes no ProjectAccess. Everything after it goes through the pages.
    Without a password the coordinator chooses one through "Glömt lösenord" on the login page
    (the address is vouched for by whoever runs the command)."""
    owner = organisation_find_or_create(
        organisationsnummer=owner_organisationsnummer, name=owner_name
    )
    project = Project(
        diarienummer=diarienummer.strip(),
        name=name.strip(),
        owner=owner,
        programme_period=programme_period,
        programme_area=programme_area.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    project.full_clean()
    project.save()
    ProjectOrganisation.objects.create(
        project=project, organisation=owner, role=ProjectOrganisation.Role.OWNER
    )
    email = coordinator_email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, first_name=coordinator_first_name, last_name=coordinator_last_name
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if coordinator_password:
        validate_password(coordinator_password, user)
        user.set_password(coordinator_password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    return Membership.objects.create(user=user, project=project, role=Membership.Role.COORDINATOR)


# What a new project takes from the one it is copied from: how the project is run, not what
# its own grant decision says (number, name, dates, phases, money, planned participants and
# retention come from the new decision) and nothing about people.
COPIED_SETTINGS = [
    "owner",
    "region",
    "programme_period",
    "programme_area",
    "specific_objective",
    "intervention_code",
    "eu_cofinancing_rate",
    "cofinancing_method",
    "unit_cost_year",
    "annual_hours_basis",
    "eligible_hours_per_year",
    "hour_rounding",
    "staff_login_requirement",
    "survey_anonymity_threshold",
]


def _as_owner_error(error: ValidationError) -> ValidationError:
    """An owner organisation's error on the project form's owner fields."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"owner_organisationsnummer": error.messages})
    names = {"name": "owner_name", "organisationsnummer": "owner_organisationsnummer"}
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )


def _project_save(project: Project) -> Project:
    project.full_clean()
    project.save()
    ProjectOrganisation.objects.create(
        project=project, organisation=project.owner, role=ProjectOrganisation.Role.OWNER
    )
    return project


@transaction.atomic
def project_create(
    *,
    user: User,
    fields: dict[str, Any],
    owner_organisationsnummer: str,
    owner_name: str,
    owner_kind: str,
    coordinator_email: str = "",
    coordinator_first_name: str = "",
    coordinator_last_name: str = "",
) -> Project:
    """A project from its grant decision, by a platform admin. The owner organisation takes
    part from the start; a first coordinator named here is mailed by membership_add."""
    if not may_create_projects(user):
        raise PermissionDenied
    try:
        owner = organisation_find_or_create(
            organisationsnummer=owner_organisationsnummer, name=owner_name, kind=owner_kind
        )
    except ValidationError as error:
        raise _as_owner_error(error) from error
    project = _project_save(Project(**fields, owner=owner))
    if coordinator_email:
        access = project_access(user, project)
        assert access is not None  # a platform admin reaches every project
        _coordinator_add(
            access,
            email=coordinator_email,
            first_name=coordinator_first_name,
            last_name=coordinator_last_name,
        )
    return project


def _coordinator_add(access: ProjectAccess, *, email: str, first_name: str, last_name: str) -> None:
    try:
        membership_add(
            access=access,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=Membership.Role.COORDINATOR,
            organisation_id=None,
        )
    except ValidationError as error:
        raise ValidationError({"coordinator_email": error.messages}) from error


@transaction.atomic
def project_copy(
    *, access: ProjectAccess, user: User, fields: dict[str, Any], copy_team: bool
) -> Project:
    """A new project (its own diarienummer, dates and money from its new decision) with the
    settings, unit costs and organisations of `access.project`, coordinated by the copier.
    With `copy_team`, the others of the team get the same roles again (and the mail that
    says so). Participants, activities and surveys stay with the old project."""
    access.require("project.copy")
    source = access.project
    copied = {name: getattr(source, name) for name in COPIED_SETTINGS}
    project = _project_save(Project(**copied, **fields))
    for link in source.project_organisations.exclude(organisation=source.owner):
        ProjectOrganisation.objects.create(
            project=project, organisation_id=link.organisation_id, role=link.role
        )
    years = range(project.start_date.year, project.end_date.year + 1)
    for cost in source.unit_costs.filter(year__in=years):
        UnitCost.objects.create(project=project, year=cost.year, sek_per_hour=cost.sek_per_hour)
    # The copier asked for the project, so no mail tells them of their own role in it.
    Membership.objects.create(user=user, project=project, role=Membership.Role.COORDINATOR)
    if copy_team:
        new_access = project_access(user, project)
        assert new_access is not None
        team = source.memberships.exclude(user=user).select_related("user")
        for membership in team.order_by("pk"):
            membership_add(
                access=new_access,
                email=membership.user.email,
                first_name=membership.user.first_name,
                last_name=membership.user.last_name,
                role=membership.role,
                organisation_id=membership.organisation_id,
            )
    return project


@transaction.atomic
def project_archive(*, access: ProjectAccess) -> None:
    """Make the project read-only (permissions.READABLE_WHEN_ARCHIVED): it is listed apart,
    nothing in it changes, its data and reports stay readable until retain_until."""
    access.require("project.archive")
    Project.objects.filter(pk=access.project.pk).update(archived=True)
