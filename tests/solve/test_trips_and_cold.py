"""Multi-trip (a van returns to reload within its shift) and cold boxes on dry vehicles."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from routing.evaluate.check import check_plan
from routing.io.plan_json import plan_to_dict
from routing.pipeline import check_scenario_plan, plan_scenario

from ..helpers import move_route


def _fleet(sc, **by_type):
    """Replace fields per vehicle type: _fleet(sc, van={"count": 1}, reefer=None drops it)."""
    out = []
    for vt in sc.vehicle_types:
        change = by_type.get(vt.id, {})
        if change is None:
            continue
        out.append(dataclasses.replace(vt, **change))
    return dataclasses.replace(sc, vehicle_types=tuple(out))


@pytest.fixture(scope="module")
def one_van_three_trips(tiny):
    """One 120-parcel van may loop three times; the reefer takes the fresh goods."""
    sc = _fleet(tiny, van={"count": 1, "max_trips": 3}, reefer={"capacity_parcels": 60})
    plan, m = plan_scenario(sc, solution_limit=100, time_limit_s=20)
    return sc, plan, m


def test_van_runs_several_trips_and_checks(one_van_three_trips):
    """More parcels than one load: van-1 runs trip 2, after trip 1 plus reload, within shift."""
    sc, plan, m = one_van_three_trips
    assert plan.unserved == ()
    trips = sorted((r.trip, r.start_s, r.end_s) for r in plan.routes if r.vehicle_id == "van-1")
    assert len(trips) >= 2
    for (_, _, e1), (_, s2, _) in itertools.pairwise(trips):
        assert s2 >= e1 + sc.service.reload_s
    van = [r for r in plan.routes if r.vehicle_id == "van-1"]
    assert sum(r.fixed_cost for r in van) == sc.vehicle_type("van").fixed_cost
    assert check_scenario_plan(plan, sc, m) == []


def test_checker_catches_overlapping_trips(one_van_three_trips):
    """Trip 2 leaving before trip 1 is back and reloaded is a violation."""
    sc, plan, m = one_van_three_trips
    doc = plan_to_dict(plan, sc)
    r1, r2 = sorted((r for r in doc["routes"] if r["vehicle_id"] == "van-1"),
                    key=lambda r: r["trip"])[:2]
    move_route(r2, r2["start_min"] - (r1["end_min"] - 1))
    kinds = {v.kind for v in check_plan(doc, sc, m)}
    assert "trip_overlap" in kinds


def test_checker_catches_fixed_cost_charged_twice(one_van_three_trips):
    """A later trip carrying the day's fixed cost again does not add up."""
    sc, plan, m = one_van_three_trips
    doc = plan_to_dict(plan, sc)
    r2 = next(r for r in doc["routes"] if r["vehicle_id"] == "van-1" and r["trip"] == 2)
    r2["cost"]["total"] += sc.vehicle_type("van").fixed_cost
    assert "cost_mismatch" in {v.kind for v in check_plan(doc, sc, m)}


def test_cold_box_carries_small_fresh_loads(tiny):
    """No reefer, vans with a 50 kg cold box: the 8 kg fresh delivery rides in the box, the
    80 kg fresh pickup cannot and is unserved with that reason."""
    sc = _fleet(tiny, van={"cold_capacity_kg": 50.0, "count": 3}, reefer=None)
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10)
    served = {i for r in plan.routes for s in r.stops for i in s.line_ids}
    assert "D12" in served and "D08" not in served
    (u,) = [u for u in plan.unserved if "D08" in u.line_ids]
    assert "80.0 kg" in u.reason and "50" in u.reason
    assert check_scenario_plan(plan, sc, m) == []
    smaller = _fleet(sc, van={"cold_capacity_kg": 5.0})
    kinds = {v.kind for v in check_plan(plan_to_dict(plan, sc), smaller, m)}
    assert "cold_capacity" in kinds


def _down_parcels(sc) -> int:
    return sum(ln.parcels for ln in sc.demand if ln.direction.value == "down")


