"""What every rule of the checker shares: violations, tolerances and the report's order.

A rule reports each violation with the :data:`Spot` where it sits in the report: the rules
run one after the other, but the report reads as a walk through the plan (route by route,
stop by stop, line by line, then the plan-wide sections), so a dispatcher finds everything
about one stop together. The driver sorts the findings of all rules by their spots (a
stable sort: findings at one spot keep the order their rule found them in).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from ...model import VehicleType
from ...units import hhmm

#: Rounding the checker forgives (documented in README, "plan.json"): plan.json stores minutes
#: with 2 decimals (whole seconds survive within 0.3 s) and the planner drives every leg in
#: whole seconds, rounded up (a plan timed with the exact, unrounded formula is up to 1 s
#: earlier per leg): 2 s on every comparison of two times.
TOL_S = 2
#: Distances: every leg is whole metres in the planner; the exact formula differs by under
#: 1 m per leg (10 m on a 146 km route), so a route's distance may differ by 1.5 m plus 1 m
#: per leg.
TOL_M_PER_LEG = 1.0
TOL_KG = 1e-3
TOL_M3 = 1e-4
TOL_CNY = 0.02


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a kind (stable, for tests and filters), where, and what exactly."""

    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.message}"


#: Kinds a dispatcher must act on, most urgent first: the plan cannot be driven as it is
#: (goods that do not fit or lose the cold chain, hours, shifts, work served twice or not at
#: all). The other kinds follow, in the order found.
HARD_KINDS = ("over_capacity", "cold_capacity", "cold_chain", "time_window", "delivery_target",
              "fresh_target", "pickup_before_ready", "departs_before_ready", "depot_hours",
              "shift_overrun", "trip_overlap", "vehicle_reused", "handover_not_there",
              "handover_not_aboard", "handover_unmatched", "handover_not_delivered",
              "served_twice",
              "served_and_unserved", "unserved", "servable_unserved", "missing")


def hard_first(violations: list[Violation]) -> list[Violation]:
    """The violations with the kinds of :data:`HARD_KINDS` first, in that order (stable)."""
    rank = {k: n for n, k in enumerate(HARD_KINDS)}
    return sorted(violations, key=lambda v: rank.get(v.kind, len(rank)))


def _clock(t: int, other: int) -> str:
    """``t`` as HH:MM, or HH:MM:SS when ``other`` falls in the same minute (so a message
    never reads "arrives 13:26 but cannot arrive before 13:26")."""
    return hhmm(t) if hhmm(t) != hhmm(other) else f"{hhmm(t)}:{int(t) % 60:02d}"


def _s(minutes: float) -> int:
    """plan.json minutes as whole seconds."""
    return round(minutes * 60)


class Section(IntEnum):
    """The report's sections, in order: the routes one by one, then the plan as a whole."""

    ROUTES = 0  #: each route, in the plan's order (see :class:`Part`)
    TRIPS = 1  #: each vehicle's trips: numbering, reloading, the shift they span
    SERVED = 2  #: each line served after a hand-over: the trunk brought it in time
    HANDOVERS = 3  #: each line handed over: once, and served by a feeder
    UNSERVED = 4  #: each unserved entry: a reason, known station and lines
    CLAIMS = 5  #: each unserved entry's reason, tested against the plan
    COVERAGE = 6  #: each demand line: served once or listed unserved
    TOTALS = 7  #: the plan's totals


class Part(IntEnum):
    """A route's parts, in the report's order."""

    HEAD = 0  #: the route's vehicle, depot, duration, hours and shift
    STATIONS = 1  #: each stop's station is known (every stop of the route)
    LEAVING = 2  #: the load leaving the depot and when it is ready
    STOPS = 3  #: each stop at a known station (see :class:`Step`)
    RETURN = 4  #: the drive back, the route's distance and cost


class Step(IntEnum):
    """What is checked, in the report's order within a part of a route."""

    # the route's head
    VEHICLE = 0
    VEHICLE_TYPE = 1
    DEPOT = 2
    DURATION = 3
    DEPOT_HOURS = 4
    SHIFT = 5
    # leaving the depot
    LOAD_OUT = 10
    CAPACITY_OUT = 11
    READY_OUT = 12
    # at a stop
    DRIVE = 20
    ARRIVAL = 21
    WINDOW = 22
    LINES = 23  #: each line listed at the stop (see :class:`LineCheck`)
    SERVICE = 24
    OWN_LINES = 25  #: each line the stop serves itself, not handed over (see LineCheck)
    AMOUNTS = 26
    CAPACITY = 27
    COLD_CAPACITY = 28
    LOAD = 29
    ON_ROAD = 30  #: an on-road hand-over at the stop (each line moved: see LineCheck)
    # back at the depot
    DRIVE_BACK = 40
    DISTANCE = 41
    COST = 42


class LineCheck(IntEnum):
    """What is checked of one line at a stop, in the report's order."""

    # each line listed (Step.LINES)
    KNOWN = 0
    HANDOVER = 1
    HANDOVER_COLD = 2
    STATION = 3
    # each line served by the stop itself (Step.OWN_LINES)
    DELIVERY = 4
    FRESH = 5
    PICKUP = 6
    COLD = 7
    # each line moved on the road (Step.ON_ROAD)
    PARTNER = 8
    ABOARD = 9
    DELIVERED = 10


#: A place in the report: (section, route, part, stop, step, line, line check).
Spot = tuple[int, int, int, int, int, int, int]


class Found(NamedTuple):
    """A violation and its place in the report."""

    spot: Spot
    violation: Violation


def _part(step: Step) -> Part:
    """The part of a route a step of its head, its leaving, a stop or its return is in."""
    if step < Step.LOAD_OUT:
        return Part.HEAD
    if step < Step.DRIVE:
        return Part.LEAVING
    return Part.STOPS if step < Step.DRIVE_BACK else Part.RETURN


def route_spot(route: int, step: Step) -> Spot:
    """The ``route``-th route's head, its leaving the depot or its return."""
    return (Section.ROUTES, route, _part(step), 0, step, 0, 0)


def stop_spot(route: int, stop: int, step: Step, line: int = 0,
              check: LineCheck = LineCheck.KNOWN) -> Spot:
    """The ``stop``-th known stop of the ``route``-th route (its ``line``-th line: ``check``
    then says which check of the line)."""
    return (Section.ROUTES, route, Part.STOPS, stop, step, line, check)


def station_spot(route: int, stop: int) -> Spot:
    """The station of the ``stop``-th stop (known or not) of the ``route``-th route."""
    return (Section.ROUTES, route, Part.STATIONS, stop, 0, 0, 0)


def section_spot(section: Section) -> Spot:
    """A plan-wide section: one rule fills each, in its own order."""
    return (section, 0, 0, 0, 0, 0, 0)


def found(spot: Spot, kind: str, where: str, message: str) -> Found:
    """A violation found at ``spot``."""
    return Found(spot, Violation(kind, where, message))


def _over(where: str, point: str, load: list[float], vt: VehicleType) -> list[Violation]:
    """Capacity violations of one load level (kg, m3, parcels) on a vehicle of type ``vt``."""
    out = []
    for q, cap, unit, tol in zip(load, (vt.capacity_kg, vt.capacity_m3, vt.capacity_parcels),
                                 ("kg", "m3", "parcels"), (TOL_KG, TOL_M3, 0), strict=True):
        if q > cap + tol:
            out.append(Violation("over_capacity", where, f"{point}: {q:,.3f} {unit} on board "
                                 f"exceeds capacity {cap:g} {unit} of '{vt.id}'"))
    return out
