"""Carriers alone against the alliance: plans, costs, targets and the split of the alliance's cost.

Every figure here comes from plans made by the same solver with the same budget, checked by the
independent checker, and costed from the plan documents (route costs the checker recomputes,
plus handling per parcel). Nothing is estimated outside a plan.

- Baseline: each carrier alone from its outlet (which acts as its hub), with the vehicles it
  owns, serving only its own parcels, every ``visit_every_days`` days.
- Variant: the members' parcels pooled at the shared hub on the shared fleet (every vehicle not
  based at a carrier outlet), direct or in two echelons, daily or less often.
- Visiting every k days carries k days of parcels per visit; the day's cost is the average over
  the schedule's days (see :mod:`routing.evaluate.periodic`). All stations on one day, or k
  sectors on successive days: both are planned, the better kept. With ``visit_every_days =
  "auto"`` each station gets the least frequent visits that keep the targets.
- Vehicle costs are split between down and up in proportion to the parcels each route handles.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..constants import AUTO
from ..exceptions import ModelError
from ..model import Direction, Scenario, Targets, Tier, Variant
from ..model.plan import Plan
from ..network.matrix import Matrices
from .check import Violation, check_plan
from .periodic import (
    Schedule,
    choose_every,
    day_scenarios,
    more_often,
    same_day_schedule,
    sector_schedule,
    slack_h,
    volumes,
)
from .sla import LineTiming, schedule_timings, sla_report
from .targets import Verdict, structure_verdicts

#: Plans a scenario: (scenario, matrices, structure, time limit s) -> (plan, plan.json document).
Planner = Callable[[Scenario, Matrices, str, float], tuple[Plan, dict[str, Any]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One planned option (a carrier alone, a variant, or a coalition) with its daily figures."""

    name: str
    kind: str  # baseline | variant | coalition
    carriers: tuple[str, ...]
    structure: str
    visit_every_days: int | str  # as asked: days, or "auto"
    schedule: Schedule  # each station's frequency and visit day
    docs: tuple[dict[str, Any], ...]  # one plan per day of the schedule's period with visits
    violations: tuple[Violation, ...]  # the checker's findings in all of docs
    checked: tuple[int, ...]  # violations found in each of docs, in order: every plan checked
    vehicles: int
    km_day: float
    vehicle_cost_day: float
    handling_day: float
    cost_down_day: float
    cost_up_day: float
    parcels_down_day: int
    parcels_up_day: int
    unserved_lines: int
    sla: dict[str, Any] = field(default_factory=dict)
    timings: tuple[LineTiming, ...] = ()
    #: The targets this option's verdicts use: the scenario's, or a variant's own.
    targets: Targets = field(default_factory=Targets)
    #: Structural targets (trunk routes, village coverage) against this option's plans.
    verdicts: tuple[Verdict, ...] = ()
    #: Why the option has no plan (no plan within the time limit), "" when it was planned: a
    #: failed option has no figures, and no cost of it enters a reduction or a cost split.
    failed: str = ""

    @property
    def cost_day(self) -> float:
        """Total cost per day, CNY: vehicles plus handling."""
        return self.vehicle_cost_day + self.handling_day

    @property
    def parcels_day(self) -> int:
        """Parcels per day, both directions."""
        return self.parcels_down_day + self.parcels_up_day


def failed_outcome(scenario: Scenario, name: str, kind: str, carriers: tuple[str, ...],
                   structure: str, setting: int | str, reason: str,
                   targets: Targets | None = None) -> Outcome:
    """An option that could not be planned (``reason``): no plans, no figures."""
    return Outcome(name=name, kind=kind, carriers=carriers, structure=structure,
                   visit_every_days=setting, schedule=Schedule(every={}, offset={}), docs=(),
                   violations=(), checked=(), vehicles=0, km_day=0.0, vehicle_cost_day=0.0,
                   handling_day=0.0, cost_down_day=0.0, cost_up_day=0.0, parcels_down_day=0,
                   parcels_up_day=0, unserved_lines=0,
                   targets=targets if targets is not None else scenario.targets, failed=reason)


def member_scenario(scenario: Scenario, carriers: tuple[str, ...],
                    merge: dict[str, str] | None = None) -> Scenario:
    """The members' daily parcels on the shared fleet; ``merge`` moves a station's parcels to
    the point that serves it too (多站合一)."""
    merge = merge or {}
    demand = tuple(dataclasses.replace(ln, station_id=merge[ln.station_id])
                   if ln.station_id in merge else ln
                   for ln in scenario.demand if ln.carrier_id in carriers)
    return dataclasses.replace(scenario, demand=demand)


