"""Stress suite: generated counties varied one axis at a time and together, at a fixed budget.

    python benchmarks/bench_stress.py --count 40 --budget 10 -o out/stress

The counties are ``routing.io.synthetic.stress_specs(--count, --sizes)``: the base county,
the base at each size, each axis alone (pickup share, fresh share down and up, windows, fleet
from ample to a third too small, multi-trip vans, no cold boxes, two echelons, GCJ-02 and
BD-09 coordinates, GBK and Excel files), then combinations. Each is written to
``-o/counties/<label>``, read back with ``routing.io.read_scenario``, planned with
``routing.pipeline.plan_scenario`` at ``--budget`` seconds (engine ``--engine``, the scenario's
seed 1, its own structure) and checked with ``routing.pipeline.check_scenario_plan``; then
planned again at ``--long-factor`` × the budget for the cost reference (``--no-long`` skips it).

Columns:

- visits: stations with demand (the stops the plan owes); served: the share of them with no
  line left unserved; unserved: stations with a line left unserved.
- servable unserved / false reason: the checker's violations of kind ``servable_unserved``
  (a station left unserved while a vehicle left idle could serve it alone) and
  ``false_reason`` (an unserved station whose reason does not hold); both must be 0.
- first full s: seconds to the first plan that leaves no more visits out than the plan kept:
  the insertion plan's time (``routing.solve.repair.insertion_candidate``, built before the
  engines run) when it does, else the kept search's own runtime (an upper bound: the engines
  record only their first feasible solution, not when it became complete). For two echelons
  it is the trunk problem's, the first of the plan's searches.
- cost: CNY of the plan at the budget and of the long run; gap: how much dearer the budget's
  plan is, only when both leave the same number of stations unserved (else "—": a plan that
  serves fewer is cheaper for it).
- check: ``ok`` or the violations by kind, of the budget's plan (and of the long run's, if any).

Counties run one after another: the ``auto`` engine's portfolio already uses both cores, so
counties side by side would distort the times. Writes nothing outside ``-o`` (the matrix cache
goes to ``-o/cache`` unless ``ROUTING_CACHE_DIR`` is set): ``results.csv`` and ``results.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

SERVABLE = "servable_unserved"
FALSE_REASON = "false_reason"
COLUMNS = ("county", "villages", "visits", "served", "unserved", "servable unserved",
           "false reason", "first full s", "cost", "long cost", "gap", "check")


def _first_s(plan: Any) -> float | None:
    """Seconds to the first plan leaving no more visits out than the kept one (module doc)."""
    runs = plan.meta.to_json().get("portfolio", [])
    kept = next((r for r in runs if r.get("kept")), None)
    if kept is None:  # a single run: the plan's own time
        return plan.runtime_s
    early = [r["first_solution_s"] for r in runs if r["engine"] == "insertion"
             and r.get("dropped", 1 << 30) <= kept["dropped"]]
    return early[0] if early else plan.runtime_s


def _verdict(violations: list[Any]) -> str:
    if not violations:
        return "ok"
    kinds = Counter(v.kind for v in violations)
    return f"{len(violations)} violations (" + ", ".join(
        f"{k}×{n}" for k, n in sorted(kinds.items())) + ")"


def plan_county(spec: Any, folder: Path, *, budget_s: float, long_factor: float | None,
                engine: str) -> dict[str, Any]:
    """Write, read, plan and check one county; its row (and the long run's figures)."""
    from routing.io import read_scenario
    from routing.io.synthetic import write_spec
    from routing.network.matrix import travel_matrices
    from routing.pipeline import check_scenario_plan, plan_scenario

    sc = read_scenario(write_spec(folder, spec))
    m = travel_matrices(sc)
    owed = {ln.station_id for ln in sc.demand}

    def run(seconds: float) -> tuple[Any, list[Any], float]:
        t0 = time.perf_counter()
        plan, _ = plan_scenario(sc, m, time_limit_s=seconds, structure=spec.structure,
                                engine=engine)
        wall = time.perf_counter() - t0
        return plan, check_scenario_plan(plan, sc, m), wall

    plan, bad, wall = run(budget_s)
    left = {u.station_id for u in plan.unserved} & owed
    kinds = Counter(v.kind for v in bad)
    row: dict[str, Any] = {
        "county": spec.label, "villages": spec.villages, "structure": spec.structure,
        "stations": len(sc.stations), "lines": len(sc.demand), "visits": len(owed),
        "served_share": round(1 - len(left) / len(owed), 4) if owed else 1.0,
        "unserved": len(left), SERVABLE: kinds[SERVABLE], FALSE_REASON: kinds[FALSE_REASON],
        "first_s": _first_s(plan), "cost": round(plan.cost, 2), "wall_s": round(wall, 1),
        "engine": plan.engine, "routes": len(plan.routes), "violations": len(bad),
        "check": _verdict(bad),
        "reasons": "; ".join(sorted({u.reason for u in plan.unserved}))[:500],
        "long_cost": None, "long_unserved": None, "long_wall_s": None, "gap_pct": None,
    }
    if long_factor:
        long, long_bad, long_wall = run(budget_s * long_factor)
        long_left = {u.station_id for u in long.unserved} & owed
        row |= {"long_cost": round(long.cost, 2), "long_unserved": len(long_left),
                "long_wall_s": round(long_wall, 1)}
        if len(long_left) == len(left) and long.cost > 0:
            row["gap_pct"] = round((plan.cost - long.cost) / long.cost * 100, 2)
        if long_bad:
            row["check"] += f"; long run: {_verdict(long_bad)}"
    return row


def _cells(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return [r["county"], str(r["villages"]), *["—"] * 9, r["error"]]
    first = "—" if r["first_s"] is None else f"{r['first_s']:.2f}"
    long = "—" if r["long_cost"] is None else f"{r['long_cost']:,.0f}"
    gap = "—" if r["gap_pct"] is None else f"{r['gap_pct']:.2f} %"
    return [r["county"], str(r["villages"]), str(r["visits"]), f"{r['served_share']:.1%}",
            str(r["unserved"]), str(r[SERVABLE]), str(r[FALSE_REASON]), first,
            f"{r['cost']:,.0f}", long, gap, r["check"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=40, help="counties of stress_specs (40)")
    ap.add_argument("--sizes", default="60,150,400,1000",
                    help="comma list of village counts; the first is the base county's")
    ap.add_argument("--seed", type=int, default=1,
                    help="county seed of the suite (1); another gives counties never seen")
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per plan (10)")
    ap.add_argument("--long-factor", type=float, default=10.0,
                    help="the reference run's budget, in budgets (10)")
    ap.add_argument("--no-long", action="store_true", help="skip the reference run")
    ap.add_argument("--only", help="comma list of county labels (e.g. v60-2ech) to run")
    ap.add_argument("--engine", default="auto", choices=("auto", "ortools", "pyvrp"))
    ap.add_argument("-o", "--out", type=Path, default=Path("out/stress"))
    args = ap.parse_args()

    from routing.io.synthetic import stress_specs

    specs = stress_specs(args.count, sizes=tuple(int(x) for x in args.sizes.split(",") if x),
                         seed=args.seed)
    if args.only:
        wanted = [x for x in args.only.split(",") if x]
        known = {s.label for s in specs}
        missing = [x for x in wanted if x not in known]
        if missing:
            ap.error(f"--only: no county {', '.join(missing)} among the first {args.count}; "
                     f"labels: {', '.join(sorted(known))}")
        specs = [s for s in specs if s.label in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ROUTING_CACHE_DIR", str(args.out / "cache"))
    long_factor = None if args.no_long else args.long_factor
    head = list(COLUMNS)
    head[8] = f"cost {args.budget:g} s"
    head[9] = "long cost" if long_factor is None else f"cost {args.budget * long_factor:g} s"
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * 10 + "---|"]
    print("\n".join(lines), flush=True)
    rows: list[dict[str, Any]] = []
    for spec in specs:
        try:
            row = plan_county(spec, args.out / "counties" / spec.label, budget_s=args.budget,
                              long_factor=long_factor, engine=args.engine)
        except Exception as exc:  # a county that raises is a finding: record it, go on
            row = {"county": spec.label, "villages": spec.villages,
                   "error": f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
        rows.append(row)
        lines.append("| " + " | ".join(_cells(row)) + " |")
        print(lines[-1], flush=True)
    (args.out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with (args.out / "results.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
