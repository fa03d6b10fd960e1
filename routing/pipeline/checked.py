"""Solve, check, explain — written once.

Every plan any path of the pipeline returns goes through here: the engines' candidates are
admitted only when the independent checker (:mod:`routing.evaluate.check`, which shares no
code with :mod:`routing.solve`) passes them, and every unserved station gets its reason
worked out from the scenario and the final routes (a claim the checker tests too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..evaluate.check import Violation, check_plan
from ..evaluate.explain import Explainer
from ..evaluate.probe import RouteView
from ..exceptions import NoPlanError
from ..i18n import t as tr
from ..io.plan_json import plan_to_dict
from ..model import Scenario
from ..model.plan import Plan, Route
from ..network.matrix import Matrices
from ..solve import DROPPED, solve
from ..solve.options import SolveOptions
from ..solve.raw import Progress

#: Portfolio entries that are not an engine's search: plans built by inserting visits (the
#: repair of an engine's plan, and the insertion plan built from no routes at all).
BUILT = ("insertion",)


def route_views(routes: tuple[Route, ...]) -> list[RouteView]:
    """Routes as the evaluate layer's probe reads them."""
    return [(r.vehicle_id, r.trip, [(s.station_id, list(s.line_ids), list(s.transfer_ids),
                                     s.departure_s) for s in r.stops]) for r in routes]


def explained(plan: Plan, scenario: Scenario, m: Matrices) -> Plan:
    """Every unserved station's reason, worked out from the scenario and the final routes
    (a claim the checker tests; see routing.evaluate.explain)."""
    if not plan.unserved:
        return plan
    meta = plan.meta
    ex = Explainer(scenario, m, route_views(plan.routes),
                   {r.vehicle_id: r.echelon for r in plan.routes},
                   locked=frozenset(meta.locked_vehicles or ()),
                   pinned=dict(meta.locked_stops or {}),
                   out=frozenset(meta.out_of_service or ()),
                   not_before=round((meta.replanned_at_min or 0.0) * 60))
    unserved = []
    for u in plan.unserved:
        code, reason = ex.why(u.station_id, u.line_ids)
        unserved.append(replace(u, code=code, reason=reason))
    return replace(plan, unserved=tuple(unserved))


def passes(scenario: Scenario, m: Matrices, handed: dict[str, tuple[str, int]] | None = None
           ) -> Callable[[Plan], bool]:
    """The portfolio's gate: a candidate plan is kept only if the independent checker passes
    (``handed``: lines the trunks hand over at a township, for a feeder plan)."""
    return lambda plan: not check_plan(plan_to_dict(plan, scenario), scenario, m, handed=handed)


def check_scenario_plan(plan: Plan, scenario: Scenario, matrices: Matrices) -> list[Violation]:
    """Run the independent checker on a plan object, exactly as on its plan.json."""
    return check_plan(plan_to_dict(plan, scenario), scenario, matrices)


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
    runs = [r for r in plan.meta.portfolio or () if r.error is None]
    engines = [r for r in runs if not _built(r.engine)]
    if not engines or any(1 if r.stops is None else r.stops for r in engines):
        return None
    servable = max((r.stops or 0 for r in runs if _built(r.engine)), default=0)
    visits = sum(len(r.stops) for r in plan.routes) + sum(
        1 for u in plan.unserved if u.reason == DROPPED)
    return (visits, servable) if servable else None


def solve_checked(scenario: Scenario, m: Matrices, options: SolveOptions, *,
                  progress: Progress | None = None,
                  handed: dict[str, tuple[str, int]] | None = None) -> Plan:
    """:func:`routing.solve.solve` keeping only plans the checker passes (``handed``: see
    :func:`passes`). When no engine found a plan in time (:func:`no_plan`),
    ``options.strict`` (comparisons, sweeps, Shapley: plans must be of one quality) refuses
    it with :class:`~routing.exceptions.NoPlanError`; otherwise the insertion plan (checked,
    serving what the fleet can) is the day's plan, and ``meta.engine_note`` says so."""
    plan = solve(scenario, m, options, progress=progress,
                 accept=passes(scenario, m, handed))
    found = no_plan(plan)
    if found is None:
        return plan
    limit = options.time_limit_s
    error = NoPlanError(f"scenario '{scenario.name}'", limit, *found)
    if options.strict or not plan.routes:
        raise error
    # plan.json keeps the note in English (data); the summary shows it in the chosen
    # language from no_engine_plan_limit_s (routing.i18n "no_engine_plan_note").
    note = tr("no_engine_plan_note", "en", limit=f"{limit:g}")
    return replace(plan, meta=replace(plan.meta, engine_note=note, no_engine_plan=True,
                                      no_engine_plan_limit_s=limit))
