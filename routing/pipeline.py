"""The main job end to end: read a scenario, build matrices, solve, explain, check."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from .evaluate.check import Violation, check_plan
from .evaluate.explain import explain_unserved
from .io import read_scenario
from .model import Scenario
from .model.plan import Plan
from .network.matrix import Matrices, travel_matrices
from .report.plan_json import plan_to_dict
from .solve import DROPPED, solve
from .solve.ortools_backend import Progress


def plan_scenario(scenario: Scenario, matrices: Matrices | None = None, *,
                  time_limit_s: float | None = None, seed: int | None = None,
                  solution_limit: int | None = None, progress: Progress | None = None,
                  reference: dict[str, str] | None = None,
                  change_penalty: float = 0.0) -> tuple[Plan, Matrices]:
    """Solve the scenario's day and give every unserved station a concrete reason.

    ``reference``: station id → vehicle id of a plan to stay close to (see
    :func:`reference_from_plan`); ``change_penalty``: CNY per stop moved to another vehicle.
    """
    m = travel_matrices(scenario) if matrices is None else matrices
    plan = solve(scenario, m, time_limit_s=time_limit_s, seed=seed,
                 solution_limit=solution_limit, progress=progress, reference=reference,
                 change_penalty=change_penalty)
    used = {r.vehicle_id for r in plan.routes}
    unserved = tuple(
        replace(u, reason=explain_unserved(scenario, m, u.station_id, list(u.line_ids),
                                           used_vehicles=used))
        if u.reason == DROPPED else u for u in plan.unserved)
    return replace(plan, unserved=unserved), m


def reference_from_plan(doc: dict[str, Any]) -> dict[str, str]:
    """Station id → vehicle id from a plan document (yesterday's plan.json, or fixed routes)."""
    return {s["station_id"]: r["vehicle_id"] for r in doc["routes"] for s in r["stops"]}


def check_scenario_plan(plan: Plan, scenario: Scenario, matrices: Matrices) -> list[Violation]:
    """Run the independent checker on a plan object, exactly as on its plan.json."""
    return check_plan(plan_to_dict(plan, scenario), scenario, matrices)


def load(folder: str | Path) -> tuple[Scenario, Matrices]:
    """Read a scenario folder and its matrices."""
    sc = read_scenario(folder)
    return sc, travel_matrices(sc)
