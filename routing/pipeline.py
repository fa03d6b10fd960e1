"""The main job end to end: read a scenario, build matrices, solve, explain, check.

Direct plans are one solve; two-echelon plans are a trunk solve followed by one feeder solve per
township, synchronised through the trunks' departure times (see routing.solve.echelons).
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from .constants import AUTO
from .evaluate.check import Violation, check_plan, hard_first
from .evaluate.explain import Explainer
from .evaluate.probe import RouteView
from .exceptions import ModelError, NoPlanError
from .i18n import t as tr
from .io.edited import EditedRoute
from .io.events import Event
from .model import DemandLine, Direction, Scenario, Tier, Variant, VehicleType
from .model.plan import Plan, Route, Unserved
from .network.matrix import Matrices, travel_matrices, vehicle_duration_s
from .report.plan_json import plan_to_dict, read_plan_json
from .solve import DROPPED, scenario_hash, solve, stability
from .solve.echelons import (
    direct_types,
    feeder_scenario,
    feeder_types,
    mark_trunk,
    split_unserved,
    transferred_lines,
    trunk_departures,
    trunk_scenario,
    trunk_types,
)
from .solve.ortools_backend import Progress
from .solve.repair import Earlier, line_key, planned_trips, repair
from .solve.retime import left_out, retime
from .solve.schedule import continued_route, without_lines
from .solve.visits import Visit, build_visits, visit_of
from .units import hhmm

STRUCTURES = ("direct", "two_echelon")
#: Seconds each township's feeder problem gets at least (two echelons).
MIN_FEEDER_S = 0.25


def structures_of(scenario: Scenario, override: str | None = None) -> list[str]:
    """The structures to plan: the scenario's ``[solve] structure`` or ``override``."""
    s = override or scenario.solve.structure
    return list(STRUCTURES) if s == "both" else [s]


def route_views(routes: tuple[Route, ...]) -> list[RouteView]:
    """Routes as the evaluate layer's probe reads them."""
    return [(r.vehicle_id, r.trip, [(s.station_id, list(s.line_ids), list(s.transfer_ids),
                                     s.departure_s) for s in r.stops]) for r in routes]


def _explained(plan: Plan, scenario: Scenario, m: Matrices) -> Plan:
    """Every unserved station's reason, worked out from the scenario and the final routes
    (a claim the checker tests; see routing.evaluate.explain)."""
    if not plan.unserved:
        return plan
    locked = plan.meta.get("locked_vehicles", [])
    pinned = plan.meta.get("locked_stops", {})
    ex = Explainer(scenario, m, route_views(plan.routes),
                   {r.vehicle_id: r.echelon for r in plan.routes},
                   locked=frozenset(locked if isinstance(locked, list) else []),
                   pinned=dict(pinned) if isinstance(pinned, dict) else {},
                   out=frozenset(plan.meta.get("out_of_service", [])),  # type: ignore[arg-type]
                   not_before=round(float(plan.meta.get("replanned_at_min", 0)) * 60))  # type: ignore[arg-type]
    unserved = []
    for u in plan.unserved:
        code, reason = ex.why(u.station_id, u.line_ids)
        unserved.append(replace(u, code=code, reason=reason))
    return replace(plan, unserved=tuple(unserved))


def _passes(scenario: Scenario, m: Matrices, handed: dict[str, tuple[str, int]] | None = None
            ) -> Callable[[Plan], bool]:
    """The portfolio's gate: a candidate plan is kept only if the independent checker passes
    (``handed``: lines the trunks hand over at a township, for a feeder plan)."""
    return lambda plan: not check_plan(plan_to_dict(plan, scenario), scenario, m, handed=handed)


#: Portfolio entries that are not an engine's search: plans built by inserting visits (the
#: repair of an engine's plan, and the insertion plan built from no routes at all).
BUILT = ("insertion",)


def _built(label: str) -> bool:
    return label in BUILT or label.endswith(" + repair")


def no_plan(plan: Plan) -> tuple[int, int] | None:
    """(visits, servable) when ``plan`` is no plan within the time limit, else None.

    That is: no engine run returned a plan that serves any visit — each ended without a
    solution, or with one that leaves every visit out (OR-Tools stopped before its first
    solution, PyVRP's prize-collecting still at the empty plan) — while the fleet can serve
    some visit: inserting them one by one (the repair step, the insertion plan) placed at
    least one. ``servable`` is how many that placed. Such a plan comes from insertion alone;
    the engines had no time to plan. A plan that serves nothing because nothing can be
    served (every visit beyond every vehicle) is a plan, with its reasons; so is one where
    every engine run failed outright (an error, not the time: listed in ``meta.portfolio``),
    and a reference plan's routes count as a plan found.
    """
    runs = [r for r in plan.meta.get("portfolio") or () if "error" not in r]
    engines = [r for r in runs if not _built(str(r["engine"]))]
    if not engines or any(r.get("stops", 1) for r in engines):
        return None
    servable = max((int(r.get("stops", 0)) for r in runs if _built(str(r["engine"]))),
                   default=0)
    visits = sum(len(r.stops) for r in plan.routes) + sum(
        1 for u in plan.unserved if u.reason == DROPPED)
    return (visits, servable) if servable else None


