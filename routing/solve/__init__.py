"""Solving: from a scenario and its matrices to a :class:`~routing.model.plan.Plan`."""

from __future__ import annotations

import hashlib
import math
import multiprocessing
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from ..exceptions import ModelError
from ..model import Scenario
from ..model.plan import Plan, Route, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from . import ortools_backend, pyvrp_backend
from .raw import Progress, RawSolution
from .schedule import timed_route
from .visits import Visit, presolve

#: Placeholder reason for a visit the solver left out; the evaluate layer replaces it with a
#: concrete one (see routing.evaluate.explain).
DROPPED = "left out by the solver"


def scenario_hash(scenario: Scenario) -> str:
    """Short stable hash of the scenario's content, stored in the plan to detect mismatches."""
    h = hashlib.sha1(repr((scenario.stations, scenario.carriers, scenario.vehicle_types,
                           scenario.demand, scenario.network, scenario.service)).encode())
    return h.hexdigest()[:16]


def stability(routes: tuple[Route, ...], reference: dict[str, str]) -> dict[str, int]:
    """Stops on the same vehicle as in the reference plan, stops moved, stations new today."""
    kept = moved = new = 0
    for r in routes:
        for station in {s.station_id for s in r.stops}:
            ref = reference.get(station)
            if ref is None:
                new += 1
            elif ref == r.vehicle_id:
                kept += 1
            else:
                moved += 1
    return {"kept": kept, "moved": moved, "new": new}


ENGINES = ("ortools", "pyvrp", "auto")

#: Decides whether a candidate plan is acceptable (the pipeline passes the independent
#: checker); solve/ cannot import evaluate/ itself (layers only point downward).
Accept = Callable[[Plan], bool]


def _plan(scenario: Scenario, matrices: Matrices, visits: list[Visit], unserved: list[Unserved],
          raw: RawSolution, *, engine: str, seed: int, time_limit_s: float,
          solution_limit: int | None) -> Plan:
    """Timed, loaded routes from an engine's sequences (the same for every engine)."""
    types = dict(scenario.vehicles())
    order = {vid: k for k, vid in enumerate(types)}
    lines = {ln.id: ln for ln in scenario.demand}
    durations: dict[str, np.ndarray] = {}  # per vehicle type, built once for all its routes
    routes: list[Route] = []
    for vid, trip in sorted(raw.sequences, key=lambda key: (order[key[0]], key[1])):
        vt = types[vid]
        if vt.id not in durations:
            durations[vt.id] = vehicle_duration_s(matrices, vt.speed_kph)
        prev = routes[-1].end_s if trip > 1 else None
        routes.append(timed_route(scenario, matrices, vid, vt,
                                  [visits[k] for k in raw.sequences[vid, trip]],
                                  raw.starts[vid, trip], durations[vt.id], trip=trip,
                                  paid_from_s=prev, lines=lines))
    served = {k for seq in raw.sequences.values() for k in seq}
    left = [Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
            for k, v in enumerate(visits) if k not in served]
    meta: dict[str, object] = {"solutions": raw.solutions, "solution_limit": solution_limit,
                               "matrix_source": matrices.source,
                               "unreachable": list(matrices.unreachable),
                               "first_solution_s": None if raw.first_s is None
                               else round(raw.first_s, 3)}
    return Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario), date=scenario.date,
                engine=engine, seed=seed, time_limit_s=time_limit_s, status=raw.status,
                runtime_s=round(raw.runtime_s, 3),
                objective=round(raw.objective, 2) if math.isfinite(raw.objective)
                else raw.objective,
                routes=tuple(routes), unserved=tuple(unserved + left), meta=meta)


def plan_score(plan: Plan, penalty: float) -> float:
    """Cost of a plan as the engines minimise it: route costs + penalty per dropped visit.

    Recomputed from the timed routes, so plans from different engines compare on equal terms
    (their own objectives differ in tie-breakers and rounding).
    """
    return plan.cost + penalty * sum(1 for u in plan.unserved if u.reason == DROPPED)


def _run_pyvrp_child(conn: Connection, scenario: Scenario, matrices: Matrices,
                     visits: list[Visit], opts: dict[str, Any]) -> None:
    """Child process of the portfolio: solve with PyVRP, send the RawSolution (or the error)."""
    try:
        conn.send(pyvrp_backend.solve_visits(scenario, matrices, visits, **opts))
    except Exception as exc:  # any failure is reported to the parent, which falls back
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def _portfolio(scenario: Scenario, matrices: Matrices, visits: list[Visit],
               opts: dict[str, Any], progress: Progress | None
               ) -> dict[str, RawSolution | str]:
    """Both engines at once on two cores: PyVRP in a forked child, OR-Tools here.

    Each gets the full time limit (wall time stays the limit on a 2-core machine). A child
    that fails or hangs past twice the limit is dropped; OR-Tools' plan is then used alone.
    Inside a daemonic process (a Dask worker, a process pool), which may not start children,
    the engines run one after the other on half the time limit each.
    """
    if multiprocessing.current_process().daemon:
        half = dict(opts, time_limit_s=opts["time_limit_s"] / 2)
        out_seq: dict[str, RawSolution | str] = {}
        try:
            out_seq["pyvrp"] = pyvrp_backend.solve_visits(scenario, matrices, visits, **half)
        except Exception as exc:  # as in the child: report it, OR-Tools' plan stands
            out_seq["pyvrp"] = f"{type(exc).__name__}: {exc}"
        out_seq["ortools"] = ortools_backend.solve_visits(scenario, matrices, visits,
                                                          progress=progress, **half)
        return out_seq
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run_pyvrp_child, args=(child, scenario, matrices, visits, opts),
                       daemon=True)
    proc.start()
    child.close()
    out: dict[str, RawSolution | str] = {}
    out["ortools"] = ortools_backend.solve_visits(scenario, matrices, visits, progress=progress,
                                                  **opts)
    if parent.poll(max(5.0, 2 * opts["time_limit_s"])):
        try:
            out["pyvrp"] = parent.recv()
        except EOFError:
            out["pyvrp"] = "the PyVRP process ended without a result"
    else:
        out["pyvrp"] = "the PyVRP process did not finish in time"
    proc.join(timeout=1)
    if proc.is_alive():
        proc.terminate()
        proc.join()
    parent.close()
    return out


