"""The PyVRP engine behind the same problem, its refusals, and the auto portfolio.

Runs use an iteration/solution limit, so results do not depend on the machine's speed.
"""

from __future__ import annotations

import dataclasses

import pytest

from routing.exceptions import ModelError, UnsupportedConstraintError
from routing.model import Targets
from routing.pipeline import check_scenario_plan, plan_scenario
from routing.report.summary import _engine_lines
from routing.solve import solve
from routing.solve.options import SolveOptions

#: The tiny county's OR-Tools plan at 50 solutions (see test_solve): PyVRP must match it.
TINY_COST = 462.83


def _types(sc, **by_type):
    """Replace fields per vehicle type; None drops the type."""
    out = [dataclasses.replace(vt, **by_type[vt.id]) if by_type.get(vt.id) else vt
           for vt in sc.vehicle_types if not (vt.id in by_type and by_type[vt.id] is None)]
    return dataclasses.replace(sc, vehicle_types=tuple(out))


def _one_van(sc):
    """One van (100 kg cold box) for the whole county, no reefer: no plan serves every visit."""
    return _types(sc, reefer=None, van={"count": 1, "cold_capacity_kg": 100.0})


def _opts(**kw):
    """Options of one engine run: the time limit and seed given, the rest defaults."""
    return SolveOptions(**kw)


def _direct_visits(sc):
    """The scenario on its direct fleet, its matrices and the visits to plan: what the
    backends get from routing.solve."""
    from routing.network.matrix import travel_matrices
    from routing.pipeline.echelons import direct_types
    from routing.solve.visits import presolve

    sc = dataclasses.replace(sc, vehicle_types=direct_types(sc))
    m = travel_matrices(sc)
    visits, _ = presolve(sc, set(m.unreachable))
    return sc, m, visits


@pytest.fixture(scope="module")
def tiny_pyvrp(tiny):
    """The tiny county planned by PyVRP alone, 200 iterations."""
    return plan_scenario(tiny, engine="pyvrp", solution_limit=200, time_limit_s=30)


def test_pyvrp_plans_tiny_and_passes_the_checker(tiny, tiny_pyvrp):
    """Pickups, fresh goods, windows, two vehicle types: all served, checker silent."""
    plan, m = tiny_pyvrp
    assert plan.engine == "pyvrp"
    assert plan.unserved == ()
    assert check_scenario_plan(plan, tiny, m) == []
    assert plan.cost <= TINY_COST * 1.001


def test_pyvrp_plan_has_simultaneous_pickup_and_delivery_within_windows(tiny, tiny_pyvrp):
    """Villages with both directions are served in one stop, inside their windows."""
    plan, _ = tiny_pyvrp
    stops = {s.station_id: s for r in plan.routes for s in r.stops}
    both = [s for s in stops.values() if s.delivered and s.picked_up]
    assert both, "tiny has villages with parcels both ways"
    for sid in ("V1", "V2"):  # the narrow windows
        st = tiny.station(sid)
        assert st.open_s <= stops[sid].start_s <= st.close_s


def test_fresh_goods_ride_only_cold_vehicles(tiny):
    """No reefer but a van with a 100 kg cold box: fresh goes on the van within the box."""
    sc = _types(tiny, reefer=None, van={"cold_capacity_kg": 100.0, "count": 3})
    plan, m = plan_scenario(sc, engine="pyvrp", solution_limit=200, time_limit_s=30)
    assert check_scenario_plan(plan, sc, m) == []
    fresh = {ln.id for ln in sc.demand if ln.fresh}
    carried = {i for r in plan.routes for s in r.stops for i in s.line_ids}
    assert fresh & carried


def test_same_seed_same_plan(tiny):
    """Seed and iteration limit fix the search: two runs give identical routes."""
    opts = SolveOptions.of(tiny.solve, engine="pyvrp", solution_limit=100, time_limit_s=30)
    a = solve(tiny, plan_scenario(tiny, engine="ortools", solution_limit=1)[1], opts)
    b = solve(tiny, plan_scenario(tiny, engine="ortools", solution_limit=1)[1], opts)
    assert [r.stops for r in a.routes] == [r.stops for r in b.routes]


