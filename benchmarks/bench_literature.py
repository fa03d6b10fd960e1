"""Solve literature VRPTW / VRPSPD instances with the county model; print the gap to the BKS.

Usage: python benchmarks/bench_literature.py [--data DIR] [--sets solomon,dethloff,salhi_nagy]
       [--instances 'C101,R1*'] [--time-limit-s 10] [--seed 1] [--out out/bench_literature]

Each instance is read by routing.io.benchmark_instances into a Scenario and its Matrices and
solved by routing.pipeline.plan_scenario, exactly as a county scenario is. The plan goes
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
import os
import platform
import re
import resource
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from routing.io.benchmark_instances import (
    BenchInstance,
    BenchInstanceError,
    read_solomon,
    read_vrpspd,
    write_vrplib_sol,
)
from routing.pipeline import check_scenario_plan, plan_scenario

ROOT = Path(__file__).resolve().parents[1]

#: set name -> (folder under the data root, file glob, bks.csv set, reader)
SETS: dict[str, tuple[str, str, str, Callable[..., BenchInstance]]] = {
    "solomon": ("vrptw/solomon", "*.txt", "vrptw_solomon_distance", read_solomon),
    "dethloff": ("vrpspd/dethloff", "*.vrpspd", "vrpspd_dethloff", read_vrpspd),
    "salhi_nagy": ("vrpspd/salhi_nagy", "*.vrpspd", "vrpspd_salhi_nagy", read_vrpspd),
    "montane_galvao": ("vrpspd/montane_galvao", "*.vrpspd", "vrpspd_montane_galvao",
                       read_vrpspd),
}
DEFAULT_SETS = "solomon,dethloff,salhi_nagy"

COLUMNS = ["set", "instance", "n", "fleet", "vehicles", "cost", "bks", "gap_pct", "first_s",
           "wall_s", "rss_mb", "feasible", "unserved", "model_violations", "own_violations",
           "model_minus_true", "status", "error"]


def default_data() -> Path:
    env = os.environ.get("ROUTING_BENCH_DATA")
    return Path(env) if env else (ROOT.parent / "shared" / "benchmarks")


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
    if reset_ok:
        for ln in Path("/proc/self/status").read_text().splitlines():
            if ln.startswith("VmHWM:"):
                return int(ln.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def instance_files(data: Path, set_name: str, patterns: list[str]) -> list[Path]:
    folder, glob, _, _ = SETS[set_name]
    files = sorted((data / folder).glob(glob), key=lambda p: _natural(p.stem))
    if patterns:
        files = [p for p in files
                 if any(fnmatch.fnmatchcase(p.stem.lower(), g.lower()) for g in patterns)]
    return files


def run_one(path: Path, set_name: str, bks: dict[tuple[str, str], float], *,
            time_limit_s: float, seed: int, out: Path) -> dict[str, object]:
    _, _, bks_set, reader = SETS[set_name]
    row: dict[str, object] = {c: "" for c in COLUMNS}
    row.update(set=set_name, instance=path.stem)
    try:
        bi = reader(path, set_name=set_name)
    except BenchInstanceError as e:
        row.update(feasible=False, error=str(e))
        return row
    row.update(instance=bi.name, n=bi.n_customers, fleet=bi.fleet)
    reset_ok = _reset_peak()
    first: list[float] = []
    t0 = time.perf_counter()
    plan, m = plan_scenario(
        bi.scenario, bi.matrices, time_limit_s=time_limit_s, seed=seed,
        progress=lambda el, best, k: first.append(el) if not first else None)
    wall = time.perf_counter() - t0
    rss = _peak_mb(reset_ok)
    routes = bi.routes_from_plan(plan)
    model_bad = check_scenario_plan(plan, bi.scenario, m)
    own_bad = bi.check_routes(routes)
    cost = bi.route_cost(routes)
    ref = bks.get((bks_set, bi.name))
    unserved = sum(1 for u in plan.unserved)
    feasible = not model_bad and not own_bad and unserved == 0
    complete = unserved == 0 and not any("not served" in p for p in own_bad)
    row.update(
        vehicles=len(routes), cost=round(cost, 4) if routes else "",
        bks=ref if ref is not None else "",
        # A plan that leaves customers out is not comparable with a BKS: no gap for it.
        gap_pct=round((cost - ref) / ref * 100, 3) if ref and complete else "",
        first_s=round(first[0], 3) if first else "", wall_s=round(wall, 2),
        rss_mb=round(rss, 1), feasible=feasible, unserved=unserved,
        model_violations=len(model_bad), own_violations=len(own_bad),
        model_minus_true=round(bi.model_distance(plan) - cost, 4), status=plan.status,
        error="; ".join([*(str(v) for v in model_bad[:2]), *own_bad[:2]]) if routes
        else f"no solution within the time limit (status {plan.status})")
    if not routes:
        return row
    sol_dir = out / set_name
    sol_dir.mkdir(parents=True, exist_ok=True)
    write_vrplib_sol(sol_dir / f"{bi.name}.sol", routes,
                     round(cost, 1) if bi.problem == "vrptw" else round(cost, 4))
    return row


HEAD = (f"{'set':<15}{'instance':<12}{'n':>4}{'veh':>5}{'cost':>11}{'BKS':>10}{'gap %':>8}"
        f"{'first s':>8}{'wall s':>8}{'RSS MB':>8}{'feasible':>9}{'unserved':>9}")


def fmt_row(r: dict[str, object]) -> str:
    def num(v: object, f: str) -> str:
        return format(v, f) if isinstance(v, int | float) and not isinstance(v, bool) else "-"

    if r["error"] and r["cost"] == "":
        return f"{r['set']:<15}{r['instance']:<12}  ERROR {r['error']}"
    return (f"{r['set']:<15}{r['instance']:<12}{num(r['n'], 'd'):>4}{num(r['vehicles'], 'd'):>5}"
            f"{num(r['cost'], '.2f'):>11}{num(r['bks'], '.2f'):>10}{num(r['gap_pct'], '.2f'):>8}"
            f"{num(r['first_s'], '.2f'):>8}{num(r['wall_s'], '.2f'):>8}"
            f"{num(r['rss_mb'], '.0f'):>8}{'yes' if r['feasible'] else 'NO':>9}"
            f"{num(r['unserved'], 'd'):>9}")


def summarize(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for s in dict.fromkeys(r["set"] for r in rows):
        rs = [r for r in rows if r["set"] == s]
        gaps = [float(r["gap_pct"]) for r in rs if r["feasible"] and r["gap_pct"] != ""]
        rnd = [abs(float(r["model_minus_true"])) for r in rs if r["model_minus_true"] != ""]
        out.append({"set": s, "instances": len(rs), "feasible": sum(bool(r["feasible"])
                                                                    for r in rs),
                    "median_gap": statistics.median(gaps) if gaps else float("nan"),
                    "mean_gap": statistics.fmean(gaps) if gaps else float("nan"),
                    "max_gap": max(gaps) if gaps else float("nan"),
                    "max_rounding": max(rnd) if rnd else 0.0})
    return out


def _f(v: object, spec: str) -> str:
    """A number formatted, or '-' for a missing value (no solution, no BKS)."""
    return format(float(v), spec) if v not in ("", None) else "-"


def write_outputs(out: Path, rows: list[dict[str, object]], summary: list[dict[str, object]],
                  header: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    md = [*header, "",
          "| set | instance | n | vehicles | cost | BKS | gap % | first s | wall s | RSS MB "
          "| feasible | unserved |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        if r["cost"] == "":
            md.append(f"| {r['set']} | {r['instance']} | | | | | | | | | error: {r['error']} | |")
            continue
        md.append(f"| {r['set']} | {r['instance']} | {r['n']} | {r['vehicles']} | "
                  f"{_f(r['cost'], '.2f')} | {_f(r['bks'], '.2f')} | {_f(r['gap_pct'], '.2f')} | "
                  f"{_f(r['first_s'], '.2f')} | {_f(r['wall_s'], '.2f')} | "
                  f"{_f(r['rss_mb'], '.0f')} | {'yes' if r['feasible'] else 'NO'} | "
                  f"{r['unserved']} |")
    md += ["", "| set | instances | feasible | median gap % | mean gap % | max gap % "
           "| max model−true distance |", "|---|---:|---:|---:|---:|---:|---:|"]
    md += [f"| {s['set']} | {s['instances']} | {s['feasible']} | {s['median_gap']:.2f} | "
           f"{s['mean_gap']:.2f} | {s['max_gap']:.2f} | {s['max_rounding']:.4f} |"
           for s in summary]
    (out / "results.md").write_text("\n".join(md) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None,
                    help="benchmark root (default: $ROUTING_BENCH_DATA or ../shared/benchmarks)")
    ap.add_argument("--sets", default=DEFAULT_SETS,
                    help=f"comma list of {', '.join(SETS)} (default {DEFAULT_SETS})")
    ap.add_argument("--instances", default="",
                    help="comma list of name globs, case-insensitive (e.g. 'C101,R2*,CMT1?')")
    ap.add_argument("--time-limit-s", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("out/bench_literature"))
    args = ap.parse_args(argv)
    data = args.data or default_data()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in sets if s not in SETS]
    if unknown:
        ap.error(f"unknown set(s) {unknown}; known: {', '.join(SETS)}")
    if not (data / "bks.csv").is_file():
        ap.error(f"no bks.csv under {data} (set --data or ROUTING_BENCH_DATA)")
    patterns = [g.strip() for g in args.instances.split(",") if g.strip()]
    bks = read_bks(data / "bks.csv")
    import ortools

    header = [
        f"command: python benchmarks/bench_literature.py "
        f"{' '.join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))}",
        f"time limit {args.time_limit_s:g} s, seed {args.seed}, single-threaded OR-Tools "
        f"{ortools.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores",
    ]
    print("\n".join(header))
    print(HEAD, flush=True)
    rows = []
    for s in sets:
        files = instance_files(data, s, patterns)
        for path in files:
            r = run_one(path, s, bks, time_limit_s=args.time_limit_s, seed=args.seed,
                        out=args.out)
            rows.append(r)
            print(fmt_row(r), flush=True)
    if not rows:
        print("no instance matched")
        return 1
    summary = summarize(rows)
    print()
    print(f"{'set':<15}{'instances':>10}{'feasible':>9}{'median gap %':>13}{'mean gap %':>11}"
          f"{'max gap %':>10}")
    for x in summary:
        print(f"{x['set']:<15}{x['instances']:>10}{x['feasible']:>9}{x['median_gap']:>13.2f}"
              f"{x['mean_gap']:>11.2f}{x['max_gap']:>10.2f}")
    write_outputs(args.out, rows, summary, header)
    print(f"\nwrote {args.out / 'results.csv'}, {args.out / 'results.md'} and .sol files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
