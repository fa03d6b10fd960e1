"""Hour targets inside the day: fresh produce back to the hub in time, deliveries by their due."""

from __future__ import annotations

import dataclasses

from routing.evaluate.check import check_plan
from routing.pipeline import check_scenario_plan, plan_scenario


def _with_targets(sc, **kw):
    return dataclasses.replace(sc, targets=dataclasses.replace(sc.targets, **kw))


def test_fresh_pickup_returns_within_its_hours(tiny):
    """With a 2.5 h fresh limit, the fresh pickup at V3 (ready 08:00) is at the hub by 10:30."""
    sc = _with_targets(tiny, fresh_h=2.5)
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10)
    assert plan.unserved == ()
    (route,) = [r for r in plan.routes if any("D08" in s.line_ids for s in r.stops)]
    assert route.end_s <= 8 * 3600 + 2.5 * 3600
    assert check_scenario_plan(plan, sc, m) == []


def test_impossible_fresh_limit_is_explained(tiny):
    """A 20-minute fresh limit cannot be met from V3: unserved, and the reason names the target."""
    sc = _with_targets(tiny, fresh_h=1 / 3)
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10)
    reasons = {u.station_id: u.reason for u in plan.unserved}
    assert "V3" in reasons and "fresh target" in reasons["V3"]
    assert check_scenario_plan(plan, sc, m) == []


def test_delivery_hour_target_binds_and_is_checked(tiny, tiny_doc, tiny_solved):
    """The checker flags deliveries later than the on-time target, and the solver keeps it."""
    tight = _with_targets(tiny, on_time_h=2.0)  # parcels ready 06:30 → due 08:30
    kinds = {v.kind for v in check_plan(tiny_doc, tight, tiny_solved[1])}
    late = any(s.start_s > 8.5 * 3600 for r in tiny_solved[0].routes for s in r.stops
               if any(i not in ("D05", "D08", "D11") for i in s.line_ids))
    assert ("delivery_target" in kinds) == late
    plan, m = plan_scenario(tight, solution_limit=50, time_limit_s=10)
    assert check_scenario_plan(plan, tight, m) == []
    for u in plan.unserved:
        assert "target" in u.reason or "opens only" in u.reason or "no vehicle left" in u.reason
