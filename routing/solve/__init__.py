"""Solving: from a scenario and its matrices to a :class:`~routing.model.plan.Plan`."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from ..exceptions import ModelError, UnsupportedConstraintError
from ..model import Scenario
from ..model.plan import Plan, PlanMeta, PortfolioRun, Route, Stability, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from . import ortools_backend, pyvrp_backend
from .options import ENGINES, SolveOptions
from .portfolio import Run, engine_of, pyvrp_portfolio, required_then_prizes, warm_portfolio
from .raw import Progress, RawSolution
from .repair import DROPPED, insertion_candidate, reference_candidate, reference_vehicle, repair
from .schedule import timed_route
from .visits import Visit, fits, presolve

#: id -> (scenario, hash) of the last scenarios hashed: a scenario is immutable, and one solve
#: hashes it once per candidate plan (0.4 s each at 100,000 demand lines).
_HASHED: dict[int, tuple[Scenario, str]] = {}


def scenario_hash(scenario: Scenario) -> str:
    """Short stable hash of the scenario's content, stored in the plan to detect mismatches."""
    got = _HASHED.get(id(scenario))
    if got is not None and got[0] is scenario:
        return got[1]
    h = hashlib.sha1(repr((scenario.stations, scenario.carriers, scenario.vehicle_types,
                           scenario.demand, scenario.network, scenario.service)).encode())
    if len(_HASHED) >= 8:
        _HASHED.clear()
    _HASHED[id(scenario)] = (scenario, h.hexdigest()[:16])
    return _HASHED[id(scenario)][1]


def stability(routes: tuple[Route, ...], reference: Mapping[str, str],
              change_penalty: float = 0.0) -> Stability:
    """Stops on the same vehicle as in the reference plan, stops moved, stations new today
    (and the change penalty that was asked)."""
    kept = moved = new = 0
    for r in routes:
        for station, lines in {s.station_id: s.line_ids for s in r.stops}.items():
            ref = reference_vehicle(reference, station, lines)
            if ref is None:
                new += 1
            elif ref == r.vehicle_id:
                kept += 1
            else:
                moved += 1
    return Stability(kept=kept, moved=moved, new=new, change_penalty=change_penalty)


#: Seconds the engines get at least (or the whole time limit if shorter), whatever the
#: insertion plan took of it.
MIN_ENGINE_S = 1.0
#: Share of the time limit the insertion plan may take at most (1,000 villages: 6-17 s).
INSERTION_SHARE = 0.2
#: Share of the time limit by which the engines stop; the rest is for the repair and the
#: checker on the candidates (100,000 demand lines: about 1 s of a 10 s limit).
ENGINE_SHARE = 0.9

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
    meta = PlanMeta(solutions=raw.solutions, solution_limit=solution_limit,
                    matrix_source=matrices.source, unreachable=tuple(matrices.unreachable),
                    first_solution_s=None if raw.first_s is None else round(raw.first_s, 3),
                    peak_rss_mb=raw.peak_rss_mb,
                    # OR-Tools' search began from PyVRP's routes
                    warm_start="pyvrp" if raw.warm_start else None,
                    # fresh starts after stagnation (PyVRP "wide")
                    restarts=raw.restarts or None)
    return Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario), date=scenario.date,
                engine=engine, seed=seed, time_limit_s=time_limit_s, status=raw.status,
                runtime_s=round(raw.runtime_s, 3),
                objective=round(raw.objective, 2) if math.isfinite(raw.objective)
                else raw.objective,
                routes=tuple(routes), unserved=tuple(unserved + left), meta=meta)


def plan_score(plan: Plan, penalty: float, reference: dict[str, str] | None = None,
               change_penalty: float = 0.0) -> float:
    """Cost of a plan as the engines minimise it: route costs + penalty per dropped visit
    (+ the change penalty per stop moved off its reference vehicle, with a reference).

    Recomputed from the timed routes, so plans from different engines compare on equal terms
    (their own objectives differ in tie-breakers and rounding).
    """
    moved = stability(plan.routes, reference).moved if reference else 0
    return (plan.cost + penalty * sum(1 for u in plan.unserved if u.reason == DROPPED)
            + change_penalty * moved)


