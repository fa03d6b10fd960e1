"""A day of operations, simulated: re-plan at every event and measure what it costs.

    python benchmarks/bench_replan.py --counties xia,v600 --seeds 1,2,3 --time-limit-s 10

Per county and seed: the dawn plan (``routing.pipeline.plan_scenario`` at the time limit),
the time to re-time and check it with one stop moved to another vehicle
(``routing.pipeline.retime_plan``, what ``routing retime`` and the workspace do), then a
seeded stream of events, each answered by ``routing.pipeline.replan_day`` on the plan before
it (the day's scenario carried forward):

- 09:00 nothing happened (the plan must not move: 0 changes);
- 10:00, 12:00 and 14:00 a wave of late parcels (2 % of the lines each, for random villages,
  ready at the wave's time; a third of them 1 kg, the rest as the county's lines);
- 11:00 and 13:00 a vehicle on the road breaks down (13:00 from seed 2 on: one or two);
- 12:30 a village not yet visited closes.

Per event it prints the latency (``replan_day`` returns one plan — the first valid plan is the
final one, so both latencies are the same column), the driver changes (added / removed /
moved stops), the lines left unserved and the checker's verdict on the whole day against the
day's scenario. Per day, the price of not knowing: the re-planned day's cost against a plan
that knew every late parcel at dawn — ``plan_scenario`` on the final day's scenario (late
lines, closures; the whole fleet, each line ready when it was, not when a broken-down vehicle
brought it back) with the same time limit, the re-planned day's assignment among its
candidates (a reference plan at no change penalty) — each with the lines it leaves unserved; the
percentage only when both serve exactly the same lines (else the table says how many lines
only one of them serves), and its median over those seeds.

Counties: ``xia`` (and any folder under scenarios/), or ``v<N>`` for a generated county of N
villages (routing.io.synthetic, seed 1; ``v<N>s<seed>`` another seed, ``…t`` a tight one).
Writes nothing outside a temporary folder.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
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
    """A bundled scenario folder, or a generated county ``v<N>[s<seed>][t]`` (seed 1 by
    default; ``t``: tight — the fleet just enough, half the villages with a half-day window,
    light vans on two trips)."""
    got = re.fullmatch(r"v(\d+)(?:s(\d+))?(t?)", name)
    if got:
        from routing.io.synthetic import CountySpec, write_spec

        tight = {"fleet_factor": 1.0, "window_share": 0.5, "multi_trip": True} \
            if got[3] else {}
        return write_spec(tmp / name, CountySpec(villages=int(got[1]), seed=int(got[2] or 1),
                                                 **tight))
    return ROOT / "scenarios" / name


def day(folder: Path, seed: int, time_limit_s: float, *, breakdowns_on: bool = True,
        knew_s: float | None = None) -> dict[str, Any]:
    """One simulated day; its events' rows and the day's totals."""
    from routing.evaluate.check import check_plan
    from routing.io import read_scenario
    from routing.io.events import Event
    from routing.io.plan_json import plan_to_dict
    from routing.model import DemandLine, Direction, Tier
    from routing.network.matrix import travel_matrices
    from routing.pipeline import plan_scenario, reference_from_plan, replan_day

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
    retime_s = _retime_s(sc, m, doc, rng)
    breakdowns = (BREAKDOWNS if seed > 1 else BREAKDOWNS[:1]) if breakdowns_on else ()
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
                     "check": "ok" if not bad and not res.violations else
                     f"{len(bad) + len(res.violations)} bad: "
                     + "; ".join(f"{v.kind} {v.where}: {v.message}"
                                 for v in [*bad, *res.violations][:3])})
        base = dataclasses.replace(res.scenario, vehicle_types=sc.vehicle_types)
    # the plan that knew every late parcel at dawn: the final day's scenario (late lines,
    # closures), the fleet whole and each line ready when it was (not when a broken-down
    # vehicle brought it back), planned with the same budget
    ready = {ln.id: ln.ready_s for ln in sc.demand}
    everything = dataclasses.replace(base, vehicle_types=sc.vehicle_types, demand=tuple(
        dataclasses.replace(ln, ready_s=ready.get(ln.id, ln.ready_s)) for ln in base.demand))
    # Its candidates include the re-planned day's own assignment (as a reference plan, no
    # change penalty: a candidate, not a constraint), so it serves at least what the
    # re-planned day serves whenever that fits the day known at dawn.
    knew, _ = plan_scenario(everything, m, time_limit_s=knew_s or time_limit_s, seed=seed,
                            reference=reference_from_plan(doc), change_penalty=0.0)
    final = sum(r["cost"]["total"] for r in doc["routes"])
    served = {i for r in doc["routes"] for s in r["stops"] for i in s["lines"]
              if i not in set(s.get("transfers", []))}
    knew_served = {i for r in knew.routes for s in r.stops for i in s.line_ids
                   if i not in set(s.transfer_ids)}
    return {"rows": rows, "dawn": round(plan.cost, 2), "retime_s": retime_s,
            "final": round(final, 2),
            "final_left": len(everything.demand) - len(served), "knew": round(knew.cost, 2),
            "knew_left": len(everything.demand) - len(knew_served),
            **_price(final, knew.cost, served, knew_served)}


def _retime_s(sc: Any, m: Any, doc: dict[str, Any], rng: random.Random) -> float:
    """Seconds to re-time and check the dawn plan with one stop moved to another vehicle's
    route (what `routing retime` and the workspace do on a dispatcher's edit)."""
    from routing.io.edited import routes_from_doc
    from routing.pipeline import retime_plan

    edited = {"routes": [{"vehicle_id": r["vehicle_id"], "trip": r.get("trip", 1),
                          "stops": [{"station_id": x["station_id"], "lines": x["lines"]}
                                    for x in r["stops"]]} for r in doc["routes"]]}
    busy = [r for r in edited["routes"] if r["stops"]]
    if len(busy) >= 2:
        a, b = rng.sample(busy, 2)
        b["stops"].insert(len(b["stops"]) // 2, a["stops"].pop(len(a["stops"]) // 2))
    t0 = time.perf_counter()
    retime_plan(sc, m, routes_from_doc(edited, sc))
    return round(time.perf_counter() - t0, 3)


def _price(final: float, knew: float, served: set[str], knew_served: set[str]
           ) -> dict[str, Any]:
    """The price of not knowing (% over the plan that knew at dawn), only between days that
    serve the same lines; else why not."""
    if served == knew_served and knew:
        return {"gap_pct": round((final - knew) / knew * 100, 2), "why": ""}
    only, only_knew = len(served - knew_served), len(knew_served - served)
    return {"gap_pct": None, "why": f"not the same lines: {only} served only by the "
            f"re-planned day, {only_knew} only by the plan that knew"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", default="xia")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--time-limit-s", type=float, default=10.0)
    ap.add_argument("--no-breakdowns", action="store_true",
                    help="late parcels and closures only: the day that knew everything at "
                    "dawn then has the same fleet as the re-planned one")
    ap.add_argument("--knew-time-limit-s", type=float, default=None,
                    help="time limit of the plan that knew everything at dawn (default: "
                    "--time-limit-s)")
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
                got = day(folder, seed, args.time_limit_s,
                          breakdowns_on=not args.no_breakdowns,
                          knew_s=args.knew_time_limit_s)
                for r in got["rows"]:
                    print("| " + " | ".join(str(x) for x in (name, seed, *(
                        r[c] for c in cols[2:]))) + " |", flush=True)
                days.append((name, seed, got))
    print("\n| county | seed | dawn plan | re-time + check one edit s | re-planned day (lines "
          "left) | knew it all at dawn (lines left) | price of not knowing % |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, seed, got in days:
        gap = got["why"] if got["gap_pct"] is None else f"{got['gap_pct']:+.2f}"
        print(f"| {name} | {seed} | {got['dawn']:,.2f} | {got['retime_s']} | {got['final']:,.2f} "
              f"({got['final_left']}) | {got['knew']:,.2f} ({got['knew_left']}) | {gap} |")
    for name in args.counties.split(","):
        gaps = [g["gap_pct"] for n, _, g in days if n == name and g["gap_pct"] is not None]
        n_days = sum(1 for n, _, _ in days if n == name)
        print(f"\n{name}: " + (f"median price of not knowing {statistics.median(gaps):+.2f} % "
                                f"over {len(gaps)} of {n_days} seed(s) (the others serve "
                                "other lines)" if gaps else
                                f"no seed of {n_days} serves the same lines both ways"))


if __name__ == "__main__":
    main()
