"""Carriers alone against the alliance, judged: costs, targets and the split of the cost.

The plans are made in :mod:`routing.pipeline.alliance` (the same solver with the same budget
for every option); here each option's plans are checked by the independent checker and costed
from the plan documents (route costs the checker recomputes, plus handling per parcel).
Nothing is estimated outside a plan.

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
from dataclasses import dataclass, field
from typing import Any

from ..model import Direction, Scenario, Targets
from ..network.matrix import Matrices
from .check import Violation, check_plan
from .periodic import (
    Schedule,
)
from .sla import LineTiming, schedule_timings, sla_report
from .targets import Verdict, structure_verdicts


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


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a comparison, as its plans are judged: who, how, on what parcels."""

    name: str
    kind: str
    scenario: Scenario  # the whole scenario: daily quantities, targets, costs
    sub: Scenario  # the option's daily parcels, stations and fleet
    m: Matrices
    carriers: tuple[str, ...]
    structure: str
    setting: int | str  # the visit_every_days asked for
    handling_per_parcel: float
    merge: tuple[tuple[str, str], ...] = ()


def better(a: Outcome, b: Outcome) -> bool:
    """Fewer unserved lines first, then meeting the targets, then cheaper."""
    return ((a.unserved_lines, not a.sla.get("target_met", False), a.cost_day)
            < (b.unserved_lines, not b.sla.get("target_met", False), b.cost_day))


def handling_cost(parcels: int, transferred: int, costs: Any, per_parcel: float) -> float:
    """Handling per day, CNY: each parcel sorted at its depot (``per_parcel``: the hub's or an
    outlet's rate) and handed over at its station, each transferred one handed over once more
    (``costs``: the scenario's [costs]). ``routing plan``'s summary counts it the same way."""
    return float(parcels * (per_parcel + costs.station_per_parcel)
                 + transferred * costs.station_per_parcel)


def judge_schedule(job: Option, schedule: Schedule,
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


def carriers_with_parcels(scenario: Scenario) -> tuple[str, ...]:
    """The carriers the baseline plans: those with parcels in the scenario."""
    return tuple(c.id for c in scenario.carriers
                 if any(ln.carrier_id == c.id for ln in scenario.demand))


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
