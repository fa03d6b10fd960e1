"""Who may call what: anonymous callers, CSRF tokens, the login limit, roles, carriers."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import ACCOUNTS, PASSWORD, login


def _api_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route under /api, routers included however FastAPI nests them."""
    out, todo = [], list(app.routes)
    while todo:
        route = todo.pop()
        inner = getattr(route, "original_router", None)
        if inner is not None:
            todo += inner.routes
            continue
        if route.path.startswith("/api"):
            out += [(m, route.path) for m in route.methods - {"HEAD"}]
    return sorted(out)


def test_every_api_route_refuses_an_anonymous_caller(app):
    from fastapi.testclient import TestClient

    routes = _api_routes(app)
    assert len(routes) >= 15 and ("GET", "/api/openapi.json") in routes
    client = TestClient(app)
    for method, path in routes:
        if path == "/api/login":
            continue
        url = re.sub(r"\{plan_id\}", "1", re.sub(r"\{job_id\}", "x", path))
        r = client.request(method, url, json={})
        assert r.status_code == 401, (method, path, r.status_code, r.text)
        assert "log in" in r.json()["detail"]


def test_login_gives_an_httponly_strict_cookie_and_a_csrf_token(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    r = client.post("/api/login", json={"username": "disp", "password": PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert len(r.json()["csrf_token"]) >= 32 and r.json()["user"]["role"] == "dispatcher"
    me = client.get("/api/me").json()
    assert me["name"] == "disp" and "edit" in me["can"]
    assert r.json()["csrf_token"] not in r.headers["set-cookie"]


def test_wrong_password_and_unknown_account_are_401(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    for name, pw in (("disp", "wrong password"), ("nobody", PASSWORD)):
        r = client.post("/api/login", json={"username": name, "password": pw})
        assert r.status_code == 401 and r.json()["detail"] == "wrong account name or password"
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/plans", {"scenario": "tiny", "time_limit_s": 1}),
    ("POST", "/api/plans/1/retime", {"version": 1, "routes": []}),
    ("POST", "/api/users", {"name": "x", "role": "planner", "password": "12345678"}),
    ("POST", "/api/logout", None),
])
@pytest.mark.parametrize("csrf", [None, "forged-token"])
def test_a_state_changing_request_without_the_csrf_token_is_403(app, method, path, body,
                                                                  csrf):
    who = login(app, "root")
    r = who.send(method, path, csrf=csrf, json=body)
    assert r.status_code == 403, r.text
    assert "X-CSRF-Token" in r.json()["detail"]
    assert who.get("/api/me").status_code == 200  # still logged in: logout was refused too


def test_logins_are_limited_per_account_and_address(app):
    from fastapi.testclient import TestClient

    from routing.store.accounts import add_user

    add_user(app.state.web.store, "limited", "planner", PASSWORD)
    client = TestClient(app)
    for _ in range(5):
        r = client.post("/api/login", json={"username": "limited", "password": "guess"})
        assert r.status_code == 401
    r = client.post("/api/login", json={"username": "limited", "password": PASSWORD})
    assert r.status_code == 429 and "too many failed logins" in r.json()["detail"]
    assert int(r.headers["retry-after"]) > 0
    assert login(app, "disp").get("/api/me").status_code == 200  # other accounts still can


def test_logout_ends_the_session(app):
    who = login(app, "disp")
    assert who.send("POST", "/api/logout").status_code == 200
    assert who.get("/api/me").status_code == 401


@pytest.mark.parametrize("name, method, path, body, allowed", [
    ("plan", "POST", "/api/plans/{id}/retime", {"version": 1, "routes": []}, False),
    ("post", "POST", "/api/plans", {"scenario": "tiny"}, False),
    ("post", "GET", "/api/jobs", None, False),
    ("post", "GET", "/api/plans/{id}/routes.xlsx", None, False),
    ("disp", "GET", "/api/users", None, False),
    ("disp", "POST", "/api/users", {"name": "x", "role": "planner", "password": "12345678"},
     False),
    ("plan", "GET", "/api/plans/{id}/routes.xlsx", None, True),
    ("root", "GET", "/api/users", None, True),
])
def test_roles(app, stored, name, method, path, body, allowed):
    r = login(app, name).send(method, path.format(id=stored), json=body)
    assert (r.status_code != 403) == allowed, r.text
    if not allowed:
        assert f"the role {ACCOUNTS[name]} may not" in r.json()["detail"]


def test_a_carrier_sees_only_its_own_lines(app, stored, tiny):
    full = login(app, "disp").get(f"/api/plans/{stored}").json()
    seen = login(app, "post").get(f"/api/plans/{stored}")
    assert seen.status_code == 200
    doc = seen.json()
    text = json.dumps(doc, ensure_ascii=False)
    theirs = [ln for ln in tiny.demand if ln.carrier_id == "zto"]
    ours = {ln.id: ln for ln in tiny.demand if ln.carrier_id == "post"}
    only_theirs = {ln.station_id for ln in theirs} - {ln.station_id for ln in ours.values()}
    assert only_theirs == {"V5"}
    forbidden = ["zto", "ZTO", "中通", "V5", "西三村", *(f'"{ln.id}"' for ln in theirs)]
    assert [w for w in forbidden if w in text] == []
    # the parcels shown are post's, to the parcel, and nothing sums another carrier's
    amounts = [a for r in doc["routes"] for s in r["stops"] for a in s["delivered"]
               + s["picked_up"]]
    assert {a["carrier"] for a in amounts} == {"post"}
    served = {i for r in doc["routes"] for s in r["stops"] for i in s["lines"]}
    assert served == set(ours)
    assert doc["totals"]["parcels_down"] + doc["totals"]["parcels_up"] == sum(
        ours[i].parcels for i in served)
    assert "load_after" not in text and "cost" not in doc["routes"][0]
    assert doc["meta"] == {"view": "carrier:post"}
    assert full["totals"]["parcels_down"] > doc["totals"]["parcels_down"]
    history = login(app, "post").get("/api/plans").json()
    assert history and all(p["cost"] is None and p["stops"] is None for p in history)


def test_an_oversized_body_is_refused_before_it_is_read(app):
    who = login(app, "disp")
    big = {"version": 1, "routes": [{"vehicle_id": "van-1", "stops": [
        {"station_id": "V1", "lines": ["D04"] * 1000}] * 700}]}
    r = who.send("POST", "/api/plans/1/retime", json=big)
    assert r.status_code == 413 and "larger than" in r.json()["detail"]


def test_pages_and_answers_carry_security_headers(app):
    from fastapi.testclient import TestClient

    r = TestClient(app).get("/")
    assert r.status_code == 200 and "调度工作台" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert "English" in r.text and "https://" not in r.text
    assert "Shared delivery" in TestClient(app).get("/?lang=en").text
