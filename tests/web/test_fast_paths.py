"""The paths made faster under benchmarks/bench_serve.py keep their answers: several
dispatchers sending edits of one version at once store exactly one (the others are refused
with 409, whether they queue on the server's lock of the line or lose at the store); a taken
version is refused before any row is written; the plan is served as stored; an unknown plan is
404 on every path."""

from __future__ import annotations

import threading

from .conftest import login
from .test_plans import _fresh_plan, _routes


def test_edits_of_one_version_at_once_store_exactly_one(app, stored):
    plan_id = _fresh_plan(app, stored)
    people = [login(app, "disp") for _ in range(4)]
    doc = people[0].get(f"/api/plans/{plan_id}").json()
    answers: list[int] = []

    def edit(who, k):
        routes = _routes(doc)
        longest = max(routes, key=lambda r: len(r["stops"]))
        longest["stops"] = longest["stops"][k:] + longest["stops"][:k]  # each its own edit
        r = who.send("POST", f"/api/plans/{plan_id}/retime",
                     json={"version": 1, "routes": routes})
        answers.append(r.status_code)

    threads = [threading.Thread(target=edit, args=(who, k)) for k, who in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 409, 409, 409]
    line = app.state.web.store.line(plan_id)
    assert [v.version for v in line] == [1, 2]


def test_a_taken_version_is_refused_before_any_row_is_written(app, stored):
    from sqlalchemy import func, select

    from routing.store import StaleVersionError
    from routing.store.tables import PlanRow, StopRow

    store = app.state.web.store
    plan_id = _fresh_plan(app, stored)
    doc = store.get(plan_id)
    store.save_version(doc, violations=0, lineage_id=plan_id, version=2, parent_id=plan_id,
                       author="disp")

    def count():
        with store.engine.connect() as conn:
            return (conn.scalar(select(func.count()).select_from(PlanRow)),
                    conn.scalar(select(func.count()).select_from(StopRow)))

    before = count()
    try:
        store.save_version(doc, violations=0, lineage_id=plan_id, version=2, parent_id=plan_id,
                           author="root")
    except StaleVersionError:
        pass
    else:
        raise AssertionError("a second version 2 was stored")
    assert count() == before


def test_the_plan_is_served_as_stored_and_an_unknown_one_is_404(app, stored):
    import json

    who = login(app, "disp")
    r = who.get(f"/api/plans/{stored}")
    assert r.headers["content-type"] == "application/json"
    assert json.loads(r.content) == app.state.web.store.get(stored)
    for path in ("/api/plans/999999", "/api/plans/999999/version"):
        r = who.get(path)
        assert r.status_code == 404 and "no such plan" in r.json()["detail"], path
    r = who.send("POST", "/api/plans/999999/retime", json={"version": 1, "routes": []})
    assert r.status_code == 404 and "no such plan" in r.json()["detail"]