def alone_scenario(scenario: Scenario, carrier: str) -> Scenario:
    """One carrier alone: its daily parcels, its own vehicles, its outlet as its hub."""
    c = next(x for x in scenario.carriers if x.id == carrier)
    outlet = c.outlet_id
    stations = tuple(dataclasses.replace(s, tier=Tier.HUB) if s.id == outlet and
                     s.tier is Tier.OUTLET else s for s in scenario.stations)
    fleet = tuple(vt for vt in scenario.vehicle_types if vt.owner == carrier)
    base = member_scenario(scenario, (carrier,))
    return dataclasses.replace(base, stations=stations, vehicle_types=fleet)


@dataclass(frozen=True, slots=True)
class _Job:
    """What every plan of one option shares: who, how, on what budget."""

    name: str
    kind: str
    scenario: Scenario  # the whole scenario: daily quantities, targets, costs
    sub: Scenario  # the option's daily parcels, stations and fleet
    m: Matrices
    carriers: tuple[str, ...]
    structure: str
    setting: int | str  # the visit_every_days asked for
    planner: Planner
    time_limit_s: float
    handling_per_parcel: float
    merge: tuple[tuple[str, str], ...] = ()


def _better(a: Outcome, b: Outcome) -> bool:
    """Fewer unserved lines first, then meeting the targets, then cheaper."""
    return ((a.unserved_lines, not a.sla.get("target_met", False), a.cost_day)
            < (b.unserved_lines, not b.sla.get("target_met", False), b.cost_day))


def _plan_schedule(job: _Job, schedule: Schedule) -> Outcome:
    """One plan per day of the schedule's period, and their daily figures."""
    days = []
    for day in day_scenarios(job.sub, schedule):
        days.append(None if day is None else
                    (day, job.planner(day, job.m, job.structure, job.time_limit_s)[1]))
    return _outcome(job, schedule, days)


def _plan_every(job: _Job, every: dict[str, int]) -> Outcome:
    """Stations at the given frequencies: by sectors, and all on one day when that differs;
    the better kept."""
    best = _plan_schedule(job, sector_schedule(job.sub, every))
    same = same_day_schedule(every)
    if same != best.schedule:
        option = _plan_schedule(job, same)
        if _better(option, best):
            best = option
    return best


def _plan_auto(job: _Job, fixed: dict[str, int], choices: tuple[int, ...]) -> Outcome:
    """Periodic planning: each station the least frequent visits that keep the targets.

    The daily plan bounds each station's frequency by its slack (see
    :mod:`routing.evaluate.periodic`); stations the chosen schedule still makes late are
    visited more often, up to three rounds. The daily plan stays if it is better.
    """
    daily = {sid: fixed.get(sid, 1) for sid in volumes(job.sub)}
    best = _plan_every(job, daily)
    every = choose_every(slack_h(best.timings, job.scenario.targets), choices, fixed)
    tried = [daily]
    for _ in range(3):
        if every in tried:
            break
        tried.append(every)
        option = _plan_schedule(job, sector_schedule(job.sub, every))
        if _better(option, best):
            best = option
        late = [b["station_id"] for b in option.sla["stations_breaking_target"]]
        every = more_often(every, late, choices, fixed)
    return best


def handling_cost(parcels: int, transferred: int, costs: Any, per_parcel: float) -> float:
    """Handling per day, CNY: each parcel sorted at its depot (``per_parcel``: the hub's or an
    outlet's rate) and handed over at its station, each transferred one handed over once more
    (``costs``: the scenario's [costs]). ``routing plan``'s summary counts it the same way."""
    return float(parcels * (per_parcel + costs.station_per_parcel)
                 + transferred * costs.station_per_parcel)