def _solve(scenario: Scenario, m: Matrices, *, time_limit_s: float | None,
           strict: bool = False, **opts: Any) -> Plan:
    """:func:`routing.solve.solve`; when no engine found a plan in time (:func:`no_plan`),
    ``strict`` (comparisons, sweeps, Shapley: plans must be of one quality) refuses it with
    :class:`~routing.exceptions.NoPlanError`; otherwise the insertion plan (checked, serving
    what the fleet can) is the day's plan, and ``meta.engine_note`` says so."""
    plan = solve(scenario, m, time_limit_s=time_limit_s, **opts)
    found = no_plan(plan)
    if found is None:
        return plan
    limit = scenario.solve.time_limit_s if time_limit_s is None else time_limit_s
    error = NoPlanError(f"scenario '{scenario.name}'", limit, *found)
    if strict or not plan.routes:
        raise error
    # plan.json keeps the note in English (data); the summary shows it in the chosen
    # language from no_engine_plan_limit_s (routing.i18n "no_engine_plan_note").
    note = tr("no_engine_plan_note", "en", limit=f"{limit:g}")
    return replace(plan, meta=plan.meta | {"engine_note": note, "no_engine_plan": True,
                                           "no_engine_plan_limit_s": limit})


def plan_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                  time_limit_s: float | None = None, seed: int | None = None,
                  solution_limit: int | None = None, progress: Progress | None = None,
                  reference: dict[str, str] | None = None, change_penalty: float | None = None,
                  structure: str | None = None, engine: str = "auto",
                  locks: Locks | None = None, strict: bool = False) -> tuple[Plan, Matrices]:
    """Solve the scenario's day and give every unserved station a concrete reason.

    ``structure`` {"direct", "two_echelon"} defaults to the scenario's (``both`` plans direct;
    use :func:`structures_of` to plan each). ``reference``: station id → vehicle id of a plan
    to stay close to (default: the scenario's ``[solve] reference`` file, if any);
    ``change_penalty``: CNY per stop moved to another vehicle. ``engine`` {"ortools",
    "pyvrp", "auto"}: with "auto" both engines run when PyVRP fits and the cheaper plan that
    passes the independent checker is kept (see routing.solve.solve). ``locks``: routes kept
    exactly and stops kept on their vehicles (:class:`Locks`). ``strict``: no engine plan in
    time is a NoPlanError, not the insertion plan (see :func:`_solve`).
    """
    m = travel_matrices(scenario) if matrices is None else matrices
    if reference is None and scenario.solve.reference is not None:
        reference = reference_from_plan(read_plan_json(scenario.solve.reference))
    penalty = scenario.solve.change_penalty if change_penalty is None else change_penalty
    kind = structures_of(scenario, structure)[0]
    opts = {"seed": seed, "solution_limit": solution_limit, "progress": progress,
            "reference": reference, "change_penalty": penalty, "engine": engine,
            "strict": strict}
    if locks is not None and (locks.routes or locks.stops):
        if kind == "two_echelon":
            raise ModelError("locks apply to the direct structure; two echelons re-plan "
                             "trunks and feeders together")
        return _plan_locked(scenario, m, locks, time_limit_s=time_limit_s, **opts), m
    if kind == "two_echelon":
        plan = plan_two_echelon(scenario, m, time_limit_s=time_limit_s, **opts)
        return _explained(plan, scenario, m), m
    direct = replace(scenario, vehicle_types=direct_types(scenario))
    plan = _solve(direct, m, time_limit_s=time_limit_s, accept=_passes(direct, m), **opts)
    return _explained(plan, direct, m), m


def plan_two_echelon(scenario: Scenario, m: Matrices, *, time_limit_s: float | None,
                     **opts: Any) -> Plan:
    """Trunks first, then each township's feeders from the trunks' departure times.

    The time budget goes one third to the trunks and the rest to the feeders, shared by the
    number of lines each township's feeders take (at least MIN_FEEDER_S each).
    """
    if not trunk_types(scenario):
        raise ModelError("two_echelon planning needs trunk vehicles: vehicle types with "
                         "echelon 'trunk' or 'any' based at the hub")
    budget = scenario.solve.time_limit_s if time_limit_s is None else time_limit_s
    t0 = time.perf_counter()
    transfers = transferred_lines(scenario)
    trunk_sc = feeder_deadlines(trunk_scenario(scenario, transfers), scenario, transfers, m)
    trunk = _plan_trunks(trunk_sc, m, scenario.targets.max_trunk_routes,
                         max(1.0, budget / 3), opts)
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
    runtime, objective, solutions = trunk.runtime_s, trunk.objective, trunk.meta["solutions"]
    feeders = feeder_types(scenario)
    for town, ids in sorted(by_town.items()):
        sub = feeder_scenario(scenario, town, (lines[i] for i in ids), ready)
        share = max(MIN_FEEDER_S, feeder_s * len(ids) / total)
        at_hand = {i: (town, ready[i]) for i in ids}
        part = _solve(sub, m, time_limit_s=share, accept=_passes(sub, m, at_hand), **opts)
        routes += [dataclasses.replace(r, echelon="feeder") for r in part.routes]
        unserved += part.unserved
        runtime += part.runtime_s
        objective += part.objective
        solutions = int(solutions) + int(part.meta["solutions"])
    meta = dict(trunk.meta) | {"structure": "two_echelon", "solutions": solutions,
                               "transfer_s": scenario.service.transfer_s,
                               "townships_with_feeders": sorted(feeders),
                               "up_transfer": "produce collected by feeders rides the next "
                               "trunk; the trunk's township pickups are the previous "
                               "collection"}
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
    meta = dict(plan.meta) | {"direct_fallback": fixed.meta.get("repaired", 0)}
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
    durations: dict[float, Any] = {}

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


