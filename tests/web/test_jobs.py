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
