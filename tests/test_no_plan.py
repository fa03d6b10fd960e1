"""No plan within the time limit is its own outcome, on every path.

The trigger is what OR-Tools returns when its time runs out before its first solution
(status FAIL_TIMEOUT, no routes: ``--engine ortools --time-limit-s 0.5`` on Xia did so on a
loaded 2-core machine). Here the OR-Tools backend is made to return exactly that whenever it
gets under 3 s — a real 0 ms limit would do it too, but the engines may get a floor of time
whatever the limit, and timing is not deterministic. The repair step can still place the
visits, so the fleet could serve them: that is no plan. ``routing plan`` exits 4 with a
message asking for more time and writes and stores nothing; ``routing compare`` reports the
option as failed, with no cost, and computes no split from it; a sweep's job is an error row,
and no Shapley split is computed from failed coalitions.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.exceptions import EXIT_NO_PLAN, NoPlanError
from routing.io import read_scenario
from routing.model.plan import PortfolioRun
from routing.pipeline import compare_scenario, no_plan, plan_scenario
from routing.report.comparison import comparison_rows, comparison_table
from routing.solve import ortools_backend
from routing.solve.raw import RawSolution
from routing.store import open_store
from routing.sweep import jobs_of, read_spec, run_job
from routing.sweep.tables import failed_games, results_table, shares_table

from .conftest import HERE, TINY

DUO = HERE / "data" / "duo"
#: Under this many seconds the OR-Tools backend runs out of time before its first solution.
SHORT_S = 3.0
NO_TIME = ["--engine", "ortools", "--time-limit-s", "1"]


@pytest.fixture(autouse=True)
def out_of_time(monkeypatch):
    """OR-Tools as it ends when its time runs out first: FAIL_TIMEOUT, no routes."""
    real = ortools_backend.solve_visits

    def solve_visits(scenario, matrices, visits, options, **kw):
        if options.time_limit_s < SHORT_S:
            return RawSolution(status="FAIL_TIMEOUT", objective=math.inf,
                               runtime_s=options.time_limit_s, sequences={}, starts={},
                               solutions=0)
        return real(scenario, matrices, visits, options, **kw)

    monkeypatch.setattr(ortools_backend, "solve_visits", solve_visits)


def test_plan_keeps_the_insertion_plan_and_says_no_engine_found_one(tmp_path):
    """`routing plan` out of engine time: the insertion plan, checked and serving every
    visit, is the day's plan; the summary and meta.engine_note say no engine found one and
    ask for more time."""
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), *NO_TIME, "--quiet",
                                  "--tiles", "none", "--lang", "en"])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["unserved"] == []  # the insertion plan, or the empty result repaired
    assert doc["meta"]["no_engine_plan"] is True
    assert "no engine found a plan within 1 s" in doc["meta"]["engine_note"]
    assert "no engine found a plan within 1 s" in r.output
    assert "Traceback" not in r.output
    # in Chinese (the default) the summary says it in Chinese; plan.json keeps the English
    zh = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(tmp_path / "zh"), *NO_TIME,
                                   "--quiet", "--tiles", "none"])
    assert zh.exit_code == 0, zh.output
    assert "限时 1 秒内没有引擎找到方案" in zh.output


def test_with_time_the_same_scenario_has_a_plan(tiny):
    """The same engine given time finds a plan: the outcome is about time, not the county."""
    plan, _ = plan_scenario(tiny, engine="ortools", time_limit_s=2 * SHORT_S,
                            solution_limit=20)
    assert plan.routes and no_plan(plan) is None


def test_no_plan_is_raised_by_the_pipeline_when_strict(tiny):
    """Comparisons, sweeps and cost splits plan strictly: an insertion plan alone is no plan."""
    with pytest.raises(NoPlanError) as exc:
        plan_scenario(tiny, engine="ortools", time_limit_s=1, strict=True)
    assert exc.value.time_limit_s == 1
    assert 0 < exc.value.servable <= exc.value.visits


def _with_runs(plan, runs):
    """The plan with ``runs`` (plan.json's shape) as its portfolio."""
    return replace(plan, meta=replace(plan.meta, portfolio=tuple(
        PortfolioRun.from_json(r) for r in runs)))


def test_a_plan_serving_nothing_servable_is_a_plan(tiny_solved):
    """What decides: every engine run served nothing while the repair served some. A plan
    whose engines served nothing because nothing fits (no repair placed anything) stays a
    plan, with its reasons."""
    plan, _ = tiny_solved
    runs = [{"engine": "ortools", "seed": 1, "stops": 0},
            {"engine": "ortools + repair", "seed": 1, "stops": 4}]
    assert no_plan(_with_runs(plan, runs)) is not None
    nothing = [{"engine": "ortools", "seed": 1, "stops": 0}]
    assert no_plan(_with_runs(plan, nothing)) is None
    one = [runs[0] | {"stops": 1}, runs[1]]
    assert no_plan(_with_runs(plan, one)) is None
    crashed = [{"engine": "pyvrp", "seed": 2, "error": "child died"}, *runs]
    assert no_plan(_with_runs(plan, crashed)) is not None
    # the insertion plan (built from no routes before the engines run) is no engine's plan
    built = [{"engine": "insertion", "seed": 1, "stops": 4}, runs[0]]
    assert no_plan(_with_runs(plan, built)) == (
        sum(len(r.stops) for r in plan.routes), 4)
    assert no_plan(_with_runs(plan, built[:1])) is None


def test_plan_store_keeps_a_plan_found_with_time(tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    ok = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(tmp_path / "a"), "--engine",
                                   "ortools", "--time-limit-s", "6", "--solution-limit", "20",
                                   "--quiet",
                                   f"--store={url}"])
    assert ok.exit_code == 0, ok.output
    with open_store(url) as store:
        plans = store.history()
    assert len(plans) == 1 and plans[0].stops > 0