def solve(scenario: Scenario, matrices: Matrices, options: SolveOptions | None = None, *,
          progress: Progress | None = None, accept: Accept | None = None) -> Plan:
    """Plan one day with ``options`` (default: the scenario's ``[solve]`` section, see
    :meth:`SolveOptions.of <routing.solve.options.SolveOptions.of>`).

    ``engine`` {"ortools", "pyvrp", "auto"}: "pyvrp" raises UnsupportedConstraintError when
    the problem has a constraint PyVRP cannot express; "auto", when PyVRP fits, runs a
    portfolio on two cores (PyVRP with two seeds, OR-Tools instead of the second when it
    finds no feasible plan early; large problems in three phases, see
    :mod:`routing.solve.portfolio`) and keeps the cheapest plan that ``accept`` admits;
    otherwise OR-Tools, also from PyVRP's routes without the missing constraints
    (``meta.engine_note`` says why).

    ``reference`` (station id → vehicle id) and ``change_penalty`` (CNY per moved stop) keep
    routes stable against a reference plan; the plan's meta counts kept and moved stops.
    ``pinned`` (station id → vehicle id): locked stops, which ride that vehicle or stay
    unserved; OR-Tools and the insertion honour them, PyVRP refuses them.
    """
    opts = SolveOptions.of(scenario.solve) if options is None else options
    t_entry = time.perf_counter()
    tl, sd = opts.time_limit_s, opts.seed
    visits, unserved = presolve(scenario, set(matrices.unreachable))
    pinned = _checked_pins(scenario, visits, dict(opts.pinned or {}))
    # A plan that serves what the fleet can serve, in seconds, before any engine runs (a
    # candidate like theirs); the engines get the time left.
    first = insertion_candidate(scenario, matrices, visits, list(unserved), seed=sd,
                                time_limit_s=tl, budget_s=INSERTION_SHARE * tl, pinned=pinned)
    # The engines end ENGINE_SHARE into the limit, counted from here: what follows them
    # (repair, the checker on the candidates) and what preceded (visits, the insertion plan)
    # comes out of the same budget.
    left_s = max(min(MIN_ENGINE_S, tl), ENGINE_SHARE * tl - (time.perf_counter() - t_entry))
    runs, note = _engine_runs(scenario, matrices, visits,
                              replace(opts, time_limit_s=left_s, pinned=pinned or None),
                              progress)
    plans: list[Candidate] = [("insertion", sd, first)]
    failed: list[tuple[str, int, str]] = []
    some_success = any(not isinstance(r, str) and r.found for _, _, r in runs)
    for name, run_seed, raw in runs:
        if isinstance(raw, str):
            failed.append((name, run_seed, raw))
        elif not raw.found and some_success:
            failed.append((name, run_seed, f"no feasible plan in {raw.runtime_s:.1f} s"))
        else:
            plans.append((name, run_seed, _plan(scenario, matrices, visits, list(unserved), raw,
                                                engine=engine_of(name), seed=sd, time_limit_s=tl,
                                                solution_limit=opts.solution_limit)))
    if opts.reference:
        # The reference itself (what still fits of it, the rest inserted) is always a
        # candidate: re-planning the same day cannot end dearer or less stable than it.
        plans.append(("reference", sd, reference_candidate(
            scenario, matrices, visits, list(unserved), dict(opts.reference), seed=sd,
            time_limit_s=tl, pinned=pinned)))
    _repaired(plans, scenario, matrices, opts, pinned, deadline=t_entry + tl)
    # A lock broken is no plan (an engine that ignored one; none should).
    plans = [x for x in plans if not pins_broken(x[2], pinned)] or plans[:1]
    return _chosen(plans, failed, opts, accept, note)


#: A candidate plan: (portfolio label, seed, plan).
Candidate = tuple[str, int, Plan]


def _engine_runs(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                 opts: SolveOptions, progress: Progress | None) -> tuple[list[Run], str | None]:
    """The engine searches ``opts.engine`` asks for, on ``opts``' time left; and a note when
    PyVRP could not express the problem (OR-Tools planned it instead)."""
    reference = dict(opts.reference) if opts.reference is not None else None
    pinned = dict(opts.pinned or {})
    if opts.engine == "ortools":
        return [(opts.engine, opts.seed, ortools_backend.solve_visits(
            scenario, matrices, visits, opts, progress=progress))], None
    missing = pyvrp_backend.unsupported(scenario, visits, reference=reference,
                                        change_penalty=opts.change_penalty, pinned=pinned)
    if opts.engine == "pyvrp":
        if missing:
            raise UnsupportedConstraintError(pyvrp_backend.ENGINE, missing)
        # the dominant visits required, then prize-collecting if the fleet cannot serve them
        return required_then_prizes(scenario, matrices, visits, opts, progress,
                                    budget_s=opts.time_limit_s, seed=opts.seed,
                                    search="default"), None
    if not missing:
        return pyvrp_portfolio(scenario, matrices, visits, opts, progress), None
    runs = warm_portfolio(scenario, matrices, visits, opts, progress)
    note = ("OR-Tools (" + ("from its own first solution, and from PyVRP's routes "
                          "solved without these" if len(runs) > 1 else "alone")
            + "): PyVRP cannot express " + "; ".join(missing))
    return runs, note


