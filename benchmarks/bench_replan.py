"""A day of operations, simulated: re-plan at every event and measure what it costs.

    python benchmarks/bench_replan.py --counties xia,v600 --seeds 1,2,3 --time-limit-s 10

Per county and seed: the dawn plan (``routing.pipeline.plan_scenario`` at the time limit),
then a seeded stream of events, each answered by ``routing.pipeline.replan_day`` on the plan
before it (the day's scenario carried forward):

- 09:00 nothing happened (the plan must not move: 0 changes);
- 10:00, 12:00 and 14:00 a wave of late parcels (2 % of the lines each, for random villages,
  ready at the wave's time; a third of them 1 kg, the rest as the county's lines);
- 11:00 and 13:00 a vehicle on the road breaks down (13:00 from seed 2 on: one or two);
- 12:30 a village not yet visited closes.

Per event it prints the latency (``replan_day`` returns one plan — the first valid plan is the
final one, so both latencies are the same column), the driver changes (added / removed /
moved stops), the lines left unserved and the checker's verdict on the whole day against the
day's scenario. Per day: the re-planned day's cost against a plan that knew every late parcel
at dawn (the same county with the late lines in its demand, planned at the time limit; it
knows no breakdown), each with the lines it leaves unserved; the gap only when both leave
as many out, and its median over seeds.

Counties: ``xia`` (and any folder under scenarios/), or ``v<N>`` for a generated county of N
villages (routing.io.synthetic, seed 1). Writes nothing outside a temporary folder.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WAVES = (10 * 3600, 12 * 3600, 14 * 3600)
BREAKDOWNS = (11 * 3600, 13 * 3600)
CLOSURE = 12 * 3600 + 1800
QUIET = 9 * 3600
WAVE_SHARE = 0.02


def county(name: str, tmp: Path) -> Path:
    """A bundled scenario folder, or a generated county ``v<N>``."""
    if name.startswith("v") and name[1:].isdigit():
        from routing.io.synthetic import CountySpec, write_spec

        return write_spec(tmp / name, CountySpec(villages=int(name[1:])))
    return ROOT / "scenarios" / name


def day(folder: Path, seed: int, time_limit_s: float) -> dict[str, Any]:
    """One simulated day; its events' rows and the day's totals."""
    from routing.evaluate.check import check_plan
    from routing.io import read_scenario
    from routing.io.events import Event
    from routing.io.plan_json import plan_to_dict
    from routing.model import DemandLine, Direction, Tier
    from routing.network.matrix import travel_matrices
    from routing.pipeline import plan_scenario, replan_day

    rng = random.Random(seed)
    sc = read_scenario(folder)
    m = travel_matrices(sc)
    villages = [s.id for s in sc.stations if s.tier is Tier.VILLAGE]
    carriers = [c.id for c in sc.carriers]
    per_wave = max(1, round(WAVE_SHARE * len(sc.demand)))
    late: dict[int, list[Any]] = {}
    for w, at in enumerate(WAVES):
        late[at] = [DemandLine(id=f"LATE{w}-{k:03d}", station_id=rng.choice(villages),
                               carrier_id=rng.choice(carriers), direction=Direction.DOWN,
                               parcels=rng.randint(1, 6), kg=round(rng.uniform(0.5, 12), 1),
                               ready_s=at) for k in range(per_wave)]
    plan, _ = plan_scenario(sc, m, time_limit_s=time_limit_s, seed=seed)
    base, doc = sc, plan_to_dict(plan, sc)
    breakdowns = BREAKDOWNS if seed > 1 else BREAKDOWNS[:1]
    stream = sorted([(QUIET, "quiet"), *((t, "late") for t in WAVES),
                     *((t, "breakdown") for t in breakdowns), (CLOSURE, "closed")])
    rows = []
    out: set[str] = set()
    for at, kind in stream:
        events, new = [], []
        if kind == "late":
            new = late[at]
        elif kind == "breakdown":
            road = sorted({r["vehicle_id"] for r in doc["routes"]
                           if r["start_min"] * 60 < at < r["end_min"] * 60} - out)
            if not road:
                continue
            vid = rng.choice(road)
            out.add(vid)
            events = [Event("breakdown", at, vehicle=vid)]
        elif kind == "closed":
            ahead = sorted({s["station_id"] for r in doc["routes"] for s in r["stops"]
                            if s["arrival_min"] * 60 > at and s["station_id"] in villages})
            if not ahead:
                continue
            events = [Event("closed", at, station=rng.choice(ahead))]
        # breakdowns stay in force: the same vehicles remain out of service
        events += [Event("breakdown", None, vehicle=v) for v in sorted(out)
                   if not (events and events[0].vehicle == v)]
        t0 = time.perf_counter()
        res = replan_day(base, m, doc, at_s=at, late=new, events=events)
        latency = time.perf_counter() - t0
        doc = plan_to_dict(res.plan, res.scenario)
        bad = check_plan(doc, res.scenario, m)
        kinds = [c.kind for c in res.changes]
        rows.append({"event": f"{kind} {at // 3600:02d}:{at % 3600 // 60:02d}",
                     "latency_s": round(latency, 2), "added": kinds.count("added"),
                     "removed": kinds.count("removed"), "moved": kinds.count("moved"),
                     "unserved": sum(len(u.line_ids) for u in res.plan.unserved),
                     "check": "ok" if not bad and not res.violations else f"{len(bad)} bad"})
        base = dataclasses.replace(res.scenario, vehicle_types=sc.vehicle_types)
    everything = dataclasses.replace(sc, demand=sc.demand + tuple(
        ln for at in WAVES for ln in late[at]))
    knew, _ = plan_scenario(everything, m, time_limit_s=time_limit_s, seed=seed)
    final = sum(r["cost"]["total"] for r in doc["routes"])
    left = sum(len(u["lines"]) for u in doc["unserved"])
    knew_left = sum(len(u.line_ids) for u in knew.unserved)
    # a gap only between days that leave as many lines out (else the one serving fewer is
    # cheaper for it)
    gap = round((final - knew.cost) / knew.cost * 100, 2) \
        if knew.cost and left == knew_left else None
    return {"rows": rows, "dawn": round(plan.cost, 2), "final": round(final, 2),
            "final_left": left, "knew": round(knew.cost, 2), "knew_left": knew_left,
            "gap_pct": gap}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", default="xia")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--time-limit-s", type=float, default=10.0)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    cols = ("county", "seed", "event", "latency_s", "added", "removed", "moved", "unserved",
            "check")
    print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    days = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.counties.split(","):
            folder = county(name, Path(tmp))
            for seed in seeds:
                got = day(folder, seed, args.time_limit_s)
                for r in got["rows"]:
                    print("| " + " | ".join(str(x) for x in (name, seed, *(
                        r[c] for c in cols[2:]))) + " |", flush=True)
                days.append((name, seed, got))
    print("\n| county | seed | dawn plan | re-planned day (lines left) | knew it all at dawn "
          "(lines left) | gap % |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, seed, got in days:
        gap = "—" if got["gap_pct"] is None else got["gap_pct"]
        print(f"| {name} | {seed} | {got['dawn']:,.2f} | {got['final']:,.2f} "
              f"({got['final_left']}) | {got['knew']:,.2f} ({got['knew_left']}) | {gap} |")
    for name in args.counties.split(","):
        gaps = [g["gap_pct"] for n, _, g in days if n == name and g["gap_pct"] is not None]
        if gaps:
            print(f"\n{name}: median gap {statistics.median(gaps):.2f} % over {len(gaps)} "
                  "seed(s)")


if __name__ == "__main__":
    main()
