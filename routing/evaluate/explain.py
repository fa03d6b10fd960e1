"""Concrete reasons for stations a plan leaves unserved, worked out from the scenario alone.

A reason says which rule stops the station being served: the round trip is longer than any
shift, the opening hours cannot be reached, no vehicle could carry the goods, or the fleet has
no suitable vehicle left. It is computed independently of the solver.
"""

from __future__ import annotations

import math

from ..model import Direction, Scenario
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import hhmm


def explain_unserved(scenario: Scenario, matrices: Matrices, station_id: str,
                     line_ids: list[str], *, used_vehicles: set[str] | None = None) -> str:
    """Why these lines of ``station_id`` cannot be served; the most basic rule that fails."""
    st = scenario.station(station_id)
    if station_id in matrices.unreachable:
        return "station cannot be reached on the road network"
    lines = [ln for ln in scenario.demand if ln.id in set(line_ids)]
    fresh = any(ln.fresh for ln in lines)
    down = [ln for ln in lines if ln.direction is Direction.DOWN]
    up = [ln for ln in lines if ln.direction is Direction.UP]
    kg = max(sum(ln.kg for ln in down), sum(ln.kg for ln in up))
    m3 = max(sum(ln.m3 for ln in down), sum(ln.m3 for ln in up))
    parcels = max(sum(ln.parcels for ln in down), sum(ln.parcels for ln in up))
    service = st.service_s + math.ceil(sum(ln.parcels for ln in lines)
                                       * scenario.service.per_parcel_s - 1e-9)
    ready_up = max((ln.ready_s for ln in up), default=0)
    ready_down = max((ln.ready_s for ln in down), default=0)
    fleet = [vt for vt in scenario.vehicle_types if vt.count > 0]
    if fresh and not any(vt.fresh_capacity_kg > 0 for vt in fleet):
        return (f"{sum(ln.kg for ln in lines):,.1f} kg fresh goods and no refrigerated vehicle "
                "or cold box in the fleet")
    suitable = [vt for vt in fleet if vt.fresh_capacity_kg > 0 or not fresh]
    carry = [vt for vt in suitable if kg <= vt.capacity_kg + 1e-9
             and m3 <= vt.capacity_m3 + 1e-9 and parcels <= vt.capacity_parcels
             and (not fresh or kg <= vt.fresh_capacity_kg + 1e-9)]
    if not carry:
        big = max(suitable, key=lambda vt: vt.capacity_kg)
        return (f"{kg:,.1f} kg / {m3:.2f} m3 / {parcels} parcels exceed the largest suitable "
                f"vehicle '{big.id}' ({big.capacity_kg:g} kg, {big.capacity_m3:g} m3, "
                f"{big.capacity_parcels} parcels)")
    if ready_up > st.close_s:
        return (f"produce ready at {hhmm(ready_up)}, after the station closes at "
                f"{hhmm(st.close_s)}")
    idx = matrices.index()
    reasons = []
    for vt in carry:
        depot = scenario.station(vt.depot_id)
        dur = vehicle_duration_s(matrices, vt.speed_kph)
        out_s = int(dur[idx[vt.depot_id], idx[station_id]])
        back_s = int(dur[idx[station_id], idx[vt.depot_id]])
        leave = max(depot.open_s, ready_down)
        arrive = leave + out_s
        if arrive > st.close_s:
            reasons.append(f"earliest arrival {hhmm(arrive)} with '{vt.id}' (leaving "
                           f"{hhmm(leave)}, {out_s / 3600:.1f} h drive) is after closing "
                           f"{hhmm(st.close_s)}")
            continue
        due = min((ln.ready_s + (scenario.targets.fresh_h if ln.fresh else
                                 scenario.targets.on_time_h) * 3600 for ln in down),
                  default=float("inf"))
        if max(arrive, st.open_s) > due:
            reasons.append(f"earliest service {hhmm(max(arrive, st.open_s))} with '{vt.id}' "
                           f"misses the delivery-hour target (due {hhmm(int(due))})")
            continue
        trip = out_s + service + back_s
        if trip > vt.max_shift_s:
            reasons.append(f"round trip {trip / 3600:.1f} h with '{vt.id}' exceeds the "
                           f"{vt.max_shift_s / 3600:g} h shift")
            continue
        begin = max(arrive, st.open_s, ready_up)
        if begin + service + back_s > depot.close_s:
            reasons.append(f"back at the depot {hhmm(begin + service + back_s)} with '{vt.id}', "
                           f"after it closes at {hhmm(depot.close_s)}")
            continue
        fresh_back = [ln.ready_s + scenario.targets.fresh_h * 3600 for ln in up if ln.fresh]
        if fresh_back and begin + service + back_s > min(fresh_back):
            reasons.append(f"fresh produce would reach the hub at "
                           f"{hhmm(begin + service + back_s)} with '{vt.id}', over the "
                           f"{scenario.targets.fresh_h:g} h fresh target")
            continue
        # A single vehicle could do it alone: the fleet ran out of room.
        n = sum(v.count for v in carry)
        busy = sum(1 for vid, t in scenario.vehicles() if t in carry and used_vehicles
                   and vid in used_vehicles)
        cold = "refrigerated " if fresh else ""
        return (f"no {cold}vehicle left: all {busy} of {n} suitable vehicles are full or their "
                f"shifts are used up; one more '{vt.id}' could serve it alone ({trip / 3600:.1f} h "
                "round trip)")
    return "; ".join(reasons)
