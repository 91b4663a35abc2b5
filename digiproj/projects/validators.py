from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.se import orgnr


def normalize_organisationsnummer(value: str) -> str:
    """Return the organisationsnummer as NNNNNN-NNNN, or raise a translated ValidationError."""
    try:
        compact = orgnr.validate(value)
    except Exception as exc:  # stdnum raises its own ValidationError subclasses
        raise ValidationError(
            _(
                "%(value)s är inte ett giltigt organisationsnummer (tio siffror, NNNNNN-NNNN, "
                "med rätt kontrollsiffra)."
            ),
            params={"value": value},
            code="invalid_orgnr",
        ) from exc
    return f"{compact[:6]}-{compact[6:]}"


def validate_organisationsnummer(value: str) -> None:
    normalize_organisationsnummer(value)
