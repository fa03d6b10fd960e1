"""The plan store on SQLite and PostgreSQL: exact round trip, concurrent writers, history."""

from __future__ import annotations

import copy
import multiprocessing as mp
from typing import Any

import pytest
from sqlalchemy import func, select

from routing.evaluate.check import check_plan
from routing.exceptions import StoreError
from routing.store import open_store
from routing.store.tables import PlanRow, RouteRow, StopRow, UnservedRow

WRITERS = 2
PLANS_EACH = 10


def test_saved_plan_reads_back_identical_and_passes_the_checker(store_url, tiny_doc, tiny,
                                                                tiny_solved):
    """The document read back equals the one saved, and the independent checker accepts it."""
    original = copy.deepcopy(tiny_doc)
    with open_store(store_url) as store:
        plan_id = store.save(tiny_doc, violations=0)
        back = store.get(plan_id)
    assert back == original
    assert check_plan(back, tiny, tiny_solved[1]) == []


def test_routes_and_stops_are_rows(store_url, tiny_doc):
    """Routes, stops and totals are queryable with SQL, matching the document."""
    with open_store(store_url) as store:
        plan_id = store.save(tiny_doc)
        with store.engine.connect() as conn:
            plan = conn.execute(select(PlanRow.stops, PlanRow.cost, PlanRow.vehicles)
                                .where(PlanRow.id == plan_id)).one()
            routes = conn.scalar(select(func.count()).select_from(RouteRow)
                                 .where(RouteRow.plan_id == plan_id))
            stations = conn.scalars(select(StopRow.station_id).where(StopRow.plan_id == plan_id)
                                    .order_by(StopRow.route_id, StopRow.seq)).all()
            unserved = conn.scalar(select(func.count()).select_from(UnservedRow))
    totals = tiny_doc["totals"]
    assert tuple(plan) == (totals["stops"], totals["cost"], totals["vehicles"])
    assert routes == len(tiny_doc["routes"])
    assert stations == [s["station_id"] for r in tiny_doc["routes"] for s in r["stops"]]
    assert unserved == len(tiny_doc["unserved"])


def _write_plans(url: str, doc: dict[str, Any], writer: int, start: Any) -> None:
    """One writer process: open the store (maybe creating it) and save PLANS_EACH plans."""
    start.wait()  # all writers open the new store and write at the same moment
    with open_store(url) as store:
        for k in range(PLANS_EACH):
            store.save(doc | {"seed": 1000 * writer + k})


