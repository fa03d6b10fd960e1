"""A solve job end to end: POST /api/plans → the job on a real Dask worker process →
progress in GET /api/jobs/{id} and its server-sent events → the checked plan in the store."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import login, make_app


@pytest.fixture(scope="module")
def dask_app(tmp_path_factory, scenarios, dask_scheduler) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    made = make_app(tmp_path_factory.mktemp("jobs"), scenarios, scheduler=dask_scheduler)
    with TestClient(made):
        yield made


def _wait(who, job: str, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = who.get(f"/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job} still {state} after {timeout_s} s")


def test_a_plan_job_runs_on_the_cluster_and_stores_a_checked_plan(dask_app, tiny):
    from routing.evaluate.check import check_plan
    from routing.network.matrix import travel_matrices

    who = login(dask_app, "plan")
    r = who.send("POST", "/api/plans", json={"scenario": "tiny", "time_limit_s": 10})
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    first = who.get(f"/api/jobs/{job}").json()
    assert first["state"] in ("queued", "running", "done") and first["scenario"] == "tiny"
    done = _wait(who, job)
    assert done["state"] == "done", done["message"]
    assert done["progress"] == 1.0 and done["violations"] == 0 and done["plan_id"]
    doc = who.get(f"/api/plans/{done['plan_id']}").json()
    assert check_plan(doc, tiny, travel_matrices(tiny)) == []
    assert doc["unserved"] == [] and doc["totals"]["cost"] == done["best_cost"]
    history = who.get("/api/plans").json()
    assert history[0]["id"] == done["plan_id"] and history[0]["author"] == "plan"
    # a finished job's events: its state, then the end
    with who.client.stream("GET", f"/api/jobs/{job}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        text = "".join(stream.iter_text())
    events = [block for block in text.split("\n\n") if block.strip()]
    assert events[-1].startswith("event: done\ndata: ")
    assert json.loads(events[-1].split("data: ", 1)[1])["plan_id"] == done["plan_id"]


def test_the_same_job_twice_gives_the_same_plan(dask_app):
    """A seed and a solution limit make the solve deterministic, on the cluster too."""
    who = login(dask_app, "disp")
    plans = []
    for _ in range(2):
        job = who.send("POST", "/api/plans", json={"scenario": "tiny", "time_limit_s": 10})
        done = _wait(who, job.json()["job"])
        assert done["state"] == "done", done["message"]
        plans.append(who.get(f"/api/plans/{done['plan_id']}").json())
    assert plans[0]["routes"] == plans[1]["routes"]


def test_an_unknown_scenario_is_404_and_no_job(dask_app):
    who = login(dask_app, "disp")
    r = who.send("POST", "/api/plans", json={"scenario": "atlantis"})
    assert r.status_code == 404 and "not among the workspace's scenarios (tiny)" in \
        r.json()["detail"]
    assert who.get("/api/jobs/nope").status_code == 404


def test_a_job_that_fails_says_why(dask_app, scenarios, tmp_path):
    """A scenario whose files are wrong: the job ends failed with the reader's message."""
    import shutil

    broken = scenarios / "broken"
    shutil.copytree(scenarios / "tiny", broken)
    toml = (broken / "scenario.toml").read_text("utf-8").replace('name = "tiny"',
                                                                   'name = "broken"')
    (broken / "scenario.toml").write_text(toml, "utf-8")
    (broken / "demand.csv").write_text("id,station,carrier,direction,parcels,kg\n"
                                       "X1,NOWHERE,post,down,1,1\n", "utf-8")
    try:
        who = login(dask_app, "disp")
        job = who.send("POST", "/api/plans", json={"scenario": "broken"}).json()["job"]
        done = _wait(who, job)
        assert done["state"] == "failed" and "NOWHERE" in done["message"]
        assert "Traceback" not in done["message"]
    finally:
        shutil.rmtree(broken)


def test_without_a_scheduler_the_first_solve_starts_a_local_cluster(tmp_path, scenarios):
    """`routing serve`'s default: no cluster until a solve; then one LocalCluster of one
    worker process, closed with the application."""
    from fastapi.testclient import TestClient

    made = make_app(tmp_path, scenarios)
    runner = made.state.web.runner
    with TestClient(made):
        assert runner._cluster is None
        who = login(made, "disp")
        job = who.send("POST", "/api/plans", json={"scenario": "tiny", "time_limit_s": 5})
        done = _wait(who, job.json()["job"])
        assert done["state"] == "done", done["message"]
        assert len(runner._cluster.workers) == 1
    assert runner._cluster is None and runner._client is None


