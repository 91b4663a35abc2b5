"""The one rounding of every figure the platform shows or writes (page, file, goals).

Half up, to the stated number of places, on the decimal value: 3.325 → 3.33 everywhere.
Python's round() and Decimal.quantize() round half to even by default, and a float mean
such as 3.325 is stored as 3.32499999…, so neither may be used on a figure directly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import overload

# A float (SQLite's AVG, a FloatField level) carries binary noise in its last digits: it is
# read as the decimal it stands for at this many places before it is rounded. Figures are
# means of small whole numbers, so no real value lies closer than this to a rounding edge.
_FLOAT_PLACES = Decimal("1e-10")


@overload
def round_half_up(value: None, places: int) -> None: ...
@overload
def round_half_up(value: Decimal | float | int, places: int) -> Decimal: ...


def round_half_up(value: Decimal | float | int | None, places: int) -> Decimal | None:
    """`value` rounded half up to `places` decimals (None stays None)."""
    if value is None:
        return None
    if isinstance(value, float):
        exact = Decimal(repr(value)).quantize(_FLOAT_PLACES, ROUND_HALF_UP)
    else:
        exact = Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
