"""Two echelons: trunks hub → township stations, feeders township station → villages.

Pure data transforms (no solver here): split a scenario into the trunk problem and one feeder
problem per township, and merge the solved parts into one plan. The orchestration, which solves
each part and explains what is left out, is :func:`routing.pipeline.plan_two_echelon`.

Conventions (documented in scenarios/README.md): ambient goods of villages whose township has
feeder vehicles change vehicles at the township; fresh goods never do (they ride hub vehicles
with cold capacity, so the cold chain is unbroken); a village whose township has no feeder is
served directly. A feeder leaves at least ``transfer_s`` after the trunk that brought its
parcels has left the township. Produce collected by feeders rides to the hub on the next trunk:
the trunk's pickup at a township is the previous collection (steady state), so up lines are
available at the township from 00:00.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..constants import DAY_S
from ..model import DemandLine, Direction, Scenario, Tier, VehicleType
from ..model.plan import Plan, Route, Unserved


def trunk_types(scenario: Scenario) -> tuple[VehicleType, ...]:
    """Vehicle types that may run trunks: echelon trunk/any, based at a hub."""
    hubs = {s.id for s in scenario.stations if s.tier is Tier.HUB}
    return tuple(vt for vt in scenario.vehicle_types
                 if vt.echelon in ("trunk", "any") and vt.depot_id in hubs)


def feeder_types(scenario: Scenario) -> dict[str, tuple[VehicleType, ...]]:
    """Township station id → the vehicle types stationed there that may run feeders."""
    towns = {s.id for s in scenario.stations if s.tier is Tier.TOWNSHIP}
    out: dict[str, list[VehicleType]] = {}
    for vt in scenario.vehicle_types:
        if vt.echelon in ("feeder", "any") and vt.depot_id in towns and vt.count > 0:
            out.setdefault(vt.depot_id, []).append(vt)
    return {k: tuple(v) for k, v in out.items()}


def direct_types(scenario: Scenario) -> tuple[VehicleType, ...]:
    """Vehicle types used when planning directly: all but feeder-only ones and those based at a
    carrier's outlet (a carrier's own fleet drives alone: see evaluate.consolidation)."""
    outlets = {s.id for s in scenario.stations if s.tier is Tier.OUTLET}
    return tuple(vt for vt in scenario.vehicle_types
                 if vt.echelon != "feeder" and vt.depot_id not in outlets)


def transferred_lines(scenario: Scenario) -> dict[str, str]:
    """Line id → township station id, for the lines that change vehicles at a township."""
    feeders = feeder_types(scenario)
    parent = {s.id: s.township_id for s in scenario.stations if s.tier is Tier.VILLAGE}
    return {ln.id: parent[ln.station_id] for ln in scenario.demand
            if not ln.fresh and parent.get(ln.station_id) in feeders}


def trunk_scenario(scenario: Scenario, transfers: dict[str, str]) -> Scenario:
    """The trunk problem: transferred lines are due at their township station instead."""
    demand = tuple(
        dataclasses.replace(ln, station_id=transfers[ln.id],
                            ready_s=ln.ready_s if ln.direction is Direction.DOWN else 0)
        if ln.id in transfers else ln
        for ln in scenario.demand)
    return dataclasses.replace(scenario, vehicle_types=trunk_types(scenario), demand=demand)


def feeder_scenario(scenario: Scenario, township: str, lines: Iterable[DemandLine],
                    ready_at_township: dict[str, int]) -> Scenario:
    """One township's feeder problem: its villages' lines from the township station.

    Down lines are ready when their trunk has left plus the transfer time.
    """
    demand = tuple(
        dataclasses.replace(ln, ready_s=min(DAY_S, ready_at_township[ln.id]))
        if ln.direction is Direction.DOWN else ln
        for ln in lines)
    return dataclasses.replace(scenario, vehicle_types=feeder_types(scenario)[township],
                               demand=demand)


def mark_trunk(plan: Plan, transfers: dict[str, str]) -> tuple[Route, ...]:
    """Trunk routes labelled as such, each stop listing the lines it hands over or takes in."""
    return tuple(dataclasses.replace(
        r, echelon="trunk",
        stops=tuple(dataclasses.replace(s, transfer_ids=tuple(i for i in s.line_ids
                                                              if i in transfers))
                    for s in r.stops))
        for r in plan.routes)


def trunk_departures(routes: Iterable[Route], transfer_s: int) -> dict[str, int]:
    """Line id → earliest feeder departure: the trunk stop's departure plus transfer time."""
    return {i: s.departure_s + transfer_s for r in routes for s in r.stops
            for i in s.transfer_ids}


def split_unserved(unserved: Iterable[Unserved], scenario: Scenario,
                   transfers: dict[str, str]) -> list[Unserved]:
    """Trunk unserved entries at a township, split back to the villages whose lines they are."""
    home = {ln.id: ln.station_id for ln in scenario.demand}
    out: list[Unserved] = []
    for u in unserved:
        own = tuple(i for i in u.line_ids if i not in transfers)
        if own:
            out.append(dataclasses.replace(u, line_ids=own))
        by_village: dict[str, list[str]] = {}
        for i in u.line_ids:
            if i in transfers:
                by_village.setdefault(home[i], []).append(i)
        for village, ids in by_village.items():
            out.append(Unserved(station_id=village, line_ids=tuple(ids),
                                reason=f"no trunk brings it to township station "
                                f"{u.station_id}: {u.reason}"))
    return out
