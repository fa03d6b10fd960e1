"""A broken-down vehicle's load collected on the road: another vehicle drives to the station
where it stopped, takes the parcels it still carries and delivers them.

The rescuer leaves its depot on a trip of its own (an idle vehicle, or one whose trips today
are over and that may make one more), no earlier than the breakdown is known; at the
breakdown station both vehicles stand while the parcels change vehicles (the station's stop
time plus the per-parcel handling of what moves); then the rescuer delivers them in the order
the broken trip had them, and drives back. A delivery the rescuer cannot make within the
station's hours or the delivery target stays with the broken vehicle (brought back to the
hub), and so do those a rescuer has no room for (it takes what fits, in the order carried);
fresh goods move only to a vehicle with cold capacity. The two trips carry the hand-over
explicitly (:data:`~routing.solve.schedule.Moves`): the broken trip hands the lines over at
its last stop, the rescuer's trip takes them on there. Whether a rescue is worth it
(cheaper, or serving more, than bringing the parcels back) is the caller's judgment
(routing.pipeline.day), on the whole day planned both ways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model import DemandLine, Scenario, VehicleType
from ..model.plan import Route
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import hhmm
from .schedule import continued_route, with_moves
from .visits import Visit, service_time_s, visit_of

#: A stop as it happened: (station, lines, (arrival, start, departure)).
Done = tuple[str, tuple[str, ...], tuple[int, int, int]]


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A vehicle broken down on a trip with parcels still on board: the trip so far (its
    stops done, the last one where it stands), from when it stands there and when a rescuer
    may leave, and the deliveries it still carries (in the trip's order)."""

    vehicle_id: str
    vt: VehicleType
    start_s: int  #: the trip's departure from the depot
    trip: int
    paid_from_s: int | None  #: the trip before it ended (its time cost runs from there)
    history: tuple[Done, ...]
    stopped_s: int  #: standing at its last stop from then (the breakdown, or its departure)
    dispatch_s: int  #: a rescuer leaves no earlier (the breakdown known: the re-plan's time)
    carried: tuple[str, ...]  #: delivery lines still on board, in the trip's order

    @property
    def station_id(self) -> str:
        """Where it stands: the station of its last stop."""
        return self.history[-1][0]


@dataclass(frozen=True, slots=True)
class Free:
    """When a vehicle may start one more trip: trips it has made or will make today, when its
    shift began (None: not yet), and the earliest its next trip may leave."""

    trips: int
    shift_start_s: int | None
    last_end_s: int | None
    not_before_s: int


@dataclass(frozen=True, slots=True)
class Rescue:
    """A rescue: the rescuer, the broken trip ending with the hand-over, the rescuer's trip
    (take over, deliver, back), the lines collected (delivered by the rescuer) and what the
    rescue trip costs."""

    rescuer: str
    giver: Route
    taker: Route
    lines: tuple[str, ...]
    cost: float

    @property
    def at_s(self) -> int:
        """When the hand-over begins."""
        return self.taker.stops[0].start_s


#: A reason in English and in Chinese.
Said = tuple[str, str]


def find_rescue(scenario: Scenario, matrices: Matrices, broken: Breakdown,
                free: Mapping[str, Free], lines: Mapping[str, DemandLine]
                ) -> tuple[Rescue | None, Said]:
    """The best rescue of ``broken`` by one of the vehicles ``free`` (most lines delivered,
    then the cheapest trip), and why there is none, in English and Chinese."""
    if not broken.history:
        return None, ("it broke down before its first stop: its load is at the hub's door",
                      "首站前故障：货物就在场站门口")
    best: Rescue | None = None
    seen: set[tuple[str, Free]] = set()
    reasons: list[Said] = []
    fresh = any(lines[i].fresh for i in broken.carried)
    for vid, vt in scenario.vehicles():
        if vid not in free or vid == broken.vehicle_id or (vt.id, free[vid]) in seen:
            continue
        seen.add((vt.id, free[vid]))  # vehicles of a type, free alike, stand for each other
        if fresh and vt.fresh_capacity_kg <= 0:
            reasons.append((f"{vt.id}: no cold capacity for its fresh goods",
                            f"{vt.id}：无冷藏容量装运生鲜"))
            continue
        got = _rescue_by(scenario, matrices, broken, vid, vt, free[vid], lines)
        if isinstance(got, tuple):
            reasons.append((f"{vt.id}: {got[0]}", f"{vt.id}：{got[1]}"))
        elif best is None or (len(got.lines), -got.cost) > (len(best.lines), -best.cost):
            best = got
    if best is None:
        if not reasons:
            return None, ("no vehicle is free to go", "没有可出动的空闲车辆")
        first = list(dict.fromkeys(reasons))[:3]
        return None, ("; ".join(en for en, _ in first), "；".join(zh for _, zh in first))
    return best, ("", "")


