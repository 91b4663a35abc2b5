"""What a project's coordinators taught the import once, so that next month's HR file
needs no teaching: which field each of the file's own headers is, and which employer a
name in the file means. Imported by models.py (Django finds the models there)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiproj.projects.models import Organisation, Project


def header_key(text: str) -> str:
    """How a header or a name is compared: case, spaces and a trailing * do not count."""
    return " ".join(str(text).replace("*", "").strip().lower().split())


class ImportHeaderMapping(models.Model):
    """One of a file's own headers and the import column it was mapped to in this project
    (`column` empty: the header's cells are not imported)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    header = models.CharField(_("rubrik i filen"), max_length=200)  # header_key form
    column = models.CharField(_("fält"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kolumnkoppling för import")
        verbose_name_plural = _("kolumnkopplingar för import")
        constraints = [
            models.UniqueConstraint(fields=["project", "header"], name="uniq_import_header"),
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.column or '-'}"


class OrganisationAlias(models.Model):
    """Another name for one of the project's organisations as HR files write it
    ("Lärcentrum Alingsås" for Alingsås kommun), per project: the same name may mean
    another employer in another project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("namn i filen"), max_length=200)
    key = models.CharField(max_length=200, editable=False)  # header_key(name)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annat namn på organisation")
        verbose_name_plural = _("andra namn på organisationer")
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="uniq_organisation_alias"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"
