"""The independent checker: re-derive everything in a plan from the scenario alone.

It reads plan.json as plain data and the scenario as read from its folder; it shares no code
with the solver's model building (``routing.solve``): visits, service times, schedules, loads and
costs are recomputed here from the demand lines, the stations and the travel matrices. Every
departure from the scenario's rules is a :class:`Violation`; an empty list means the plan holds.

One rule a function (routing.evaluate.check.rules), each reading the plan re-driven once
(:func:`~routing.evaluate.check.context.plan_context`); :func:`check_plan` runs them all and
reports what they find in the plan's order (routing.evaluate.check.base).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from ...model import Scenario
from ...network.matrix import Matrices
from .base import (
    HARD_KINDS,
    TOL_CNY,
    TOL_KG,
    TOL_M3,
    TOL_M_PER_LEG,
    TOL_S,
    Found,
    Violation,
    _clock,
    _over,
    _s,
    hard_first,
)
from .claims import ReplanMeta, _views, replan_meta, unserved_claims
from .context import Context, Handed, RouteRun, StopRun, plan_context
from .rules import (
    RULES,
    claims,
    cold_chain,
    coverage,
    loads,
    road_handovers,
    route_shape,
    stops_and_windows,
    totals,
    transfers,
    trips_and_shifts,
    unserved_entries,
)

__all__ = [
    "HARD_KINDS",
    "RULES",
    "TOL_CNY",
    "TOL_KG",
    "TOL_M3",
    "TOL_M_PER_LEG",
    "TOL_S",
    "Context",
    "Found",
    "Handed",
    "ReplanMeta",
    "RouteRun",
    "StopRun",
    "Violation",
    "_clock",
    "_over",
    "_s",
    "_views",
    "check_plan",
    "claims",
    "cold_chain",
    "coverage",
    "hard_first",
    "loads",
    "plan_context",
    "replan_meta",
    "road_handovers",
    "route_shape",
    "stops_and_windows",
    "totals",
    "transfers",
    "trips_and_shifts",
    "unserved_claims",
    "unserved_entries",
]


def check_plan(doc: dict[str, Any], scenario: Scenario, matrices: Matrices, *,
               handed: Handed | None = None) -> list[Violation]:
    """Check a plan document (as read from plan.json) against the scenario.

    Parameters
    ----------
    doc
        The plan, schema-valid (see :func:`routing.io.plan_json.read_plan_json`).
    scenario, matrices
        The scenario the plan claims to solve and its travel matrices.
    handed
        Lines already handed over at a township outside this plan: line id → (township
        station id, seconds when at hand there). A township's feeder plan is checked on its
        own with the trunks' hand-overs given here.

    Returns
    -------
    Every violation the rules of :data:`~routing.evaluate.check.rules.RULES` find, in the
    report's order: route by route (and in a route, stop by stop), then the vehicles' trips,
    the hand-overs, the unserved entries and their reasons, the demand lines, the totals.
    """
    ctx = plan_context(doc, scenario, matrices, handed)
    found = [f for rule in RULES for f in rule(ctx)]
    return [f.violation for f in sorted(found, key=attrgetter("spot"))]
