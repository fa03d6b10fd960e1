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


def plant_unserved_while_idle(doc, tiny):
    # A whole route taken off and its stations listed unserved: its vehicle stands idle.
    r = doc["routes"].pop(0)
    doc["unserved"] += [{"station_id": s["station_id"], "lines": s["lines"], "code": "fleet_busy",
                         "reason": "no vehicle left"} for s in r["stops"]]


def _pop_last_stop(doc, code, reason):
    r = _first_route_with(doc, 2)
    s = r["stops"].pop()
    doc["unserved"].append({"station_id": s["station_id"], "lines": s["lines"], "code": code,
                            "reason": reason})


def plant_false_cannot_serve(doc, tiny):
    # The last stop of a route, listed as something no vehicle could serve even alone.
    _pop_last_stop(doc, "cannot_serve", "no vehicle could serve it even alone")


def plant_false_fleet_busy(doc, tiny):
    # The last stop of a route, listed as something no route in use can take: its own can.
    _pop_last_stop(doc, "fleet_busy", "no vehicle left: none in use can take it")


def plant_unserved_unknown_station(doc, tiny):
    doc["unserved"].append({"station_id": "V99", "lines": ["D01"], "reason": "made up"})


def plant_unserved_unknown_line(doc, tiny):
    doc["unserved"].append({"station_id": "V1", "lines": ["NO-SUCH-LINE"], "reason": "x"})


def plant_wrong_depot(doc, tiny):
    doc["routes"][0]["depot_id"] = "T1"


def plant_wrong_duration(doc, tiny):
    doc["routes"][0]["duration_min"] += 30


PLANTED = [
    (plant_unserved_while_idle, "servable_unserved"),  # left out, its vehicle idle
    (plant_false_cannot_serve, {"false_reason", "servable_unserved"}),
    (plant_false_fleet_busy, {"false_reason", "servable_unserved"}),
    (plant_unserved_unknown_station, "unknown_station"),
    (plant_unserved_unknown_line, "unknown_line"),
    (plant_wrong_depot, "wrong_depot"),
    (plant_wrong_duration, "duration_mismatch"),
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


@pytest.mark.parametrize(("plant", "kind"), PLANTED, ids=[p.__name__ for p, _ in PLANTED])
def test_checker_catches_planted_violation(plant, kind, tiny_solved, tiny, tiny_doc):
    """Each kind of broken rule, planted into a clean plan, is reported with its kind."""
    plant(tiny_doc, tiny)
    found = kinds(tiny_doc, tiny, tiny_solved[1])
    assert (kind & found) if isinstance(kind, set) else (kind in found), found


def test_violation_message_names_place_and_numbers(tiny_solved, tiny, tiny_doc):
    """A violation says where (route, stop, station) and gives the numbers involved."""
    plant_shift_overrun(tiny_doc, tiny)
    (v,) = [v for v in check_plan(tiny_doc, tiny, tiny_solved[1]) if v.kind == "shift_overrun"]
    assert tiny_doc["routes"][0]["vehicle_id"] in v.where
    assert "9.50 h" in v.message and "9 h" in v.message


def test_checker_runs_on_written_file(tmp_path, tiny_solved, tiny):
    """plan.json on disk, read back through its JSON Schema, checks clean."""
    from routing.io.plan_json import read_plan_json, write_plan_json

    write_plan_json(tiny_solved[0], tiny, tmp_path / "plan.json")
    doc = read_plan_json(tmp_path / "plan.json")
    assert check_plan(doc, tiny, tiny_solved[1]) == []


def test_schema_rejects_malformed_plan(tmp_path):
    """A plan.json missing required parts is a PlanError naming where, not a KeyError later."""
    from routing.exceptions import PlanError
    from routing.io.plan_json import read_plan_json

    p = tmp_path / "plan.json"
    p.write_text(json.dumps({"schema_version": 1, "routes": [{"vehicle_id": 3}]}))
    with pytest.raises(PlanError, match=r"(?s)schema error.*at routes/0"):
        read_plan_json(p)


@pytest.mark.parametrize("plant", [plant_false_cannot_serve, plant_false_fleet_busy])
def test_false_reasons_are_caught_when_no_vehicle_is_idle(plant, tiny_solved, tiny, tiny_doc):
    """With every vehicle in use, a reason that a vehicle could disprove is a false_reason:
    the van could serve the station alone (cannot_serve), and its own route can take it
    back (fleet_busy)."""
    import dataclasses

    used = {r["vehicle_id"] for r in tiny_doc["routes"]}
    fleet = tuple(dataclasses.replace(vt, count=sum(1 for v in used
                                                    if v.rsplit("-", 1)[0] == vt.id))
                  for vt in tiny.vehicle_types)
    busy = dataclasses.replace(tiny, vehicle_types=fleet)
    assert check_plan(tiny_doc, busy, tiny_solved[1]) == []
    plant(tiny_doc, busy)
    found = [v for v in check_plan(tiny_doc, busy, tiny_solved[1]) if v.kind == "false_reason"]
    assert len(found) == 1, found
    assert "could" in found[0].message or "can" in found[0].message


def test_a_plan_timed_with_the_exact_formula_passes(tiny, tiny_solved, tiny_doc):
    """Times and distances recomputed with unrounded legs (float metres, float seconds, no
    rounding up) are within the documented tolerance; a message comparing two times in one
    minute shows their seconds."""
    from routing.evaluate.check import _clock

    m = tiny_solved[1]
    idx = m.index()
    for r in tiny_doc["routes"]:
        vt = tiny.vehicle_type(r["vehicle_type"])
        prev, t = idx[r["depot_id"]], r["start_min"] * 60
        exact = 0.0
        for s in r["stops"]:
            here = idx[s["station_id"]]
            metres = float(m.distance_m[prev, here]) - 0.49  # as if never rounded
            exact += metres
            leg = max(float(m.duration_s[prev, here]), metres / (vt.speed_kph / 3.6))
            wait = s["start_min"] * 60 - s["arrival_min"] * 60
            service = s["departure_min"] * 60 - s["start_min"] * 60
            s["arrival_min"] = round((t + leg) / 60, 2)
            s["start_min"] = round((t + leg + wait) / 60, 2)
            s["departure_min"] = round((t + leg + wait + service) / 60, 2)
            t, prev = t + leg + wait + service, here
        exact += float(m.distance_m[prev, idx[r["depot_id"]]]) - 0.49
        r["distance_km"] = round(exact / 1000, 3)
    kinds = {v.kind for v in check_plan(tiny_doc, tiny, m)}
    assert not {"travel_too_fast", "distance_mismatch", "time_window"} & kinds
    assert _clock(13 * 3600 + 26 * 60 + 10, 13 * 3600 + 26 * 60 + 40) == "13:26:10"
    assert _clock(13 * 3600 + 26 * 60, 13 * 3600 + 27 * 60) == "13:26"
