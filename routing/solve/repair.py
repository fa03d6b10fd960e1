"""Serve what can be served: put the visits an engine left out where the rules allow.

Whatever an engine returns — a search cut short, a first solution that dropped everything, a
required-clients model that found nothing — the visits it left out are offered, one at a time,
to the plan's routes (the cheapest position that keeps every rule), then as a further trip to a
vehicle that may make more trips, then to a vehicle standing idle at its depot. Only a visit
that fits nowhere stays unserved, and the evaluate layer then says which rule keeps it out.

The rules are those the independent checker tests (routing.evaluate.check): loads within
kg, m3 and parcels at every point (deliveries on board from the depot, pickups added on the
way), fresh goods only in cold capacity, opening hours, the delivery-hour and fresh-return
targets, depot hours, produce and parcels ready, the reload time between trips and the whole
shift. This module works on :class:`~routing.solve.visits.Visit` objects and the solver's own
timing (:mod:`routing.solve.schedule`); the plan it returns is checked like any other.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from ..model import DemandLine, Scenario, VehicleType
from ..model.plan import Plan, PlanMeta, Route, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from .schedule import timed_route
from .visits import Visit, fits, visit_of

#: Positions in one vehicle's trips whose full schedule may fail before the vehicle is
#: given up for a visit (cheapest first; the loads and the trip's own hours are ruled out
#: before, by :func:`_open_positions`, so what fails here is the vehicle's shift or its next
#: trip, which a dearer detour does not mend). 400 villages, tight fleet of two-trip vans:
#: 79,404 schedules tried for the insertion plan, 224 per visit that fits nowhere.
MAX_FAILED_TRIES = 10
#: Reason the engines give a visit they left out (the evaluate layer replaces it).
DROPPED = "left out by the solver"


def line_key(line_id: str) -> str:
    """Key of a demand line's vehicle in a reference mapping (beside station → vehicle)."""
    return "line:" + line_id


def reference_vehicle(reference: Mapping[str, str], station_id: str,
                      line_ids: tuple[str, ...]) -> str | None:
    """The vehicle a reference plan gave this visit: its lines' vehicle, else its station's."""
    return next((reference[line_key(i)] for i in line_ids if line_key(i) in reference),
                reference.get(station_id))


@dataclass(frozen=True, slots=True)
class Earlier:
    """What a vehicle did before the trips being planned (a re-plan during the day): trips
    driven or under way, when its day began and its last trip ends, and the earliest its next
    trip may leave (then, or a re-plan's time)."""

    trips: int
    shift_start_s: int
    last_end_s: int
    not_before_s: int


@dataclass(frozen=True, slots=True)
class _Trip:
    """One trip's schedule as this module computes it: depot departure (after the delay that
    removes waiting) and return."""

    start_s: int
    end_s: int


