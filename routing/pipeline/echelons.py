"""Two echelons: trunks hub → township stations, feeders township station → villages.

First the data transforms: split a scenario into the trunk problem and one feeder problem per
township, and merge the solved parts into one plan. Then the orchestration
(:func:`plan_two_echelon`), which solves each part through the checker
(:func:`routing.pipeline.checked.solve_checked`); :func:`routing.pipeline.plan.plan_with`
explains what is left out.

Conventions (documented in scenarios/README.md): ambient goods of villages whose township has
feeder vehicles change vehicles at the township; fresh goods never do (they ride hub vehicles
with cold capacity, so the cold chain is unbroken); a village whose township has no feeder is
served directly. A feeder leaves at least ``transfer_s`` after the trunk that brought its
parcels has left the township. Produce collected by feeders rides to the hub on the next trunk:
the trunk's pickup at a township is the previous collection (steady state), so up lines are
available at the township from 00:00.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from ..constants import DAY_S
from ..exceptions import ModelError
from ..model import DemandLine, Direction, Scenario, Tier, VehicleType
from ..model.plan import Plan, Route, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from ..solve import DROPPED, scenario_hash
from ..solve.options import SolveOptions
from ..solve.raw import Progress
from ..solve.repair import repair
from ..solve.schedule import without_lines
from ..solve.visits import build_visits
from .checked import solve_checked

#: Seconds each township's feeder problem gets at least (two echelons).
MIN_FEEDER_S = 0.25


def trunk_types(scenario: Scenario) -> tuple[VehicleType, ...]:
    """Vehicle types that may run trunks: echelon trunk/any, based at a hub."""
    hubs = {s.id for s in scenario.stations if s.tier is Tier.HUB}
    return tuple(vt for vt in scenario.vehicle_types
                 if vt.echelon in ("trunk", "any") and vt.depot_id in hubs)


def feeder_types(scenario: Scenario) -> dict[str, tuple[VehicleType, ...]]:
    """Township station id → the vehicle types stationed there that may run feeders."""
    towns = {s.id for s in scenario.stations if s.tier is Tier.TOWNSHIP}
    out: dict[str, list[VehicleType]] = {}
    for vt in scenario.vehicle_types:
        if vt.echelon in ("feeder", "any") and vt.depot_id in towns and vt.count > 0:
            out.setdefault(vt.depot_id, []).append(vt)
    return {k: tuple(v) for k, v in out.items()}


def direct_types(scenario: Scenario) -> tuple[VehicleType, ...]:
    """Vehicle types used when planning directly: all but feeder-only ones and those based at a
    carrier's outlet (a carrier's own fleet drives alone: see evaluate.consolidation)."""
    outlets = {s.id for s in scenario.stations if s.tier is Tier.OUTLET}
    return tuple(vt for vt in scenario.vehicle_types
                 if vt.echelon != "feeder" and vt.depot_id not in outlets)


def transferred_lines(scenario: Scenario) -> dict[str, str]:
    """Line id → township station id, for the lines that change vehicles at a township."""
    feeders = feeder_types(scenario)
    parent = {s.id: s.township_id for s in scenario.stations
              if s.tier is Tier.VILLAGE and s.township_id is not None}
    return {ln.id: parent[ln.station_id] for ln in scenario.demand
            if not ln.fresh and parent.get(ln.station_id) in feeders}


def trunk_scenario(scenario: Scenario, transfers: dict[str, str]) -> Scenario:
    """The trunk problem: transferred lines are due at their township station instead."""
    demand = tuple(
        dataclasses.replace(ln, station_id=transfers[ln.id],
                            ready_s=ln.ready_s if ln.direction is Direction.DOWN else 0)
        if ln.id in transfers else ln
        for ln in scenario.demand)
    return dataclasses.replace(scenario, vehicle_types=trunk_types(scenario), demand=demand)


def feeder_scenario(scenario: Scenario, township: str, lines: Iterable[DemandLine],
                    ready_at_township: dict[str, int]) -> Scenario:
    """One township's feeder problem: its villages' lines from the township station.

    Down lines are ready when their trunk has left plus the transfer time.
    """
    demand = tuple(
        dataclasses.replace(ln, ready_s=min(DAY_S, ready_at_township[ln.id]))
        if ln.direction is Direction.DOWN else ln
        for ln in lines)
    return dataclasses.replace(scenario, vehicle_types=feeder_types(scenario)[township],
                               demand=demand)


def mark_trunk(plan: Plan, transfers: dict[str, str]) -> tuple[Route, ...]:
    """Trunk routes labelled as such, each stop listing the lines it hands over or takes in."""
    return tuple(dataclasses.replace(
        r, echelon="trunk",
        stops=tuple(dataclasses.replace(s, transfer_ids=tuple(i for i in s.line_ids
                                                              if i in transfers))
                    for s in r.stops))
        for r in plan.routes)


def trunk_departures(routes: Iterable[Route], transfer_s: int) -> dict[str, int]:
    """Line id → earliest feeder departure: the trunk stop's departure plus transfer time."""
    return {i: s.departure_s + transfer_s for r in routes for s in r.stops
            for i in s.transfer_ids}


