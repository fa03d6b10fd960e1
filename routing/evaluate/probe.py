"""What one vehicle could still do for a station a plan leaves unserved, from the scenario alone.

Two questions, asked by the reasons (routing.evaluate.explain) and tested by the checker
(routing.evaluate.check): could a vehicle of a type, idle at its depot, serve these lines in one
round trip (:func:`alone`)? Could a vehicle in use take them into one of its trips
(:func:`way_in`)? Each answer is None (yes) or the first rule that says no, in words.

The rules are the checker's: loads in kg, m3 and parcels at the depot and after every stop,
fresh goods only in cold capacity, opening hours, parcels and produce ready, the delivery-hour
and fresh-return targets, depot hours, the reload time between trips and the whole shift.
Service takes the station's stop time plus the per-parcel time, rounded up to whole seconds;
legs take the scenario's travel matrices at the vehicle's speed, whole seconds. Nothing here
comes from the solver (routing.solve).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from ..model import DemandLine, Direction, Scenario, Tier, VehicleType
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import hhmm


@dataclass(frozen=True, slots=True)
class Job:
    """A stop to make: a station and the lines served there; ``handed_s`` is when the lines
    are at hand at a township (two echelons: the trunk left plus the transfer), else None;
    ``transfers``: lines handed to feeders here (a trunk stop), not delivered here.

    The lines' totals are summed once, on construction (:class:`Tally`): a probe tries a job
    at many positions of many trips, and a stop may have thousands of lines."""

    station_id: str
    lines: tuple[DemandLine, ...]
    handed_s: int | None = None
    transfers: frozenset[str] = frozenset()
    tally: Tally = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tally", Tally.of(self.lines, self.transfers))


@dataclass(frozen=True, slots=True)
class Tally:
    """What the rules need of a job's lines, summed once: loads down and up as (kg, m3,
    parcels, fresh kg), parcels handled, ready times, and the earliest ready time of the lines
    a target runs from (down lines delivered here, dry and fresh; fresh produce collected)."""

    down: tuple[float, float, float, float]
    up: tuple[float, float, float, float]
    fresh: bool
    parcels: int
    ready_down_s: int | None  # latest ready time of the down lines (None: no down line)
    ready_up_s: int  # latest ready time of the produce collected (0: none)
    due_dry_s: float  # earliest ready time of the dry down lines delivered here
    due_fresh_s: float  # the same of the fresh ones
    fresh_up_s: float  # earliest ready time of the fresh produce collected here

    @staticmethod
    def of(lines: tuple[DemandLine, ...], transfers: frozenset[str]) -> Tally:
        q = {Direction.DOWN: [0.0, 0.0, 0, 0.0], Direction.UP: [0.0, 0.0, 0, 0.0]}
        ready: dict[Direction, int | None] = {Direction.DOWN: None, Direction.UP: None}
        due_dry = due_fresh = fresh_up = math.inf
        fresh = False
        parcels = 0
        for ln in lines:
            d = ln.direction
            x = q[d]
            x[0] += ln.kg
            x[1] += ln.m3
            x[2] += ln.parcels
            parcels += ln.parcels
            if ln.fresh:
                x[3] += ln.kg
                fresh = True
            r = ready[d]
            ready[d] = ln.ready_s if r is None or ln.ready_s > r else r
            if ln.id in transfers:
                continue
            if d is Direction.DOWN:
                if ln.fresh:
                    due_fresh = min(due_fresh, ln.ready_s)
                else:
                    due_dry = min(due_dry, ln.ready_s)
            elif ln.fresh:
                fresh_up = min(fresh_up, ln.ready_s)
        dn, up = q[Direction.DOWN], q[Direction.UP]
        return Tally((dn[0], dn[1], dn[2], dn[3]), (up[0], up[1], up[2], up[3]), fresh, parcels,
                     ready[Direction.DOWN], ready[Direction.UP] or 0, due_dry, due_fresh,
                     fresh_up)


#: A route as the probe reads it, from a Plan or from plan.json: vehicle id, trip, and per
#: stop (station id, line ids, lines handed over there, departure in seconds).
RouteView = tuple[str, int, list[tuple[str, list[str], list[str], int]]]


def vehicle_jobs(scenario: Scenario, routes: list[RouteView],
                 outside: dict[str, int] | None = None
                 ) -> tuple[dict[str, list[list[Job]]], dict[str, int]]:
    """Each vehicle's trips as jobs (in trip order), and when each handed-over line is at
    hand at its township (the trunk stop's departure plus the transfer time; ``outside``:
    lines handed over by trunks outside these routes, when at hand)."""
    lines = {ln.id: ln for ln in scenario.demand}
    handed = dict(outside or {}) | {
        i: dep + scenario.service.transfer_s for _, _, stops in routes
        for _, _, transfers, dep in stops for i in transfers}
    trips: dict[str, list[tuple[int, list[Job]]]] = {}
    for vid, trip, stops in routes:
        jobs = []
        for sid, ids, transfers, _ in stops:
            given = frozenset(transfers)
            own = [handed[i] for i in ids if i in handed and i not in given]
            jobs.append(Job(sid, tuple(lines[i] for i in ids if i in lines),
                            max(own) if own else None, given))
        trips.setdefault(vid, []).append((trip, jobs))
    return {vid: [j for _, j in sorted(ts, key=lambda t: t[0])]
            for vid, ts in trips.items()}, handed


class Probe:
    """Schedules of hypothetical trips on one scenario (travel times cached per speed)."""

    def __init__(self, scenario: Scenario, matrices: Matrices, not_before: int = 0) -> None:
        self.scenario = scenario
        self.matrices = matrices
        self.idx = matrices.index()
        self._dur: dict[float, np.ndarray] = {}
        #: a re-planned day (plan meta ``replanned_at``): no vehicle starts a trip earlier
        self.not_before = not_before

    def duration(self, vt: VehicleType) -> np.ndarray:
        if vt.speed_kph not in self._dur:
            self._dur[vt.speed_kph] = vehicle_duration_s(self.matrices, vt.speed_kph)
        return self._dur[vt.speed_kph]

    def service_s(self, job: Job) -> int:
        st = self.scenario.station(job.station_id)
        return st.service_s + math.ceil(job.tally.parcels * self.scenario.service.per_parcel_s
                                        - 1e-9)

    def loads(self, trip: list[Job], vt: VehicleType) -> str | None:
        """The first point where the trip's load breaks a capacity, or None."""
        if vt.fresh_capacity_kg <= 0 and any(j.tally.fresh for j in trip):
            return f"'{vt.id}' has neither refrigeration nor a cold box for fresh goods"
        q = [sum(j.tally.down[c] for j in trip) for c in range(4)]
        caps = (vt.capacity_kg, vt.capacity_m3, vt.capacity_parcels, vt.fresh_capacity_kg)
        units = ("kg", "m3", "parcels", "kg fresh")
        where = "leaving the depot"
        for k in range(len(trip) + 1):
            if k:
                t = trip[k - 1].tally
                for c in range(4):
                    q[c] += t.up[c] - t.down[c]
                where = f"after {trip[k - 1].station_id}"
            for x, cap, unit in zip(q, caps, units, strict=True):
                if x > cap + 1e-6:
                    return f"capacity: {x:,.1f} {unit} on board {where}, '{vt.id}' takes {cap:g}"
        return None

    def trip(self, trip: list[Job], vt: VehicleType, earliest_s: int
             ) -> tuple[int, int] | str:
        """(departure, return) of the trip leaving its depot no earlier than ``earliest_s``,
        the departure as late as it goes without returning later; or the rule that breaks."""
        sc = self.scenario
        depot = sc.station(vt.depot_id)
        dur = self.duration(vt)
        nodes = [self.idx[vt.depot_id], *(self.idx[j.station_id] for j in trip),
                 self.idx[vt.depot_id]]
        legs = [int(dur[a, b]) for a, b in pairwise(nodes)]
        ready = [j.tally.ready_down_s for j in trip if j.tally.ready_down_s is not None]
        ready += [j.handed_s for j in trip if j.handed_s is not None]
        start = max(earliest_s, depot.open_s, *ready)
        t, waited, slack = start, 0, math.inf
        fresh_due = math.inf
        for j, leg in zip(trip, legs, strict=False):
            st = sc.station(j.station_id)
            arrival = t + leg
            tl = j.tally
            begin = max(arrival, st.open_s, tl.ready_up_s)
            due = min(tl.due_fresh_s + 3600 * sc.targets.fresh_h,
                      tl.due_dry_s + 3600 * sc.targets.on_time_h)
            if begin > st.close_s:
                return (f"opening hours: service at {j.station_id} could start {hhmm(begin)} at "
                        f"the earliest, it closes {hhmm(st.close_s)}")
            if begin > due:
                return (f"delivery target: service at {j.station_id} {hhmm(begin)} at the "
                        f"earliest, due {hhmm(int(due))}")
            fresh_due = min(fresh_due, tl.fresh_up_s + 3600 * sc.targets.fresh_h)
            waited += begin - arrival
            slack = min(slack, min(st.close_s, due) - begin + waited)
            t = begin + self.service_s(j)
        end = t + legs[-1]
        if end > depot.close_s:
            return f"depot hours: back {hhmm(end)}, the depot closes {hhmm(depot.close_s)}"
        if end > fresh_due:
            return (f"fresh target: fresh produce back {hhmm(end)}, due at the hub by "
                    f"{hhmm(int(fresh_due))}")
        return start + int(min(waited, slack)), end

    def vehicle(self, trips: list[list[Job]], vt: VehicleType) -> str | None:
        """The first rule one vehicle's trips break (loads, times, reloads, shift), or None."""
        first = prev_end = None
        for k, trip in enumerate(trips):
            why = self.loads(trip, vt)
            if why:
                return why
            earliest = (prev_end + self.scenario.service.reload_s if prev_end is not None
                        else self.not_before)
            got = self.trip(trip, vt, earliest)
            if isinstance(got, str):
                return got if len(trips) == 1 else f"trip {k + 1}: {got}"
            first = got[0] if first is None else first
            prev_end = got[1]
        if first is not None and prev_end is not None and prev_end - first > vt.max_shift_s:
            return (f"shift: {(prev_end - first) / 3600:.2f} h, '{vt.id}' works "
                    f"{vt.max_shift_s / 3600:g} h")
        return None