class _Fleet:
    """Per-vehicle trips as visit lists, with the timing and load rules of the checker."""

    def __init__(self, scenario: Scenario, matrices: Matrices,
                 pinned: dict[str, str] | None = None) -> None:
        self.scenario = scenario
        self.pinned = pinned or {}  # locked stops: station → the only vehicle it may ride
        self.earlier: dict[str, Earlier] = {}  # a re-plan: each vehicle's day so far
        self.matrices = matrices
        self.idx = matrices.index()
        self.types = dict(scenario.vehicles())
        self.durations: dict[float, np.ndarray] = {}
        self.reload_s = scenario.service.reload_s
        self.hold = False  # a re-plan's policy: a vehicle's one trip leaves as late as it can

    def duration(self, vt: VehicleType) -> np.ndarray:
        if vt.speed_kph not in self.durations:
            self.durations[vt.speed_kph] = vehicle_duration_s(self.matrices, vt.speed_kph)
        return self.durations[vt.speed_kph]

    def loads_ok(self, seq: list[Visit], vt: VehicleType) -> bool:
        """Capacity (kg, m3, parcels) and cold capacity at the depot and after every stop."""
        kg = sum(v.down_kg for v in seq)
        m3 = sum(v.down_m3 for v in seq)
        parcels = sum(v.down_parcels for v in seq)
        cold = sum(v.down_kg for v in seq if v.fresh)
        if any(v.fresh for v in seq) and vt.fresh_capacity_kg <= 0:
            return False

        def within() -> bool:
            return (kg <= vt.capacity_kg + 1e-9 and m3 <= vt.capacity_m3 + 1e-9
                    and parcels <= vt.capacity_parcels and cold <= vt.fresh_capacity_kg + 1e-9)

        if not within():
            return False
        for v in seq:
            kg += v.up_kg - v.down_kg
            m3 += v.up_m3 - v.down_m3
            parcels += v.up_parcels - v.down_parcels
            if v.fresh:
                cold += v.up_kg - v.down_kg
            if not within():
                return False
        return True

    def may_take(self, seq: list[Visit], vt: VehicleType, v: Visit) -> bool:
        """A necessary condition for ``v`` anywhere in the trip ``seq``: what leaves the
        depot and what comes back (both whatever the order) fit with ``v`` added. Saves
        trying every position of a full trip."""
        out = [*seq, v]
        fresh = [x for x in out if x.fresh]
        return (sum(x.down_kg for x in out) <= vt.capacity_kg + 1e-9
                and sum(x.up_kg for x in out) <= vt.capacity_kg + 1e-9
                and sum(x.down_m3 for x in out) <= vt.capacity_m3 + 1e-9
                and sum(x.up_m3 for x in out) <= vt.capacity_m3 + 1e-9
                and sum(x.down_parcels for x in out) <= vt.capacity_parcels
                and sum(x.up_parcels for x in out) <= vt.capacity_parcels
                and sum(x.down_kg for x in fresh) <= vt.fresh_capacity_kg + 1e-9
                and sum(x.up_kg for x in fresh) <= vt.fresh_capacity_kg + 1e-9)

    def timed(self, seq: list[Visit], vt: VehicleType, earliest_s: int) -> _Trip | None:
        """Earliest schedule of one trip leaving no earlier than ``earliest_s``, the departure
        delayed as far as it goes without returning later; None if a time rule breaks."""
        depot = self.scenario.station(vt.depot_id)
        dur = self.duration(vt)
        path = [self.idx[vt.depot_id], *(self.idx[v.station_id] for v in seq),
                self.idx[vt.depot_id]]
        legs = [int(dur[a, b]) for a, b in pairwise(path)]
        start = max(earliest_s, depot.open_s, max((v.ready_down_s for v in seq), default=0))
        t, waited, slack = start, 0, math.inf
        for v, leg in zip(seq, legs, strict=False):
            arrival = t + leg
            begin = max(arrival, v.open_s, v.ready_up_s)
            latest = min(v.close_s, v.deliver_by_s)
            if begin > latest:
                return None
            waited += begin - arrival
            slack = min(slack, latest - begin + waited)
            t = begin + v.service_s
        end = t + legs[-1]
        if end > depot.close_s or end > min((v.return_by_s for v in seq), default=end):
            return None
        return _Trip(start + int(min(waited, slack)), end)

    def routes(self, vid: str, trips: list[list[Visit]], lines: dict[str, DemandLine],
               echelon: str = "direct") -> list[Route]:
        """One vehicle's trips as timed, loaded routes, from the schedule of this module."""
        vt = self.types[vid]
        sched = self.schedule(trips, vt, vid)
        assert sched is not None  # every trip list is scheduled before it is kept
        out: list[Route] = []
        before = self.earlier.get(vid)
        if self.hold and len(sched) == 1 and not (before and before.trips):
            sched = [self.held(trips[0], vt, sched[0])]
        first = 1 + (before.trips if before else 0)
        for k, (seq, t) in enumerate(zip(trips, sched, strict=True), start=first):
            paid = out[-1].end_s if out else (before.last_end_s if before and before.trips
                                              else None)
            r = timed_route(self.scenario, self.matrices, vid, vt, seq, t.start_s,
                            self.duration(vt), trip=k, paid_from_s=paid, lines=lines)
            out.append(replace(r, echelon=echelon))
        return out

    def held(self, seq: list[Visit], vt: VehicleType, trip: _Trip) -> _Trip:
        """The vehicle's one trip of the day leaving as late as every window, delivery
        target and the depot's hours allow (its shift moves with it): later parcels may
        still join it. The latest departure by bisection (a trip that may leave at a time
        may leave at any earlier one from ``trip``'s)."""
        lo, hi, best = trip.start_s, self.scenario.station(vt.depot_id).close_s, trip
        while lo < hi:
            mid = (lo + hi + 1) // 2
            got = self.timed(seq, vt, mid)
            if got is not None and got.end_s - got.start_s <= vt.max_shift_s:
                lo, best = mid, got
            else:
                hi = mid - 1
        return best

    def trips_left(self, vid: str, vt: VehicleType) -> int:
        """Trips the vehicle may still start (its type's, less those of a re-plan's past)."""
        before = self.earlier.get(vid)
        return vt.max_trips - (before.trips if before else 0)

    def schedule(self, trips: list[list[Visit]], vt: VehicleType, vid: str = ""
                 ) -> list[_Trip] | None:
        """Every trip of one vehicle in order, chained by the reload time (after what the
        vehicle did earlier in a re-plan); None if a rule (loads, times, the whole shift)
        breaks."""
        before = self.earlier.get(vid)
        if len(trips) > self.trips_left(vid, vt):
            return None
        out: list[_Trip] = []
        for k, seq in enumerate(trips):
            if not self.loads_ok(seq, vt):
                return None
            earliest = out[-1].end_s + self.reload_s if k else (before.not_before_s
                                                                 if before else 0)
            trip = self.timed(seq, vt, earliest)
            if trip is None:
                return None
            out.append(trip)
        begun = min(out[0].start_s, before.shift_start_s) if out and before and before.trips \
            else (out[0].start_s if out else 0)
        if out and out[-1].end_s - begun > vt.max_shift_s:
            return None
        return out


