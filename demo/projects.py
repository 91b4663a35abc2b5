"""Demo projects: the organisations, the two finished seed projects (DIGILO and DigiWestum)
and a running ESF+ project, with their employers and unit costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from digiproj.projects.models import Organisation, Project, ProjectOrganisation, UnitCost


class ProjectSpec(TypedDict):
    diarienummer: str
    name: str
    owner: str  # an ORGANISATIONS name
    employers: list[str]
    fields: dict[str, Any]  # the Project's own fields


ORGANISATIONS: dict[str, tuple[str, str]] = {
    # name: (organisationsnummer, kind). Numbers pass the checksum; demo data only.
    "Umeå kommun": ("212000-2742", Organisation.Kind.KOMMUN),
    "Skellefteå kommun": ("212000-2783", Organisation.Kind.KOMMUN),
    "Piteå kommun": ("212000-2817", Organisation.Kind.KOMMUN),
    "Örnsköldsviks kommun": ("212000-2460", Organisation.Kind.KOMMUN),
    "Region Västerbotten": ("232100-0222", Organisation.Kind.REGION),
    "Nätverk Westum": ("802000-0009", Organisation.Kind.OTHER),
    "Lidköpings kommun": ("212000-1462", Organisation.Kind.KOMMUN),
    "Trollhättans stad": ("212000-1538", Organisation.Kind.KOMMUN),
    "Uddevalla kommun": ("212000-1512", Organisation.Kind.KOMMUN),
    "Vänersborgs kommun": ("212000-1595", Organisation.Kind.KOMMUN),
    "Alingsås kommun": ("212000-1470", Organisation.Kind.KOMMUN),
}

PROJECTS: list[ProjectSpec] = [
    {
        "diarienummer": "2020/00268",
        "name": "DIGILO – Digital kompetens",
        "owner": "Umeå kommun",
        "employers": [
            "Umeå kommun",
            "Skellefteå kommun",
            "Örnsköldsviks kommun",
            "Piteå kommun",
            "Region Västerbotten",
        ],
        "fields": {
            "region": "Övre Norrland",
            "description": "Höja den digitala kompetensen hos administrativ personal och "
            "stödfunktioner i Umeå, Skellefteå, Örnsköldsvik, Piteå och Region Västerbotten.",
            "programme_period": Project.ProgrammePeriod.ESF_2014_2020,
            "programme_area": "1",
            "specific_objective": "1.1",
            "intervention_code": "117",
            "start_date": dt.date(2021, 3, 1),
            "end_date": dt.date(2023, 2, 28),
            "analysis_start": dt.date(2021, 3, 1),
            "analysis_end": dt.date(2021, 8, 31),
            "implementation_start": dt.date(2021, 9, 1),
            "implementation_end": dt.date(2022, 12, 31),
            "closing_start": dt.date(2023, 1, 1),
            "closing_end": dt.date(2023, 2, 28),
            "planned_participants": 400,
            "planned_women": 300,
            "planned_men": 100,
            "total_budget": Decimal("9800000"),
            "esf_support": Decimal("4900000"),
            "eu_cofinancing_rate": Decimal("50"),
            "budgeted_cofinancing": Decimal("2400000"),
            "cofinancing_method": Project.CofinancingMethod.UNIT_COST,
            "retain_until": dt.date(2028, 12, 31),
        },
    },
    {
        "diarienummer": "2020/00117",
        "name": "DigiWestum",
        "owner": "Nätverk Westum",
        "employers": [
            "Lidköpings kommun",
            "Trollhättans stad",
            "Uddevalla kommun",
            "Vänersborgs kommun",
            "Alingsås kommun",
        ],
        "fields": {
            "region": "Västsverige",
            "description": "Kompetensutveckling inom digitalisering för personalen hos "
            "Westums 35 kommunala lärcentra och vuxenutbildningar.",
            "programme_period": Project.ProgrammePeriod.ESF_2014_2020,
            "programme_area": "1",
            "specific_objective": "1.1",
            "intervention_code": "117",
            "start_date": dt.date(2020, 8, 1),
            "end_date": dt.date(2022, 7, 31),
            "analysis_start": dt.date(2020, 8, 1),
            "analysis_end": dt.date(2021, 1, 31),
            "implementation_start": dt.date(2021, 2, 1),
            "implementation_end": dt.date(2022, 5, 31),
            "closing_start": dt.date(2022, 6, 1),
            "closing_end": dt.date(2022, 7, 31),
            "planned_participants": 350,
            "total_budget": Decimal("3109687"),
            # 47.0 % of the budget, while the programme's EU rate is 50 %.
            "esf_support": Decimal("1462608"),
            "eu_cofinancing_rate": Decimal("50"),
            "budgeted_cofinancing": Decimal("1200000"),
            "cofinancing_method": Project.CofinancingMethod.UNIT_COST,
            "retain_until": dt.date(2027, 12, 31),
        },
    },
]

LIVE_PROJECT: ProjectSpec = {
    # An ESF+ project running today, so the demo shows upcoming sessions and an open survey.
    "diarienummer": "2025/00042",
    "name": "Digital vardag i Västerbotten (demo, ESF+)",
    "owner": "Region Västerbotten",
    "employers": ["Region Västerbotten", "Umeå kommun", "Skellefteå kommun"],
    "fields": {
        "region": "Övre Norrland",
        "description": "Demoprojekt: ett pågående ESF+-projekt med kommande tillfällen och en "
        "öppen självskattning.",
        "programme_period": Project.ProgrammePeriod.ESF_PLUS_2021_2027,
        "programme_area": "A",
        "specific_objective": "A1",
        "intervention_code": "146",
        "start_date": dt.date(2025, 9, 1),
        "end_date": dt.date(2027, 8, 31),
        "analysis_start": dt.date(2025, 9, 1),
        "analysis_end": dt.date(2026, 2, 28),
        "implementation_start": dt.date(2026, 3, 1),
        "implementation_end": dt.date(2027, 5, 31),
        "closing_start": dt.date(2027, 6, 1),
        "closing_end": dt.date(2027, 8, 31),
        "planned_participants": 120,
        "planned_women": 80,
        "planned_men": 40,
        "total_budget": Decimal("4200000"),
        "esf_support": Decimal("2100000"),
        "eu_cofinancing_rate": Decimal("50"),
        "budgeted_cofinancing": Decimal("900000"),
        "cofinancing_method": Project.CofinancingMethod.REAL_COST,
        "hour_rounding": Project.HourRounding.NONE,
        "retain_until": dt.date(2035, 12, 31),
    },
}

# Demo unit costs (kr per hour, lönegrupp 1) per year; the coordinator enters the real table.
UNIT_COSTS = {
    2020: Decimal("232.00"),
    2021: Decimal("238.00"),
    2022: Decimal("245.00"),
    2023: Decimal("254.00"),
}


def seed_organisations() -> dict[str, Organisation]:
    """Every demo organisation by name."""
    orgs = {}
    for name, (number, kind) in ORGANISATIONS.items():
        orgs[name], _ = Organisation.objects.get_or_create(
            organisationsnummer=number, name=name, defaults={"kind": kind}
        )
    return orgs


def seed_project(spec: ProjectSpec, orgs: dict[str, Organisation]) -> Project:
    """The project of `spec` with its owner, employers and the unit costs of its years."""
    project, _ = Project.objects.get_or_create(
        diarienummer=spec["diarienummer"],
        defaults={"name": spec["name"], "owner": orgs[spec["owner"]], **spec["fields"]},
    )
    ProjectOrganisation.objects.get_or_create(
        project=project, organisation=orgs[spec["owner"]], defaults={"role": "owner"}
    )
    for name in spec["employers"]:
        ProjectOrganisation.objects.get_or_create(
            project=project, organisation=orgs[name], defaults={"role": "employer"}
        )
    for year, cost in UNIT_COSTS.items():
        if spec["fields"]["start_date"].year <= year <= spec["fields"]["end_date"].year:
            UnitCost.objects.get_or_create(
                project=project, year=year, defaults={"sek_per_hour": cost}
            )
    return project
