"""Re-planning the rest of the day: history never moves, late parcels and a broken-down
van's load go out with others, and the checker passes the whole day."""

from __future__ import annotations

import dataclasses

import pytest

from routing.io.events import Event
from routing.io.plan_json import plan_to_dict
from routing.model import DemandLine, Direction
from routing.pipeline import replan_day
from routing.units import hhmm


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
    assert res.plan.meta.out_of_service == (van.vehicle_id,)
    assert any(c.kind == "added" for c in res.changes)
    # what it still carried is at the hub when it is; its pickups not made stay as they were
    ready = {ln.id: ln.ready_s for ln in res.scenario.demand}
    before = {ln.id: ln for ln in tiny.demand}
    left = [i for s in van.stops if s.departure_s > at for i in s.line_ids]
    assert left
    for i in left:
        if before[i].direction is Direction.DOWN:
            assert ready[i] == broken[0].end_s
        else:
            assert ready[i] == before[i].ready_s


def test_a_broken_down_van_s_load_collected_on_the_road(tiny, dawn):
    """van-1 breaks down past its first stop; van-2 (idle) drives there, takes the parcels
    it still carries and delivers them: both trips say so, the drivers are told, the checker
    passes the day. Without the dispatcher's 'always' the cheaper way is kept and said."""
    plan, m, doc = dawn
    van = next(r for r in plan.routes if len(r.stops) >= 2)
    at = van.stops[0].departure_s + 60
    broken = [Event("breakdown", at, vehicle=van.vehicle_id)]
    res = replan_day(tiny, m, doc, at_s=at, events=broken, rescue_always=True)
    assert res.violations == [] and not res.plan.unserved
    give = [(r, s) for r in res.plan.routes for s in r.stops if s.handed_ids]
    take = [(r, s) for r in res.plan.routes for s in r.stops if s.taken_ids]
    assert len(give) == len(take) == 1
    (gr, gs), (tr, ts) = give[0], take[0]
    assert gr.vehicle_id == van.vehicle_id and gs is gr.stops[-1]
    assert gs.station_id == van.stops[0].station_id == ts.station_id
    assert gs.handed_ids == ts.taken_ids and ts.handover_with == van.vehicle_id
    assert (gs.start_s, gs.departure_s) == (ts.start_s, ts.departure_s) and gs.start_s >= at
    down = {ln.id for ln in tiny.demand if ln.direction is Direction.DOWN}
    carried = [i for s in van.stops[1:] for i in s.line_ids if i in down]
    assert sorted(gs.handed_ids) == sorted(carried)
    assert set(ts.taken_ids) <= {i for s in tr.stops[1:] for i in s.line_ids}
    assert ts.load_after.parcels == tr.load_at_start.parcels + sum(
        ln.parcels for ln in tiny.demand if ln.id in ts.taken_ids)
    assert f"collected there by {tr.vehicle_id}" in res.notes[0]
    assert f"由 {tr.vehicle_id} 于 " in res.said("zh")[0] and "在该处接驳并配送" in res.notes_zh[0]
    assert len(res.notes_zh) == len(res.notes) and res.said("en") == res.notes
    told = {(c.vehicle_id, c.kind, c.station_id): c.detail for c in res.changes}
    assert told[tr.vehicle_id, "added", ts.station_id].startswith("take over")
    assert told[gr.vehicle_id, "added", gs.station_id].startswith("hand over")
    zh = {(c.vehicle_id, c.kind, c.station_id): c.said("zh") for c in res.changes}
    assert f"接收故障车 {van.vehicle_id} 的 {len(ts.taken_ids)} 单并配送" in \
        zh[tr.vehicle_id, "added", ts.station_id]
    assert f"将 {len(gs.handed_ids)} 单交给 {tr.vehicle_id}，然后回场站" in \
        zh[gr.vehicle_id, "added", gs.station_id]
    assert tr.vehicle_id in res.plan.meta.locked_vehicles
    # weighed against bringing the load back: here that is cheaper and as early, so kept
    auto = replan_day(tiny, m, doc, at_s=at, events=broken)
    assert not any(s.handed_ids for r in auto.plan.routes for s in r.stops)
    assert "brought back" in auto.notes[0] and "rather than collected there" in auto.notes[0]
    assert "随车运回" in auto.notes_zh[0] and "而不由" in auto.notes_zh[0]
    assert auto.plan.cost < res.plan.cost


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