def _totals_over(trip: list[Job], vt: VehicleType) -> str | None:
    """A capacity the trip's deliveries (all on board at the depot) or its pickups (all on
    board at the end) exceed, whatever the order; or None."""
    for side, when in (("down", "leaving the depot"), ("up", "back at the depot")):
        q = [sum(getattr(j.tally, side)[c] for j in trip) for c in range(4)]
        for x, cap, unit in zip(q, (vt.capacity_kg, vt.capacity_m3, vt.capacity_parcels,
                                    vt.fresh_capacity_kg), ("kg", "m3", "parcels", "kg fresh"),
                                strict=True):
            if x > cap + 1e-6:
                return f"capacity: {x:,.1f} {unit} on board {when}, '{vt.id}' takes {cap:g}"
    return None


def _from_depot(probe: Probe, job: Job, vt: VehicleType) -> Job:
    """The job as ``vt`` would take it: from a hub, lines handed to a township are taken
    straight from the hub instead (at their own ready time)."""
    if job.handed_s is not None and probe.scenario.station(vt.depot_id).tier is Tier.HUB:
        return replace(job, handed_s=None)
    return job


def alone(probe: Probe, job: Job, vt: VehicleType) -> str | None:
    """None if a vehicle of type ``vt``, idle at its depot, could serve ``job`` in one round
    trip; else the first rule that says no (the shift first: it holds at any hour)."""
    job = _from_depot(probe, job, vt)
    dur = probe.duration(vt)
    a, b = probe.idx[vt.depot_id], probe.idx[job.station_id]
    trip = int(dur[a, b]) + probe.service_s(job) + int(dur[b, a])
    if trip > vt.max_shift_s:
        return (f"round trip {trip / 3600:.1f} h exceeds the {vt.max_shift_s / 3600:g} h shift "
                f"of '{vt.id}'")
    return probe.vehicle([[job]], vt)


