"""Plan a scenario: options resolved once, then the direct structure, two echelons or locks.

Direct plans are one solve; two-echelon plans are a trunk solve followed by one feeder solve
per township, synchronised through the trunks' departure times (see
:mod:`routing.pipeline.echelons`); a plan with locks keeps the locked routes and re-plans the
rest around them (:mod:`routing.pipeline.locks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..exceptions import ModelError
from ..io.plan_json import read_plan_json
from ..model import Scenario
from ..model.plan import Plan
from ..network.matrix import Matrices, travel_matrices
from ..solve.options import SolveOptions
from ..solve.raw import Progress
from ..solve.repair import line_key
from .checked import explained, solve_checked
from .echelons import direct_types, plan_two_echelon
from .locks import Locks, plan_locked

#: The structures a plan can have ("both" in a scenario plans each, for a comparison).
STRUCTURES = ("direct", "two_echelon")


def structures_of(scenario: Scenario, override: str | None = None) -> list[str]:
    """The structures to plan: the scenario's ``[solve] structure`` or ``override``."""
    s = override or scenario.solve.structure
    return list(STRUCTURES) if s == "both" else [s]


def reference_from_plan(doc: Mapping[str, Any]) -> dict[str, str]:
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


def options_for(scenario: Scenario, *, time_limit_s: float | None = None,
                seed: int | None = None, solution_limit: int | None = None,
                reference: Mapping[str, str] | None = None,
                change_penalty: float | None = None, structure: str | None = None,
                engine: str = "auto", strict: bool = False) -> SolveOptions:
    """The solve's options, resolved once: the caller's overrides, else the scenario's
    ``[solve]`` section; the reference plan is the scenario's ``[solve] reference`` file
    when the caller gives none. ``structure`` is the one to plan (``both``: direct)."""
    if reference is None and scenario.solve.reference is not None:
        reference = reference_from_plan(read_plan_json(scenario.solve.reference))
    return SolveOptions.of(scenario.solve, time_limit_s=time_limit_s, seed=seed,
                           solution_limit=solution_limit, engine=engine,
                           structure=structures_of(scenario, structure)[0],
                           reference=reference, change_penalty=change_penalty, strict=strict)


def plan_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                  time_limit_s: float | None = None, seed: int | None = None,
                  solution_limit: int | None = None, progress: Progress | None = None,
                  reference: Mapping[str, str] | None = None,
                  change_penalty: float | None = None, structure: str | None = None,
                  engine: str = "auto", locks: Locks | None = None, strict: bool = False,
                  options: SolveOptions | None = None) -> tuple[Plan, Matrices]:
    """Solve the scenario's day and give every unserved station a concrete reason.

    Parameters
    ----------
    scenario
        The county's day (:func:`routing.read_scenario`).
    matrices
        Its travel matrices; built from the scenario when None.
    time_limit_s, seed, solution_limit, reference, change_penalty, structure, engine, strict
        Overrides of the scenario's ``[solve]`` section (see :func:`options_for`):
        ``structure`` {"direct", "two_echelon"} (``both`` plans direct; use
        :func:`structures_of` to plan each); ``reference`` station id → vehicle id of a plan
        to stay close to; ``change_penalty`` CNY per stop moved to another vehicle;
        ``engine`` {"ortools", "pyvrp", "auto"} ("auto": both engines when PyVRP fits, the
        cheaper plan that passes the independent checker kept); ``strict``: no engine plan
        in time is a NoPlanError, not the insertion plan.
    options
        Every option at once instead (the overrides are then ignored).
    progress
        Called with (elapsed s, best cost CNY, solutions found) while the engines search.
    locks
        Routes kept exactly and stops kept on their vehicles (:class:`Locks`).

    Returns
    -------
    tuple[Plan, Matrices]
        The checked, explained plan and the matrices it was planned on.
    """
    m = travel_matrices(scenario) if matrices is None else matrices
    opts = options or options_for(scenario, time_limit_s=time_limit_s, seed=seed,
                                  solution_limit=solution_limit, reference=reference,
                                  change_penalty=change_penalty, structure=structure,
                                  engine=engine, strict=strict)
    return plan_with(scenario, m, opts, progress=progress, locks=locks), m


def plan_with(scenario: Scenario, m: Matrices, options: SolveOptions, *,
              progress: Progress | None = None, locks: Locks | None = None) -> Plan:
    """:func:`plan_scenario` with its options resolved."""
    if locks is not None and (locks.routes or locks.stops):
        if options.structure == "two_echelon":
            raise ModelError("locks apply to the direct structure; two echelons re-plan "
                             "trunks and feeders together")
        return plan_locked(scenario, m, locks, options, progress=progress)
    if options.structure == "two_echelon":
        return explained(plan_two_echelon(scenario, m, options, progress=progress), scenario, m)
    direct = replace(scenario, vehicle_types=direct_types(scenario))
    return explained(solve_checked(direct, m, options, progress=progress), direct, m)
