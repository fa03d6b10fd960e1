"""Re-planning the rest of the day: history never moves, late parcels and a broken-down
van's load go out with others, and the checker passes the whole day."""

from __future__ import annotations

import pytest

from routing.io.events import Event
from routing.model import DemandLine, Direction
from routing.pipeline import replan_day
from routing.report.plan_json import plan_to_dict


@pytest.fixture
def dawn(tiny, tiny_solved):
    plan, m = tiny_solved
    return plan, m, plan_to_dict(plan, tiny)


def _history(plan, at_s):
    return {(r.vehicle_id, s.station_id, s.line_ids, s.departure_s) for r in plan.routes
            for s in r.stops if s.departure_s <= at_s}


def test_without_events_nothing_moves(tiny, dawn):
    plan, m, doc = dawn
    at = min(r.start_s for r in plan.routes) + 20 * 60
    res = replan_day(tiny, m, doc, at_s=at)
    assert res.changes == [] and res.violations == []
    assert res.plan.cost == pytest.approx(plan.cost, abs=0.01)
    assert [(r.vehicle_id, [s.station_id for s in r.stops]) for r in res.plan.routes] == \
        [(r.vehicle_id, [s.station_id for s in r.stops]) for r in plan.routes]


def test_late_parcels_and_a_breakdown(tiny, dawn):
    """A van breaks down on the road: what it did stays, what it still carries comes back
    to the hub and goes out again with others; late parcels for three villages are served;
    the whole day passes the checker against the day's own scenario."""
    plan, m, doc = dawn
    van = next(r for r in plan.routes if len(r.stops) >= 2)
    at = van.stops[0].departure_s + 60  # after its first stop
    late = [DemandLine(id=f"L{k}", station_id=st, carrier_id="post",
                       direction=Direction.DOWN, parcels=4, kg=5.0, ready_s=at)
            for k, st in enumerate(["V3", "V4", "V5"])]
    res = replan_day(tiny, m, doc, at_s=at, late=late,
                     events=[Event("breakdown", at, vehicle=van.vehicle_id)])
    assert res.violations == []
    assert _history(plan, at) <= {(r.vehicle_id, s.station_id, s.line_ids, s.departure_s)
                                  for r in res.plan.routes for s in r.stops}
    served = {i for r in res.plan.routes for s in r.stops for i in s.line_ids}
    assert {"L0", "L1", "L2"} <= served
    assert not res.plan.unserved
    broken = [r for r in res.plan.routes if r.vehicle_id == van.vehicle_id]
    assert len(broken) == 1 and len(broken[0].stops) < len(van.stops)
    assert res.plan.meta["out_of_service"] == [van.vehicle_id]
    assert any(c.kind == "added" for c in res.changes)


def test_cancel_and_a_closed_station(tiny, dawn):
    """A cancelled line leaves its stop; a station closed before anyone came keeps its
    lines unserved with the closing as the reason."""
    plan, m, doc = dawn
    at = min(r.start_s for r in plan.routes)
    later = [s for r in plan.routes for s in r.stops if s.arrival_s > at + 600]
    cancel, closed = later[0].line_ids[0], later[-1].station_id
    res = replan_day(tiny, m, doc, at_s=at, events=[
        Event("cancel", line=cancel), Event("closed", at, station=closed)])
    served = {i for r in res.plan.routes for s in r.stops for i in s.line_ids}
    assert cancel not in served and cancel not in {ln.id for ln in res.scenario.demand}
    assert closed not in {s.station_id for r in res.plan.routes for s in r.stops
                          if s.arrival_s > at}
    assert {u.station_id for u in res.plan.unserved} == {closed}
    assert res.violations == []