@pytest.mark.parametrize(("change", "words"), [
    # fresh pickups due back at the hub: a bound on the trip end per client
    ({"targets": Targets(fresh_h=6)}, "back at the hub by a deadline"),
    # stable routes are charged on the distance: not with a vehicle free per km
    ({"reference": {"V1": "reefer-1"}, "types": {"van": {"cost_per_km": 0.0}}},
     "stable routes.*'van' at 0 CNY per km"),
])
def test_pyvrp_refuses_what_it_cannot_express(tiny, change, words):
    """Each constraint PyVRP lacks is named in the error, never silently dropped."""
    sc = _types(tiny, **change.get("types", {}))
    if "targets" in change:
        sc = dataclasses.replace(sc, targets=change["targets"])
    with pytest.raises(UnsupportedConstraintError, match=words):
        plan_scenario(sc, engine="pyvrp", solution_limit=10, time_limit_s=5,
                      reference=change.get("reference"), change_penalty=50.0)


def test_auto_falls_back_to_ortools_and_says_why(tiny):
    """With a constraint PyVRP lacks (fresh produce back at the hub within 6 h), auto plans
    with OR-Tools and records the reason; the second core runs OR-Tools from PyVRP's routes
    solved without that constraint, and the two runs are labelled apart."""
    sc = dataclasses.replace(tiny, targets=Targets(fresh_h=6))
    plan, m = plan_scenario(sc, engine="auto", solution_limit=50, time_limit_s=10)
    assert plan.engine == "ortools"
    assert "back at the hub by a deadline" in plan.meta.engine_note
    runs = {r["engine"]: r for r in plan.meta.to_json()["portfolio"]}
    assert sorted(runs) == ["insertion", "ortools", "ortools from pyvrp routes"]
    assert runs["ortools from pyvrp routes"]["warm_start"]
    assert not runs["ortools"]["warm_start"]
    assert "ortools from pyvrp routes seed 1" in _engine_lines(plan.meta.to_json())[0]
    assert check_scenario_plan(plan, sc, m) == []


def test_stable_routes_portfolio_scores_moves(tiny):
    """With a reference, the kept plan is the cheapest counting the change penalty per
    moved stop, and PyVRP's routes are renumbered onto the reference vehicles first."""
    first, m = plan_scenario(tiny, engine="ortools", solution_limit=50, time_limit_s=10)
    reference = {s.station_id: r.vehicle_id for r in first.routes for s in r.stops}
    plan, _ = plan_scenario(tiny, m, engine="auto", solution_limit=50, time_limit_s=10,
                            reference=reference, change_penalty=500.0)
    runs = plan.meta.to_json()["portfolio"]
    kept = next(r for r in runs if r["kept"])
    assert kept["score"] == min(r["score"] for r in runs)
    moved = plan.meta.to_json()["stability"]["moved"]
    assert kept["score"] == pytest.approx(plan.cost + 500.0 * moved, abs=0.01)
    assert check_scenario_plan(plan, tiny, m) == []


def test_reference_matching_puts_routes_on_their_reference_vehicles():
    """Routes numbered arbitrarily by PyVRP move onto the reference vehicle serving most of
    their stations; unmatched routes take ids no match claimed; types never mix."""
    from routing.solve.portfolio import match_reference
    from routing.solve.visits import Visit

    def visit(st):
        return Visit(station_id=st, line_ids=(), down_kg=0, up_kg=0, down_m3=0, up_m3=0,
                     down_parcels=0, up_parcels=0, fresh=False, service_s=0, open_s=0,
                     close_s=1, ready_down_s=0, ready_up_s=0, deliver_by_s=1,
                     return_by_s=99_999)

    visits = [visit(s) for s in "ABCDEFG"]
    seqs = {("van-1", 1): [0, 1], ("van-2", 1): [2, 3], ("van-3", 1): [4],
            ("box-1", 1): [5]}
    ref = {"A": "van-2", "B": "van-2", "C": "van-1", "D": "box-1", "F": "van-5"}
    out = match_reference(seqs, visits, ref)
    assert out[("van-2", 1)] == [0, 1] and out[("van-1", 1)] == [2, 3]
    assert out[("van-3", 1)] == [4] and out[("box-1", 1)] == [5]
    # A vehicle's trips vote together and move together, keeping their numbers: van-1's
    # second trip (G, on van-1 in the reference) does not outvote its first (A, B on van-2).
    seqs[("van-1", 2)] = [6]
    ref["G"] = "van-1"
    out = match_reference(seqs, visits, ref)
    assert out[("van-2", 1)] == [0, 1] and out[("van-2", 2)] == [6]
    assert out[("van-1", 1)] == [2, 3] and len(out) == len(seqs)


