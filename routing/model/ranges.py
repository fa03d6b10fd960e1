"""The valid range of every number a scenario folder gives, in one place.

The scenario reader (:mod:`routing.io.scenario`) checks each table cell and ``scenario.toml``
value against its range here, so a value no county has (a 10^300 kg van, a cost of 10^-12 CNY
per km, a station with 2^63 parcels) is an error naming file, row, field and this range — not an
overflow deep in an engine after the solve started. scenarios/README.md lists them ("Valid
ranges"); a test keeps the two in step.

The bounds are generous for a county's delivery network and keep every engine's integer
arithmetic far from overflowing (OR-Tools' int64 objective at 10^4 units per CNY, PyVRP's
prizes and costs; see routing.units and routing.solve.pyvrp_backend). The model classes check
only what every scenario must satisfy (finite, signs, orders), because generated benchmark
instances legitimately go outside these ranges (cost per km of 10^7 to make distance dominate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..constants import (
    CHINA_LAT_RANGE,
    CHINA_LON_RANGE,
    MAX_CHANGE_PENALTY,
    MAX_SEED,
    MAX_SOLUTION_LIMIT,
    MAX_TIME_LIMIT_S,
)


def show(x: float) -> str:
    """A bound as people write it: 100,000 and 0.01, never 1e+05."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"


@dataclass(frozen=True, slots=True)
class Range:
    """Closed range ``low..high`` (``low`` excluded when ``low_open``), whole numbers only when
    ``whole``; ``zero``: 0 is valid too (a cost of 0 is "free", but a tiny positive one
    overflows the engines' integer scaling). ``rule_text`` replaces the generated wording."""

    low: float
    high: float
    unit: str = ""
    whole: bool = False
    low_open: bool = False
    zero: bool = False
    rule_text: str = ""

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.whole and not (isinstance(value, int) or float(value).is_integer()):
            return False
        if not math.isfinite(value):
            return False
        if self.zero and value == 0:
            return True
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    @property
    def rule(self) -> str:
        """What a message says the value must be: ``must be a finite number >= 0 and <= 100``."""
        if self.rule_text:
            return self.rule_text
        kind = "whole" if self.whole else "finite"
        unit = f" {self.unit}" if self.unit else ""
        zero = "0 or " if self.zero else ""
        return (f"must be {zero}a {kind} number {'>' if self.low_open else '>='} "
                f"{show(self.low)} and <= {show(self.high)}{unit}")

    @property
    def span(self) -> str:
        """The range as the README's table writes it: ``0.01–1,000 (or 0)``, ``> 0–100,000``."""
        low = f"> {show(self.low)}" if self.low_open else show(self.low)
        text = f"{low}–{show(self.high)}"
        if self.whole:
            text += ", whole"
        return text + (" (or 0)" if self.zero else "")


#: Station coordinates: inside China (WGS84 after conversion).
LON = Range(*CHINA_LON_RANGE, "degrees", rule_text="must be a longitude inside China "
            f"({CHINA_LON_RANGE[0]}..{CHINA_LON_RANGE[1]}, WGS84 degrees)")
LAT = Range(*CHINA_LAT_RANGE, "degrees", rule_text="must be a latitude inside China "
            f"({CHINA_LAT_RANGE[0]}..{CHINA_LAT_RANGE[1]}, WGS84 degrees)")
#: Straight-line km from the hub a station may be at most (``[network] max_station_km``):
#: a county is at most about 150 km across; 1,500 km is a typo (another province's point).
MAX_STATION_KM = 300.0
DAYS = Range(1, 7, "days", whole=True, rule_text="must be a whole number of days in 1..7")
STOP_MIN = Range(0, 240, "minutes", rule_text="must be in 0..240 minutes")

