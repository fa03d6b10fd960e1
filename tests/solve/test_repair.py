"""The repair step: what an engine left out goes where the rules allow, checked independently."""

from __future__ import annotations

import dataclasses

import pytest

from routing.model.plan import Plan, PlanMeta, Unserved
from routing.pipeline import check_scenario_plan
from routing.solve import DROPPED, scenario_hash
from routing.solve.repair import reference_candidate, repair
from routing.solve.visits import presolve

from ..conftest import ROOT


def _empty_plan(scenario, matrices) -> Plan:
    """What OR-Tools out of time returns: no route, every visit left out."""
    visits, unserved = presolve(scenario, set(matrices.unreachable))
    left = [Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
            for v in visits]
    return Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario),
                date=scenario.date, engine="ortools", seed=1, time_limit_s=1.0,
                status="SUCCESS", runtime_s=1.0, objective=0.0, routes=(),
                unserved=tuple(unserved + left), meta=PlanMeta(solutions=1))


def test_an_empty_plan_is_repaired_into_one_that_serves_everything(tiny, tiny_solved):
    """Every visit lands on an idle vehicle or a route already opened; the checker agrees."""
    m = tiny_solved[1]
    fixed = repair(_empty_plan(tiny, m), tiny, m)
    assert fixed.unserved == ()
    assert fixed.meta.repaired == sum(1 for r in tiny_solved[0].routes for _ in r.stops)
    assert check_scenario_plan(fixed, tiny, m) == []
    fresh = {ln.id for ln in tiny.demand if ln.fresh}
    for r in fixed.routes:  # cold chain kept: fresh lines only where there is cold capacity
        if fresh & {i for s in r.stops for i in s.line_ids}:
            assert tiny.vehicle_type(r.vehicle_type).fresh_capacity_kg > 0


def test_what_no_vehicle_can_take_stays_unserved(tiny, tiny_solved):
    """With one small van only, the repair serves what fits and leaves the rest listed."""
    m = tiny_solved[1]
    van = next(vt for vt in tiny.vehicle_types if not vt.refrigerated)
    small = dataclasses.replace(tiny, vehicle_types=(dataclasses.replace(
        van, count=1, capacity_kg=60.0, max_trips=1),))
    fixed = repair(_empty_plan(small, m), small, m)
    assert fixed.routes and fixed.unserved
    assert check_scenario_plan(fixed, small, m) == []
    served = {i for r in fixed.routes for s in r.stops for i in s.line_ids}
    assert not served & {i for u in fixed.unserved for i in u.line_ids}


def test_the_reference_reproduces_itself(tiny, tiny_solved):
    """The same manifest with its own plan as reference: the same routes, no stop moved."""
    plan, m = tiny_solved
    visits, unserved = presolve(tiny, set(m.unreachable))
    ref = {s.station_id: r.vehicle_id for r in plan.routes for s in r.stops}
    again = reference_candidate(tiny, m, visits, list(unserved), ref, seed=1, time_limit_s=1)
    assert [(r.vehicle_id, [s.station_id for s in r.stops]) for r in again.routes] == \
        [(r.vehicle_id, [s.station_id for s in r.stops]) for r in plan.routes]
    assert again.cost <= plan.cost + 0.01
    assert check_scenario_plan(again, tiny, m) == []


def test_replanning_the_same_day_against_its_own_plan_moves_nothing(tiny, tiny_solved):
    """The identical manifest with its plan as reference: 0 moved stops, cost no higher (the
    reference is a candidate; each line's vehicle is kept, fresh and dry visits apart)."""
    from routing.io.plan_json import plan_to_dict
    from routing.pipeline import plan_scenario, reference_from_plan

    plan, m = tiny_solved
    ref = reference_from_plan(plan_to_dict(plan, tiny))
    again, _ = plan_scenario(tiny, m, solution_limit=5, time_limit_s=10, reference=ref)
    assert again.meta.stability.moved == 0
    assert again.cost <= plan.cost + 0.01
    assert check_scenario_plan(again, tiny, m) == []


@pytest.mark.parametrize("county", ["xia", "tang", "yanshi", "fengqiu"])
def test_the_insertion_plan_serves_every_bundled_county_whole(county):
    """The first plan, built before any engine runs, already serves every village of each
    bundled county on its direct fleet (fresh visits placed first keep the cold vehicles
    for them), and the checker accepts it."""
    from routing.io import read_scenario
    from routing.network.matrix import travel_matrices
    from routing.pipeline.echelons import direct_types
    from routing.solve.repair import insertion_candidate

    full = read_scenario(ROOT / "scenarios" / county)
    sc = dataclasses.replace(full, vehicle_types=direct_types(full))
    m = travel_matrices(sc)
    visits, unserved = presolve(sc, set(m.unreachable))
    plan = insertion_candidate(sc, m, visits, list(unserved), seed=1, time_limit_s=10)
    assert plan.unserved == () and plan.engine == "insertion"
    assert plan.meta.first_solution_s == plan.runtime_s
    assert check_scenario_plan(plan, sc, m) == []


def test_an_insertion_out_of_time_leaves_the_rest_out(tiny, tiny_solved):
    """With no time at all nothing is placed: every visit stays left out, for the engines."""
    from routing.solve.repair import insertion_candidate

    m = tiny_solved[1]
    visits, unserved = presolve(tiny, set(m.unreachable))
    plan = insertion_candidate(tiny, m, visits, list(unserved), seed=1, time_limit_s=1,
                               budget_s=0.0)
    assert plan.routes == () and len(plan.unserved) == len(visits)
    assert all(u.reason == DROPPED for u in plan.unserved)
