"""What the rules read: the plan document, the scenario, and each route re-timed from them.

:func:`plan_context` walks the plan once: every route with its vehicle, every stop at a
known station with its times as the plan claims them, the earliest the drive allows, and
the demand lines it lists. It judges nothing; the rules (routing.evaluate.check.rules) do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...model import DemandLine, Scenario, Station, VehicleType
from ...network.matrix import Matrices, vehicle_duration_s
from .base import _s

#: Lines handed over at a township outside the plan: line id → (township station id,
#: seconds when at hand there).
Handed = dict[str, tuple[str, int]]


@dataclass(frozen=True, slots=True)
class StopRun:
    """One stop at a known station: the plan's times and the drive to it."""

    n: int  #: position among the route's stops at known stations
    doc: dict[str, Any]  #: the stop as in plan.json
    station: Station
    seq: str  #: the stop's number as the plan gives it ("?" if none)
    where: str  #: "route V trip 2 stop 3 (S name)"
    index: int  #: the station's row in the matrices
    arrival: int
    begin: int  #: service starts (the plan's start_min, else arrival or opening)
    departure: int
    drive_s: int  #: the drive from the previous stop (or the depot)
    earliest: int  #: the previous departure plus the drive
    ids: tuple[str, ...]  #: the demand line ids listed, as listed
    served: tuple[DemandLine, ...]  #: the listed lines the scenario knows
    transfers: frozenset[str]  #: lines handed over here (two echelons), not delivered
    own: tuple[DemandLine, ...]  #: served lines that are not handed over
    #: an on-road hand-over here (plan.json ``handover_with``, ``handed_over``,
    #: ``taken_over``): the other vehicle, the line ids handed to it and taken from it, as
    #: listed, and those lines the scenario knows
    handover_with: str = ""
    handed_ids: tuple[str, ...] = ()
    taken_ids: tuple[str, ...] = ()
    handed: tuple[DemandLine, ...] = ()
    taken: tuple[DemandLine, ...] = ()

    @property
    def moved(self) -> tuple[DemandLine, ...]:
        """The lines that change vehicles here (handed over or taken over)."""
        return self.handed + self.taken

    @property
    def station_id(self) -> str:
        return self.station.id


@dataclass(frozen=True, slots=True)
class RouteRun:
    """One route (one trip of a vehicle) as the plan gives it, and re-driven."""

    n: int  #: position in the plan
    doc: dict[str, Any]  #: the route as in plan.json
    vehicle_id: str
    trip: int
    where: str  #: "route V" or "route V trip 2"
    start: int
    end: int
    vt: VehicleType | None  #: None: no such vehicle in the fleet (nothing else is checked)
    stops: tuple[StopRun, ...] = ()  #: its stops at known stations
    distance_m: int = 0  #: the legs between its stops and back to the depot
    back: int = 0  #: the earliest it can be back at the depot


@dataclass(frozen=True, slots=True)
class Context:
    """The plan and the scenario, indexed, with every route re-driven (see module doc)."""

    doc: dict[str, Any]
    scenario: Scenario
    matrices: Matrices
    handed: Handed | None  #: hand-overs at a township outside this plan
    stations: dict[str, Station]
    lines: dict[str, DemandLine]
    fleet: dict[str, VehicleType]  #: vehicle id → type
    routes: tuple[RouteRun, ...]
    #: line → (route depot, route start, vehicle) of the last stop serving it itself
    served_by: dict[str, tuple[str, int, str]]
    #: line → (station, when it left there) of each hand-over, those outside the plan first
    handovers: dict[str, list[tuple[str, int]]]
    visits: Counter[str]  #: line → how many stops serve it itself