def test_compare_reports_a_variant_without_plan_as_failed(tmp_path):
    """Every option out of time: failed rows without figures, no reduction, no cost split,
    exit 4, and the outputs are still written."""
    out = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", str(DUO), "-o", str(out), *NO_TIME, "--quiet",
                                  "--tiles", "none", "--lang", "en"])
    assert r.exit_code == EXIT_NO_PLAN, r.output
    assert "alliance                     FAILED: no plan within the time limit" in r.output
    assert "Error: no plan within the time limit for baseline a alone" in r.output
    doc = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    rows = {row["variant"]: row for row in doc["rows"]}
    for name in ("a alone", "carriers alone (sum)", "alliance", "every_other_day"):
        assert rows[name]["failed"] and rows[name]["cost_day"] is None
        assert rows[name]["reduction"] is None
    assert rows["alliance"]["target_met"] is False and doc["targets_met"] is False
    assert doc["cost_shares"]["methods"] == [] and doc["cost_shares"]["per_member"] == {}
    assert {(f["kind"], f["option"]) for f in doc["failed"]} == {
        ("baseline", "a alone"), ("baseline", "b alone"), ("variant", "alliance"),
        ("variant", "every_other_day")}
    assert (out / "report.html").is_file() and (out / "cost_shares.png").is_file()


def test_compare_failed_rows_in_chinese(tmp_path):
    """The default language: failed rows, the split left out and the exit message in
    Chinese, the options by name; comparison.json keeps the identifiers."""
    out = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", str(DUO), "-o", str(out), *NO_TIME, "--quiet",
                                  "--tiles", "none"])
    assert r.exit_code == EXIT_NO_PLAN, r.output
    assert "失败：限时内未找到方案" in r.output and "FAILED" not in r.output
    assert "费用分摊未计算" in r.output
    assert "错误：限时内未找到方案：基线 Carrier A 单独配送" in r.output
    assert "Traceback" not in r.output
    doc = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert {f["option"] for f in doc["failed"]} >= {"a alone", "alliance"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "未计算费用分摊" in html


def test_compare_leaves_shapley_out_when_a_coalition_has_no_plan():
    """Options planned with time, coalitions without: the costs stand, the Shapley split is
    not computed and the failed coalitions are named."""
    sc = read_scenario(DUO)
    result = compare_scenario(sc, engine="ortools", time_limit_s=2 * SHORT_S,
                              solution_limit=20, coalition_time_limit_s=1)
    shares = result["cost_shares"]
    assert "shapley" not in shares["methods"] and shares["methods"]
    assert shares["shapley_failed"] == ["a", "b"]  # a+b is the alliance, planned with time
    assert result["coalitions"] is None
    assert {f["option"] for f in result["failed"]} == {"a", "b"}
    alliance = next(r for r in comparison_rows(result) if r["variant"] == "alliance")
    assert not alliance["failed"] and alliance["cost_day"] > 0
    text = comparison_table(result)
    assert "Shapley split not computed: no plan within the time limit for coalition(s) a, b" \
        in text


def test_sweep_rows_without_plan_fail_and_no_split_is_computed(tmp_path):
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        '[sweep]\ntime_limit_s = 6\ncoalition_time_limit_s = 1\nsolution_limit = 20\n'
        f'seeds = [1]\nengine = "ortools"\n\n[[scenarios]]\npath = "{DUO}"\n',
        encoding="utf-8")
    rows = [run_job(j) for j in jobs_of(read_spec(spec_file))]
    coalitions = [r for r in rows if r["kind"] == "coalition"]
    assert len(coalitions) == 3
    for r in coalitions:
        assert r["error"].startswith("NoPlanError: no plan within the time limit")
        assert "check_passed" not in r and "cost_day" not in r
    others = [r for r in rows if r["kind"] != "coalition"]
    assert all(not r["error"] and r["check_passed"] for r in others)
    table = results_table(rows)
    assert table[table.kind == "coalition"].error.str.contains("NoPlanError").all()
    shares = shares_table(rows)
    assert len(shares) == 1 and pd.isna(shares.shapley_share[0])
    assert shares.failed_coalitions[0] == "a a+b b"
    assert failed_games(rows) == ["duo seed 1: coalition(s) a a+b b"]
