"""The day of operations: re-time an edited plan, re-plan the rest of the day.

:func:`retime_plan` keeps a dispatcher's order and vehicles and recomputes every figure;
:func:`replan_day` takes the plan made at dawn, what happened since (events, late lines) and
re-plans what is left, history kept. Both return plans the independent checker has passed
judgment on, with the violations listed hard first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..evaluate.check import Violation, hard_first
from ..exceptions import ModelError
from ..io.edited import EditedRoute
from ..io.events import Event
from ..model import DemandLine, Direction, Scenario, Tier, VehicleType
from ..model.plan import Plan, PlanMeta, Route
from ..network.matrix import Matrices
from ..solve import scenario_hash
from ..solve.repair import Earlier, built_meta, planned_trips, repair
from ..solve.retime import left_out, retime
from ..solve.schedule import continued_route
from ..solve.visits import Visit, visit_of
from ..units import hhmm
from .checked import check_scenario_plan, explained
from .echelons import direct_types


@dataclasses.dataclass(frozen=True, slots=True)
class Retimed:
    """An edited plan re-timed: the plan (times, loads, costs recomputed; unserved lines
    explained) and what breaks the rules, hard violations first."""

    plan: Plan
    violations: list[Violation]


def retime_plan(scenario: Scenario, matrices: Matrices, edited: list[EditedRoute], *,
                source: str = "") -> Retimed:
    """Re-time the dispatcher's routes as given (order and vehicles kept) and check them.

    Every figure is recomputed, so the checker reports only rules the edit breaks: loads over
    a capacity, a stop outside its hours, a shift too long, fresh goods off the cold chain, a
    line served twice. Each line on no route is a violation of its own (kind ``unserved``)
    with the reason it is out: a dispatcher who took it off a route must see it.
    """
    fleet = dict(scenario.vehicles())
    feeders = sorted({r.vehicle_id for r in edited
                      if scenario.station(fleet[r.vehicle_id].depot_id).tier is Tier.TOWNSHIP})
    if feeders:
        raise ModelError("retime handles plans whose vehicles start at the hub (the direct "
                         f"structure); feeder vehicle(s) {', '.join(feeders[:5])} start at "
                         "township stations, whose hand-overs it does not re-time yet")
    timed = retime(scenario, matrices,
                   [(r.vehicle_id, r.trip, [(s.station_id, s.line_ids) for s in r.stops])
                    for r in edited])
    plan = explained(replace(timed, meta=replace(timed.meta, retimed_from=source)), scenario,
                     matrices)
    found = check_scenario_plan(plan, scenario, matrices)
    names = {s.id: s.name for s in scenario.stations}
    left = [Violation("unserved", f"station {u.station_id} ({names.get(u.station_id, '')})",
                      f"{len(u.line_ids)} line(s) on no route ({', '.join(u.line_ids[:4])}"
                      f"{' …' if len(u.line_ids) > 4 else ''}): {u.reason}")
            for u in plan.unserved]
    return Retimed(plan, hard_first(found + left))


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """What one driver must be told after a re-plan: a stop added, removed or moved to
    another place in the order, or a new arrival time (``detail`` says which)."""

    vehicle_id: str
    kind: str  # added | removed | moved | retimed
    station_id: str
    detail: str


@dataclasses.dataclass(frozen=True, slots=True)
class Replanned:
    """The day re-planned at ``at_s``: the whole day's plan (history and what is left), the
    scenario as the day now stands (late lines, cancellations, closures, parcels brought
    back), the checker's verdict on both, and what each driver must be told."""

    plan: Plan
    scenario: Scenario
    violations: list[Violation]
    changes: list[Change]
    notes: list[str]


