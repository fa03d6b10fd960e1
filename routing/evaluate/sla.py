"""Delivery hours over a weekly cycle, from a plan document and the scenario alone.

"Within N hours" is measured per parcel (DOMAIN.md): down, from its arrival at the county hub
(the line's ready time) to service at its village point; up, from its ready time at the station
to its arrival at the hub. The plan is the same on every visit day; parcels arrive every day of
the cycle. A parcel that arrives after its vehicle has left waits for the next visit day: one
day for daily visits, up to ``visit_every_days`` for less frequent ones. In two echelons, down
parcels leave on the trunk and are delivered by the feeder the same day; produce collected by a
feeder reaches the hub on the next day's trunk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..constants import DAY_S, SLA_TIERS_H
from ..model import Direction, Scenario

#: Days in the simulated cycle: a week, so every-other-day visits fall on both parities.
CYCLE_DAYS = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class LineTiming:
    """Hours from ready to done for one demand line, one value per arrival day of the cycle
    (None where the line is not served at all)."""

    line_id: str
    station_id: str
    carrier_id: str
    direction: Direction
    fresh: bool
    parcels: int
    hours: tuple[float, ...] | None
    weights: tuple[float, ...] = ()  # per entry of ``hours``; empty: all equal


def _wait_days(arrival_day: int, ready_s: int, leaves_s: int, every: int, offset: int) -> int:
    """Days from the arrival day to the visit day (days ≡ offset mod every) that takes it."""
    d = arrival_day
    while True:
        if (d - offset) % every == 0 and (d > arrival_day or leaves_s >= ready_s):
            return d - arrival_day
        d += 1


def line_timings(doc: dict[str, Any], scenario: Scenario, *, visit_every_days: int = 1,
                 cycle_days: int = CYCLE_DAYS, offset: int = 0,
                 waves: tuple[tuple[int, float], ...] = ()) -> list[LineTiming]:
    """Hours for every demand line of the scenario over a ``cycle_days`` cycle.

    ``waves``: inbound waves at the hub as (seconds of day, share of the day's down parcels);
    down parcels then arrive in those waves instead of at their line's ready time.
    ``offset``: the plan runs on days ≡ offset (mod ``visit_every_days``) of the cycle.
    """
    trunk: dict[str, tuple[int, int]] = {}  # line -> (trunk start, trunk end), seconds
    final: dict[str, tuple[int, int, int]] = {}  # line -> (route start, service, route end)
    for r in doc["routes"]:
        start, end = round(r["start_min"] * 60), round(r["end_min"] * 60)
        for s in r["stops"]:
            handed = set(s.get("transfers", []))
            for i in s["lines"]:
                if i in handed:
                    trunk[i] = (start, end)
                else:
                    final[i] = (start, round(s["start_min"] * 60), end)
    out = []
    for ln in scenario.demand:
        hours: tuple[float, ...] | None = None
        arrivals = (waves if waves and ln.direction is Direction.DOWN
                    else ((ln.ready_s, 1.0),))
        weights: list[float] = []
        if ln.id in final:
            start, service, end = final[ln.id]
            vals = []
            for a in range(cycle_days):
                for ready, share in arrivals:
                    if ln.direction is Direction.DOWN:
                        leaves = trunk[ln.id][0] if ln.id in trunk else start
                        wait = _wait_days(a, ready, leaves, visit_every_days, offset)
                        done = wait * DAY_S + service
                    else:
                        wait = _wait_days(a, ready, service, visit_every_days, offset)
                        at_hub = DAY_S + trunk[ln.id][1] if ln.id in trunk else end
                        done = wait * DAY_S + at_hub
                    vals.append((done - ready) / 3600)
                    weights.append(share)
            hours = tuple(vals)
        out.append(LineTiming(line_id=ln.id, station_id=ln.station_id, carrier_id=ln.carrier_id,
                              direction=ln.direction, fresh=ln.fresh, parcels=ln.parcels,
                              hours=hours, weights=tuple(weights)))
    return out


def _share(timings: list[LineTiming], limit_h: float) -> float | None:
    total = within = 0.0
    for t in timings:
        if not t.hours:  # unserved: all late, with the weight of one arrival per day
            total += t.parcels * CYCLE_DAYS
            continue
        w = t.weights or (1.0,) * len(t.hours)
        total += t.parcels * sum(w)
        within += t.parcels * sum(x for h, x in zip(t.hours, w, strict=True)
                                  if h <= limit_h + 1e-9)
    return within / total if total else None


def sla_report(timings: list[LineTiming], scenario: Scenario) -> dict[str, Any]:
    """Shares of parcels within 24/48/72 h (all) and fresh within ``fresh_h``; per village and
    per carrier; the stations that break the scenario's targets. Unserved parcels count late."""
    tg = scenario.targets
    fresh = [t for t in timings if t.fresh]
    report: dict[str, Any] = {f"within_{h}h": _share(timings, h) for h in SLA_TIERS_H}
    report["fresh_within_h"] = tg.fresh_h
    report["fresh_within"] = _share(fresh, tg.fresh_h)
    report["on_time_h"] = tg.on_time_h
    report["on_time"] = _share(timings, tg.on_time_h)
    by_station: dict[str, list[LineTiming]] = defaultdict(list)
    by_carrier: dict[str, list[LineTiming]] = defaultdict(list)
    for t in timings:
        by_station[t.station_id].append(t)
        by_carrier[t.carrier_id].append(t)
    report["per_carrier"] = {c: {"on_time": _share(ts, tg.on_time_h),
                                 "fresh_within": _share([t for t in ts if t.fresh], tg.fresh_h)}
                             for c, ts in sorted(by_carrier.items())}
    names = {s.id: s.name for s in scenario.stations}
    breaking = []
    for sid, ts in by_station.items():
        worst = max((h for t in ts for h in (t.hours or (float("inf"),))), default=0.0)
        on_time = _share(ts, tg.on_time_h)
        fresh_ok = _share([t for t in ts if t.fresh], tg.fresh_h)
        if (on_time is not None and on_time < 1) or (fresh_ok is not None and fresh_ok < 1):
            breaking.append({"station_id": sid, "name": names.get(sid, ""),
                             "on_time": on_time, "fresh_within": fresh_ok,
                             "worst_h": None if worst == float("inf") else round(worst, 2)})
    report["stations_breaking_target"] = sorted(breaking, key=lambda b: b["station_id"])
    report["target_met"] = (report["on_time"] in (None, 1.0)
                            and report["fresh_within"] in (None, 1.0))
    return report
