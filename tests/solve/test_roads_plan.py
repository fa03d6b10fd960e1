"""Planning over a real road layer: snapped stations, checked plans, unreachable stations named."""

from __future__ import annotations

import dataclasses

from routing.io import read_scenario
from routing.network.matrix import travel_matrices
from routing.pipeline import check_scenario_plan, plan_scenario

from ..conftest import HERE

ROADS = HERE / "data" / "tiny_roads"


def test_road_plan_passes_checker():
    """The tiny county on its road layer: every station snapped, all served, checker clean."""
    sc = read_scenario(ROADS)
    m = travel_matrices(sc)
    assert m.source == "roads" and m.unreachable == ()
    assert all(0 < s < 300 for s in m.snap_m)  # road vertices sit ~250 m off the stations
    plan, _ = plan_scenario(sc, m, solution_limit=30)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []


def test_station_far_from_roads_is_unserved_with_reason():
    """A village 5 km from the nearest road is reported unreachable, not silently dropped."""
    sc = read_scenario(ROADS)
    moved = tuple(dataclasses.replace(s, lat=s.lat + 0.05) if s.id == "V1" else s
                  for s in sc.stations)
    sc = dataclasses.replace(sc, stations=moved)
    m = travel_matrices(sc)
    assert m.unreachable == ("V1",)
    plan, _ = plan_scenario(sc, m, solution_limit=30)
    (u,) = plan.unserved
    assert u.station_id == "V1" and "not reachable on the road network" in u.reason
    assert check_scenario_plan(plan, sc, m) == []
