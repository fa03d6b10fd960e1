"""The only place floats become the integers the solver works in.

OR-Tools works in int64. Quantities are scaled here, with named factors, so rounding happens
once and the checker (which works in floats) can state its tolerances against these units.
"""

from __future__ import annotations

import math

#: Objective units per CNY. 1e-4 CNY keeps driver cost per second (e.g. 30 CNY/h = 83 units/s)
#: accurate to about 1% while a day of a county's fleet stays far below 2**63.
COST_SCALE = 10_000
#: Capacity units: 0.1 kg, litres (0.001 m3), whole parcels.
KG_SCALE = 10
M3_SCALE = 1000


def to_kg_units(kg: float) -> int:
    """kg → 0.1 kg units, rounded up so a load is never understated."""
    return math.ceil(kg * KG_SCALE - 1e-9)


def to_m3_units(m3: float) -> int:
    """m3 → litres, rounded up so a load is never understated."""
    return math.ceil(m3 * M3_SCALE - 1e-9)


def cap_kg_units(kg: float) -> int:
    """Capacity kg → 0.1 kg units, rounded down so capacity is never overstated."""
    return math.floor(kg * KG_SCALE + 1e-9)


def cap_m3_units(m3: float) -> int:
    """Capacity m3 → litres, rounded down."""
    return math.floor(m3 * M3_SCALE + 1e-9)


def to_cost_units(cny: float) -> int:
    """CNY → objective units."""
    return round(cny * COST_SCALE)


def hhmm(seconds: int) -> str:
    """Seconds after 00:00 of the plan day as ``HH:MM`` (24:00 and later stay readable)."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def hhmm_min(minutes: float) -> str:
    """Minutes after 00:00 (as in plan.json) as ``HH:MM``."""
    return hhmm(round(minutes * 60))


def change_pct(reduction: float | None) -> str:
    """A cost reduction (0.229 = 22.9 % cheaper) as a change, ``-22.9%``: the one formatter of
    the table, the verdicts and the charts (the reduction itself is computed once, by
    ``routing.report.comparison.reduction``)."""
    if reduction is None:
        return "-"
    return f"{-100 * reduction:+.1f}%"