def _stops(doc: dict, vehicle: str) -> list:
    return [(r["trip"], [(s["station_id"], s["lines"]) for s in r["stops"]])
            for r in doc["routes"] if r["vehicle_id"] == vehicle]


def test_locked_vehicles_keep_their_routes_and_the_plan_joins_the_history(dask_app):
    """A dispatcher re-orders van-1 by hand (a worse order than the solver's), locks it and
    V4's vehicle, and re-optimises the rest: van-1 drives exactly its locked route, V4 stays
    on its vehicle, and the plan is the next version of the same line of edits."""
    who = login(dask_app, "disp")
    first = _wait(who, who.send("POST", "/api/plans", json={"scenario": "tiny",
                                                           "time_limit_s": 10}).json()["job"])
    plan_id = first["plan_id"]
    doc = who.get(f"/api/plans/{plan_id}").json()
    routes = [{"vehicle_id": r["vehicle_id"], "trip": r["trip"],
               "stops": [{"station_id": s["station_id"], "lines": s["lines"]}
                         for s in r["stops"]]} for r in doc["routes"]]
    van = next(r for r in routes if r["vehicle_id"] == "van-1")
    van["stops"].reverse()
    edited = who.send("POST", f"/api/plans/{plan_id}/retime",
                      json={"version": 1, "routes": routes}).json()
    reference = edited["plan"]
    v4 = next(r["vehicle_id"] for r in reference["routes"] for s in r["stops"]
              if s["station_id"] == "V4")
    # a planner may solve but not re-optimise around locks; locks need a reference
    body = {"scenario": "tiny", "time_limit_s": 10, "reference_plan": edited["plan_id"],
            "lock_vehicles": ["van-1"], "lock_stops": ["V4"]}
    assert login(dask_app, "plan").send("POST", "/api/plans", json=body).status_code == 403
    r = who.send("POST", "/api/plans", json={"scenario": "tiny", "lock_vehicles": ["van-1"]})
    assert r.status_code == 422 and "need reference_plan" in r.json()["detail"]
    r = who.send("POST", "/api/plans", json={**body, "lock_vehicles": ["bus-9"]})
    assert r.status_code == 422 and "'bus-9'" in r.json()["detail"]
    r = who.send("POST", "/api/plans", json={**body, "reference_plan": plan_id})
    assert r.status_code == 409 and r.json()["current_version"] == 2  # not the current one

    done = _wait(who, who.send("POST", "/api/plans", json=body).json()["job"])
    assert done["state"] == "done", done["message"]
    new = who.get(f"/api/plans/{done['plan_id']}").json()
    assert _stops(new, "van-1") == _stops(reference, "van-1")
    assert _stops(new, "van-1") != _stops(doc, "van-1")  # the hand-made order, kept
    assert any(s["station_id"] == "V4" for r in new["routes"] if r["vehicle_id"] == v4
               for s in r["stops"])
    assert new["meta"]["locked_vehicles"] == ["van-1"]
    assert new["unserved"] == [] and done["violations"] == 0
    version = who.get(f"/api/plans/{done['plan_id']}/version").json()
    assert version["lineage_id"] == plan_id and version["version"] == 3


def test_a_reoptimisation_that_finds_its_version_taken_fails_and_stores_nothing(dask_app):
    """Another edit stored the version the job meant to store while it ran: the job ends
    failed saying so, and the other edit stays (run in this process: no race to win)."""
    from routing.pipeline import reference_from_plan
    from routing.store.accounts import create_job, get_job
    from routing.web.jobs import Around, run_plan_job

    web = dask_app.state.web
    who = login(dask_app, "disp")
    done = _wait(who, who.send("POST", "/api/plans", json={"scenario": "tiny",
                                                          "time_limit_s": 5}).json()["job"])
    plan_id = done["plan_id"]
    doc = web.store.get(plan_id)
    web.store.save_version(doc, violations=0, lineage_id=plan_id, version=2, parent_id=plan_id,
                           author="root")
    job = create_job(web.store, scenario="tiny", time_limit_s=5, user_id=1)
    around = Around(reference=reference_from_plan(doc), locks=None, lineage_id=plan_id,
                    version=2, parent_id=plan_id)
    folder = web.catalog.find("tiny").folder
    assert run_plan_job(web.runner.store_url, job.id, str(folder), "disp", 5, 1, 50,
                        around) is None
    failed = get_job(web.store, job.id)
    assert failed.state == "failed"
    assert "moved on to version 2 by root" in failed.message and "not stored" in failed.message
    assert web.store.head(plan_id).version == 2 and web.store.head(plan_id).author == "root"
