"""Carriers alone against the alliance: plans, costs, targets and the split of the alliance's cost.

Every figure here comes from plans made by the same solver with the same budget, checked by the
independent checker, and costed from the plan documents (route costs the checker recomputes,
plus handling per parcel). Nothing is estimated outside a plan.

- Baseline: each carrier alone from its outlet (which acts as its hub), with the vehicles it
  owns, serving only its own parcels, every ``visit_every_days`` days.
- Variant: the members' parcels pooled at the shared hub on the shared fleet (every vehicle not
  based at a carrier outlet), direct or in two echelons, daily or less often.
- Visiting every k days carries k days of parcels per visit; the day's cost is the plan's / k.
  All stations on one day, or k sectors on successive days: both are planned, the better kept.
- Vehicle costs are split between down and up in proportion to the parcels each route handles.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ModelError
from ..model import Direction, Scenario, Tier, Variant
from ..model.plan import Plan
from ..network.matrix import Matrices
from .check import Violation, check_plan
from .sla import LineTiming, line_timings, sla_report

#: Plans a scenario: (scenario, matrices, structure, time limit s) -> (plan, plan.json document).
Planner = Callable[[Scenario, Matrices, str, float], tuple[Plan, dict[str, Any]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One planned option (a carrier alone, a variant, or a coalition) with its daily figures."""

    name: str
    kind: str  # baseline | variant | coalition
    carriers: tuple[str, ...]
    structure: str
    visit_every_days: int
    docs: tuple[dict[str, Any], ...]  # one plan per visit-day group (one when daily)
    violations: tuple[Violation, ...]
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

    @property
    def cost_day(self) -> float:
        """Total cost per day, CNY: vehicles plus handling."""
        return self.vehicle_cost_day + self.handling_day

    @property
    def parcels_day(self) -> int:
        """Parcels per day, both directions."""
        return self.parcels_down_day + self.parcels_up_day


def member_scenario(scenario: Scenario, carriers: tuple[str, ...], every: int,
                    merge: dict[str, str] | None = None) -> Scenario:
    """The members' parcels (k days' worth when visiting every k days) on the shared fleet;
    ``merge`` moves a station's parcels to the point that serves it too (多站合一)."""
    merge = merge or {}
    demand = tuple(dataclasses.replace(ln, station_id=merge.get(ln.station_id, ln.station_id),
                                       parcels=ln.parcels * every, kg=ln.kg * every,
                                       m3=ln.m3 * every)
                   for ln in scenario.demand if ln.carrier_id in carriers)
    return dataclasses.replace(scenario, demand=demand)


def alone_scenario(scenario: Scenario, carrier: str) -> Scenario:
    """One carrier alone: its parcels, its own vehicles, its outlet as its hub."""
    c = next(x for x in scenario.carriers if x.id == carrier)
    every = c.visit_every_days
    outlet = c.outlet_id
    stations = tuple(dataclasses.replace(s, tier=Tier.HUB) if s.id == outlet and
                     s.tier is Tier.OUTLET else s for s in scenario.stations)
    fleet = tuple(vt for vt in scenario.vehicle_types if vt.owner == carrier)
    base = member_scenario(scenario, (carrier,), every)
    return dataclasses.replace(base, stations=stations, vehicle_types=fleet)


def visit_groups(sub: Scenario, every: int) -> list[set[str]]:
    """Stations with parcels in ``every`` groups, one served per day in turn.

    Sectors around the hub by angle, cut so each holds about the same number of parcels: a
    van's day then covers one side of the county, and the daily workload stays level.
    """
    volume: dict[str, int] = {}
    for ln in sub.demand:
        volume[ln.station_id] = volume.get(ln.station_id, 0) + ln.parcels
    if every == 1:
        return [set(volume)]
    hub = next(s for s in sub.stations if s.tier is Tier.HUB)
    where = {s.id: s for s in sub.stations}
    order = sorted(volume, key=lambda sid: (math.atan2(where[sid].lat - hub.lat,
                                                       where[sid].lon - hub.lon), sid))
    total = sum(volume.values())
    groups: list[set[str]] = [set() for _ in range(every)]
    running = 0
    for sid in order:
        g = min(every - 1, int(every * (running + volume[sid] / 2) / max(total, 1)))
        groups[g].add(sid)
        running += volume[sid]
    return groups


