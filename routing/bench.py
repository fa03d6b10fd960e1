"""Solve literature instances (CVRP, VRPTW, VRPSPD) with our engines and the peers; gap to BKS.

Usage: routing bench [--data DIR] [--sets x,solomon,dethloff] [--instances 'C101,X-n1*']
       [--engines ours,ortools,pyvrp] [--time-limit-s 10] [--seed 1] [--out out/bench]
(or python benchmarks/bench_literature.py with the same options).

Each instance is read by routing.io.benchmark_instances into a Scenario and its Matrices and
solved, in the same process and one after another, by each engine: ``ours`` is
routing.pipeline.plan_scenario with ``--engine auto``, exactly as a county scenario is;
``ortools`` is OR-Tools with the usual parameters (PATH_CHEAPEST_ARC + GUIDED_LOCAL_SEARCH,
``--engine ortools``); ``pyvrp`` is PyVRP with its default parameters, every client required and
cost = distance (routing.solve.solve_pyvrp_default). The plan goes
through the project's independent checker (routing.pipeline.check_scenario_plan) and through
the instance's own checker (BenchInstance.check_routes, on the original data); the cost is
recomputed from the original data with the instance's rounding convention and compared with
bks_cost in bks.csv. Peak RSS is the process's high-water mark during that instance (reset
through /proc/self/clear_refs before each one; the process peak so far where that fails).
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import functools
import os
import platform
import re
import resource
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from routing.io.benchmark_instances import (
    BenchInstance,
    BenchInstanceError,
    read_cvrp,
    read_solomon,
    read_vrpspd,
    write_vrplib_sol,
)
from routing.model.plan import Plan
from routing.pipeline import check_scenario_plan, plan_scenario
from routing.solve import solve_pyvrp_default
from routing.solve.portfolio import own_peak_mb
from routing.solve.raw import FOUND

ROOT = Path(__file__).resolve().parents[1]  #: the repository, in a source checkout

#: set name -> (folder under the data root, file glob, bks.csv set, reader)
SETS: dict[str, tuple[str, str, str, Callable[..., BenchInstance]]] = {
    "x": ("cvrp/X", "*.vrp", "cvrp_X", read_cvrp),
    "a": ("cvrp/classic/A", "*.vrp", "cvrp_A", read_cvrp),
    "b": ("cvrp/classic/B", "*.vrp", "cvrp_B", read_cvrp),
    "e": ("cvrp/classic/E", "*.vrp", "cvrp_E", read_cvrp),
    "p": ("cvrp/classic/P", "*.vrp", "cvrp_P", read_cvrp),
    "solomon": ("vrptw/solomon", "*.txt", "vrptw_solomon_distance", read_solomon),
    "dethloff": ("vrpspd/dethloff", "*.vrpspd", "vrpspd_dethloff", read_vrpspd),
    "salhi_nagy": ("vrpspd/salhi_nagy", "*.vrpspd", "vrpspd_salhi_nagy", read_vrpspd),
    "montane_galvao": ("vrpspd/montane_galvao", "*.vrpspd", "vrpspd_montane_galvao",
                       read_vrpspd),
}
DEFAULT_SETS = "x,solomon"  # the same defaults as `routing bench` (routing/cli.py)
ENGINES = ("ours", "ortools", "pyvrp")

COLUMNS = ["set", "instance", "engine", "engine_used", "n", "fleet", "vehicles", "cost", "bks",
           "gap_pct", "first_s",
           "wall_s", "rss_mb", "feasible", "unserved", "model_violations", "own_violations",
           "model_minus_true", "status", "error"]


def default_data() -> Path:
    """$ROUTING_BENCH_DATA, else ../shared/benchmarks from the working folder, else next to
    the repository."""
    env = os.environ.get("ROUTING_BENCH_DATA")
    if env:
        return Path(env)
    here = Path.cwd().parent / "shared" / "benchmarks"
    return here if here.is_dir() else (ROOT.parent / "shared" / "benchmarks")


def _natural(s: str) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]


def read_bks(path: Path) -> dict[tuple[str, str], float]:
    with path.open(newline="") as f:
        return {(r["set"], r["instance"]): float(r["bks_cost"]) for r in csv.DictReader(f)
                if r["bks_cost"]}


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb(reset_ok: bool) -> float:
    peak = own_peak_mb() if reset_ok else None
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def instance_files(data: Path, set_name: str, patterns: list[str]) -> list[Path]:
    folder, glob, _, _ = SETS[set_name]
    files = sorted((data / folder).glob(glob), key=lambda p: _natural(p.stem))
    if patterns:
        files = [p for p in files
                 if any(fnmatch.fnmatchcase(p.stem.lower(), g.lower()) for g in patterns)]
    return files


def _solve(bi: BenchInstance, engine: str, *, time_limit_s: float, seed: int) -> Plan:
    """One engine on one instance (see the module docstring for what each engine is)."""
    if engine == "pyvrp":
        return solve_pyvrp_default(bi.scenario, bi.matrices, time_limit_s=time_limit_s,
                                   seed=seed)
    sc = bi.scenario
    if engine == "ortools":
        sc = replace(sc, solve=replace(sc.solve, first_solution="PATH_CHEAPEST_ARC",
                                       metaheuristic="GUIDED_LOCAL_SEARCH"))
    plan, _ = plan_scenario(sc, bi.matrices, time_limit_s=time_limit_s, seed=seed,
                            engine="auto" if engine == "ours" else "ortools")
    return plan


def _portfolio(plan: Plan) -> list[dict[str, object]]:
    """The plan's portfolio runs (``meta.portfolio``), [] without one."""
    return [r.to_json() for r in plan.meta.portfolio or ()]