def test_auto_runs_two_pyvrp_seeds_and_keeps_the_cheaper_checked_plan(tiny):
    """Where PyVRP fits, the portfolio runs it with two seeds (one per core); the kept plan
    is the cheapest accepted one."""
    plan, m = plan_scenario(tiny, engine="auto", solution_limit=50, time_limit_s=10, seed=3)
    runs = plan.meta.to_json()["portfolio"]
    assert sorted((r["engine"], r["seed"]) for r in runs) == [("insertion", 3), ("pyvrp", 3),
                                                               ("pyvrp wide", 4)]
    kept = [r for r in runs if r["kept"]]
    assert len(kept) == 1 and kept[0]["score"] == min(r["score"] for r in runs)
    # The checker runs in rank order and stops at the first plan that passes.
    assert kept[0]["accepted"] is True
    assert [r["accepted"] for r in runs if not r["kept"]] == [None, None]
    assert plan.engine == "pyvrp"
    assert plan.meta.engine_requested == "auto"
    assert check_scenario_plan(plan, tiny, m) == []


def test_auto_goes_prize_collecting_when_pyvrp_finds_nothing_feasible(tiny):
    """One van for the whole county: PyVRP, the dominant visits required, finds no feasible
    plan and gives up early; PyVRP with every visit optional takes the time left and leaves
    out what the van cannot carry, and the plan says why each line is unserved."""
    sc = _one_van(tiny)
    plan, m = plan_scenario(sc, engine="auto", solution_limit=50, time_limit_s=10)
    runs = plan.meta.to_json()["portfolio"]
    by = {(r["engine"], r["seed"]): r for r in runs}
    assert "prize-collecting took over" in by["pyvrp wide", sc.solve.seed + 1]["error"]
    collecting = [r for r in runs if "prize-collecting" in r["engine"]]
    assert collecting and all("error" not in r for r in collecting)
    # Kept: the cheapest of them and the insertion plan (50 iterations are few).
    kept = next(r for r in runs if r.get("kept"))
    assert kept["score"] == min(r["score"] for r in runs if "score" in r)
    assert plan.unserved and all(u.reason for u in plan.unserved)
    assert check_scenario_plan(plan, sc, m) == []


def test_auto_goes_prize_collecting_on_time_without_an_iteration_limit(tiny):
    """A dispatcher's run has no iteration limit: the give-up goes by the clock. One van
    for the whole county, 8 s: the second PyVRP search stops after GIVE_UP of its time
    (about 1.8 s of the engines' 7.2 s; the per-visit minimum is 0.1 s here) and the
    prize-collecting search plans in the time left (a give-up that never fires would leave
    it its 1 s floor after 8 s)."""
    import re

    from routing.solve import portfolio

    van = _one_van(tiny)
    sc = dataclasses.replace(van, solve=dataclasses.replace(van.solve, solution_limit=None))
    plan, m = plan_scenario(sc, engine="auto", time_limit_s=8)
    by = {(r["engine"], r["seed"]): r for r in plan.meta.to_json()["portfolio"]}
    msg = by["pyvrp wide", sc.solve.seed + 1]["error"]
    found = re.fullmatch(r"no feasible plan after ([\d.]+) s; prize-collecting took over", msg)
    assert found, msg
    from routing.solve import ENGINE_SHARE  # the engines' share of the 8 s

    assert portfolio.GIVE_UP * 8 * ENGINE_SHARE - 0.1 <= float(found[1]) < 4.0
    assert ("pyvrp wide prize-collecting", sc.solve.seed + 1) in by
    assert plan.runtime_s > 3.0  # the prize-collecting search had the rest of the 8 s
    assert check_scenario_plan(plan, sc, m) == []


def test_wide_search_restarts_when_stuck_and_serves_every_visit_once(tiny):
    """The portfolio's second search ("wide") starts afresh from a new random solution when
    RESTART_PER_CLIENT iterations per client bring no better plan: on the tiny county that
    happens well within an iteration budget of four times that, and the plan kept (the best
    over the restarts) still serves every visit exactly once."""
    from routing.solve import pyvrp_backend as pb

    sc, m, visits = _direct_visits(tiny)
    budget = 4 * pb.RESTART_PER_CLIENT * len(visits)
    raw = pb.solve_visits(sc, m, visits, _opts(time_limit_s=60, seed=1, solution_limit=budget),
                          search="wide")
    assert raw.found and raw.restarts >= 1
    served = sorted(k for seq in raw.sequences.values() for k in seq)
    assert served == list(range(len(visits)))
    # The default search never restarts; an unknown search is refused by name.
    plain = pb.solve_visits(sc, m, visits, _opts(time_limit_s=60, seed=1,
                                                 solution_limit=budget))
    assert plain.restarts == 0
    with pytest.raises(ModelError, match="default"):
        pb.solve_visits(sc, m, visits, _opts(time_limit_s=1, seed=1), search="narrow")