def _plan_trunks(trunk_sc: Scenario, m: Matrices, limit: int | None, time_limit_s: float,
                 opts: dict[str, Any]) -> Plan:
    """The trunk problem; under a trunk-route limit, in two parts.

    With ``[targets] max_trunk_routes`` the township stations' ambient parcels (their own and
    their villages') ride at most that many trunk vehicles, one route each (see
    :func:`trunk_fleet`); the rest of the trunk problem — fresh goods, villages served directly
    — is planned after it with the other hub vehicles. Whatever the limited trunks cannot
    carry is unserved with its reason, and the trunk-route verdict says so.
    """
    if limit is None:
        return _solve(trunk_sc, m, time_limit_s=time_limit_s, accept=_passes(trunk_sc, m),
                     **opts)
    towns = {s.id for s in trunk_sc.stations if s.tier is Tier.TOWNSHIP}
    main = tuple(ln for ln in trunk_sc.demand if not ln.fresh and ln.station_id in towns)
    rest = tuple(ln for ln in trunk_sc.demand if ln.fresh or ln.station_id not in towns)
    fleet, taken = trunk_fleet(trunk_types(trunk_sc), limit)
    share = len(main) / max(1, len(trunk_sc.demand))
    parts: list[Plan] = []
    if main:
        sub = replace(trunk_sc, vehicle_types=fleet, demand=main)
        parts.append(_solve(sub, m, time_limit_s=max(1.0, time_limit_s * share),
                           accept=_passes(sub, m), **opts))
    others = tuple(replace(vt, count=vt.count - taken.get(vt.id, 0))
                   for vt in trunk_sc.vehicle_types if vt.count > taken.get(vt.id, 0))
    if rest and others:
        sub = replace(trunk_sc, vehicle_types=others, demand=rest)
        part = _solve(sub, m, time_limit_s=max(1.0, time_limit_s * (1 - share)),
                     accept=_passes(sub, m), **opts)
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
    meta = dict(first.meta) | {
        "solutions": sum(int(p.meta.get("solutions", 0)) for p in parts),
        "trunk_limit": {"max_trunk_routes": limit, "trunk_fleet": taken}}
    return replace(first, routes=tuple(r for p in parts for r in p.routes),
                   unserved=tuple(u for p in parts for u in p.unserved),
                   runtime_s=round(sum(p.runtime_s for p in parts), 3),
                   objective=round(sum(p.objective for p in parts), 2), meta=meta)


def reference_from_plan(doc: dict[str, Any]) -> dict[str, str]:
    """Station id → vehicle id from a plan document (yesterday's plan.json, or fixed routes),
    in route order; and each demand line's vehicle under :func:`routing.solve.repair.line_key`."""
    out: dict[str, str] = {}
    for r in doc["routes"]:
        for s in r["stops"]:
            out[s["station_id"]] = r["vehicle_id"]
            # A station's fresh and dry visits may ride different vehicles (the reefer and
            # another): each line's own vehicle too, under "line:<id>".
            for i in s["lines"]:
                out.setdefault(line_key(i), r["vehicle_id"])
    return out


def check_scenario_plan(plan: Plan, scenario: Scenario, matrices: Matrices) -> list[Violation]:
    """Run the independent checker on a plan object, exactly as on its plan.json."""
    return check_plan(plan_to_dict(plan, scenario), scenario, matrices)



@dataclasses.dataclass(frozen=True, slots=True)
class Locks:
    """What a re-plan must keep: ``routes``, the locked vehicles' routes exactly as in the
    reference plan (every trip, stops in order; only today's lines), and ``stops``, locked
    stops: station id → the vehicle that must serve it."""

    routes: tuple[EditedRoute, ...] = ()
    stops: dict[str, str] = dataclasses.field(default_factory=dict)