def way_in(probe: Probe, trips: list[list[Job]], vt: VehicleType, job: Job
           ) -> tuple[int, int] | str:
    """(trip, position) where ``job`` fits into a vehicle's trips (a further trip counts, if
    it may make one), or the rule that blocks the way that comes closest: the position adding
    the fewest km."""
    job = _from_depot(probe, job, vt)
    dist = probe.matrices.distance_m
    home, here = probe.idx[vt.depot_id], probe.idx[job.station_id]
    options = []
    first_no: str | None = None
    for k, trip in enumerate(trips):
        full = _totals_over([*trip, job], vt)
        if full:  # the same at every position: all deliveries leave the depot, all
            first_no = first_no or full  # pickups come back
            continue
        nodes = [home, *(probe.idx[j.station_id] for j in trip), home]
        for p, (a, b) in enumerate(pairwise(nodes)):
            options.append((int(dist[a, here] + dist[here, b] - dist[a, b]), k, p))
    if len(trips) < vt.max_trips:
        options.append((int(dist[home, here] + dist[here, home]), len(trips), 0))
    options.sort()
    for _, k, p in options:
        trial = [list(t) for t in trips] + ([[]] if k == len(trips) else [])
        trial[k].insert(p, job)
        why = probe.vehicle(trial, vt)
        if why is None:
            return k, p
        first_no = first_no or why
    return first_no or "no position"


def closed_vehicles(trips: dict[str, list[list[Job]]]) -> set[str]:
    """Vehicles whose trips hand parcels to feeders: their hand-over times bind the feeders'
    departures, so no way into them is offered (nor claimed to exist)."""
    return {vid for vid, ts in trips.items() if any(j.transfers for t in ts for j in t)}


def trunk_vehicles(scenario: Scenario, trips: dict[str, list[list[Job]]],
                   echelons: dict[str, str]) -> set[str]:
    """Vehicles running a trunk route as the trunk-route target counts them: echelon trunk,
    calling at a township station with ambient goods (routing.evaluate.targets)."""
    towns = {s.id for s in scenario.stations if s.tier is Tier.TOWNSHIP}
    return {vid for vid, ts in trips.items() if echelons.get(vid) == "trunk"
            and any(j.station_id in towns and any(not ln.fresh for ln in j.lines)
                    for t in ts for j in t)}


def available(scenario: Scenario, job: Job) -> list[VehicleType]:
    """Vehicle types that may serve ``job`` at all: from a hub (any echelon but feeder), and —
    lines handed over at a township — the feeders based at that township too."""
    tiers = {s.id: s.tier for s in scenario.stations}
    town = scenario.station(job.station_id).township_id
    return [vt for vt in scenario.vehicle_types if vt.count > 0 and (
        (tiers.get(vt.depot_id) is Tier.HUB and vt.echelon != "feeder")
        or (job.handed_s is not None and vt.echelon in ("feeder", "any")
            and vt.depot_id == town))]
