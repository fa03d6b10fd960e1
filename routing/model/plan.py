"""A planned day: routes of stops, what is unserved and why. Plain data, solver-independent."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def distance_m(self) -> int:
        """Total distance over all routes, metres."""
        return sum(r.distance_m for r in self.routes)

    @property
    def cost(self) -> float:
        """Total cost over all routes, CNY."""
        return sum(r.cost for r in self.routes)
