"""Sweeps on a real LocalCluster with two worker processes (tests/sweep/conftest.py).

The same jobs planned in this process and on the cluster give the same rows (solution limits,
fixed seeds); a job that raises, or runs past its timeout, is an error row while the others
finish; an interrupted sweep rerun finishes without redoing what was done; every plan behind
the table was checked: each successful row says the checker passed all its plans.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.exceptions import ScenarioError
from routing.sweep import jobs_of, read_spec, run_job, run_sweep
from routing.sweep import runner as sweep_runner

from ..conftest import HERE

DATA = HERE / "data"
VOLATILE = ("worker", "solve_time_s")


def _spec(tmp_path: Path, body: str = "", scenarios: str | None = None) -> Path:
    scenarios = scenarios if scenarios is not None else (
        f'[[scenarios]]\npath = "{DATA / "duo"}"\n\n'
        f'[[scenarios]]\npath = "{DATA / "periodic"}"\nseeds = [3]\n')
    path = tmp_path / "spec.toml"
    path.write_text('[sweep]\ntime_limit_s = 5\nsolution_limit = 10\nseeds = [1, 2]\n'
                    f'engine = "ortools"\n{body}\n{scenarios}', encoding="utf-8")
    return path


def _all_checked(rows):
    """Every successful row's plans were all checked and passed."""
    ok = [r for r in rows if not r["error"]]
    assert ok and all(r["check_passed"] is True and r["violations"] == 0 and r["plans"] >= 1
                      for r in ok)


def _stable(rows):
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows]


def test_sweep_rows_equal_planning_each_job_alone(tmp_path, client):
    spec = read_spec(_spec(tmp_path))
    result = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    jobs = jobs_of(spec)
    # duo: 2 alone + 2 variants + 3 coalitions, two seeds; periodic: 1 + 2, one seed
    assert len(jobs) == len(result.rows) == 2 * 7 + 3
    assert result.ran == len(jobs) and result.failed == 0
    assert _stable(result.rows) == _stable([run_job(j) for j in jobs])
    assert {r["worker"] for r in result.rows} <= set(client.scheduler_info()["workers"])
    assert all(r["violations"] == 0 and r["unserved_lines"] == 0 for r in result.rows)
    _all_checked(result.rows)
    table = pd.read_parquet(tmp_path / "out" / "results.parquet")
    assert table.check_passed.all() and (table.plans >= 1).all()
    alliance = table[(table.scenario == "duo") & (table.option == "alliance")]
    assert list(alliance.reduction.round(4)) == [0.4569, 0.4569]  # 1 - 176.48 / (2 x 162.48)
    assert alliance.target_met.all()
    shares = pd.read_csv(tmp_path / "out" / "shares.csv")
    assert list(shares.shapley_share) == [88.24] * 4  # symmetric members, both seeds


def test_a_failing_job_is_an_error_row_and_the_rest_finish(tmp_path, client):
    """Carrier b has parcels but no van of its own: its baseline job raises."""
    duo = tmp_path / "duo"
    shutil.copytree(DATA / "duo", duo)
    vehicles = duo / "vehicles.csv"
    vehicles.write_text("".join(line for line in vehicles.read_text().splitlines(True)
                                if not line.startswith("van_b")), encoding="utf-8")
    spec = read_spec(_spec(tmp_path, scenarios=f'[[scenarios]]\npath = "{duo}"\n'))
    result = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    failed = [r for r in result.rows if r["error"]]
    assert [(r["kind"], r["option"]) for r in failed] == [("baseline", "b")] * 2
    assert "carrier 'b' has parcels but no vehicle of its own" in failed[0]["error"]
    assert len(result.rows) - len(failed) == 12 and result.failed == 2
    _all_checked(result.rows)
    table = pd.read_csv(tmp_path / "out" / "results.csv")
    assert len(table) == 14 and table.error.notna().sum() == 2


def test_an_interrupted_sweep_rerun_skips_finished_jobs(tmp_path, client):
    spec = read_spec(_spec(tmp_path))
    seen = []

    def stop_after_three(row):
        seen.append(row["job_key"])
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, tmp_path / "out", client=client, progress=False,
                  on_row=stop_after_three)
    jobs_dir = tmp_path / "out" / "jobs"
    before = {f.name: f.stat().st_mtime_ns for f in jobs_dir.glob("*.json")}
    assert len(before) == 3
    result = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    assert result.skipped == 3 and result.ran == len(jobs_of(spec)) - 3
    assert all((jobs_dir / n).stat().st_mtime_ns == t for n, t in before.items())
    _all_checked(result.rows)
    again = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    assert again.ran == 0 and again.skipped == len(result.rows)



