"""Periodic schedules: each station served every k days, k set per station or chosen.

A schedule gives every station with parcels a frequency k (days) and an offset o: it is served
on the days ≡ o (mod k) and then carries k days of its parcels. The schedule repeats after the
least common multiple of its frequencies (its period), with one plan per day of the period; a
daily village is on all of them, an every-other-day village on every second one.

Offsets put the stations of each frequency into k sectors around the hub, cut so each sector
holds about the same parcels: a van's day then covers one side of the county and the daily
workload stays level. The alternative, every station of a frequency on the same day, suits a
county small enough for one tour.

Choosing frequencies (periodic planning) starts from the daily plan: a station whose parcels
all arrive within ``h`` hours when visited daily arrives within ``h + 24·(k − 1)`` hours when
visited every k days with the same routes, so its slack against the targets (fresh lines
against ``fresh_h``, all lines against ``on_time_h``) bounds k. The plans of the chosen schedule
are then simulated again, and a station that still breaks a target is visited more often.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from ..exceptions import ModelError
from ..model import Scenario, Targets, Tier
from .sla import LineTiming

#: Longest schedule period planned, days: each day of the period is one plan.
MAX_PERIOD = 12


@dataclass(frozen=True, slots=True)
class Schedule:
    """Frequency (days) and offset (day of its cycle) of every station with parcels."""

    every: Mapping[str, int]
    offset: Mapping[str, int]

    @property
    def period(self) -> int:
        """Days after which the schedule repeats."""
        return math.lcm(*self.every.values()) if self.every else 1

    def serves(self, station_id: str, day: int) -> bool:
        """Whether the station is visited on ``day`` of the period."""
        return (day - self.offset[station_id]) % self.every[station_id] == 0


def volumes(sub: Scenario) -> dict[str, int]:
    """Parcels per day at each station with demand."""
    out: dict[str, int] = {}
    for ln in sub.demand:
        out[ln.station_id] = out.get(ln.station_id, 0) + ln.parcels
    return out


def sectors(sub: Scenario, stations: Collection[str], k: int) -> list[set[str]]:
    """``stations`` in ``k`` sectors around the hub by angle, each about the same parcels."""
    volume = volumes(sub)
    if k == 1:
        return [set(stations)]
    hub = next(s for s in sub.stations if s.tier is Tier.HUB)
    order = sorted(stations, key=lambda sid: (math.atan2(sub.station(sid).lat - hub.lat,
                                                         sub.station(sid).lon - hub.lon), sid))
    total = sum(volume.get(sid, 0) for sid in order)
    groups: list[set[str]] = [set() for _ in range(k)]
    running = 0
    for sid in order:
        g = min(k - 1, int(k * (running + volume.get(sid, 0) / 2) / max(total, 1)))
        groups[g].add(sid)
        running += volume.get(sid, 0)
    return groups


def sector_schedule(sub: Scenario, every: Mapping[str, int]) -> Schedule:
    """Offsets by sector: the stations of frequency k split into k sectors, one per day."""
    offset: dict[str, int] = {}
    for k in sorted(set(every.values())):
        for j, group in enumerate(sectors(sub, [s for s, f in every.items() if f == k], k)):
            offset.update(dict.fromkeys(group, j))
    return Schedule(every=dict(every), offset=offset)


def same_day_schedule(every: Mapping[str, int]) -> Schedule:
    """Every station on the first day of its cycle."""
    return Schedule(every=dict(every), offset=dict.fromkeys(every, 0))


def day_scenarios(sub: Scenario, schedule: Schedule) -> list[Scenario | None]:
    """One scenario per day of the period: the stations served that day, each with
    ``every`` days of parcels; None for a day with nothing to serve."""
    period = schedule.period
    if period > MAX_PERIOD:
        freqs = sorted(set(schedule.every.values()))
        raise ModelError(f"visit frequencies {freqs} (days) repeat only every {period} days; "
                         f"choose frequencies whose cycle is at most {MAX_PERIOD} days "
                         "(for example 1, 2, 3, 4, 6 or 12)")
    days: list[Scenario | None] = []
    for j in range(period):
        demand = []
        for ln in sub.demand:
            if schedule.serves(ln.station_id, j):
                k = schedule.every[ln.station_id]
                demand.append(dataclasses.replace(ln, parcels=ln.parcels * k, kg=ln.kg * k,
                                                  m3=ln.m3 * k))
        days.append(dataclasses.replace(sub, demand=tuple(demand)) if demand else None)
    return days


def slack_h(timings: Iterable[LineTiming], targets: Targets) -> dict[str, float]:
    """Hours each station's latest parcel has to spare against the targets (fresh lines
    against ``fresh_h`` and ``on_time_h``, the others against ``on_time_h``); a station
    with a line left unserved has no slack."""
    out: dict[str, float] = {}
    for t in timings:
        limit = min(targets.on_time_h, targets.fresh_h) if t.fresh else targets.on_time_h
        spare = limit - max(t.hours) if t.hours else -math.inf
        out[t.station_id] = min(out.get(t.station_id, math.inf), spare)
    return out


def choose_every(slack: Mapping[str, float], choices: Iterable[int],
                 fixed: Mapping[str, int]) -> dict[str, int]:
    """Per station the least frequent choice whose added wait, 24 h per skipped day, fits its
    slack; stations in ``fixed`` keep theirs."""
    options = sorted(set(choices))
    out = {}
    for sid, spare in slack.items():
        if sid in fixed:
            out[sid] = fixed[sid]
        else:
            out[sid] = max((k for k in options if 24 * (k - 1) <= spare + 1e-9), default=1)
    return out


def more_often(every: Mapping[str, int], stations: Iterable[str], choices: Iterable[int],
               fixed: Mapping[str, int]) -> dict[str, int]:
    """``every`` with each of ``stations`` (not fixed) moved to the next more frequent choice."""
    options = sorted(set(choices))
    out = dict(every)
    for sid in stations:
        if sid in out and sid not in fixed:
            out[sid] = max((k for k in options if k < out[sid]), default=out[sid])
    return out