def replan_day(scenario: Scenario, m: Matrices, doc: dict[str, Any], *, at_s: int,
               late: Sequence[DemandLine] = (), events: Sequence[Event] = ()) -> Replanned:
    """Re-plan the rest of the day from the plan ``doc`` at ``at_s`` (seconds after 00:00).

    - Every stop the plan had reached by ``at_s`` — and the stop a vehicle on the road is
      driving to — is history: it stays with its times. ``done`` events add stops (at their
      actual departure).
    - ``cancel`` takes a line off; ``closed`` closes a station from its time (its lines not
      yet served stay unserved, with that reason); ``delay`` holds a vehicle at its last stop
      (or its next departure) ``minutes`` longer; ``breakdown`` ends a vehicle's day where it
      stands: it is brought back to its depot with what it still carries (nothing moves
      between vehicles on the road), those parcels are at the hub again when it arrives and go
      out with another vehicle, and its pickups not yet made are given to others.
    - Late lines (a demand table in the scenario's format) and the parcels brought back are
      inserted where they cost least: into trips not yet begun, a further trip of a vehicle
      after its last, or an idle vehicle (never into a trip already on the road: the parcels
      are at the hub). Everything else keeps its vehicle and order: with no event nothing
      moves.
    """
    day = _day_scenario(scenario, late, events, at_s)
    state = _DayState.of(day, events, at_s)
    for vid, trips in _doc_trips(doc).items():
        _vehicle_so_far(state, m, vid, trips)
    for vid in state.fleet:
        state.earlier.setdefault(vid, Earlier(0, at_s, 0, at_s))
    day = replace(day, demand=tuple(replace(ln, ready_s=max(ln.ready_s, state.back_at[ln.id]))
                                    if ln.id in state.back_at else ln for ln in day.demand))
    direct = replace(day, vehicle_types=direct_types(day))
    lines = {ln.id: ln for ln in day.demand}
    # Trips not yet begun keep their vehicle and order; then every line on no route (late,
    # brought back, off a closed stop or a trip that no longer fits) goes in where it may.
    fleet_plan = _future_plan(direct, m, state.future, state.earlier, lines)
    served = state.served_past | {i for r in (*state.kept, *fleet_plan.routes)
                                  for s in r.stops for i in s.line_ids}
    base = replace(fleet_plan, unserved=tuple(left_out(direct, m, served)))
    filled = repair(base, direct, m, busy=frozenset(state.broken), earlier=state.earlier)
    order = {vid: k for k, vid in enumerate(state.fleet)}
    routes = sorted([*state.kept, *filled.routes], key=lambda r: (order[r.vehicle_id], r.trip))
    plan = Plan(scenario=day.name, scenario_hash=scenario_hash(direct), date=day.date,
                engine="replan", seed=day.solve.seed, time_limit_s=0.0, status="REPLANNED",
                runtime_s=0.0, objective=round(sum(r.cost for r in routes), 2),
                routes=tuple(routes), unserved=filled.unserved,
                meta=replace(built_meta(m), replanned_at_min=round(at_s / 60, 2),
                             locked_vehicles=tuple(sorted({r.vehicle_id for r in state.kept})),
                             out_of_service=tuple(sorted(state.broken)),
                             replan_notes=tuple(state.notes)))
    plan = explained(plan, direct, m)
    violations = hard_first(check_scenario_plan(plan, direct, m))
    return Replanned(plan, direct, violations, _changes(doc, plan), state.notes)


@dataclasses.dataclass(slots=True)
class _DayState:
    """What the re-plan learns walking the plan's trips at ``at_s``: the events by kind, the
    trips kept (begun: history + the rest), the trips not begun, each vehicle's day so far,
    the parcels a broken-down vehicle brings back, the lines served, notes for the driver."""

    day: Scenario
    direct: Scenario
    at_s: int
    fleet: dict[str, VehicleType]
    lines: dict[str, DemandLine]
    broken: dict[str, int]
    delays: dict[str, int]
    done_at: dict[tuple[str, str], int | None]
    closing: set[str]
    notes: list[str] = dataclasses.field(default_factory=list)
    kept: list[Route] = dataclasses.field(default_factory=list)
    future: dict[str, list[list[tuple[str, list[str]]]]] = dataclasses.field(
        default_factory=dict)
    earlier: dict[str, Earlier] = dataclasses.field(default_factory=dict)
    back_at: dict[str, int] = dataclasses.field(default_factory=dict)
    served_past: set[str] = dataclasses.field(default_factory=set)

    @classmethod
    def of(cls, day: Scenario, events: Sequence[Event], at_s: int) -> _DayState:
        delays: dict[str, int] = {}
        for e in events:
            if e.kind == "delay":
                delays[e.vehicle] = delays.get(e.vehicle, 0) + 60 * e.minutes
        return cls(day=day, direct=replace(day, vehicle_types=direct_types(day)), at_s=at_s,
                   fleet=dict(day.vehicles()), lines={ln.id: ln for ln in day.demand},
                   broken={e.vehicle: (e.time_s if e.time_s is not None else at_s)
                           for e in events if e.kind == "breakdown"},
                   delays=delays,
                   done_at={(e.vehicle, e.station): e.time_s for e in events
                            if e.kind == "done"},
                   closing={e.station for e in events if e.kind == "closed"})