def split_unserved(unserved: Iterable[Unserved], scenario: Scenario,
                   transfers: dict[str, str]) -> list[Unserved]:
    """Trunk unserved entries at a township, split back to the villages whose lines they are."""
    home = {ln.id: ln.station_id for ln in scenario.demand}
    out: list[Unserved] = []
    for u in unserved:
        own = tuple(i for i in u.line_ids if i not in transfers)
        if own:
            out.append(dataclasses.replace(u, line_ids=own))
        by_village: dict[str, list[str]] = {}
        for i in u.line_ids:
            if i in transfers:
                by_village.setdefault(home[i], []).append(i)
        for village, ids in by_village.items():
            out.append(Unserved(station_id=village, line_ids=tuple(ids),
                                reason=f"no trunk brings it to township station "
                                f"{u.station_id}: {u.reason}"))
    return out


def plan_two_echelon(scenario: Scenario, m: Matrices, options: SolveOptions, *,
                     progress: Progress | None = None) -> Plan:
    """Trunks first, then each township's feeders from the trunks' departure times.

    The time budget goes one third to the trunks and the rest to the feeders, shared by the
    number of lines each township's feeders take (at least MIN_FEEDER_S each).
    """
    if not trunk_types(scenario):
        raise ModelError("two_echelon planning needs trunk vehicles: vehicle types with "
                         "echelon 'trunk' or 'any' based at the hub")
    budget = options.time_limit_s
    t0 = time.perf_counter()
    transfers = transferred_lines(scenario)
    trunk_sc = feeder_deadlines(trunk_scenario(scenario, transfers), scenario, transfers, m)
    trunk = _plan_trunks(trunk_sc, m, scenario.targets.max_trunk_routes,
                         replace(options, time_limit_s=max(1.0, budget / 3)), progress)
    routes: list[Route] = list(mark_trunk(trunk, transfers))
    unserved: list[Unserved] = split_unserved(trunk.unserved, scenario, transfers)
    ready = trunk_departures(routes, scenario.service.transfer_s)
    lines = {ln.id: ln for ln in scenario.demand}
    by_town: dict[str, list[str]] = {}
    handed = {i for r in routes for s in r.stops for i in s.transfer_ids}
    for i, town in transfers.items():
        # Lines continue to a feeder only if a trunk handles them at the township (else
        # split_unserved has said why they are unserved).
        if i in handed:
            by_town.setdefault(town, []).append(i)
    total = max(1, sum(len(ids) for ids in by_town.values()))
    # The feeders share what the trunks left of the budget, by their lines (a township's
    # feeder problem is small: a fraction of a second finds its plan).
    feeder_s = max(budget - (time.perf_counter() - t0), MIN_FEEDER_S * len(by_town))
    runtime, objective, solutions = trunk.runtime_s, trunk.objective, trunk.meta.solutions
    feeders = feeder_types(scenario)
    for town, ids in sorted(by_town.items()):
        sub = feeder_scenario(scenario, town, (lines[i] for i in ids), ready)
        share = max(MIN_FEEDER_S, feeder_s * len(ids) / total)
        at_hand = {i: (town, ready[i]) for i in ids}
        part = solve_checked(sub, m, replace(options, time_limit_s=share), progress=progress,
                             handed=at_hand)
        routes += [dataclasses.replace(r, echelon="feeder") for r in part.routes]
        unserved += part.unserved
        runtime += part.runtime_s
        objective += part.objective
        solutions += part.meta.solutions
    meta = replace(trunk.meta, structure="two_echelon", solutions=solutions,
                   transfer_s=scenario.service.transfer_s,
                   townships_with_feeders=tuple(sorted(feeders)),
                   up_transfer="produce collected by feeders rides the next trunk; the "
                   "trunk's township pickups are the previous collection")
    plan = replace(trunk, routes=tuple(routes), unserved=tuple(unserved),
                   runtime_s=round(runtime, 3), objective=round(objective, 2), meta=meta,
                   scenario_hash=scenario_hash(scenario))
    return _direct_fallback(plan, scenario, m)


