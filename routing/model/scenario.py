"""A scenario: everything one planning run needs, validated as a whole."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..constants import ALLIANCE
from ..exceptions import FieldError, ScenarioError
from .entities import Carrier, DemandLine, Station, Targets, Tier, VehicleType


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkSpec:
    """How travel distances and times are obtained.

    ``great_circle``: haversine distance × ``detour_factor`` at ``speed_kph``. ``roads``: shortest
    paths over the road file ``roads`` (OSM .osm/.pbf or a line layer).
    """

    mode: Literal["great_circle", "roads"] = "great_circle"
    detour_factor: float = 1.3
    speed_kph: float = 40.0
    roads: Path | None = None
    max_snap_m: float = 2000.0
    access_speed_kph: float = 15.0

    def __post_init__(self) -> None:
        if self.mode not in ("great_circle", "roads"):
            raise FieldError("network", "network", "mode", "must be one of {great_circle, roads}",
                             self.mode)
        if not (math.isfinite(self.detour_factor) and 1.0 <= self.detour_factor <= 5.0):
            raise FieldError("network", "network", "detour_factor", "must be in 1.0..5.0",
                             self.detour_factor)
        if not (math.isfinite(self.speed_kph) and 0 < self.speed_kph <= 130):
            raise FieldError("network", "network", "speed_kph", "must be in (0, 130] km/h",
                             self.speed_kph)
        if self.mode == "roads" and self.roads is None:
            raise FieldError("network", "network", "roads",
                             "must name a road file when mode = 'roads'", None)
        if not (self.max_snap_m > 0):
            raise FieldError("network", "network", "max_snap_m", "must be > 0 metres",
                             self.max_snap_m)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSpec:
    """Time spent at a stop: ``stop_s`` fixed plus ``per_parcel_s`` per parcel handled."""

    stop_s: int = 300
    per_parcel_s: float = 4.0

    def __post_init__(self) -> None:
        if not (isinstance(self.stop_s, int) and 0 <= self.stop_s <= 4 * 3600):
            raise FieldError("service", "service", "stop_min", "must be in 0..240 minutes",
                             self.stop_s)
        if not (math.isfinite(self.per_parcel_s) and 0 <= self.per_parcel_s <= 600):
            raise FieldError("service", "service", "per_parcel_s", "must be in 0..600 seconds",
                             self.per_parcel_s)


FIRST_SOLUTIONS = ("PATH_CHEAPEST_ARC", "SAVINGS", "PARALLEL_CHEAPEST_INSERTION",
                   "LOCAL_CHEAPEST_INSERTION", "CHRISTOFIDES", "AUTOMATIC")
METAHEURISTICS = ("GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH",
                  "GREEDY_DESCENT", "AUTOMATIC")


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveSpec:
    """Solver budget and strategy. A time limit is always set: OR-Tools' default is unbounded."""

    time_limit_s: float = 30.0
    seed: int = 1
    solution_limit: int | None = None
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    unserved_penalty: float = 100_000.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0):
            raise FieldError("solve", "solve", "time_limit_s", "must be > 0 seconds",
                             self.time_limit_s)
        if self.solution_limit is not None and self.solution_limit < 1:
            raise FieldError("solve", "solve", "solution_limit", "must be >= 1",
                             self.solution_limit)
        if self.first_solution not in FIRST_SOLUTIONS:
            raise FieldError("solve", "solve", "first_solution",
                             f"must be one of {{{', '.join(FIRST_SOLUTIONS)}}}",
                             self.first_solution)
        if self.metaheuristic not in METAHEURISTICS:
            raise FieldError("solve", "solve", "metaheuristic",
                             f"must be one of {{{', '.join(METAHEURISTICS)}}}", self.metaheuristic)
        if not (self.unserved_penalty > 0):
            raise FieldError("solve", "solve", "unserved_penalty", "must be > 0 CNY",
                             self.unserved_penalty)


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A cross-reference problem: which table, which item (0-based), which field, what is wrong."""

    table: str
    index: int
    field: str
    message: str


def cross_problems(stations: Sequence[Station], carriers_: Sequence[Carrier],
                   vehicle_types: Sequence[VehicleType],
                   demand: Sequence[DemandLine]) -> list[Problem]:
    """Check references between the tables; return every problem (empty when consistent)."""
    out: list[Problem] = []
    by_id: dict[str, Station] = {}
    for i, s in enumerate(stations):
        if s.id in by_id:
            out.append(Problem(table="stations", index=i, field="id",
                               message=f"duplicate station id {s.id!r}"))
        by_id[s.id] = s
    for i, s in enumerate(stations):
        if s.township_id is not None:
            parent = by_id.get(s.township_id)
            if parent is None:
                out.append(Problem(table="stations", index=i, field="township",
                                   message=f"unknown station {s.township_id!r}"))
            elif parent.tier is not Tier.TOWNSHIP:
                out.append(Problem(table="stations", index=i, field="township",
                                   message=f"{s.township_id!r} is a {parent.tier} station, "
                                   "expected a township station"))
    carriers = {c.id for c in carriers_}
    if len(carriers) != len(carriers_):
        out.append(Problem(table="carriers", index=0, field="id", message="duplicate ids"))
    seen_types: set[str] = set()
    for i, v in enumerate(vehicle_types):
        if v.id in seen_types:
            out.append(Problem(table="vehicles", index=i, field="id",
                               message=f"duplicate vehicle type id {v.id!r}"))
        seen_types.add(v.id)
        if v.depot_id not in by_id:
            out.append(Problem(table="vehicles", index=i, field="depot",
                               message=f"unknown station {v.depot_id!r}"))
        if v.owner != ALLIANCE and v.owner not in carriers:
            out.append(Problem(table="vehicles", index=i, field="owner",
                               message=f"must be '{ALLIANCE}' or one of the carriers "
                               f"{sorted(carriers)}; got {v.owner!r}"))
    if not any(v.count > 0 for v in vehicle_types):
        out.append(Problem(table="vehicles", index=0, field="count",
                           message="the fleet has no vehicle (every count is 0)"))
    depots = {v.depot_id for v in vehicle_types}
    seen_lines: set[str] = set()
    for i, d in enumerate(demand):
        if d.id in seen_lines:
            out.append(Problem(table="demand", index=i, field="id",
                               message=f"duplicate demand line id {d.id!r}"))
        seen_lines.add(d.id)
        if d.station_id not in by_id:
            out.append(Problem(table="demand", index=i, field="station",
                               message=f"unknown station {d.station_id!r}"))
        elif d.station_id in depots:
            out.append(Problem(table="demand", index=i, field="station",
                               message=f"{d.station_id!r} is a depot; demand must be at a "
                               "station vehicles visit"))
        if d.carrier_id not in carriers:
            out.append(Problem(table="demand", index=i, field="carrier",
                               message=f"unknown carrier {d.carrier_id!r}; known: "
                               f"{sorted(carriers)}"))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """One planning day of one county: the network, the fleet, the parcels and the targets."""

    name: str
    stations: tuple[Station, ...]
    carriers: tuple[Carrier, ...]
    vehicle_types: tuple[VehicleType, ...]
    demand: tuple[DemandLine, ...]
    title: str = ""
    date: str = ""
    targets: Targets = field(default_factory=Targets)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    service: ServiceSpec = field(default_factory=ServiceSpec)
    solve: SolveSpec = field(default_factory=SolveSpec)
    root: Path | None = None

    def __post_init__(self) -> None:
        problems = self.cross_problems()
        if problems:
            raise ScenarioError([f"{p.table}[{p.index}] {p.field}: {p.message}" for p in problems],
                                source=f"scenario '{self.name}'")

    def cross_problems(self) -> list[Problem]:
        """Check references between tables; return every problem (empty when consistent)."""
        return cross_problems(self.stations, self.carriers, self.vehicle_types, self.demand)


    # Lookups used everywhere; cheap enough to rebuild, and keeping them derived avoids
    # stored state that could drift from the tuples.
    def station(self, station_id: str) -> Station:
        """Return the station with this id (KeyError if unknown)."""
        for s in self.stations:
            if s.id == station_id:
                return s
        raise KeyError(station_id)

    def vehicle_type(self, type_id: str) -> VehicleType:
        """Return the vehicle type with this id (KeyError if unknown)."""
        for v in self.vehicle_types:
            if v.id == type_id:
                return v
        raise KeyError(type_id)

    def vehicles(self) -> list[tuple[str, VehicleType]]:
        """Every single vehicle as (vehicle id, type): type ``van`` with count 3 → van-1..van-3."""
        return [(f"{v.id}-{k}", v) for v in self.vehicle_types for k in range(1, v.count + 1)]
