"""How one PyVRP search converges on a generated county: its best cost over time.

    python benchmarks/bench_search_curve.py --villages 600 --searches default,wide \\
        --seeds 1,2,3,4 --time-limit-s 60 --jobs 2 --out out/search_curve

The county scale table (bench_county_scale.py) compares a portfolio's plan after 10 s and
60 s with a 10-minute plan; this script shows why the gap is what it is. Each (search, seed)
is one ``pyvrp_backend.solve_visits`` call on the county's direct fleet, in a process of its
own (``--jobs 2`` runs two at once, the load the portfolio puts on this 2-core machine); its
progress callback records every new best. Prints the best cost at each checkpoint per run and
the mean per search, and writes curves.csv (every improvement) to --out. Costs are the
search's objective (route costs, every visit served), in CNY per day.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import multiprocessing
import os
import statistics
import tempfile
from dataclasses import replace
from pathlib import Path


def one(folder: str, search: str, seed: int, time_limit_s: float) -> dict[str, object]:
    """One search on the county in ``folder``; its curve and final figures (in a child)."""
    from routing.io import read_scenario
    from routing.network.matrix import travel_matrices
    from routing.pipeline.echelons import direct_types
    from routing.solve import pyvrp_backend
    from routing.solve.options import SolveOptions
    from routing.solve.visits import presolve

    sc = read_scenario(Path(folder))
    m = travel_matrices(sc)
    sc = replace(sc, vehicle_types=direct_types(sc))
    visits, _ = presolve(sc, set(m.unreachable))
    curve: list[tuple[float, float]] = []
    raw = pyvrp_backend.solve_visits(sc, m, visits, SolveOptions.of(
                                         sc.solve, time_limit_s=time_limit_s, seed=seed),
                                     search=search,
                                     progress=lambda t, cost, _n: curve.append((t, cost)))
    mix: dict[str, int] = {}
    for vid, _ in raw.sequences:
        tid = vid.rsplit("-", 1)[0]
        mix[tid] = mix.get(tid, 0) + 1
    return {"search": search, "seed": seed, "curve": curve, "routes": len(raw.sequences),
            "mix": mix, "cost": raw.objective, "restarts": raw.restarts}


def best_at(curve: list[tuple[float, float]], t: float) -> float | None:
    """The best cost found by time ``t`` (None: nothing feasible yet)."""
    seen = [c for s, c in curve if s <= t]
    return min(seen) if seen else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=600)
    ap.add_argument("--county-seed", type=int, default=1, help="seed of the generated county")
    ap.add_argument("--searches", default="default,wide",
                    help="comma list of pyvrp_backend.SEARCHES")
    ap.add_argument("--seeds", default="1,2,3,4")
    ap.add_argument("--time-limit-s", type=float, default=60.0)
    ap.add_argument("--checkpoints", default="5,10,20,30,60,120,180,300,600",
                    help="seconds at which to print the best cost (those past the limit "
                         "are left out)")
    ap.add_argument("--jobs", type=int, default=2, help="searches run at once")
    ap.add_argument("--out", type=Path, default=Path("out/search_curve"))
    args = ap.parse_args()
    from routing.io import read_scenario
    from routing.io.synthetic import write_county
    from routing.network.matrix import travel_matrices

    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ROUTING_CACHE_DIR", tempfile.mkdtemp(prefix="search-curve-cache-"))
    folder = args.out / f"county{args.villages}"
    write_county(folder, args.villages, seed=args.county_seed)
    travel_matrices(read_scenario(folder))  # cached on disk for the children
    searches = [s for s in args.searches.split(",") if s]
    seeds = [int(s) for s in args.seeds.split(",") if s]
    marks = [float(x) for x in args.checkpoints.split(",") if float(x) <= args.time_limit_s]
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter each: no shared state
    with cf.ProcessPoolExecutor(args.jobs, mp_context=ctx, max_tasks_per_child=1) as ex:
        futs = [ex.submit(one, str(folder), s, k, args.time_limit_s)
                for s in searches for k in seeds]
        runs = [f.result() for f in futs]

    def cell(x: float | None) -> str:
        return "" if x is None else f"{x:,.0f}"

    print(f"{args.villages} villages, {args.time_limit_s:g} s per search, {args.jobs} at once")
    print("| search | seed | " + " | ".join(f"{t:g} s" for t in marks)
          + " | routes | mix | restarts |")
    print("|---|---:|" + "---:|" * len(marks) + "---:|---|---:|")
    for r in runs:
        mix = ", ".join(f"{k} {v}" for k, v in sorted(r["mix"].items()))
        print(f"| {r['search']} | {r['seed']} | "
              + " | ".join(cell(best_at(r["curve"], t)) for t in marks)
              + f" | {r['routes']} | {mix} | {r['restarts']} |")
    for s in searches:
        rows = [r for r in runs if r["search"] == s]
        means = []
        for t in marks:
            vals = [best_at(r["curve"], t) for r in rows]
            means.append(statistics.mean(vals) if all(v is not None for v in vals) else None)
        print(f"| {s} | mean | " + " | ".join(cell(v) for v in means) + " | | | |")
    with (args.out / "curves.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["search", "seed", "elapsed_s", "best_cost"])
        for r in runs:
            w.writerows([r["search"], r["seed"], round(t, 2), round(c, 2)] for t, c in r["curve"])


if __name__ == "__main__":
    main()
