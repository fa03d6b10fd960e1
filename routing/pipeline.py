"""The main job end to end: read a scenario, build matrices, solve, explain, check.

Direct plans are one solve; two-echelon plans are a trunk solve followed by one feeder solve per
township, synchronised through the trunks' departure times (see routing.solve.echelons).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .constants import AUTO
from .evaluate.check import Violation, check_plan
from .evaluate.explain import explain_unserved
from .exceptions import ModelError
from .model import Scenario, Variant
from .model.plan import Plan, Route, Unserved
from .network.matrix import Matrices, travel_matrices
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

STRUCTURES = ("direct", "two_echelon")


def structures_of(scenario: Scenario, override: str | None = None) -> list[str]:
    """The structures to plan: the scenario's ``[solve] structure`` or ``override``."""
    s = override or scenario.solve.structure
    return list(STRUCTURES) if s == "both" else [s]


def _explained(plan: Plan, scenario: Scenario, m: Matrices) -> Plan:
    """Replace the solver's placeholder reasons with concrete ones from the scenario."""
    used = {r.vehicle_id for r in plan.routes}
    unserved = tuple(
        replace(u, reason=explain_unserved(scenario, m, u.station_id, list(u.line_ids),
                                           used_vehicles=used))
        if u.reason == DROPPED else u for u in plan.unserved)
    return replace(plan, unserved=unserved)


def _passes(scenario: Scenario, m: Matrices) -> Callable[[Plan], bool]:
    """The portfolio's gate: a candidate plan is kept only if the independent checker passes."""
    return lambda plan: not check_scenario_plan(plan, scenario, m)


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
        return plan_two_echelon(scenario, m, time_limit_s=time_limit_s, **opts), m
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
    trunk_sc = trunk_scenario(scenario, transfers)
    trunk = _explained(solve(trunk_sc, m, time_limit_s=max(1.0, budget / 3),
                             accept=_passes(trunk_sc, m), **opts), trunk_sc, m)
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
        part = _explained(solve(sub, m, time_limit_s=share, accept=_passes(sub, m), **opts),
                          sub, m)
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
    return replace(trunk, routes=tuple(routes), unserved=tuple(unserved),
                   runtime_s=round(runtime, 3), objective=round(objective, 2), meta=meta,
                   scenario_hash=scenario_hash(scenario))


def reference_from_plan(doc: dict[str, Any]) -> dict[str, str]:
    """Station id → vehicle id from a plan document (yesterday's plan.json, or fixed routes)."""
    return {s["station_id"]: r["vehicle_id"] for r in doc["routes"] for s in r["stops"]}


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


def compare_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                     time_limit_s: float | None = None,
                     coalition_time_limit_s: float | None = None, shapley: bool | None = None,
                     seed: int | None = None, solution_limit: int | None = None,
                     note: Any = None) -> dict[str, Any]:
    """Carriers alone vs the scenario's variants, with targets and the cost split.

    Returns a JSON-ready dict (see :mod:`routing.report.comparison`); ``note`` (a callable
    taking a string) hears what is being planned.
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
    say(f"baseline: {len(scenario.carriers)} carriers alone, {tl:g} s each")
    baseline = co.plan_baseline(scenario, m, plan_with, tl)
    variants = []
    for v in spec.variants:
        every = ("each station's frequency chosen" if v.visit_every_days == AUTO
                 else f"every {v.visit_every_days} day(s)")
        say(f"variant {v.name}: {v.structure}, {every}")
        variants.append(co.plan_variant(scenario, m, v, plan_with, tl))
    everyone = tuple(baseline)
    coalitions = None
    if do_shapley and len(everyone) > 1:
        say(f"Shapley: {2 ** len(everyone) - 1} coalition plans, {ctl:g} s each")
        coalitions = {}
        for size in range(1, len(everyone) + 1):
            for members in itertools.combinations(everyone, size):
                if size == len(everyone) and variants[0].carriers == everyone and \
                        variants[0].visit_every_days == 1 and variants[0].structure == "direct":
                    coalitions[frozenset(members)] = variants[0].cost_day
                    continue
                o = co.plan_variant(scenario, m, Variant(name="+".join(members),
                                                         carriers=members), plan_with, ctl,
                                    kind="coalition")
                coalitions[frozenset(members)] = o.cost_day
    primary = next((v for v in variants if set(v.carriers) == set(everyone)), variants[0])
    base_timings = [t for o in baseline.values() for t in o.timings]
    return {
        "scenario": scenario.name, "title": scenario.title, "date": scenario.date,
        "targets": {"on_time_h": scenario.targets.on_time_h, "fresh_h": scenario.targets.fresh_h,
                    "cost_reduction": scenario.targets.cost_reduction},
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
