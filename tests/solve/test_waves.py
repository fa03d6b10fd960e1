"""Waves of the day: a village's morning parcels are not held back for one that reaches the
hub in the afternoon (routing.solve.visits.waves, constants.WAVE_GAP_S)."""

from __future__ import annotations

import dataclasses

import pytest

from routing.constants import WAVE_GAP_S
from routing.io.synthetic import CountySpec, write_spec
from routing.model import DemandLine, Direction
from routing.pipeline import check_scenario_plan, plan_scenario
from routing.solve.visits import build_visits, waves

H = 3600


def _line(i: str, ready_h: float, direction: Direction = Direction.DOWN,
          station: str = "V3") -> DemandLine:
    return DemandLine(id=i, station_id=station, carrier_id="post", direction=direction,
                      parcels=2, kg=5.0, ready_s=round(ready_h * H))


def test_ready_times_an_hour_apart_are_one_wave_more_apart_begin_the_next():
    lines = [_line("a", 6.5), _line("b", 7.0), _line("c", 7.0 + WAVE_GAP_S / H),
             _line("d", 14.0), _line("e", 14.5)]
    assert waves(lines) == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}


def test_a_pickup_rides_with_the_last_wave_begun_by_its_ready_time():
    lines = [_line("d1", 6.5), _line("d2", 14.0), _line("u1", 9.0, Direction.UP),
             _line("u2", 15.0, Direction.UP), _line("u0", 5.0, Direction.UP)]
    assert waves(lines) == {"d1": 0, "d2": 1, "u1": 0, "u2": 1, "u0": 0}


def test_pickups_alone_are_one_wave():
    """No down line: every pickup rides with wave 0, as a station's lines always did."""
    assert set(waves([_line("u1", 7.0, Direction.UP), _line("u2", 16.0, Direction.UP)])
               .values()) == {0}


def test_a_station_with_lines_of_two_waves_is_two_visits(tiny):
    late = _line("LATE", 14.0)
    sc = dataclasses.replace(tiny, demand=(*tiny.demand, late))
    v3 = [v for v in build_visits(sc) if v.station_id == "V3" and not v.fresh]
    assert sorted(v.line_ids for v in v3) == [("D07",), ("LATE",)]
    assert sorted(v.ready_down_s for v in v3) == [round(6.5 * H), 14 * H]
    # a line of the morning's wave joins the morning's visit
    morning = dataclasses.replace(tiny, demand=(*tiny.demand, _line("EARLY", 7.0)))
    (v,) = [v for v in build_visits(morning) if v.station_id == "V3" and not v.fresh]
    assert v.line_ids == ("D07", "EARLY")


def test_a_village_closing_at_noon_gets_its_morning_parcels_and_not_the_afternoon_one(tiny):
    """V2 closes at 12:00. A parcel for it reaching the hub at 14:00 cannot be delivered;
    its 06:30 parcels still are — one visit for both would have left V2 out all day."""
    late = _line("LATE", 14.0, station="V2")
    sc = dataclasses.replace(tiny, demand=(*tiny.demand, late))
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10)
    served = {i for r in plan.routes for s in r.stops for i in s.line_ids}
    assert "D06" in served
    (u,) = plan.unserved
    assert u.station_id == "V2" and u.line_ids == ("LATE",)
    assert "12:00" in u.reason, u.reason
    assert check_scenario_plan(plan, sc, m) == []


def test_parcels_reaching_the_hub_after_the_village_closes_are_unservable_and_said_so(tiny):
    """Before any engine sees them (PyVRP refuses a release after the window's end): the
    reason names both times."""
    from routing.solve.visits import presolve

    sc = dataclasses.replace(tiny, demand=(*tiny.demand, _line("LATE", 14.0, station="V2")))
    visits, out = presolve(sc, set())
    assert "LATE" not in {i for v in visits for i in v.line_ids}
    (u,) = out
    assert u.line_ids == ("LATE",)
    assert u.reason == "parcels reach the hub at 14:00 but the station closes at 12:00"


@pytest.mark.parametrize("spec", [
    CountySpec(villages=60, seed=4242, window_share=0.5),
    CountySpec(villages=45, seed=9173, fleet_factor=1.0, multi_trip=True, fresh_up_share=0.6),
])
def test_a_generated_county_with_an_afternoon_wave_plans_and_checks(tmp_path, spec):
    """A county generated now (seeds not used elsewhere; half-day windows; a tight two-trip
    fleet with fresh pickups) plus an afternoon truck for 10 villages: the afternoon lines
    are visits of their own, the checker finds nothing (no line left out beside an idle
    vehicle that could serve it, every reason true), and no village loses its morning
    parcels to the afternoon ones."""
    import random

    from routing.io import read_scenario
    from routing.model import Tier

    sc = read_scenario(write_spec(tmp_path / "c", spec))
    rng = random.Random(spec.seed)
    villages = rng.sample([s.id for s in sc.stations if s.tier is Tier.VILLAGE], 10)
    pm = [_line(f"PM{k}", 13.5, station=v) for k, v in enumerate(villages)]
    day = dataclasses.replace(sc, demand=(*sc.demand, *pm))
    assert all(v.line_ids in {(ln.id,) for ln in pm} or not {ln.id for ln in pm} & set(
        v.line_ids) for v in build_visits(day))
    plan, m = plan_scenario(day, solution_limit=60, time_limit_s=30)
    assert check_scenario_plan(plan, day, m) == []
    out = {i for u in plan.unserved for i in u.line_ids}
    alone, _ = plan_scenario(sc, m, solution_limit=60, time_limit_s=30)
    before = {i for u in alone.unserved for i in u.line_ids}
    morning = {ln.id for ln in sc.demand if ln.station_id in villages}
    assert not (morning & out) - before