def _first_s(plan: Plan) -> float | None:
    """Time to the first solution; with a portfolio, the earliest of its engines."""
    runs = [r.get("first_solution_s") for r in _portfolio(plan)]
    times = [float(t) for t in [plan.meta.first_solution_s, *runs]
             if isinstance(t, int | float)]
    return min(times) if times else None


def run_one(path: Path, set_name: str, bks: dict[tuple[str, str], float], *,
            time_limit_s: float, seed: int, out: Path, engine: str = "ours"
            ) -> dict[str, object]:
    """Solve one instance with one engine; check it twice; write its .sol; one result row."""
    _, _, bks_set, reader = SETS[set_name]
    row: dict[str, object] = {c: "" for c in COLUMNS}
    row.update(set=set_name, instance=path.stem, engine=engine)
    try:
        bi = reader(path, set_name=set_name)
    except BenchInstanceError as e:
        row.update(feasible=False, error=str(e))
        return row
    row.update(instance=bi.name, n=bi.n_customers, fleet=bi.fleet)
    reset_ok = _reset_peak()
    t0 = time.perf_counter()
    plan = _solve(bi, engine, time_limit_s=time_limit_s, seed=seed)
    m = bi.matrices
    wall = time.perf_counter() - t0
    # The portfolio's PyVRP child runs alongside this process: its peak counts too.
    rss = _peak_mb(reset_ok) + max((float(x) for r in _portfolio(plan)
                                    if isinstance(x := r.get("peak_rss_mb"), int | float)),
                                   default=0.0)
    first = [f] if (f := _first_s(plan)) is not None else []
    routes = bi.routes_from_plan(plan)
    model_bad = check_scenario_plan(plan, bi.scenario, m)
    own_bad = bi.check_routes(routes)
    cost = bi.route_cost(routes)
    ref = bks.get((bks_set, bi.name))
    unserved = sum(1 for u in plan.unserved)
    feasible = not model_bad and not own_bad and unserved == 0
    complete = unserved == 0 and not any("not served" in p for p in own_bad)
    row.update(
        engine_used=plan.engine, vehicles=len(routes), cost=round(cost, 4) if routes else "",
        bks=ref if ref is not None else "",
        # A plan that leaves customers out is not comparable with a BKS: no gap for it.
        gap_pct=round((cost - ref) / ref * 100, 3) if ref and complete else "",
        first_s=round(first[0], 3) if first else "", wall_s=round(wall, 2),
        rss_mb=round(rss, 1), feasible=feasible, unserved=unserved,
        model_violations=len(model_bad), own_violations=len(own_bad),
        model_minus_true=round(bi.model_distance(plan) - cost, 4), status=plan.status,
        error="; ".join([*(str(v) for v in model_bad[:2]), *own_bad[:2]]) if routes
        else f"no solution within the time limit (status {plan.status})"
        if plan.status not in FOUND
        else f"a plan with no route: all {unserved} customers left unserved "
             f"(status {plan.status})")
    if not routes:
        return row
    sol_dir = out / engine / set_name
    sol_dir.mkdir(parents=True, exist_ok=True)
    write_vrplib_sol(sol_dir / f"{bi.name}.sol", routes,
                     round(cost, 1) if bi.problem == "vrptw" else round(cost, 4))
    return row


HEAD = (f"{'set':<15}{'instance':<13}{'engine':<8}{'n':>5}{'veh':>5}{'cost':>11}{'BKS':>10}"
        f"{'gap %':>8}{'first s':>8}{'wall s':>8}{'RSS MB':>8}{'feasible':>9}{'unserved':>9}")