def test_jobs_past_their_timeout_are_error_rows_and_a_rerun_retries_them(tmp_path, client,
                                                                         monkeypatch):
    """Two jobs run long (60 s budget, no solution limit), one on each worker, past
    job_timeout_s = 2: their rows say they timed out; the two jobs Dask queued behind them are
    not charged their wait and finish once the workers restart (with the matrices computed
    again, both holders having restarted); a rerun runs only the two that timed out."""
    duo = tmp_path / "duo"
    shutil.copytree(DATA / "duo", duo)
    toml = duo / "scenario.toml"  # no solution limit of its own: the solver runs its time out
    toml.write_text(toml.read_text().replace("solution_limit = 30\n", ""), encoding="utf-8")
    spec = read_spec(_spec(tmp_path, "shapley = false\njob_timeout_s = 2\n",
                           f'[[scenarios]]\npath = "{duo}"\nseeds = [1]\n'))
    jobs = jobs_of(spec)
    assert [j.name for j in jobs] == ["a", "b", "alliance", "every_other_day"]
    slow = {j.key for j in jobs[:2]}  # submitted first: one starts on each worker

    def two_slow(s):
        return [replace(j, time_limit_s=60.0, solution_limit=None) if j.key in slow else j
                for j in jobs_of(s)]

    monkeypatch.setattr(sweep_runner, "jobs_of", two_slow)
    started = time.monotonic()
    result = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    assert time.monotonic() - started < 30  # far from the slow jobs' 60 s
    errors = {r["option"]: r["error"] for r in result.rows}
    assert errors == {"a": "timed out after 2 s", "b": "timed out after 2 s", "alliance": "",
                      "every_other_day": ""}
    assert (result.ran, result.failed) == (4, 2)
    _all_checked(result.rows)
    monkeypatch.undo()
    again = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    assert (again.ran, again.skipped, again.failed) == (2, 2, 0)
    assert len(client.scheduler_info()["workers"]) == 2  # both restarted workers are back

DUO_TABLE = f'[[scenarios]]\npath = "{DATA / "duo"}"\n'


@pytest.mark.parametrize(("text", "message"), [
    ("[sweep]\ncolour = 1\n" + DUO_TABLE, "[sweep]: unknown key 'colour'"),
    ('[sweep]\nengine = "cplex"\n' + DUO_TABLE, "engine must be one of {ortools, pyvrp, auto}"),
    ("[sweep]\nseeds = []\n" + DUO_TABLE, "seeds must be a non-empty list of whole numbers"),
    ("[sweep]\ntime_limit_s = -1\n" + DUO_TABLE, "time_limit_s must be > 0 seconds"),
    # TOML has nan and inf; 1e308 s overflows the engines; PyVRP raises on a 64-bit seed
    ("[sweep]\ntime_limit_s = nan\n" + DUO_TABLE, "time_limit_s must be > 0 seconds and <= "
     "86400 (24 h); got nan"),
    ("[sweep]\ncoalition_time_limit_s = 1e308\n" + DUO_TABLE,
     "coalition_time_limit_s must be > 0 seconds and <= 86400 (24 h); got 1e+308"),
    ("[sweep]\njob_timeout_s = inf\n" + DUO_TABLE, "job_timeout_s must be a finite number > 0"),
    ("[sweep]\nseeds = [1, 9223372036854775807]\n" + DUO_TABLE,
     "seeds must be a non-empty list of whole numbers in 0..2147483647"),
    ("[sweep]\nsolution_limit = 0\n" + DUO_TABLE,
     "solution_limit must be a whole number >= 1 and <= 2147483647; got 0"),
    ('[[scenarios]]\npath = "nowhere"\n', "path 'nowhere' is not a scenario folder"),
    ("[sweep]\n", "needs at least one [[scenarios]] table"),
    ("[sweep\n", "not valid TOML"),
    ('[sweep]\nstore = "mysql://u@host/db"\n' + DUO_TABLE,
     "[sweep] store: store URL 'mysql://u@host/db': database must be one of {sqlite, "
     "postgresql}"),
    ("[sweep]\nstore = 1\n" + DUO_TABLE, "[sweep] store: must be a database URL in quotes"),
])
def test_bad_spec_is_named(tmp_path, text, message):
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_spec(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_variant_is_named(tmp_path):
    spec = read_spec(_spec(tmp_path, scenarios=f'[[scenarios]]\npath = "{DATA / "duo"}"\n'
                                               'variants = ["alliance", "weekly"]\n'))
    with pytest.raises(ValueError, match=r"no variant \['weekly'\]"):
        jobs_of(spec)


def test_cli_sweep_on_a_local_cluster(tmp_path):
    spec = _spec(tmp_path, 'shapley = false\n',
                 f'[[scenarios]]\npath = "{DATA / "periodic"}"\nseeds = [1]\n')
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(out), "--workers", "2",
                                    "--quiet"])
    assert res.exit_code == 0, res.output
    assert "3 jobs: 3 run now, 0 done before, 0 failed" in res.output
    for name in ("results.parquet", "results.csv", "results.xlsx", "shares.csv"):
        assert (out / name).is_file()
    again = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(out), "--scheduler",
                                      "tcp://127.0.0.1:1", "--quiet"])
    assert again.exit_code == 0  # nothing left to run: no scheduler needed
    assert "3 jobs: 0 run now, 3 done before" in again.output
    fresh = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(tmp_path / "new"),
                                      "--scheduler", "tcp://127.0.0.1:1", "--quiet"])
    assert fresh.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in fresh.output
    assert "Traceback" not in fresh.output


def test_cli_sweep_refuses_zero_workers(tmp_path):
    spec = _spec(tmp_path, scenarios=f'[[scenarios]]\npath = "{DATA / "periodic"}"\n')
    res = CliRunner().invoke(main, ["sweep", str(spec), "-o", str(tmp_path / "o"),
                                    "--workers", "0"])
    assert res.exit_code == 2 and "Invalid value for '--workers'" in res.output
