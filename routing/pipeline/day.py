"""The day of operations: re-time an edited plan, re-plan the rest of the day.

:func:`retime_plan` keeps a dispatcher's order and vehicles and recomputes every figure;
:func:`replan_day` takes the plan made at dawn, what happened since (events, late lines) and
re-plans what is left, history kept. Both return plans the independent checker has passed
judgment on, with the violations listed hard first.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..evaluate.check import Violation, hard_first
from ..exceptions import ModelError
from ..io.edited import EditedRoute
from ..io.events import Event
from ..model import DemandLine, Direction, Scenario, Tier, VehicleType
from ..model.plan import Plan, PlanMeta, Route, Stop, Unserved
from ..network.matrix import Matrices, vehicle_duration_s
from ..solve import scenario_hash, stability
from ..solve.options import SolveOptions
from ..solve.repair import Earlier, built_meta, planned_trips, repair
from ..solve.rescue import Breakdown, Free, Rescue, find_rescue
from ..solve.rest import reoptimised
from ..solve.retime import left_out, retime
from ..solve.schedule import continued_route
from ..solve.visits import Visit, visit_of
from ..units import hhmm
from .checked import check_scenario_plan, explained
from .echelons import direct_types
from .plan import reference_from_plan


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


#: The kinds of change a driver is told, in Chinese and English (changes.csv, the terminal,
#: the workspace page).
CHANGE_KINDS: dict[str, tuple[str, str]] = {
    "added": ("新增", "added"), "removed": ("移除", "removed"),
    "moved": ("顺序变动", "moved"), "retimed": ("时间变动", "retimed"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """What one driver must be told after a re-plan: a stop added, removed or moved to
    another place in the order, or a new arrival time (``detail`` says which)."""

    vehicle_id: str
    kind: str  # added | removed | moved | retimed
    station_id: str
    detail: str
    detail_zh: str = ""  #: the detail in Chinese, for the driver

    def said(self, lang: str) -> str:
        """The detail in ``lang`` ("zh" or "en")."""
        return self.detail_zh if lang == "zh" and self.detail_zh else self.detail


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
    first_s: float = 0.0  #: seconds to the first plan the checker judged (the insertion's)
    final_s: float = 0.0  #: seconds to the plan returned
    notes_zh: list[str] = dataclasses.field(default_factory=list)  #: the notes in Chinese

    def said(self, lang: str) -> list[str]:
        """The notes in ``lang`` ("zh" or "en")."""
        return self.notes_zh if lang == "zh" and self.notes_zh else self.notes


#: Most extra cost of the whole day (percent) a rescue on the road may add over bringing
#: the parcels back, when it delivers them earlier (on average over the parcels rescued):
#: the parcels reach their villages while the day is still young, instead of waiting at the
#: hub for the broken vehicle to be brought back. A rescue serving more lines is always
#: taken, one serving as many at no more cost too.
RESCUE_PREMIUM_PCT = 5.0
#: Seconds PyVRP gets to re-optimise the rest of the day after the insertion re-plan (the
#: first plan the checker judged): the day's budget is 2 s to a valid plan, 10 s to the final.
REPLAN_ENGINE_S = 3.0


def replan_day(scenario: Scenario, m: Matrices, doc: dict[str, Any], *, at_s: int,
               late: Sequence[DemandLine] = (), events: Sequence[Event] = (),
               rescue_premium_pct: float = RESCUE_PREMIUM_PCT, rescue_always: bool = False,
               time_limit_s: float = REPLAN_ENGINE_S, solution_limit: int | None = None,
               hold: bool = False) -> Replanned:
    """Re-plan the rest of the day from the plan ``doc`` at ``at_s`` (seconds after 00:00).

    - Every stop the plan had reached by ``at_s`` — and the stop a vehicle on the road is
      driving to — is history: it stays with its times. ``done`` events add stops (at their
      actual departure), and begin a trip the plan had not begun by ``at_s``.
    - ``cancel`` takes a line off; ``closed`` closes a station from its time (its lines not
      yet served stay unserved, with that reason); ``delay`` holds a vehicle ``minutes`` where
      it is at the event's time (at the depot, at a stop, on the road to one; after its trips:
      its next trip leaves later); ``breakdown`` ends a vehicle's day where it
      stands (the station of its last stop), and its pickups not yet made are given to others.
      The parcels it still carries are either collected there by another vehicle and
      delivered (:mod:`routing.solve.rescue`: a hand-over on the road, in both trips) or
      brought back with it to its depot, to go out again with another vehicle: the day is
      planned both ways and the rescue kept when it serves more, or as much at no more cost,
      or delivers them earlier for at most ``rescue_premium_pct`` more (the day's cost);
      ``rescue_always`` (a dispatcher's policy) takes every rescue serving as many lines. The
      notes say which and why, with both costs.
    - Late lines (a demand table in the scenario's format) and the parcels brought back are
      inserted where they cost least: into trips not yet begun, a further trip of a vehicle
      after its last, or an idle vehicle (never into a trip already on the road: the parcels
      are at the hub). Everything else keeps its vehicle and order: with no event nothing
      moves.
    - Then PyVRP re-optimises the trips not yet begun and what is left out, within
      ``time_limit_s`` (and ``solution_limit`` iterations, the scenario's when None:
      deterministic), starting from that
      plan; its plan is kept when it serves more lines, or as many at less cost counting the
      change penalty per stop moved. With no late line and no event it does not run.
    - ``hold`` (a dispatch policy): a vehicle whose day is one trip not yet begun leaves as
      late as every window, delivery target and the depot's hours allow, so that parcels
      arriving later can still join it; without, trips leave as early as they can.
    """
    t0 = time.perf_counter()
    day = _day_scenario(scenario, late, events, at_s)
    state = _DayState.of(day, events, at_s)
    state.hold = hold and bool(late or events)  # nothing new: nothing moves
    for vid, trips in _doc_trips(doc).items():
        _vehicle_so_far(state, m, vid, trips)
    if unmatched := state.done.unmatched():
        raise ModelError("; ".join(unmatched))
    for vid in state.fleet:
        state.earlier.setdefault(vid, Earlier(0, at_s, 0, at_s))
    best = _rescued(state, m, math.inf if rescue_always else rescue_premium_pct,
                    always=rescue_always)
    plan, violations = _judged(state, m, best)
    first_s = time.perf_counter() - t0
    if time_limit_s > 0 and (late or events):  # nothing new: the dawn plan stands
        better = _engine_day(state, m, best, doc, SolveOptions.of(
            day.solve, time_limit_s=time_limit_s, solution_limit=solution_limit))
        if better is not best:
            plan, violations = _judged(state, m, better)
        else:  # the insertion's plan, judged before the engine's note was said
            plan = replace(plan, meta=replace(plan.meta, replan_notes=tuple(state.notes)))
    return Replanned(plan, best.direct, violations, _changes(doc, plan), state.notes,
                     round(first_s, 3), round(time.perf_counter() - t0, 3), state.notes_zh)


def _judged(state: _DayState, m: Matrices, best: _Day) -> tuple[Plan, list[Violation]]:
    """The day as a plan (history and the rest, unserved lines explained) and the checker's
    verdict on it against the day's scenario, hard violations first."""
    order = {vid: k for k, vid in enumerate(state.fleet)}
    routes = sorted(best.routes, key=lambda r: (order[r.vehicle_id], r.trip))
    rescuers = {r.rescuer for r in best.rescues.values()}
    day = state.day
    plan = Plan(scenario=day.name, scenario_hash=scenario_hash(best.direct), date=day.date,
                engine="replan", seed=day.solve.seed, time_limit_s=0.0, status="REPLANNED",
                runtime_s=0.0, objective=round(sum(r.cost for r in routes), 2),
                routes=tuple(routes), unserved=best.unserved,
                meta=replace(built_meta(m), replanned_at_min=round(state.at_s / 60, 2),
                             locked_vehicles=tuple(sorted({r.vehicle_id for r in state.kept}
                                                          | rescuers)),
                             out_of_service=tuple(sorted(state.broken)),
                             replan_notes=tuple(state.notes)))
    plan = explained(plan, best.direct, m)
    return plan, hard_first(check_scenario_plan(plan, best.direct, m))


def _engine_day(state: _DayState, m: Matrices, day: _Day, doc: dict[str, Any],
                options: SolveOptions) -> _Day:
    """The day with its trips not yet begun re-optimised by PyVRP
    (:func:`routing.solve.rest.reoptimised`), when that serves more lines, or as many for
    less — counting the day's change penalty for each stop it moves off the vehicle the plan
    before gave it (the drivers were told); else ``day`` as it is. A note says which."""
    if not day.free and not day.unserved:
        return day
    got = reoptimised(day.direct, m, Plan(
        scenario=day.direct.name, scenario_hash="", date=day.direct.date, engine="replan",
        seed=options.seed, time_limit_s=options.time_limit_s, status="REPLANNED",
        runtime_s=0.0, objective=0.0, routes=day.free, unserved=day.unserved,
        meta=PlanMeta()), state.earlier, day.busy, options, hold=state.hold)
    if got is None:
        state.say("re-optimising the rest of the day found no plan in "
                  f"{options.time_limit_s:g} s; the insertion re-plan stands",
                  f"剩余行程重新优化 {options.time_limit_s:g} 秒内未找到方案，沿用插入方案")
        return day
    new = replace(day, free=got.routes, unserved=got.unserved)
    ref = reference_from_plan(doc)

    def weighed(d: _Day) -> tuple[int, float]:
        moved = stability(d.free, ref).moved
        return d.key[0], round(d.key[1] + options.change_penalty * moved, 2)

    was, now = weighed(day), weighed(new)
    said = (f"{now[0]} line(s) unserved, {new.key[1]:,.2f} CNY re-optimised against "
            f"{was[0]}, {day.key[1]:,.2f} CNY inserted (with {options.change_penalty:g} CNY "
            "per stop moved)")
    said_zh = (f"重新优化未服务 {now[0]} 条、{new.key[1]:,.2f} 元，插入方案未服务 {was[0]} 条、"
               f"{day.key[1]:,.2f} 元（每改动一站计 {options.change_penalty:g} 元）")
    if now < was:
        state.say(f"the rest of the day re-optimised: {said}", f"剩余行程已重新优化：{said_zh}")
        return new
    state.say(f"the rest of the day as inserted: {said}", f"剩余行程沿用插入方案：{said_zh}")
    return day


@dataclasses.dataclass(slots=True)
class _Done:
    """Stops reported done: a ``done`` event names a vehicle and a station (every stop of
    that vehicle there), or also a line (only the stop carrying it: a station's fresh and
    dry stops, or two waves, apart); its time, or None (at the re-plan's time). Each event
    must match a stop of the plan (:meth:`unmatched`)."""

    events: list[Event]
    matched: set[int] = dataclasses.field(default_factory=set)

    def at(self, vid: str, station: str, ids: Sequence[str]) -> tuple[bool, int | None]:
        """Whether this stop was reported done, and when (the latest time reported)."""
        hit = [k for k, e in enumerate(self.events) if e.vehicle == vid
               and e.station == station and (not e.line or e.line in ids)]
        self.matched.update(hit)
        times = [t for k in hit if (t := self.events[k].time_s) is not None]
        return bool(hit), max(times) if times else None

    def unmatched(self) -> list[str]:
        """Each done event that names no stop of the plan, said as the dispatcher wrote it."""
        return [f"{f'events row {e.row}: ' if e.row else ''}'done' for vehicle {e.vehicle} at "
                f"station {e.station}" + (f", line {e.line}" if e.line else "")
                + ": the plan has no such stop on that vehicle"
                for k, e in enumerate(self.events) if k not in self.matched]


@dataclasses.dataclass(slots=True)
class _DayState:
    """What the re-plan learns walking the plan's trips at ``at_s``: the events by kind, the
    trips kept (begun: history + the rest), the trips not begun, each vehicle's day so far,
    the parcels a broken-down vehicle brings back (and the vehicles stranded with them), the
    lines served, notes for the driver."""

    day: Scenario
    direct: Scenario
    at_s: int
    fleet: dict[str, VehicleType]
    lines: dict[str, DemandLine]
    broken: dict[str, int]
    delays: dict[str, list[tuple[int, int]]]  #: vehicle → (from when, seconds late), in order
    done: _Done
    closing: set[str]
    notes: list[str] = dataclasses.field(default_factory=list)
    notes_zh: list[str] = dataclasses.field(default_factory=list)
    hold: bool = False  #: one-trip days not yet begun leave as late as they can
    kept: list[Route] = dataclasses.field(default_factory=list)
    future: dict[str, list[list[tuple[str, list[str]]]]] = dataclasses.field(
        default_factory=dict)
    #: vehicle → when the plan had its first trip not yet begun leave (it leaves no earlier)
    planned_start: dict[str, int] = dataclasses.field(default_factory=dict)
    earlier: dict[str, Earlier] = dataclasses.field(default_factory=dict)
    back_at: dict[str, int] = dataclasses.field(default_factory=dict)
    served_past: set[str] = dataclasses.field(default_factory=set)
    stranded: dict[str, Breakdown] = dataclasses.field(default_factory=dict)

    def say(self, en: str, zh: str) -> None:
        """A note for the dispatcher, in English and Chinese."""
        self.notes.append(en)
        self.notes_zh.append(zh)

    @classmethod
    def of(cls, day: Scenario, events: Sequence[Event], at_s: int) -> _DayState:
        delays: dict[str, list[tuple[int, int]]] = {}
        for e in events:
            if e.kind == "delay":
                delays.setdefault(e.vehicle, []).append(
                    (e.time_s if e.time_s is not None else at_s, 60 * e.minutes))
        return cls(day=day, direct=replace(day, vehicle_types=direct_types(day)), at_s=at_s,
                   fleet=dict(day.vehicles()), lines={ln.id: ln for ln in day.demand},
                   broken={e.vehicle: (e.time_s if e.time_s is not None else at_s)
                           for e in events if e.kind == "breakdown"},
                   delays=delays,
                   done=_Done([e for e in events if e.kind == "done"]),
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
        # a stop reported done begins its trip, however late the plan had it leave
        early = stop_at is None and start_s > at_s and any(
            [state.done.at(vid, st, ids)[0] for st, ids, _ in stops])
        begun = start_s <= at_s or early or (stop_at is not None and start_s <= stop_at)
        if not begun or (stop_at is not None and start_s > stop_at):
            if stop_at is None:  # (a broken vehicle's later trips go to others)
                state.planned_start.setdefault(vid, start_s)
                state.future.setdefault(vid, []).append(
                    [(st, [i for i in ids if i in lines]) for st, ids, _ in stops
                     if st not in closing])
            continue
        count += 1
        if early:
            start_s, stops = _begun_early(state, m, vid, vt, stops)
        start_s, stops = _held(state, vid, start_s, stops)
        route = _begun_trip(state, m, vid, vt, start_s, stops, count, last_end,
                            ride_on=stop_at is None and not early)
        state.kept.append(route)
        shift_start = route.start_s if shift_start is None else shift_start
        last_end = route.end_s
    if count or vid in state.delays:  # a delay on no trip begun: its next trip leaves later
        held = sum(h for _, h in state.delays.pop(vid, []))
        if held:
            state.say(f"{vid}: {held // 60} min late, its next trip leaves later",
                      f"{vid}：晚 {held // 60} 分钟，下一趟推迟出发")
        not_before = max(at_s, last_end + (state.day.service.reload_s if count else 0)) + held
        state.earlier[vid] = Earlier(count, shift_start if shift_start is not None else at_s,
                                     last_end, not_before)


def _begun_trip(state: _DayState, m: Matrices, vid: str, vt: VehicleType, start_s: int,
                stops: list[_Stop], trip: int, last_end: int, *, ride_on: bool) -> Route:
    """A trip begun by ``at_s`` (or by its vehicle's breakdown): its history, and the rest
    as the plan had it (a stop at a station closed today leaves the trip) — or, broken down,
    back to the depot from where it stands, what it still carries recorded as stranded."""
    lines, stop_at = state.lines, state.broken.get(vid)
    closes = {st: state.day.station(st).close_s for st in state.closing}
    history, rest = _split_trip(stops, stop_at if stop_at is not None else state.at_s,
                                state.done, vid, ride_on=ride_on, closes=closes)
    history = [(st, tuple(i for i in ids if i in lines or i in state.served_past), t)
               for st, ids, t in history]
    state.served_past.update(i for _, ids, _ in history for i in ids)
    rest_ids = [[i for i in ids if i in lines and i not in state.served_past]
                for _, ids, _ in rest]
    paid = last_end if trip > 1 else None
    if stop_at is not None:
        route = continued_route(state.direct, m, vid, vt, start_s, history, [], trip=trip,
                                paid_from_s=paid, lines=lines)
        carried = tuple(i for ids in rest_ids for i in ids
                        if lines[i].direction is Direction.DOWN)
        if carried:  # at the hub when it is, unless collected on the road
            state.back_at.update((i, route.end_s) for i in carried)
            state.stranded[vid] = Breakdown(
                vid, vt, start_s, trip, paid, tuple(history),
                max(stop_at, history[-1][2][2]) if history else stop_at,
                max(state.at_s, stop_at), carried)
        return route
    rest_visits = [visit_of(state.direct, st, [lines[i] for i in ids])
                   for (st, _, _), ids in zip(rest, rest_ids, strict=True)
                   if ids and st not in state.closing]
    return continued_route(state.direct, m, vid, vt, start_s, history, rest_visits,
                           trip=trip, paid_from_s=paid, lines=lines)


@dataclasses.dataclass(frozen=True, slots=True)
class _Day:
    """The rest of the day planned one way: the day's scenario (parcels brought back ready
    at the hub when they are), the routes fixed (begun, rescues) and free (trips not yet
    begun, as re-placed), what stays unserved, the rescues made."""

    direct: Scenario
    fixed: list[Route]
    free: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    rescues: dict[str, Rescue]
    planned: list[Route]  #: the routes before the repair: kept, and trips not yet begun
    busy: frozenset[str]  #: vehicles broken down or rescuing: no free trip

    @property
    def routes(self) -> list[Route]:
        """Every route of the day: fixed, then free."""
        return [*self.fixed, *self.free]

    @property
    def key(self) -> tuple[int, float]:
        """Lines left unserved, then cost: the lower the better."""
        return sum(len(u.line_ids) for u in self.unserved), round(sum(r.cost for r in
                                                                      self.routes), 2)


def _rest_of_day(state: _DayState, m: Matrices, rescues: dict[str, Rescue]) -> _Day:
    """The day with these rescues: the broken trips rescued end with their hand-over, the
    rescuers' trips stay as they are (their rescue trip after them), the rest as the plan had
    it; then every line on no route (late, brought back, off a closed stop or a trip that no
    longer fits) goes in where it may."""
    moved = {i for r in rescues.values() for i in r.lines}
    back_at = {i: t for i, t in state.back_at.items() if i not in moved}
    for vid, r in rescues.items():  # what a rescuer could not deliver comes back later
        back_at.update((i, r.giver.end_s) for i in state.stranded[vid].carried
                       if i not in moved)
    day = replace(state.day, demand=tuple(
        replace(ln, ready_s=max(ln.ready_s, back_at[ln.id])) if ln.id in back_at else ln
        for ln in state.day.demand))
    direct = replace(day, vehicle_types=direct_types(day))
    lines = {ln.id: ln for ln in day.demand}
    # trips not yet begun leave when the plan had them leave (or later, if they must): a
    # re-plan does not pull a driver's departure forward unasked
    planned = {vid: replace(e, not_before_s=max(e.not_before_s, state.planned_start[vid]))
               if vid in state.planned_start else e for vid, e in state.earlier.items()}
    fleet_plan = _future_plan(direct, m, state.future, planned, lines, hold=state.hold)
    rescuers = {r.rescuer for r in rescues.values()}
    givers = {(r.giver.vehicle_id, r.giver.trip): r.giver for r in rescues.values()}
    kept = [givers.get((r.vehicle_id, r.trip), r) for r in state.kept]
    aside = [r for r in fleet_plan.routes if r.vehicle_id in rescuers]
    aside += [r.taker for r in rescues.values()]
    served = state.served_past | moved | {i for r in (*kept, *fleet_plan.routes)
                                          for s in r.stops for i in s.line_ids}
    base = replace(fleet_plan, routes=tuple(r for r in fleet_plan.routes
                                            if r.vehicle_id not in rescuers),
                   unserved=tuple(left_out(direct, m, served)))
    busy = frozenset(state.broken) | rescuers
    filled = repair(base, direct, m, busy=busy, earlier=state.earlier, hold=state.hold)
    return _Day(direct, [*kept, *aside], filled.routes, filled.unserved, rescues,
                [*kept, *fleet_plan.routes], busy)


def _rescued(state: _DayState, m: Matrices, premium_pct: float, *, always: bool = False
             ) -> _Day:
    """The rest of the day, each stranded vehicle's load collected on the road where that
    serves more lines, or as many at no more cost (or earlier within ``premium_pct`` more),
    than bringing it back; a note per stranded vehicle says which and why."""
    best = _rest_of_day(state, m, {})
    for vid, broken in state.stranded.items():
        what, back = _breakdown_said(state, vid, broken)
        free = _free(state, best, set(best.rescues) | {r.rescuer for r in best.rescues.values()})
        rescue, why = find_rescue(state.direct, m, broken, free, state.lines)
        if rescue is None:
            state.say(f"{what[0]}: {back[0]} (no rescue on the road: {why[0]})",
                      f"{what[1]}：{back[1]}（无法途中接驳：{why[1]}）")
            continue
        trial = _rest_of_day(state, m, {**best.rescues, vid: rescue})
        now = _delivered_at(trial, rescue.lines) or rescue.at_s  # (the rescue delivers them)
        then = _delivered_at(best, rescue.lines)
        (cost, n), (was, n_was) = (trial.key[1], trial.key[0]), (best.key[1], best.key[0])
        costs = (f"day {cost:,.2f} CNY, {n} line(s) unserved, delivered {hhmm(now)} on average; "
                 f"brought back {was:,.2f} CNY, {n_was} unserved"
                 + (f", delivered {hhmm(then)}" if then else ""))
        costs_zh = (f"接驳：全天 {cost:,.2f} 元，未服务 {n} 条，平均 {hhmm(now)} 送达；"
                    f"运回：全天 {was:,.2f} 元，未服务 {n_was} 条"
                    + (f"，平均 {hhmm(then)} 送达" if then else ""))
        earlier = always or then is None or now < then
        who, at = rescue.rescuer, hhmm(rescue.at_s)
        if n < n_was or (n == n_was and (
                cost <= was or (earlier and cost <= was * (1 + premium_pct / 100)))):
            best = trial
            k = len(rescue.lines)
            left = len(broken.carried) - k
            state.say(f"{what[0]}: {k} collected there by {who} at {at} and delivered ({costs})"
                      + (f"; {left} it had no room for or could not deliver in time {back[0]}"
                         if left else ""),
                      f"{what[1]}：{k} 单由 {who} 于 {at} 在该处接驳并配送（{costs_zh}）"
                      + (f"；其余 {left} 单装不下或无法按时送达，{back[1]}" if left else ""))
        else:
            state.say(f"{what[0]}: {back[0]}, rather than collected there by {who} at {at} "
                      f"({costs})", f"{what[1]}：{back[1]}，而不由 {who} 于 {at} 在该处接驳"
                      f"（{costs_zh}）")
    return best


def _breakdown_said(state: _DayState, vid: str, broken: Breakdown
                    ) -> tuple[tuple[str, str], tuple[str, str]]:
    """What happened to a stranded vehicle, and what bringing its load back means, each in
    English and Chinese."""
    at, n = hhmm(state.broken[vid]), len(broken.carried)
    if broken.history:
        st = broken.station_id
        name = next((s.name for s in state.day.stations if s.id == st), "")
        what = (f"{vid} broke down at {at} at {st} ({name}) with {n} delivery line(s) on board",
                f"{vid} 于 {at} 在 {st}（{name}）故障，车上尚有 {n} 单待配送")
    else:
        what = (f"{vid} broke down at {at} before its first stop with {n} delivery line(s) "
                "on board", f"{vid} 于 {at} 在首站前故障，车上尚有 {n} 单待配送")
    depot = broken.vt.depot_id
    return what, (f"brought back to {depot}; they go out with other vehicles",
                  f"随车运回 {depot}，由其他车辆再配送")


def _delivered_at(day: _Day, ids: tuple[str, ...]) -> int | None:
    """When these lines are delivered on this day, on average (None: none of them is)."""
    want = set(ids)
    times = [s.start_s for r in day.routes for s in r.stops for i in s.line_ids if i in want]
    return round(sum(times) / len(times)) if times else None


def _free(state: _DayState, day: _Day, taken: set[str]) -> dict[str, Free]:
    """When each vehicle not broken down nor already rescuing could make one more trip: after
    its trips kept and those the plan had not begun (before the repair adds any)."""
    out: dict[str, Free] = {}
    planned: dict[str, list[Route]] = {}
    for r in day.planned:
        planned.setdefault(r.vehicle_id, []).append(r)
    for vid in state.fleet:
        if vid in state.broken or vid in taken:
            continue
        before, rs = state.earlier[vid], planned.get(vid, [])
        if not rs:
            out[vid] = Free(before.trips, before.shift_start_s if before.trips else None,
                            before.last_end_s if before.trips else None, before.not_before_s)
            continue
        end = max(r.end_s for r in rs)
        out[vid] = Free(len(rs), min([r.start_s for r in rs] + ([before.shift_start_s]
                                                               if before.trips else [])),
                        end, max(before.not_before_s, end + state.day.service.reload_s))
    return out


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


def _split_trip(stops: list[_Stop], at_s: int, done: _Done, vid: str, *, ride_on: bool,
                closes: Mapping[str, int] | None = None) -> tuple[list[_Stop], list[_Stop]]:
    """A begun trip's history and rest at ``at_s``: the stops up to the last one left by
    then or reported done (a done stop at its actual departure, or when its service could
    end, if later), and — ``ride_on``, a vehicle on the road — the stop it is driving to,
    unless that station closes (``closes``: station → its closing time today) before the
    service there would start: then the driver is told, and it leaves the trip with the
    rest of the stops at closed stations."""
    reported = [done.at(vid, st, ids) for st, ids, _ in stops]
    last = max((k for k, (_, _, (_, _, d)) in enumerate(stops)
                if reported[k][0] or d <= at_s), default=-1)
    history: list[_Stop] = []
    for k, (st, ids, (a, b, d)) in enumerate(stops[:last + 1]):
        actual = reported[k][1]
        history.append((st, ids, (a, b, max(d, actual) if actual is not None else d)))
    rest = stops[last + 1:]
    if ride_on and rest:  # left its last point by at_s: driving here, or already here
        st, _, (_, start, _) = rest[0]
        if st not in (closes or {}) or start <= (closes or {})[st]:
            return [*history, rest[0]], rest[1:]
    return history, rest


def _begun_early(state: _DayState, m: Matrices, vid: str, vt: VehicleType,
                 stops: list[_Stop]) -> tuple[int, list[_Stop]]:
    """A trip the plan had not begun by ``at_s`` but with a stop reported done: re-timed so
    that its last stop reported done leaves when it did (blank time: at ``at_s``), the stops
    before it driven before (waiting where a station was not open or its produce not ready
    yet)."""
    reported = [state.done.at(vid, st, ids) for st, ids, _ in stops]
    k = max(j for j, (was, _) in enumerate(reported) if was)
    actual = reported[k][1]
    actual = state.at_s if actual is None else actual
    dur = vehicle_duration_s(m, vt.speed_kph)
    idx = m.index()
    path = [idx[vt.depot_id], *(idx[st] for st, _, _ in stops)]
    t = actual
    for j in range(k, -1, -1):  # backwards, without waiting, to the depot
        _, _, (_, b, d) = stops[j]
        t -= (d - b) + int(dur[path[j], path[j + 1]])
    start_s, out = t, []
    for j, (st, ids, (a, b, d)) in enumerate(stops):
        if j > k:  # the rest as planned (after --at), re-timed after the history
            out.append((st, ids, (a, b, d)))
            continue
        arrival = t + int(dur[path[j], path[j + 1]])
        begin = max(arrival, state.day.station(st).open_s, *(
            state.lines[i].ready_s for i in ids
            if i in state.lines and state.lines[i].direction is Direction.UP))
        t = begin + (d - b)
        out.append((st, ids, (arrival, begin, t)))
    state.say(f"{vid}: stop at {stops[k][0]} reported done at {hhmm(actual)}, its trip begun "
              f"at {hhmm(start_s)}", f"{vid}：{stops[k][0]} 站报告已于 {hhmm(actual)} 完成，该趟"
              f"于 {hhmm(start_s)} 出发")
    return start_s, out


def _held(state: _DayState, vid: str, start_s: int, stops: list[_Stop]
          ) -> tuple[int, list[_Stop]]:
    """A begun trip with the vehicle's delays applied where it was at each delay's time: at
    the depot (it leaves later), at a stop (it leaves later) or on the road to one (it
    arrives later); a later stop absorbs what it could wait anyway. A delay after the trip's
    last stop is left for the vehicle's next trip."""
    left = []
    for t, held in state.delays.get(vid, []):
        k = next((j for j, (_, _, (_, _, d)) in enumerate(stops) if d > t), None)
        if k is None:
            left.append((t, held))
            continue
        st, ids, (a, b, d) = stops[k]
        if t < start_s:
            start_s, first, shift = start_s + held, 0, held
            where, where_zh = "at the depot", "在场站"
        elif a <= t:  # at stop k: it leaves later
            stops = [*stops[:k], (st, ids, (a, b, d + held)), *stops[k + 1:]]
            first, shift, where, where_zh = k + 1, held, f"at {st}", f"在 {st} 站"
        else:
            first, shift = k, held
            where, where_zh = f"on the road to {st}", f"在前往 {st} 站途中"
        out = list(stops[:first])
        for st2, ids2, (a2, b2, d2) in stops[first:]:
            begin = max(b2, a2 + shift)
            out.append((st2, ids2, (a2 + shift, begin, d2 + begin - b2)))
            shift = begin - b2
        stops = out
        state.say(f"{vid}: held {held // 60} min {where} from {hhmm(t)}, later stops later",
                  f"{vid}：自 {hhmm(t)} 起{where_zh}延误 {held // 60} 分钟，后续站点顺延")
    state.delays[vid] = left
    if not left:
        state.delays.pop(vid, None)
    return start_s, stops


def _future_plan(direct: Scenario, m: Matrices,
                 future: dict[str, list[list[tuple[str, list[str]]]]],
                 earlier: dict[str, Earlier], lines: dict[str, DemandLine], *,
                 hold: bool = False) -> Plan:
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
    return planned_trips(empty, direct, m, trips, earlier, hold=hold)


def _changes(doc: dict[str, Any], plan: Plan) -> list[Change]:
    """Per driver: stations added to or removed from the day, moved in the order, or with an
    arrival more than 5 minutes from the old one."""
    old: dict[str, list[tuple[str, float]]] = {}
    for r in doc["routes"]:
        old.setdefault(r["vehicle_id"], []).extend(
            (s["station_id"], s["arrival_min"]) for s in r["stops"])
    new: dict[str, list[tuple[str, float]]] = {}
    said: dict[str, list[tuple[str, str]]] = {}  # per vehicle, per stop: what it is for
    for r in plan.routes:
        new.setdefault(r.vehicle_id, []).extend((s.station_id, s.arrival_s / 60)
                                                for s in r.stops)
        said.setdefault(r.vehicle_id, []).extend(_handover_said(s) for s in r.stops)
    out = []
    for vid in sorted(set(old) | set(new)):
        was = _nth(old.get(vid, []))
        now = _nth(new.get(vid, []))
        a, b = list(was), list(now)  # (station, n-th stop there), in driving order
        for key, (what, what_zh) in zip(b, said.get(vid, []), strict=True):
            if key not in was:
                out.append(Change(vid, "added", key[0], what, what_zh))
        for key in a:
            if key not in now:
                out.append(Change(vid, "removed", key[0], "no longer on this vehicle",
                                  "不再由本车配送"))
        common_a = [k for k in a if k in now]
        common_b = [k for k in b if k in was]
        # a stop moved: its place among the stops both versions share changed
        for k, key in enumerate(common_b):
            if common_a[k] != key:
                n = b.index(key) + 1
                out.append(Change(vid, "moved", key[0], f"now stop {n}", f"改为第 {n} 站"))
        for key, t in now.items():
            if key in was and abs(t - was[key]) > 5:
                old_t, new_t = hhmm(round(was[key] * 60)), hhmm(round(t * 60))
                out.append(Change(vid, "retimed", key[0], f"arrival {old_t} → {new_t}",
                                  f"到达时间 {old_t} → {new_t}"))
    return out


def _handover_said(s: Stop) -> tuple[str, str]:
    """What a new stop is for, in English and Chinese: a hand-over on the road (which lines,
    with whom, when), or simply a new stop."""
    if s.handed_ids:
        n, who, at = len(s.handed_ids), s.handover_with, hhmm(s.start_s)
        return (f"hand over {n} line(s) to {who} at {at}, then brought back to the depot",
                f"{at} 在此将 {n} 单交给 {who}，然后回场站")
    if s.taken_ids:
        n, who, at = len(s.taken_ids), s.handover_with, hhmm(s.start_s)
        return (f"take over {n} line(s) from {who} (broken down) at {at}, and deliver them",
                f"{at} 在此接收故障车 {who} 的 {n} 单并配送")
    return "new stop", "新增站点"


def _nth(stops: list[tuple[str, float]]) -> dict[tuple[str, int], float]:
    """Arrival per (station, its n-th stop of the day): a station's fresh and dry stops
    apart."""
    seen: dict[str, int] = {}
    out = {}
    for st, t in stops:
        seen[st] = seen.get(st, 0) + 1
        out[st, seen[st]] = t
    return out