def test_the_station_a_van_is_driving_to_closes_before_it_arrives(tiny, dawn):
    """Closed while a van is on its way there (found by bench_replan on Xia: the stop was
    kept as the van's next stop and served after the closing): the stop leaves the trip,
    its lines stay unserved with the closing as the reason, the day passes the checker."""
    plan, m, doc = dawn
    route, k = next((r, k) for r in plan.routes for k in range(1, len(r.stops))
                    if r.stops[k].start_s - r.stops[k - 1].departure_s >= 120)
    prev, target = route.stops[k - 1], route.stops[k]
    at = prev.departure_s + 60  # on the road to the target
    res = replan_day(tiny, m, doc, at_s=at,
                     events=[Event("closed", at, station=target.station_id)])
    assert res.violations == []
    again = next(r for r in res.plan.routes if r.vehicle_id == route.vehicle_id
                 and r.trip == route.trip)
    assert target.station_id not in {s.station_id for s in again.stops
                                     if s.arrival_s > prev.departure_s}
    left = {i for u in res.plan.unserved for i in u.line_ids}
    assert set(target.line_ids) <= left


def test_the_default_county_s_day_through_the_cli(tmp_path):
    """Xia planned at dawn; at 10:30 40 late parcels for 6 villages arrive, and at 11:00 a
    van on the road breaks down: `routing replan` serves every line it still can (what stays
    unserved cannot be served by any vehicle any more), moves nothing done by 10:30, and
    `routing check` passes the whole day against the day's scenario it wrote."""
    import csv
    import json

    from click.testing import CliRunner

    from routing.cli import main

    from ..conftest import ROOT

    xia = ROOT / "scenarios" / "xia"
    dawn = tmp_path / "dawn"
    r = CliRunner().invoke(main, ["plan", str(xia), "-o", str(dawn), "--solution-limit", "100",
                                  "--quiet", "--tiles", "none"])
    assert r.exit_code == 0, r.output
    doc = json.loads((dawn / "plan.json").read_text(encoding="utf-8"))
    villages = list(dict.fromkeys(s["station_id"] for rt in doc["routes"] for s in rt["stops"]
                                  if len(s["station_id"]) > 9))[:6]
    late = tmp_path / "late.csv"
    with late.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "station", "carrier", "direction", "parcels", "kg", "ready"])
        w.writerows([f"LATE{k:02d}", villages[k % 6], "zto", "down", 1, 1.5, "10:30"]
                    for k in range(40))
    on_road = [rt["vehicle_id"] for rt in doc["routes"] if rt["start_min"] < 660 < rt["end_min"]]
    assert on_road
    van = _one_rescued(xia, doc, late, on_road)
    events = tmp_path / "events.csv"
    events.write_text(f"event,time,vehicle,station,line,minutes\nbreakdown,11:00,{van},,,\n",
                      encoding="utf-8")
    out = tmp_path / "day"
    r = CliRunner().invoke(main, ["replan", str(dawn / "plan.json"), "--scenario", str(xia),
                                  "--at", "10:30", "--late", str(late), "--events",
                                  str(events), "-o", str(out), "--tiles", "none",
                                  "--solution-limit", "200"])
    assert r.exit_code in (0, 3), r.output
    day = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    served = {i for rt in day["routes"] for s in rt["stops"] for i in s["lines"]}
    assert {f"LATE{k:02d}" for k in range(40)} <= served | {
        i for u in day["unserved"] for i in u["lines"]}
    assert all(u["code"] == "cannot_serve" for u in day["unserved"])
    before = {(rt["vehicle_id"], s["station_id"], s["departure_min"]) for rt in doc["routes"]
              for s in rt["stops"] if s["departure_min"] <= 630}
    after = {(rt["vehicle_id"], s["station_id"], s["departure_min"]) for rt in day["routes"]
             for s in rt["stops"]}
    assert before <= after
    assert day["meta"]["out_of_service"] == [van]
    # its load collected where it stopped, by another vehicle that delivers it
    give = [(rt, s) for rt in day["routes"] for s in rt["stops"] if s.get("handed_over")]
    take = [(rt, s) for rt in day["routes"] for s in rt["stops"] if s.get("taken_over")]
    assert [rt["vehicle_id"] for rt, _ in give] == [van] and len(take) == 1
    (_, gs), (rescuer, ts) = give[0], take[0]
    assert gs["handover_with"] == rescuer["vehicle_id"] and ts["handover_with"] == van
    assert gs["station_id"] == ts["station_id"] and gs["handed_over"] == ts["taken_over"]
    delivered = {i for s in rescuer["stops"][1:] for i in s["lines"]}
    assert set(ts["taken_over"]) <= delivered
    assert rescuer["vehicle_id"] in day["meta"]["locked_vehicles"]
    assert any(f"collected there by {rescuer['vehicle_id']}" in n
               for n in day["meta"]["replan_notes"])
    assert f"接收故障车 {van}" in r.output  # the drivers are told in Chinese by default
    check = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario",
                                      str(out / "scenario")])
    assert check.exit_code == 0, check.output
    told = (out / "changes.csv").read_text(encoding="utf-8-sig")
    assert told.startswith("车辆,变动,站点编号,站点名称,说明\n"), told[:80]
    assert f"{rescuer['vehicle_id']},新增,{ts['station_id']}," in told


