"""The OR-Tools model: plans pass the independent checker, are reproducible, explain drops."""

from __future__ import annotations

import dataclasses

from routing.model import Direction
from routing.pipeline import check_scenario_plan, plan_scenario


def test_tiny_plan_serves_everything_and_checks(tiny_solved, tiny):
    """All lines served; fresh lines only on the reefer; the checker finds nothing."""
    plan, m = tiny_solved
    assert plan.unserved == ()
    served = {i for r in plan.routes for s in r.stops for i in s.line_ids}
    assert served == {ln.id for ln in tiny.demand}
    fresh = {ln.id for ln in tiny.demand if ln.fresh}
    for r in plan.routes:
        if r.vehicle_type != "reefer":
            assert not fresh & {i for s in r.stops for i in s.line_ids}
    assert check_scenario_plan(plan, tiny, m) == []


def test_same_seed_and_solution_limit_give_same_plan(tiny, tiny_solved):
    """Determinism: a fixed seed and solution limit reproduce the plan exactly."""
    again, _ = plan_scenario(tiny, tiny_solved[1], solution_limit=50, time_limit_s=10)
    first = tiny_solved[0]
    assert [(r.vehicle_id, [s.station_id for s in r.stops]) for r in again.routes] == \
        [(r.vehicle_id, [s.station_id for s in r.stops]) for r in first.routes]
    assert again.objective == first.objective


def test_pickups_ride_back_to_the_hub(tiny_solved, tiny):
    """Up lines are collected on the tours: load after the last stop includes them."""
    plan, _ = tiny_solved
    up_kg = sum(ln.kg for ln in tiny.demand if ln.direction is Direction.UP)
    back = sum(r.stops[-1].load_after.kg for r in plan.routes)
    assert abs(back - up_kg) < 1e-6


def test_oversized_station_is_unserved_with_capacity_reason(tiny):
    """A station whose parcels fit no vehicle is reported unserved with the numbers, not dropped."""
    big = [dataclasses.replace(ln, kg=5000.0) if ln.id == "D03" else ln for ln in tiny.demand]
    sc = dataclasses.replace(tiny, demand=tuple(big))
    plan, m = plan_scenario(sc, solution_limit=30, time_limit_s=10)
    (u,) = plan.unserved
    assert u.station_id == "T2" and "5,000.0 kg" in u.reason and "reefer" in u.reason
    assert check_scenario_plan(plan, sc, m) == []


def test_fresh_goods_without_reefer_are_unserved_with_reason(tiny):
    """No refrigerated vehicle: fresh visits are listed with that reason; the rest is planned."""
    fleet = tuple(v for v in tiny.vehicle_types if not v.refrigerated)
    sc = dataclasses.replace(tiny, vehicle_types=fleet)
    plan, m = plan_scenario(sc, solution_limit=30, time_limit_s=10)
    assert {u.station_id for u in plan.unserved} == {"V3", "V4"}
    assert all("no refrigerated vehicle" in u.reason for u in plan.unserved)
    assert check_scenario_plan(plan, sc, m) == []


def test_too_far_for_the_shift_is_explained(tiny):
    """A village 300 km away cannot be reached and back within a 9 h shift: the reason says so."""
    far = [dataclasses.replace(s, lon=s.lon + 3.0) if s.id == "V5" else s for s in tiny.stations]
    sc = dataclasses.replace(tiny, stations=tuple(far))
    plan, m = plan_scenario(sc, solution_limit=30, time_limit_s=10)
    reasons = {u.station_id: u.reason for u in plan.unserved}
    assert "V5" in reasons
    assert "exceeds the 9 h shift" in reasons["V5"] or "after closing" in reasons["V5"]
    assert check_scenario_plan(plan, sc, m) == []


def test_station_bigger_than_any_vehicle_is_split_across_visits(tiny):
    """Split delivery: 900 kg more for T1 than any 800 kg vehicle holds, in 300 kg lines,
    goes out in several visits and every line is served once."""
    extra = tuple(dataclasses.replace(tiny.demand[0], id=f"BIG{k}", kg=300.0, parcels=20)
                  for k in range(3))
    sc = dataclasses.replace(tiny, demand=tiny.demand + extra)
    plan, m = plan_scenario(sc, solution_limit=100, time_limit_s=20)
    assert plan.unserved == ()
    t1_visits = [s for r in plan.routes for s in r.stops if s.station_id == "T1"]
    assert len(t1_visits) >= 2
    assert check_scenario_plan(plan, sc, m) == []


def test_day_that_cannot_be_planned_at_all_says_why(tiny):
    """With 30-minute shifts nothing can be served: every station is listed with its reason."""
    short = tuple(dataclasses.replace(vt, max_shift_s=1800) for vt in tiny.vehicle_types)
    sc = dataclasses.replace(tiny, vehicle_types=short)
    # Nothing is feasible, so no solution ends the search early: a short limit, same outcome.
    plan, m = plan_scenario(sc, solution_limit=20, time_limit_s=1)
    assert plan.routes == ()
    assert {u.station_id for u in plan.unserved} == {ln.station_id for ln in tiny.demand}
    assert all("shift" in u.reason for u in plan.unserved), [u.reason for u in plan.unserved]
    assert check_scenario_plan(plan, sc, m) == []