def _vehicle_so_far(state: _DayState, m: Matrices, vid: str,
                    trips: list[tuple[int, list[_Stop]]]) -> None:
    """One vehicle's trips at ``at_s``: begun ones kept (history and, unless broken down,
    the rest of the trip), later ones left for :func:`_future_plan`; its day so far."""
    vt = state.fleet.get(vid)
    if vt is None:
        raise ModelError(f"the plan's vehicle '{vid}' is not in the scenario's fleet")
    at_s, lines, closing = state.at_s, state.lines, state.closing
    stop_at = state.broken.get(vid)
    count, shift_start, last_end = 0, None, 0
    for start_s, stops in trips:
        begun = start_s <= at_s or (stop_at is not None and start_s <= stop_at)
        if not begun or (stop_at is not None and start_s > stop_at):
            if stop_at is None:  # (a broken vehicle's later trips go to others)
                state.future.setdefault(vid, []).append(
                    [(st, [i for i in ids if i in lines]) for st, ids, _ in stops
                     if st not in closing])
            continue
        history, rest = _split_trip(start_s, stops, stop_at if stop_at is not None else at_s,
                                    state.done_at, vid, ride_on=stop_at is None)
        history = [(st, tuple(i for i in ids if i in lines or i in state.served_past), t)
                   for st, ids, t in history]
        state.served_past.update(i for _, ids, _ in history for i in ids)
        if vid in state.delays and history:
            st, ids, (a, b, d) = history[-1]
            held = state.delays.pop(vid)
            history[-1] = (st, ids, (a, b, d + held))
            state.notes.append(f"{vid}: held {held // 60} min at {st}, later stops later")
        rest_ids = [[i for i in ids if i in lines and i not in state.served_past]
                    for _, ids, _ in rest]
        back = [i for ids in rest_ids for i in ids] if stop_at is not None else []
        if back:
            state.notes.append(f"{vid} broke down at {hhmm(stop_at or 0)}: brought back to "
                               f"{vt.depot_id} with {len(back)} line(s) not delivered or "
                               "collected; they go out with other vehicles")
        rest_visits: list[Visit] = []
        if stop_at is None:  # a stop at a station closed today leaves the trip
            rest_visits = [visit_of(state.direct, st, [lines[i] for i in ids])
                           for (st, _, _), ids in zip(rest, rest_ids, strict=True)
                           if ids and st not in closing]
        count += 1
        route = continued_route(state.direct, m, vid, vt, start_s, history, rest_visits,
                                trip=count, paid_from_s=last_end if count > 1 else None,
                                lines=lines)
        state.kept.append(route)
        # its parcels still on board are at the hub when it is (its pickups not made
        # stay at their stations, ready as they were)
        state.back_at.update((i, route.end_s) for i in back
                             if lines[i].direction is Direction.DOWN)
        shift_start = start_s if shift_start is None else shift_start
        last_end = route.end_s
    if count or vid in state.delays:
        not_before = max(at_s, last_end + (state.day.service.reload_s if count else 0)
                         ) + state.delays.get(vid, 0)
        state.earlier[vid] = Earlier(count, shift_start if shift_start is not None else at_s,
                                     last_end, not_before)


def _day_scenario(scenario: Scenario, late: Sequence[DemandLine], events: Sequence[Event],
                  at_s: int) -> Scenario:
    """The scenario as the day now stands: late lines added, cancelled ones gone, closed
    stations closing at their event's time."""
    cancelled = {e.line for e in events if e.kind == "cancel"}
    closing = {e.station: (e.time_s if e.time_s is not None else at_s)
               for e in events if e.kind == "closed"}
    stations = tuple(replace(s, close_s=max(s.open_s, min(s.close_s, closing[s.id])))
                     if s.id in closing else s for s in scenario.stations)
    demand = tuple(ln for ln in (*scenario.demand, *late) if ln.id not in cancelled)
    return replace(scenario, stations=stations, demand=demand)


_Stop = tuple[str, tuple[str, ...], tuple[int, int, int]]


