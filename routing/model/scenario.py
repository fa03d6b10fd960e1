"""A scenario: everything one planning run needs, validated as a whole."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..constants import ALLIANCE, AUTO, MAX_SEED, MAX_SOLUTION_LIMIT, MAX_TIME_LIMIT_S
from ..exceptions import FieldError, ScenarioError
from .entities import (
    Carrier,
    DemandLine,
    Station,
    Targets,
    Tier,
    VehicleType,
    is_number,
    is_whole,
)


def _check(ok: bool, section: str, field: str, expected: str, value: object) -> None:
    if not ok:
        raise FieldError(section, section, field, expected, value)


#: What a solver budget must be, in the words of every message (scenario.toml, sweep SPEC).
TIME_LIMIT_RULE = f"must be > 0 seconds and <= {MAX_TIME_LIMIT_S} (24 h)"
SEED_RULE = f"must be a whole number in 0..{MAX_SEED}"
SOLUTION_LIMIT_RULE = f"must be a whole number >= 1 and <= {MAX_SOLUTION_LIMIT}"


def is_time_limit(value: float) -> bool:
    """A finite number of seconds in (0, MAX_TIME_LIMIT_S]; nan, inf and 1e308 are not."""
    return is_number(value) and 0 < value <= MAX_TIME_LIMIT_S


def is_seed(value: int) -> bool:
    """A whole number the engines accept as a seed (see MAX_SEED)."""
    return is_whole(value) and 0 <= value <= MAX_SEED


def is_solution_limit(value: int) -> bool:
    """A whole number of solutions in 1..MAX_SOLUTION_LIMIT."""
    return is_whole(value) and 1 <= value <= MAX_SOLUTION_LIMIT


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkSpec:
    """How travel distances and times are obtained.

    ``great_circle``: haversine distance × ``detour_factor`` at ``speed_kph``. ``roads``: the
    fastest path over the road file ``roads`` (OSM .osm/.pbf or a line layer); its time and the
    distance along it.
    """

    mode: Literal["great_circle", "roads"] = "great_circle"
    detour_factor: float = 1.3
    speed_kph: float = 40.0
    roads: Path | None = None
    max_snap_m: float = 2000.0
    access_speed_kph: float = 15.0

    def __post_init__(self) -> None:
        n = "network"
        _check(self.mode in ("great_circle", "roads"), n, "mode",
               "must be one of {great_circle, roads}", self.mode)
        _check(is_number(self.detour_factor) and 1.0 <= self.detour_factor <= 5.0, n,
               "detour_factor", "must be in 1.0..5.0", self.detour_factor)
        _check(is_number(self.speed_kph) and 0 < self.speed_kph <= 130, n, "speed_kph",
               "must be in (0, 130] km/h", self.speed_kph)
        _check(self.roads is None or isinstance(self.roads, Path), n, "roads",
               "must be a pathlib.Path", self.roads)
        _check(self.mode != "roads" or self.roads is not None, n, "roads",
               "must name a road file when mode = 'roads'", self.roads)
        # +inf is allowed: "never report a station as too far from the roads".
        snap_ok = isinstance(self.max_snap_m, int | float) and not isinstance(self.max_snap_m, bool)
        _check(snap_ok and self.max_snap_m > 0, n, "max_snap_m", "must be > 0 metres",
               self.max_snap_m)
        _check(is_number(self.access_speed_kph) and 0 < self.access_speed_kph <= 130, n,
               "access_speed_kph", "must be > 0 and <= 130 km/h", self.access_speed_kph)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSpec:
    """Time spent at a stop: ``stop_s`` fixed plus ``per_parcel_s`` per parcel handled;
    ``reload_s`` at the depot between two trips of one vehicle (unload, reload)."""

    stop_s: int = 300
    per_parcel_s: float = 4.0
    reload_s: int = 1200
    transfer_s: int = 1800

    def __post_init__(self) -> None:
        _check(is_whole(self.stop_s) and 0 <= self.stop_s <= 4 * 3600, "service", "stop_s",
               "must be whole seconds in 0..14400 (at most 4 h)", self.stop_s)
        _check(is_number(self.per_parcel_s) and 0 <= self.per_parcel_s <= 600, "service",
               "per_parcel_s", "must be in 0..600 seconds", self.per_parcel_s)
        _check(is_whole(self.reload_s) and 0 <= self.reload_s <= 4 * 3600, "service", "reload_s",
               "must be whole seconds in 0..14400 (at most 4 h)", self.reload_s)
        _check(is_whole(self.transfer_s) and 0 <= self.transfer_s <= 4 * 3600, "service",
               "transfer_s", "must be whole seconds in 0..14400 (at most 4 h)", self.transfer_s)


#: How parcels travel: hub → station directly, or hub → township (trunk) → village (feeder);
#: "both" plans each for comparison.
STRUCTURES = ("direct", "two_echelon", "both")
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
    structure: str = "direct"
    reference: Path | None = None
    change_penalty: float = 50.0

    def __post_init__(self) -> None:
        s = "solve"
        _check(is_time_limit(self.time_limit_s), s, "time_limit_s", TIME_LIMIT_RULE,
               self.time_limit_s)
        _check(is_seed(self.seed), s, "seed", SEED_RULE, self.seed)
        limit = self.solution_limit
        _check(limit is None or is_solution_limit(limit), s, "solution_limit",
               SOLUTION_LIMIT_RULE, limit)
        _check(self.first_solution in FIRST_SOLUTIONS, s, "first_solution",
               f"must be one of {{{', '.join(FIRST_SOLUTIONS)}}}", self.first_solution)
        _check(self.metaheuristic in METAHEURISTICS, s, "metaheuristic",
               f"must be one of {{{', '.join(METAHEURISTICS)}}}", self.metaheuristic)
        _check(is_number(self.unserved_penalty) and self.unserved_penalty > 0, s,
               "unserved_penalty", "must be > 0 CNY", self.unserved_penalty)
        _check(self.structure in STRUCTURES, s, "structure",
               f"must be one of {{{', '.join(STRUCTURES)}}}", self.structure)
        _check(self.reference is None or isinstance(self.reference, Path), s, "reference",
               "must be a path to a plan.json", self.reference)
        _check(is_number(self.change_penalty) and self.change_penalty >= 0, s,
               "change_penalty", "must be >= 0 CNY per moved stop", self.change_penalty)


@dataclass(frozen=True, slots=True, kw_only=True)
class CostSpec:
    """Handling costs per parcel (CNY), on top of the vehicles' own costs.

    ``hub_per_parcel``: sorting at the shared county hub (alliance); ``outlet_per_parcel``: at
    a carrier's own outlet (driving alone); ``station_per_parcel``: at the township station or
    village point that hands the parcel over (both ways).
    """

    hub_per_parcel: float = 0.30
    outlet_per_parcel: float = 0.40
    station_per_parcel: float = 0.50

    def __post_init__(self) -> None:
        for f in ("hub_per_parcel", "outlet_per_parcel", "station_per_parcel"):
            v = getattr(self, f)
            _check(is_number(v) and 0 <= v <= 100, "costs", f, "must be in 0..100 CNY per parcel",
                   v)


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    """One consolidation variant to compare with the carriers driving alone.

    ``carriers``: the members (None: all); ``structure``: direct or two_echelon;
    ``visit_every_days``: how often each station is served (1 daily, 2 every other day), or
    "auto": each village its own frequency, the least frequent that keeps the targets (see
    :mod:`routing.evaluate.periodic`); stations with their own ``visit_every_days`` keep it;
    ``vehicle_types``: a different shared fleet (None: the scenario's); ``merge``: station id
    → station id whose point serves it too (多站合一: one physical point for several);
    ``targets``: the targets this variant's verdicts use instead of the scenario's (an
    evaluation variant: Tang's own plan asks 48 h, Hebei's evaluation 72 h); None: the
    scenario's.
    """

    name: str
    carriers: tuple[str, ...] | None = None
    structure: str = "direct"
    visit_every_days: int | str = 1
    vehicle_types: tuple[VehicleType, ...] | None = None
    merge: tuple[tuple[str, str], ...] = ()
    targets: Targets | None = None

    def __post_init__(self) -> None:
        _check(isinstance(self.name, str) and self.name.strip() != "", "variant", "name",
               "must be a non-empty string", self.name)
        _check(self.carriers is None or (isinstance(self.carriers, tuple) and bool(self.carriers)
                                         and all(isinstance(c, str) for c in self.carriers)),
               "variant", "carriers", "must be a non-empty list of carrier ids", self.carriers)
        _check(self.structure in ("direct", "two_echelon"), "variant", "structure",
               "must be one of {direct, two_echelon}", self.structure)
        every = self.visit_every_days
        _check(every == AUTO or (isinstance(every, int | float) and is_whole(every)
                                 and 1 <= every <= 7),
               "variant", "visit_every_days",
               f"must be a whole number of days in 1..7, or \"{AUTO}\"", self.visit_every_days)
        _check(self.targets is None or isinstance(self.targets, Targets), "variant", "targets",
               "must be a Targets", self.targets)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareSpec:
    """What ``routing compare`` plans: the variants, and the budget per plan."""

    variants: tuple[Variant, ...] = (Variant(name="alliance"),)
    time_limit_s: float = 10.0
    coalition_time_limit_s: float = 3.0
    shapley: bool = True
    #: The frequencies (days) a variant with ``visit_every_days = "auto"`` may give a station.
    auto_every_days: tuple[int, ...] = (1, 2)
    #: Inbound waves at the hub for the delivery-hour simulation: (seconds of day, share of a
    #: day's down parcels). Empty: each down line arrives at its own ``ready`` time.
    waves: tuple[tuple[int, float], ...] = ()

    def __post_init__(self) -> None:
        _check(isinstance(self.variants, tuple) and len(self.variants) > 0, "compare",
               "variants", "must list at least one variant", self.variants)
        names = [v.name for v in self.variants]
        _check(len(set(names)) == len(names), "compare", "variants",
               "must have distinct names", names)
        for f in ("time_limit_s", "coalition_time_limit_s"):
            v = getattr(self, f)
            _check(is_time_limit(v), "compare", f, TIME_LIMIT_RULE, v)
        _check(isinstance(self.shapley, bool), "compare", "shapley", "must be true or false",
               self.shapley)
        _check(isinstance(self.auto_every_days, tuple) and 1 in self.auto_every_days
               and all(is_whole(k) and 1 <= k <= 7 for k in self.auto_every_days),
               "compare", "auto_every_days", "must list whole days in 1..7, including 1",
               self.auto_every_days)
        if self.waves:
            _check(abs(sum(share for _, share in self.waves) - 1) < 1e-6
                   and all(0 <= t <= 86400 and share > 0 for t, share in self.waves),
                   "compare", "wave_shares", "must be positive and add up to 1", self.waves)


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A cross-reference problem: which table, which item (0-based), which field, what is wrong."""

    table: str
    index: int
    field: str
    message: str


def _duplicates(table: str, what: str, ids: Sequence[str]) -> list[Problem]:
    """A problem at every repeat of an id (the first occurrence is the one kept)."""
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(Problem(table=table, index=i, field="id",
                               message=f"duplicate {what} id {ident!r}"))
        seen.add(ident)
    return out


def _unknown_station(ident: str, known: Iterable[str]) -> str:
    """"unknown station 'V9'", with the closest ids (ties in table order, at most 3)."""
    score = {k: difflib.SequenceMatcher(None, ident.lower(), k.lower()).ratio() for k in known}
    best = max(score.values(), default=0.0)
    near = [repr(k) for k, r in score.items() if r == best][:3] if best >= 0.5 else []
    if not near:
        return f"unknown station {ident!r}"
    listed = near[0] if len(near) == 1 else f"{', '.join(near[:-1])} or {near[-1]}"
    return f"unknown station {ident!r}; did you mean {listed}?"


def _township_problems(stations: Sequence[Station], by_id: dict[str, Station]) -> list[Problem]:
    out = []
    for i, s in enumerate(stations):
        if s.township_id is None:
            continue
        parent = by_id.get(s.township_id)
        if parent is None:
            out.append(Problem(table="stations", index=i, field="township",
                               message=_unknown_station(s.township_id, by_id)))
        elif parent.tier is not Tier.TOWNSHIP:
            out.append(Problem(table="stations", index=i, field="township",
                               message=f"{s.township_id!r} is a {parent.tier} station, "
                               "expected a township station"))
    return out


def _vehicle_problems(vehicle_types: Sequence[VehicleType], station_ids: Collection[str],
                      carriers: Collection[str]) -> list[Problem]:
    out = _duplicates("vehicles", "vehicle type", [v.id for v in vehicle_types])
    for i, v in enumerate(vehicle_types):
        if v.depot_id not in station_ids:
            out.append(Problem(table="vehicles", index=i, field="depot",
                               message=_unknown_station(v.depot_id, station_ids)))
        if v.owner != ALLIANCE and v.owner not in carriers:
            out.append(Problem(table="vehicles", index=i, field="owner",
                               message=f"must be '{ALLIANCE}' or one of the carriers "
                               f"{sorted(carriers)}; got {v.owner!r}"))
    if not any(v.count > 0 for v in vehicle_types):
        out.append(Problem(table="vehicles", index=0, field="count",
                           message="the fleet has no vehicle (every count is 0)"))
    return out


def _carrier_problems(carriers: Sequence[Carrier], by_id: dict[str, Station]) -> list[Problem]:
    out = _duplicates("carriers", "carrier", [c.id for c in carriers])
    for i, c in enumerate(carriers):
        if c.outlet_id is None:
            continue
        if c.outlet_id not in by_id:
            out.append(Problem(table="carriers", index=i, field="outlet",
                               message=_unknown_station(c.outlet_id, by_id)))
        elif by_id[c.outlet_id].tier not in (Tier.OUTLET, Tier.HUB):
            out.append(Problem(table="carriers", index=i, field="outlet",
                               message=f"{c.outlet_id!r} is a {by_id[c.outlet_id].tier} station; "
                               "an outlet must be a station of tier outlet (or the hub)"))
    return out


def _demand_problems(demand: Sequence[DemandLine], by_id: dict[str, Station],
                     depots: set[str], carriers: Collection[str]) -> list[Problem]:
    out = _duplicates("demand", "demand line", [d.id for d in demand])
    for i, d in enumerate(demand):
        if d.station_id not in by_id:
            out.append(Problem(table="demand", index=i, field="station",
                               message=_unknown_station(d.station_id, by_id)))
        elif by_id[d.station_id].tier is Tier.OUTLET:
            out.append(Problem(table="demand", index=i, field="station",
                               message=f"{d.station_id!r} is a carrier outlet; demand must be "
                               "at a township station or village point"))
        elif d.station_id in depots:
            out.append(Problem(table="demand", index=i, field="station",
                               message=f"{d.station_id!r} is a depot (the hub); demand must be "
                               "at a township station or village point"))
        if d.carrier_id not in carriers:
            out.append(Problem(table="demand", index=i, field="carrier",
                               message=f"unknown carrier {d.carrier_id!r}; known: "
                               f"{sorted(carriers)}"))
    return out


def cross_problems(stations: Sequence[Station], carriers_: Sequence[Carrier],
                   vehicle_types: Sequence[VehicleType],
                   demand: Sequence[DemandLine]) -> list[Problem]:
    """Check references between the tables; return every problem (empty when consistent).

    ``Problem.index`` is the position in the sequence given, so a loader can name the row.
    """
    by_id: dict[str, Station] = {}  # in table order (for hints); the first of duplicates wins
    for s in stations:
        by_id.setdefault(s.id, s)
    carriers = dict.fromkeys(c.id for c in carriers_)  # an ordered set
    # A township station may be a feeder base and a trunk stop at once; only hub depots, where
    # parcels start and end, cannot carry demand.
    depots = {v.depot_id for v in vehicle_types
              if v.depot_id in by_id and by_id[v.depot_id].tier in (Tier.HUB, Tier.OUTLET)}
    return [*_duplicates("stations", "station", [s.id for s in stations]),
            *_township_problems(stations, by_id),
            *_carrier_problems(carriers_, by_id),
            *_vehicle_problems(vehicle_types, by_id, carriers),
            *_demand_problems(demand, by_id, depots, carriers)]


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
    costs: CostSpec = field(default_factory=CostSpec)
    compare: CompareSpec = field(default_factory=CompareSpec)
    #: Villages in the county, with a point or not (NBS village-level units of the kinds the
    #: county counts): what ``targets.min_village_coverage`` is a share of. None: not given.
    county_villages: int | None = None
    root: Path | None = None
    # Station id → station, built from ``stations`` on construction (and so again by every
    # ``dataclasses.replace``): reports and planning look stations up once per stop.
    _by_id: dict[str, Station] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = self.cross_problems()
        points = sum(1 for s in self.stations if s.tier is Tier.VILLAGE)
        if self.county_villages is not None and not (is_whole(self.county_villages)
                                                     and self.county_villages >= points):
            problems.append(Problem(table="scenario", index=0, field="county_villages",
                                    message=f"must be a whole number >= the {points} village "
                                    f"points in the stations table; got {self.county_villages!r}"))
        if problems:
            raise ScenarioError([f"{p.table}[{p.index}] {p.field}: {p.message}" for p in problems],
                                source=f"scenario '{self.name}'")
        object.__setattr__(self, "_by_id", {s.id: s for s in self.stations})

    def cross_problems(self) -> list[Problem]:
        """Check references between tables; return every problem (empty when consistent)."""
        return cross_problems(self.stations, self.carriers, self.vehicle_types, self.demand)

    def station(self, station_id: str) -> Station:
        """Return the station with this id (KeyError if unknown)."""
        return self._by_id[station_id]

    def vehicle_type(self, type_id: str) -> VehicleType:
        """Return the vehicle type with this id (KeyError if unknown)."""
        for v in self.vehicle_types:
            if v.id == type_id:
                return v
        raise KeyError(type_id)

    def vehicles(self) -> list[tuple[str, VehicleType]]:
        """Every single vehicle as (vehicle id, type): type ``van`` with count 3 → van-1..van-3."""
        return [(f"{v.id}-{k}", v) for v in self.vehicle_types for k in range(1, v.count + 1)]