@pytest.fixture(scope="module")
def pyvrp_two_trips(tiny):
    """The one-van county of ``one_van_three_trips`` planned by PyVRP alone, 200
    iterations (deterministic)."""
    sc = _fleet(tiny, van={"count": 1, "max_trips": 3}, reefer={"capacity_parcels": 60})
    plan, m = plan_scenario(sc, engine="pyvrp", solution_limit=200, time_limit_s=30)
    return sc, plan, m


def test_pyvrp_runs_a_second_trip_when_one_load_is_too_little(pyvrp_two_trips):
    """More parcels than the van and the reefer carry in one load each: PyVRP sends van-1
    out again after a reload, the plan serves everything and the checker is silent."""
    sc, plan, m = pyvrp_two_trips
    van, reefer = sc.vehicle_type("van"), sc.vehicle_type("reefer")
    assert _down_parcels(sc) > van.capacity_parcels + reefer.capacity_parcels
    assert plan.engine == "pyvrp" and plan.unserved == ()
    trips = sorted((r.trip, r.start_s, r.end_s) for r in plan.routes if r.vehicle_id == "van-1")
    assert [t for t, _, _ in trips][:2] == [1, 2]
    for (_, _, e1), (_, s2, _) in itertools.pairwise(trips):
        assert s2 >= e1 + sc.service.reload_s
    assert trips[-1][2] - trips[0][1] <= van.max_shift_s
    assert sum(r.fixed_cost for r in plan.routes if r.vehicle_id == "van-1") == van.fixed_cost
    assert check_scenario_plan(plan, sc, m) == []


def test_auto_plans_multi_trip_with_the_pyvrp_portfolio(tiny):
    """Multi-trip alone no longer sends auto to OR-Tools: both PyVRP searches run, labelled
    apart, and no engine note says PyVRP could not express the problem."""
    sc = _fleet(tiny, van={"count": 1, "max_trips": 3}, reefer={"capacity_parcels": 60})
    plan, m = plan_scenario(sc, solution_limit=100, time_limit_s=20)
    assert plan.engine == "pyvrp" and plan.meta.engine_note is None
    assert sorted(r["engine"] for r in plan.meta.to_json()["portfolio"]) == ["insertion", "pyvrp",
                                                                 "pyvrp wide"]
    assert max(r.trip for r in plan.routes) >= 2
    assert check_scenario_plan(plan, sc, m) == []


@pytest.mark.parametrize("ready", ["early", "late"])
def test_pyvrp_clock_follows_the_reload_rule(tiny, ready):
    """PyVRP's own schedule of a two-trip route is ours to the second: trip 1 leaves when
    its parcels are ready (no reload before it), trip 2 at max(trip 1 back + reload_s, its
    parcels ready), every service reload_s later on PyVRP's clock, and the route lasts our
    shift + reload_s (pyvrp_backend module doc)."""
    import pyvrp

    from routing.network.matrix import travel_matrices
    from routing.solve import pyvrp_backend as pb
    from routing.solve.schedule import timed_route
    from routing.solve.visits import presolve

    sc = _fleet(tiny, van={"count": 1, "max_trips": 2}, reefer=None)
    m = travel_matrices(sc)
    visits, _ = presolve(sc, set(m.unreachable))
    a = next(k for k, v in enumerate(visits) if v.station_id == "V2")  # opens 08:00
    b = next(k for k, v in enumerate(visits) if v.station_id == "V4" and not v.fresh)
    visits[a] = dataclasses.replace(visits[a], ready_down_s=9 * 3600)
    if ready == "late":  # parcels for trip 2 sorted long after trip 1 is back
        visits[b] = dataclasses.replace(visits[b], ready_down_s=15 * 3600)
    data, _, _ = pb.build_data(sc, m, visits)
    reload = pb.reload_shift(sc)
    assert reload == sc.service.reload_s > 0
    depot = pyvrp.Activity(pyvrp.ActivityType.DEPOT, 0)
    route = pyvrp.Route(data, [pyvrp.Activity(pyvrp.ActivityType.CLIENT, a), depot,
                               pyvrp.Activity(pyvrp.ActivityType.CLIENT, b)], 0)
    assert route.is_feasible() and route.num_trips() == 2
    start, at_a, reloaded, at_b, end = list(route)
    van = sc.vehicle_type("van")
    # V2 is open when its parcels are ready: trip 1 leaves then, unless (late) waiting for
    # trip 2's parcels makes a later start as good (PyVRP minimises the route's duration).
    assert start.start_time == visits[a].ready_down_s if ready == "early" \
        else start.start_time >= visits[a].ready_down_s
    first = timed_route(sc, m, "van-1", van, [visits[a]], start.start_time)
    assert at_a.start_time - reload == first.stops[0].start_s
    s2 = max(first.end_s + reload, visits[b].ready_down_s)
    assert reloaded.start_time == s2
    second = timed_route(sc, m, "van-1", van, [visits[b]], s2, trip=2,
                         paid_from_s=first.end_s)
    assert at_b.start_time - reload == second.stops[0].start_s
    assert end.start_time - reload == second.end_s
    assert route.duration() == second.end_s - first.start_s + reload