def _direct_fallback(plan: Plan, scenario: Scenario, m: Matrices) -> Plan:
    """Two echelons: what neither trunks nor feeders serve goes directly from the hub, on a
    hub route that can take it or a vehicle idle there (see solve.repair). Lines a trunk
    handed to feeders that could not take them come off that trunk (its times stay: a stop may
    take longer than its goods need) when a hub vehicle serves them instead."""
    handed = {i for r in plan.routes for s in r.stops for i in s.transfer_ids}
    # At its trunk-route limit, a further vehicle calling at a township would be a trunk.
    towns = {s.id for s in scenario.stations if s.tier is Tier.TOWNSHIP} \
        if scenario.targets.max_trunk_routes is not None else set()
    todo = [u for u in plan.unserved if u.station_id not in towns]
    if not todo:
        return plan
    direct = replace(scenario, vehicle_types=direct_types(scenario))
    fleet = {vid for vid, _ in direct.vehicles()}
    # Routes that hand parcels to feeders keep their stops (their hand-over times bind the
    # feeders); the hub's other routes may take more.
    closed = {r.vehicle_id for r in plan.routes if r.vehicle_id not in fleet
              or any(s.transfer_ids for s in r.stops)}
    open_routes = tuple(r for r in plan.routes if r.vehicle_id not in closed)
    base = replace(plan, routes=open_routes,
                   unserved=tuple(replace(u, reason=DROPPED) for u in todo))
    fixed = repair(base, direct, m, busy=frozenset(closed))
    if fixed is base:
        return plan
    left = {i for u in fixed.unserved for i in u.line_ids}
    moved = {i for u in todo for i in u.line_ids if i not in left} & handed
    lines = {ln.id: ln for ln in scenario.demand}
    kept = tuple(without_lines(r, moved, lines)
                 if moved.intersection(i for s in r.stops for i in s.transfer_ids) else r
                 for r in plan.routes if r.vehicle_id in closed)
    others = [u for u in plan.unserved if u not in todo]
    meta = replace(plan.meta, direct_fallback=fixed.meta.repaired or 0)
    return replace(plan, routes=kept + fixed.routes, unserved=tuple(others) + fixed.unserved,
                   meta=meta)


def feeder_deadlines(trunk_sc: Scenario, scenario: Scenario, transfers: dict[str, str],
                     m: Matrices) -> Scenario:
    """The trunk problem with each township station closing in time for its feeders.

    A feeder leaves only ``transfer_s`` after the trunk that brought its parcels has left the
    township, so a trunk that is free to come at any hour the township is open may bring a
    village's parcels after the village has closed (a village open 08:00–12:00, a trunk at
    14:00). In the trunk problem a township therefore closes at the latest service start from
    which a feeder, leaving after that trunk visit's service and the transfer, still reaches
    each village it has down parcels for before that village closes (driving at the fastest
    feeder's speed) — but never before the trunk could be there at all (opening, the
    township's own produce ready, the parcels sorted at the hub plus the drive): then the
    feeder problem says which village is late and why.
    """
    lines = {ln.id: ln for ln in scenario.demand}
    villages: dict[str, set[str]] = {}
    for i, town in transfers.items():
        if lines[i].direction is Direction.DOWN:
            villages.setdefault(town, set()).add(lines[i].station_id)
    if not villages:
        return trunk_sc
    feeders = feeder_types(scenario)
    idx = m.index()
    durations: dict[float, np.ndarray] = {}

    def drive_s(speed: float, a: str, b: str) -> int:
        if speed not in durations:
            durations[speed] = vehicle_duration_s(m, speed)
        return int(durations[speed][idx[a], idx[b]])

    service: dict[str, int] = {}
    earliest: dict[str, int] = {}
    trunks = trunk_types(trunk_sc)
    for v in build_visits(trunk_sc):
        if v.fresh or v.station_id not in villages:
            continue
        service[v.station_id] = max(service.get(v.station_id, 0), v.service_s)
        arrive = min(v.ready_down_s + drive_s(vt.speed_kph, vt.depot_id, v.station_id)
                     for vt in trunks)
        earliest[v.station_id] = max(earliest.get(v.station_id, 0), v.open_s, v.ready_up_s,
                                     arrive)
    stations = []
    for st in trunk_sc.stations:
        if st.id in service:
            speed = max(vt.speed_kph for vt in feeders[st.id])
            latest = min(scenario.station(v).close_s - drive_s(speed, st.id, v)
                         for v in villages[st.id])
            due = latest - scenario.service.transfer_s - service[st.id]
            st = replace(st, close_s=min(st.close_s, max(due, earliest[st.id])))
        stations.append(st)
    return replace(trunk_sc, stations=tuple(stations))