def _loads(v: Visit) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(delivered, collected) of a visit as (kg, m3, parcels, fresh kg)."""
    cold = v.fresh
    return ((v.down_kg, v.down_m3, v.down_parcels, v.down_kg if cold else 0.0),
            (v.up_kg, v.up_m3, v.up_parcels, v.up_kg if cold else 0.0))


def _open_positions(fleet: _Fleet, seq: list[Visit], vt: VehicleType, v: Visit,
                    nodes: list[int], dur: np.ndarray) -> list[bool]:
    """Per position p (``v`` before ``seq[p]``; p = len(seq): last), whether the loads and
    the times could allow it: a necessary condition, in O(1) per position after one pass over
    the trip, so the full schedule (:meth:`_Fleet.schedule`) runs only where it may hold.

    Loads: on board after the first k stops is ``A[k]`` (``A[0]`` leaving the depot);
    inserting at p adds v's deliveries to ``A[0..p]`` and its pickups to ``A[p..]``.
    Times: the earliest departures of the trip as it is (from the depot's opening or the
    parcels' readiness, whichever is later: never later than the real start) and the latest
    service start at each stop that keeps every later stop, the depot's closing and the
    fresh returns; v must fit between them."""
    caps = (vt.capacity_kg + 1e-9, vt.capacity_m3 + 1e-9, vt.capacity_parcels,
            vt.fresh_capacity_kg + 1e-9)
    down, up = _loads(v)
    level = [sum(_loads(x)[0][d] for x in seq) for d in range(4)]
    after = [tuple(level)]
    for x in seq:
        dx, ux = _loads(x)
        level = [level[d] - dx[d] + ux[d] for d in range(4)]
        after.append(tuple(level))
    n = len(seq)
    pre = list(after)
    for k in range(1, n + 1):
        pre[k] = tuple(max(pre[k - 1][d], after[k][d]) for d in range(4))
    suf = list(after)
    for k in range(n - 1, -1, -1):
        suf[k] = tuple(max(suf[k + 1][d], after[k][d]) for d in range(4))
    depot = fleet.scenario.station(vt.depot_id)
    here = fleet.idx[v.station_id]
    t = max(depot.open_s, max((x.ready_down_s for x in seq), default=0), v.ready_down_s)
    departs = [t]  # leaving the depot, then each stop
    for k, x in enumerate(seq):
        begin = max(t + int(dur[nodes[k], nodes[k + 1]]), x.open_s, x.ready_up_s)
        t = begin + x.service_s
        departs.append(t)
    back_by = min([depot.close_s, v.return_by_s, *(x.return_by_s for x in seq)])
    latest = [0] * (n + 1)  # latest service start at seq[k]; latest[n]: back at the depot
    latest[n] = back_by
    for k in range(n - 1, -1, -1):
        x = seq[k]
        latest[k] = min(x.close_s, x.deliver_by_s,
                        latest[k + 1] - int(dur[nodes[k + 1], nodes[k + 2]]) - x.service_s)
    out = []
    for p in range(n + 1):
        if any(pre[p][d] + down[d] > caps[d] or suf[p][d] + up[d] > caps[d] for d in range(4)):
            out.append(False)
            continue
        begin = max(departs[p] + int(dur[nodes[p], here]), v.open_s, v.ready_up_s)
        if begin > min(v.close_s, v.deliver_by_s):
            out.append(False)
            continue
        arrive = begin + v.service_s + int(dur[here, nodes[p + 1]])
        if p < n:
            nxt = seq[p]
            out.append(max(arrive, nxt.open_s, nxt.ready_up_s) <= latest[p])
        else:
            out.append(arrive <= latest[n])
    return out


def _insertions(fleet: _Fleet, trips: list[list[Visit]], vt: VehicleType, v: Visit,
                vid: str = "") -> list[tuple[float, int, int]]:
    """(added cost, trip, position) of each way into a used vehicle's trips, cheapest first;
    cost = added km and driving hours at the vehicle's rates (waiting not counted)."""
    dist = fleet.matrices.distance_m
    dur = fleet.duration(vt)
    home, here = fleet.idx[vt.depot_id], fleet.idx[v.station_id]
    per_m, per_s = vt.cost_per_km / 1000, vt.cost_per_hour / 3600
    out = []
    for k, seq in enumerate(trips):
        if not fleet.may_take(seq, vt, v):
            continue
        nodes = [home, *(fleet.idx[x.station_id] for x in seq), home]
        a = np.array(nodes[:-1])
        b = np.array(nodes[1:])
        added = (per_m * (dist[a, here] + dist[here, b] - dist[a, b])
                 + per_s * (dur[a, here] + dur[here, b] - dur[a, b]))
        ok = _open_positions(fleet, seq, vt, v, nodes, dur)
        out += [(float(c), k, p) for p, c in enumerate(added) if ok[p]]
    if len(trips) < fleet.trips_left(vid, vt):  # one more loop from the depot
        out.append((float(per_m * (dist[home, here] + dist[here, home])
                          + per_s * (dur[home, here] + dur[here, home] + fleet.reload_s)),
                    len(trips), 0))
    out.sort()
    return out


def repair(plan: Plan, scenario: Scenario, matrices: Matrices, *,
           busy: frozenset[str] = frozenset(), until: float = math.inf,
           pinned: dict[str, str] | None = None,
           earlier: dict[str, Earlier] | None = None, hold: bool = False) -> Plan:
    """``plan`` with every visit it left out (reason :data:`DROPPED`) served where the rules
    allow: into a used vehicle's trips at the cheapest position, else as a new route of the
    cheapest idle vehicle that can serve it alone. Fresh visits go first, then the rest,
    each farthest first. Vehicles in
    ``busy`` work elsewhere (another part of the plan): neither changed nor idle. Past
    ``until`` (``time.perf_counter()``), the visits not yet tried stay left out. A station
    in ``pinned`` (a locked stop) goes only onto its vehicle. ``earlier``: a re-plan during
    the day, the plan's routes are each vehicle's trips still to come, after what
    :class:`Earlier` says it did (an idle vehicle starts no sooner than its not-before);
    ``hold``: a vehicle whose day is one trip leaves as late as it can (:meth:`_Fleet.held`)."""
    dropped = [u for u in plan.unserved if u.reason == DROPPED]
    if not dropped:
        return plan
    lines = {ln.id: ln for ln in scenario.demand}
    fleet = _Fleet(scenario, matrices, pinned)
    fleet.earlier = dict(earlier or {})
    fleet.hold = hold
    trips: dict[str, list[list[Visit]]] = {}
    for r in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.trip)):
        trips.setdefault(r.vehicle_id, []).append(
            [visit_of(scenario, s.station_id, [lines[i] for i in s.line_ids]) for s in r.stops])
    depots = {vt.depot_id for vt in fleet.types.values()}
    idx = fleet.idx
    far = {u.station_id: max(matrices.distance_m[idx[d], idx[u.station_id]] for d in depots)
           for u in dropped}
    # Fresh visits first: only the cold vehicles take them, and dry visits placed first
    # would fill those vehicles' shifts.
    fresh = {u: any(lines[i].fresh for i in u.line_ids) for u in dropped}
    changed: set[str] = set()
    left: list[Unserved] = []
    for u in sorted(dropped, key=lambda u: (not fresh[u], -far[u.station_id], u.station_id,
                                            u.line_ids)):
        v = visit_of(scenario, u.station_id, [lines[i] for i in u.line_ids])
        placed = _place(fleet, trips, v, busy) if time.perf_counter() < until else None
        if placed is None:
            left.append(u)
        else:
            changed.add(placed)
    if not changed:
        return plan
    echelon = {r.vehicle_id: r.echelon for r in plan.routes}
    routes = [r for r in plan.routes if r.vehicle_id not in changed]
    order = {vid: k for k, vid in enumerate(fleet.types)}
    for vid in changed:
        routes += fleet.routes(vid, trips[vid], lines, echelon.get(vid, "direct"))
    routes.sort(key=lambda r: (order[r.vehicle_id], r.trip))
    kept = [u for u in plan.unserved if u.reason != DROPPED]
    meta = replace(plan.meta, repaired=len(dropped) - len(left))
    return replace(plan, routes=tuple(routes), unserved=tuple(kept + left), meta=meta)