def test_unknown_engine_is_a_model_error(tiny):
    """A misspelt engine lists the valid choices."""
    with pytest.raises(ModelError, match="ortools, pyvrp, auto"):
        SolveOptions.of(tiny.solve, engine="vroom")


def test_split_routes_cuts_whole_routes_into_two_sectors(tiny):
    """Each visit in exactly one group; a route's visits never split across groups."""
    from routing.solve.portfolio import split_routes
    from routing.solve.visits import presolve

    plan, m = plan_scenario(tiny, engine="pyvrp", solution_limit=100, time_limit_s=30)
    visits, _ = presolve(tiny, set(m.unreachable))
    index = {(v.station_id, v.line_ids): k for k, v in enumerate(visits)}
    seqs = {(r.vehicle_id, r.trip): [index[s.station_id, s.line_ids] for s in r.stops]
            for r in plan.routes}
    groups = split_routes(tiny, visits, seqs)
    assert len(groups) == 2 and all(groups)
    assert sorted(k for g in groups for k in g) == list(range(len(visits)))
    where = {k: i for i, g in enumerate(groups) for k in g}
    for seq in seqs.values():
        assert len({where[k] for k in seq}) == 1


def test_decomposed_portfolio_plans_completely(tiny, monkeypatch):
    """Forced on the tiny county: whole, halves, whole again; the kept plan is the
    cheapest of every phase's plans, complete and checked."""
    import routing.solve.portfolio as pf

    monkeypatch.setattr(pf, "DECOMPOSE_MIN", 1)
    monkeypatch.setattr(pf, "DECOMPOSE_MIN_S", 0.0)
    plan, m = plan_scenario(tiny, engine="auto", solution_limit=100, time_limit_s=10)
    runs = plan.meta.to_json()["portfolio"]
    # the insertion plan (1), whole (1, 2), joined (5, 6)
    assert sorted(r["seed"] for r in runs) == [1, 1, 2, 5, 6]
    assert plan.unserved == ()
    assert next(r for r in runs if r["kept"])["score"] == min(r["score"] for r in runs)
    assert check_scenario_plan(plan, tiny, m) == []


def test_a_cheaper_plan_that_fails_the_check_is_not_kept(tiny):
    """``accept`` says no to the cheapest plan: the next one is checked and kept, and the
    portfolio records both verdicts."""
    _, m = plan_scenario(tiny, engine="ortools", solution_limit=1)
    seen = []

    def accept(plan):
        seen.append(plan.cost)
        return len(seen) > 1  # refuse the first (cheapest) plan offered

    plan = solve(tiny, m, SolveOptions.of(tiny.solve, solution_limit=50, time_limit_s=10),
                 accept=accept)
    runs = sorted((r for r in plan.meta.to_json()["portfolio"] if r["engine"] != "insertion"),
                  key=lambda r: r["score"])
    assert [r["accepted"] for r in runs] == [False, True]
    assert runs[1]["kept"] and plan.cost == pytest.approx(runs[1]["cost"], abs=0.01)
    assert "failed the check" in _engine_lines(plan.meta.to_json())[0]


def test_an_infeasible_search_reports_no_plan_and_gives_up_on_time(tiny):
    """While PyVRP has no feasible plan its stopping criteria see the largest int64, not
    inf: that is no first solution, no progress, and no reason to stop giving up. One van
    for the whole county cannot serve it; with 5 % of a 30 s budget to find a plan, the
    search must stop after about 1.5 s (the margin is wide: a search that never gives up
    runs all 30 s)."""
    from routing.solve import pyvrp_backend as pb

    sc, m, visits = _direct_visits(_one_van(tiny))
    seen: list[float] = []
    raw = pb.solve_visits(sc, m, visits, _opts(time_limit_s=30, seed=1), give_up=0.05,
                          progress=lambda _t, cost, _n: seen.append(cost))
    assert not raw.found and raw.first_s is None and raw.solutions == 0
    assert seen == []
    assert raw.runtime_s < 15