def trunk_fleet(types: tuple[VehicleType, ...], limit: int
                ) -> tuple[tuple[VehicleType, ...], dict[str, int]]:
    """At most ``limit`` trunk vehicles, one route each, and how many of each type they are.

    Trunk-only types first (a scenario names its trunk trucks so), then dry before
    refrigerated (reefers are kept for the fresh goods), then the largest by parcels and kg.
    """
    order = sorted(range(len(types)), key=lambda k: (
        types[k].echelon != "trunk", types[k].refrigerated, -types[k].capacity_parcels,
        -types[k].capacity_kg, k))
    picked: list[VehicleType] = []
    taken: dict[str, int] = {}
    left = limit
    for k in order:
        n = min(types[k].count, left)
        if n > 0:
            picked.append(replace(types[k], count=n, max_trips=1))
            taken[types[k].id] = n
            left -= n
    return tuple(picked), taken


def _renumbered(routes: tuple[Route, ...], offset: dict[str, int]) -> tuple[Route, ...]:
    """Vehicle ``TYPE-k`` → ``TYPE-(k + offset[TYPE])``: the first vehicles of a type ran in
    another sub-problem, numbered from 1 there."""
    out = []
    for r in routes:
        k = int(r.vehicle_id.rsplit("-", 1)[1])
        out.append(replace(r, vehicle_id=f"{r.vehicle_type}-{k + offset.get(r.vehicle_type, 0)}"))
    return tuple(out)


def _plan_trunks(trunk_sc: Scenario, m: Matrices, limit: int | None, options: SolveOptions,
                 progress: Progress | None) -> Plan:
    """The trunk problem; under a trunk-route limit, in two parts.

    With ``[targets] max_trunk_routes`` the township stations' ambient parcels (their own and
    their villages') ride at most that many trunk vehicles, one route each (see
    :func:`trunk_fleet`); the rest of the trunk problem — fresh goods, villages served directly
    — is planned after it with the other hub vehicles. Whatever the limited trunks cannot
    carry is unserved with its reason, and the trunk-route verdict says so.
    """
    time_limit_s = options.time_limit_s
    if limit is None:
        return solve_checked(trunk_sc, m, options, progress=progress)
    towns = {s.id for s in trunk_sc.stations if s.tier is Tier.TOWNSHIP}
    main = tuple(ln for ln in trunk_sc.demand if not ln.fresh and ln.station_id in towns)
    rest = tuple(ln for ln in trunk_sc.demand if ln.fresh or ln.station_id not in towns)
    fleet, taken = trunk_fleet(trunk_types(trunk_sc), limit)
    share = len(main) / max(1, len(trunk_sc.demand))
    parts: list[Plan] = []
    if main:
        sub = replace(trunk_sc, vehicle_types=fleet, demand=main)
        parts.append(solve_checked(
            sub, m, replace(options, time_limit_s=max(1.0, time_limit_s * share)),
            progress=progress))
    others = tuple(replace(vt, count=vt.count - taken.get(vt.id, 0))
                   for vt in trunk_sc.vehicle_types if vt.count > taken.get(vt.id, 0))
    if rest and others:
        sub = replace(trunk_sc, vehicle_types=others, demand=rest)
        part = solve_checked(
            sub, m, replace(options, time_limit_s=max(1.0, time_limit_s * (1 - share))),
            progress=progress)
        parts.append(replace(part, routes=_renumbered(part.routes, taken)))
    elif rest:
        by_station: dict[str, list[str]] = {}
        for ln in rest:
            by_station.setdefault(ln.station_id, []).append(ln.id)
        parts.append(replace(parts[0], routes=(), unserved=tuple(
            Unserved(station_id=sid, line_ids=tuple(ids),
                     reason=f"the {limit} trunk routes of [targets] max_trunk_routes take "
                     "every hub vehicle; none is left for it")
            for sid, ids in by_station.items())))
    first = parts[0]
    meta = replace(first.meta, solutions=sum(p.meta.solutions for p in parts),
                   trunk_limit={"max_trunk_routes": limit, "trunk_fleet": taken})
    return replace(first, routes=tuple(r for p in parts for r in p.routes),
                   unserved=tuple(u for p in parts for u in p.unserved),
                   runtime_s=round(sum(p.runtime_s for p in parts), 3),
                   objective=round(sum(p.objective for p in parts), 2), meta=meta)
