"""Huge manifests: a county whose demand table has 10,000 to 100,000 lines, planned end to end.

    python benchmarks/bench_manifest.py --lines 10000,30000,100000 --time-limit-s 10

A dispatcher's manifest (demand table) lists parcels in many lines per station — one line per
carrier's consignment, not per station. Per size, a county written by
routing.io.synthetic.write_spec (150 villages, a fleet of 0.4 of what it needs so that some
stations stay unserved and get a reason) has each demand line split into equal parts until
the table holds the asked number of lines (the totals per station stay those of the county,
kg and m3 split evenly, parcels as evenly as whole parcels go). Then, in a fresh process,
the steps of `routing plan`: read the scenario (read), build matrices and plan with
``--engine auto`` at the time limit (plan: the solve, its repair and the check inside the
portfolio), the independent checker on the plan (check), the reasons of the unserved stations
(explain: routing.evaluate.explain on the plan's unserved lines), the report files
(write: plan.json, routes.csv/.xlsx/.geojson, map.html, report.html), and the total. Prints a
markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VILLAGES = 150


def write_manifest(folder: Path, lines: int, *, villages: int = VILLAGES, seed: int = 1,
                   fleet_factor: float = 0.4) -> Path:
    """A generated county in ``folder`` whose demand table holds about ``lines`` lines."""
    from routing.io.synthetic import CountySpec, write_spec

    write_spec(folder, CountySpec(villages=villages, seed=seed, fleet_factor=fleet_factor),
               name=f"manifest{lines}")
    path = folder / "demand.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    col = {c: k for k, c in enumerate(head)}
    parts, extra = divmod(lines, len(body))
    out = [head]
    n = 0
    for k, row in enumerate(body):
        split = parts + (1 if k < extra else 0)
        parcels, kg, m3 = int(row[col["parcels"]]), float(row[col["kg"]]), float(row[col["m3"]])
        for j in range(split):
            n += 1
            piece = list(row)
            piece[col["id"]] = f"M{n:07d}"
            piece[col["parcels"]] = str(parcels // split + (1 if j < parcels % split else 0))
            piece[col["kg"]] = f"{kg / split:.4f}"
            piece[col["m3"]] = f"{m3 / split:.6f}"
            out.append(piece)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(out)
    return folder


def one(folder: Path, time_limit_s: float, seed: int) -> dict[str, object]:
    """Plan the county in ``folder`` once, step by step, timing each (called in a child)."""
    from dataclasses import replace

    from routing.evaluate.check import check_plan
    from routing.io import read_scenario
    from routing.io.plan_json import plan_to_dict, write_plan_json
    from routing.network.matrix import travel_matrices
    from routing.pipeline import explained, plan_scenario
    from routing.report.dispatch import write_report
    from routing.report.maps import map_data, write_map
    from routing.report.tables import write_routes_csv, write_routes_geojson, write_routes_xlsx
    from routing.solve import DROPPED

    t0 = time.perf_counter()
    sc = read_scenario(folder)
    t_read = time.perf_counter()
    m = travel_matrices(sc)
    plan, _ = plan_scenario(sc, m, time_limit_s=time_limit_s, seed=seed, engine="auto")
    t_plan = time.perf_counter()
    doc = plan_to_dict(plan, sc)
    violations = check_plan(doc, sc, m)
    t_check = time.perf_counter()
    bare = replace(plan, unserved=tuple(replace(u, code="", reason=DROPPED)
                                        for u in plan.unserved))
    explained(bare, sc, m)
    t_explain = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        doc = write_plan_json(plan, sc, out / "plan.json")
        write_routes_csv(doc, sc, out / "routes.csv")
        write_routes_xlsx(doc, sc, out / "routes.xlsx")
        write_routes_geojson(doc, sc, out / "routes.geojson")
        data = map_data(doc, sc, lang="zh", matrices=m)
        write_map(data, out / "map.html", tiles="none")
        write_report(doc, sc, out / "report.html", data, tiles="none",
                     violations=len(violations))
    t_write = time.perf_counter()
    served = sum(len(s.line_ids) for r in plan.routes for s in r.stops)
    return {"lines": len(sc.demand), "stations": len(sc.stations),
            "read_s": round(t_read - t0, 2), "plan_s": round(t_plan - t_read, 2),
            "check_s": round(t_check - t_plan, 2), "explain_s": round(t_explain - t_check, 2),
            "write_s": round(t_write - t_explain, 2), "total_s": round(t_write - t0, 2),
            "unserved_stations": len({u.station_id for u in plan.unserved}),
            "lines_served": served, "violations": len(violations)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", default="10000,30000,100000")
    ap.add_argument("--time-limit-s", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None,
                    help="write the counties here (manifest<lines>/) and keep them")
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.time_limit_s, args.seed)))
        return
    cols = ("lines", "read_s", "plan_s", "check_s", "explain_s", "write_s", "total_s",
            "unserved_stations", "violations")
    print(f"time limit {args.time_limit_s:g} s, seed {args.seed}, {VILLAGES} villages\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---:|" * len(cols))
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for n in (int(x) for x in args.lines.split(",")):
            folder = write_manifest(root / f"manifest{n}", n, seed=args.seed)
            got = subprocess.run([sys.executable, __file__, "--one", str(folder),
                                  "--time-limit-s", str(args.time_limit_s), "--seed",
                                  str(args.seed)], capture_output=True, text=True, check=False,
                                 env=os.environ)
            if got.returncode:
                raise RuntimeError(f"{n} lines failed:\n{got.stderr[-3000:]}")
            row = json.loads(got.stdout.strip().splitlines()[-1])
            print("| " + " | ".join(str(row[c]) for c in cols) + " |", flush=True)


if __name__ == "__main__":
    main()
