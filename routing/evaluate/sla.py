"""Delivery hours over a weekly cycle, from the plan documents and the scenario alone.

"Within N hours" is measured per parcel (DOMAIN.md): down, from its arrival at the county hub
(the line's ready time) to service at its village point; up, from its ready time at the station
to its arrival at the hub. A schedule repeats its day plans (one plan for daily visits, one
per day of a periodic schedule's cycle); parcels arrive every day of the cycle. A parcel that
arrives after its vehicle has left waits for the next visit to its station: a day for daily
visits, up to k days for visits every k days. In two echelons, down
parcels leave on the trunk and are delivered by the feeder the same day; produce collected by a
feeder reaches the hub on the next day's trunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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


def _visits(doc: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Per line served by one plan: (its vehicle leaves the hub, service at the station, it
    reaches the hub), seconds of the visit day. In two echelons the trunk leaves with down
    parcels, and produce a feeder collected reaches the hub on the next day's trunk."""
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
    return {i: (trunk[i][0] if i in trunk else start, service,
                DAY_S + trunk[i][1] if i in trunk else end)
            for i, (start, service, end) in final.items()}


def schedule_timings(days: Sequence[dict[str, Any] | None], scenario: Scenario, *,
                     cycle_days: int = CYCLE_DAYS,
                     waves: tuple[tuple[int, float], ...] = ()) -> list[LineTiming]:
    """Hours for every demand line of the scenario under a periodic schedule.

    ``days[j]`` is the plan run on the days ≡ j (mod ``len(days)``) of the cycle, None for a
    day without one; a line may appear in several (a daily village in a two-day schedule).
    A parcel is taken by the first visit that leaves after it is ready, on its arrival day or
    later. ``waves``: inbound waves at the hub as (seconds of day, share of the day's down
    parcels); down parcels then arrive in those waves instead of at their line's ready time.
    """
    period = len(days)
    visits: dict[str, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for j, doc in enumerate(days):
        if doc is not None:
            for i, v in _visits(doc).items():
                visits[i][j] = v
    out = []
    # Lines on the same visits with the same ready time and direction have the same hours:
    # worked out once (a manifest lists thousands of lines per station).
    memo: dict[tuple[Any, int, bool], tuple[tuple[float, ...], tuple[float, ...]]] = {}
    for ln in scenario.demand:
        hours: tuple[float, ...] | None = None
        weights: tuple[float, ...] = ()
        down = ln.direction is Direction.DOWN
        mine = visits.get(ln.id)
        if mine:
            key = (tuple(sorted(mine.items())), ln.ready_s, down)
            if key not in memo:
                memo[key] = _hours(mine, ln.ready_s, down, period, cycle_days, waves)
            hours, weights = memo[key]
        out.append(LineTiming(line_id=ln.id, station_id=ln.station_id, carrier_id=ln.carrier_id,
                              direction=ln.direction, fresh=ln.fresh, parcels=ln.parcels,
                              hours=hours, weights=weights))
    return out


def _hours(mine: dict[int, tuple[int, int, int]], ready_s: int, down: bool, period: int,
           cycle_days: int, waves: tuple[tuple[int, float], ...]
           ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Hours from ready to done of one line over the cycle, and their weights: ``mine`` maps
    each day of the period with a visit to (leaves the hub, service, back at the hub)."""
    arrivals = waves if waves and down else ((ready_s, 1.0),)
    vals: list[float] = []
    weights: list[float] = []
    for a in range(cycle_days):
        for ready, share in arrivals:
            for d in range(a, a + period + 1):
                v = mine.get(d % period)
                if v is None:
                    continue
                leaves, service, at_hub = v
                if d > a or (leaves if down else service) >= ready:
                    done = (d - a) * DAY_S + (service if down else at_hub)
                    break
            vals.append((done - ready) / 3600)
            weights.append(share)
    return tuple(vals), tuple(weights)


def _share(timings: list[LineTiming], limit_h: float) -> float | None:
    # Lines with the same hours (schedule_timings shares one tuple between them) are summed
    # by parcels first, then weighed once.
    parcels: dict[tuple[int, int], int] = {}
    first: dict[tuple[int, int], LineTiming] = {}
    total = within = 0.0
    for t in timings:
        if not t.hours:  # unserved: all late, with the weight of one arrival per day
            total += t.parcels * CYCLE_DAYS
            continue
        key = (id(t.hours), id(t.weights))
        if key in parcels:
            parcels[key] += t.parcels
        else:
            parcels[key], first[key] = t.parcels, t
    for key, n in parcels.items():
        t = first[key]
        w = t.weights or (1.0,) * len(t.hours or ())
        total += n * sum(w)
        within += n * sum(x for h, x in zip(t.hours or (), w, strict=True)
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
