"""Concrete reasons for stations a plan leaves unserved, worked out from the scenario alone.

Each reason is a claim the checker tests (routing.evaluate.check), with a code that says which:

- ``cannot_serve``: no vehicle that may serve the station could do it even alone, on a round
  trip of its own from its depot; the text gives each vehicle type's first broken rule
  (unreachable, cold chain, capacity, opening hours, targets, depot hours, shift).
- ``fleet_busy``: some vehicle could serve it alone, but every such vehicle is in use and none
  of the vehicles in use can take it into its trips; the text names each vehicle and the rule
  that blocks its closest way in.
- ``idle_vehicle``: a vehicle stands idle that could serve it alone — the planner's fault,
  said plainly (the checker rejects such a plan).
- ``route_open``: a vehicle in use could take it — also the planner's fault, said plainly.

The rules are those of :mod:`routing.evaluate.probe`; nothing comes from the solver.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Scenario, Tier, VehicleType
from ..network.matrix import Matrices
from .probe import (
    Job,
    Probe,
    RouteView,
    alone,
    available,
    closed_vehicles,
    trunk_vehicles,
    vehicle_jobs,
    way_in,
)

CANNOT_SERVE = "cannot_serve"
FLEET_BUSY = "fleet_busy"
IDLE_VEHICLE = "idle_vehicle"
ROUTE_OPEN = "route_open"
CODES = (CANNOT_SERVE, FLEET_BUSY, IDLE_VEHICLE, ROUTE_OPEN)

#: Vehicles named one by one in a fleet_busy reason; the rest are counted by rule.
SHOWN = 3


class Explainer:
    """Reasons for a plan's unserved stations, given its routes (read once)."""

    def __init__(self, scenario: Scenario, matrices: Matrices, routes: list[RouteView],
                 echelons: dict[str, str] | None = None, *,
                 handed: dict[str, int] | None = None, locked: frozenset[str] = frozenset(),
                 pinned: dict[str, str] | None = None, out: frozenset[str] = frozenset(),
                 not_before: int = 0) -> None:
        self.scenario = scenario
        #: vehicles out of service (a re-plan's breakdowns, plan meta ``out_of_service``)
        self.out = out
        #: locked stops (station → the only vehicle that may serve it; plan meta
        #: ``locked_stops``)
        self.pinned = pinned or {}
        self.matrices = matrices
        self.probe = Probe(scenario, matrices, not_before)
        self.trips, self.handed = vehicle_jobs(scenario, routes, handed)
        self.lines = {ln.id: ln for ln in scenario.demand}
        self.fleet = scenario.vehicles()
        #: vehicle id -> echelon of its routes; a two-echelon plan at its trunk-route limit
        #: lets no further vehicle call at a township station
        self.trunks = trunk_vehicles(scenario, self.trips, echelons or {})
        # Routes that take no more: hand-overs bind feeders; locked routes stay as they were
        # (plan meta ``locked_vehicles``).
        self.closed = closed_vehicles(self.trips) | set(locked) | set(out)
        limit = scenario.targets.max_trunk_routes
        self.limited = bool(self.trunks) and limit is not None and len(self.trunks) >= limit

    def fleet_for(self, station_id: str) -> list[tuple[str, VehicleType]]:
        """The vehicles that may serve the station: its locked vehicle, or all of them."""
        pin = self.pinned.get(station_id)
        return [(vid, vt) for vid, vt in self.fleet if pin in (None, vid) and vid not in self.out]

    def job(self, station_id: str, line_ids: Sequence[str]) -> Job:
        """The unserved lines as a stop to make (at hand at the township if a trunk brought
        them there)."""
        handed = [self.handed[i] for i in line_ids if i in self.handed]
        return Job(station_id, tuple(self.lines[i] for i in line_ids if i in self.lines),
                   max(handed) if handed else None)

    def why(self, station_id: str, line_ids: Sequence[str]) -> tuple[str, str]:
        """(code, reason) for these unserved lines of ``station_id``."""
        if station_id in self.matrices.unreachable:
            return CANNOT_SERVE, ("station is not reachable on the road network (too far from any "
                                  "road, or cut off)")
        job = self.job(station_id, line_ids)
        fresh = any(ln.fresh for ln in job.lines)
        if self.limited and self.scenario.station(station_id).tier is Tier.TOWNSHIP and \
                not all(ln.fresh for ln in job.lines):
            return self._trunks_full(job)
        types = available(self.scenario, job)
        if not types:
            where = (f"township station {self.scenario.station(station_id).township_id}"
                     if job.handed_s is not None else "a hub")
            return CANNOT_SERVE, f"no vehicle of the fleet may serve it from {where}"
        verdicts = {vt.id: alone(self.probe, job, vt) for vt in types}
        able = {t for t, why in verdicts.items() if why is None}
        if fresh and not any(vt.fresh_capacity_kg > 0 for vt in types):
            return CANNOT_SERVE, (f"{sum(ln.kg for ln in job.lines):,.1f} kg fresh goods and no "
                                  "refrigerated vehicle or cold box in the fleet")
        if not able:
            return CANNOT_SERVE, ("no vehicle could serve it even alone: " + "; ".join(
                f"'{t}': {why}" for t, why in verdicts.items()))
        ids = {vt.id for vt in types}
        fleet = self.fleet_for(station_id)
        idle = [vid for vid, vt in fleet if vt.id in able and vid not in self.trips]
        if idle:
            return IDLE_VEHICLE, (f"left out although '{idle[0]}' stands idle and could serve "
                                  "it alone")
        blocked: list[tuple[str, str]] = []
        for vid, vt in fleet:
            if vt.id not in ids or vid not in self.trips or vid in self.closed:
                continue
            got = way_in(self.probe, self.trips[vid], vt, job)
            if not isinstance(got, str):
                return ROUTE_OPEN, (f"left out although '{vid}' could take it (trip "
                                    f"{got[0] + 1}, after stop {got[1]})")
            blocked.append((vid, got))
        cold = "refrigerated " if fresh else ""
        n = sum(1 for _, vt in fleet if vt.id in able)
        shown = "; ".join(f"'{vid}': {why}" for vid, why in blocked[:SHOWN])
        more = f"; {len(blocked) - SHOWN} more vehicles in use blocked likewise" \
            if len(blocked) > SHOWN else ""
        return FLEET_BUSY, (f"no {cold}vehicle left: all {n} vehicles that could serve it "
                            f"alone are in use, and none in use can take it: {shown}{more}")

    def _trunks_full(self, job: Job) -> tuple[str, str]:
        """A township station in a plan at its trunk-route limit: only a trunk may take it,
        and a trunk's route is not opened up (its hand-over times bind the feeders)."""
        limit = self.scenario.targets.max_trunk_routes
        return "", (f"no vehicle left: the {limit} trunk routes of [targets] max_trunk_routes "
                    f"run ({', '.join(sorted(self.trunks))}); one more vehicle calling at "
                    "the township would be a trunk route over the limit")
