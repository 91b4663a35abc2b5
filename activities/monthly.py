"""Månadstid: the monthly tables (models.MonthlyMinutes, and its sums per person and month,
models.ParticipantMonth) that the reports sum instead of every attendance row, kept exact by
rebuilding a participation's rows in the same transaction as anything that changes them.

What a participation's rows hold is one query (`_fill`), grouped from the sources that
activities.hours counts (hours.recorded_sources), with each day's place inside or outside
the participation's dates; `refresh` replaces a participation's rows with it. The signals at
the end call it for every saved or deleted attendance and self-reported time, every saved
session (its time may have moved) and every saved participation (its dates may have
changed; a save of only other fields is skipped); writes that skip those (bulk updates)
call `refresh` or send participants.signals.dates_changed. `rebuild` (the command
rebuild_monthly_minutes) fills both tables anew; `stale` lists the rows that differ from
what `_fill` would write (the tests run it after every test that touches the database).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, QuerySet, Sum, Value, When

from participants.models import Participation

from . import hours
from .models import Attendance, MonthlyMinutes, ParticipantMonth, SelfReportedTime, Session

_TABLE = MonthlyMinutes._meta.db_table
_MONTHS = ParticipantMonth._meta.db_table
_MONTH_VALUES = ("participation_id", "year_month", "counted", "minutes", "entries")
_VALUES = (
    "participation_id",
    "activity_id",
    "year_month",
    "from_attendance",
    "counted",
    "minutes",
    "entries",
)


def _grouped(ids: list[int] | None) -> list[tuple[int, QuerySet[Any]]]:
    """(att, rows): the monthly rows of these participations (None: all), one query per
    source, with the columns participation_id, act, year_month, counted, minutes_sum and
    entries."""
    scope: Any = Participation.objects.values("pk") if ids is None else ids
    inside = Case(
        When(hours.within_participation_q("cday"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return [
        (
            att,
            rows.annotate(counted=inside)
            .values("participation_id", "counted", year_month=F("cym"), act=F(act))
            .annotate(minutes_sum=Sum("minutes"), entries=Count("pk")),
        )
        for att, rows in hours.recorded_sources(scope)
        for act in [hours.ACTIVITY_FIELD[att][0]]
    ]


_SOURCE_COLUMNS = (
    "participation_id",
    "act",
    "year_month",
    "att",
    "counted",
    "minutes_sum",
    "entries",
)


def _fill(ids: list[int] | None) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in _VALUES)
    for att, rows in _grouped(ids):
        sql, params = rows.query.sql_with_params()
        picked = ", ".join(
            "%s" if c == "att" else f"q.{connection.ops.quote_name(c)}" for c in _SOURCE_COLUMNS
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_TABLE} ({columns}) SELECT {picked} FROM ({sql}) q",  # noqa: S608
                [bool(att), *params],
            )
    # The person-months: the rows just written, summed over activities and sources.
    months = (
        MonthlyMinutes.objects.filter(**({} if ids is None else {"participation_id__in": ids}))
        .order_by()
        .values("participation_id", "year_month", "counted")
        .annotate(total=Sum("minutes"), n=Sum("entries"))
    )
    sql, params = months.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(c) for c in _MONTH_VALUES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_MONTHS} ({names}) "  # noqa: S608
            f"SELECT q.participation_id, q.year_month, q.counted, q.total, q.n FROM ({sql}) q",
            params,
        )


_pending = threading.local()


@contextmanager
def batched() -> Iterator[None]:
    """Refresh once, at the end of the block, every participation that the block's writes
    would each have refreshed (attendance for a whole session is one refresh per person,
    not one per row). Nested blocks join the outermost."""
    if getattr(_pending, "ids", None) is not None:
        yield
        return
    _pending.ids = set()
    try:
        yield
        ids = _pending.ids
    finally:
        _pending.ids = None
    refresh(ids)


@transaction.atomic
def refresh(participation_ids: Iterable[int]) -> None:
    """Rewrite the monthly rows of these participations from their attendance and
    self-reported time as they are now, in the caller's transaction. The participations are
    locked first, so two writers of one person's time rewrite her rows one after the other."""
    ids = sorted(set(participation_ids))
    if not ids:
        return
    pending = getattr(_pending, "ids", None)
    if pending is not None:
        pending.update(ids)
        return
    list(Participation.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    for model in (MonthlyMinutes, ParticipantMonth):  # one DELETE each: no signals
        model.objects.filter(participation_id__in=ids).delete()
    _fill(ids)


@transaction.atomic
def rebuild() -> int:
    """The whole table anew (after data written past the services: a restore, the bench's
    generated rows). Returns the rows written."""
    for model in (MonthlyMinutes, ParticipantMonth):
        model.objects.all().delete()
    _fill(None)
    return MonthlyMinutes.objects.count()


def stale() -> list[tuple[Any, ...]]:
    """The rows where the tables and what `_fill` would write now differ (each as the
    participation, activity, month, source, counted, minutes and entries of the side that
    has it; a person-month as participation, month, counted, minutes and entries): none when
    both tables are exact."""
    expected = {
        tuple(bool(att) if c == "att" else row[c] for c in _SOURCE_COLUMNS)
        for att, rows in _grouped(None)
        for row in rows
    }
    held = set(MonthlyMinutes.objects.values_list(*_VALUES))
    person_months: dict[tuple[Any, ...], list[int]] = {}
    for pid, _act, ym, _att, counted, minutes, entries in expected:
        sums = person_months.setdefault((pid, ym, bool(counted)), [0, 0])
        sums[0] += minutes
        sums[1] += entries
    expected_months = {(*key, *sums) for key, sums in person_months.items()}
    held_months = {
        (pid, ym, bool(counted), minutes, entries)
        for pid, ym, counted, minutes, entries in ParticipantMonth.objects.values_list(
            *_MONTH_VALUES
        )
    }
    return sorted((expected ^ held) | (expected_months ^ held_months), key=str)


# Signals: every write of the rows the table is made of refreshes the participations it
# touched.
def _on_time_row(sender: Any, instance: Attendance | SelfReportedTime, **kwargs: Any) -> None:
    refresh([instance.participation_id])


def _changes(created: bool, update_fields: Any, fields: set[str]) -> bool:
    """Whether a save may have changed what the tables are made of: not a new row, and not
    a save of only other fields (a consent, an address, a place)."""
    return not created and (update_fields is None or bool(fields & set(update_fields)))


def _on_session(
    sender: Any, instance: Session, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if _changes(created, update_fields, {"starts_at", "activity", "activity_id"}):
        refresh(instance.attendances.values_list("participation_id", flat=True))


def _on_participation(
    sender: Any, instance: Participation, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if _changes(created, update_fields, {"start_date", "end_date"}):
        refresh([instance.pk])


def _on_dates_changed(sender: Any, ids: list[int], **kwargs: Any) -> None:
    refresh(ids)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from participants.signals import dates_changed

    for model in (Attendance, SelfReportedTime):
        post_save.connect(_on_time_row, sender=model, dispatch_uid=f"monthly.{model.__name__}")
        post_delete.connect(
            _on_time_row, sender=model, dispatch_uid=f"monthly.{model.__name__}.deleted"
        )
    post_save.connect(_on_session, sender=Session, dispatch_uid="monthly.session")
    post_save.connect(_on_participation, sender=Participation, dispatch_uid="monthly.participation")
    dates_changed.connect(_on_dates_changed, dispatch_uid="monthly.dates_changed")
