"""Plan one option of a comparison: a carrier alone, or a variant of the alliance.

Each option is planned at its visit frequency (daily, every k days by sectors or all on one
day, or each station's own "auto" frequency, see :mod:`routing.evaluate.periodic`) with an
injected planner, and judged by :mod:`routing.evaluate.consolidation`
(:func:`~routing.evaluate.consolidation.judge_schedule`), which keeps only the judging.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..constants import AUTO
from ..evaluate.consolidation import (
    Option,
    Outcome,
    better,
    judge_schedule,
)
from ..evaluate.periodic import (
    Schedule,
    choose_every,
    day_scenarios,
    more_often,
    same_day_schedule,
    sector_schedule,
    slack_h,
    volumes,
)
from ..exceptions import ModelError
from ..model import Scenario, Tier, Variant
from ..model.plan import Plan
from ..network.matrix import Matrices

#: Plans a scenario: (scenario, matrices, structure, time limit s) -> (plan, plan.json document).
Planner = Callable[[Scenario, Matrices, str, float], tuple[Plan, dict[str, Any]]]


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
    """One option to plan: the option as judged, the planner and its budget per plan."""

    option: Option
    planner: Planner
    time_limit_s: float


def _plan_schedule(job: _Job, schedule: Schedule) -> Outcome:
    """One plan per day of the schedule's period, and their daily figures."""
    days = []
    o = job.option
    for day in day_scenarios(o.sub, schedule):
        days.append(None if day is None else
                    (day, job.planner(day, o.m, o.structure, job.time_limit_s)[1]))
    return judge_schedule(job.option, schedule, days)


def _plan_every(job: _Job, every: dict[str, int]) -> Outcome:
    """Stations at the given frequencies: by sectors, and all on one day when that differs;
    the better kept."""
    best = _plan_schedule(job, sector_schedule(job.option.sub, every))
    same = same_day_schedule(every)
    if same != best.schedule:
        option = _plan_schedule(job, same)
        if better(option, best):
            best = option
    return best


def _plan_auto(job: _Job, fixed: dict[str, int], choices: tuple[int, ...]) -> Outcome:
    """Periodic planning: each station the least frequent visits that keep the targets.

    The daily plan bounds each station's frequency by its slack (see
    :mod:`routing.evaluate.periodic`); stations the chosen schedule still makes late are
    visited more often, up to three rounds. The daily plan stays if it is better.
    """
    daily = {sid: fixed.get(sid, 1) for sid in volumes(job.option.sub)}
    best = _plan_every(job, daily)
    every = choose_every(slack_h(best.timings, job.option.scenario.targets), choices, fixed)
    tried = [daily]
    for _ in range(3):
        if every in tried:
            break
        tried.append(every)
        option = _plan_schedule(job, sector_schedule(job.option.sub, every))
        if better(option, best):
            best = option
        late = [b["station_id"] for b in option.sla["stations_breaking_target"]]
        every = more_often(every, late, choices, fixed)
    return best


def plan_alone(scenario: Scenario, m: Matrices, carrier: str, planner: Planner,
               time_limit_s: float) -> Outcome:
    """One carrier alone, from its outlet with its own vehicles, at its own frequency."""
    c = next(x for x in scenario.carriers if x.id == carrier)
    if not any(vt.owner == c.id and vt.count > 0 for vt in scenario.vehicle_types):
        raise ModelError(f"carrier '{c.id}' has parcels but no vehicle of its own "
                         "(vehicles.csv owner); the baseline needs its fleet")
    sub = alone_scenario(scenario, c.id)
    job = _Job(Option(name=f"{c.id} alone", kind="baseline", scenario=scenario, sub=sub, m=m,
                      carriers=(c.id,), structure="direct", setting=c.visit_every_days,
                      handling_per_parcel=scenario.costs.outlet_per_parcel),
               planner, time_limit_s)
    return _plan_every(job, dict.fromkeys(volumes(sub), c.visit_every_days))


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
    job = _Job(Option(name=variant.name, kind=kind, scenario=scenario, sub=sub, m=m,
                      carriers=tuple(members), structure=variant.structure,
                      setting=variant.visit_every_days,
                      handling_per_parcel=scenario.costs.hub_per_parcel, merge=variant.merge),
               planner, time_limit_s)
    fixed = {sid: k for sid in volumes(sub)
             if (k := known[sid].visit_every_days) is not None}
    if variant.visit_every_days == AUTO:
        return _plan_auto(job, fixed, scenario.compare.auto_every_days)
    every = int(variant.visit_every_days)
    return _plan_every(job, {sid: fixed.get(sid, every) for sid in volumes(sub)})