def _one_rescued(folder, doc, late_csv, on_road):
    """The first vehicle on the road at 11:00 whose load, were it to break down then, another
    vehicle would collect on the road (the re-plan weighs a rescue against bringing the
    load back: the test needs a day where the rescue wins)."""
    from routing.io import read_scenario
    from routing.io.scenario import read_demand
    from routing.network.matrix import travel_matrices

    sc = read_scenario(folder)
    m = travel_matrices(sc)
    late = read_demand(late_csv, sc)
    for vid in on_road:
        res = replan_day(sc, m, doc, at_s=630 * 60, late=late,
                         events=[Event("breakdown", 660 * 60, vehicle=vid)], time_limit_s=0)
        if any(s.handed_ids for r in res.plan.routes for s in r.stops):
            return vid
    raise AssertionError(f"no rescue on the road for any of {on_road}")


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--at", "25:99"], 2, "must be a time of day HH:MM between 00:00 and 24:00"),
    (["--at", "10:00", "--events", "EVENTS"], 1, "events.csv row 2, field 'vehicle'"),
    (["--at", "10:00", "--time-limit-s", "-1"], 2,
     "'--time-limit-s': must be a finite number >= 0 seconds"),
])
def test_replan_cli_refuses_bad_input(tmp_path, tiny_doc, args, code, words):
    """A bad --at is a usage error; a bad events row names file, row and field."""
    import json

    from click.testing import CliRunner

    from routing.cli import main

    from ..conftest import TINY

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(tiny_doc, ensure_ascii=False), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("event,time,vehicle\nbreakdown,10:00,truck-9\n", encoding="utf-8")
    args = [str(events) if a == "EVENTS" else a for a in args]
    r = CliRunner().invoke(main, ["replan", str(plan), "--scenario", str(TINY), *args,
                                  "-o", str(tmp_path / "o"), "--lang", "en"])
    assert r.exit_code == code, r.output
    assert words in r.output and "Traceback" not in r.output


def test_the_day_s_scenario_with_a_closure_checks(tmp_path, tiny, dawn):
    """A closure rewrites the stations (WGS84, the closing hour) in OUT/scenario; it reads
    back and `routing check` passes the re-planned day against it."""
    import json

    from click.testing import CliRunner

    from routing.cli import main
    from routing.io import read_scenario

    from ..conftest import TINY

    plan, _, doc = dawn
    at = min(r.start_s for r in plan.routes)
    closed = [s for r in plan.routes for s in r.stops][-1].station_id
    (tmp_path / "plan.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "events.csv").write_text(f"event,time,station\nclosed,,{closed}\n",
                                         encoding="utf-8")
    out = tmp_path / "day"
    hhmm = f"{at // 3600:02d}:{at % 3600 // 60:02d}"
    r = CliRunner().invoke(main, ["replan", str(tmp_path / "plan.json"), "--scenario",
                                  str(TINY), "--at", hhmm, "--events",
                                  str(tmp_path / "events.csv"), "-o", str(out), "--tiles",
                                  "none", "--lang", "en"])
    assert r.exit_code == 3, r.output  # the closed station's lines stay unserved
    day = read_scenario(out / "scenario")
    assert day.station(closed).close_s == max(tiny.station(closed).open_s, at // 60 * 60)
    check = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario",
                                      str(out / "scenario"), "--lang", "en"])
    assert check.exit_code == 0, check.output


