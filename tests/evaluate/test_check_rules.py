"""Each rule of the checker on its own: it passes the tiny county's clean plan, and catches one
precise fault, naming the vehicle, the stop or the line and the amounts.

The rules are called directly (routing.evaluate.check.rules), so a rule stubbed out fails its
own test here even where another rule would notice the fault through check_plan.
"""

from __future__ import annotations

import copy
import dataclasses

import pytest

from routing.evaluate.check import (
    RULES,
    ReplanMeta,
    Violation,
    check_plan,
    claims,
    cold_chain,
    coverage,
    loads,
    plan_context,
    replan_meta,
    road_handovers,
    route_shape,
    stops_and_windows,
    totals,
    transfers,
    trips_and_shifts,
    unserved_entries,
)
from routing.model import Direction, VehicleType
from routing.network.matrix import vehicle_duration_s
from routing.units import hhmm


def found(rule, doc, sc, m, handed=None) -> list[Violation]:
    return [f.violation for f in rule(plan_context(doc, sc, m, handed))]


def route_of(doc, vehicle_type):
    return next(r for r in doc["routes"] if r["vehicle_type"] == vehicle_type)


def stop_at(doc, station):
    return next((r, s) for r in doc["routes"] for s in r["stops"] if s["station_id"] == station)


def stop_where(r, s, sc) -> str:
    trip = f" trip {r['trip']}" if r.get("trip", 1) > 1 else ""
    return (f"route {r['vehicle_id']}{trip} stop {s['seq']} ({s['station_id']} "
            f"{sc.station(s['station_id']).name})")


def with_types(sc, **changes):
    """The scenario with vehicle types changed: type id → dict of fields."""
    return dataclasses.replace(sc, vehicle_types=tuple(
        dataclasses.replace(vt, **changes.get(vt.id, {})) for vt in sc.vehicle_types))


def test_the_rules_in_their_order():
    order = (route_shape, stops_and_windows, loads, trips_and_shifts, cold_chain, transfers,
             road_handovers, unserved_entries, claims, coverage, totals)
    assert order == RULES


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_every_rule_passes_the_clean_plan(rule, tiny, tiny_solved, tiny_doc):
    assert found(rule, tiny_doc, tiny, tiny_solved[1]) == []


def test_plan_context_redrives_each_route(tiny, tiny_solved, tiny_doc):
    m = tiny_solved[1]
    tiny_doc["routes"].append(copy.deepcopy(tiny_doc["routes"][0]) | {"vehicle_id": "truck-9"})
    ctx = plan_context(tiny_doc, tiny, m)
    first = ctx.routes[0]
    vt = tiny.vehicle_type(first.doc["vehicle_type"])
    idx = m.index()
    drive = int(vehicle_duration_s(m, vt.speed_kph)[idx[vt.depot_id],
                                                     idx[first.stops[0].station_id]])
    assert first.stops[0].drive_s == drive
    assert first.start == round(first.doc["start_min"] * 60)
    assert first.stops[0].earliest == first.start + drive
    assert first.stops[1].earliest == first.stops[0].departure + first.stops[1].drive_s
    assert abs(first.distance_m - first.doc["distance_km"] * 1000) < 2
    assert ctx.routes[-1].vt is None and ctx.routes[-1].stops == ()  # not in the fleet
    served = [i for r in tiny_doc["routes"][:-1] for s in r["stops"] for i in s["lines"]]
    assert set(ctx.served_by) == set(served) and set(ctx.visits.values()) == {1}
    assert ctx.handovers == {}


# route_shape ------------------------------------------------------------------------------

