"""Multi-trip (a van returns to reload within its shift) and cold boxes on dry vehicles."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from routing.evaluate.check import check_plan
from routing.pipeline import check_scenario_plan, plan_scenario
from routing.report.plan_json import plan_to_dict

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
