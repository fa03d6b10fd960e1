"""A day of operations, simulated: re-plan at every event and measure what it costs.

    python benchmarks/bench_replan.py --counties xia,v600 --seeds 1,2,3 --time-limit-s 10

Per county and seed: the dawn plan (``routing.pipeline.plan_scenario`` at the time limit),
the time to re-time and check it with one stop moved to another vehicle
(``routing.pipeline.retime_plan``, what ``routing retime`` and the workspace do), then a
seeded stream of events, each answered by ``routing.pipeline.replan_day`` on the plan before
it (the day's scenario carried forward):

- 09:00 nothing happened (the plan must not move: 0 changes);
- 10:00, 12:00 and 14:00 a wave of late parcels, ready at the wave's time: ``--stream
  spread`` (default) 2 % of the county's lines each, for random villages and carriers;
  ``--stream truck`` one carrier's late truck with 40 parcels for 6 villages (the issue's
  example);
- 11:00 and 13:00 a vehicle on the road breaks down (13:00 from seed 2 on: one or two);
- 12:30 a village not yet visited closes.

Per event it prints the latency to the first plan the checker judged (``first_s``: the
insertion re-plan, checked) and to the final one (``final_s``: after PyVRP re-optimised the
rest of the day, checked, ``--replan-s`` seconds), the driver changes (added / removed /
moved stops), the lines left unserved and the checker's verdict on the whole day against the
day's scenario. Per day, the price of not knowing, against plans made at dawn on the final
day's scenario (late lines, closures; the whole fleet, each line ready when it was, not when
a broken-down vehicle brought it back) with the same time limit: the plan that knew it all
(``plan_scenario``) — the lines it serves that the re-planned day does not (a village closed
at 12:30 that a plan knowing it would have reached earlier) — and the plan that knew it all
given exactly the lines the re-planned day served, the re-planned day's assignment among its
candidates (a reference plan at no change penalty): the price in cost is the re-planned day's
cost over that one's, and its median over the seeds. Last, the same lines with the dawn plan's
routes kept as they were and the rest planned knowing it all at dawn with the vehicles the
dawn plan left idle (``plan_scenario`` with those routes locked): what any re-plan that keeps
the morning as planned could reach within this budget — how much of the price is the search,
how much the shape of the day.

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
TRUCK_PARCELS, TRUCK_VILLAGES = 40, 6


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
        knew_s: float | None = None, stream: str = "spread", replan_s: float = 3.0,
        hold: bool = False) -> dict[str, Any]:
    """One simulated day; its events' rows and the day's totals."""
    from routing.evaluate.check import check_plan
    from routing.io import read_scenario
    from routing.io.edited import locked_routes
    from routing.io.events import Event
    from routing.io.plan_json import plan_to_dict
    from routing.model import Tier
    from routing.network.matrix import travel_matrices
    from routing.pipeline import Locks, plan_scenario, reference_from_plan, replan_day

    rng = random.Random(seed)
    sc = read_scenario(folder)
    m = travel_matrices(sc)
    villages = [s.id for s in sc.stations if s.tier is Tier.VILLAGE]
    carriers = [c.id for c in sc.carriers]
    late = _late_waves(sc, villages, carriers, rng, stream)
    plan, _ = plan_scenario(sc, m, time_limit_s=time_limit_s, seed=seed)
    base, doc = sc, plan_to_dict(plan, sc)
    dawn_doc = doc
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
        res = replan_day(base, m, doc, at_s=at, late=new, events=events,
                         time_limit_s=replan_s, hold=hold)
        latency = time.perf_counter() - t0
        doc = plan_to_dict(res.plan, res.scenario)
        bad = check_plan(doc, res.scenario, m)
        kinds = [c.kind for c in res.changes]
        rows.append({"event": f"{kind} {at // 3600:02d}:{at % 3600 // 60:02d}",
                     "first_s": round(res.first_s, 2), "final_s": round(latency, 2),
                     "added": kinds.count("added"),
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
    knew, _ = plan_scenario(everything, m, time_limit_s=knew_s or time_limit_s, seed=seed)
    final = sum(r["cost"]["total"] for r in doc["routes"])
    served = _served_doc(doc)
    knew_served = {i for r in knew.routes for s in r.stops for i in s.line_ids
                   if i not in set(s.transfer_ids)}
    # The price in cost compares the same work: the plan that knew at dawn given exactly the
    # lines the re-planned day served (a closure can take a village the re-planned day had
    # not reached yet; a dawn plan that knew would have gone earlier — that is counted in
    # lines above, not in cost here), the re-planned day's assignment among its candidates
    # (a reference plan at no change penalty: a candidate, not a constraint).
    same_work = dataclasses.replace(everything, demand=tuple(
        ln for ln in everything.demand if ln.id in served))
    same, _ = plan_scenario(same_work, m, time_limit_s=knew_s or time_limit_s, seed=seed,
                            reference=reference_from_plan(doc), change_penalty=0.0)
    same_left = sum(len(u.line_ids) for u in same.unserved)
    # The same lines, the dawn plan's routes kept as they were and the late lines planned
    # knowing them all at dawn with the vehicles the dawn plan left idle: what any re-plan
    # that keeps the morning as planned could reach at best, within this budget.
    kept_dawn = locked_routes(dawn_doc, sorted({r["vehicle_id"] for r in dawn_doc["routes"]}),
                              same_work)
    kept, _ = plan_scenario(same_work, m, time_limit_s=knew_s or time_limit_s, seed=seed,
                            locks=Locks(routes=tuple(kept_dawn)))
    kept_left = sum(len(u.line_ids) for u in kept.unserved)
    return {"rows": rows, "dawn": round(plan.cost, 2), "retime_s": retime_s,
            "final": round(final, 2),
            "final_left": len(everything.demand) - len(served), "knew": round(knew.cost, 2),
            "knew_left": len(everything.demand) - len(knew_served),
            "lost": len(knew_served - served), "same": round(same.cost, 2),
            "gap_pct": round((final - same.cost) / same.cost * 100, 2)
            if not same_left and same.cost else None,
            "why": f"the plan that knew left {same_left} of the same lines out",
            "kept": round(kept.cost, 2), "kept_left": kept_left}


def _served_doc(doc: dict[str, Any]) -> set[str]:
    """The lines a plan document delivers or collects (not those it only hands over)."""
    return {i for r in doc["routes"] for s in r["stops"] for i in s["lines"]
            if i not in set(s.get("transfers", []))}


def _late_waves(sc: Any, villages: list[str], carriers: list[str], rng: random.Random,
                stream: str) -> dict[int, list[Any]]:
    """The late lines of each wave. ``spread``: 2 % of the county's lines, each for a random
    village and carrier, 1–6 parcels of 0.5–12 kg; ``truck``: one carrier's late truck, 40
    parcels for 6 random villages (the issue's own example), 1.5 kg a parcel."""
    from routing.model import DemandLine, Direction

    late: dict[int, list[Any]] = {}
    for w, at in enumerate(WAVES):
        if stream == "truck":
            carrier, where = rng.choice(carriers), rng.sample(villages, TRUCK_VILLAGES)
            cuts = sorted(rng.sample(range(1, TRUCK_PARCELS), TRUCK_VILLAGES - 1))
            sizes = [b - a for a, b in zip([0, *cuts], [*cuts, TRUCK_PARCELS], strict=True)]
            late[at] = [DemandLine(id=f"LATE{w}-{k:03d}", station_id=v, carrier_id=carrier,
                                   direction=Direction.DOWN, parcels=n, kg=round(1.5 * n, 1),
                                   ready_s=at) for k, (v, n) in enumerate(zip(where, sizes,
                                                                              strict=True))]
            continue
        per_wave = max(1, round(WAVE_SHARE * len(sc.demand)))
        late[at] = [DemandLine(id=f"LATE{w}-{k:03d}", station_id=rng.choice(villages),
                               carrier_id=rng.choice(carriers), direction=Direction.DOWN,
                               parcels=rng.randint(1, 6), kg=round(rng.uniform(0.5, 12), 1),
                               ready_s=at) for k in range(per_wave)]
    return late


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
    ap.add_argument("--replan-s", type=float, default=3.0,
                    help="seconds PyVRP re-optimises the rest of the day at each event "
                    "(0: the insertion re-plan only)")
    ap.add_argument("--hold", action="store_true",
                    help="re-plan with the hold policy: a vehicle's one trip not yet begun "
                    "leaves as late as it can, so later waves may join it")
    ap.add_argument("--stream", choices=("spread", "truck"), default="spread",
                    help="late parcels of each wave: spread (2 %% of the lines, random "
                    "villages) or truck (one carrier's late truck, 40 parcels for 6 villages)")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    cols = ("county", "seed", "event", "first_s", "final_s", "added", "removed", "moved",
            "unserved", "check")
    print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    days = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.counties.split(","):
            folder = county(name, Path(tmp))
            for seed in seeds:
                got = day(folder, seed, args.time_limit_s,
                          breakdowns_on=not args.no_breakdowns,
                          knew_s=args.knew_time_limit_s, stream=args.stream,
                          replan_s=args.replan_s, hold=args.hold)
                for r in got["rows"]:
                    print("| " + " | ".join(str(x) for x in (name, seed, *(
                        r[c] for c in cols[2:]))) + " |", flush=True)
                days.append((name, seed, got))
    print("\n| county | seed | dawn plan | re-time + check one edit s | re-planned day (lines "
          "left) | knew it all at dawn (lines left) | lines only it serves | knew at dawn, "
          "the same lines | price of not knowing % | dawn kept, late known at dawn (lines "
          "left) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, seed, got in days:
        gap = got["why"] if got["gap_pct"] is None else f"{got['gap_pct']:+.2f}"
        print(f"| {name} | {seed} | {got['dawn']:,.2f} | {got['retime_s']} | {got['final']:,.2f} "
              f"({got['final_left']}) | {got['knew']:,.2f} ({got['knew_left']}) | "
              f"{got['lost']} | {got['same']:,.2f} | {gap} | {got['kept']:,.2f} "
              f"({got['kept_left']}) |")
    for name in args.counties.split(","):
        gaps = [g["gap_pct"] for n, _, g in days if n == name and g["gap_pct"] is not None]
        n_days = sum(1 for n, _, _ in days if n == name)
        print(f"\n{name}: " + (f"median price of not knowing {statistics.median(gaps):+.2f} % "
                                f"over {len(gaps)} of {n_days} seed(s)" if gaps else
                                f"no seed of {n_days} has a price in cost"))


if __name__ == "__main__":
    main()