def _repaired(plans: list[Candidate], scenario: Scenario, matrices: Matrices,
              opts: SolveOptions, pinned: dict[str, str], *, deadline: float) -> None:
    """Serve what can be served: each candidate with its left-out visits put where the rules
    allow, added to ``plans`` (the unrepaired plan stays a candidate, in case the checker
    disagrees). The most promising plan (the fewest visits left out, then the cheapest) is
    repaired whatever it takes; the others only until ``deadline`` (a large county's plans
    cut short may each leave hundreds of visits to place)."""
    ranked = sorted(plans, key=lambda x: plan_score(x[2], opts.unserved_penalty))
    for k, (name, run_seed, p) in enumerate(ranked):
        fixed = repair(p, scenario, matrices, pinned=pinned,
                       until=math.inf if k == 0 else deadline)
        if fixed is not p:
            plans.append((name + " + repair", run_seed, fixed))


def _chosen(plans: list[Candidate], failed: list[tuple[str, int, str]], opts: SolveOptions,
            accept: Accept | None, note: str | None) -> Plan:
    """The cheapest candidate ``accept`` admits, with the portfolio in its meta.

    Cheapest first; on a tie an engine's plan before the insertion plan, OR-Tools first,
    then the lower seed (a stable choice). Checked in rank order, stopping at the first plan
    that passes: the checker is the costly part on a large county, and a dearer plan cannot
    be kept anyway (None: not checked).
    """
    reference = dict(opts.reference) if opts.reference is not None else None

    def score(p: Plan) -> float:
        return plan_score(p, opts.unserved_penalty, reference, opts.change_penalty)

    plans.sort(key=lambda x: (score(x[2]), x[2].engine == "insertion", x[2].engine != "ortools",
                              x[1]))
    ok: list[bool | None] = [None] * len(plans)
    for k, (_, _, p) in enumerate(plans):
        ok[k] = accept(p) if accept is not None else True
        if ok[k]:
            break
    best = next((k for k, good in enumerate(ok) if good), 0)
    plan = plans[best][2]
    portfolio = None
    if len(plans) + len(failed) > 1:
        portfolio = tuple(
            PortfolioRun(engine=name, seed=run_seed, cost=round(p.cost, 2),
                         dropped=sum(1 for u in p.unserved if u.reason == DROPPED),
                         stops=sum(len(r.stops) for r in p.routes),
                         score=round(score(p), 2), accepted=good, kept=k == best,
                         first_solution_s=p.meta.first_solution_s,
                         warm_start=bool(p.meta.warm_start), restarts=p.meta.restarts or 0,
                         peak_rss_mb=p.meta.peak_rss_mb)
            for k, ((name, run_seed, p), good) in enumerate(zip(plans, ok, strict=True))
        ) + tuple(PortfolioRun(engine=name, seed=run_seed, error=msg)
                  for name, run_seed, msg in failed)
    meta = replace(plan.meta, engine_requested=opts.engine,
                   portfolio=portfolio or plan.meta.portfolio,
                   engine_note=note or plan.meta.engine_note,
                   stability=plan.meta.stability if reference is None
                   else stability(plan.routes, reference, opts.change_penalty))
    return replace(plan, meta=meta)


def _checked_pins(scenario: Scenario, visits: list[Visit], pinned: dict[str, str]
                  ) -> dict[str, str]:
    """The locked stops, each known and able to ride its vehicle (else a ModelError that
    names them)."""
    fleet = dict(scenario.vehicles())
    problems = []
    for station, vid in sorted(pinned.items()):
        if vid not in fleet:
            problems.append(f"'{station}' is locked to '{vid}', which is not in the fleet")
            continue
        for v in visits:
            if v.station_id == station and not fits(v, fleet[vid]):
                problems.append(f"'{station}' is locked to '{vid}', which cannot carry its "
                                f"{'fresh ' if v.fresh else ''}goods ({v.down_kg + v.up_kg:g} kg)")
                break
    if problems:
        raise ModelError("locked stops: " + "; ".join(problems))
    return pinned


def pins_broken(plan: Plan, pinned: dict[str, str] | None) -> list[str]:
    """Locked stops the plan serves on another vehicle than theirs: "station on vehicle"."""
    if not pinned:
        return []
    return [f"{s.station_id} on {r.vehicle_id}" for r in plan.routes for s in r.stops
            if pinned.get(s.station_id, r.vehicle_id) != r.vehicle_id]


def solve_pyvrp_default(scenario: Scenario, matrices: Matrices, *, time_limit_s: float,
                        seed: int) -> Plan:
    """PyVRP with its defaults on the scenario's data (all visits required, cost = distance):
    the peer that ``routing bench`` measures next to our engines."""
    visits, unserved = presolve(scenario, set(matrices.unreachable))
    raw = pyvrp_backend.solve_default(scenario, matrices, visits, time_limit_s=time_limit_s,
                                      seed=seed)
    plan = _plan(scenario, matrices, visits, list(unserved), raw, engine="pyvrp", seed=seed,
                 time_limit_s=time_limit_s, solution_limit=None)
    return replace(plan, meta=replace(plan.meta, engine_requested="pyvrp-default"))


__all__ = [
    "DROPPED",
    "ENGINES",
    "ENGINE_SHARE",
    "SolveOptions",
    "pins_broken",
    "plan_score",
    "solve",
    "solve_pyvrp_default",
]
