"""The plan's map (the JSON the reports' map script draws; a carrier's own stops only) and the
route sheets PDF."""

from __future__ import annotations

import dataclasses
import json

import pytest

from .conftest import login


def test_the_map_is_the_plans_map_data(app, stored, tiny):
    from routing.report.layers import map_data

    r = login(app, "plan").get(f"/api/plans/{stored}/map", params={"lang": "en"})
    assert r.status_code == 200, r.text
    data = r.json()
    doc = app.state.web.store.get(stored)
    assert data == json.loads(json.dumps(map_data(doc, tiny, lang="en").to_json()))
    kinds = {la["kind"] for la in data["layers"]}
    assert {"stations", "vehicle", "carrier"} <= kinds and data["lang"] == "en"
    stops = [f for la in data["layers"] for f in la["features"]
             if f["properties"]["kind"] == "stop"]
    assert len(stops) == sum(len(r["stops"]) for r in doc["routes"])
    assert login(app, "disp").get(f"/api/plans/{stored}/map").json()["lang"] == "zh"


def test_a_bad_language_or_plan_is_refused(app, stored):
    who = login(app, "disp")
    assert who.get(f"/api/plans/{stored}/map", params={"lang": "fr"}).status_code == 422
    assert who.get("/api/plans/999999/map").status_code == 404


def test_a_carriers_map_shows_none_of_another_carrier(app, stored, tiny):
    r = login(app, "post").get(f"/api/plans/{stored}/map")
    assert r.status_code == 200, r.text
    data = r.json()
    text = json.dumps(data, ensure_ascii=False)
    theirs = [ln for ln in tiny.demand if ln.carrier_id == "zto"]
    ours = [ln for ln in tiny.demand if ln.carrier_id == "post"]
    only_theirs = {ln.station_id for ln in theirs} - {ln.station_id for ln in ours}
    names = {s.id: s.name for s in tiny.stations}
    forbidden = ["zto", "ZTO", "中通", *only_theirs, *(names[s] for s in only_theirs),
                 *(f'"{ln.id}"' for ln in theirs)]
    assert [w for w in forbidden if w in text] == []
    feats = [f["properties"] for la in data["layers"] for f in la["features"]]
    stations = {p["station_id"] for p in feats if p["kind"] == "station"}
    hubs = {s.id for s in tiny.stations if s.tier.value == "hub"}
    assert stations <= {ln.station_id for ln in ours} | hubs
    stops = [p for p in feats if p["kind"] == "stop"]
    assert stops and all({a["carrier"] for a in p["down"] + p["up"]} <= {"post"}
                         for p in stops)
    assert all(p["load_kg"] is None for p in stops)  # loads sum every carrier's parcels
    routes = [p for p in feats if p["kind"] == "route"]
    assert routes and all(p["cost"] is None and p["distance_km"] is None for p in routes)
    assert sum(p["parcels_down"] + p["parcels_up"] for p in stops) == sum(
        ln.parcels for ln in ours)
    assert {la["key"] for la in data["layers"] if la["kind"] == "carrier"} == {"carrier:post"}


@pytest.mark.parametrize("name, allowed", [("disp", True), ("plan", True), ("root", True),
                                           ("post", False)])
def test_route_sheets_pdf(app, stored, name, allowed):
    r = login(app, name).get(f"/api/plans/{stored}/route_sheets.pdf", params={"lang": "en"})
    if not allowed:
        assert r.status_code == 403 and "may not" in r.json()["detail"]
        return
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and len(r.content) > 2000
    assert "route_sheets-tiny" in r.headers["content-disposition"]


def test_the_openapi_document_has_the_days_routes(app):
    spec = login(app, "plan").get("/api/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/plans/{plan_id}/map", "/api/plans/{plan_id}/route_sheets.pdf",
            "/api/plans/{plan_id}/replan", "/api/scenarios/{name}/manifest"} <= set(paths)
    assert "post" in paths["/api/scenarios"]
    replan = paths["/api/plans/{plan_id}/replan"]["post"]
    assert {"409", "422"} <= set(replan["responses"]) and "ReplanIn" in str(replan)
    assert "multipart/form-data" in paths["/api/scenarios/{name}/manifest"]["post"][
        "requestBody"]["content"]
    assert "MapOut" in str(paths["/api/plans/{plan_id}/map"]["get"]["responses"]["200"])


def test_the_fleet_lists_the_idle_vehicles_too(app, stored, tiny):
    """Every vehicle the plan's scenario may drive, used or idle (the page lists the idle
    ones so a stop can be dragged onto them); not for carriers."""
    from routing.pipeline.echelons import direct_types

    doc = login(app, "disp").get(f"/api/plans/{stored}").json()
    r = login(app, "disp").get(f"/api/plans/{stored}/fleet", params={"lang": "en"})
    assert r.status_code == 200
    fleet = r.json()
    direct = [vid for vid, _ in
              dataclasses.replace(tiny, vehicle_types=direct_types(tiny)).vehicles()]
    assert [v["vehicle_id"] for v in fleet] == direct
    used = {x["vehicle_id"] for x in doc["routes"]}
    assert {v["vehicle_id"] for v in fleet if v["used"]} == used
    assert any(not v["used"] for v in fleet)  # tiny's plan leaves a van idle
    assert login(app, "post").get(f"/api/plans/{stored}/fleet").status_code == 403
    assert login(app, "disp").get("/api/plans/999999/fleet").status_code == 404


def test_a_stored_plans_violations_are_the_checkers(app, stored, tiny):
    """GET .../violations re-checks the stored plan: none for a checked plan, the checker's
    findings (hard ones first) for an edit that overloads a van; not for carriers."""
    disp = login(app, "disp")
    assert disp.get(f"/api/plans/{stored}/violations").json() == []
    doc = disp.get(f"/api/plans/{stored}").json()
    version = disp.get(f"/api/plans/{stored}/version").json()["version"]
    routes = [{"vehicle_id": r["vehicle_id"], "trip": r.get("trip", 1),
               "stops": [{"station_id": s["station_id"], "lines": s["lines"]}
                         for s in r["stops"]]} for r in doc["routes"]]
    donor, van = sorted(routes, key=lambda r: -len(r["stops"]))[:2]
    van["stops"] += donor["stops"][:-1]
    del donor["stops"][:-1]
    r = disp.send("POST", f"/api/plans/{stored}/retime",
                  json={"version": version, "routes": routes})
    assert r.status_code == 200, r.text
    edited = r.json()
    found = disp.get(f"/api/plans/{edited['plan_id']}/violations").json()
    assert found == edited["violations"] and found
    assert login(app, "post").get(f"/api/plans/{stored}/violations").status_code == 403


def test_routes_xlsx_refuses_a_language_it_has_not(app, stored):
    r = login(app, "disp").get(f"/api/plans/{stored}/routes.xlsx", params={"lang": "fr"})
    assert r.status_code == 422 and "zh" in r.text and "en" in r.text
