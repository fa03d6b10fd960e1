"""VRPLIB CVRP reader, .sol round trip and `routing bench` on a hand-made 5-customer instance.

The instance (tests/data/bench/cvrp/X/X-n6-k2.vrp) is made up, not an academic-licence file:
customers on two 5-unit rays and one at distance 2.5 (nint rounds it up to 3). Best plan,
capacity 10: 0-1-2-0 (5 + 5 + 10), 0-3-4-0 (the same), 0-5-0 (3 + 3): 46.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.io.benchmark_instances import read_cvrp, read_vrplib_sol, write_vrplib_sol

DATA = Path(__file__).resolve().parents[1] / "data" / "bench"
TINY_X = DATA / "cvrp" / "X" / "X-n6-k2.vrp"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"


def test_cvrp_reader_keeps_file_data_and_nint_distances():
    """Tabs and CRLF are read; distances are TSPLIB nint; X fleet is a non-binding bound."""
    bi = read_cvrp(TINY_X)
    assert (bi.name, bi.problem, bi.set_name, bi.n_customers, bi.capacity) == \
        ("X-n6-k2", "cvrp", "x", 5, 10.0)
    assert bi.delivery == (0.0, 4.0, 5.0, 4.0, 5.0, 2.0)
    assert bi.edge(0, 5) == 3.0  # 2.5 rounds half up
    assert bi.edge(1, 2) == 5.0
    assert bi.fleet >= 3
    assert int(bi.matrices.distance_m[0, 5]) == 3


def test_route_cost_and_check_on_the_original_data():
    """Cost sums nint edges; capacity and coverage are checked on the file's numbers."""
    bi = read_cvrp(TINY_X)
    best = [[1, 2], [3, 4], [5]]
    assert bi.route_cost(best) == 46.0  # 20 + 20 + 6 (2.5 → 3 each way)
    assert bi.check_routes(best) == []
    assert any("capacity" in p for p in bi.check_routes([[1, 2, 3], [4, 5]]))
    assert any("not served" in p for p in bi.check_routes([[1, 2], [3, 4]]))


def test_sol_round_trip(tmp_path):
    """write_vrplib_sol then read_vrplib_sol gives the same routes and cost."""
    routes = [[1, 2], [3, 4], [5]]
    write_vrplib_sol(tmp_path / "a.sol", routes, 45)
    assert (tmp_path / "a.sol").read_text().splitlines()[0] == "Route #1: 1 2"
    assert read_vrplib_sol(tmp_path / "a.sol") == (routes, 45.0)


def test_bench_command_runs_engines_side_by_side(tmp_path):
    """`routing bench` writes CSV, markdown and one .sol per engine; all reach the optimum."""
    out = tmp_path / "bench"
    r = CliRunner().invoke(main, ["bench", "--data", str(DATA), "--sets", "x",
                                  "--time-limit-s", "2", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((out / "results.csv").read_text().splitlines()))
    assert [x["engine"] for x in rows] == ["ours", "ortools", "pyvrp"]
    for x in rows:
        assert x["feasible"] == "True" and float(x["cost"]) == 46.0 and float(x["gap_pct"]) == 0
        routes, cost = read_vrplib_sol(out / x["engine"] / "x" / "X-n6-k2.sol")
        assert cost == 46.0 and read_cvrp(TINY_X).check_routes(routes) == []
    assert "| x | ours |" in (out / "results.md").read_text()


def test_bench_rejects_unknown_engine():
    """A misspelt engine is a usage error listing the valid ones."""
    r = CliRunner().invoke(main, ["bench", "--data", str(DATA), "--engines", "vroom"])
    assert r.exit_code == 2 and "ours, ortools, pyvrp" in r.output


@pytest.mark.skipif(not (SHARED / "bks.csv").is_file(), reason="../shared/benchmarks absent")
def test_every_shipped_cvrp_solution_recomputes_exactly():
    """All X and classic .sol files: cost equal to their Cost line, feasible."""
    files = sorted((SHARED / "cvrp").rglob("*.vrp"))
    assert len(files) == 187
    for p in files:
        bi = read_cvrp(p)
        routes, cost = read_vrplib_sol(p.with_suffix(".sol"))
        assert bi.route_cost(routes) == cost, p.name
        assert bi.check_routes(routes) == [], p.name