def test_progress_reports_only_feasible_plans(tiny):
    """Every cost the progress callback hears is a feasible plan's: none above the first,
    the last equal to the plan's objective, and the time to the first one recorded."""
    from routing.solve import pyvrp_backend as pb

    sc, m, visits = _direct_visits(tiny)
    seen: list[float] = []
    raw = pb.solve_visits(sc, m, visits, _opts(time_limit_s=30, seed=1, solution_limit=200),
                          progress=lambda _t, cost, _n: seen.append(cost))
    assert raw.found and raw.first_s is not None
    assert seen and seen == sorted(seen, reverse=True)
    assert seen[0] < 10 * TINY_COST and seen[-1] == pytest.approx(raw.objective)


def test_pyvrp_keeps_stable_routes_through_its_profiles(tiny):
    """PyVRP itself expresses the change penalty (one vehicle type and routing profile per
    reference vehicle; the portfolio's reference candidate is not involved here): against
    its own plan with van-1's stations on van-2, PyVRP's own routes follow the reference once
    the penalty outweighs the cost, and the auto portfolio plans stable routes with PyVRP."""
    from routing.solve import pyvrp_backend as pb

    sc, m, visits = _direct_visits(tiny)
    first = pb.solve_visits(sc, m, visits, _opts(time_limit_s=30, seed=1, solution_limit=300))
    on = {visits[k].station_id: vid for (vid, _), seq in first.sequences.items() for k in seq}
    swap = {"van-1": "van-2"}  # PyVRP numbers the vehicles it uses from 1
    assert "van-1" in on.values() and "van-2" not in on.values()
    renamed = {st: swap.get(v, v) for st, v in on.items()}

    def moved(raw):
        return sum(renamed[visits[k].station_id] != vid
                   for (vid, _), seq in raw.sequences.items() for k in seq)

    free = pb.solve_visits(sc, m, visits, _opts(time_limit_s=30, seed=2, solution_limit=300))
    held = pb.solve_visits(sc, m, visits, _opts(time_limit_s=30, seed=2, solution_limit=300,
                                                reference=renamed, change_penalty=10_000.0))
    assert moved(held) == 0 < moved(free)
    plan = solve(sc, m, SolveOptions.of(sc.solve, solution_limit=100, time_limit_s=10,
                                        reference=renamed, change_penalty=500.0))
    assert plan.meta.engine_note is None and plan.meta.to_json()["stability"]["moved"] == 0
    assert any(r["engine"].startswith("pyvrp") for r in plan.meta.to_json()["portfolio"])
    assert check_scenario_plan(plan, sc, m) == []


def test_penalised_profile_charges_arcs_into_moved_stations_once():
    """Arcs into a station the reference gave another vehicle carry the penalty; arcs
    between two visits of that station and into a depot do not."""
    import numpy as np

    from routing.solve.pyvrp_backend import _penalised
    from routing.solve.visits import Visit

    def visit(st, lines=()):
        return Visit(station_id=st, line_ids=lines, down_kg=0, up_kg=0, down_m3=0, up_m3=0,
                     down_parcels=0, up_parcels=0, fresh=False, service_s=0, open_s=0,
                     close_s=1, ready_down_s=0, ready_up_s=0, deliver_by_s=1,
                     return_by_s=99_999)

    dist = np.arange(16, dtype=np.int64).reshape(4, 4) * 10
    stations = ["HUB", "A", "B", "C"]
    loc = {s: k for k, s in enumerate(stations)}
    visits = [visit("A"), visit("A", ("a2",)), visit("B"), visit("C")]
    ref = {"A": "van-1", "B": "van-2"}  # C is new today
    mine = _penalised(dist, stations, 1, visits, loc, ref, ["van-1"], 7)
    diff = mine - dist
    assert diff[:, 1].tolist() == [0, 0, 0, 0]  # A is van-1's
    assert diff[:, 2].tolist() == [7, 7, 0, 7]  # B moves onto van-1 (not B → B)
    assert diff[:, 3].tolist() == [0, 0, 0, 0] and diff[:, 0].tolist() == [0, 0, 0, 0]
    rest = _penalised(dist, stations, 1, visits, loc, ref, ["van-3", "van-4"], 7)
    assert (rest - dist)[0].tolist() == [0, 7, 7, 0]  # both referenced stations move
