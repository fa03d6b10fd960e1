"""Solve a scenario with several OR-Tools strategies and budgets; print a comparison table.

Usage: python benchmarks/bench_scenario.py [SCENARIO_DIR] [--time-limits 5,30] [--seeds 1,2]

Every plan goes through the independent checker; the table shows its verdict. Peak memory is
the process's maximum resident set size (Linux ru_maxrss), so run one scenario per process
when comparing memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path

from routing.io import read_scenario
from routing.network.matrix import travel_matrices
from routing.pipeline import check_scenario_plan, plan_scenario

STRATEGIES = [
    ("PARALLEL_CHEAPEST_INSERTION", "GUIDED_LOCAL_SEARCH"),
    ("PATH_CHEAPEST_ARC", "GUIDED_LOCAL_SEARCH"),
    ("SAVINGS", "GUIDED_LOCAL_SEARCH"),
    ("PARALLEL_CHEAPEST_INSERTION", "SIMULATED_ANNEALING"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/xia", type=Path)
    ap.add_argument("--time-limits", default="5,30")
    ap.add_argument("--seeds", default="1")
    args = ap.parse_args()
    base = read_scenario(args.scenario)
    m = travel_matrices(base)
    print(f"scenario {base.name}: {len(base.stations)} stations, {len(base.demand)} lines")
    print(f"{'first solution':<30}{'metaheuristic':<22}{'limit s':>8}{'seed':>5}{'first s':>8}"
          f"{'cost CNY':>11}{'veh':>5}{'km':>8}{'unserved':>9}{'check':>7}{'RSS MB':>8}")
    for first, meta in STRATEGIES:
        for limit in (float(x) for x in args.time_limits.split(",")):
            for seed in (int(x) for x in args.seeds.split(",")):
                sc = dataclasses.replace(base, solve=dataclasses.replace(
                    base.solve, first_solution=first, metaheuristic=meta))
                first_at: list[float] = []
                t0 = time.perf_counter()
                plan, _ = plan_scenario(
                    sc, m, time_limit_s=limit, seed=seed,
                    progress=lambda el, best, n, fa=first_at: fa.append(el) if not fa else None)
                _ = time.perf_counter() - t0
                bad = check_scenario_plan(plan, sc, m)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"{first:<30}{meta:<22}{limit:>8g}{seed:>5}"
                      f"{(first_at[0] if first_at else float('nan')):>8.2f}{plan.cost:>11,.2f}"
                      f"{len(plan.routes):>5}{plan.distance_m / 1000:>8.1f}"
                      f"{len(plan.unserved):>9}{'ok' if not bad else len(bad):>7}{rss:>8.0f}")


if __name__ == "__main__":
    main()
