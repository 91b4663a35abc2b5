"""What a coordinator teaches the import once for the project: which of the HR file's own
headers is which field, and which employer a name in the file means. Each is kept for the
project, so next month's file is read the same way without asking."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project

from ..import_models import ImportHeaderMapping, OrganisationAlias, header_key


def import_mapping_remembered(*, project: Project) -> dict[str, str]:
    return dict(ImportHeaderMapping.objects.filter(project=project).values_list("header", "column"))


def import_mapping_suggest(*, project: Project, headers: list[str]) -> dict[str, str]:
    """The mapping a new file starts with: the project's remembered choices, else the
    headers' known names (importing.suggest_mapping)."""
    from .. import importing

    return importing.suggest_mapping(headers, import_mapping_remembered(project=project))


def _recheck_upload(upload: Any, **fields: Any) -> Any:
    """Check a pending upload again after something it is read by changed, so the preview
    shows what the import will now do. Nothing is imported."""
    from ..models import ParticipantImport
    from .imports import _checked, _recheck

    upload = (
        ParticipantImport.objects.select_for_update(of=("self",))
        .select_related("project", "organisation")
        .get(pk=upload.pk)
    )
    if upload.status != ParticipantImport.Status.PENDING:
        return upload
    for name, value in fields.items():
        setattr(upload, name, value)
    for name, value in _checked(_recheck(upload)).items():
        setattr(upload, name, value)
    upload.save(update_fields=[*fields, "errors", "changes", "preview"])
    return upload


@transaction.atomic
def import_mapping_set(*, upload: Any, mapping: dict[str, str]) -> Any:
    """Use the chosen header -> column mapping for a pending upload and remember it for the
    project (next month's file with the same headers is read the same way). A column may
    be chosen for one header only."""
    from .. import importing

    keys = {c.key for c in importing.COLUMNS}
    chosen = {header_key(h): c for h, c in mapping.items() if header_key(h)}
    unknown = [c for c in chosen.values() if c and c not in keys]
    used = [c for c in chosen.values() if c]
    if unknown or len(used) != len(set(used)):
        raise ValidationError(
            _("Varje fält kan bara väljas för en kolumn. Välj ”Importeras inte” för de andra."),
            code="mapping_twice",
        )
    for header, column in chosen.items():
        ImportHeaderMapping.objects.update_or_create(
            project=upload.project, header=header[:200], defaults={"column": column}
        )
    return _recheck_upload(upload, mapping=chosen)


@transaction.atomic
def organisation_alias_add(*, upload: Any, name: str, organisation: Organisation) -> Any:
    """Remember that `name`, as the file writes it, means `organisation` in this project,
    and check the pending upload again with it."""
    from digiproj.projects.models import ProjectOrganisation

    project = upload.project
    if not ProjectOrganisation.objects.filter(project=project, organisation=organisation).exists():
        raise ValidationError(_("Organisationen deltar inte i projektet."), code="organisation")
    key = header_key(name)
    if not key:
        raise ValidationError(_("Skriv namnet som det står i filen."), code="required")
    OrganisationAlias.objects.update_or_create(
        project=project,
        key=key[:200],
        defaults={"organisation": organisation, "name": name.strip()[:200]},
    )
    return _recheck_upload(upload)
