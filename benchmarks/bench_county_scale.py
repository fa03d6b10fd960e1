"""County scale: generated counties of 100 to 5,000 village points, planned with --engine auto.

    python benchmarks/bench_county_scale.py --villages 100,300,600,1200,5000 \\
        --budgets 10,60 --long-s 600 --out out/county_scale

Per size: a county written by routing.io.synthetic.write_county (pickups, a fresh share, a
mixed fleet of box trucks, vans and reefers with different speeds, half-day windows on a
quarter of the villages, five carriers; seeded), its travel matrices built once (time shown),
then one plan per budget, each in a fresh process so that its peak memory is its own: time to
the first feasible plan (the earliest of the portfolio's searches), cost after each budget and
its gap to the best plan of the long run, unserved stations, the independent checker's verdict,
and peak memory (this process's high-water mark plus the PyVRP child's, which run together).
Prints a markdown table and writes results.csv to --out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(folder: Path, budget_s: float, seed: int) -> dict[str, object]:
    """Plan the county in ``folder`` once; the figures of that run (called in a child)."""
    from routing.io import read_scenario
    from routing.network.matrix import travel_matrices
    from routing.pipeline import check_scenario_plan, plan_scenario

    sc = read_scenario(folder)
    m = travel_matrices(sc)
    t0 = time.perf_counter()
    plan, _ = plan_scenario(sc, m, time_limit_s=budget_s, seed=seed, engine="auto")
    wall = time.perf_counter() - t0
    bad = check_scenario_plan(plan, sc, m)
    firsts = [r.get("first_solution_s") for r in plan.meta.to_json().get("portfolio", [])]
    firsts = [f for f in [plan.meta.first_solution_s, *firsts] if f is not None]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"budget_s": budget_s, "wall_s": round(wall, 1), "cost": round(plan.cost, 2),
            "first_s": round(min(firsts), 2) if firsts else None,
            "vehicles": len({r.vehicle_id for r in plan.routes}),
            "unserved": len(plan.unserved), "violations": len(bad), "engine": plan.engine,
            "peak_mb": round(own + child), "stations": len(sc.stations),
            "lines": len(sc.demand)}


def _run(folder: Path, budget_s: float, seed: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--one", str(folder), "--budget",
                          str(budget_s), "--seed", str(seed)], capture_output=True, text=True,
                         check=False, env=os.environ)
    if out.returncode:
        raise RuntimeError(f"{folder} at {budget_s:g} s failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", default="100,300,600,1200,5000")
    ap.add_argument("--budgets", default="10,60", help="comma list of seconds")
    ap.add_argument("--long-s", type=float, default=600.0,
                    help="the reference run's budget (its plan is the 'best' of the gap)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("out/county_scale"))
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--budget", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.budget, args.seed)))
        return
    from routing.io import read_scenario
    from routing.io.synthetic import write_county
    from routing.network.matrix import travel_matrices

    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ROUTING_CACHE_DIR", tempfile.mkdtemp(prefix="county-scale-cache-"))
    budgets = [float(x) for x in args.budgets.split(",") if x]
    rows = []
    print("| villages | stations | lines | matrix s | first feasible s | "
          + " | ".join(f"cost {b:g} s (gap)" for b in budgets)
          + f" | best {args.long_s:g} s | vehicles | unserved | check | peak MB |")
    print("|" + "---:|" * (10 + len(budgets)))
    for n in (int(x) for x in args.villages.split(",") if x):
        folder = args.out / f"county{n}"
        write_county(folder, n, seed=args.seed)
        t0 = time.perf_counter()
        travel_matrices(read_scenario(folder))  # cached on disk for the runs below
        matrix_s = time.perf_counter() - t0
        runs = [_run(folder, b, args.seed) for b in [*budgets, args.long_s]]
        best = min(float(r["cost"]) for r in runs if not r["unserved"] and not r["violations"])
        for r in runs:
            r["gap_pct"] = round((float(r["cost"]) - best) / best * 100, 2)
            rows.append({"villages": n, "matrix_s": round(matrix_s, 1), **r})
        long = runs[-1]
        cells = [f"{r['cost']:,.0f} ({r['gap_pct']:.2f} %)" for r in runs[:-1]]
        print(f"| {n} | {long['stations']} | {long['lines']} | {matrix_s:.1f} | "
              f"{min(float(r['first_s']) for r in runs if r['first_s'] is not None):.2f} | "
              + " | ".join(cells) + f" | {best:,.0f} | {long['vehicles']} | "
              f"{max(int(r['unserved']) for r in runs)} | "
              f"{'ok' if not any(r['violations'] for r in runs) else 'VIOLATIONS'} | "
              f"{max(int(r['peak_mb']) for r in runs)} |", flush=True)
    with (args.out / "results.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