def test_two_processes_writing_at_once_lose_no_plan(store_url, tiny_doc):
    """2 processes x 10 plans into one new store at the same time: all 20 are there."""
    ctx = mp.get_context("spawn")  # no fork of a process that may hold solver threads
    start = ctx.Barrier(WRITERS)
    procs = [ctx.Process(target=_write_plans, args=(store_url, tiny_doc, w, start))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    with open_store(store_url) as store:
        plans = store.history()
        assert len({p.id for p in plans}) == WRITERS * PLANS_EACH
        assert sorted(p.seed for p in plans) == sorted(1000 * w + k for w in range(WRITERS)
                                                       for k in range(PLANS_EACH))
        assert all(store.get(p.id)["seed"] == p.seed for p in plans)


def _dated(doc: dict[str, Any], name: str, day: str) -> dict[str, Any]:
    return doc | {"scenario": doc["scenario"] | {"name": name, "date": day}}


def test_history_filters_by_scenario_and_day(store_url, tiny_doc):
    """history() keeps plans of the named scenario whose day lies in [since, until]."""
    import datetime as dt

    with open_store(store_url) as store:
        ids = {(n, d): store.save(_dated(tiny_doc, n, d))
               for n in ("a", "b") for d in ("2026-11-23", "2026-11-24", "2026-11-25")}

        def listed(**kw: Any) -> list[int]:
            return [p.id for p in store.history(**kw)]

        assert listed() == sorted(ids.values())
        assert listed(scenario="a") == [ids["a", d] for d in ("2026-11-23", "2026-11-24",
                                                              "2026-11-25")]
        assert listed(since=dt.date(2026, 11, 24), until=dt.date(2026, 11, 24)) == \
            [ids["a", "2026-11-24"], ids["b", "2026-11-24"]]
        assert listed(scenario="b", since=dt.date(2026, 11, 25)) == [ids["b", "2026-11-25"]]
        assert listed(scenario="c") == []
        first = store.history(scenario="a")[0]
        assert (first.plan_date, first.cost, first.stops) == \
            (dt.date(2026, 11, 23), tiny_doc["totals"]["cost"], tiny_doc["totals"]["stops"])


def test_latest_is_the_newest_plan_of_the_scenario(store_url, tiny_doc):
    """latest() ignores other scenarios; "latest" and an id both resolve through find()."""
    with open_store(store_url) as store:
        store.save(_dated(tiny_doc, "tiny", "2026-11-23"))
        newest = store.save(_dated(tiny_doc, "tiny", "2026-11-24"))
        store.save(_dated(tiny_doc, "other", "2026-11-25"))
        assert store.latest("tiny")[0] == newest
        assert store.find("latest", scenario="tiny")[0] == newest
        assert store.find(str(newest), scenario="ignored")[1]["scenario"]["date"] == "2026-11-24"


@pytest.mark.parametrize(("call", "message"), [
    # an id nobody saved
    (lambda s: s.get(999), "plan 999: not in the store"),
    # "latest" of a scenario with no plan yet
    (lambda s: s.latest("tiny"), "scenario 'tiny': no stored plan"),
    # a reference that is neither
    (lambda s: s.find("yesterday", scenario="tiny"), "must be 'latest' or a plan id"),
])
def test_missing_plans_are_clear_errors(store_url, call, message):
    """Asking an empty store for a plan raises StoreError naming what is missing."""
    with open_store(store_url) as store, pytest.raises(StoreError, match=message):
        call(store)


def test_migrated_schema_matches_the_models(store_url):
    """The Alembic revisions build exactly the tables routing.store.tables declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from routing.store.tables import Base

    with open_store(store_url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopening_a_store_keeps_its_plans(store_url, tiny_doc):
    """Opening an existing store runs no migration twice and loses nothing."""
    with open_store(store_url) as store:
        plan_id = store.save(tiny_doc)
    with open_store(store_url) as store:
        assert store.get(plan_id) == tiny_doc
        assert [p.id for p in store.history()] == [plan_id]


def test_store_from_a_newer_version_is_a_clear_error(tmp_path):
    """A store migrated past the revisions this version ships is refused with a StoreError."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    open_store(url).close()
    with sqlite3.connect(tmp_path / "plans.sqlite") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    with pytest.raises(StoreError, match="written by a newer version of routing"):
        open_store(url)


def test_sweep_tags_survive_the_round_trip_and_show_in_the_history(store_url, tiny_doc):
    """save_all keeps a job's plans in order with their tags; history filters by job and shows
    the scenario hash and the job; plans saved without a tag show '-'."""
    from routing.store import SweepTag, history_table

    tags = [SweepTag(job="0123456789abcdef", kind="variant", option="alliance", part=k)
            for k in (1, 2)]
    with open_store(store_url) as store:
        alone = store.save(tiny_doc, violations=0)
        ids = store.save_all([(tiny_doc, 0, tags[0]), (tiny_doc, 1, tags[1])])
        assert ids == [alone + 1, alone + 2]
        mine = store.history(sweep_job="0123456789abcdef")
        everything = store.history()
    assert [(p.id, p.sweep, p.violations) for p in mine] == list(zip(ids, tags, [0, 1],
                                                                     strict=True))
    lines = history_table(everything).splitlines()
    assert lines[0].split()[-2:] == ["sweep", "job"]
    assert lines[1].endswith(" -") and tiny_doc["scenario"]["hash"][:8] in lines[1]
    assert lines[3].endswith("0123456789 variant alliance #2")


def test_a_store_from_revision_0001_gains_the_sweep_columns_and_keeps_its_plans(store_url,
                                                                                tiny_doc):
    """Down to 0001 (no sweep columns) and up again: plans, routes and stops stay; the tags
    of the plans stored meanwhile are gone, as the columns were."""
    from alembic import command
    from sqlalchemy import inspect

    from routing.store import SweepTag
    from routing.store.migrate import alembic_config, upgrade

    def count(store, table) -> int:
        with store.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(table))

    with open_store(store_url) as store:
        plain = store.save(tiny_doc)
        store.save(tiny_doc, sweep=SweepTag(job="k", kind="baseline", option="a"))
        stops = count(store, StopRow)
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001")
        with store.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("plans")}
        assert "sweep_job" not in columns and "violations" in columns
        upgrade(store.engine)
        assert count(store, StopRow) == stops > 0
        assert store.get(plain) == tiny_doc
        assert [p.sweep for p in store.history()] == [None, None]


def _save_job(url: str, doc: dict[str, Any], writer: int, start: Any, out: Any) -> None:
    """One writer process: store the same sweep job's two plans, as a rerun would."""
    from routing.store import SweepTag

    start.wait()
    with open_store(url) as store:
        tags = [SweepTag(job="samejob", kind="variant", option="alliance", part=k)
                for k in (1, 2)]
        ids, stored = store.save_job("samejob", [(doc | {"seed": writer}, 0, t) for t in tags])
        out.put((writer, ids, stored))


def test_a_sweep_jobs_plans_are_stored_once_even_by_writers_at_once(store_url, tiny_doc):
    """save_job: the first writer of a job key stores its plans; any later one (here: two
    processes at the same moment, then a third call) gets their ids and stores nothing."""
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=_save_job, args=(store_url, tiny_doc, w, start, out))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=120)
    assert sorted(stored for _, _, stored in results) == [False] * (WRITERS - 1) + [True]
    ids = {tuple(i) for _, i, _ in results}
    assert len(ids) == 1
    with open_store(store_url) as store:
        assert [p.id for p in store.history()] == list(next(iter(ids)))
        again, stored = store.save_job("samejob", [(tiny_doc, 0, None)])
    assert (tuple(again), stored) == (next(iter(ids)), False)
