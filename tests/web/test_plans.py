"""Plans through the API: reading, the history, re-timing an edit (checked, stored as the next
version), stale edits refused with what changed, and the routes.xlsx export."""

from __future__ import annotations

import io

from .conftest import login


def _routes(doc: dict) -> list[dict]:
    """The routes of a plan document as the retime request takes them."""
    return [{"vehicle_id": r["vehicle_id"], "trip": r["trip"],
             "stops": [{"station_id": s["station_id"], "lines": s["lines"]}
                       for s in r["stops"]]} for r in doc["routes"]]


def _fresh_plan(app, stored: int) -> int:
    """A new line of edits of its own (a copy of the stored plan), so tests do not race."""
    store = app.state.web.store
    return int(store.save_version(store.get(stored), violations=0, lineage_id=None, version=1,
                                  parent_id=None, author="disp"))


def test_a_dispatcher_reads_the_plan_document(app, stored):
    doc = login(app, "disp").get(f"/api/plans/{stored}").json()
    assert doc["scenario"]["name"] == "tiny" and doc["routes"] and doc["totals"]["cost"] > 0
    assert doc == app.state.web.store.get(stored)


def test_history_lists_the_plan_with_its_version(app, stored):
    history = login(app, "plan").get("/api/plans", params={"scenario": "tiny"}).json()
    line = next(p for p in history if p["id"] == stored)
    assert line["version"] == 1 and line["author"] == "disp" and line["cost"] > 0


def test_an_unknown_plan_is_404(app):
    r = login(app, "disp").get("/api/plans/999999")
    assert r.status_code == 404 and "no such plan" in r.json()["detail"]


def test_a_retime_that_overloads_a_van_names_the_vehicle(app, stored, tiny):
    plan_id = _fresh_plan(app, stored)
    who = login(app, "disp")
    doc = who.get(f"/api/plans/{plan_id}").json()
    routes = _routes(doc)
    first = next(r for r in routes if r["vehicle_id"].startswith("van"))
    fresh = {ln.id for ln in tiny.demand if ln.fresh}
    for r in routes:  # every dry stop of the other vehicles onto the van (120 parcels)
        if r is not first:
            first["stops"] += [s for s in r["stops"] if not fresh & set(s["lines"])]
            r["stops"] = [s for s in r["stops"] if fresh & set(s["lines"])]
    routes = [r for r in routes if r["stops"]]
    r = who.send("POST", f"/api/plans/{plan_id}/retime", json={"version": 1, "routes": routes})
    assert r.status_code == 200, r.text
    out = r.json()
    over = [v for v in out["violations"] if v["kind"] == "over_capacity"]
    assert over and all(first["vehicle_id"] in v["where"] for v in over)
    assert out["violations"][0]["kind"] == "over_capacity"  # hard rules first
    assert out["version"] == 2 and out["lineage_id"] == plan_id and out["plan_id"] != plan_id
    stored_doc = app.state.web.store.get(out["plan_id"])
    assert stored_doc == out["plan"]
    assert stored_doc["meta"]["retimed_from"] == f"plan {plan_id} v1"
    version = who.get(f"/api/plans/{plan_id}/version").json()
    assert version["current_version"] == 2 and version["current_plan_id"] == out["plan_id"]


def test_an_edit_of_a_stale_version_is_refused_with_what_changed(app, stored):
    plan_id = _fresh_plan(app, stored)
    ana, ben = login(app, "disp"), login(app, "root")
    doc = ana.get(f"/api/plans/{plan_id}").json()
    routes = _routes(doc)
    moved = max(routes, key=lambda r: len(r["stops"]))
    moved["stops"].reverse()  # ana reverses the longest route
    r = ana.send("POST", f"/api/plans/{plan_id}/retime", json={"version": 1, "routes": routes})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    # ben edited version 1 too, and sends it after ana: refused, nothing overwritten
    r = ben.send("POST", f"/api/plans/{plan_id}/retime",
                 json={"version": 1, "routes": _routes(doc)})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["current_version"] == 2
    assert "your edit was made on version 1" in body["detail"] and "by disp" in body["detail"]
    assert any(c.startswith(f"{moved['vehicle_id']}: order") for c in body["changes"])
    assert moved["vehicle_id"] in body["detail"]
    assert app.state.web.store.head(plan_id).version == 2


def test_routes_that_cannot_mean_a_plan_are_422_naming_the_place(app, stored):
    who = login(app, "disp")
    plan_id = _fresh_plan(app, stored)
    bad = {"version": 1, "routes": [{"vehicle_id": "bus-9", "stops": [
        {"station_id": "V1", "lines": ["D04"]}]}]}
    r = who.send("POST", f"/api/plans/{plan_id}/retime", json=bad)
    assert r.status_code == 422 and "unknown vehicle 'bus-9'" in r.json()["detail"]
    r = who.send("POST", f"/api/plans/{plan_id}/retime", json={"version": 1, "routes": "x"})
    assert r.status_code == 422


def test_routes_xlsx_is_the_plans_workbook(app, stored):
    from openpyxl import load_workbook

    r = login(app, "plan").get(f"/api/plans/{stored}/routes.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) > 2


def test_the_openapi_document_describes_the_api(app):
    spec = login(app, "plan").get("/api/openapi.json").json()
    assert {"/api/login", "/api/plans", "/api/jobs/{job_id}", "/api/plans/{plan_id}/retime",
            "/api/plans/{plan_id}"} <= set(spec["paths"])
    retime = spec["paths"]["/api/plans/{plan_id}/retime"]["post"]
    assert "409" in retime["responses"] and "RetimeIn" in str(retime["requestBody"])
    assert login(app, "plan").get("/api/docs").status_code == 200
