"""The rest of a day re-optimised by PyVRP: vehicles free from when they are, their fixed
cost paid once, no trip for one out of service (routing.solve.rest, pyvrp_backend's
``available``)."""

from __future__ import annotations

import dataclasses

from routing.model.plan import Plan, PlanMeta, Unserved
from routing.pipeline import check_scenario_plan
from routing.pipeline.echelons import direct_types
from routing.solve.options import SolveOptions
from routing.solve.pyvrp_backend import build_data
from routing.solve.repair import DROPPED, Earlier
from routing.solve.rest import reoptimised
from routing.solve.visits import build_visits

H = 3600


def _direct(tiny, trips: int = 1):
    """The tiny county's direct fleet, each vehicle making up to ``trips`` trips."""
    return dataclasses.replace(tiny, vehicle_types=tuple(
        dataclasses.replace(vt, max_trips=trips) for vt in direct_types(tiny)))


def test_available_moves_a_vehicle_s_hours_waives_a_paid_fixed_cost_and_drops_a_full_day(
        tiny, tiny_solved):
    sc = _direct(tiny, trips=2)
    m = tiny_solved[1]
    fleet = dict(sc.vehicles())
    a, b, c = list(fleet)[:3]
    available = {a: Earlier(1, 7 * H, 11 * H, 11 * H + 900),  # drove one trip, free 11:15
                 b: Earlier(fleet[b].max_trips, 7 * H, 12 * H, 12 * H),  # no trip left
                 c: Earlier(0, 10 * H, 0, 10 * H)}  # idle, free from 10:00
    data, groups, _ = build_data(sc, m, build_visits(sc), available=available)
    named = {ids[0]: k for k, ids in enumerate(groups) if len(ids) == 1}
    assert b not in {vid for ids in groups for vid in ids}
    vt_a = data.vehicle_type(named[a])
    assert vt_a.tw_early == 11 * H + 900 and vt_a.fixed_cost == 0
    # its shift began at 07:00: it must be back by then + its longest shift
    assert vt_a.tw_late <= 7 * H + fleet[a].max_shift_s + sc.service.reload_s
    vt_c = data.vehicle_type(named[c])
    assert vt_c.tw_early == 10 * H and vt_c.fixed_cost > 0
    # without ``available`` nothing changes: one PyVRP type per vehicle type
    _, plain, _ = build_data(sc, m, build_visits(sc))
    assert len(plain) == len([vt for vt in sc.vehicle_types if vt.count > 0])


def test_reoptimised_serves_what_was_left_out_after_each_vehicle_s_day_so_far(
        tiny, tiny_solved):
    """Everything left out at 10:00, one van broken down, the other back from a trip at
    10:30: PyVRP's plan leaves no trip before a vehicle is free, none on the broken one, and
    the re-timed routes pass the checker's time and load rules."""
    sc = _direct(tiny, trips=2)
    m = tiny_solved[1]
    at = 10 * H
    sc = dataclasses.replace(sc, demand=tuple(dataclasses.replace(ln, ready_s=max(ln.ready_s,
                                                                                  at))
                                              for ln in sc.demand))
    fleet = list(dict(sc.vehicles()))
    broken, back = fleet[0], fleet[1]
    earlier = {vid: Earlier(0, at, 0, at) for vid in fleet}
    earlier[back] = Earlier(1, 7 * H, at + 1800, at + 1800 + sc.service.reload_s)
    plan = Plan(scenario=sc.name, scenario_hash="", date=sc.date, engine="replan", seed=1,
                time_limit_s=1.0, status="REPLANNED", runtime_s=0.0, objective=0.0,
                routes=(), unserved=tuple(Unserved(station_id=v.station_id,
                                                   line_ids=v.line_ids, reason=DROPPED)
                                          for v in build_visits(sc)), meta=PlanMeta())
    got = reoptimised(sc, m, plan, earlier, frozenset({broken}),
                      SolveOptions(time_limit_s=10, seed=1, solution_limit=300))
    assert got is not None and got.routes
    assert broken not in {r.vehicle_id for r in got.routes}
    for r in got.routes:
        assert r.start_s >= earlier[r.vehicle_id].not_before_s, r
        if r.vehicle_id == back:
            assert r.trip == 2
    served = {i for r in got.routes for s in r.stops for i in s.line_ids}
    assert served | {i for u in got.unserved for i in u.line_ids} == {
        ln.id for ln in sc.demand}
    # the routes of the vehicles with no trip before, judged by the checker: no rule broken
    # but the lines they leave to ``back`` (whose first trip is not in this plan)
    fresh = dataclasses.replace(got, unserved=(), routes=tuple(
        r for r in got.routes if r.vehicle_id != back))
    kinds = {v.kind for v in check_scenario_plan(fresh, sc, m)}
    assert kinds <= {"missing"}, kinds