def plan_context(doc: dict[str, Any], scenario: Scenario, matrices: Matrices,
                 handed: Handed | None = None) -> Context:
    """Index the scenario and re-drive every route of the plan ``doc``."""
    stations = {s.id: s for s in scenario.stations}
    lines = {ln.id: ln for ln in scenario.demand}
    fleet = dict(scenario.vehicles())
    idx = matrices.index()
    durations: dict[str, np.ndarray] = {}
    routes = []
    for n, r in enumerate(doc["routes"]):
        vt = fleet.get(r["vehicle_id"])
        if vt is not None and vt.id not in durations:
            durations[vt.id] = vehicle_duration_s(matrices, vt.speed_kph)
        dur = durations[vt.id] if vt is not None else None
        routes.append(_route_run(n, r, vt, stations, lines, idx, matrices, dur))
    served_by: dict[str, tuple[str, int, str]] = {}
    handovers: dict[str, list[tuple[str, int]]] = {}
    for i, (town, at_s) in (handed or {}).items():
        handovers.setdefault(i, []).append((town, at_s - scenario.service.transfer_s))
    visits: Counter[str] = Counter()
    for run in routes:
        if run.vt is None:  # (no stops: a route without a vehicle is not driven)
            continue
        for stop in run.stops:
            for i in (i for i in stop.ids if i in lines):
                if i in stop.transfers:
                    handovers.setdefault(i, []).append((stop.station_id, stop.departure))
                else:
                    visits[i] += 1
                    served_by[i] = (run.vt.depot_id, run.start, run.vehicle_id)
    return Context(doc, scenario, matrices, handed, stations, lines, fleet, tuple(routes),
                   served_by, handovers, visits)


def _route_run(n: int, r: dict[str, Any], vt: VehicleType | None,
               stations: dict[str, Station], lines: dict[str, DemandLine],
               idx: dict[str, int], matrices: Matrices, dur: np.ndarray | None) -> RouteRun:
    """The ``n``-th route of the plan, its stops at known stations re-driven in order."""
    vid, trip = r["vehicle_id"], r.get("trip", 1)
    where = f"route {vid}" + (f" trip {trip}" if trip > 1 else "")
    start, end = _s(r["start_min"]), _s(r["end_min"])
    if vt is None or dur is None:
        return RouteRun(n, r, vid, trip, where, start, end, None)
    stops: list[StopRun] = []
    prev, t_prev, dist_m = idx[vt.depot_id], start, 0
    for s in (s for s in r["stops"] if s["station_id"] in stations):
        st = stations[s["station_id"]]
        here = idx[st.id]
        dist_m += int(matrices.distance_m[prev, here])
        stops.append(_stop_run(len(stops), s, st, where, here, int(dur[prev, here]), t_prev,
                               lines))
        prev, t_prev = here, stops[-1].departure
    home = idx[vt.depot_id]
    dist_m += int(matrices.distance_m[prev, home])
    back = t_prev + int(dur[prev, home])
    return RouteRun(n, r, vid, trip, where, start, end, vt, tuple(stops), dist_m, back)


def _stop_run(n: int, s: dict[str, Any], st: Station, route_where: str, index: int,
              drive_s: int, t_prev: int, lines: dict[str, DemandLine]) -> StopRun:
    """The ``n``-th stop at a known station, reached ``drive_s`` after ``t_prev``."""
    seq = f"{s.get('seq', '?')}"
    arrival, dep = _s(s["arrival_min"]), _s(s["departure_min"])
    begin = _s(s["start_min"]) if "start_min" in s else max(arrival, st.open_s)
    ids = tuple(s["lines"])
    served = tuple(lines[i] for i in ids if i in lines)
    transfers = frozenset(s.get("transfers", []))
    own = tuple(ln for ln in served if ln.id not in transfers)
    handed, taken = tuple(s.get("handed_over", [])), tuple(s.get("taken_over", []))
    return StopRun(n, s, st, seq, f"{route_where} stop {seq} ({st.id} {st.name})", index,
                   arrival, begin, dep, drive_s, t_prev + drive_s, ids, served, transfers, own,
                   s.get("handover_with", ""), handed, taken,
                   tuple(lines[i] for i in handed if i in lines),
                   tuple(lines[i] for i in taken if i in lines))
