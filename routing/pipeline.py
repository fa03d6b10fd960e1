"""The main job end to end: read a scenario, build matrices, solve, explain, check.

Direct plans are one solve; two-echelon plans are a trunk solve followed by one feeder solve per
township, synchronised through the trunks' departure times (see routing.solve.echelons).
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .constants import AUTO
from .evaluate.check import Violation, check_plan
from .evaluate.explain import Explainer
from .evaluate.probe import RouteView
from .exceptions import ModelError
from .model import Direction, Scenario, Tier, Variant, VehicleType
from .model.plan import Plan, Route, Unserved
from .network.matrix import Matrices, travel_matrices, vehicle_duration_s
from .report.plan_json import plan_to_dict, read_plan_json
from .solve import DROPPED, scenario_hash, solve
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
from .solve.repair import line_key, repair
from .solve.schedule import without_lines
from .solve.visits import build_visits

STRUCTURES = ("direct", "two_echelon")


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
    ex = Explainer(scenario, m, route_views(plan.routes),
                   {r.vehicle_id: r.echelon for r in plan.routes})
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


def plan_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                  time_limit_s: float | None = None, seed: int | None = None,
                  solution_limit: int | None = None, progress: Progress | None = None,
                  reference: dict[str, str] | None = None, change_penalty: float | None = None,
                  structure: str | None = None, engine: str = "auto") -> tuple[Plan, Matrices]:
    """Solve the scenario's day and give every unserved station a concrete reason.

    ``structure`` {"direct", "two_echelon"} defaults to the scenario's (``both`` plans direct;
    use :func:`structures_of` to plan each). ``reference``: station id → vehicle id of a plan
    to stay close to (default: the scenario's ``[solve] reference`` file, if any);
    ``change_penalty``: CNY per stop moved to another vehicle. ``engine`` {"ortools",
    "pyvrp", "auto"}: with "auto" both engines run when PyVRP fits and the cheaper plan that
    passes the independent checker is kept (see routing.solve.solve).
    """
    m = travel_matrices(scenario) if matrices is None else matrices
    if reference is None and scenario.solve.reference is not None:
        reference = reference_from_plan(read_plan_json(scenario.solve.reference))
    penalty = scenario.solve.change_penalty if change_penalty is None else change_penalty
    kind = structures_of(scenario, structure)[0]
    opts = {"seed": seed, "solution_limit": solution_limit, "progress": progress,
            "reference": reference, "change_penalty": penalty, "engine": engine}
    if kind == "two_echelon":
        plan = plan_two_echelon(scenario, m, time_limit_s=time_limit_s, **opts)
        return _explained(plan, scenario, m), m
    direct = replace(scenario, vehicle_types=direct_types(scenario))
    plan = solve(direct, m, time_limit_s=time_limit_s, accept=_passes(direct, m), **opts)
    return _explained(plan, direct, m), m


def plan_two_echelon(scenario: Scenario, m: Matrices, *, time_limit_s: float | None,
                     **opts: Any) -> Plan:
    """Trunks first, then each township's feeders from the trunks' departure times.

    The time budget goes one third to the trunks and two thirds to the feeders, shared by the
    number of villages each township serves.
    """
    if not trunk_types(scenario):
        raise ModelError("two_echelon planning needs trunk vehicles: vehicle types with "
                         "echelon 'trunk' or 'any' based at the hub")
    budget = scenario.solve.time_limit_s if time_limit_s is None else time_limit_s
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
    runtime, objective, solutions = trunk.runtime_s, trunk.objective, trunk.meta["solutions"]
    feeders = feeder_types(scenario)
    for town, ids in sorted(by_town.items()):
        sub = feeder_scenario(scenario, town, (lines[i] for i in ids), ready)
        share = max(1.0, 2 * budget / 3 * len(ids) / total)
        at_hand = {i: (town, ready[i]) for i in ids}
        part = solve(sub, m, time_limit_s=share, accept=_passes(sub, m, at_hand), **opts)
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
        return solve(trunk_sc, m, time_limit_s=time_limit_s, accept=_passes(trunk_sc, m),
                     **opts)
    towns = {s.id for s in trunk_sc.stations if s.tier is Tier.TOWNSHIP}
    main = tuple(ln for ln in trunk_sc.demand if not ln.fresh and ln.station_id in towns)
    rest = tuple(ln for ln in trunk_sc.demand if ln.fresh or ln.station_id not in towns)
    fleet, taken = trunk_fleet(trunk_types(trunk_sc), limit)
    share = len(main) / max(1, len(trunk_sc.demand))
    parts: list[Plan] = []
    if main:
        sub = replace(trunk_sc, vehicle_types=fleet, demand=main)
        parts.append(solve(sub, m, time_limit_s=max(1.0, time_limit_s * share),
                           accept=_passes(sub, m), **opts))
    others = tuple(replace(vt, count=vt.count - taken.get(vt.id, 0))
                   for vt in trunk_sc.vehicle_types if vt.count > taken.get(vt.id, 0))
    if rest and others:
        sub = replace(trunk_sc, vehicle_types=others, demand=rest)
        part = solve(sub, m, time_limit_s=max(1.0, time_limit_s * (1 - share)),
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



def planner(seed: int | None, solution_limit: int | None, engine: str = "auto") -> Any:
    """The compare engine's planner: our solver, no reference plan, one structure."""
    def plan(sub: Scenario, m: Matrices, structure: str, time_limit_s: float
             ) -> tuple[Plan, dict[str, Any]]:
        sub = replace(sub, solve=replace(sub.solve, reference=None))
        result, _ = plan_scenario(sub, m, time_limit_s=time_limit_s, seed=seed,
                                  solution_limit=solution_limit, structure=structure,
                                  engine=engine)
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
                     note: Any = None, step: Any = None) -> dict[str, Any]:
    """Carriers alone vs the scenario's variants, with targets and the cost split.

    Returns a JSON-ready dict (see :mod:`routing.report.comparison`); ``note`` (a callable
    taking a string) hears what is being planned; ``step`` (a callable taking a
    :class:`CompareStep`) hears each job start, with the jobs done and the time left.
    """
    from .evaluate import consolidation as co
    from .evaluate.sla import sla_report

    m = travel_matrices(scenario) if matrices is None else matrices
    spec = scenario.compare
    tl = spec.time_limit_s if time_limit_s is None else time_limit_s
    ctl = spec.coalition_time_limit_s if coalition_time_limit_s is None else coalition_time_limit_s
    do_shapley = spec.shapley if shapley is None else shapley
    plan_with = planner(seed, solution_limit)
    say = note or (lambda _msg: None)
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
        baseline[c] = co.plan_alone(scenario, m, c, plan_with, tl)
        clock.finished("baseline", cycle(co_cycle(scenario, c)))
    variants = []
    for v in spec.variants:
        every = ("each station's frequency chosen" if v.visit_every_days == AUTO
                 else f"every {v.visit_every_days} day(s)")
        say(f"variant {v.name}: {v.structure}, {every}")
        clock.tell("variant", v.name)
        variants.append(co.plan_variant(scenario, m, v, plan_with, tl))
        clock.finished("variant", weight(v))
    coalitions = None
    if subsets:
        say(f"Shapley: {2 ** len(everyone) - 1} coalition plans, {ctl:g} s each")
        coalitions = {}
        for members in subsets:
            if reused(members):
                coalitions[frozenset(members)] = variants[0].cost_day
                continue
            clock.tell("shapley", "+".join(members))
            o = co.plan_variant(scenario, m, Variant(name="+".join(members),
                                                     carriers=members), plan_with, ctl,
                                kind="coalition")
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
                                      coalitions if primary.structure == "direct" else None),
        "coalitions": ({"+".join(sorted(k)): v for k, v in coalitions.items()}
                       if coalitions else None),
    }
