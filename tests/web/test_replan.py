"""Re-planning the rest of the day through the API: events and late parcels in, the checked
day stored as the next version with the day's scenario, bad rows listed, stale versions
refused."""

from __future__ import annotations

import pytest

from .conftest import login


def _fresh_plan(app, stored: int) -> int:
    store = app.state.web.store
    return int(store.save_version(store.get(stored), violations=0, lineage_id=None, version=1,
                                  parent_id=None, author="disp"))


BREAKDOWN = {"event": "breakdown", "time": "10:00", "vehicle": "reefer-1"}
LATE = {"id": "L1", "station": "V2", "carrier": "中国邮政", "direction": "down", "parcels": 5,
        "kg": 6.5, "ready": "10:00"}


def test_a_breakdown_and_late_parcels_give_a_checked_day(app, stored):
    from routing.evaluate.check import check_plan
    from routing.io import read_scenario
    from routing.network.matrix import travel_matrices

    plan_id = _fresh_plan(app, stored)
    who = login(app, "disp")
    r = who.send("POST", f"/api/plans/{plan_id}/replan",
                 json={"version": 1, "at": "10:00", "events": [BREAKDOWN], "late": [LATE]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["version"] == 2 and out["lineage_id"] == plan_id
    assert out["scenario"] == f"tiny-p{plan_id}v2"
    doc = app.state.web.store.get(out["plan_id"])
    assert doc == out["plan"] and doc["scenario"]["name"] == out["scenario"]
    # the day's scenario is in the workspace, listed, and has the late line
    assert out["scenario"] in {s["name"] for s in who.get("/api/scenarios").json()}
    day = read_scenario(app.state.web.workspace.root / out["scenario"])
    assert "L1" in {ln.id for ln in day.demand}
    # the violations are the independent checker's, on the day as it now stands
    found = check_plan(doc, day, travel_matrices(day))
    assert sorted(v.message for v in found) == sorted(v["message"] for v in out["violations"])
    # every line of the day is served or explained
    served = {i for rt in doc["routes"] for s in rt["stops"] for i in s["lines"]}
    unserved = {i: u["reason"] for u in doc["unserved"] for i in u["lines"]}
    assert served | set(unserved) == {ln.id for ln in day.demand}
    assert all(reason for reason in unserved.values())
    assert "L1" in served
    # the broken reefer starts nothing after 10:00; the drivers are told what changed
    assert all(rt["start_min"] < 600 for rt in doc["routes"] if rt["vehicle_id"] == "reefer-1")
    assert out["changes"] and {c["kind"] for c in out["changes"]} <= {
        "added", "removed", "moved", "retimed"}
    # each said in Chinese too, for the page's default language
    assert all(c["detail_zh"] and c["detail"] != c["detail_zh"] for c in out["changes"])
    assert len(out["notes_zh"]) == len(out["notes"]) >= 1
    assert doc["meta"]["out_of_service"] == ["reefer-1"]
    # the new version reads like any plan: its map, a carrier's view with its late line
    assert who.get(f"/api/plans/{out['plan_id']}/map").status_code == 200
    post = login(app, "post").get(f"/api/plans/{out['plan_id']}").json()
    assert "L1" in {i for rt in post["routes"] for s in rt["stops"] for i in s["lines"]}


def test_a_replan_of_a_stale_version_is_409(app, stored):
    plan_id = _fresh_plan(app, stored)
    ana, ben = login(app, "disp"), login(app, "root")
    body = {"version": 1, "at": "10:00", "events": [BREAKDOWN]}
    assert ana.send("POST", f"/api/plans/{plan_id}/replan", json=body).status_code == 200
    r = ben.send("POST", f"/api/plans/{plan_id}/replan", json=body)
    assert r.status_code == 409, r.text
    assert r.json()["current_version"] == 2
    assert "your edit was made on version 1" in r.json()["detail"]
    assert app.state.web.store.head(plan_id).version == 2


def test_bad_events_and_late_lines_are_listed_row_by_row(app, stored):
    plan_id = _fresh_plan(app, stored)
    who = login(app, "disp")
    before = {s["name"] for s in who.get("/api/scenarios").json()}
    r = who.send("POST", f"/api/plans/{plan_id}/replan", json={
        "version": 1, "at": "10:00",
        "events": [BREAKDOWN, {"event": "breakdown", "vehicle": "bus-9"},
                   {"event": "explode", "vehicle": "van-1"}],
        "late": [LATE, {**LATE, "id": "L2", "station": "V99"}]})
    assert r.status_code == 422, r.text
    errors = {(e["file"], e["row"], e["field"]): e for e in r.json()["errors"]}
    assert set(errors) == {("events", 2, "vehicle"), ("events", 3, "event"),
                           ("late", 2, "station")}
    assert errors[("events", 2, "vehicle")]["value"] == "bus-9"
    assert errors[("late", 2, "station")]["value"] == "V99"
    assert "must be one of" in errors[("events", 3, "event")]["message"]
    assert errors[("events", 3, "event")]["value"] == "explode"
    assert app.state.web.store.head(plan_id).version == 1  # nothing stored
    assert {s["name"] for s in who.get("/api/scenarios").json()} == before


@pytest.mark.parametrize("name, csrf, code", [("plan", "", 403), ("post", "", 403),
                                              ("disp", None, 403)])
def test_only_dispatchers_replan_and_with_the_csrf_token(app, stored, name, csrf, code):
    r = login(app, name).send("POST", f"/api/plans/{stored}/replan", csrf=csrf,
                              json={"version": 1, "at": "10:00"})
    assert r.status_code == code, r.text


def test_a_time_of_day_that_is_not_one_is_refused_by_name(app, stored):
    """``at`` must be a time of the day: 25:00 passes the HH:MM shape but is refused with the
    field, the value and what is valid; nothing is stored."""
    plan_id = _fresh_plan(app, stored)
    r = login(app, "disp").send("POST", f"/api/plans/{plan_id}/replan",
                                json={"version": 1, "at": "25:00", "events": [BREAKDOWN]})
    assert r.status_code == 422, r.text
    assert "at: " in r.json()["detail"] and "'25:00'" in r.json()["detail"]
    assert app.state.web.store.head(plan_id).version == 1
    assert login(app, "disp").send("POST", "/api/plans/999999/replan",
                                   json={"version": 1, "at": "10:00"}).status_code == 404


def test_hold_back_is_asked_per_re_plan_and_held_trips_leave_later(app, stored):
    """The same late parcel at 08:40, once as asked and once held back: the held day is
    checked clean, no trip not yet begun leaves earlier than without, and one leaves later;
    a value that is not a boolean is refused by name."""
    late = {**LATE, "ready": "08:40"}
    who = login(app, "disp")
    days = {}
    for hold in (False, True):
        plan_id = _fresh_plan(app, stored)
        r = who.send("POST", f"/api/plans/{plan_id}/replan",
                     json={"version": 1, "at": "08:40", "late": [late], "hold": hold})
        assert r.status_code == 200, r.text
        assert r.json()["violations"] == []
        days[hold] = {(rt["vehicle_id"], rt["trip"]): rt["start_min"]
                      for rt in r.json()["plan"]["routes"] if rt["start_min"] > 8 * 60 + 40}
    assert days[True].keys() == days[False].keys() != set()
    assert all(days[True][k] >= days[False][k] for k in days[True])
    assert any(days[True][k] > days[False][k] for k in days[True])
    r = who.send("POST", f"/api/plans/{_fresh_plan(app, stored)}/replan",
                 json={"version": 1, "at": "08:40", "hold": "perhaps"})
    assert r.status_code == 422 and "hold" in r.text
