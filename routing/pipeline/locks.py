"""Locks: the dispatcher's fixed routes and stops, and a plan around them.

The locked vehicles keep their routes exactly as in the reference plan (re-timed as they
stand); the rest of the fleet plans the rest with the locked stops pinned to their vehicles.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace

from ..exceptions import ModelError
from ..io.edited import EditedRoute
from ..model import Scenario
from ..model.plan import Plan
from ..network.matrix import Matrices
from ..solve import scenario_hash, stability
from ..solve.options import SolveOptions
from ..solve.raw import Progress
from ..solve.retime import retime
from .checked import explained, solve_checked
from .echelons import direct_types


@dataclasses.dataclass(frozen=True, slots=True)
class Locks:
    """What a re-plan must keep: ``routes``, the locked vehicles' routes exactly as in the
    reference plan (every trip, stops in order; only today's lines), and ``stops``, locked
    stops: station id → the vehicle that must serve it."""

    routes: tuple[EditedRoute, ...] = ()
    stops: dict[str, str] = dataclasses.field(default_factory=dict)


def plan_locked(scenario: Scenario, m: Matrices, locks: Locks, options: SolveOptions, *,
                progress: Progress | None = None) -> Plan:
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
    reference = options.reference
    ref = {k: back[vid] for k, vid in (reference or {}).items() if vid in back}
    part = solve_checked(sub, m, replace(options, reference=ref or None, pinned=pins),
                         progress=progress)
    kept = retime(direct, m, [(r.vehicle_id, r.trip, [(s.station_id, s.line_ids)
                                                     for s in r.stops]) for r in locks.routes])
    order = {vid: k for k, vid in enumerate(fleet)}
    routes = sorted([*kept.routes, *(replace(r, vehicle_id=rename[r.vehicle_id])
                                      for r in part.routes)],
                    key=lambda r: (order[r.vehicle_id], r.trip))
    extra = round(sum(r.cost for r in kept.routes), 2)  # every candidate had the locked routes
    runs = tuple(replace(x, cost=round(x.cost + extra, 2), score=round((x.score or 0) + extra, 2))
                 if x.cost is not None else x for x in part.meta.portfolio or ())
    meta = replace(part.meta, locked_vehicles=tuple(sorted(locked, key=order.__getitem__)),
                   locked_stops=dict(sorted(locks.stops.items())),
                   portfolio=runs or part.meta.portfolio,
                   stability=stability(tuple(routes), reference, options.change_penalty)
                   if reference else part.meta.stability)
    plan = replace(part, scenario_hash=scenario_hash(direct), routes=tuple(routes), meta=meta)
    return explained(plan, direct, m)
