"""Solving: from a scenario and its matrices to a :class:`~routing.model.plan.Plan`."""

from __future__ import annotations

import hashlib

import numpy as np

from ..model import Scenario
from ..model.plan import Plan, Route, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from .ortools_backend import Progress, solve_visits
from .schedule import timed_route
from .visits import presolve

#: Placeholder reason for a visit the solver left out; the evaluate layer replaces it with a
#: concrete one (see routing.evaluate.explain).
DROPPED = "left out by the solver"


def scenario_hash(scenario: Scenario) -> str:
    """Short stable hash of the scenario's content, stored in the plan to detect mismatches."""
    h = hashlib.sha1(repr((scenario.stations, scenario.carriers, scenario.vehicle_types,
                           scenario.demand, scenario.network, scenario.service)).encode())
    return h.hexdigest()[:16]


def stability(routes: tuple[Route, ...], reference: dict[str, str]) -> dict[str, int]:
    """Stops on the same vehicle as in the reference plan, stops moved, stations new today."""
    kept = moved = new = 0
    for r in routes:
        for station in {s.station_id for s in r.stops}:
            ref = reference.get(station)
            if ref is None:
                new += 1
            elif ref == r.vehicle_id:
                kept += 1
            else:
                moved += 1
    return {"kept": kept, "moved": moved, "new": new}


def solve(scenario: Scenario, matrices: Matrices, *, time_limit_s: float | None = None,
          seed: int | None = None, solution_limit: int | None = None,
          progress: Progress | None = None, reference: dict[str, str] | None = None,
          change_penalty: float = 0.0) -> Plan:
    """Plan one day with OR-Tools. Options default to the scenario's ``[solve]`` section.

    ``reference`` (station id → vehicle id) and ``change_penalty`` (CNY per moved stop) keep
    routes stable against a reference plan; the plan's meta counts kept and moved stops.
    """
    spec = scenario.solve
    tl = spec.time_limit_s if time_limit_s is None else time_limit_s
    sd = spec.seed if seed is None else seed
    sl = spec.solution_limit if solution_limit is None else solution_limit
    visits, unserved = presolve(scenario, set(matrices.unreachable))
    raw = solve_visits(scenario, matrices, visits, time_limit_s=tl, seed=sd, solution_limit=sl,
                       progress=progress, reference=reference, change_penalty=change_penalty)
    types = dict(scenario.vehicles())
    order = {vid: k for k, vid in enumerate(types)}
    lines = {ln.id: ln for ln in scenario.demand}
    durations: dict[str, np.ndarray] = {}  # per vehicle type, built once for all its routes
    routes: list[Route] = []
    for vid, trip in sorted(raw.sequences, key=lambda key: (order[key[0]], key[1])):
        vt = types[vid]
        if vt.id not in durations:
            durations[vt.id] = vehicle_duration_s(matrices, vt.speed_kph)
        prev = routes[-1].end_s if trip > 1 else None
        routes.append(timed_route(scenario, matrices, vid, vt,
                                  [visits[k] for k in raw.sequences[vid, trip]],
                                  raw.starts[vid, trip], durations[vt.id], trip=trip,
                                  paid_from_s=prev, lines=lines))
    served = {k for seq in raw.sequences.values() for k in seq}
    unserved += [Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
                 for k, v in enumerate(visits) if k not in served]
    meta: dict[str, object] = {"solutions": raw.solutions, "solution_limit": sl,
                               "matrix_source": matrices.source,
                               "unreachable": list(matrices.unreachable)}
    if reference is not None:
        meta["stability"] = stability(tuple(routes), reference) | {"change_penalty": change_penalty}
    return Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario), date=scenario.date,
                engine="ortools", seed=sd, time_limit_s=tl, status=raw.status,
                runtime_s=round(raw.runtime_s, 3), objective=round(raw.objective, 2),
                routes=tuple(routes), unserved=tuple(unserved),
                meta=meta)


__all__ = ["DROPPED", "solve"]