def test_a_stop_done_on_a_trip_not_yet_begun_begins_it(tiny, dawn):
    """The plan had the trip leave after --at, but its driver reports a stop done already:
    the trip is history up to that stop (left when reported, the trip begun that much
    earlier), the rest follows from there, and the day checks."""
    plan, m, doc = dawn
    ready = {ln.id: ln.ready_s for ln in tiny.demand}
    down = {ln.id for ln in tiny.demand if ln.direction is Direction.DOWN}
    trip, k, stop = next(
        (r, k, s) for r in plan.routes for k, s in enumerate(r.stops)
        if [x.station_id for x in r.stops].count(s.station_id) == 1
        and r.start_s - 600 >= max(ready[i] for x in r.stops for i in x.line_ids
                                   if i in down)
        and all(x.start_s - 600 >= tiny.station(x.station_id).open_s
                and x.arrival_s == x.start_s
                and all(ready[i] <= x.start_s - 600 for i in x.line_ids)
                for x in r.stops[:k + 1]))
    at = trip.start_s - 300
    done = stop.departure_s - 600  # ten minutes earlier than planned, before --at
    res = replan_day(tiny, m, doc, at_s=at, events=[
        Event("done", done, vehicle=trip.vehicle_id, station=stop.station_id)])
    assert res.violations == []
    now = next(r for r in res.plan.routes if r.vehicle_id == trip.vehicle_id)
    assert now.start_s == trip.start_s - 600
    assert [(s.station_id, s.departure_s) for s in now.stops[:k + 1]] == \
        [(s.station_id, s.departure_s - 600) for s in trip.stops[:k + 1]]
    assert any("reported done" in n for n in res.notes)
    assert any("站报告已于" in n for n in res.notes_zh)


@pytest.mark.parametrize("where", ["at a stop", "on the road"])
def test_a_delay_applies_where_the_vehicle_is_at_its_time(tiny, dawn, where):
    """Held 20 minutes at a stop: it leaves that stop later; held on the road to a stop: it
    arrives there later; the stops before stay as they were, and the day checks."""
    plan, m, doc = dawn
    trip = max(plan.routes, key=lambda r: len(r.stops))
    k = next(k for k in range(1, len(trip.stops) - 1)
             if trip.stops[k].arrival_s - trip.stops[k - 1].departure_s > 120)
    prev, here = trip.stops[k - 1], trip.stops[k]
    t = here.arrival_s + 60 if where == "at a stop" else (prev.departure_s + here.arrival_s) // 2
    res = replan_day(tiny, m, doc, at_s=trip.stops[-1].arrival_s, events=[
        Event("delay", t, vehicle=trip.vehicle_id, minutes=20)])
    assert res.violations == []
    now = next(r for r in res.plan.routes if r.vehicle_id == trip.vehicle_id)
    assert now.stops[:k] == trip.stops[:k]
    if where == "at a stop":
        assert (now.stops[k].arrival_s, now.stops[k].departure_s) == \
            (here.arrival_s, here.departure_s + 1200)
    else:
        assert now.stops[k].arrival_s == here.arrival_s + 1200
    assert now.stops[k + 1].arrival_s > trip.stops[k + 1].arrival_s
    said = f"at {here.station_id}" if where == "at a stop" else f"on the road to {here.station_id}"
    assert any(f"held 20 min {said} from {hhmm(t)}" in n for n in res.notes)
    zh = f"在 {here.station_id} 站" if where == "at a stop" else f"在前往 {here.station_id} 站途中"
    assert any(f"自 {hhmm(t)} 起{zh}延误 20 分钟" in n for n in res.said("zh"))