def _plan_groups(name: str, kind: str, scenario: Scenario, sub: Scenario, m: Matrices,
                 carriers: tuple[str, ...], structure: str, every: int, planner: Planner,
                 time_limit_s: float, handling_per_parcel: float) -> Outcome:
    """Plan ``sub`` (k days of parcels per visit) and return its daily figures.

    Visiting every k days, two schedules are planned and the better kept (fewer unserved
    lines, then lower cost): every station on the same day, or the stations split into k
    sectors served on successive days (see :func:`visit_groups`).
    """
    schedules = [visit_groups(sub, 1)]
    if every > 1:
        schedules.append(visit_groups(sub, every))
    best: Outcome | None = None
    for groups in schedules:
        parts = []
        for g, stations in enumerate(groups):
            day = dataclasses.replace(sub, demand=tuple(ln for ln in sub.demand
                                                        if ln.station_id in stations))
            if not day.demand:
                continue
            _, doc = planner(day, m, structure, time_limit_s)
            parts.append(_outcome(name, kind, scenario, day, m, carriers, structure, every,
                                  doc, handling_per_parcel, offset=g))
        option = _combine(parts, scenario)
        if best is None or (option.unserved_lines, option.cost_day) < (best.unserved_lines,
                                                                       best.cost_day):
            best = option
    assert best is not None  # sub always has demand here
    return best