def test_route_shape_catches_a_wrong_depot(tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    r["depot_id"] = "T1"
    vid = r["vehicle_id"]
    assert found(route_shape, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("wrong_depot", f"route {vid}", f"depot 'T1' but '{vid}' is based at 'HUB'")]


def test_route_shape_catches_an_unknown_vehicle_and_checks_its_route_no_further(
        tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    r["vehicle_id"], r["depot_id"] = "truck-99", "T1"
    r["stops"][0]["station_id"] = "V99"
    assert found(route_shape, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("unknown_vehicle", "route truck-99",
                  "no vehicle 'truck-99' in the fleet (known: reefer-1, van-1, van-2…)")]


def test_route_shape_catches_unknown_stations_and_lines_at_other_stations(
        tiny, tiny_solved, tiny_doc):
    r, s = stop_at(tiny_doc, "V2")
    s["lines"].append("D05")  # V1's produce
    s["lines"].append("NO-LINE")
    other = next(x for x in r["stops"] if x is not s)
    other["station_id"] = "V99"
    got = found(route_shape, tiny_doc, tiny, tiny_solved[1])
    where = f"route {r['vehicle_id']}"
    assert Violation("unknown_station", where, "stop at unknown station 'V99'") in got
    assert Violation("line_wrong_station", stop_where(r, s, tiny),
                     "line 'D05' belongs to station 'V1'") in got
    assert Violation("unknown_line", stop_where(r, s, tiny),
                     "demand line 'NO-LINE' is not in the scenario") in got
    assert len(got) == 3


# stops_and_windows ------------------------------------------------------------------------

def test_stops_and_windows_catches_service_outside_opening_hours(tiny, tiny_solved, tiny_doc):
    r, s = stop_at(tiny_doc, "V2")  # open 08:00-12:00
    s["arrival_min"] = s["start_min"] = 13 * 60
    s["departure_min"] = 13 * 60 + 30
    got = [v for v in found(stops_and_windows, tiny_doc, tiny, tiny_solved[1])
           if v.kind == "time_window"]
    assert got == [Violation("time_window", stop_where(r, s, tiny),
                             "service at 13:00 outside opening hours 08:00–12:00")]


def test_stops_and_windows_catches_a_drive_too_fast(tiny, tiny_solved, tiny_doc):
    r = next(r for r in tiny_doc["routes"] if len(r["stops"]) >= 2)
    first, s = r["stops"][0], r["stops"][1]
    s["arrival_min"] = s["start_min"] = first["departure_min"]
    got = [v for v in found(stops_and_windows, tiny_doc, tiny, tiny_solved[1])
           if v.kind == "travel_too_fast"]
    assert [v.where for v in got] == [stop_where(r, s, tiny)]
    assert got[0].message.startswith(f"arrives {hhmm(round(first['departure_min'] * 60))}")


def test_stops_and_windows_catches_a_stop_too_short_for_its_parcels(
        tiny, tiny_solved, tiny_doc):
    r, s = stop_at(tiny_doc, "V2")
    s["departure_min"] = s["start_min"]
    parcels = sum(ln.parcels for ln in tiny.demand if ln.id in s["lines"])
    need = tiny.station("V2").service_s + parcels * tiny.service.per_parcel_s
    got = [v for v in found(stops_and_windows, tiny_doc, tiny, tiny_solved[1])
           if v.kind == "service_too_short"]
    assert got == [Violation("service_too_short", stop_where(r, s, tiny),
                             f"0.0 min at the stop, {need / 60:.1f} min needed for "
                             f"{parcels} parcels")]


def test_stops_and_windows_catches_a_pickup_before_its_goods_are_ready(
        tiny, tiny_solved, tiny_doc):
    late = dataclasses.replace(tiny, demand=tuple(
        dataclasses.replace(ln, ready_s=17 * 3600) if ln.id == "D05" else ln
        for ln in tiny.demand))
    r, s = stop_at(tiny_doc, "V1")
    got = found(stops_and_windows, tiny_doc, late, tiny_solved[1])
    assert got == [Violation("pickup_before_ready", stop_where(r, s, tiny),
                             f"line 'D05' collected at {hhmm(round(s['start_min'] * 60))}, "
                             "ready only at 17:00")]


def test_stops_and_windows_catches_a_route_back_after_depot_hours(tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    r["end_min"] = 22 * 60 + 30
    got = found(stops_and_windows, tiny_doc, tiny, tiny_solved[1])
    assert got == [Violation("depot_hours", f"route {r['vehicle_id']}",
                             f"{hhmm(round(r['start_min'] * 60))}–22:30 outside depot hours "
                             "05:00–22:00")]


# loads ------------------------------------------------------------------------------------

def test_loads_catches_a_load_that_is_not_what_the_stops_give(tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    s = r["stops"][0]
    kg, parcels = s["load_after"]["kg"], s["load_after"]["parcels"]
    s["load_after"]["kg"] += 50
    assert found(loads, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("load_mismatch", stop_where(r, s, tiny),
                  f"load after stop {kg + 50} kg / {parcels} parcels, recomputed "
                  f"{kg:.3f} kg / {parcels}")]


def test_loads_catches_a_van_loaded_over_its_capacity(tiny, tiny_solved, tiny_doc):
    r = route_of(tiny_doc, "van")
    kg = r["load_at_start"]["kg"]
    small = with_types(tiny, van={"capacity_kg": kg - 10, "cold_capacity_kg": 0})
    got = found(loads, tiny_doc, small, tiny_solved[1])
    assert got[0] == Violation("over_capacity", f"route {r['vehicle_id']}",
                               f"leaving the depot: {kg:,.3f} kg on board exceeds capacity "
                               f"{kg - 10:g} kg of 'van'")
    assert {v.kind for v in got} == {"over_capacity"}


def test_loads_catches_amounts_per_carrier_that_are_not_the_lines(tiny, tiny_solved, tiny_doc):
    r, s = stop_at(tiny_doc, "V2")  # D06: 15 parcels, 18 kg for post
    s["delivered"][0]["parcels"] += 1
    assert found(loads, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("amount_mismatch", stop_where(r, s, tiny),
                  "delivered for carrier 'post': plan says 16 parcels / 18.0 kg, the lines "
                  "give 15 / 18.000 kg")]


# trips_and_shifts -------------------------------------------------------------------------

def test_trips_and_shifts_catches_a_route_longer_than_a_shift(tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    r["end_min"] = r["start_min"] + 9.5 * 60
    assert found(trips_and_shifts, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("shift_overrun", f"route {r['vehicle_id']}",
                  f"shift 9.50 h exceeds the 9 h limit of '{r['vehicle_type']}'")]


def test_trips_and_shifts_catches_a_second_trip_before_the_first_is_back(
        tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    again = copy.deepcopy(r) | {"trip": 2}
    tiny_doc["routes"].append(again)
    vid, start, end = r["vehicle_id"], round(r["start_min"] * 60), round(r["end_min"] * 60)
    assert found(trips_and_shifts, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("vehicle_reused", f"vehicle {vid}", f"trips [1, 2]; '{r['vehicle_type']}' "
                  "may run trips 1..1, each once, numbered without gaps"),
        Violation("trip_overlap", f"vehicle {vid}", f"trip 2 leaves {hhmm(start)}, before "
                  f"trip 1 is back and reloaded ({hhmm(end)} + 20 min)")]


# cold_chain -------------------------------------------------------------------------------

def test_cold_chain_catches_fresh_goods_on_a_dry_van(tiny, tiny_solved, tiny_doc):
    r = route_of(tiny_doc, "reefer")
    r["vehicle_id"], r["vehicle_type"] = "van-2", "van"
    fresh = [ln.id for s in r["stops"] for ln in tiny.demand if ln.id in s["lines"] and ln.fresh]
    assert fresh
    got = found(cold_chain, tiny_doc, tiny, tiny_solved[1])
    assert [(v.kind, v.message) for v in got] == [
        ("cold_chain", f"fresh line '{i}' on 'van', which is neither refrigerated nor has a "
         "cold box") for i in fresh]


def test_cold_chain_catches_more_fresh_goods_than_the_cold_box_holds(
        tiny, tiny_solved, tiny_doc):
    boxed = with_types(tiny, reefer={"refrigerated": False, "cold_capacity_kg": 10})
    r, s = stop_at(tiny_doc, "V3")
    s = next(x for x in r["stops"] if "D08" in x["lines"])  # 80 kg fresh produce collected
    got = found(cold_chain, tiny_doc, boxed, tiny_solved[1])
    assert got[0] == Violation("cold_capacity", stop_where(r, s, tiny),
                               "80.0 kg fresh goods on board exceed the 10 kg cold capacity "
                               "of 'reefer'")


def test_cold_chain_catches_fresh_goods_changing_vehicles(tiny, tiny_solved, tiny_doc):
    r, s = stop_at(tiny_doc, "V4")
    s = next(x for x in r["stops"] if "D12" in x["lines"])
    s["transfers"] = ["D12"]
    assert found(cold_chain, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("cold_chain", stop_where(r, s, tiny), "fresh line 'D12' changes vehicles at "
                  "V4; fresh goods must stay in one cold vehicle")]


# transfers --------------------------------------------------------------------------------

def test_transfers_catches_a_hand_over_away_from_the_township(tiny, tiny_solved, tiny_doc):
    r, s = stop_at(tiny_doc, "V2")
    s["transfers"] = ["D06"]
    assert found(transfers, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("bad_transfer", stop_where(r, s, tiny), "line 'D06' of V2 (东二村) handed "
                  "over at V2, not at its township station T1"),
        Violation("transfer_not_delivered", "line D06", "handed to feeders at V2 but no "
                  "feeder serves it")]


def test_transfers_catches_a_feeder_leaving_before_its_trunk(tiny, tiny_solved, tiny_doc):
    r, _ = stop_at(tiny_doc, "V2")
    start = round(r["start_min"] * 60)
    at_hand = start + 3600  # the trunk's parcels reach T1 an hour after the route left
    got = found(transfers, tiny_doc, tiny, tiny_solved[1], handed={"D06": ("T1", at_hand)})
    left = at_hand - tiny.service.transfer_s
    assert got == [Violation("feeder_before_trunk", f"line D06 (东二村) on {r['vehicle_id']}",
                             f"feeder leaves {hhmm(start)}, before the trunk has left T1 at "
                             f"{hhmm(left)} plus 30 min transfer")]


def test_transfers_catches_a_line_served_from_a_township_without_a_hand_over(
        tiny, tiny_solved, tiny_doc):
    tri = VehicleType(id="tri", name="e-tricycle", count=1, capacity_kg=800, capacity_m3=6,
                      capacity_parcels=200, fixed_cost=30, cost_per_km=0.1, cost_per_hour=15,
                      speed_kph=45, max_shift_s=9 * 3600, depot_id="T1", echelon="feeder")
    sc = dataclasses.replace(tiny, vehicle_types=(*tiny.vehicle_types, tri))
    r, _ = stop_at(tiny_doc, "V2")
    r["vehicle_id"] = "tri-1"
    got = found(transfers, tiny_doc, sc, tiny_solved[1])
    served = [i for s in r["stops"] for i in s["lines"]]
    assert [v.kind for v in got] == ["missing_transfer"] * len(served)
    assert got[0] == Violation("missing_transfer", f"line {served[0]} "
                               f"({tiny.station(r['stops'][0]['station_id']).name}) on tri-1",
                               "served from township station T1, but no trunk stop hands it "
                               "over there")


def test_transfers_catches_a_line_handed_over_twice(tiny, tiny_solved, tiny_doc):
    _, s = stop_at(tiny_doc, "T1")
    s["transfers"] = ["D01"]  # handed over at T1, where it was handed already
    got = found(transfers, tiny_doc, tiny, tiny_solved[1], handed={"D01": ("T1", 6 * 3600)})
    assert Violation("transferred_twice", "line D01", "handed over 2 times") in got


# unserved_entries and claims --------------------------------------------------------------

def test_unserved_entries_catches_entries_without_reason_or_with_unknown_ids(
        tiny, tiny_solved, tiny_doc):
    tiny_doc["unserved"] += [{"station_id": "V1", "lines": ["D06", "NO-LINE"], "reason": " "},
                             {"station_id": "V99", "lines": [], "reason": "made up"}]
    assert found(unserved_entries, tiny_doc, tiny, tiny_solved[1]) == [
        Violation("unserved_without_reason", "unserved V1", "no reason given"),
        Violation("line_wrong_station", "unserved V1", "line 'D06' belongs to station 'V2'"),
        Violation("unknown_line", "unserved V1", "demand line 'NO-LINE' is not in the scenario"),
        Violation("unknown_station", "unserved V99", "no station 'V99' in the scenario"),
        Violation("unknown_line", "unserved V99", "lists no demand line")]


def _van_route_left_out(doc, code="fleet_busy"):
    """The van's route taken off, its stops listed unserved: the van stands idle."""
    r = route_of(doc, "van")
    doc["routes"].remove(r)
    doc["unserved"] += [{"station_id": s["station_id"], "lines": s["lines"], "code": code,
                         "reason": "no vehicle left"} for s in r["stops"]]
    return r


def test_claims_catches_a_station_left_out_while_a_van_stands_idle(tiny, tiny_solved, tiny_doc):
    r = _van_route_left_out(tiny_doc)
    used = {x["vehicle_id"] for x in tiny_doc["routes"]}
    idle = next(vid for vid, vt in tiny.vehicles() if vt.id == "van" and vid not in used)
    got = found(claims, tiny_doc, tiny, tiny_solved[1])
    assert got[0] == Violation("servable_unserved", f"unserved {r['stops'][0]['station_id']} "
                               f"({tiny.station(r['stops'][0]['station_id']).name})",
                               f"'{idle}' stands idle and could serve it alone, within its "
                               "capacity, shift and the hours")
    assert {v.kind for v in got} == {"servable_unserved"}


def test_replan_meta_reads_the_re_planned_day(tiny_doc):
    assert replan_meta(tiny_doc) == ReplanMeta(0, frozenset(), {}, frozenset())
    tiny_doc["meta"] |= {"replanned_at_min": 630.5, "out_of_service": ["van-2"],
                         "locked_vehicles": ["reefer-1"], "locked_stops": {"V4": "reefer-1"}}
    assert replan_meta(tiny_doc) == ReplanMeta(
        not_before=37830, locked=frozenset({"reefer-1"}), pinned={"V4": "reefer-1"},
        out=frozenset({"van-2"}))


def test_claims_count_no_vehicle_out_of_service_as_idle(tiny, tiny_solved, tiny_doc):
    """A broken-down van is not idle: the re-planned day's meta takes it out of the fleet."""
    _van_route_left_out(tiny_doc)
    vans = [vid for vid, vt in tiny.vehicles() if vt.id == "van"]
    tiny_doc["meta"]["out_of_service"] = vans
    got = found(claims, tiny_doc, tiny, tiny_solved[1])
    assert not [v for v in got if v.kind == "servable_unserved"]
    tiny_doc["meta"]["out_of_service"] = vans[1:]
    idle = [v for v in found(claims, tiny_doc, tiny, tiny_solved[1])
            if v.kind == "servable_unserved"]
    assert idle and all(f"'{vans[0]}' stands idle" in v.message for v in idle)


# coverage ---------------------------------------------------------------------------------

def test_coverage_catches_lines_served_twice_missing_or_both(tiny, tiny_solved, tiny_doc):
    r = next(r for r in tiny_doc["routes"] if len(r["stops"]) >= 2)
    dropped = r["stops"].pop()
    r["stops"].append(copy.deepcopy(r["stops"][0]))
    twice = r["stops"][0]["lines"][0]
    tiny_doc["unserved"].append({"station_id": r["stops"][0]["station_id"], "lines": [twice],
                                 "reason": "made up"})
    line = {ln.id: ln for ln in tiny.demand}

    def where(i):
        sid = line[i].station_id
        return f"station {sid} ({tiny.station(sid).name}) line {i}"

    got = found(coverage, tiny_doc, tiny, tiny_solved[1])
    want = [Violation("missing", where(i), "neither served nor listed as unserved")
            for i in dropped["lines"]]
    want += [Violation("served_twice", where(twice), "served 2 times"),
             Violation("served_and_unserved", where(twice), "served and also listed as "
                       "unserved")]
    order = [ln.id for ln in tiny.demand]
    assert got == sorted(want, key=lambda v: order.index(v.where.rsplit(" ", 1)[1]))


# totals -----------------------------------------------------------------------------------

def test_totals_catches_totals_that_do_not_add_up(tiny, tiny_solved, tiny_doc):
    cost = tiny_doc["totals"]["cost"]
    tiny_doc["totals"]["cost"] += 100
    got = found(totals, tiny_doc, tiny, tiny_solved[1])
    assert [(v.kind, v.where) for v in got] == [("totals_mismatch", "totals")]
    assert got[0].message.startswith(f"cost: plan says {cost + 100}, recomputed {cost:.2f}")


def test_totals_catches_a_route_s_cost_distance_and_duration(tiny, tiny_solved, tiny_doc):
    r = tiny_doc["routes"][0]
    r["cost"]["total"] -= 10
    r["distance_km"] += 5
    r["duration_min"] += 30
    where = f"route {r['vehicle_id']}"
    got = found(totals, tiny_doc, tiny, tiny_solved[1])
    assert [(v.kind, v.where) for v in got] == [
        ("duration_mismatch", where), ("distance_mismatch", where), ("cost_mismatch", where)]
    assert got[1].message == (f"plan says {r['distance_km']:.3f} km, the stops give "
                              f"{r['distance_km'] - 5:.3f} km")
    assert got[2].message.startswith(f"plan says {r['cost']['total']:.2f} CNY, recomputed "
                                     f"{r['cost']['total'] + 10:.2f}")


# the driver -------------------------------------------------------------------------------

def test_check_plan_reports_in_the_plan_s_order_whatever_rule_finds_what(
        tiny, tiny_solved, tiny_doc):
    """A load wrong at a route's first stop comes before a time wrong at its second, though
    the loads rule runs after the stops' times."""
    r = next(r for r in tiny_doc["routes"] if len(r["stops"]) >= 2)
    first, second = r["stops"][0], r["stops"][1]
    first["load_after"]["kg"] += 50
    second["arrival_min"] = second["start_min"] + 10
    assert [(v.kind, v.where) for v in check_plan(tiny_doc, tiny, tiny_solved[1])] == [
        ("load_mismatch", stop_where(r, first, tiny)),
        ("service_before_arrival", stop_where(r, second, tiny))]


def test_down_lines_are_on_board_leaving_the_depot(tiny, tiny_solved, tiny_doc):
    """The context's stops carry the scenario's lines: loads leaving the depot are theirs."""
    ctx = plan_context(tiny_doc, tiny, tiny_solved[1])
    for run in ctx.routes:
        kg = sum(ln.kg for s in run.stops for ln in s.served if ln.direction is Direction.DOWN)
        assert run.doc["load_at_start"]["kg"] == pytest.approx(kg)


def test_the_reasons_are_tested_with_the_hand_overs_check_plan_was_given(
        tiny, tiny_solved, tiny_doc):
    """A plan whose last stop hands lines over and which claims a false reason: the reason
    is tested (with the hand-overs check_plan was given, not the last stop's) and caught.
    The checker of 6ce6f1c crashed here (it reused the name ``handed`` for each stop's
    transfers and gave the last one's set to unserved_claims)."""
    last = tiny_doc["routes"][-1]["stops"][-1]
    last["transfers"] = last["lines"][:1]
    r = tiny_doc["routes"][0]
    s = r["stops"].pop()
    tiny_doc["unserved"].append({"station_id": s["station_id"], "lines": s["lines"],
                                 "code": "fleet_busy", "reason": "no vehicle left"})
    found = check_plan(tiny_doc, tiny, tiny_solved[1])
    claims = [v for v in found if v.kind == "servable_unserved"]
    assert len(claims) == 1 and s["station_id"] in claims[0].where
    assert "stands idle and could serve it alone" in claims[0].message


@pytest.fixture
def rescued(tiny, tiny_solved):
    """The tiny day re-planned after van-1 broke down past its first stop, its load collected
    there by van-2 (a rescue on the road): (plan.json document, the day's scenario, matrices,
    the giving stop, the taking stop)."""
    from routing.io.events import Event
    from routing.io.plan_json import plan_to_dict
    from routing.pipeline import replan_day

    plan, m = tiny_solved
    van = next(r for r in plan.routes if len(r.stops) >= 2)
    at = van.stops[0].departure_s + 60
    res = replan_day(tiny, m, plan_to_dict(plan, tiny), at_s=at, rescue_always=True,
                     events=[Event("breakdown", at, vehicle=van.vehicle_id)])
    doc = plan_to_dict(res.plan, res.scenario)
    give = next((r, s) for r in doc["routes"] for s in r["stops"] if s.get("handed_over"))
    take = next((r, s) for r in doc["routes"] for s in r["stops"] if s.get("taken_over"))
    return doc, res.scenario, m, give, take


def test_a_rescue_on_the_road_passes_every_rule(rescued):
    doc, sc, m, (gr, gs), (tr, ts) = rescued
    assert gs["handover_with"] == tr["vehicle_id"] and ts["handover_with"] == gr["vehicle_id"]
    assert gs["handed_over"] == ts["taken_over"] and gs["station_id"] == ts["station_id"]
    assert gs is gr["stops"][-1] and ts is tr["stops"][0]
    assert check_plan(doc, sc, m) == []


def test_road_handovers_catches_a_rescuer_not_there(rescued):
    """The hand-over claimed at a time the rescuer is not yet at the station."""
    doc, sc, m, (gr, gs), (tr, ts) = rescued
    gs["start_min"] = gs["arrival_min"]
    gs["departure_min"] = gs["arrival_min"] + 10
    got = found(road_handovers, doc, sc, m)
    assert {v.kind for v in got} == {"handover_not_there"}
    assert got[0].where == stop_where(gr, gs, sc)
    assert f"but {tr['vehicle_id']} is at {ts['station_id']} only " \
           f"{hhmm(round(ts['arrival_min'] * 60))}" in got[0].message
    assert any(v.kind == "handover_not_there" for v in check_plan(doc, sc, m))


def test_road_handovers_catches_lines_not_aboard_unmatched_and_not_delivered(rescued):
    doc, sc, m, (gr, gs), (tr, ts) = rescued
    delivered = gr["stops"][0]["lines"][0]  # delivered before the breakdown
    moved = ts["taken_over"][0]
    gs["handed_over"].append(delivered)
    later = next(s for s in tr["stops"][1:] if moved in s["lines"])
    later["lines"].remove(moved)
    got = found(road_handovers, doc, sc, m)
    assert [v.kind for v in got].count("handover_not_aboard") == 1
    assert any(v.kind == "handover_unmatched" and f"'{delivered}'" in v.message for v in got)
    assert any(v.kind == "handover_not_delivered" and f"'{moved}'" in v.message for v in got)


def test_road_handovers_catches_an_unknown_partner(rescued):
    doc, sc, m, (gr, gs), _ = rescued
    gs["handover_with"] = gr["vehicle_id"]
    got = found(road_handovers, doc, sc, m)
    assert "handover_unmatched" in {v.kind for v in got}
    assert "not another vehicle of the fleet" in got[0].message


def test_loads_count_what_is_taken_over_on_the_road(rescued):
    """The rescuer leaves the depot empty and carries the lines it took over from there: a
    capacity below them is broken after the hand-over stop, not leaving the depot."""
    doc, sc, m, _, (tr, ts) = rescued
    kg = ts["load_after"]["kg"]
    small = with_types(sc, **{tr["vehicle_type"]: {"capacity_kg": kg - 1}})
    got = [v for v in found(loads, doc, small, m) if v.where == f"route {tr['vehicle_id']}"]
    assert [v.kind for v in got] == ["over_capacity"]
    assert f"after stop 1 ({ts['station_id']})" in got[0].message