def test_the_rest_of_the_day_is_re_optimised_and_judged_after_late_parcels(tiny, dawn):
    """Late parcels: the insertion re-plan is judged first, then PyVRP re-optimises the
    trips not yet begun; the day keeps the better (counting stops moved), says which, and
    passes the checker. With no engine time only the insertion runs."""
    plan, m, doc = dawn
    at = min(r.start_s for r in plan.routes) + 30 * 60
    late = [DemandLine(id=f"L{k}", station_id=st, carrier_id="post",
                       direction=Direction.DOWN, parcels=3, kg=4.0, ready_s=at)
            for k, st in enumerate(["V1", "V3", "V5"])]
    res = replan_day(tiny, m, doc, at_s=at, late=late, time_limit_s=10, solution_limit=200)
    assert res.violations == []
    said = [n for n in res.notes if n.startswith("the rest of the day")]
    assert len(said) == 1 and "CNY" in said[0], res.notes
    assert sum(n.startswith("剩余行程") for n in res.notes_zh) == 1, res.notes_zh
    assert res.plan.meta.replan_notes == tuple(res.notes)  # plan.json says it too
    assert 0 < res.first_s <= res.final_s
    served = {i for r in res.plan.routes for s in r.stops for i in s.line_ids}
    assert {"L0", "L1", "L2"} <= served
    inserted = replan_day(tiny, m, doc, at_s=at, late=late, time_limit_s=0)
    assert not [n for n in inserted.notes if n.startswith("the rest of the day")]
    assert inserted.violations == []
    # the day kept is never worse than the insertion's, stops moved counted
    assert sum(len(u.line_ids) for u in res.plan.unserved) <= \
        sum(len(u.line_ids) for u in inserted.plan.unserved)
    if "as inserted" in said[0]:
        assert res.plan.cost == pytest.approx(inserted.plan.cost, abs=0.01)


def test_a_done_event_naming_a_line_marks_only_the_stop_carrying_it(tiny, dawn):
    """The reefer stops twice at V4 (fresh, then dry). 'done' for its fresh line at 5 min
    past the planned departure: that stop leaves then, the dry stop after it is still to
    do (it leaves after its own service), not done at the same time."""
    plan, m, doc = dawn
    reefer = next(r for r in plan.routes
                  if [s.station_id for s in r.stops].count("V4") == 2)
    fresh, dry = [s for s in reefer.stops if s.station_id == "V4"]
    line = fresh.line_ids[0]
    when = fresh.departure_s + 300
    at = reefer.start_s - 600  # its trip not yet begun: the done stop begins it
    res = replan_day(tiny, m, doc, at_s=at, time_limit_s=0, events=[
        Event("done", when, vehicle=reefer.vehicle_id, station="V4", line=line)])
    assert res.violations == []
    (day,) = [r for r in res.plan.routes if r.vehicle_id == reefer.vehicle_id]
    got = {s.line_ids: s for s in day.stops}
    assert got[fresh.line_ids].departure_s == when
    assert got[dry.line_ids].departure_s >= when + (dry.departure_s - dry.start_s)
    # the station alone: both V4 stops done by then (the dry one no later than its service
    # could end), so it leaves earlier than when only the fresh one was
    both = replan_day(tiny, m, doc, at_s=at, time_limit_s=0, events=[
        Event("done", when, vehicle=reefer.vehicle_id, station="V4")])
    (day,) = [r for r in both.plan.routes if r.vehicle_id == reefer.vehicle_id]
    assert {s.line_ids: s for s in day.stops}[dry.line_ids].departure_s < \
        got[dry.line_ids].departure_s


@pytest.mark.parametrize(("station", "line", "words"), [
    ("V4", "D01", "'done' for vehicle {v} at station V4, line D01: the plan has no such stop"),
    ("T1", "", "events row 7: 'done' for vehicle {v} at station T1: the plan has no such"),
])
def test_a_done_event_naming_no_stop_of_the_plan_is_an_error(tiny, dawn, station, line,
                                                              words):
    """Reported done where the plan has no such stop: said, row and all, never dropped."""
    from routing.exceptions import ModelError

    plan, m, doc = dawn
    reefer = next(r for r in plan.routes if "V4" in [s.station_id for s in r.stops])
    with pytest.raises(ModelError) as err:
        replan_day(tiny, m, doc, at_s=reefer.start_s, time_limit_s=0, events=[
            Event("done", None, vehicle=reefer.vehicle_id, station=station, line=line,
                  row=7)])
    assert words.format(v=reefer.vehicle_id) in str(err.value)


