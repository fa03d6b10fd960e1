"""Sweep throughput: jobs per minute with 1 and 2 Dask workers on a generated prefecture.

    python benchmarks/bench_sweep.py --counties 10 --workers 1,2 --time-limit-s 2

Writes a prefecture of generated counties (hub, townships on a ring, villages around them,
three carriers with their own outlets and vans, a shared fleet with one reefer, pickups and
fresh goods; seeded, so reruns plan the same counties), each with four [compare] variants, and
runs the same SPEC once per worker count into a fresh output folder. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

VARIANTS = '''
[[compare.variants]]
name = "alliance"

[[compare.variants]]
name = "alliance_periodic"
visit_every_days = "auto"

[[compare.variants]]
name = "alliance_every_other_day"
visit_every_days = 2

[[compare.variants]]
name = "two_carriers"
carriers = ["post", "zto"]
'''
CARRIERS = ("post", "zto", "yto")


def write_county(folder: Path, k: int, rng: np.random.Generator, townships: int = 6,
                 villages: int = 5) -> None:
    """One generated county: ``townships`` × ``villages`` village points."""
    folder.mkdir(parents=True, exist_ok=True)
    lon0, lat0 = 111.0 + 0.6 * (k % 5), 35.0 + 0.6 * (k // 5)
    rows = [f"HUB,县中心{k},hub,{lon0:.5f},{lat0:.5f},"]
    rows += [f"OUT_{c},{c}网点,outlet,{lon0 + 0.01:.5f},{lat0 + 0.01 * i:.5f},"
             for i, c in enumerate(CARRIERS)]
    demand = []
    for t in range(townships):
        a = 2 * math.pi * t / townships
        tl, tb = lon0 + 0.15 * math.cos(a), lat0 + 0.12 * math.sin(a)
        rows.append(f"T{t},镇{t},township,{tl:.5f},{tb:.5f},")
        for v in range(villages):
            vl, vb = tl + rng.normal(0, 0.04), tb + rng.normal(0, 0.03)
            sid = f"V{t}_{v}"
            rows.append(f"{sid},村{t}-{v},village,{vl:.5f},{vb:.5f},T{t}")
            for c in CARRIERS:
                n = int(rng.integers(2, 12))
                demand.append(f"{sid}-{c}-d,{sid},{c},down,{n},{1.5 * n:.1f},false,07:00")
                if rng.random() < 0.3:
                    m = int(rng.integers(1, 6))
                    fresh = "true" if rng.random() < 0.3 else "false"
                    demand.append(f"{sid}-{c}-u,{sid},{c},up,{m},{4.0 * m:.1f},{fresh},09:00")
    (folder / "stations.csv").write_text("id,name,tier,lon,lat,township\n" + "\n".join(rows)
                                         + "\n", encoding="utf-8")
    (folder / "demand.csv").write_text("id,station,carrier,direction,parcels,kg,fresh,ready\n"
                                       + "\n".join(demand) + "\n", encoding="utf-8")
    (folder / "carriers.csv").write_text(
        "id,name,outlet,visit_every_days\n"
        + "".join(f"{c},{c},OUT_{c},1\n" for c in CARRIERS), encoding="utf-8")
    head = ("id,name,count,capacity_kg,capacity_m3,capacity_parcels,fixed_cost,cost_per_km,"
            "cost_per_hour,speed_kph,max_shift_h,depot,owner,refrigerated\n")
    fleet = ["van,Shared van,6,1000,8,400,150,1.2,30,50,10,HUB,alliance,false",
             "reefer,Shared reefer,2,800,6,300,220,1.6,30,50,10,HUB,alliance,true"]
    fleet += [f"van_{c},{c} van,3,1000,8,400,150,1.2,30,50,10,OUT_{c},{c},true"
              for c in CARRIERS]
    (folder / "vehicles.csv").write_text(head + "\n".join(fleet) + "\n", encoding="utf-8")
    (folder / "scenario.toml").write_text(f'''[scenario]
name = "county{k:02d}"
date = "2026-11-25"

[network]
detour_factor = 1.3
speed_kph = 45

[service]
stop_min = 5
open = "07:00"
close = "20:00"

[targets]
on_time_h = 72
fresh_h = 24
cost_reduction = 0.2

[compare]
shapley = true
{VARIANTS}''', encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=10)
    ap.add_argument("--workers", default="1,2", help="comma list of worker counts")
    ap.add_argument("--time-limit-s", type=float, default=2.0)
    ap.add_argument("--shapley", action="store_true", help="also every coalition (7 per county)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from routing.sweep import read_spec, run_sweep

    root = Path(tempfile.mkdtemp(prefix="prefecture-"))
    rng = np.random.default_rng(args.seed)
    for k in range(args.counties):
        write_county(root / f"county{k:02d}", k, rng)
    spec_file = root / "spec.toml"
    spec_file.write_text(
        f"[sweep]\ntime_limit_s = {args.time_limit_s}\nseeds = [1]\n"
        f"shapley = {'true' if args.shapley else 'false'}\nengine = \"ortools\"\n\n"
        + "".join(f'[[scenarios]]\npath = "county{k:02d}"\n\n' for k in range(args.counties)),
        encoding="utf-8")
    spec = read_spec(spec_file)
    print(f"| workers | jobs | failed | wall s | jobs/min | (time limit {args.time_limit_s:g} s "
          f"per plan, {args.counties} counties) |")
    print("|---:|---:|---:|---:|---:|---|")
    for n in (int(x) for x in args.workers.split(",")):
        out = root / f"out-{n}"
        start = time.perf_counter()
        result = run_sweep(spec, out, workers=n, progress=False)
        wall = time.perf_counter() - start
        print(f"| {n} | {result.ran} | {result.failed} | {wall:.1f} | "
              f"{60 * result.ran / wall:.1f} | |", flush=True)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