def _plan_locked(scenario: Scenario, m: Matrices, locks: Locks, *,
                 time_limit_s: float | None, reference: dict[str, str] | None,
                 strict: bool = False, **opts: Any) -> Plan:
    """Plan around locks: the locked vehicles keep their routes (re-timed as they stand) and
    leave the problem with their lines; the rest of the fleet, under ids of its own, plans the
    rest with the locked stops pinned to their vehicles; then the two are joined under the
    real vehicle ids. Every engine honours the locked routes this way; locked stops,
    OR-Tools and the insertion plan (PyVRP refuses them; meta.engine_note says so)."""
    direct = replace(scenario, vehicle_types=direct_types(scenario))
    fleet = dict(direct.vehicles())
    locked = {r.vehicle_id for r in locks.routes}
    unknown = sorted((locked | set(locks.stops.values())) - set(fleet))
    if unknown:
        raise ModelError(f"locked vehicle(s) {', '.join(repr(v) for v in unknown)} not in the "
                         f"fleet of the direct structure")
    taken = {i for r in locks.routes for s in r.stops for i in s.line_ids}
    types, rename = [], {}
    for vt in direct.vehicle_types:  # the free vehicles of each type, numbered 1, 2, …
        free = [vid for vid, t in fleet.items() if t.id == vt.id and vid not in locked]
        types.append(replace(vt, count=len(free)))
        rename.update({f"{vt.id}-{k}": vid for k, vid in enumerate(free, start=1)})
    back = {vid: sub for sub, vid in rename.items()}
    sub = replace(direct, vehicle_types=tuple(types),
                  demand=tuple(ln for ln in direct.demand if ln.id not in taken))
    # A stop locked to a locked vehicle keeps the lines that route has; its new ones go free.
    pins = {st: back[vid] for st, vid in locks.stops.items() if vid in back}
    ref = {k: back[vid] for k, vid in (reference or {}).items() if vid in back}
    part = _solve(sub, m, time_limit_s=time_limit_s, accept=_passes(sub, m),
                  reference=ref or None, pinned=pins, strict=strict, **opts)
    kept = retime(direct, m, [(r.vehicle_id, r.trip, [(s.station_id, s.line_ids)
                                                     for s in r.stops]) for r in locks.routes])
    order = {vid: k for k, vid in enumerate(fleet)}
    routes = sorted([*kept.routes, *(replace(r, vehicle_id=rename[r.vehicle_id])
                                      for r in part.routes)],
                    key=lambda r: (order[r.vehicle_id], r.trip))
    extra = round(sum(r.cost for r in kept.routes), 2)  # every candidate had the locked routes
    runs = [x | {"cost": round(x["cost"] + extra, 2), "score": round(x["score"] + extra, 2)}
            if "cost" in x else x for x in part.meta.get("portfolio", [])]  # type: ignore[attr-defined]
    meta = dict(part.meta) | {"locked_vehicles": sorted(locked, key=order.__getitem__),
                              "locked_stops": dict(sorted(locks.stops.items()))}
    if runs:
        meta["portfolio"] = runs
    if reference:
        meta["stability"] = stability(tuple(routes), reference) | {
            "change_penalty": opts.get("change_penalty", 0.0)}
    plan = replace(part, scenario_hash=scenario_hash(direct), routes=tuple(routes), meta=meta)
    return _explained(plan, direct, m)


@dataclasses.dataclass(frozen=True, slots=True)
class Retimed:
    """An edited plan re-timed: the plan (times, loads, costs recomputed; unserved lines
    explained) and what breaks the rules, hard violations first."""

    plan: Plan
    violations: list[Violation]


def retime_plan(scenario: Scenario, matrices: Matrices, edited: list[EditedRoute], *,
                source: str = "") -> Retimed:
    """Re-time the dispatcher's routes as given (order and vehicles kept) and check them.

    Every figure is recomputed, so the checker reports only rules the edit breaks: loads over
    a capacity, a stop outside its hours, a shift too long, fresh goods off the cold chain, a
    line served twice. Each line on no route is a violation of its own (kind ``unserved``)
    with the reason it is out: a dispatcher who took it off a route must see it.
    """
    fleet = dict(scenario.vehicles())
    feeders = sorted({r.vehicle_id for r in edited
                      if scenario.station(fleet[r.vehicle_id].depot_id).tier is Tier.TOWNSHIP})
    if feeders:
        raise ModelError("retime handles plans whose vehicles start at the hub (the direct "
                         f"structure); feeder vehicle(s) {', '.join(feeders[:5])} start at "
                         "township stations, whose hand-overs it does not re-time yet")
    timed = retime(scenario, matrices,
                   [(r.vehicle_id, r.trip, [(s.station_id, s.line_ids) for s in r.stops])
                    for r in edited])
    plan = _explained(replace(timed, meta=timed.meta | {"retimed_from": source}), scenario,
                      matrices)
    found = check_scenario_plan(plan, scenario, matrices)
    names = {s.id: s.name for s in scenario.stations}
    left = [Violation("unserved", f"station {u.station_id} ({names.get(u.station_id, '')})",
                      f"{len(u.line_ids)} line(s) on no route ({', '.join(u.line_ids[:4])}"
                      f"{' …' if len(u.line_ids) > 4 else ''}): {u.reason}")
            for u in plan.unserved]
    return Retimed(plan, hard_first(found + left))


def planner(seed: int | None, solution_limit: int | None, engine: str = "auto") -> Any:
    """The compare engine's planner: our solver, no reference plan, one structure."""
    def plan(sub: Scenario, m: Matrices, structure: str, time_limit_s: float
             ) -> tuple[Plan, dict[str, Any]]:
        sub = replace(sub, solve=replace(sub.solve, reference=None))
        result, _ = plan_scenario(sub, m, time_limit_s=time_limit_s, seed=seed,
                                  solution_limit=solution_limit, structure=structure,
                                  engine=engine, strict=True)
        return result, plan_to_dict(result, sub)
    return plan


@dataclasses.dataclass(frozen=True, slots=True)
class CompareStep:
    """Where ``routing compare`` is: ``stage`` (baseline | variant | shapley), ``done`` of
    ``total`` jobs of that stage finished, the job about to start (``name``, "" at the end),
    seconds since the start and an estimate of the seconds left (every job's time limit,
    scaled by how long the finished ones took against theirs)."""

    stage: str
    done: int
    total: int
    name: str
    elapsed_s: float
    left_s: float