def test_decomposition_moves_a_vehicles_trips_as_one(tiny):
    """The large-problem decomposition cuts, renumbers and joins vehicles, not trips: van-1's
    two trips stay in one half under one id, its type counts it once as used."""
    from routing.network.matrix import travel_matrices
    from routing.solve.portfolio import _joined, _spares, _sub_problem, split_routes
    from routing.solve.visits import presolve

    sc = _fleet(tiny, van={"count": 2, "max_trips": 2})
    visits, _ = presolve(sc, set(travel_matrices(sc).unreachable))
    at = {v.station_id: k for k, v in reversed(list(enumerate(visits)))}
    # van-1 works the east (T1, V1) then, after a reload, the west (V4); van-2 the rest of
    # the west: a cut by trips would split van-1.
    seqs = {("van-1", 1): [at["T1"], at["V1"]], ("van-1", 2): [at["V4"]],
            ("van-2", 1): [at["V3"], at["V5"]]}
    groups = split_routes(sc, visits, seqs)
    assert len(groups) == 2
    home = next(g for g in groups if at["T1"] in g)
    assert at["V4"] in home
    assert _spares(sc, seqs)[0]["van"] + _spares(sc, seqs)[1]["van"] == 0  # both vans used
    sub, sub_visits, initial = _sub_problem(sc, visits, home, seqs, {"van": 0})
    assert sorted(initial) == [("van-1", 1), ("van-1", 2)]
    assert sub.vehicle_type("van").count == 1
    assert [sub_visits[k].station_id for k in initial["van-1", 2]] == ["V4"]
    other = next(g for g in groups if g is not home)
    joined = _joined([(home, "failed", initial),
                      (other, "failed", _sub_problem(sc, visits, other, seqs, {})[2])])
    assert joined == {("van-1", 1): seqs["van-1", 1], ("van-1", 2): seqs["van-1", 2],
                      ("van-2", 1): seqs["van-2", 1]}


def test_decomposed_portfolio_plans_multi_trip(tiny, monkeypatch):
    """Forced decomposition on the one-van county: every phase plans (PyVRP starts from
    routes with trips), the kept plan runs van-1 twice, serves everything and checks."""
    import routing.solve.portfolio as pf

    monkeypatch.setattr(pf, "DECOMPOSE_MIN", 1)
    monkeypatch.setattr(pf, "DECOMPOSE_MIN_S", 0.0)
    sc = _fleet(tiny, van={"count": 1, "max_trips": 3}, reefer={"capacity_parcels": 60})
    plan, m = plan_scenario(sc, solution_limit=100, time_limit_s=10)
    runs = plan.meta.to_json()["portfolio"]
    assert sorted(r["engine"] for r in runs) == ["insertion", "pyvrp", "pyvrp from halves",
                                                  "pyvrp from halves", "pyvrp wide"]
    assert all("error" not in r for r in runs)
    assert plan.unserved == () and max(r.trip for r in plan.routes) >= 2
    assert check_scenario_plan(plan, sc, m) == []