def _carries(vt: VehicleType, v: Visit) -> bool:
    """The vehicle type may carry the visit's goods at all (cold capacity for fresh ones)."""
    return fits(v, vt) and (not v.fresh or vt.fresh_capacity_kg > 0)


def _place(fleet: _Fleet, trips: dict[str, list[list[Visit]]], v: Visit,
           busy: frozenset[str] = frozenset()) -> str | None:
    """Insert ``v`` into ``trips`` (in place) where it is cheapest and allowed; the vehicle
    that takes it, or None."""
    best: tuple[float, str, int, int] | None = None
    pin = fleet.pinned.get(v.station_id)
    for vid, ts in trips.items():
        vt = fleet.types[vid]
        if not _carries(vt, v) or pin not in (None, vid):
            continue
        # every try before this one failed (a success ends the loop)
        for failed, (cost, k, p) in enumerate(_insertions(fleet, ts, vt, v, vid)):
            if (best is not None and cost >= best[0]) or failed >= MAX_FAILED_TRIES:
                break
            trial = [list(s) for s in ts] if k < len(ts) else [*ts, []]
            trial[k].insert(p, v)
            if fleet.schedule(trial, vt, vid) is not None:
                best = (cost, vid, k, p)
                break
    if best is not None:
        _, vid, k, p = best
        if k == len(trips[vid]):
            trips[vid].append([])
        trips[vid][k].insert(p, v)
        return vid
    dist, idx = fleet.matrices.distance_m, fleet.idx
    idle = []
    seen: set[tuple[str, Earlier | None]] = set()
    for vid, vt in fleet.types.items():
        # the first idle vehicle of a type (and the same earlier day) stands for the others
        kind = (vt.id, fleet.earlier.get(vid))
        if vid in trips or vid in busy or pin not in (None, vid) or (
                pin is None and kind in seen):
            continue
        seen.add(kind)
        if not _carries(vt, v):
            continue
        home, here = idx[vt.depot_id], idx[v.station_id]
        before = fleet.earlier.get(vid)
        fixed = 0.0 if before and before.trips else vt.fixed_cost
        cost = fixed + vt.cost_per_km * (dist[home, here] + dist[here, home]) / 1000
        idle.append((float(cost), vid))
    for _, vid in sorted(idle):
        if fleet.schedule([[v]], fleet.types[vid], vid) is not None:
            trips[vid] = [[v]]
            return vid
    return None


