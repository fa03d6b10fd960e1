"""`routing plan --engine`: the engine lands in plan.json, the summary and the check."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.io.plan_json import read_plan_json

from .conftest import TINY


@pytest.mark.parametrize("engine", ["ortools", "pyvrp"])
def test_plan_with_engine_records_it(tmp_path, engine):
    """The chosen engine is plan.json's `engine`, the file is schema-valid, `check` passes."""
    out = tmp_path / engine
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), "--solution-limit", "50",
                                  "--engine", engine, "--quiet", "--tiles", "none", "--lang",
                                  "en"])
    assert r.exit_code == 0, r.output
    assert f"solver {engine}" in r.output
    doc = read_plan_json(out / "plan.json")  # validates against plan.schema.json
    assert doc["engine"] == engine
    assert doc["meta"]["engine_requested"] == engine
    r2 = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario", str(TINY)])
    assert r2.exit_code == 0, r2.output


def test_plan_default_engine_is_auto_and_lists_both(tmp_path):
    """Without --engine the portfolio runs; the summary shows each engine's cost."""
    out = tmp_path / "auto"
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), "--solution-limit", "50",
                                  "--quiet", "--tiles", "none"])
    assert r.exit_code == 0, r.output
    assert "各搜索：" in r.output and "pyvrp" in r.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["meta"]["engine_requested"] == "auto"
    assert sorted(x["engine"] for x in doc["meta"]["portfolio"]) == ["insertion", "pyvrp",
                                                                     "pyvrp wide"]


def test_pyvrp_refusal_is_a_clean_error(tmp_path):
    """A constraint PyVRP lacks (fresh produce back at the hub within 6 h) is exit 1 with
    the constraint named, not a traceback."""
    import shutil

    county = tmp_path / "tiny"
    shutil.copytree(TINY, county)
    toml = county / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("fresh_h = 24", "fresh_h = 6"),
                    encoding="utf-8")
    r = CliRunner().invoke(main, ["plan", str(county), "-o", str(tmp_path / "o"), "--engine",
                                  "pyvrp", "--solution-limit", "10", "--quiet"])
    assert r.exit_code == 1, r.output
    assert "back at the hub by a deadline" in r.output
