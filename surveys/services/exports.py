"""Excel export of a round's responses, written in the background (write_only openpyxl)."""

from __future__ import annotations

import tempfile
from typing import Any

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj import jobs
from digiproj.projects.models import Organisation

from ..models import (
    Answer,
    Question,
    Response,
    Round,
    SurveyExport,
)


def survey_export_request(*, round_: Round, user_id: int | None, language: str) -> SurveyExport:
    """Order an export and hand it to a worker. With the broker down nothing is kept and the
    ValidationError (code "broker_unavailable") says what to do."""
    export = SurveyExport(round=round_, requested_by_id=user_id, language=language or "sv")
    export.full_clean()
    export.save()
    jobs.job_enqueue(export)
    return export


def survey_export_run(*, export_id: int) -> None:
    """Write the round's submitted responses to Excel (the job's work): one row per response,
    one column per question (multiple choice: values joined by ;), and a codebook sheet.
    Idempotent: the job claim makes a redelivered task do nothing."""
    jobs.job_run(
        SurveyExport,
        export_id,
        _export_make,
        queryset=SurveyExport.objects.select_related("round__survey"),
    )


def _export_make(export: SurveyExport) -> None:
    with tempfile.TemporaryFile() as handle:
        _export_write(export, handle)
        handle.seek(0)
        export.file.save(f"enkatsvar-omgang-{export.round_id}.xlsx", File(handle), save=False)
    jobs.job_finish(export, file=export.file.name)


def _export_write(export: SurveyExport, handle: Any) -> None:
    from openpyxl import Workbook

    from digiproj.spreadsheets import neutralise, neutralise_row
    from participants.models import GENDER_CHOICES, Participation

    from .. import selectors

    round_ = export.round
    sections = selectors.survey_structure(survey=round_.survey)
    questions = [q for s in sections for q in s.questions.all()]
    position = {q.pk: i for i, q in enumerate(questions)}
    kinds = {q.pk: q.kind for q in questions}
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    genders = {code: str(label) for code, label in GENDER_CHOICES}
    role_groups = {code: str(label) for code, label in Participation.RoleGroup.choices}
    responses = Response.objects.filter(round=round_, status=Response.Status.SUBMITTED)
    total = responses.count() or 1

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Svar"))
    # In an anonymous round, gender + organisation + role group on one row could single a
    # person out, so the file has the answers only (and the day of submission).
    keep = [0, 1] if round_.anonymous else [0, 1, 2, 3, 4]
    sheet.append(
        neutralise_row(
            [
                [_("svar_id"), _("inskickad"), _("kön"), _("organisation"), _("yrkesgrupp")][i]
                for i in keep
            ]
            + [q.column for q in questions]
        )
    )
    answers = (
        Answer.objects.filter(response__in=responses)
        .annotate(grp_gender=selectors.response_gender(project=round_.survey.project))
        .order_by("response_id", "question_id", "value_int")
        .values_list(
            "response_id",
            "question_id",
            "value_int",
            "value_number",
            "value_text",
            "response__submitted_at",
            "grp_gender",
            "response__organisation_id",
            "response__role_group",
        )
    )
    current: list[Any] = []  # the response's row being filled; empty before the first
    current_id = None
    done = 0

    def flush() -> None:
        nonlocal done
        if not current:
            return
        row = [current[i] for i in keep] + current[5:]
        sheet.append(
            [
                ";".join(str(v) for v in cell) if isinstance(cell, list) else neutralise(cell)
                for cell in row
            ]
        )
        done += 1
        if done % 2000 == 0:
            jobs.job_renew(export, progress=min(99, done * 100 // total))

    for rid, qid, v_int, v_num, v_text, submitted, gender, org, role in answers.iterator(
        chunk_size=5000
    ):
        if rid != current_id:
            flush()
            current_id = rid
            local = timezone.localtime(submitted).replace(tzinfo=None) if submitted else None
            current = [
                rid,
                local,
                genders.get(gender, gender),
                organisations.get(org, ""),
                role_groups.get(role, role),
            ] + [None] * len(questions)
        column = 5 + position[qid]
        if kinds[qid] == Question.Kind.MULTIPLE:
            current[column] = [*(current[column] or []), v_int]
        elif kinds[qid] in Question.CHOICE_KINDS:
            current[column] = v_int
        elif kinds[qid] == Question.Kind.NUMBER:
            current[column] = float(v_num) if v_num is not None else None
        else:
            current[column] = v_text
    flush()

    codebook = workbook.create_sheet(_("Kodbok"))
    codebook.append(
        neutralise_row(
            [_("kolumn"), _("del"), _("fråga"), _("typ"), _("värden"), _("DigComp"), _("visas om")]
        )
    )
    for section in sections:
        for q in section.questions.all():
            codebook.append(
                neutralise_row(
                    [
                        q.column,
                        section.title_sv,
                        q.text_sv,
                        str(q.get_kind_display()),
                        "; ".join(f"{o.value} = {o.label_sv}" for o in q.options.all()),
                        q.competence.code if q.competence else "",
                        (
                            f"{questions[position[q.show_if_question_id]].column} ∈ "
                            + ", ".join(str(v) for v in q.show_if_values)
                        )
                        if q.show_if_question_id in position
                        else "",
                    ]
                )
            )
    workbook.save(handle)
