"""Literature benchmark readers: parsing, conventions, the shipped BKS, planted violations.

Needs the shared benchmark folder (``../shared/benchmarks`` next to the repo, or
``$ROUTING_BENCH_DATA``); skipped when it is absent. One tiny instance is written here so the
limit checks run everywhere.
"""

from __future__ import annotations

import csv
import math
import os
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import vrplib

from routing.io.benchmark_instances import (
    BenchInstanceError,
    read_cvrp,
    read_lkh_tour,
    read_solomon,
    read_vrplib_sol,
    read_vrpspd,
    write_vrplib_sol,
)
from routing.network.matrix import vehicle_duration_s
from routing.pipeline import check_scenario_plan, plan_scenario

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("ROUTING_BENCH_DATA") or ROOT.parent / "shared" / "benchmarks")

needs_data = pytest.mark.skipif(not (DATA / "bks.csv").is_file(),
                                reason=f"benchmark folder {DATA} is absent")


def _bks(set_name: str, instance: str) -> float:
    with (DATA / "bks.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            if r["set"] == set_name and r["instance"] == instance:
                return float(r["bks_cost"])
    raise KeyError(instance)


def _tour(folder: str, name: str) -> Path:
    (path,) = [p for p in (DATA / "vrpspd" / folder / "tours").glob(f"{name}.*.tour")
               if p.name.count(".") == 2]
    return path


@pytest.fixture(scope="module")
def c101():
    return read_solomon(DATA / "vrptw" / "solomon" / "C101.txt")


@pytest.fixture(scope="module")
def con30():
    return read_vrpspd(DATA / "vrpspd" / "dethloff" / "CON3-0.vrpspd")


@pytest.fixture(scope="module")
def cmt1x():
    return read_vrpspd(DATA / "vrpspd" / "salhi_nagy" / "CMT1X.vrpspd")


@needs_data
def test_read_solomon_c101(c101):
    assert (c101.name, c101.problem, c101.set_name) == ("C101", "vrptw", "solomon")
    assert (c101.n_customers, c101.fleet, c101.capacity) == (100, 25, 200)
    assert c101.coords[0] == (40, 50) and c101.coords[1] == (45, 68)
    assert (c101.ready[1], c101.due[1], c101.service[1], c101.delivery[1]) == (912, 967, 90, 10)
    sc, m = c101.scenario, c101.matrices
    assert len(sc.stations) == 101 and len(sc.demand) == 100
    assert sc.vehicle_types[0].count == 25 and sc.vehicle_types[0].capacity_kg == 200
    # Depot horizon 1236 and service 90 at 0.1 time units; travel time = truncated distance.
    assert sc.station("D").close_s == 12360 and sc.station("C1").service_s == 900
    assert (sc.station("C1").open_s, sc.station("C1").close_s) == (9120, 9670)
    assert sc.vehicle_types[0].max_shift_s == 12360
    # d(0, 1) = sqrt(25 + 324) = 18.681... -> 18.6 -> 186 tenths, both distance and time.
    assert m.distance_m[0, 1] == 186 and m.duration_s[0, 1] == 186
    assert np.array_equal(vehicle_duration_s(m, sc.vehicle_types[0].speed_kph), m.duration_s)
    assert c101.scale == 10 and c101.time_scale == 10


@needs_data
def test_read_dethloff_con30(con30):
    assert (con30.n_customers, con30.fleet, con30.capacity) == (50, 4, 8080987)
    assert con30.coords is None and con30.explicit is not None
    assert con30.explicit[0][1] == 174413 and con30.edge(0, 1) == pytest.approx(17.4413)
    # Node 2 of the file is customer 1: pickup 1015547, delivery 109447.
    assert (con30.pickup[1], con30.delivery[1]) == (1015547, 109447)
    m = con30.matrices
    assert np.array_equal(m.distance_m, np.array(con30.explicit))
    assert np.array_equal(vehicle_duration_s(m, 130), m.duration_s)
    lines = {ln.id: ln for ln in con30.scenario.demand}
    assert lines["C1-up"].kg == 1015547 and lines["C1-down"].kg == 109447
    assert con30.distance_limit is None and con30.scenario.vehicle_types[0].max_shift_s == 86400


@needs_data
def test_read_salhi_nagy_cmt1x(cmt1x):
    assert (cmt1x.n_customers, cmt1x.fleet, cmt1x.capacity) == (50, 3, 16000)
    assert cmt1x.coords[0] == (30, 40) and cmt1x.coords[1] == (37, 52)
    assert (cmt1x.pickup[1], cmt1x.delivery[1]) == (202, 498)
    assert (cmt1x.pickup[2], cmt1x.delivery[2]) == (0, 3000)
    assert cmt1x.edge(0, 1) == pytest.approx(math.hypot(7, 12))
    assert cmt1x.matrices.distance_m[0, 1] == round(math.hypot(7, 12) * 1000)
    assert "C2-up" not in {ln.id for ln in cmt1x.scenario.demand}  # zero pickup: no line


@needs_data
def test_solomon_bks_solution_reproduces(c101):
    routes, cost = read_vrplib_sol(DATA / "vrptw" / "solomon" / "solutions_distance_dimacs"
                                   / "C101.sol")
    assert c101.route_cost(routes) == cost == _bks("vrptw_solomon_distance", "C101") == 827.3
    assert c101.check_routes(routes) == []


@needs_data
@pytest.mark.parametrize(("folder", "name", "bks_set"), [
    ("dethloff", "CON3-0", "vrpspd_dethloff"), ("salhi_nagy", "CMT1X", "vrpspd_salhi_nagy"),
    ("salhi_nagy", "CMT6X", "vrpspd_salhi_nagy")])
def test_lkh_tour_reproduces_bks(folder, name, bks_set):
    bi = read_vrpspd(DATA / "vrpspd" / folder / f"{name}.vrpspd")
    routes = read_lkh_tour(_tour(folder, name), bi.n_customers + 1)
    assert sorted(c for r in routes for c in r) == list(range(1, bi.n_customers + 1))
    assert len(routes) <= bi.fleet
    assert bi.route_cost(routes) == pytest.approx(_bks(bks_set, name), abs=0.01)
    assert bi.check_routes(routes) == []


@needs_data
def test_planted_violations_vrptw(c101):
    routes, _ = read_vrplib_sol(DATA / "vrptw" / "solomon" / "solutions_distance_dimacs"
                                / "C101.sol")
    twice = [r[:] for r in routes]
    twice[1].append(twice[0][0])
    assert any("served 2 times" in p for p in c101.check_routes(twice))
    missing = [r[:] for r in routes]
    gone = missing[0].pop()
    assert f"customer {gone} is not served" in c101.check_routes(missing)
    merged = [routes[0] + routes[1], *routes[2:]]
    assert any("exceeds capacity" in p for p in c101.check_routes(merged))
    late = [list(reversed(routes[0])), *routes[1:]]
    assert any(" due " in p for p in c101.check_routes(late))
    assert any("unknown customers" in p for p in c101.check_routes([*routes, [101]]))


@needs_data
def test_planted_violations_vrpspd(con30):
    routes = read_lkh_tour(_tour("dethloff", "CON3-0"), con30.n_customers + 1)
    merged = [routes[0] + routes[1], *routes[2:]]
    assert any("capacity" in p for p in con30.check_routes(merged))
    split = [[c] for r in routes for c in r]
    assert any("the fleet has 4" in p for p in con30.check_routes(split))
    cmt6 = read_vrpspd(DATA / "vrpspd" / "salhi_nagy" / "CMT6X.vrpspd")
    tour = read_lkh_tour(_tour("salhi_nagy", "CMT6X"), cmt6.n_customers + 1)
    long = [tour[0] + tour[1], *tour[2:]]
    assert any("exceeds the limit 200" in p for p in cmt6.check_routes(long))


def _model_schedule_ok(bi, routes) -> bool:
    """Replay routes in the model's integer units: windows, depot hours and shift hold."""
    m, idx = bi.matrices, bi.matrices.index()
    sc = bi.scenario
    depot, vt = sc.station("D"), sc.vehicle_types[0]
    for r in routes:
        t, prev = depot.open_s, idx["D"]
        for c in r:
            st = sc.station(bi.station_id(c))
            t = max(t + int(m.duration_s[prev, idx[st.id]]), st.open_s)
            if t > st.close_s:
                return False
            t += st.service_s
            prev = idx[st.id]
        t += int(m.duration_s[prev, idx["D"]])
        if t > depot.close_s or t - depot.open_s > vt.max_shift_s:
            return False
    return True


@needs_data
def test_bks_routes_fit_the_model(c101):
    """The model's integer data admit the BKS: same distance, windows and shifts hold."""
    routes, cost = read_vrplib_sol(DATA / "vrptw" / "solomon" / "solutions_distance_dimacs"
                                   / "C101.sol")
    m, idx = c101.matrices, c101.matrices.index()
    total = 0
    for r in routes:
        path = ["D", *(c101.station_id(c) for c in r), "D"]
        total += sum(int(m.distance_m[idx[a], idx[b]]) for a, b in pairwise(path))
    assert total / c101.scale == cost
    assert _model_schedule_ok(c101, routes)
    assert not _model_schedule_ok(c101, [list(reversed(routes[0])), *routes[1:]])
    cmt6 = read_vrpspd(DATA / "vrpspd" / "salhi_nagy" / "CMT6X.vrpspd")
    assert cmt6.time_scale == 432 and cmt6.scenario.vehicle_types[0].max_shift_s == 200 * 432
    assert _model_schedule_ok(cmt6, read_lkh_tour(_tour("salhi_nagy", "CMT6X"),
                                                  cmt6.n_customers + 1))


@needs_data
@pytest.mark.parametrize("which", ["c101", "cmt1x"])
def test_quick_solve_passes_both_checkers(which, request):
    bi = request.getfixturevalue(which)
    plan, m = plan_scenario(bi.scenario, bi.matrices, time_limit_s=10, seed=1,
                            solution_limit=2)
    routes = bi.routes_from_plan(plan)
    assert not plan.unserved
    assert check_scenario_plan(plan, bi.scenario, m) == []
    assert bi.check_routes(routes) == []
    assert bi.model_distance(plan) == pytest.approx(bi.route_cost(routes), abs=0.05)


def _solomon_text(service: int = 10, due0: int = 200) -> str:
    rows = [(0, 0, 0, 0, 0, due0, 0), (1, 3, 4, 5, 0, 100, service), (2, 6, 8, 5, 0, 150,
                                                                        service)]
    body = "\r\n".join(f"{a:5d}{b:8d}{c:8d}{d:8d}{e:8d}{f:8d}{g:8d}" for a, b, c, d, e, f, g
                       in rows)
    return ("TINY\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         10\r\n\r\nCUSTOMER\r\n"
            "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n"
            f"\r\n{body}\r\n")


def test_tiny_solomon_and_sol_roundtrip(tmp_path):
    p = tmp_path / "TINY.txt"
    p.write_text(_solomon_text(), newline="")
    bi = read_solomon(p)
    assert bi.n_customers == 2 and bi.matrices.distance_m[0, 1] == 50
    assert bi.route_cost([[1, 2]]) == 5 + 5 + 10
    assert bi.check_routes([[1, 2]]) == []
    write_vrplib_sol(tmp_path / "t.sol", [[1, 2], []], 20.0)
    assert read_vrplib_sol(tmp_path / "t.sol") == ([[1, 2]], 20.0)


def test_limits_raise_naming_the_instance(tmp_path):
    p = tmp_path / "BIG.txt"
    p.write_text(_solomon_text(service=2000).replace("TINY", "BIGSERVICE"), newline="")
    with pytest.raises(BenchInstanceError, match=r"'BIGSERVICE'.*14400"):
        read_solomon(p)
    p.write_text(_solomon_text(due0=10_000).replace("TINY", "LONGDAY"), newline="")
    bi = read_solomon(p)  # horizon 10,000 × 10 > one day: a coarser, documented time scale
    assert bi.time_scale == 8 and any("time scale 8" in n for n in bi.notes)
    p.write_text(_solomon_text(due0=100_000).replace("TINY", "TOOLONG"), newline="")
    with pytest.raises(BenchInstanceError, match="'TOOLONG'"):
        read_solomon(p)


# --- vrplib: .sol writing and bad files --------------------------------------------------------

TINY_X = ROOT / "tests" / "data" / "bench" / "cvrp" / "X" / "X-n6-k2.vrp"


def test_written_sol_reads_back_through_vrplib(tmp_path):
    """write_vrplib_sol writes with vrplib; vrplib.read_solution gives back routes and cost."""
    path = tmp_path / "X-n6-k2.sol"
    write_vrplib_sol(path, [[1, 2], [], [3, 4], [5]], 46.25)
    sol = vrplib.read_solution(path)
    assert sol["routes"] == [[1, 2], [3, 4], [5]] and sol["cost"] == 46.25
    assert read_vrplib_sol(path) == ([[1, 2], [3, 4], [5]], 46.25)
    bi = read_cvrp(TINY_X)
    write_vrplib_sol(path, [[1, 2], [3, 4], [5]], bi.route_cost([[1, 2], [3, 4], [5]]))
    assert vrplib.read_solution(path) == {"routes": [[1, 2], [3, 4], [5]], "cost": 46}


def _tiny_x(old: str, new: str) -> str:
    text = TINY_X.read_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("reader", "text", "expect"), [
    # vrplib would fail with a bare ValueError on these, or read them wrong without a word
    (read_cvrp, lambda: _tiny_x("2\t3\t4", "2\t3\tabc"),
     r"line 9: NODE_COORD_SECTION row '2\\t3\\tabc' is not valid: 'node x y', 3 finite numbers"),
    (read_cvrp, lambda: _tiny_x("3\t5", "7\t5"), r"line 17: DEMAND_SECTION row 3 is for node "
                                                 r"'7'; rows must list nodes 1\.\.6 in order"),
    (read_cvrp, lambda: _tiny_x("6\t2", "6\t-2"), r"line 20: .*demand -2 is negative"),
    (read_cvrp, lambda: _tiny_x("DIMENSION : \t6", "DIMENSION : \tsix"),
     r"line 4: DIMENSION 'six' is not valid: a whole number ≥ 2"),
    (read_cvrp, lambda: _tiny_x("EUC_2D", "GEO"), r"line 5: EDGE_WEIGHT_TYPE GEO is not "
                                                  r"supported; valid: EUC_2D, EXPLICIT"),
    (read_cvrp, lambda: "\x00\x01garbage\nmore garbage\n",
     r"line 1: '\\x00\\x01garbage' is neither a 'KEY : value'"),
    # vrplib alone would read 5.5 as -1 (numpy.genfromtxt, dtype=int) without a word
    (read_solomon, lambda: _solomon_text().replace("   5       0     100", "   5.5     0     100"),
     r"line 11: customer row .*'5\.5' is not a whole number"),
    (read_solomon, lambda: _solomon_text().replace("VEHICLE", "VEHICLES?").replace("NUMBER",
                                                                                   "NUM"),
     r"line 4: expected a line with NUMBER CAPACITY"),
    (read_vrplib_sol, lambda: "Route #1: 1 2\nRoute #2: 3 x\nCost 9\n",
     r"line 2: 'Route #2: 3 x' is not valid"),
    (read_lkh_tour, lambda: "TOUR_SECTION\n1\n2\nfoo\n-1\nEOF\n", r"line 4: tour node 'foo'"),
])
def test_bad_files_name_file_line_and_value(tmp_path, reader, text, expect):
    """A garbage or malformed file is a BenchInstanceError naming the file and the line."""
    path = tmp_path / "bad.txt"
    path.write_text(text(), newline="")
    args = (path, 3) if reader is read_lkh_tour else (path,)
    with pytest.raises(BenchInstanceError, match=expect) as e:
        reader(*args)
    assert str(path) in str(e.value)


def test_undecodable_and_missing_files_are_bench_errors(tmp_path):
    path = tmp_path / "X-n6-k2.vrp"
    path.write_bytes(b"NAME : \xff\xfe\x00\n")
    with pytest.raises(BenchInstanceError, match="cannot be read as text"):
        read_cvrp(path)
    with pytest.raises(BenchInstanceError, match="cannot be read as text"):
        read_vrpspd(tmp_path / "absent.vrpspd")
