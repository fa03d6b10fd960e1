"""A planned day: routes of stops, what is unserved and why. Plain data, solver-independent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount:
    """Parcels, kg and m3 of one carrier handed over (delivered) or collected (picked up)."""

    carrier_id: str
    parcels: int
    kg: float
    m3: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Load:
    """What is on board: kg, m3, parcels."""

    kg: float
    m3: float
    parcels: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Stop:
    """One visit. Times are seconds after 00:00 of the plan day; service runs start_s..departure_s
    and start_s = max(arrival_s, opening) or later (waiting)."""

    station_id: str
    arrival_s: int
    start_s: int
    departure_s: int
    line_ids: tuple[str, ...]
    delivered: tuple[Amount, ...]
    picked_up: tuple[Amount, ...]
    load_after: Load
    transfer_ids: tuple[str, ...] = ()  # lines handed to / taken from feeders here (trunk)
    #: An on-road hand-over (a broken-down vehicle's load collected where it stopped): lines
    #: this vehicle hands to ``handover_with`` here (carried from the depot or picked up
    #: earlier on the trip), and lines it takes on board here from ``handover_with`` (to
    #: deliver later on the trip, or to bring to the hub). Neither is in ``line_ids``: they
    #: are not served here.
    handed_ids: tuple[str, ...] = ()
    taken_ids: tuple[str, ...] = ()
    handover_with: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """One trip of a vehicle from its depot back to its depot.

    Costs: the day's fixed cost sits on trip 1; a later trip's time cost runs from the end of
    the trip before it (the driver is paid while reloading), so a vehicle's trips add up to
    its whole shift.
    """

    vehicle_id: str
    vehicle_type: str
    depot_id: str
    start_s: int
    end_s: int
    distance_m: int
    load_at_start: Load
    stops: tuple[Stop, ...]
    fixed_cost: float
    distance_cost: float
    time_cost: float
    trip: int = 1  # 1, 2, … for a vehicle's successive loops from the depot in one shift
    echelon: str = "direct"  # direct | trunk (hub → township) | feeder (township → village)

    @property
    def cost(self) -> float:
        """Total cost of the route, CNY."""
        return self.fixed_cost + self.distance_cost + self.time_cost


@dataclass(frozen=True, slots=True, kw_only=True)
class Unserved:
    """A station (or some of its lines) left out of the plan, with the concrete reason."""

    station_id: str
    line_ids: tuple[str, ...]
    reason: str
    code: str = ""  # which claim the reason makes (routing.evaluate.explain.CODES)


@dataclass(frozen=True, slots=True, kw_only=True)
class PortfolioRun:
    """One candidate of a solve's portfolio (``meta.portfolio``): an engine's search, the
    insertion plan, the reference, a repair of one of them — or a run that failed
    (``error`` set, no figures)."""

    engine: str
    seed: int
    cost: float | None = None
    dropped: int | None = None
    stops: int | None = None
    score: float | None = None
    accepted: bool | None = None  #: the checker's verdict; None: not checked
    kept: bool = False
    first_solution_s: float | None = None
    warm_start: bool = False
    restarts: int = 0
    peak_rss_mb: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"engine": self.engine, "seed": self.seed, "error": self.error}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "error"}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PortfolioRun:
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


@dataclass(frozen=True, slots=True, kw_only=True)
class Stability:
    """Stops on the same vehicle as in the reference plan, stops moved to another, stations
    new today; and the change penalty the plan was made with (``meta.stability``)."""

    kept: int
    moved: int
    new: int
    change_penalty: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"kept": self.kept, "moved": self.moved, "new": self.new,
                "change_penalty": self.change_penalty}


#: Keys plan.json's ``meta`` always holds (null when unknown); the others only when set.
ALWAYS = ("solutions", "solution_limit", "matrix_source", "unreachable", "first_solution_s")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanMeta:
    """What a plan says about how it was made (plan.json ``meta``), typed.

    ``solutions`` … ``first_solution_s`` are always written; every other field is written
    only when set (not None), so plan.json keeps the shape it had as a free-form dict.
    """

    solutions: int = 0
    solution_limit: int | None = None
    matrix_source: str = ""
    unreachable: tuple[str, ...] = ()
    first_solution_s: float | None = None
    peak_rss_mb: float | None = None  #: the portfolio child's peak memory
    warm_start: str | None = None  #: "pyvrp": OR-Tools' search began from PyVRP's routes
    restarts: int | None = None  #: fresh starts of a stagnating PyVRP search
    engine_requested: str | None = None
    portfolio: tuple[PortfolioRun, ...] | None = None
    engine_note: str | None = None
    no_engine_plan: bool | None = None
    no_engine_plan_limit_s: float | None = None
    stability: Stability | None = None
    repaired: int | None = None  #: visits the repair placed
    structure: str | None = None  #: "two_echelon" (direct plans leave it out)
    transfer_s: int | None = None
    townships_with_feeders: tuple[str, ...] | None = None
    up_transfer: str | None = None
    trunk_limit: Mapping[str, Any] | None = None
    direct_fallback: int | None = None
    locked_vehicles: tuple[str, ...] | None = None
    locked_stops: Mapping[str, str] | None = None
    retimed_from: str | None = None
    replanned_at_min: float | None = None
    out_of_service: tuple[str, ...] | None = None
    replan_notes: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """plan.json's ``meta`` object."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name not in ALWAYS:
                continue
            if isinstance(value, tuple):
                value = [v.to_json() if isinstance(v, PortfolioRun) else v for v in value]
            elif isinstance(value, Stability):
                value = value.to_json()
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlanMeta:
        """The typed meta of a plan.json document (keys it does not know are ignored)."""
        known = {f.name for f in fields(cls)}
        kw: dict[str, Any] = {}
        for key, value in d.items():
            if key not in known or value is None:
                continue
            if key == "portfolio":
                value = tuple(PortfolioRun.from_json(r) for r in value)
            elif key == "stability":
                value = Stability(**value)
            elif isinstance(value, list):
                value = tuple(value)
            kw[key] = value
        return cls(**kw)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A solved day. ``status`` is the solver's word; feasibility is decided by the checker."""

    scenario: str
    scenario_hash: str
    date: str
    engine: str
    seed: int
    time_limit_s: float
    status: str
    runtime_s: float
    objective: float
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...] = ()
    meta: PlanMeta = field(default_factory=PlanMeta)

    @property
    def distance_m(self) -> int:
        """Total distance over all routes, metres."""
        return sum(r.distance_m for r in self.routes)

    @property
    def cost(self) -> float:
        """Total cost over all routes, CNY."""
        return sum(r.cost for r in self.routes)