def _doc_trips(doc: dict[str, Any]) -> dict[str, list[tuple[int, list[_Stop]]]]:
    """Per vehicle, its trips in order: (departure, [(station, lines, times)])."""
    out: dict[str, list[tuple[int, int, list[_Stop]]]] = {}
    for r in doc["routes"]:
        stops = [(s["station_id"], tuple(s["lines"]),
                  (round(s["arrival_min"] * 60), round(s["start_min"] * 60),
                   round(s["departure_min"] * 60))) for s in r["stops"]]
        out.setdefault(r["vehicle_id"], []).append((r.get("trip", 1),
                                                    round(r["start_min"] * 60), stops))
    return {vid: [(start, stops) for _, start, stops in sorted(trips)]
            for vid, trips in out.items()}


def _split_trip(start_s: int, stops: list[_Stop], at_s: int,
                done_at: dict[tuple[str, str], int | None], vid: str, *, ride_on: bool
                ) -> tuple[list[_Stop], list[_Stop]]:
    """A begun trip's history and rest at ``at_s``: the stops left by then (or reported
    done, at their actual departure), and — ``ride_on``, a vehicle on the road — the stop it
    is driving to."""
    history: list[_Stop] = []
    for k, (st, ids, (a, b, d)) in enumerate(stops):
        if (vid, st) in done_at:
            actual = done_at[(vid, st)]
            history.append((st, ids, (a, b, max(b, actual) if actual is not None else d)))
        elif d <= at_s:
            history.append((st, ids, (a, b, d)))
        else:
            if ride_on:  # left its last point by at_s: driving here, or already here
                history.append((st, ids, (a, b, d)))
                k += 1
            return history, stops[k:]
    return history, []


def _future_plan(direct: Scenario, m: Matrices,
                 future: dict[str, list[list[tuple[str, list[str]]]]],
                 earlier: dict[str, Earlier], lines: dict[str, DemandLine]) -> Plan:
    """The trips not yet begun, as the plan had them (order kept, lines still due), timed
    after each vehicle's day so far; a trip that no longer fits gives its lines back."""
    empty = Plan(scenario=direct.name, scenario_hash=scenario_hash(direct), date=direct.date,
                 engine="replan", seed=direct.solve.seed, time_limit_s=0.0, status="REPLANNED",
                 runtime_s=0.0, objective=0.0, routes=(), unserved=(), meta=PlanMeta())
    trips: dict[str, list[list[Visit]]] = {}
    for vid, ts in future.items():
        for stops in ts:
            seq = [visit_of(direct, st, [lines[i] for i in ids]) for st, ids in stops if ids]
            if seq:
                trips.setdefault(vid, []).append(seq)
    return planned_trips(empty, direct, m, trips, earlier)


def _changes(doc: dict[str, Any], plan: Plan) -> list[Change]:
    """Per driver: stations added to or removed from the day, moved in the order, or with an
    arrival more than 5 minutes from the old one."""
    old: dict[str, list[tuple[str, float]]] = {}
    for r in doc["routes"]:
        old.setdefault(r["vehicle_id"], []).extend(
            (s["station_id"], s["arrival_min"]) for s in r["stops"])
    new: dict[str, list[tuple[str, float]]] = {}
    for r in plan.routes:
        new.setdefault(r.vehicle_id, []).extend((s.station_id, s.arrival_s / 60)
                                                for s in r.stops)
    out = []
    for vid in sorted(set(old) | set(new)):
        was = _nth(old.get(vid, []))
        now = _nth(new.get(vid, []))
        a, b = list(was), list(now)  # (station, n-th stop there), in driving order
        for key in b:
            if key not in was:
                out.append(Change(vid, "added", key[0], "new stop"))
        for key in a:
            if key not in now:
                out.append(Change(vid, "removed", key[0], "no longer on this vehicle"))
        common_a = [k for k in a if k in now]
        common_b = [k for k in b if k in was]
        # a stop moved: its place among the stops both versions share changed
        for k, key in enumerate(common_b):
            if common_a[k] != key:
                out.append(Change(vid, "moved", key[0], f"now stop {b.index(key) + 1}"))
        for key, t in now.items():
            if key in was and abs(t - was[key]) > 5:
                out.append(Change(vid, "retimed", key[0], f"arrival "
                                  f"{hhmm(round(was[key] * 60))} → {hhmm(round(t * 60))}"))
    return out


def _nth(stops: list[tuple[str, float]]) -> dict[tuple[str, int], float]:
    """Arrival per (station, its n-th stop of the day): a station's fresh and dry stops
    apart."""
    seen: dict[str, int] = {}
    out = {}
    for st, t in stops:
        seen[st] = seen.get(st, 0) + 1
        out[st, seen[st]] = t
    return out
