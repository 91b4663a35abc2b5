"""Surveys: the results page and the Excel export of a round with 20 000 responses × 40
questions (plus a baseline round of the same size, so the paired change is computed)."""

from __future__ import annotations

import random

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo import generator
from digiproj.projects.models import Project
from participants.models import Participation
from surveys import services
from surveys.models import (
    Answer,
    AreaLevel,
    Question,
    QuestionOption,
    Response,
    Round,
    Section,
    Survey,
    SurveyExport,
)

RESPONSES = 20_000
TITLE = "Bench: DigComp + 15 frågor"


def _survey(project: Project) -> Survey:
    survey = Survey.objects.filter(project=project, title=TITLE).first()
    if survey:
        return survey
    survey = services.digcomp_survey_create(project=project)  # 21 level + 4 Likert questions
    survey.title = TITLE
    survey.save(update_fields=["title"])
    section = Section.objects.create(survey=survey, order=99, title_sv="Om ditt arbete")
    for i in range(15):
        kind = [Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.NUMBER][i % 3]
        question = Question.objects.create(
            section=section, order=i, kind=kind, text_sv=f"Extra {i + 1}", code=f"E{i + 1}"
        )
        if kind != Question.Kind.NUMBER:
            QuestionOption.objects.bulk_create(
                QuestionOption(question=question, value=v, position=v, label_sv=f"Val {v}")
                for v in range(1, 5)
            )
    return survey


def _round(survey: Survey, purpose: str, name: str, days_ago: int) -> Round:
    round_, _ = Round.objects.get_or_create(
        survey=survey,
        name=name,
        defaults={
            "purpose": purpose,
            "opens_at": timezone.now() - timezone.timedelta(days=days_ago),
            "closes_at": timezone.now() + timezone.timedelta(days=30),
        },
    )
    return round_


def _fill(round_: Round, participations: list[dict], questions: list[Question], seed: int) -> int:
    if Response.objects.filter(round=round_).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    batch = 1000
    for start in range(0, len(participations), batch):
        chunk = participations[start : start + batch]
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    round=round_,
                    person_id=p["person_id"],
                    status=Response.Status.SUBMITTED,
                    submitted_at=now,
                    gender=p["gender"],
                    organisation_id=p["organisation_id"],
                    role_group=p["role_group"],
                )
                for p in chunk
            )
            answers = []
            for response in responses:
                for q in questions:
                    if q.kind == Question.Kind.DIGCOMP_LEVEL:
                        answers.append(
                            Answer(response=response, question=q, value_int=rng.randint(0, 8))
                        )
                    elif q.kind == Question.Kind.LIKERT:
                        answers.append(
                            Answer(response=response, question=q, value_int=rng.randint(1, 5))
                        )
                    elif q.kind == Question.Kind.SINGLE:
                        answers.append(
                            Answer(response=response, question=q, value_int=rng.randint(1, 4))
                        )
                    elif q.kind == Question.Kind.MULTIPLE:
                        for v in rng.sample(range(1, 5), rng.randint(1, 2)):
                            answers.append(Answer(response=response, question=q, value_int=v))
                    else:
                        answers.append(
                            Answer(response=response, question=q, value_number=rng.randint(0, 40))
                        )
            Answer.objects.bulk_create(answers, batch_size=5000)
    return len(participations)


def run(bench) -> None:
    generator.seed(participants_per_project=RESPONSES, force=True)
    project = Project.objects.get(diarienummer="2020/00268")
    survey = _survey(project)
    questions = list(
        Question.objects.filter(section__survey=survey).order_by("section__order", "order")
    )
    bench.record("survey questions", len(questions))
    participations = list(
        Participation.objects.filter(project=project)
        .order_by("pk")
        .values("person_id", "gender", "organisation_id", "role_group")[:RESPONSES]
    )
    baseline = _round(survey, Round.Purpose.BASELINE, "Bench nuläge", 60)
    follow_up = _round(survey, Round.Purpose.FOLLOW_UP, "Bench uppföljning", 1)
    with bench.measure() as m:
        created = _fill(baseline, participations, questions, 1)
        created += _fill(follow_up, participations, questions, 2)
    if created:
        bench.record("generate responses (bulk_create)", created / m.seconds, "responses/s")
    if not AreaLevel.objects.filter(response__round=follow_up).exists():
        with bench.measure() as m:
            for round_ in (baseline, follow_up):
                services.area_levels_compute(responses=Response.objects.filter(round=round_))
        bench.record("compute area levels for 2 × 20 000 responses", m.seconds, "s")
    bench.record(
        "answers in follow-up round", Answer.objects.filter(response__round=follow_up).count()
    )

    client = bench.client_for("koordinator@digiproj.test")
    url = reverse("surveys:results", args=[project.pk, follow_up.pk])
    page = bench.time_get(client, url)
    bench.record(f"results page, {RESPONSES} responses × 40: time", page.seconds * 1000, "ms")
    bench.record(f"results page, {RESPONSES} responses × 40: queries", page.queries)
    with bench.measure(memory=True) as m:
        client.get(url)
    bench.record("results page: memory above start (peak RSS)", m.peak_mib - m.start_mib, "MiB")

    export = SurveyExport.objects.create(round=follow_up, language="sv")  # queued, not sent
    with bench.measure() as m:
        services.survey_export_run(export_id=export.pk)
    export.refresh_from_db()
    bench.record(f"Excel export, {RESPONSES} responses × 40: time", m.seconds, "s")
    bench.record("Excel export: queries", m.queries)
    bench.record("Excel export: file size", export.file.size / 2**20, "MiB")
    # Again under tracemalloc, which slows Python down several times: memory only.
    export = SurveyExport.objects.create(round=follow_up, language="sv")  # queued, not sent
    with bench.measure(memory=True) as m:
        services.survey_export_run(export_id=export.pk)
    bench.record("Excel export: memory above start (peak RSS)", m.peak_mib - m.start_mib, "MiB")
