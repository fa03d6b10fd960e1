"""The independent checker catches each kind of planted violation, and passes a clean plan."""

from __future__ import annotations

import copy
import json

import pytest

from routing.evaluate.check import check_plan


def kinds(doc, tiny, m):
    return {v.kind for v in check_plan(doc, tiny, m)}


def test_clean_plan_has_no_violation(tiny_solved, tiny, tiny_doc):
    """The solver's plan of the tiny county passes, so every planted case below is meaningful."""
    assert check_plan(tiny_doc, tiny, tiny_solved[1]) == []
    assert tiny_doc["unserved"] == []


def _first_route_with(doc, n):
    return next(r for r in doc["routes"] if len(r["stops"]) >= n)


def plant_over_capacity(doc, tiny):
    # Put the other route's stops on the smallest vehicle's tour: more than it can hold.
    van = next(r for r in doc["routes"] if r["vehicle_type"] == "van")
    for r in doc["routes"]:
        if r is not van:
            van["stops"].extend(copy.deepcopy(r["stops"]))
            r["stops"].clear()


def plant_time_window(doc, tiny):
    # V2 opens 08:00-12:00; claim service at 13:00.
    for r in doc["routes"]:
        for s in r["stops"]:
            if s["station_id"] == "V2":
                s["arrival_min"] = s["start_min"] = 13 * 60
                s["departure_min"] = 13 * 60 + 30
                return
    raise AssertionError("V2 not in plan")


def plant_shift_overrun(doc, tiny):
    r = doc["routes"][0]
    r["end_min"] = r["start_min"] + 9.5 * 60  # shifts are 9 h in the tiny fleet


def plant_served_twice(doc, tiny):
    r = _first_route_with(doc, 1)
    r["stops"].append(copy.deepcopy(r["stops"][0]))


def plant_missing(doc, tiny):
    r = _first_route_with(doc, 2)
    r["stops"].pop()


def plant_wrong_totals(doc, tiny):
    doc["totals"]["cost"] += 100
    doc["totals"]["distance_km"] += 5


def plant_travel_too_fast(doc, tiny):
    r = _first_route_with(doc, 2)
    s = r["stops"][1]
    s["arrival_min"] = s["start_min"] = r["stops"][0]["departure_min"]


def plant_fresh_on_dry_vehicle(doc, tiny):
    reefer = next(r for r in doc["routes"] if r["vehicle_type"] == "reefer")
    reefer["vehicle_id"], reefer["vehicle_type"] = "van-2", "van"


def plant_wrong_route_cost(doc, tiny):
    doc["routes"][0]["cost"]["total"] -= 10


def plant_unknown_vehicle(doc, tiny):
    doc["routes"][0]["vehicle_id"] = "truck-99"


def plant_served_and_unserved(doc, tiny):
    s = doc["routes"][0]["stops"][0]
    doc["unserved"].append({"station_id": s["station_id"], "lines": s["lines"][:1],
                            "reason": "made up"})


PLANTED = [
    (plant_over_capacity, "over_capacity"),  # all stops on a 300 kg / 120 parcel van
    (plant_time_window, "time_window"),  # service after closing
    (plant_shift_overrun, "shift_overrun"),  # 9.5 h on a 9 h shift
    (plant_served_twice, "served_twice"),  # a stop repeated
    (plant_missing, "missing"),  # a stop removed, not listed unserved
    (plant_wrong_totals, "totals_mismatch"),  # totals that do not add up
    (plant_travel_too_fast, "travel_too_fast"),  # zero driving time between stations
    (plant_fresh_on_dry_vehicle, "cold_chain"),  # reefer's fresh goods on a dry van
    (plant_wrong_route_cost, "cost_mismatch"),  # a route cost 10 CNY too low
    (plant_unknown_vehicle, "unknown_vehicle"),  # a vehicle not in the fleet
    (plant_served_and_unserved, "served_and_unserved"),  # contradicts itself
]


@pytest.mark.parametrize(("plant", "kind"), PLANTED, ids=[k for _, k in PLANTED])
def test_checker_catches_planted_violation(plant, kind, tiny_solved, tiny, tiny_doc):
    """Each kind of broken rule, planted into a clean plan, is reported with its kind."""
    plant(tiny_doc, tiny)
    found = kinds(tiny_doc, tiny, tiny_solved[1])
    assert kind in found, found


def test_violation_message_names_place_and_numbers(tiny_solved, tiny, tiny_doc):
    """A violation says where (route, stop, station) and gives the numbers involved."""
    plant_shift_overrun(tiny_doc, tiny)
    (v,) = [v for v in check_plan(tiny_doc, tiny, tiny_solved[1]) if v.kind == "shift_overrun"]
    assert tiny_doc["routes"][0]["vehicle_id"] in v.where
    assert "9.50 h" in v.message and "9 h" in v.message


def test_checker_runs_on_written_file(tmp_path, tiny_solved, tiny):
    """plan.json on disk, read back through its JSON Schema, checks clean."""
    from routing.report.plan_json import read_plan_json, write_plan_json

    write_plan_json(tiny_solved[0], tiny, tmp_path / "plan.json")
    doc = read_plan_json(tmp_path / "plan.json")
    assert check_plan(doc, tiny, tiny_solved[1]) == []


def test_schema_rejects_malformed_plan(tmp_path):
    """A plan.json missing required parts is a PlanError naming where, not a KeyError later."""
    from routing.exceptions import PlanError
    from routing.report.plan_json import read_plan_json

    p = tmp_path / "plan.json"
    p.write_text(json.dumps({"schema_version": 1, "routes": [{"vehicle_id": 3}]}))
    with pytest.raises(PlanError, match=r"(?s)schema error.*at routes/0"):
        read_plan_json(p)
