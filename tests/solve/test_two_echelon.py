"""Two echelons: trunks to township stations, feeders to villages, synchronised and checked."""

from __future__ import annotations

import dataclasses

import pytest

from routing.evaluate.check import check_plan
from routing.io.plan_json import plan_to_dict
from routing.model import VehicleType
from routing.pipeline import check_scenario_plan, plan_scenario

from ..helpers import move_route


def with_feeders(sc, towns=("T1", "T2")):
    """Vans become trunks; an electric tricycle (180 kg, 15 km/h) waits at each township."""
    trunks = tuple(dataclasses.replace(vt, echelon="trunk") if vt.id == "van" else vt
                   for vt in sc.vehicle_types)
    tricycles = tuple(VehicleType(
        id=f"tri_{t}", name=f"e-tricycle {t}", count=1, capacity_kg=180, capacity_m3=1.5,
        capacity_parcels=150, fixed_cost=30, cost_per_km=0.1, cost_per_hour=15, speed_kph=15,
        max_shift_s=8 * 3600, depot_id=t, echelon="feeder") for t in towns)
    return dataclasses.replace(sc, vehicle_types=trunks + tricycles)


@pytest.fixture(scope="module")
def two_echelon(tiny):
    """The tiny county planned in two echelons with feeders at both townships."""
    sc = with_feeders(tiny)
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10, structure="two_echelon")
    return sc, plan, m


def test_trunks_hand_over_and_feeders_follow(two_echelon):
    """Ambient village lines ride a trunk to their township, then a feeder leaves after it."""
    sc, plan, m = two_echelon
    assert plan.unserved == ()
    trunk = [r for r in plan.routes if r.echelon == "trunk"]
    feeders = [r for r in plan.routes if r.echelon == "feeder"]
    assert trunk and feeders
    handed = {i: (s.station_id, s.departure_s) for r in trunk for s in r.stops
              for i in s.transfer_ids}
    assert {"D04", "D06", "D07", "D09", "D10"} <= set(handed)  # ambient down to villages
    assert "D12" not in handed and "D08" not in handed  # fresh goods never change vehicles
    for r in feeders:
        for s in r.stops:
            for i in s.line_ids:
                if i in handed and i in {"D04", "D06", "D07", "D09", "D10"}:
                    town, left = handed[i]
                    assert r.depot_id == town
                    assert r.start_s >= left + sc.service.transfer_s
    assert check_scenario_plan(plan, sc, m) == []


def test_checker_catches_feeder_leaving_before_its_trunk(two_echelon):
    """A feeder that leaves before the trunk brought its parcels breaks synchronisation."""
    sc, plan, m = two_echelon
    doc = plan_to_dict(plan, sc)
    feeder = next(r for r in doc["routes"] if r["echelon"] == "feeder"
                  and any(lines for s in r["stops"] for lines in s["lines"]))
    move_route(feeder, feeder["start_min"] - 60)  # leave at 01:00
    kinds = {v.kind for v in check_plan(doc, sc, m)}
    assert "feeder_before_trunk" in kinds


def test_checker_catches_delivery_without_transfer(two_echelon):
    """A feeder delivering a line no trunk handed over is a violation."""
    sc, plan, m = two_echelon
    doc = plan_to_dict(plan, sc)
    for r in doc["routes"]:
        for s in r["stops"]:
            s["transfers"] = []
    kinds = {v.kind for v in check_plan(doc, sc, m)}
    assert "missing_transfer" in kinds


def test_township_without_feeder_is_served_directly(tiny):
    """Villages of a township with no feeder are served by hub vehicles, not left out."""
    sc = with_feeders(tiny, towns=("T1",))
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10, structure="two_echelon")
    assert plan.unserved == ()
    direct_v3 = [r for r in plan.routes if r.echelon == "trunk"
                 and any(s.station_id == "V3" for s in r.stops)]
    assert direct_v3
    assert check_scenario_plan(plan, sc, m) == []


def test_a_village_its_feeders_cannot_take_goes_directly_from_the_hub(tmp_path):
    """Generated county (60 villages, seed 7): one township's single feeder van is full; its
    last village's parcels, handed over by the trunk, come off the trunk and go directly on a
    van idle at the hub. Everything served, checked clean, the lines on no feeder."""
    from routing.io import read_scenario
    from routing.io.synthetic import CountySpec, write_spec
    from routing.pipeline import check_scenario_plan, plan_scenario
    from routing.pipeline.echelons import transferred_lines

    spec = CountySpec(villages=60, seed=7, structure="two_echelon")
    sc = read_scenario(write_spec(tmp_path / "c", spec))
    plan, m = plan_scenario(sc, structure="two_echelon", solution_limit=30, time_limit_s=10)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []
    direct = {i for r in plan.routes if r.echelon == "direct" for s in r.stops
              for i in s.line_ids}
    assert direct & set(transferred_lines(sc))  # would have changed vehicles at a township
    handed = {i for r in plan.routes for s in r.stops for i in s.transfer_ids}
    assert not direct & handed  # and no trunk carries them any more
    assert plan.meta.direct_fallback >= 1
