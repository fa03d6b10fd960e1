"""Re-time a plan whose stops a dispatcher moved: the given order on the given vehicles, every
time, load and cost computed afresh (the engines are not asked; nothing is re-optimised).

Each vehicle's trips run in their order: a trip leaves when its depot is open, its parcels are
ready and, after the first, the reload time after the previous trip's return, and then as late
as it can without arriving anywhere later (:func:`routing.solve.schedule.timed_route`, the
engines' own timing). Where the dispatcher's order breaks a rule — a stop after its closing
hour, more on board than fits, a shift too long — the times are still what that order gives:
the independent checker then names the rule, the vehicle and the stop.
"""

from __future__ import annotations

import time

import numpy as np

from ..model import Scenario
from ..model.plan import Plan, Route, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from .repair import DROPPED, built_meta
from .schedule import timed_route
from .visits import presolve, visit_of


def retime(scenario: Scenario, matrices: Matrices,
           routes: list[tuple[str, int, list[tuple[str, tuple[str, ...]]]]], *,
           engine: str = "retime") -> Plan:
    """A plan of ``routes`` — (vehicle id, trip, [(station id, line ids) in order]) — timed.

    Lines of the scenario on no route are listed unserved, by visit (reason DROPPED, as the
    engines leave them, for the evaluate layer to explain); lines no vehicle can serve at
    all (unreachable, too big for every vehicle) keep presolve's reasons.
    """
    from . import scenario_hash  # the package's, defined before this module is used

    t0 = time.perf_counter()
    types = dict(scenario.vehicles())
    lines = {ln.id: ln for ln in scenario.demand}
    order = {vid: k for k, vid in enumerate(types)}
    durations: dict[float, np.ndarray] = {}
    out: list[Route] = []
    by_vehicle: dict[str, list[tuple[int, list[tuple[str, tuple[str, ...]]]]]] = {}
    for vid, trip, stops in routes:
        by_vehicle.setdefault(vid, []).append((trip, stops))
    for vid in sorted(by_vehicle, key=order.__getitem__):
        vt = types[vid]
        if vt.speed_kph not in durations:
            durations[vt.speed_kph] = vehicle_duration_s(matrices, vt.speed_kph)
        depot = scenario.station(vt.depot_id)
        prev: Route | None = None
        number = 0
        for _, stops in sorted(by_vehicle[vid], key=lambda t: t[0]):
            if not stops:
                continue
            number += 1
            seq = [visit_of(scenario, st, [lines[i] for i in ids]) for st, ids in stops]
            earliest = depot.open_s if prev is None else prev.end_s + scenario.service.reload_s
            start = max(earliest, max((v.ready_down_s for v in seq), default=0))
            route = timed_route(scenario, matrices, vid, vt, seq, start, durations[vt.speed_kph],
                                trip=number, paid_from_s=None if prev is None else prev.end_s,
                                lines=lines)
            out.append(route)
            prev = route
    unserved = left_out(scenario, matrices, {i for r in out for s in r.stops
                                             for i in s.line_ids})
    cost = round(sum(r.cost for r in out), 2)
    return Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario),
                date=scenario.date, engine=engine, seed=scenario.solve.seed,
                time_limit_s=0.0, status="RETIMED", runtime_s=round(time.perf_counter() - t0, 3),
                objective=cost, routes=tuple(out), unserved=tuple(unserved),
                meta=built_meta(matrices))


def left_out(scenario: Scenario, matrices: Matrices, served: set[str]) -> list[Unserved]:
    """The scenario's lines not in ``served``, by visit: reason DROPPED (as the engines leave
    them, for the evaluate layer to explain), or presolve's reason for lines no vehicle can
    serve at all (unreachable, too big for every vehicle)."""
    visits, cannot = presolve(scenario, set(matrices.unreachable))
    out = []
    for station, ids, reason in ([(v.station_id, v.line_ids, DROPPED) for v in visits]
                                 + [(u.station_id, u.line_ids, u.reason) for u in cannot]):
        missing = tuple(i for i in ids if i not in served)
        if missing:
            out.append(Unserved(station_id=station, line_ids=missing, reason=reason))
    return out


__all__ = ["left_out", "retime"]