#: Checked by the Station itself (after GCJ-02/BD-09 conversion), one message per row;
#: listed for the docs.
COORDINATES: dict[str, Range] = {"stations.lon": LON, "stations.lat": LAT}
#: Table columns: "<table>.<column>" → range.
COLUMNS: dict[str, Range] = {
    "stations.service_min": STOP_MIN,
    "stations.visit_every_days": DAYS,
    "carriers.market_share": Range(0, 1, rule_text="must be a fraction in 0..1"),
    "carriers.visit_every_days": DAYS,
    "vehicles.count": Range(0, 1_000, "vehicles", whole=True),
    "vehicles.capacity_kg": Range(0, 100_000, "kg", low_open=True),
    "vehicles.capacity_m3": Range(0, 1_000, "m3", low_open=True),
    "vehicles.capacity_parcels": Range(1, 1_000_000, "parcels", whole=True),
    "vehicles.fixed_cost": Range(0, 100_000, "CNY/day"),
    "vehicles.cost_per_km": Range(0.01, 1_000, "CNY/km", zero=True),
    "vehicles.cost_per_hour": Range(0.01, 10_000, "CNY/h", zero=True),
    "vehicles.speed_kph": Range(1, 130, "km/h"),
    "vehicles.max_shift_h": Range(0.1, 24, "h"),
    "vehicles.max_trips": Range(1, 6, "trips", whole=True),
    "vehicles.cold_capacity_kg": Range(0, 100_000, "kg"),
    "demand.parcels": Range(0, 100_000, "parcels", whole=True),
    "demand.kg": Range(0, 100_000, "kg"),
    "demand.m3": Range(0, 1_000, "m3"),
}

_BUDGET = f"must be > 0 seconds and <= {MAX_TIME_LIMIT_S} (24 h)"
_TIME_LIMIT = Range(0, MAX_TIME_LIMIT_S, "s", low_open=True, rule_text=_BUDGET)
_HOURS = Range(0, 720, "h", low_open=True)

#: scenario.toml numbers: "[section] key" → range.
TOML: dict[str, Range] = {
    "[scenario] county_villages": Range(1, 100_000, "villages", whole=True),
    "[network] detour_factor": Range(1, 5, rule_text="must be in 1.0..5.0"),
    "[network] speed_kph": Range(1, 130, "km/h"),
    "[network] access_speed_kph": Range(1, 130, "km/h"),
    "[network] max_station_km": Range(1, 3_000, "km"),
    "[service] stop_min": STOP_MIN,
    "[service] per_parcel_s": Range(0, 600, "s"),
    "[service] reload_min": Range(0, 240, "minutes",
                                  rule_text="must be in 0..240 minutes"),
    "[service] transfer_min": Range(0, 240, "minutes",
                                    rule_text="must be in 0..240 minutes"),
    "[targets] on_time_h": _HOURS,
    "[targets] fresh_h": _HOURS,
    "[targets] max_trunk_routes": Range(1, 1_000, "routes", whole=True),
    "[targets] min_alliance_carriers": Range(2, 1_000, "carriers", whole=True),
    "[solve] time_limit_s": _TIME_LIMIT,
    "[solve] seed": Range(0, MAX_SEED, whole=True,
                          rule_text=f"must be a whole number in 0..{MAX_SEED}"),
    "[solve] solution_limit": Range(
        1, MAX_SOLUTION_LIMIT, whole=True,
        rule_text=f"must be a whole number >= 1 and <= {MAX_SOLUTION_LIMIT}"),
    "[solve] unserved_penalty": Range(1, 10_000_000, "CNY"),
    "[solve] change_penalty": Range(0, MAX_CHANGE_PENALTY, "CNY"),
    "[costs] hub_per_parcel": Range(0, 100, "CNY"),
    "[costs] outlet_per_parcel": Range(0, 100, "CNY"),
    "[costs] station_per_parcel": Range(0, 100, "CNY"),
    "[compare] time_limit_s": _TIME_LIMIT,
    "[compare] coalition_time_limit_s": _TIME_LIMIT,
}