class _Clock:
    """Jobs done and time left: each job weighs its time limit."""

    def __init__(self, jobs: list[tuple[str, float]], step: Any) -> None:
        self.t0 = time.perf_counter()
        self.planned = sum(w for _, w in jobs)
        self.spent = 0.0  # time limits of the jobs done
        self.step = step or (lambda _s: None)
        self.totals: dict[str, int] = {}
        for stage, _ in jobs:
            self.totals[stage] = self.totals.get(stage, 0) + 1
        self.done: dict[str, int] = dict.fromkeys(self.totals, 0)

    def tell(self, stage: str, name: str) -> None:
        elapsed = time.perf_counter() - self.t0
        # Until a job has finished, assume plans take 1.3 × their limit (checks, the week's
        # simulation, a second schedule tried).
        rate = elapsed / self.spent if self.spent > 0 else 1.3
        left = max(0.0, (self.planned - self.spent) * rate)
        self.step(CompareStep(stage=stage, done=self.done[stage], total=self.totals[stage],
                              name=name, elapsed_s=elapsed, left_s=left))

    def finished(self, stage: str, weight: float) -> None:
        self.done[stage] += 1
        self.spent += weight


def co_cycle(scenario: Scenario, carrier: str) -> int:
    """How often a carrier alone visits its stations, days (its plans per cycle)."""
    return next((c.visit_every_days for c in scenario.carriers if c.id == carrier), 1)


def compare_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                     time_limit_s: float | None = None,
                     coalition_time_limit_s: float | None = None, shapley: bool | None = None,
                     seed: int | None = None, solution_limit: int | None = None,
                     note: Any = None, step: Any = None,
                     engine: str = "auto") -> dict[str, Any]:
    """Carriers alone vs the scenario's variants, with targets and the cost split.

    Returns a JSON-ready dict (see :mod:`routing.report.comparison`); ``note`` (a callable
    taking a string) hears what is being planned; ``step`` (a callable taking a
    :class:`CompareStep`) hears each job start, with the jobs done and the time left. An
    option with no plan within the time limit (:class:`~routing.exceptions.NoPlanError`) is an
    outcome marked ``failed`` with no figures; ``result["failed"]`` lists each such option,
    coalitions included, and no cost split uses it (a failed coalition leaves the Shapley
    split out, naming the coalition).
    """
    from .evaluate import consolidation as co
    from .evaluate.sla import sla_report

    m = travel_matrices(scenario) if matrices is None else matrices
    spec = scenario.compare
    tl = spec.time_limit_s if time_limit_s is None else time_limit_s
    ctl = spec.coalition_time_limit_s if coalition_time_limit_s is None else coalition_time_limit_s
    do_shapley = spec.shapley if shapley is None else shapley
    plan_with = planner(seed, solution_limit, engine)
    say = note or (lambda _msg: None)
    failed: list[dict[str, str]] = []

    def attempt(kind: str, name: str, carriers: tuple[str, ...], structure: str,
                setting: int | str, targets: Any, run: Callable[[], Any]) -> Any:
        try:
            return run()
        except NoPlanError as exc:
            say(f"{kind} {name}: no plan within the time limit")
            failed.append({"kind": kind, "option": name, "reason": str(exc)})
            return co.failed_outcome(scenario, name, kind, carriers, structure, setting,
                                     str(exc), targets)

    alone = co.carriers_with_parcels(scenario)
    everyone = alone
    subsets = [members for size in range(1, len(everyone) + 1)
               for members in itertools.combinations(everyone, size)] \
        if do_shapley and len(everyone) > 1 else []

    # The grand coalition is the first variant's plan when that is the plain daily alliance.
    first = spec.variants[0] if spec.variants else None
    reuse_grand = (first is not None and first.visit_every_days == 1
                   and first.structure == "direct"
                   and tuple(first.carriers or (c.id for c in scenario.carriers)) == everyone)

    def reused(members: tuple[str, ...]) -> bool:
        return len(members) == len(everyone) and reuse_grand

    # A job's weight: the plans of its visit cycle, each on the time limit (every k > 1 days:
    # two schedules of k plans tried; auto: about three cycles).
    def cycle(k: int) -> float:
        return tl * (2 * k if k > 1 else 1)

    def weight(v: Variant) -> float:
        return 6 * tl if v.visit_every_days == AUTO else cycle(int(v.visit_every_days))

    clock = _Clock([("baseline", cycle(co_cycle(scenario, c))) for c in alone]
                   + [("variant", weight(v)) for v in spec.variants]
                   + [("shapley", ctl) for s in subsets if not reused(s)], step)
    say(f"baseline: {len(scenario.carriers)} carriers alone, {tl:g} s each")
    baseline: dict[str, Any] = {}
    for c in alone:
        clock.tell("baseline", c)
        baseline[c] = attempt("baseline", f"{c} alone", (c,), "direct", co_cycle(scenario, c),
                              None, lambda c=c: co.plan_alone(scenario, m, c, plan_with, tl))
        clock.finished("baseline", cycle(co_cycle(scenario, c)))
    variants = []
    for v in spec.variants:
        every = ("each station's frequency chosen" if v.visit_every_days == AUTO
                 else f"every {v.visit_every_days} day(s)")
        say(f"variant {v.name}: {v.structure}, {every}")
        members = v.carriers or tuple(c.id for c in scenario.carriers)
        clock.tell("variant", v.name)
        variants.append(attempt("variant", v.name, tuple(members), v.structure,
                                v.visit_every_days, v.targets,
                                lambda v=v: co.plan_variant(scenario, m, v, plan_with, tl)))
        clock.finished("variant", weight(v))
    coalitions = None
    failed_coalitions: list[str] = []
    if subsets:
        say(f"Shapley: {2 ** len(everyone) - 1} coalition plans, {ctl:g} s each")
        coalitions = {}
        for members in subsets:
            name = "+".join(members)
            if reused(members):
                if variants[0].failed:
                    failed_coalitions.append(name)
                coalitions[frozenset(members)] = variants[0].cost_day
                continue
            clock.tell("shapley", name)
            o = attempt("coalition", name, members, "direct", 1, None,
                        lambda members=members, name=name: co.plan_variant(
                            scenario, m, Variant(name=name, carriers=members), plan_with,
                            ctl, kind="coalition"))
            if o.failed:
                failed_coalitions.append(name)
            coalitions[frozenset(members)] = o.cost_day
            clock.finished("shapley", ctl)
    last = "shapley" if clock.totals.get("shapley") else "variant"
    if last in clock.totals:
        clock.tell(last, "")
    primary = next((v for v in variants if set(v.carriers) == set(everyone)), variants[0])
    base_timings = [t for o in baseline.values() for t in o.timings]
    return {
        "scenario": scenario.name, "title": scenario.title, "date": scenario.date,
        "targets": dataclasses.asdict(scenario.targets),
        "time_limit_s": tl, "coalition_time_limit_s": ctl if coalitions else None,
        "baseline": {c: o for c, o in baseline.items()},
        "baseline_sla": sla_report(base_timings, scenario),
        "variants": variants,
        "primary": primary.name,
        "cost_shares": co.cost_shares(scenario, primary, baseline,
                                      coalitions if primary.structure == "direct" else None,
                                      tuple(failed_coalitions)),
        "coalitions": ({"+".join(sorted(k)): v for k, v in coalitions.items()}
                       if coalitions and not failed_coalitions else None),
        "failed": failed,
    }


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """What one driver must be told after a re-plan: a stop added, removed or moved to
    another place in the order, or a new arrival time (``detail`` says which)."""

    vehicle_id: str
    kind: str  # added | removed | moved | retimed
    station_id: str
    detail: str