def _outcome(job: _Job, schedule: Schedule,
             days: list[tuple[Scenario, dict[str, Any]] | None]) -> Outcome:
    """Daily figures of a schedule's plans: ``days[j]`` is the (day scenario, plan.json) run
    on the days ≡ j of its period. Costs and km are averaged over the period; parcels and
    handling are the daily quantities; every plan is re-checked against its day scenario."""
    period = len(days)
    lines = {ln.id: ln for ln in job.scenario.demand}  # the daily quantities
    violations: list[Violation] = []
    checked: list[int] = []
    served: set[str] = set()
    transferred: set[str] = set()
    unserved: set[str] = set()
    cost_down = cost_up = km = vehicle_cost = 0.0
    vehicles = 0
    for entry in days:
        if entry is None:
            continue
        day, doc = entry
        found = check_plan(doc, day, job.m)
        violations.extend(found)
        checked.append(len(found))
        vehicles = max(vehicles, len({r["vehicle_id"] for r in doc["routes"]}))
        km += doc["totals"]["distance_km"]
        vehicle_cost += doc["totals"]["cost"]
        on_day = set()
        for r in doc["routes"]:
            handled = [lines[i] for s in r["stops"] for i in s["lines"]]
            n_down = sum(ln.parcels for ln in handled if ln.direction is Direction.DOWN)
            n_all = sum(ln.parcels for ln in handled) or 1
            cost_down += r["cost"]["total"] * n_down / n_all
            cost_up += r["cost"]["total"] * (n_all - n_down) / n_all
            for s in r["stops"]:
                handed = set(s.get("transfers", []))
                transferred |= handed
                on_day |= {i for i in s["lines"] if i not in handed}
        served |= on_day
        unserved |= {ln.id for ln in day.demand if ln.id not in on_day}
    down = sum(lines[i].parcels for i in served if lines[i].direction is Direction.DOWN)
    up = sum(lines[i].parcels for i in served if lines[i].direction is Direction.UP)
    handling = handling_cost(down + up, sum(lines[i].parcels for i in transferred),
                             job.scenario.costs, job.handling_per_parcel)
    daily = dataclasses.replace(job.sub, demand=tuple(
        lines[ln.id] if lines[ln.id].station_id == ln.station_id else
        dataclasses.replace(lines[ln.id], station_id=ln.station_id)
        for ln in job.sub.demand))  # daily quantities at the served point, for the hours
    timings = tuple(schedule_timings([None if e is None else e[1] for e in days], daily,
                                     waves=job.scenario.compare.waves))
    return Outcome(
        name=job.name, kind=job.kind, carriers=job.carriers, structure=job.structure,
        visit_every_days=job.setting, schedule=schedule,
        docs=tuple(e[1] for e in days if e is not None), violations=tuple(violations),
        checked=tuple(checked),
        vehicles=vehicles, km_day=km / period, vehicle_cost_day=vehicle_cost / period,
        handling_day=handling, cost_down_day=cost_down / period, cost_up_day=cost_up / period,
        parcels_down_day=down, parcels_up_day=up, unserved_lines=len(unserved),
        sla=sla_report(list(timings), daily), timings=timings, targets=job.scenario.targets,
        verdicts=structure_verdicts(tuple(e[1] for e in days if e is not None), job.scenario,
                                    job.scenario.targets, job.merge,
                                    None if job.kind == "baseline" else job.carriers))


def plan_alone(scenario: Scenario, m: Matrices, carrier: str, planner: Planner,
               time_limit_s: float) -> Outcome:
    """One carrier alone, from its outlet with its own vehicles, at its own frequency."""
    c = next(x for x in scenario.carriers if x.id == carrier)
    if not any(vt.owner == c.id and vt.count > 0 for vt in scenario.vehicle_types):
        raise ModelError(f"carrier '{c.id}' has parcels but no vehicle of its own "
                         "(vehicles.csv owner); the baseline needs its fleet")
    sub = alone_scenario(scenario, c.id)
    job = _Job(name=f"{c.id} alone", kind="baseline", scenario=scenario, sub=sub, m=m,
               carriers=(c.id,), structure="direct", setting=c.visit_every_days,
               planner=planner, time_limit_s=time_limit_s,
               handling_per_parcel=scenario.costs.outlet_per_parcel)
    return _plan_every(job, dict.fromkeys(volumes(sub), c.visit_every_days))


def carriers_with_parcels(scenario: Scenario) -> tuple[str, ...]:
    """The carriers the baseline plans: those with parcels in the scenario."""
    return tuple(c.id for c in scenario.carriers
                 if any(ln.carrier_id == c.id for ln in scenario.demand))


def plan_baseline(scenario: Scenario, m: Matrices, planner: Planner,
                  time_limit_s: float) -> dict[str, Outcome]:
    """Each carrier with parcels, alone."""
    return {c: plan_alone(scenario, m, c, planner, time_limit_s)
            for c in carriers_with_parcels(scenario)}


