"""From visit sequences to timed, loaded routes (plain Python, no solver objects)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import pairwise

import numpy as np

from ..model import DemandLine, Direction, Scenario, VehicleType
from ..model.plan import Amount, Load, Route, Stop
from ..network.matrix import Matrices, vehicle_duration_s
from .visits import Visit


def _forward(t0: int, seq: list[Visit], legs: list[int]) -> tuple[list[tuple[int, int, int]], int]:
    """Earliest schedule leaving the depot at t0: (arrival, start, departure) per stop, end."""
    out, t = [], t0
    for vs, leg in zip(seq, legs, strict=False):
        arrival = t + leg
        start = max(arrival, vs.open_s, vs.ready_up_s)
        t = start + vs.service_s
        out.append((arrival, start, t))
    return out, t + legs[-1]


def _feasible(times: list[tuple[int, int, int]], seq: list[Visit]) -> bool:
    return all(start <= min(vs.close_s, vs.deliver_by_s)
               for (_, start, _), vs in zip(times, seq, strict=True))


def timed_route(scenario: Scenario, matrices: Matrices, vehicle_id: str, vt: VehicleType,
                seq: list[Visit], start_s: int, durations: np.ndarray | None = None, *,
                trip: int = 1, paid_from_s: int | None = None,
                lines: dict[str, DemandLine] | None = None) -> Route:
    """Build a :class:`Route`: earliest schedule from ``start_s``, then leave the depot as late
    as possible without arriving anywhere later (waiting at the depot costs no driver time)."""
    idx = matrices.index()
    dur = vehicle_duration_s(matrices, vt.speed_kph) if durations is None else durations
    path = [idx[vt.depot_id], *(idx[v.station_id] for v in seq), idx[vt.depot_id]]
    legs = [int(dur[a, b]) for a, b in pairwise(path)]
    times, end = _forward(start_s, seq, legs)
    lo, hi = 0, max(0, sum(s - a for a, s, _ in times))
    while lo < hi:  # largest delay that keeps the end time and every window
        mid = (lo + hi + 1) // 2
        t2, e2 = _forward(start_s + mid, seq, legs)
        if e2 <= end and _feasible(t2, seq):
            lo = mid
        else:
            hi = mid - 1
    return continued_route(scenario, matrices, vehicle_id, vt, start_s + lo, [], seq,
                           durations=dur, trip=trip, paid_from_s=paid_from_s, lines=lines)


#: An on-road hand-over at a stop: (lines handed to the other vehicle, lines taken from it,
#: the other vehicle).
Moves = tuple[tuple[str, ...], tuple[str, ...], str]
_NO_MOVES: Moves = ((), (), "")


def _loaded(stops: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[int, int, int]]],
            lines: dict[str, DemandLine], moves: dict[int, Moves] | None = None
            ) -> tuple[Load, tuple[Stop, ...]]:
    """Load at the depot and the stops, from (station, line ids, transfer ids, (arrival, start,
    departure)) each: every delivery on board from the depot, amounts per carrier. ``moves``
    (stop index → :data:`Moves`): lines handed over leave the vehicle there (a delivery
    handed over was on board from the depot), lines taken over come on board there (a
    delivery taken over was not on board before)."""
    moves = moves or {}
    taken = {i for h, t, _ in moves.values() for i in t}
    down_total = [lines[i] for _, ids, _, _ in stops for i in ids
                  if lines[i].direction is Direction.DOWN and i not in taken]
    down_total += [lines[i] for h, _, _ in moves.values() for i in h
                   if lines[i].direction is Direction.DOWN and i not in taken]
    kg = sum(ln.kg for ln in down_total)
    m3 = sum(ln.m3 for ln in down_total)
    parcels = sum(ln.parcels for ln in down_total)
    load0 = Load(kg=round(kg, 3), m3=round(m3, 4), parcels=parcels)
    out = []
    for k, (station, ids, transfers, (arrival, start, departure)) in enumerate(stops):
        by: dict[Direction, defaultdict[str, list[float]]] = {
              Direction.DOWN: defaultdict(lambda: [0, 0.0, 0.0]),
              Direction.UP: defaultdict(lambda: [0, 0.0, 0.0])}
        handed, took, other = moves.get(k, _NO_MOVES)
        for i in ids:
            ln = lines[i]
            acc = by[ln.direction][ln.carrier_id]
            acc[0] += ln.parcels
            acc[1] += ln.kg
            acc[2] += ln.m3
            sign = -1 if ln.direction is Direction.DOWN else 1
            kg += sign * ln.kg
            m3 += sign * ln.m3
            parcels += sign * ln.parcels
        for sign, moved in ((-1, handed), (1, took)):
            for ln in (lines[i] for i in moved):
                kg += sign * ln.kg
                m3 += sign * ln.m3
                parcels += sign * ln.parcels

        def amounts(d: Direction, by: dict = by) -> tuple[Amount, ...]:
            return tuple(Amount(carrier_id=c, parcels=a[0], kg=round(a[1], 3), m3=round(a[2], 4))
                         for c, a in sorted(by[d].items()))

        out.append(Stop(station_id=station, arrival_s=arrival, start_s=start,
                        departure_s=departure, line_ids=ids, transfer_ids=transfers,
                        delivered=amounts(Direction.DOWN), picked_up=amounts(Direction.UP),
                        load_after=Load(kg=round(max(kg, 0.0), 3), m3=round(max(m3, 0.0), 4),
                                        parcels=parcels),
                        handed_ids=handed, taken_ids=took, handover_with=other))
    return load0, tuple(out)


def with_moves(route: Route, moves: dict[int, Moves], lines: dict[str, DemandLine]) -> Route:
    """The route with on-road hand-overs at some of its stops (stop index → :data:`Moves`),
    its loads recomputed (times, distance and costs as they were)."""
    load0, stops = _loaded([(s.station_id, s.line_ids, s.transfer_ids,
                             (s.arrival_s, s.start_s, s.departure_s)) for s in route.stops],
                           lines, moves)
    return replace(route, load_at_start=load0, stops=stops)


def without_lines(route: Route, drop: set[str], lines: dict[str, DemandLine]) -> Route:
    """The route with the lines ``drop`` taken off, its times as they were (a stop may take
    longer than its goods need): loads and amounts recomputed, distance and costs kept."""
    load0, stops = _loaded([(s.station_id, tuple(i for i in s.line_ids if i not in drop),
                             tuple(i for i in s.transfer_ids if i not in drop),
                             (s.arrival_s, s.start_s, s.departure_s)) for s in route.stops],
                           lines)
    return replace(route, load_at_start=load0, stops=stops)


def continued_route(scenario: Scenario, matrices: Matrices, vehicle_id: str, vt: VehicleType,
                    start_s: int, history: list[tuple[str, tuple[str, ...],
                                                      tuple[int, int, int]]],
                    future: list[Visit], *, durations: np.ndarray | None = None,
                    trip: int = 1, paid_from_s: int | None = None,
                    lines: dict[str, DemandLine] | None = None) -> Route:
    """A trip whose first stops are history — (station, lines, (arrival, start, departure))
    as they happened — and whose other stops ``future`` follow at the earliest from the last
    departure (or from ``start_s``, leaving the depot, when there is no history). Nothing in
    the history moves, however the rest changes; the trip ends back at the depot."""
    idx = matrices.index()
    dur = vehicle_duration_s(matrices, vt.speed_kph) if durations is None else durations
    path = [idx[vt.depot_id], *(idx[st] for st, _, _ in history),
            *(idx[v.station_id] for v in future), idx[vt.depot_id]]
    t0 = history[-1][2][2] if history else start_s
    first = len(history)  # the future's legs start at the last stop of the history
    legs = [int(dur[a, b]) for a, b in pairwise(path[first:])]
    times, end = _forward(t0, future, legs)
    if lines is None:
        lines = {ln.id: ln for ln in scenario.demand}
    none: tuple[str, ...] = ()  # no transfers
    load0, stops = _loaded([(st, ids, none, t) for st, ids, t in history]
                           + [(v.station_id, v.line_ids, none, t)
                              for v, t in zip(future, times, strict=True)], lines)
    distance = int(sum(matrices.distance_m[a, b] for a, b in pairwise(path)))
    return Route(vehicle_id=vehicle_id, vehicle_type=vt.id, depot_id=vt.depot_id,
                 start_s=start_s, end_s=end, distance_m=distance, load_at_start=load0,
                 stops=stops, fixed_cost=vt.fixed_cost if trip == 1 else 0.0,
                 distance_cost=round(distance / 1000 * vt.cost_per_km, 2),
                 time_cost=round((end - (start_s if paid_from_s is None else paid_from_s))
                                 / 3600 * vt.cost_per_hour, 2), trip=trip)
