"""A digest of every bundled county's plan at a fixed seed and solution limit: cost, unserved
stations and a hash of plan.json without its timing fields (runtimes, first-solution times,
peak memory). Two versions of the code that print the same lines plan the same days.

    python benchmarks/plan_digest.py                 # this checkout
    PYTHONPATH=/path/to/other/checkout python benchmarks/plan_digest.py   # another version

Engines ortools, pyvrp and auto on the direct structure, auto on two echelons for Xia and
Tang; seed 1, solution limit 50 (the time limit, 120 s, does not bind).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Fields that measure the machine, not the plan.
TIMING = {"runtime_s", "first_solution_s", "peak_rss_mb"}
RUNS = [("ortools", "direct"), ("pyvrp", "direct"), ("auto", "direct"),
        ("auto", "two_echelon")]


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items() if k not in TIMING}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", default="xia,tang,yanshi,fengqiu")
    ap.add_argument("--solution-limit", type=int, default=50)
    args = ap.parse_args()
    from routing.io.scenario import read_scenario
    from routing.pipeline import plan_scenario

    try:  # plan.json moved from report/ to io/ (issue 18)
        from routing.io.plan_json import plan_to_dict
    except ImportError:
        from routing.report.plan_json import plan_to_dict  # type: ignore[no-redef]
    for county in args.counties.split(","):
        sc = read_scenario(ROOT / "scenarios" / county)
        for engine, structure in RUNS:
            if structure == "two_echelon" and county not in ("xia", "tang"):
                continue
            plan, _ = plan_scenario(sc, time_limit_s=120, seed=1,
                                    solution_limit=args.solution_limit, engine=engine,
                                    structure=structure)
            text = json.dumps(_clean(plan_to_dict(plan, sc)), sort_keys=True,
                              ensure_ascii=False)
            digest = hashlib.sha1(text.encode()).hexdigest()[:12]
            print(f"{county:<8} {engine:<8} {structure:<12} {plan.cost:>10.2f} "
                  f"{len(plan.unserved):>3} {digest}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
