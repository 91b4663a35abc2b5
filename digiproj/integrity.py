"""One way to turn a lost unique-constraint race into the message the first-come check gives.

A service checks first ("an invitation to this address is already waiting") and the database
constraint is the backstop for two requests that both passed the check at the same moment.
Without this the loser's IntegrityError is a 500. The block runs in a savepoint, so the
caller's transaction stays usable after the violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise LookupError(f"{model._meta.label}.{name} has no column of its own")
    return field.column


def _columns(model: type[models.Model], constraint: str) -> set[str]:
    for candidate in model._meta.constraints:
        if candidate.name == constraint and isinstance(candidate, models.UniqueConstraint):
            return {_column(model, name) for name in candidate.fields}
    raise LookupError(f"{model._meta.label} has no unique constraint {constraint!r}")


def is_unique_violation(error: IntegrityError, model: type[models.Model], constraint: str) -> bool:
    """True when `error` is `model`'s unique `constraint` failing. PostgreSQL names the
    constraint; SQLite names the table's columns ("UNIQUE constraint failed: t.a, t.b")."""
    expected = _columns(model, constraint)  # also fails loudly on a misspelt name
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    if name is not None:
        return name == constraint
    found = re.search(r"UNIQUE constraint failed: (.+)$", str(error))
    if not found:
        return False
    table = model._meta.db_table
    columns = {
        part.strip().split(".", 1)[1]
        for part in found.group(1).split(",")
        if part.strip().startswith(f"{table}.")
    }
    return columns == expected


@contextmanager
def unique_or_message(
    model: type[models.Model], constraint: str, message: ValidationError | str
) -> Iterator[None]:
    """Run the block in a savepoint; `model`'s `constraint` failing in it raises
    ValidationError(message) instead (any other IntegrityError is raised unchanged)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not is_unique_violation(error, model, constraint):
            raise
        if isinstance(message, ValidationError):
            raise message from error
        raise ValidationError(message, code="duplicate") from error