def _num(v: object, f: str) -> str:
    return format(v, f) if isinstance(v, int | float) and not isinstance(v, bool) else "-"


def fmt_row(r: dict[str, object]) -> str:
    """One result row for the terminal."""
    lead = f"{r['set']:<15}{r['instance']:<13}{r['engine']:<8}"
    if r["error"] and r["cost"] == "":
        return f"{lead}  ERROR {r['error']}"
    return (f"{lead}{_num(r['n'], 'd'):>5}{_num(r['vehicles'], 'd'):>5}"
            f"{_num(r['cost'], '.2f'):>11}{_num(r['bks'], '.2f'):>10}"
            f"{_num(r['gap_pct'], '.2f'):>8}{_num(r['first_s'], '.2f'):>8}"
            f"{_num(r['wall_s'], '.2f'):>8}{_num(r['rss_mb'], '.0f'):>8}"
            f"{'yes' if r['feasible'] else 'NO':>9}{_num(r['unserved'], 'd'):>9}")


def summarize(rows: list[dict[str, Any]]) -> list[dict[str, object]]:
    """Per set and engine: feasible count, median / mean / max gap over feasible instances."""
    out = []
    keys = dict.fromkeys((r["set"], r["engine"]) for r in rows)
    for s, e in keys:
        rs = [r for r in rows if r["set"] == s and r["engine"] == e]
        gaps = [float(r["gap_pct"]) for r in rs if r["feasible"] and r["gap_pct"] != ""]
        firsts = [float(r["first_s"]) for r in rs if r["first_s"] != ""]
        rss = [float(r["rss_mb"]) for r in rs if r["rss_mb"] != ""]
        rnd = [abs(float(r["model_minus_true"])) for r in rs if r["model_minus_true"] != ""]
        out.append({"set": s, "engine": e, "instances": len(rs),
                    "feasible": sum(bool(r["feasible"]) for r in rs),
                    "median_gap": statistics.median(gaps) if gaps else float("nan"),
                    "mean_gap": statistics.fmean(gaps) if gaps else float("nan"),
                    "max_gap": max(gaps) if gaps else float("nan"),
                    "median_first_s": statistics.median(firsts) if firsts else float("nan"),
                    "max_rss_mb": max(rss) if rss else float("nan"),
                    "max_rounding": max(rnd) if rnd else 0.0})
    return out


def _f(v: object, spec: str) -> str:
    """A number formatted, or '-' for a missing value (no solution, no BKS)."""
    return format(float(v), spec) if isinstance(v, int | float | str) and v != "" else "-"