def solve(scenario: Scenario, matrices: Matrices, *, time_limit_s: float | None = None,
          seed: int | None = None, solution_limit: int | None = None,
          progress: Progress | None = None, reference: dict[str, str] | None = None,
          change_penalty: float = 0.0, engine: str = "auto",
          accept: Accept | None = None) -> Plan:
    """Plan one day. Options default to the scenario's ``[solve]`` section.

    ``engine`` {"ortools", "pyvrp", "auto"}: "pyvrp" raises UnsupportedConstraintError when
    the problem has a constraint PyVRP cannot express; "auto" runs both engines side by side
    when PyVRP fits (a portfolio on two cores) and keeps the cheaper plan that ``accept``
    admits, OR-Tools alone otherwise (``meta.engine_note`` says why).

    ``reference`` (station id → vehicle id) and ``change_penalty`` (CNY per moved stop) keep
    routes stable against a reference plan; the plan's meta counts kept and moved stops.
    """
    if engine not in ENGINES:
        raise ModelError(f"`engine` must be one of {{{', '.join(ENGINES)}}}; got {engine!r}")
    spec = scenario.solve
    tl = spec.time_limit_s if time_limit_s is None else time_limit_s
    sd = spec.seed if seed is None else seed
    sl = spec.solution_limit if solution_limit is None else solution_limit
    visits, unserved = presolve(scenario, set(matrices.unreachable))
    opts: dict[str, Any] = {"time_limit_s": tl, "seed": sd, "solution_limit": sl,
                            "reference": reference, "change_penalty": change_penalty}
    note: str | None = None
    if engine == "auto":
        missing = pyvrp_backend.unsupported(scenario, visits, reference=reference,
                                            change_penalty=change_penalty)
        if missing:
            note = "OR-Tools alone: PyVRP cannot express " + "; ".join(missing)
            raws: dict[str, RawSolution | str] = {
                "ortools": ortools_backend.solve_visits(scenario, matrices, visits,
                                                        progress=progress, **opts)}
        else:
            raws = _portfolio(scenario, matrices, visits, opts, progress)
    elif engine == "pyvrp":
        raws = {"pyvrp": pyvrp_backend.solve_visits(scenario, matrices, visits,
                                                    progress=progress, **opts)}
    else:
        raws = {"ortools": ortools_backend.solve_visits(scenario, matrices, visits,
                                                        progress=progress, **opts)}
    plans: dict[str, Plan] = {}
    failed: dict[str, str] = {}
    for name, raw in raws.items():
        if isinstance(raw, str):
            failed[name] = raw
        else:
            plans[name] = _plan(scenario, matrices, visits, list(unserved), raw, engine=name,
                                seed=sd, time_limit_s=tl, solution_limit=sl)
    penalty = spec.unserved_penalty
    ranked = sorted(plans, key=lambda k: (plan_score(plans[k], penalty), k != "ortools"))
    ok = {k: accept(plans[k]) if accept is not None else True for k in ranked}
    best = next((k for k in ranked if ok[k]), ranked[0])
    plan = plans[best]
    meta = dict(plan.meta) | {"engine_requested": engine}
    if len(raws) > 1:
        meta["portfolio"] = [
            {"engine": k, "cost": round(plans[k].cost, 2),
             "dropped": sum(1 for u in plans[k].unserved if u.reason == DROPPED),
             "score": round(plan_score(plans[k], penalty), 2), "accepted": ok[k],
             "first_solution_s": plans[k].meta["first_solution_s"]} for k in ranked
        ] + [{"engine": k, "error": msg} for k, msg in failed.items()]
    if note:
        meta["engine_note"] = note
    if reference is not None:
        meta["stability"] = stability(plan.routes, reference) | {"change_penalty": change_penalty}
    return replace(plan, meta=meta)


def solve_pyvrp_default(scenario: Scenario, matrices: Matrices, *, time_limit_s: float,
                        seed: int) -> Plan:
    """PyVRP with its defaults on the scenario's data (all visits required, cost = distance):
    the peer that ``routing bench`` measures next to our engines."""
    visits, unserved = presolve(scenario, set(matrices.unreachable))
    raw = pyvrp_backend.solve_default(scenario, matrices, visits, time_limit_s=time_limit_s,
                                      seed=seed)
    plan = _plan(scenario, matrices, visits, list(unserved), raw, engine="pyvrp", seed=seed,
                 time_limit_s=time_limit_s, solution_limit=None)
    return replace(plan, meta=dict(plan.meta) | {"engine_requested": "pyvrp-default"})


__all__ = ["DROPPED", "ENGINES", "plan_score", "solve", "solve_pyvrp_default"]
