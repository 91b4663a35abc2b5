"""The DigComp framework versions the platform ships (2.2 and 3.0) and the one rule that
places a level on the 8-step scale in its version's main level.

Both versions are answered on the same eight sub-levels (1–8), so answers, area levels and
means keep one scale. A version's four main levels each span two sub-levels. Figures are
compared only within one version: the competences behind an area are not the same across
versions, so a change from a 2.2 baseline to a 3.0 follow-up would measure the framework,
not the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Version(models.TextChoices):
    V2_2 = "2.2", "DigComp 2.2"
    V3_0 = "3.0", "DigComp 3.0"


# What a new survey uses: the newest framework. Surveys made before keep theirs.
LATEST = Version.V3_0

SUB_LEVELS = range(1, 9)

MAIN_LEVEL_NAMES: dict[str, tuple[Promise, Promise, Promise, Promise]] = {
    Version.V2_2: (_("Grundläggande"), _("Medel"), _("Avancerad"), _("Högt specialiserad")),
    Version.V3_0: (
        _("Grundnivå"),
        _("Mellannivå"),
        _("Avancerad nivå"),
        _("Mycket avancerad nivå"),
    ),
}


@dataclass(frozen=True)
class MainLevel:
    number: int  # 1–4
    name: str
    sub_levels: tuple[int, int]

    def __str__(self) -> str:
        return self.name


def main_level(version: str, sub_level: float | None) -> MainLevel | None:
    """The main level a sub-level (1–8), or a mean on that scale, falls in: 1–2 → 1,
    3–4 → 2, 5–6 → 3, 7–8 → 4. A mean is placed by the sub-level it rounds to (half up), so
    the borders lie at 2.5, 4.5 and 6.5. None for no level or an unknown version. This is
    the only place the rule is written."""
    if sub_level is None or version not in MAIN_LEVEL_NAMES:
        return None
    step = min(max(int(float(sub_level) + 0.5), SUB_LEVELS[0]), SUB_LEVELS[-1])
    number = (step + 1) // 2
    return MainLevel(
        number=number,
        name=str(MAIN_LEVEL_NAMES[version][number - 1]),
        sub_levels=(2 * number - 1, 2 * number),
    )


def scale_text(version: str) -> str:
    """The main levels of a version in one line, for the notes under a table."""
    names = MAIN_LEVEL_NAMES.get(version, MAIN_LEVEL_NAMES[LATEST])
    return ", ".join(f"{2 * i + 1}–{2 * i + 2} {str(name).lower()}" for i, name in enumerate(names))


def label(version: str) -> str:
    return f"DigComp {version}"


def comparable(baseline_version: str | None, follow_up_version: str | None) -> bool:
    """Whether two rounds' levels may be compared (paired): only within one version."""
    return baseline_version is not None and baseline_version == follow_up_version


def not_comparable_message(baseline_version: str, follow_up_version: str) -> str:
    return gettext(
        "Nulägesmätningen använder DigComp %(baseline)s och uppföljningen DigComp "
        "%(follow_up)s; förändring kan bara beräknas inom samma version."
    ) % {"baseline": baseline_version, "follow_up": follow_up_version}
