"""The DigComp frameworks as data: areas, competences and sub-levels per version (rows
written by data migrations, never edited in the platform). Re-exported by surveys.models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .digcomp import Version


def localized(obj: models.Model, field: str) -> str:
    """The English text when the page is in English and one is given, else the Swedish."""
    if (get_language() or "sv").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_sv")


def _version_field() -> models.CharField:
    return models.CharField(_("DigComp-version"), max_length=3, choices=Version.choices)


class DigCompArea(models.Model):
    """One of the five competence areas of a DigComp version (shipped by data migrations:
    2.2 in 0003, 3.0 in 0009). Area numbers 1–5 are the same in both versions."""

    version = _version_field()
    number = models.PositiveSmallIntegerField(_("nummer"))
    name_sv = models.CharField(_("namn (svenska)"), max_length=100)
    name_en = models.CharField(_("namn (engelska)"), max_length=100)

    class Meta:
        verbose_name = _("DigComp-område")
        verbose_name_plural = _("DigComp-områden")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="uniq_digcomp_area"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class DigCompCompetence(models.Model):
    # Kept equal to the area's version (the data migrations write both); a query for one
    # version's competences then needs no join.
    version = _version_field()
    area = models.ForeignKey(DigCompArea, on_delete=models.PROTECT, related_name="competences")
    code = models.CharField(_("kod"), max_length=5)  # "1.1" … "5.4"
    name_sv = models.CharField(_("namn (svenska)"), max_length=150)
    name_en = models.CharField(_("namn (engelska)"), max_length=150)
    description_sv = models.CharField(_("beskrivning"), max_length=300)
    description_en = models.CharField(_("beskrivning (engelska)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("DigComp-kompetens")
        verbose_name_plural = _("DigComp-kompetenser")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_digcomp_competence"),
        ]

    def __str__(self) -> str:
        return f"DigComp {self.version} {self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class DigCompLevel(models.Model):
    """The eight sub-levels of a DigComp version, in plain Swedish: the answer options of a
    level question. `band` names the main level; surveys.digcomp.main_level is the rule."""

    class Band(models.TextChoices):
        FOUNDATION = "foundation", _("Grundläggande")
        INTERMEDIATE = "intermediate", _("Medel")
        ADVANCED = "advanced", _("Avancerad")
        SPECIALISED = "specialised", _("Högt specialiserad")
        BASIC = "basic", _("Grundnivå")
        HIGHLY_ADVANCED = "highly_advanced", _("Mycket avancerad nivå")

    version = _version_field()
    level = models.PositiveSmallIntegerField(_("nivå"))
    band = models.CharField(_("nivågrupp"), max_length=16, choices=Band.choices)
    label_sv = models.CharField(_("text (svenska)"), max_length=200)
    label_en = models.CharField(_("text (engelska)"), max_length=200)

    class Meta:
        verbose_name = _("DigComp-nivå")
        verbose_name_plural = _("DigComp-nivåer")
        ordering = ["version", "level"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=8), name="digcomp_level_1_to_8"
            ),
            models.UniqueConstraint(fields=["version", "level"], name="uniq_digcomp_level"),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.level}: {self.label_sv}"