@dataclasses.dataclass(frozen=True, slots=True)
class Replanned:
    """The day re-planned at ``at_s``: the whole day's plan (history and what is left), the
    scenario as the day now stands (late lines, cancellations, closures, parcels brought
    back), the checker's verdict on both, and what each driver must be told."""

    plan: Plan
    scenario: Scenario
    violations: list[Violation]
    changes: list[Change]
    notes: list[str]


def replan_day(scenario: Scenario, m: Matrices, doc: dict[str, Any], *, at_s: int,
               late: Sequence[DemandLine] = (), events: Sequence[Event] = ()) -> Replanned:
    """Re-plan the rest of the day from the plan ``doc`` at ``at_s`` (seconds after 00:00).

    - Every stop the plan had reached by ``at_s`` — and the stop a vehicle on the road is
      driving to — is history: it stays with its times. ``done`` events add stops (at their
      actual departure).
    - ``cancel`` takes a line off; ``closed`` closes a station from its time (its lines not
      yet served stay unserved, with that reason); ``delay`` holds a vehicle at its last stop
      (or its next departure) ``minutes`` longer; ``breakdown`` ends a vehicle's day where it
      stands: it is brought back to its depot with what it still carries (nothing moves
      between vehicles on the road), those parcels are at the hub again when it arrives and go
      out with another vehicle, and its pickups not yet made are given to others.
    - Late lines (a demand table in the scenario's format) and the parcels brought back are
      inserted where they cost least: into trips not yet begun, a further trip of a vehicle
      after its last, or an idle vehicle (never into a trip already on the road: the parcels
      are at the hub). Everything else keeps its vehicle and order: with no event nothing
      moves.
    """
    day = _day_scenario(scenario, late, events, at_s)
    lines = {ln.id: ln for ln in day.demand}
    fleet = dict(day.vehicles())
    direct = replace(day, vehicle_types=direct_types(day))
    broken = {e.vehicle: (e.time_s if e.time_s is not None else at_s)
              for e in events if e.kind == "breakdown"}
    delays: dict[str, int] = {}
    for e in events:
        if e.kind == "delay":
            delays[e.vehicle] = delays.get(e.vehicle, 0) + 60 * e.minutes
    done_at = {(e.vehicle, e.station): e.time_s for e in events if e.kind == "done"}
    closing = {e.station for e in events if e.kind == "closed"}
    notes: list[str] = []
    kept: list[Route] = []  # trips begun before at_s (or a breakdown): history + the rest
    future: dict[str, list[list[tuple[str, list[str]]]]] = {}  # trips not begun, by stop
    earlier: dict[str, Earlier] = {}
    back_at: dict[str, int] = {}  # parcels a broken-down vehicle brings back: at the hub then
    served_past: set[str] = set()
    for vid, trips in _doc_trips(doc).items():
        vt = fleet.get(vid)
        if vt is None:
            raise ModelError(f"the plan's vehicle '{vid}' is not in the scenario's fleet")
        stop_at = broken.get(vid)
        count, shift_start, last_end = 0, None, 0
        for start_s, stops in trips:
            begun = start_s <= at_s or (stop_at is not None and start_s <= stop_at)
            if not begun or (stop_at is not None and start_s > stop_at):
                if stop_at is None:  # (a broken vehicle's later trips go to others)
                    future.setdefault(vid, []).append(
                        [(st, [i for i in ids if i in lines]) for st, ids, _ in stops
                         if st not in closing])
                continue
            limit = stop_at if stop_at is not None else at_s
            history, rest = _split_trip(start_s, stops, limit, done_at, vid,
                                        ride_on=stop_at is None)
            history = [(st, tuple(i for i in ids if i in lines or i in served_past), t)
                       for st, ids, t in history]
            served_past.update(i for _, ids, _ in history for i in ids)
            if vid in delays and history:
                st, ids, (a, b, d) = history[-1]
                held = delays.pop(vid)
                history[-1] = (st, ids, (a, b, d + held))
                notes.append(f"{vid}: held {held // 60} min at {st}, later stops later")
            rest_ids = [[i for i in ids if i in lines and i not in served_past]
                        for _, ids, _ in rest]
            back = [i for ids in rest_ids for i in ids] if stop_at is not None else []
            if back:
                notes.append(f"{vid} broke down at {hhmm(stop_at or 0)}: brought back to "
                             f"{vt.depot_id} with {len(back)} line(s) not delivered or "
                             "collected; they go out with other vehicles")
            rest_visits: list[Visit] = []
            if stop_at is None:  # a stop at a station closed today leaves the trip
                rest_visits = [visit_of(direct, st, [lines[i] for i in ids])
                               for (st, _, _), ids in zip(rest, rest_ids, strict=True)
                               if ids and st not in closing]
            count += 1
            route = continued_route(direct, m, vid, vt, start_s, history, rest_visits,
                                    trip=count, paid_from_s=last_end if count > 1 else None,
                                    lines=lines)
            kept.append(route)
            # its parcels still on board are at the hub when it is (its pickups not made
            # stay at their stations, ready as they were)
            back_at.update((i, route.end_s) for i in back
                           if lines[i].direction is Direction.DOWN)
            shift_start = start_s if shift_start is None else shift_start
            last_end = route.end_s
        if count or vid in delays:
            not_before = max(at_s, last_end + (day.service.reload_s if count else 0)
                             ) + delays.get(vid, 0)
            earlier[vid] = Earlier(count, shift_start if shift_start is not None else at_s,
                                   last_end, not_before)
    for vid in fleet:
        earlier.setdefault(vid, Earlier(0, at_s, 0, at_s))
    day = replace(day, demand=tuple(replace(ln, ready_s=max(ln.ready_s, back_at[ln.id]))
                                    if ln.id in back_at else ln for ln in day.demand))
    direct = replace(day, vehicle_types=direct_types(day))
    lines = {ln.id: ln for ln in day.demand}
    # Trips not yet begun keep their vehicle and order; then every line on no route (late,
    # brought back, off a closed stop or a trip that no longer fits) goes in where it may.
    fleet_plan = _future_plan(direct, m, future, earlier, lines)
    served = served_past | {i for r in (*kept, *fleet_plan.routes) for s in r.stops
                            for i in s.line_ids}
    base = replace(fleet_plan, unserved=tuple(left_out(direct, m, served)))
    filled = repair(base, direct, m, busy=frozenset(broken), earlier=earlier)
    order = {vid: k for k, vid in enumerate(fleet)}
    routes = sorted([*kept, *filled.routes], key=lambda r: (order[r.vehicle_id], r.trip))
    plan = Plan(scenario=day.name, scenario_hash=scenario_hash(direct), date=day.date,
                engine="replan", seed=day.solve.seed, time_limit_s=0.0, status="REPLANNED",
                runtime_s=0.0, objective=round(sum(r.cost for r in routes), 2),
                routes=tuple(routes), unserved=filled.unserved,
                meta={"solutions": 1, "solution_limit": None, "matrix_source": m.source,
                      "unreachable": list(m.unreachable), "first_solution_s": None,
                      "replanned_at_min": round(at_s / 60, 2),
                      "locked_vehicles": sorted({r.vehicle_id for r in kept}),
                      "out_of_service": sorted(broken), "replan_notes": notes})
    plan = _explained(plan, direct, m)
    violations = hard_first(check_scenario_plan(plan, direct, m))
    return Replanned(plan, direct, violations, _changes(doc, plan), notes)