def write_outputs(out: Path, rows: list[dict[str, object]], summary: list[dict[str, object]],
                  header: list[str]) -> None:
    """results.csv (every column) and results.md (per instance and engine, then summary)."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    md = [*header, "",
          "| set | instance | engine | n | vehicles | cost | BKS | gap % | first s | wall s "
          "| RSS MB | feasible | unserved |",
          "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        if r["cost"] == "":
            md.append(f"| {r['set']} | {r['instance']} | {r['engine']} | | | | | | | | | "
                      f"error: {r['error']} | |")
            continue
        md.append(f"| {r['set']} | {r['instance']} | {r['engine']} | {r['n']} | "
                  f"{r['vehicles']} | {_f(r['cost'], '.2f')} | {_f(r['bks'], '.2f')} | "
                  f"{_f(r['gap_pct'], '.2f')} | {_f(r['first_s'], '.2f')} | "
                  f"{_f(r['wall_s'], '.2f')} | {_f(r['rss_mb'], '.0f')} | "
                  f"{'yes' if r['feasible'] else 'NO'} | {r['unserved']} |")
    md += ["", "| set | engine | instances | feasible | median gap % | mean gap % | max gap % "
           "| median first s | max RSS MB | max model−true distance |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    md += [f"| {s['set']} | {s['engine']} | {s['instances']} | {s['feasible']} | "
           f"{s['median_gap']:.2f} | {s['mean_gap']:.2f} | {s['max_gap']:.2f} | "
           f"{s['median_first_s']:.2f} | {s['max_rss_mb']:.0f} | {s['max_rounding']:.4f} |"
           for s in summary]
    (out / "results.md").write_text("\n".join(md) + "\n")


def run_suite(data: Path, sets: list[str], patterns: list[str], engines: list[str], *,
              time_limit_s: float, seed: int, out: Path, command: str,
              echo: Callable[[str], None] = print, peers_at_once: bool = True
              ) -> list[dict[str, object]]:
    """Run every matching instance with every engine; write results.csv/.md and .sol files.

    Per instance ``ours`` runs first with the machine to itself (its portfolio uses both
    cores); then the single-threaded peers, with ``peers_at_once`` side by side in two
    processes — the same load of two busy cores — otherwise one after the other.

    Raises ValueError for an unknown set or engine, or a data folder without bks.csv.
    """
    unknown = [s for s in sets if s not in SETS] + [e for e in engines if e not in ENGINES]
    if unknown:
        raise ValueError(f"unknown set(s) or engine(s) {unknown}; sets: {', '.join(SETS)}; "
                         f"engines: {', '.join(ENGINES)}")
    if not (data / "bks.csv").is_file():
        raise ValueError(f"no bks.csv under {data} (set --data or ROUTING_BENCH_DATA)")
    bks = read_bks(data / "bks.csv")
    from importlib.metadata import version

    import ortools
    import pyvrp  # noqa: F401  (version below)

    header = [
        f"command: {command}",
        f"time limit {time_limit_s:g} s per instance and engine, seed {seed}, engines "
        f"{', '.join(engines)}; OR-Tools {ortools.__version__}, PyVRP {version('pyvrp')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores ('ours' runs its "
        "portfolio of two searches, one per core; "
        + ("the peers then run side by side, one per core)" if peers_at_once and
           len([e for e in engines if e != "ours"]) > 1 else "the peers one after the other)"),
    ]
    echo("\n".join(header))
    echo(HEAD)
    rows = []
    peers = [e for e in engines if e != "ours"]
    pool = (ProcessPoolExecutor(max_workers=len(peers), mp_context=get_context("fork"))
            if peers_at_once and len(peers) > 1 else None)
    try:
        for s in sets:
            for path in instance_files(data, s, patterns):
                kw = functools.partial(run_one, time_limit_s=time_limit_s, seed=seed, out=out)
                done = []
                if "ours" in engines:  # alone on the machine: both cores are its own
                    done.append(kw(path, s, bks, engine="ours"))
                    echo(fmt_row(done[-1]))
                if pool is not None:  # the peers together, one core each
                    futures = [pool.submit(kw, path, s, bks, engine=e)
                               for e in peers]
                    results = [f.result() for f in futures]
                else:
                    results = []
                    for e in peers:
                        results.append(kw(path, s, bks, engine=e))
                for r in results:
                    done.append(r)
                    echo(fmt_row(r))
                rows += done
    finally:
        if pool is not None:
            pool.shutdown()
    if not rows:
        echo("no instance matched")
        return rows
    summary = summarize(rows)
    echo("")
    echo(f"{'set':<15}{'engine':<8}{'instances':>10}{'feasible':>9}{'median gap %':>13}"
         f"{'mean gap %':>11}{'max gap %':>10}")
    for x in summary:
        echo(f"{x['set']:<15}{x['engine']:<8}{x['instances']:>10}{x['feasible']:>9}"
             f"{x['median_gap']:>13.2f}{x['mean_gap']:>11.2f}{x['max_gap']:>10.2f}")
    write_outputs(out, rows, summary, header)
    echo(f"\nwrote {out / 'results.csv'}, {out / 'results.md'} and .sol files under "
         f"{out}/<engine>/<set>/")
    return rows


def main(argv: list[str] | None = None) -> int:
    """argparse entry point of benchmarks/bench_literature.py (same options as routing bench)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None,
                    help="benchmark root (default: $ROUTING_BENCH_DATA or ../shared/benchmarks)")
    ap.add_argument("--sets", default=DEFAULT_SETS,
                    help=f"comma list of {', '.join(SETS)} (default {DEFAULT_SETS})")
    ap.add_argument("--instances", default="",
                    help="comma list of name globs, case-insensitive (e.g. 'C101,R2*,CMT1?')")
    # The same defaults as `routing bench`: every figure next to the peers'.
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"comma list of {', '.join(ENGINES)} (default all)")
    ap.add_argument("--time-limit-s", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", type=Path, default=Path("out/bench_literature"))
    ap.add_argument("--peers-one-by-one", action="store_true",
                    help="run the peer engines one after the other (default: side by side)")
    args = ap.parse_args(argv)
    command = ("python benchmarks/bench_literature.py "
               + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)))
    try:
        rows = run_suite(args.data or default_data(), _split(args.sets),
                         _split(args.instances), _split(args.engines),
                         time_limit_s=args.time_limit_s, seed=args.seed, out=args.out,
                         command=command, peers_at_once=not args.peers_one_by_one)
    except ValueError as exc:
        ap.error(str(exc))
    return 0 if rows else 1


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]
