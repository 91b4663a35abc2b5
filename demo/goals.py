"""DIGILO's change theory and goals, as its application names them."""

from __future__ import annotations

from decimal import Decimal

from digiproj.projects.models import Project
from goals.models import ChangeTheory, Goal

DIGILO_THEORY = {
    "need": (
        "Kommunerna och regionen i övre Norrland står inför demografiska, ekonomiska och "
        "kompetensförsörjningsmässiga utmaningar. Administrativ personal och stödfunktioner "
        "behöver digital kompetens för att delta i arbetsplatsens digitala omställning."
    ),
    "activities": (
        "Kartläggning av digital kompetens (DigComp), workshops, föreläsningar och "
        "kollegialt lärande för administrativ personal och stödfunktioner."
    ),
    "outputs": "Deltagare från Umeå, Skellefteå, Örnsköldsvik, Piteå och Region Västerbotten "
    "som genomgått kompetensutveckling; genomförda tillfällen och deltagartimmar.",
    "short_term": "Ökad motivation och höjd digital kompetens hos deltagarna; kunskap om "
    "stödfunktioners roll i den digitala förändringen.",
    "long_term": "Medarbetare som aktivt deltar i framtidens arbetsliv och i arbetsplatsens "
    "digitala transformation; organisationer som kan leda digitalt förändringsarbete.",
}


def seed_goals(project: Project) -> None:
    """DIGILO's delmål from its application, each tied to a measure the platform computes."""
    ChangeTheory.objects.get_or_create(project=project, defaults=DIGILO_THEORY)
    if Goal.objects.filter(project=project).exists():
        return
    end = project.end_date
    main = Goal.objects.create(
        project=project,
        order=0,
        step=Goal.Step.LONG_TERM,
        title="Höjd digital kompetens hos medarbetare inom offentlig administration",
        measure=Goal.Measure.PARTICIPANTS,
        target_value=Decimal(150),
        target_date=end,
    )
    specs = [
        (
            "Ökad motivation att delta i den digitala utvecklingen",
            Goal.Step.SHORT_TERM,
            {
                "measure": Goal.Measure.QUESTION_CHANGE,
                "question_codes": ["M1", "M2", "M3", "M4"],
                "target_value": Decimal("0.3"),
            },
        ),
        (
            "Höjd digital kompetens: minst 60 % höjer sin nivå i minst ett område",
            Goal.Step.SHORT_TERM,
            {"measure": Goal.Measure.LEVEL_RAISED, "target_value": Decimal(60)},
        ),
        (
            "Kunskap om stödfunktioners roll i den digitala förändringen",
            Goal.Step.SHORT_TERM,
            {"measure": Goal.Measure.AREA_CHANGE, "area": 5, "target_value": Decimal("0.5")},
        ),
        (
            "Alla oavsett kön ska ha lika möjligheter att delta och bidra",
            Goal.Step.OUTPUTS,
            {
                "measure": Goal.Measure.HOURS,
                "target_value": Decimal(300),
                "equal_opportunities": True,
                "gap_threshold": Decimal(10),
            },
        ),
    ]
    for order, (title, step, fields) in enumerate(specs, start=1):
        Goal.objects.create(
            project=project,
            parent=main,
            order=order,
            step=step,
            title=title,
            target_date=end,
            **fields,
        )