def _day_scenario(scenario: Scenario, late: Sequence[DemandLine], events: Sequence[Event],
                  at_s: int) -> Scenario:
    """The scenario as the day now stands: late lines added, cancelled ones gone, closed
    stations closing at their event's time."""
    cancelled = {e.line for e in events if e.kind == "cancel"}
    closing = {e.station: (e.time_s if e.time_s is not None else at_s)
               for e in events if e.kind == "closed"}
    stations = tuple(replace(s, close_s=max(s.open_s, min(s.close_s, closing[s.id])))
                     if s.id in closing else s for s in scenario.stations)
    demand = tuple(ln for ln in (*scenario.demand, *late) if ln.id not in cancelled)
    return replace(scenario, stations=stations, demand=demand)


_Stop = tuple[str, tuple[str, ...], tuple[int, int, int]]


def _doc_trips(doc: dict[str, Any]) -> dict[str, list[tuple[int, list[_Stop]]]]:
    """Per vehicle, its trips in order: (departure, [(station, lines, times)])."""
    out: dict[str, list[tuple[int, int, list[_Stop]]]] = {}
    for r in doc["routes"]:
        stops = [(s["station_id"], tuple(s["lines"]),
                  (round(s["arrival_min"] * 60), round(s["start_min"] * 60),
                   round(s["departure_min"] * 60))) for s in r["stops"]]
        out.setdefault(r["vehicle_id"], []).append((r.get("trip", 1),
                                                    round(r["start_min"] * 60), stops))
    return {vid: [(start, stops) for _, start, stops in sorted(trips)]
            for vid, trips in out.items()}


