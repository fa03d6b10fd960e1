"""Sweep plans into the plan store, on SQLite and PostgreSQL, from the 2-worker cluster.

Every job saves its plans from its worker, both workers writing at once: the store then holds
exactly the plans behind the results table (one per plan of each job, tagged with the job),
each read back passes the independent checker against the scenario it was planned for.
"""

from __future__ import annotations

import contextlib
import re

import pandas as pd
from click.testing import CliRunner

from routing import pipeline
from routing.cli import main
from routing.evaluate.check import check_plan
from routing.store import SweepTag, open_store
from routing.sweep import jobs_of, read_spec, run_job, run_sweep

from ..conftest import HERE

DATA = HERE / "data"


def _recording(days: dict):
    """pipeline.planner, noting each scenario it plans (with its matrices) under the scenario
    hash its plan documents carry."""
    real = pipeline.planner

    def planner(seed, solution_limit, engine="auto"):
        plan = real(seed, solution_limit, engine)

        def recorded(sub, m, structure, time_limit_s):
            result, doc = plan(sub, m, structure, time_limit_s)
            days[doc["scenario"]["hash"]] = (sub, m)
            return result, doc
        return recorded
    return planner


def test_every_job_stores_its_plans_and_each_passes_the_checker(tmp_path, client, store_url,
                                                                monkeypatch):
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        '[sweep]\ntime_limit_s = 5\nsolution_limit = 10\nseeds = [1]\nengine = "ortools"\n'
        f'\n[[scenarios]]\npath = "{DATA / "duo"}"\n'
        f'\n[[scenarios]]\npath = "{DATA / "periodic"}"\nseeds = [3]\n', encoding="utf-8")
    spec = read_spec(spec_file)
    result = run_sweep(spec, tmp_path / "out", client=client, progress=False, store=store_url)
    rows = result.rows
    assert len(rows) == 7 + 3 and result.failed == 0
    assert all(r["check_passed"] and r["violations"] == 0 for r in rows)
    ids = {r["job_key"]: [int(i) for i in r["plan_ids"].split()] for r in rows}
    assert all(len(ids[r["job_key"]]) == r["plans"] >= 1 for r in rows)
    assert max(r["plans"] for r in rows) > 1  # a schedule with several visiting days
    with open_store(store_url) as store:
        stored = {p.id: p for p in store.history()}
        docs = {i: store.get(i) for i in stored}
    assert sorted(stored) == sorted(i for job in ids.values() for i in job)
    for r in rows:
        for part, i in enumerate(ids[r["job_key"]], start=1):
            p = stored[i]
            assert p.sweep == SweepTag(job=r["job_key"], kind=r["kind"], option=r["option"],
                                       part=part)
            assert (p.scenario, p.seed, p.engine, p.violations) == \
                (r["scenario"], r["seed"], "ortools", 0)

    days: dict = {}  # the scenarios the jobs planned: each job planned again here
    monkeypatch.setattr(pipeline, "planner", _recording(days))
    for job in jobs_of(spec):
        run_job(job)
    for doc in docs.values():
        day, m = days[doc["scenario"]["hash"]]
        assert check_plan(doc, day, m) == []


def test_cli_store_overrides_the_specs_and_history_names_the_job(tmp_path, monkeypatch):
    """`[sweep] store` is read relative to the SPEC; `--store URL` wins over it; `routing
    history --job KEY` lists that job's plans with its kind and option."""
    monkeypatch.setenv("ROUTING_STORE_URL", f"sqlite:///{tmp_path / 'default.sqlite'}")
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        '[sweep]\ntime_limit_s = 5\nsolution_limit = 10\nseeds = [1]\nengine = "ortools"\n'
        'shapley = false\nstore = "sqlite:///spec.sqlite"\n'
        f'\n[[scenarios]]\npath = "{DATA / "periodic"}"\nvariants = ["daily"]\n',
        encoding="utf-8")
    assert read_spec(spec_file).store == f"sqlite:///{tmp_path / 'spec.sqlite'}"
    cli_store = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    res = CliRunner().invoke(main, ["sweep", str(spec_file), "-o", str(tmp_path / "out"),
                                    "--workers", "2", "--quiet", "--store", cli_store])
    assert res.exit_code == 0, res.output
    assert f"plans of the jobs run now stored in {cli_store}" in res.output
    assert not (tmp_path / "spec.sqlite").exists()
    table = pd.read_csv(tmp_path / "out" / "results.csv")
    daily = table[table.option == "daily"].iloc[0]
    h = CliRunner().invoke(main, ["history", "--store", cli_store, "--job", daily.job_key])
    assert h.exit_code == 0, h.output
    listed = [ln for ln in h.output.splitlines() if re.match(r"\s*\d+\s+\d{4}-", ln)]
    assert len(listed) == daily.plans
    assert all(ln.endswith(f"{daily.job_key[:10]} variant daily #{k}")
               for k, ln in enumerate(listed, start=1))
    assert sorted(int(ln.split()[0]) for ln in listed) == \
        sorted(int(i) for i in str(daily.plan_ids).split())


def test_a_rerun_after_an_interrupted_sweep_stores_no_job_twice(tmp_path, client, store_url,
                                                                 monkeypatch):
    """The sweep stops after a job stored its plans but before its row was written (here:
    writing the first row fails); the rerun runs that job again and keeps its stored plans,
    listing their ids: every job's plans are in the store once."""
    from routing.sweep import runner

    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        '[sweep]\ntime_limit_s = 5\nsolution_limit = 10\nseeds = [1]\nengine = "ortools"\n'
        f'shapley = false\n\n[[scenarios]]\npath = "{DATA / "periodic"}"\n', encoding="utf-8")
    spec = read_spec(spec_file)
    real = runner._write_row

    def killed(folder, row):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_write_row", killed)
    with contextlib.suppress(KeyboardInterrupt):
        run_sweep(spec, tmp_path / "out", client=client, progress=False, store=store_url)
    monkeypatch.setattr(runner, "_write_row", real)
    with open_store(store_url) as store:
        first = {}
        for p in store.history():
            first.setdefault(p.sweep.job, []).append(p.id)
    assert first  # at least the job whose row was lost stored its plans
    assert not list((tmp_path / "out" / "jobs").glob("*.json"))

    result = run_sweep(spec, tmp_path / "out", client=client, progress=False, store=store_url)
    assert result.ran == len(jobs_of(spec)) and result.failed == 0
    with open_store(store_url) as store:
        stored = store.history()
    by_job: dict[str, list[int]] = {}
    for p in stored:
        by_job.setdefault(p.sweep.job, []).append(p.id)
    rows = {r["job_key"]: r for r in result.rows}
    assert sorted(by_job) == sorted(rows)
    for key, row in rows.items():
        ids = [int(i) for i in row["plan_ids"].split()]
        assert ids == by_job[key] and len(ids) == row["plans"]  # once per job
        if key in first:
            assert ids == first[key]  # the plans stored before the interruption

    again = run_sweep(spec, tmp_path / "out2", client=client, progress=False, store=store_url)
    assert again.ran == len(rows)  # a new OUT_DIR plans every job again ...
    with open_store(store_url) as store:
        assert len(store.history()) == len(stored)  # ... and stores nothing twice
    assert {r["job_key"]: r["plan_ids"] for r in again.rows} == \
        {k: r["plan_ids"] for k, r in rows.items()}
