"""Turn demand lines into the visits a vehicle makes, and set aside what no vehicle could serve.

A station is visited once for its ambient goods and once for its fresh goods (which only a
refrigerated vehicle may carry), so cold chain never forces a whole station onto a reefer.
This module does not import ortools: it is the solver-independent half of model building.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..constants import DAY_S, WAVE_GAP_S
from ..model import DemandLine, Direction, Scenario, Station, VehicleType
from ..model.plan import Unserved
from ..units import hhmm


@dataclass(frozen=True, slots=True, kw_only=True)
class Visit:
    """One stop to make: a station and the demand lines served there in one go."""

    station_id: str
    fresh: bool
    line_ids: tuple[str, ...]
    down_kg: float
    down_m3: float
    down_parcels: int
    up_kg: float
    up_m3: float
    up_parcels: int
    service_s: int
    open_s: int
    close_s: int
    ready_down_s: int  # latest hub-ready time of its down lines (vehicle leaves after it)
    ready_up_s: int  # latest ready time of its up lines (collect no earlier)
    deliver_by_s: int  # service must start by then for down lines to meet their hour target
    return_by_s: int  # fresh pickups must be back at the depot by then (fresh hour target)


def service_time_s(scenario: Scenario, station_service_s: int, parcels: int) -> int:
    """Fixed stop time plus per-parcel handling, whole seconds (rounded up)."""
    return station_service_s + math.ceil(parcels * scenario.service.per_parcel_s - 1e-9)


def _largest(scenario: Scenario, fresh: bool) -> tuple[float, float, int] | None:
    """Capacity (kg, m3, parcels) of the largest vehicle type that may carry the class."""
    fleet = [vt for vt in scenario.vehicle_types
             if vt.count > 0 and (not fresh or vt.fresh_capacity_kg > 0)]
    if not fleet:
        return None
    vt = max(fleet, key=lambda v: (v.fresh_capacity_kg if fresh else v.capacity_kg))
    return (vt.fresh_capacity_kg if fresh else vt.capacity_kg, vt.capacity_m3,
            vt.capacity_parcels)


def _chunks(lines: list[DemandLine], cap: tuple[float, float, int] | None
            ) -> list[list[DemandLine]]:
    """Split a station's lines into loads that each fit ``cap`` both ways (split delivery).

    First fit by decreasing weight: a township's parcels for all its villages (two echelons) or
    a big station's day can need several vehicles. A single line larger than ``cap`` stays a
    chunk of its own and is reported unservable with its numbers.
    """
    if cap is None:
        return [lines]
    chunks: list[list[DemandLine]] = []
    sums: list[list[float]] = []  # per chunk: down kg, m3, parcels, up kg, m3, parcels
    for ln in sorted(lines, key=lambda x: (-x.kg, x.id)):
        k = 0 if ln.direction is Direction.DOWN else 3
        if ln.kg > cap[0] + 1e-9 or ln.m3 > cap[1] + 1e-9 or ln.parcels > cap[2]:
            chunks.append([ln])  # alone, so the rest of the station is still served
            sums.append([math.inf] * 6)
            continue
        fit = next((i for i, tot in enumerate(sums)
                    if tot[k] + ln.kg <= cap[0] + 1e-9 and tot[k + 1] + ln.m3 <= cap[1] + 1e-9
                    and tot[k + 2] + ln.parcels <= cap[2]), None)
        if fit is None:
            chunks.append([])
            sums.append([0.0] * 6)
            fit = len(chunks) - 1
        chunk, tot = chunks[fit], sums[fit]
        chunk.append(ln)
        tot[k] += ln.kg
        tot[k + 1] += ln.m3
        tot[k + 2] += ln.parcels
    order = {ln.id: i for i, ln in enumerate(lines)}
    return [sorted(c, key=lambda x: order[x.id]) for c in chunks]


def waves(lines: Sequence[DemandLine]) -> dict[str, int]:
    """Each line's wave of the day (0, 1, …), from the hub-ready times of the down lines:
    sorted, a gap of more than ``WAVE_GAP_S`` begins the next wave. A produce pickup rides
    with the last wave begun by its ready time (the first, if none): one stop delivers and
    collects, as one always did in a day of one wave."""
    times = sorted({ln.ready_s for ln in lines if ln.direction is Direction.DOWN})
    starts = times[:1] + [t for a, t in itertools.pairwise(times)
                          if t - a > WAVE_GAP_S]
    return {ln.id: max(0, bisect.bisect_right(starts, ln.ready_s) - 1) for ln in lines}


def build_visits(scenario: Scenario) -> list[Visit]:
    """Group demand lines by (station, fresh, wave of the day, see :func:`waves`), split into
    vehicle-sized loads; deterministic."""
    wave = waves(scenario.demand)
    groups: dict[tuple[str, bool, int], list[DemandLine]] = {}
    for line in scenario.demand:
        groups.setdefault((line.station_id, line.fresh, wave[line.id]), []).append(line)
    order = {s.id: i for i, s in enumerate(scenario.stations)}
    caps = {fresh: _largest(scenario, fresh) for fresh in (False, True)}
    visits = []
    for (sid, fresh, _), all_lines in sorted(groups.items(),
                                             key=lambda kv: (order[kv[0][0]], *kv[0][1:])):
        st = scenario.station(sid)
        for lines in _chunks(all_lines, caps[fresh]):
            visits.append(_visit(scenario, st, fresh, lines))
    return visits


def visit_of(scenario: Scenario, station_id: str, lines: list[DemandLine]) -> Visit:
    """The visit serving ``lines`` at ``station_id`` in one stop (a plan's stop, read back)."""
    return _visit(scenario, scenario.station(station_id), any(ln.fresh for ln in lines), lines)


def _visit(scenario: Scenario, st: Station, fresh: bool, lines: list[DemandLine]) -> Visit:
    """One visit serving ``lines`` at station ``st``."""
    sid = st.id
    down = [ln for ln in lines if ln.direction is Direction.DOWN]
    up = [ln for ln in lines if ln.direction is Direction.UP]
    parcels = sum(ln.parcels for ln in lines)
    return Visit(
        station_id=sid, fresh=fresh, line_ids=tuple(ln.id for ln in lines),
        down_kg=sum(ln.kg for ln in down), down_m3=sum(ln.m3 for ln in down),
        down_parcels=sum(ln.parcels for ln in down), up_kg=sum(ln.kg for ln in up),
        up_m3=sum(ln.m3 for ln in up), up_parcels=sum(ln.parcels for ln in up),
        service_s=service_time_s(scenario, st.service_s, parcels), open_s=st.open_s,
        close_s=st.close_s, ready_down_s=max((ln.ready_s for ln in down), default=0),
        ready_up_s=max((ln.ready_s for ln in up), default=0),
        deliver_by_s=min((ln.ready_s + _limit_s(scenario, ln.fresh) for ln in down),
                         default=DAY_S),
        return_by_s=min((ln.ready_s + _limit_s(scenario, True) for ln in up if ln.fresh),
                        default=DAY_S))


def _limit_s(scenario: Scenario, fresh: bool) -> int:
    """Hours allowed from ready to delivery (fresh or not), as seconds, capped at the day end
    (a one-day plan cannot see past midnight; 48/72 h targets bind in the weekly simulation)."""
    hours = scenario.targets.fresh_h if fresh else scenario.targets.on_time_h
    return min(DAY_S, round(hours * 3600))


def fits(visit: Visit, vt: VehicleType) -> bool:
    """Whether the vehicle type could carry this visit's goods at all (alone, both ways)."""
    return (max(visit.down_kg, visit.up_kg) <= vt.capacity_kg + 1e-9
            and max(visit.down_m3, visit.up_m3) <= vt.capacity_m3 + 1e-9
            and max(visit.down_parcels, visit.up_parcels) <= vt.capacity_parcels
            and (not visit.fresh
                 or max(visit.down_kg, visit.up_kg) <= vt.fresh_capacity_kg + 1e-9))


def unservable_reason(visit: Visit, scenario: Scenario, unreachable: set[str]) -> str | None:
    """Why no vehicle of the fleet could ever serve this visit, or None if some could."""
    if visit.station_id in unreachable:
        return "station is not reachable on the road network (too far from any road, or cut off)"
    fleet = [vt for vt in scenario.vehicle_types if vt.count > 0]
    if visit.fresh and not any(vt.fresh_capacity_kg > 0 for vt in fleet):
        kg = visit.down_kg + visit.up_kg
        return (f"{kg:,.1f} kg fresh goods and no refrigerated vehicle or cold box in the "
                "fleet")
    if visit.fresh:
        cold = max(fleet, key=lambda vt: vt.fresh_capacity_kg)
        kg = max(visit.down_kg, visit.up_kg)
        if kg > cold.fresh_capacity_kg + 1e-9:
            box = "refrigerated" if cold.refrigerated else "cold box"
            return (f"{kg:,.1f} kg fresh goods exceed the largest cold capacity in the fleet: "
                    f"{cold.fresh_capacity_kg:g} kg ('{cold.id}', {box})")
    candidates = [vt for vt in fleet if vt.fresh_capacity_kg > 0 or not visit.fresh]
    if not any(fits(visit, vt) for vt in candidates):
        big = max(candidates, key=lambda vt: vt.capacity_kg)
        return (f"load (down {visit.down_kg:,.1f} kg / {visit.down_parcels} parcels / "
                f"{visit.down_m3:.2f} m3, up {visit.up_kg:,.1f} kg / {visit.up_parcels} parcels / "
                f"{visit.up_m3:.2f} m3) exceeds the largest suitable vehicle '{big.id}' "
                f"({big.capacity_kg:,.0f} kg, {big.capacity_m3:g} m3, "
                f"{big.capacity_parcels} parcels)")
    return window_reason(visit)


def presolve(scenario: Scenario, unreachable: set[str]) -> tuple[list[Visit], list[Unserved]]:
    """Split visits into those to plan and those no vehicle can serve (with the reason)."""
    plan, out = [], []
    for v in build_visits(scenario):
        reason = unservable_reason(v, scenario, unreachable)
        if reason is None:
            plan.append(v)
        else:
            out.append(Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=reason))
    return plan, out


def window_reason(visit: Visit) -> str | None:
    """Why the visit's own times contradict each other, or None.

    Service may start from max(opening, produce ready, parcels ready at the hub) until
    min(closing, delivery due).
    """
    down = bool(visit.down_kg or visit.down_m3 or visit.down_parcels)
    lo = max(visit.open_s, visit.ready_up_s, visit.ready_down_s if down else 0)
    hi = min(visit.close_s, visit.deliver_by_s)
    if lo <= hi:
        return None
    if down and visit.ready_down_s == lo and lo > max(visit.open_s, visit.ready_up_s):
        start = "parcels reach the hub at"
    else:
        start = ("produce is ready at" if visit.ready_up_s > visit.open_s
                 else "the station opens at")
    end = ("parcels are due by" if visit.deliver_by_s < visit.close_s
           else "the station closes at")
    due = " (delivery-hour target)" if end.startswith("parcels") else ""
    return f"{start} {hhmm(lo)} but {end} {hhmm(hi)}{due}"