def _rescue_by(scenario: Scenario, m: Matrices, broken: Breakdown, vid: str, vt: VehicleType,
               free: Free, lines: Mapping[str, DemandLine]) -> Rescue | Said:
    """The rescue by ``vid`` (the deliveries it can make, in the broken trip's order), or why
    it cannot help."""
    if free.trips >= vt.max_trips:
        return (f"it has made its {vt.max_trips} trip(s) today",
                f"今日已跑满 {vt.max_trips} 趟")
    carried = [lines[i] for i in broken.carried]
    visits = _room(_visits(scenario, carried), vt)
    if not visits:
        return "no room for any of its deliveries", "装不下任何一单"
    depot = scenario.station(vt.depot_id)
    leave = max(free.not_before_s, broken.dispatch_s, depot.open_s)
    dur = vehicle_duration_s(m, vt.speed_kph)
    idx = m.index()
    here = idx[broken.station_id]
    come = leave + int(dur[idx[vt.depot_id], here])
    while visits:
        moved = tuple(i for v in visits for i in v.line_ids)
        begin = max(come, broken.stopped_s)
        end_s = begin + service_time_s(scenario, scenario.station(broken.station_id).service_s,
                                       sum(lines[i].parcels for i in moved))
        taker = continued_route(scenario, m, vid, vt, leave,
                                [(broken.station_id, (), (come, begin, end_s))], visits,
                                durations=dur, trip=free.trips + 1,
                                paid_from_s=free.last_end_s if free.trips else None,
                                lines=dict(lines))
        late = next((k for k, (s, v) in enumerate(zip(taker.stops[1:], visits, strict=True))
                     if s.start_s > min(v.close_s, v.deliver_by_s)), None)
        if late is not None:  # that delivery stays on the broken vehicle
            visits = visits[:late] + visits[late + 1:]
            continue
        began = free.shift_start_s if free.shift_start_s is not None else leave
        if taker.end_s > depot.close_s:
            return (f"back at {hhmm(taker.end_s)}, after its depot closes",
                    f"{hhmm(taker.end_s)} 才能返回，场站已关闭")
        if taker.end_s - began > vt.max_shift_s:
            h = (taker.end_s - began) / 3600
            return f"its shift would run {h:.1f} h", f"班次将达 {h:.1f} 小时"
        taker = with_moves(taker, {0: ((), moved, broken.vehicle_id)}, dict(lines))
        return Rescue(vid, _giver(scenario, m, broken, vid, moved, begin, end_s, lines),
                      taker, moved, round(taker.cost, 2))
    return ("it could not reach any of the deliveries within their hours and targets",
            "无法在营业时间和时限内送达任何一单")


def _giver(scenario: Scenario, m: Matrices, broken: Breakdown, rescuer: str,
           moved: tuple[str, ...], begin: int, end_s: int, lines: Mapping[str, DemandLine]
           ) -> Route:
    """The broken trip: its stops done, then the hand-over where it stands, then brought back
    to its depot with what it has left (produce it collected, deliveries not handed over)."""
    stop = (broken.station_id, (), (broken.stopped_s, begin, end_s))
    route = continued_route(scenario, m, broken.vehicle_id, broken.vt, broken.start_s,
                            [*broken.history, stop], [], trip=broken.trip,
                            paid_from_s=broken.paid_from_s, lines=dict(lines))
    return with_moves(route, {len(broken.history): (moved, (), rescuer)}, dict(lines))


def _visits(scenario: Scenario, carried: Sequence[DemandLine]) -> list[Visit]:
    """The deliveries, one visit per station (fresh and dry apart), in the order carried."""
    by: dict[tuple[str, bool], list[DemandLine]] = {}
    for ln in carried:
        by.setdefault((ln.station_id, ln.fresh), []).append(ln)
    return [visit_of(scenario, st, lns) for (st, _), lns in by.items()]


def _room(visits: list[Visit], vt: VehicleType) -> list[Visit]:
    """The deliveries the vehicle has room for, in the order carried: each one taken while
    what it takes so far still fits (kg, m3, parcels; fresh kg in cold capacity); the others
    stay on the broken vehicle and come back with it."""
    kg = m3 = fresh = 0.0
    parcels = 0
    out = []
    for v in visits:
        if (kg + v.down_kg <= vt.capacity_kg + 1e-9 and m3 + v.down_m3 <= vt.capacity_m3 + 1e-9
                and parcels + v.down_parcels <= vt.capacity_parcels
                and (not v.fresh or fresh + v.down_kg <= vt.fresh_capacity_kg + 1e-9)):
            out.append(v)
            kg, m3, parcels = kg + v.down_kg, m3 + v.down_m3, parcels + v.down_parcels
            fresh += v.down_kg if v.fresh else 0.0
    return out


__all__ = ["Breakdown", "Free", "Rescue", "Said", "find_rescue"]