def plan_variant(scenario: Scenario, m: Matrices, variant: Variant, planner: Planner,
                 time_limit_s: float, *, kind: str = "variant") -> Outcome:
    """The alliance of the variant's members on the shared fleet, at the variant's frequency
    (stations with their own ``visit_every_days`` keep theirs), planned and judged against the
    variant's own targets when it has them."""
    if variant.targets is not None:
        scenario = dataclasses.replace(scenario, targets=variant.targets)
    members = variant.carriers or tuple(c.id for c in scenario.carriers)
    merge = dict(variant.merge)
    known = {s.id: s for s in scenario.stations}
    for a, b in merge.items():
        if a not in known or b not in known or known[b].tier in (Tier.HUB, Tier.OUTLET):
            raise ModelError(f"variant '{variant.name}': merge {a!r} into {b!r} needs two known "
                             "stations, the second a township station or village point")
    sub = member_scenario(scenario, members, merge)
    if variant.vehicle_types is not None:
        sub = dataclasses.replace(sub, vehicle_types=variant.vehicle_types)
    job = _Job(name=variant.name, kind=kind, scenario=scenario, sub=sub, m=m,
               carriers=tuple(members), structure=variant.structure,
               setting=variant.visit_every_days, planner=planner, time_limit_s=time_limit_s,
               handling_per_parcel=scenario.costs.hub_per_parcel, merge=variant.merge)
    fixed = {sid: k for sid in volumes(sub)
             if (k := known[sid].visit_every_days) is not None}
    if variant.visit_every_days == AUTO:
        return _plan_auto(job, fixed, scenario.compare.auto_every_days)
    every = int(variant.visit_every_days)
    return _plan_every(job, {sid: fixed.get(sid, every) for sid in volumes(sub)})


def shapley(costs: dict[frozenset[str], float], players: tuple[str, ...]) -> dict[str, float]:
    """Shapley value of a cost game given the cost of every non-empty coalition (v(∅) = 0)."""
    n = len(players)
    out = {}
    for i in players:
        others = [p for p in players if p != i]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for s in itertools.combinations(others, size):
                with_i = costs[frozenset((*s, i))]
                without = costs[frozenset(s)] if s else 0.0
                total += weight * (with_i - without)
        out[i] = total
    return out


def proportional(total: float, weights: dict[str, float]) -> dict[str, float]:
    """Split ``total`` in proportion to ``weights``."""
    w = sum(weights.values())
    return {k: total * v / w if w else 0.0 for k, v in weights.items()}


def cost_shares(scenario: Scenario, alliance: Outcome, baseline: dict[str, Outcome],
                coalitions: dict[frozenset[str], float] | None,
                failed_coalitions: tuple[str, ...] = ()) -> dict[str, Any]:
    """The alliance's daily cost split among its members, and each member's saving.

    No split is computed from an option without a plan: when the alliance itself or a
    member alone failed, ``failed`` says which and ``methods`` is empty; when coalitions
    failed (``failed_coalitions``, members joined by "+"), the Shapley split is left out and
    ``shapley_failed`` names them.
    """
    members = alliance.carriers
    failed = [f"{alliance.name}: {alliance.failed}"] if alliance.failed else []
    failed += [f"{c} alone: {baseline[c].failed}" for c in members
               if c in baseline and baseline[c].failed]
    out: dict[str, Any] = {"members": list(members), "failed": failed,
                           "shapley_failed": list(failed_coalitions)}
    if failed:
        return out | {"alliance_cost_day": None, "methods": [], "per_member": {}}
    lines = [ln for ln in scenario.demand if ln.carrier_id in members]
    methods = {
        "by_parcels": proportional(alliance.cost_day, {
            c: float(sum(ln.parcels for ln in lines if ln.carrier_id == c)) for c in members}),
        "by_kg": proportional(alliance.cost_day, {
            c: sum(ln.kg for ln in lines if ln.carrier_id == c) for c in members}),
        "by_standalone_cost": proportional(alliance.cost_day, {
            c: baseline[c].cost_day for c in members}),
    }
    if coalitions is not None and not failed_coalitions:
        methods["shapley"] = shapley(coalitions, members)
    rows = {}
    for c in members:
        alone = baseline[c].cost_day
        rows[c] = {"alone": alone} | {
            m: {"share": v[c], "saving": alone - v[c], "better_off_alone": v[c] > alone + 1e-6}
            for m, v in methods.items()}
    return out | {"alliance_cost_day": alliance.cost_day, "methods": list(methods),
                  "per_member": rows}