def _combine(parts: list[Outcome], scenario: Scenario) -> Outcome:
    """One outcome from the plans of the visit-day groups: each already counts per day."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    timings = tuple(t for p in parts for t in p.timings)
    return dataclasses.replace(
        first, docs=tuple(d for p in parts for d in p.docs),
        violations=tuple(v for p in parts for v in p.violations),
        vehicles=max(p.vehicles for p in parts), km_day=sum(p.km_day for p in parts),
        vehicle_cost_day=sum(p.vehicle_cost_day for p in parts),
        handling_day=sum(p.handling_day for p in parts),
        cost_down_day=sum(p.cost_down_day for p in parts),
        cost_up_day=sum(p.cost_up_day for p in parts),
        parcels_down_day=sum(p.parcels_down_day for p in parts),
        parcels_up_day=sum(p.parcels_up_day for p in parts),
        unserved_lines=sum(p.unserved_lines for p in parts), timings=timings,
        sla=sla_report(list(timings), scenario))


def _outcome(name: str, kind: str, scenario: Scenario, sub: Scenario, m: Matrices,
             carriers: tuple[str, ...], structure: str, every: int, plan_doc: dict[str, Any],
             handling_per_parcel: float, *, offset: int = 0) -> Outcome:
    """Daily figures of one plan (made for ``every`` days of parcels) of scenario ``sub``."""
    violations = tuple(check_plan(plan_doc, sub, m))
    lines = {ln.id: ln for ln in scenario.demand}  # the daily quantities
    down = up = 0
    cost_down = cost_up = 0.0
    for r in plan_doc["routes"]:
        own = [lines[i] for s in r["stops"] for i in s["lines"]
               if i not in s.get("transfers", [])]
        handled = [lines[i] for s in r["stops"] for i in s["lines"]]
        n_down = sum(ln.parcels for ln in handled if ln.direction is Direction.DOWN)
        n_all = sum(ln.parcels for ln in handled) or 1
        cost_down += r["cost"]["total"] * n_down / n_all
        cost_up += r["cost"]["total"] * (n_all - n_down) / n_all
        down += sum(ln.parcels for ln in own if ln.direction is Direction.DOWN)
        up += sum(ln.parcels for ln in own if ln.direction is Direction.UP)
    transferred = sum(lines[i].parcels for r in plan_doc["routes"] for s in r["stops"]
                      for i in s.get("transfers", []))
    sc = scenario.costs
    handling = ((down + up) * (handling_per_parcel + sc.station_per_parcel)
                + transferred * sc.station_per_parcel)
    day_scenario = dataclasses.replace(sub, demand=tuple(
        dataclasses.replace(lines[ln.id], station_id=ln.station_id)
        for ln in sub.demand))  # daily quantities at the served point, for the hours
    timings = tuple(line_timings(plan_doc, day_scenario, visit_every_days=every, offset=offset,
                                 waves=scenario.compare.waves))
    sla = sla_report(list(timings), day_scenario)
    served = {i for r in plan_doc["routes"] for s in r["stops"] for i in s["lines"]
              if i not in s.get("transfers", [])}
    return Outcome(
        name=name, kind=kind, carriers=carriers, structure=structure, visit_every_days=every,
        docs=(plan_doc,), violations=violations,
        vehicles=len({r["vehicle_id"] for r in plan_doc["routes"]}),
        km_day=plan_doc["totals"]["distance_km"] / every,
        vehicle_cost_day=plan_doc["totals"]["cost"] / every, handling_day=handling,
        cost_down_day=cost_down / every, cost_up_day=cost_up / every,
        parcels_down_day=down, parcels_up_day=up,
        unserved_lines=sum(1 for ln in sub.demand if ln.id not in served), sla=sla,
        timings=timings)


def plan_baseline(scenario: Scenario, m: Matrices, planner: Planner,
                  time_limit_s: float) -> dict[str, Outcome]:
    """Each carrier with parcels, alone."""
    out = {}
    for c in scenario.carriers:
        if not any(ln.carrier_id == c.id for ln in scenario.demand):
            continue
        if not any(vt.owner == c.id and vt.count > 0 for vt in scenario.vehicle_types):
            raise ModelError(f"carrier '{c.id}' has parcels but no vehicle of its own "
                             "(vehicles.csv owner); the baseline needs its fleet")
        sub = alone_scenario(scenario, c.id)
        out[c.id] = _plan_groups(f"{c.id} alone", "baseline", scenario, sub, m, (c.id,),
                                 "direct", c.visit_every_days, planner, time_limit_s,
                                 scenario.costs.outlet_per_parcel)
    return out


def plan_variant(scenario: Scenario, m: Matrices, variant: Variant, planner: Planner,
                 time_limit_s: float, *, kind: str = "variant") -> Outcome:
    """The alliance of the variant's members on the shared fleet."""
    members = variant.carriers or tuple(c.id for c in scenario.carriers)
    merge = dict(variant.merge)
    known = {s.id: s for s in scenario.stations}
    for a, b in merge.items():
        if a not in known or b not in known or known[b].tier in (Tier.HUB, Tier.OUTLET):
            raise ModelError(f"variant '{variant.name}': merge {a!r} into {b!r} needs two known "
                             "stations, the second a township station or village point")
    sub = member_scenario(scenario, members, variant.visit_every_days, merge)
    if variant.vehicle_types is not None:
        sub = dataclasses.replace(sub, vehicle_types=variant.vehicle_types)
    return _plan_groups(variant.name, kind, scenario, sub, m, tuple(members), variant.structure,
                        variant.visit_every_days, planner, time_limit_s,
                        scenario.costs.hub_per_parcel)


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
                coalitions: dict[frozenset[str], float] | None) -> dict[str, Any]:
    """The alliance's daily cost split among its members, and each member's saving."""
    members = alliance.carriers
    lines = [ln for ln in scenario.demand if ln.carrier_id in members]
    methods = {
        "by_parcels": proportional(alliance.cost_day, {
            c: float(sum(ln.parcels for ln in lines if ln.carrier_id == c)) for c in members}),
        "by_kg": proportional(alliance.cost_day, {
            c: sum(ln.kg for ln in lines if ln.carrier_id == c) for c in members}),
        "by_standalone_cost": proportional(alliance.cost_day, {
            c: baseline[c].cost_day for c in members}),
    }
    if coalitions is not None:
        methods["shapley"] = shapley(coalitions, members)
    rows = {}
    for c in members:
        alone = baseline[c].cost_day
        rows[c] = {"alone": alone} | {
            m: {"share": v[c], "saving": alone - v[c], "better_off_alone": v[c] > alone + 1e-6}
            for m, v in methods.items()}
    return {"members": list(members), "alliance_cost_day": alliance.cost_day,
            "methods": list(methods), "per_member": rows}