def _split_trip(start_s: int, stops: list[_Stop], at_s: int,
                done_at: dict[tuple[str, str], int | None], vid: str, *, ride_on: bool
                ) -> tuple[list[_Stop], list[_Stop]]:
    """A begun trip's history and rest at ``at_s``: the stops left by then (or reported
    done, at their actual departure), and — ``ride_on``, a vehicle on the road — the stop it
    is driving to."""
    history: list[_Stop] = []
    for k, (st, ids, (a, b, d)) in enumerate(stops):
        if (vid, st) in done_at:
            actual = done_at[(vid, st)]
            history.append((st, ids, (a, b, max(b, actual) if actual is not None else d)))
        elif d <= at_s:
            history.append((st, ids, (a, b, d)))
        else:
            if ride_on:  # left its last point by at_s: driving here, or already here
                history.append((st, ids, (a, b, d)))
                k += 1
            return history, stops[k:]
    return history, []


def _future_plan(direct: Scenario, m: Matrices,
                 future: dict[str, list[list[tuple[str, list[str]]]]],
                 earlier: dict[str, Earlier], lines: dict[str, DemandLine]) -> Plan:
    """The trips not yet begun, as the plan had them (order kept, lines still due), timed
    after each vehicle's day so far; a trip that no longer fits gives its lines back."""
    empty = Plan(scenario=direct.name, scenario_hash=scenario_hash(direct), date=direct.date,
                 engine="replan", seed=direct.solve.seed, time_limit_s=0.0, status="REPLANNED",
                 runtime_s=0.0, objective=0.0, routes=(), unserved=(), meta={})
    trips: dict[str, list[list[Visit]]] = {}
    for vid, ts in future.items():
        for stops in ts:
            seq = [visit_of(direct, st, [lines[i] for i in ids]) for st, ids in stops if ids]
            if seq:
                trips.setdefault(vid, []).append(seq)
    return planned_trips(empty, direct, m, trips, earlier)


def _changes(doc: dict[str, Any], plan: Plan) -> list[Change]:
    """Per driver: stations added to or removed from the day, moved in the order, or with an
    arrival more than 5 minutes from the old one."""
    old: dict[str, list[tuple[str, float]]] = {}
    for r in doc["routes"]:
        old.setdefault(r["vehicle_id"], []).extend(
            (s["station_id"], s["arrival_min"]) for s in r["stops"])
    new: dict[str, list[tuple[str, float]]] = {}
    for r in plan.routes:
        new.setdefault(r.vehicle_id, []).extend((s.station_id, s.arrival_s / 60)
                                                for s in r.stops)
    out = []
    for vid in sorted(set(old) | set(new)):
        was = _nth(old.get(vid, []))
        now = _nth(new.get(vid, []))
        a, b = list(was), list(now)  # (station, n-th stop there), in driving order
        for key in b:
            if key not in was:
                out.append(Change(vid, "added", key[0], "new stop"))
        for key in a:
            if key not in now:
                out.append(Change(vid, "removed", key[0], "no longer on this vehicle"))
        common_a = [k for k in a if k in now]
        common_b = [k for k in b if k in was]
        # a stop moved: its place among the stops both versions share changed
        for k, key in enumerate(common_b):
            if common_a[k] != key:
                out.append(Change(vid, "moved", key[0], f"now stop {b.index(key) + 1}"))
        for key, t in now.items():
            if key in was and abs(t - was[key]) > 5:
                out.append(Change(vid, "retimed", key[0], f"arrival "
                                  f"{hhmm(round(was[key] * 60))} → {hhmm(round(t * 60))}"))
    return out


def _nth(stops: list[tuple[str, float]]) -> dict[tuple[str, int], float]:
    """Arrival per (station, its n-th stop of the day): a station's fresh and dry stops
    apart."""
    seen: dict[str, int] = {}
    out = {}
    for st, t in stops:
        seen[st] = seen.get(st, 0) + 1
        out[st, seen[st]] = t
    return out