def test_a_rescuer_without_room_for_the_whole_load_takes_what_fits(tiny, dawn):
    """van-1 breaks down past its first stop; the only vehicle free to go is a small van with
    room for its next delivery and not the one after: it takes that one, the rest comes back
    with van-1, the note says so, and the checker passes the day."""
    import dataclasses

    plan, m, doc = dawn
    van = next(r for r in plan.routes if len(r.stops) >= 3)
    down = {ln.id: ln for ln in tiny.demand if ln.direction is Direction.DOWN}
    ahead = [[down[i] for i in s.line_ids if i in down] for s in van.stops[1:]]
    first = sum(ln.kg for ln in ahead[0])
    assert first > 0 and sum(ln.kg for ln in ahead[1]) > 1
    vt = next(v for v in tiny.vehicle_types if v.id == van.vehicle_type)
    mini = dataclasses.replace(vt, id="mini", name="mini", count=1, capacity_kg=first + 1.0)
    others = tuple(v for v in tiny.vehicle_types if v.id != vt.id)
    used = len({r.vehicle_id for r in plan.routes if r.vehicle_type == vt.id})
    sc = dataclasses.replace(tiny, vehicle_types=(
        dataclasses.replace(vt, count=used), *others, mini))
    at = van.stops[0].departure_s + 60
    res = replan_day(sc, m, doc, at_s=at, rescue_always=True,
                     events=[Event("breakdown", at, vehicle=van.vehicle_id)])
    assert res.violations == []
    (taker,) = [s for r in res.plan.routes for s in r.stops if s.taken_ids]
    assert taker.handover_with == van.vehicle_id
    assert sorted(taker.taken_ids) == sorted(ln.id for ln in ahead[0])
    assert "had no room for or could not deliver in time" in res.notes[0], res.notes
    assert "装不下或无法按时送达" in res.notes_zh[0], res.notes_zh
    back = {i for ln_s in ahead[1:] for i in (ln.id for ln in ln_s)}
    ready = {ln.id: ln.ready_s for ln in res.scenario.demand}
    (broken,) = [r for r in res.plan.routes if r.vehicle_id == van.vehicle_id]
    assert all(ready[i] == broken.end_s for i in back)


def test_hold_sends_a_trip_not_yet_begun_as_late_as_its_windows_allow(tiny, dawn):
    """Late parcels at 08:57 join the reefer's one trip, not yet begun. Without the hold
    policy it leaves as early as it can; with it, as late as every window, target and the
    depot's hours allow — later, checked clean, and a minute later still would break a rule.
    With nothing new, hold moves nothing."""
    from routing.pipeline import check_scenario_plan

    plan, m, doc = dawn
    at = min(r.start_s for r in plan.routes) + 30 * 60
    late = [DemandLine(id=f"L{k}", station_id=st, carrier_id="post",
                       direction=Direction.DOWN, parcels=3, kg=4.0, ready_s=at)
            for k, st in enumerate(["V3", "V5"])]
    runs = {hold: replan_day(tiny, m, doc, at_s=at, late=late, time_limit_s=0, hold=hold)
            for hold in (False, True)}
    assert all(res.violations == [] for res in runs.values())
    ahead = {hold: {r.vehicle_id: r for r in res.plan.routes if r.start_s > at}
             for hold, res in runs.items()}
    assert set(ahead[False]) == set(ahead[True]) != set()
    vid = next(iter(ahead[True]))
    now, held = ahead[False][vid], ahead[True][vid]
    assert now.start_s < held.start_s
    assert [s.line_ids for s in now.stops] == [s.line_ids for s in held.stops]
    # a minute later than held breaks a window, a target or the depot's hours
    later = dataclasses.replace(runs[True].plan, routes=tuple(
        _shifted(r, 60) if r is held else r for r in runs[True].plan.routes))
    broken = {v.kind for v in check_scenario_plan(later, runs[True].scenario, m)}
    assert broken == {"time_window"}, broken
    quiet = replan_day(tiny, m, doc, at_s=at, hold=True)
    assert quiet.changes == []


def _shifted(route, seconds):
    """The route, every time ``seconds`` later (a probe for the checker)."""
    stops = tuple(dataclasses.replace(s, arrival_s=s.arrival_s + seconds,
                                      start_s=s.start_s + seconds,
                                      departure_s=s.departure_s + seconds)
                  for s in route.stops)
    return dataclasses.replace(route, start_s=route.start_s + seconds,
                               end_s=route.end_s + seconds, stops=stops)
