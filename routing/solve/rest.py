"""The rest of a day re-optimised by PyVRP, during the day (a re-plan).

The insertion re-plan (:func:`routing.solve.repair.repair` with each vehicle's day so far)
places late parcels, parcels brought back and trips that no longer fit one at a time; it is
fast and changes little. :func:`reoptimised` gives its trips not yet begun, and what it left
out, to PyVRP as one problem — every vehicle free from when it is (its trips driven, the
reload, its shift begun, its fixed cost paid; see ``available`` in
:func:`routing.solve.pyvrp_backend.build_data`), the insertion plan as the starting solution,
every visit optional at the unserved penalty — and times the answer with the checker's rules
(:func:`~routing.solve.repair.planned_trips`): a trip that breaks one gives its visits back
to the repair. Which of the two plans the day keeps is the caller's choice (it weighs the
stops moved).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..model import Scenario
from ..model.plan import Plan, Unserved
from ..network.matrix import Matrices
from . import pyvrp_backend
from .options import SolveOptions
from .repair import DROPPED, Earlier, planned_trips, repair
from .visits import Visit, presolve, visit_of


def reoptimised(scenario: Scenario, matrices: Matrices, plan: Plan,
                earlier: Mapping[str, Earlier], busy: frozenset[str], options: SolveOptions,
                *, hold: bool = False) -> Plan | None:
    """``plan`` (the trips not yet begun, each vehicle's after ``earlier``, and the lines
    left out) re-optimised by PyVRP within ``options``' limits; None when PyVRP found no plan.

    Vehicles in ``busy`` (broken down, rescuing) take no trip. The starting solution is
    ``plan`` itself, so the search begins from what the insertion found. ``hold``: the
    answer timed as :func:`~routing.solve.repair.repair` holds one-trip days back.
    """
    lines = {ln.id: ln for ln in scenario.demand}
    visits: list[Visit] = []
    initial: dict[tuple[str, int], list[int]] = {}
    for r in plan.routes:
        initial[r.vehicle_id, r.trip] = list(range(len(visits), len(visits) + len(r.stops)))
        visits += [visit_of(scenario, s.station_id, [lines[i] for i in s.line_ids])
                   for s in r.stops]
    out = replace(scenario, demand=tuple(lines[i] for u in plan.unserved for i in u.line_ids
                                         if i in lines))
    more, cannot = presolve(out, set(matrices.unreachable))
    visits += more
    fleet = dict(scenario.vehicles())
    available = dict(earlier)
    for vid in busy:  # out of service or rescuing: no trip left to plan
        vt = fleet[vid]
        available[vid] = Earlier(vt.max_trips, 0, 0, 0)
    raw = pyvrp_backend.solve_visits(scenario, matrices, visits, options, relax=True,
                                     initial=initial, optional=True, available=available)
    if raw.status != "SUCCESS":
        return None
    trips: dict[str, list[list[Visit]]] = {}
    placed: set[int] = set()
    for (vid, _), seq in sorted(raw.sequences.items()):
        trips.setdefault(vid, []).append([visits[k] for k in seq])
        placed.update(seq)
    left = [Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
            for k, v in enumerate(visits) if k not in placed]
    empty = replace(plan, routes=(), unserved=(*cannot, *left))
    timed = planned_trips(empty, scenario, matrices, trips, dict(earlier), hold=hold)
    return repair(timed, scenario, matrices, busy=busy, earlier=dict(earlier), hold=hold)