def reference_candidate(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                        unserved: list[Unserved], reference: dict[str, str], *, seed: int,
                        time_limit_s: float, pinned: dict[str, str] | None = None) -> Plan:
    """The reference plan as far as today's visits allow, the rest inserted by :func:`repair`.

    ``reference`` maps station → vehicle in the reference plan's route order (as
    ``routing.pipeline.reference_from_plan`` reads it), so each vehicle's stations come back
    in the order it drove them; a vehicle's visits are split into further trips where its
    loads need it (and it may make them). A visit that breaks a rule where the reference
    puts it (a station's fresh visit rides the reefer, its dry one another vehicle; the
    reference names one vehicle per station) is left to the repair.
    """
    from . import scenario_hash  # the package's, defined before this module is used

    fleet = _Fleet(scenario, matrices, pinned)
    rank = {sid: k for k, sid in enumerate(reference)}
    by_vehicle: dict[str, list[Visit]] = {}
    dropped: list[Visit] = []
    for v in visits:
        vid = reference_vehicle(reference, v.station_id, v.line_ids)
        if fleet.pinned.get(v.station_id, vid) != vid:
            dropped.append(v)  # the line rode another vehicle than its locked stop's
        elif vid in fleet.types:
            by_vehicle.setdefault(vid, []).append(v)
        else:
            dropped.append(v)
    trips: dict[str, list[list[Visit]]] = {}
    for vid, vs in by_vehicle.items():
        vt = fleet.types[vid]
        vs.sort(key=lambda v: (min((rank[line_key(i)] for i in v.line_ids
                                    if line_key(i) in rank),
                                   default=rank.get(v.station_id, len(rank))),
                               not v.fresh))
        ts: list[list[Visit]] = [[]]
        for v in vs:
            if fleet.schedule([*ts[:-1], [*ts[-1], v]], vt, vid) is not None:
                ts[-1].append(v)
            elif ts[-1] and len(ts) < vt.max_trips and fleet.schedule([*ts, [v]], vt, vid):
                ts.append([v])
            else:  # e.g. a station's fresh visit, on the reefer, mapped to its dry vehicle
                dropped.append(v)
        if ts[-1]:
            trips[vid] = ts
    lines = {ln.id: ln for ln in scenario.demand}
    order = {vid: k for k, vid in enumerate(fleet.types)}
    routes: list[Route] = []
    for vid in sorted(trips, key=order.__getitem__):
        routes += fleet.routes(vid, trips[vid], lines)
    left = [Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
            for v in dropped]
    plan = Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario),
                date=scenario.date, engine="reference", seed=seed, time_limit_s=time_limit_s,
                status="SUCCESS", runtime_s=0.0,
                objective=round(sum(r.cost for r in routes), 2), routes=tuple(routes),
                unserved=tuple(unserved + left),
                meta=built_meta(matrices))
    return repair(plan, scenario, matrices, pinned=pinned)


def planned_trips(plan: Plan, scenario: Scenario, matrices: Matrices,
                  trips: dict[str, list[list[Visit]]], earlier: dict[str, Earlier], *,
                  hold: bool = False) -> Plan:
    """``plan`` with these trips of each vehicle added as they are (order kept), timed after
    what the vehicle did earlier in the day; a trip that no longer fits (its vehicle's
    day moved on) is left out, its visits listed unserved (:data:`DROPPED`) for the repair."""
    lines = {ln.id: ln for ln in scenario.demand}
    fleet = _Fleet(scenario, matrices)
    fleet.earlier = dict(earlier)
    fleet.hold = hold
    routes = list(plan.routes)
    left = list(plan.unserved)
    for vid, ts in trips.items():
        kept: list[list[Visit]] = []
        for seq in ts:
            if fleet.schedule([*kept, seq], fleet.types[vid], vid) is not None:
                kept.append(seq)
            else:
                left += [Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
                         for v in seq]
        if kept:
            routes += fleet.routes(vid, kept, lines)
    return replace(plan, routes=tuple(routes), unserved=tuple(left))


def insertion_candidate(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                        unserved: list[Unserved], *, seed: int, time_limit_s: float,
                        budget_s: float = math.inf, pinned: dict[str, str] | None = None
                        ) -> Plan:
    """A plan built by :func:`repair` from no routes at all: farthest visit first, each at
    its cheapest allowed place or on the cheapest idle vehicle that can serve it alone.

    It serves what the fleet can serve within seconds (generated counties: 400 villages
    about 1 s, 1,000 villages 6-17 s; benchmarks/bench_stress.py), before any engine has a plan,
    and stays a candidate: an engine cut short, or one that found nothing feasible, cannot
    leave the day worse served than this. After ``budget_s`` the visits not yet placed
    stay left out (the engines need the time more)."""
    from . import scenario_hash  # the package's, defined before this module is used

    t0 = time.perf_counter()
    empty = Plan(scenario=scenario.name, scenario_hash=scenario_hash(scenario),
                 date=scenario.date, engine="insertion", seed=seed,
                 time_limit_s=time_limit_s, status="SUCCESS", runtime_s=0.0, objective=0.0,
                 routes=(), unserved=tuple(unserved + [
                     Unserved(station_id=v.station_id, line_ids=v.line_ids, reason=DROPPED)
                     for v in visits]),
                 meta=built_meta(matrices))
    plan = repair(empty, scenario, matrices, until=t0 + budget_s, pinned=pinned)
    elapsed = round(time.perf_counter() - t0, 3)
    return replace(plan, runtime_s=elapsed, objective=round(plan.cost, 2),
                   meta=replace(plan.meta, first_solution_s=elapsed))


def built_meta(matrices: Matrices) -> PlanMeta:
    """The meta of a plan no engine searched (inserted, re-timed, re-planned): one solution."""
    return PlanMeta(solutions=1, solution_limit=None, matrix_source=matrices.source,
                    unreachable=tuple(matrices.unreachable), first_solution_s=None)


__all__ = [
    "DROPPED",
    "Earlier",
    "insertion_candidate",
    "line_key",
    "planned_trips",
    "reference_candidate",
    "reference_vehicle",
    "repair",
]
