"""The checker's rules, one a function: each reads the :class:`Context` and returns what it
finds broken, each violation with its place in the report (:data:`Found`).

A rule judges one thing and nothing else; the driver (routing.evaluate.check.check_plan)
runs them all in :data:`RULES` order and sorts what they found into the report's order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from ...model import DemandLine, Direction, VehicleType
from ...units import hhmm
from .base import (
    TOL_CNY,
    TOL_KG,
    TOL_M_PER_LEG,
    TOL_S,
    Found,
    LineCheck,
    Section,
    Spot,
    Step,
    _clock,
    _over,
    found,
    route_spot,
    section_spot,
    station_spot,
    stop_spot,
)
from .claims import unserved_claims
from .context import Context, RouteRun, StopRun

Rule = Callable[[Context], list[Found]]


def route_shape(ctx: Context) -> list[Found]:
    """Each route's vehicle is in the fleet, of the type and at the depot the plan says; its
    stops are at stations of the scenario and list its lines, each at its own station."""
    out = []
    for run in ctx.routes:
        if run.vt is None:
            out.append(found(route_spot(run.n, Step.VEHICLE), "unknown_vehicle", run.where,
                             f"no vehicle '{run.vehicle_id}' in the fleet "
                             f"(known: {', '.join(sorted(ctx.fleet)[:8])}…)"))
            continue
        r, vt = run.doc, run.vt
        if r["vehicle_type"] != vt.id:
            out.append(found(route_spot(run.n, Step.VEHICLE_TYPE), "wrong_vehicle_type",
                             run.where, f"type '{r['vehicle_type']}' but the fleet says "
                             f"'{vt.id}'"))
        if r["depot_id"] != vt.depot_id:
            out.append(found(route_spot(run.n, Step.DEPOT), "wrong_depot", run.where,
                             f"depot '{r['depot_id']}' but '{run.vehicle_id}' is based at "
                             f"'{vt.depot_id}'"))
        for k, s in enumerate(r["stops"]):
            if s["station_id"] not in ctx.stations:
                out.append(found(station_spot(run.n, k), "unknown_station", run.where,
                                 f"stop at unknown station '{s['station_id']}'"))
        for stop in run.stops:
            for li, i in enumerate(stop.ids):
                if i not in ctx.lines:
                    out.append(found(stop_spot(run.n, stop.n, Step.LINES, li, LineCheck.KNOWN),
                                     "unknown_line", stop.where,
                                     f"demand line '{i}' is not in the scenario"))
                elif i not in stop.transfers and ctx.lines[i].station_id != stop.station_id:
                    out.append(found(stop_spot(run.n, stop.n, Step.LINES, li,
                                               LineCheck.STATION), "line_wrong_station",
                                     stop.where, f"line '{i}' belongs to station "
                                     f"'{ctx.lines[i].station_id}'"))
    return out


def stops_and_windows(ctx: Context) -> list[Found]:
    """Each route keeps its depot's hours and leaves once its parcels are sorted; each stop
    is reached no faster than the drive, served within the station's hours, long enough
    for its parcels, and within the delivery targets; the route is back no faster than the
    drive."""
    out = []
    for run in ctx.routes:
        if run.vt is None:
            continue
        depot = ctx.stations[run.vt.depot_id]
        start, end = run.start, run.end
        if start < depot.open_s - TOL_S or end > depot.close_s + TOL_S:
            out.append(found(route_spot(run.n, Step.DEPOT_HOURS), "depot_hours", run.where,
                             f"{hhmm(start)}–{hhmm(end)} outside depot hours "
                             f"{hhmm(depot.open_s)}–{hhmm(depot.close_s)}"))
        ready_down = max((ln.ready_s for ln in _from_depot(run)), default=0)
        if start < ready_down - TOL_S:
            out.append(found(route_spot(run.n, Step.READY_OUT), "departs_before_ready",
                             run.where, f"leaves the depot at {hhmm(start)} but carries "
                             f"parcels sorted only at {hhmm(ready_down)}"))
        for stop in run.stops:
            out += _stop_times(ctx, run, stop)
            out += _line_targets(ctx, run, stop)
        if end < run.back - TOL_S:
            out.append(found(route_spot(run.n, Step.DRIVE_BACK), "travel_too_fast", run.where,
                             f"back at the depot {_clock(end, run.back)}, cannot be "
                             f"before {_clock(run.back, end)}"))
    return out


def _stop_times(ctx: Context, run: RouteRun, stop: StopRun) -> list[Found]:
    """One stop's drive, opening hours and service time."""
    out = []
    st, w = stop.station, stop.where
    arrival, begin, dep, earliest = stop.arrival, stop.begin, stop.departure, stop.earliest
    if arrival < earliest - TOL_S:
        out.append(found(stop_spot(run.n, stop.n, Step.DRIVE), "travel_too_fast", w,
                         f"arrives {_clock(arrival, earliest)} but cannot arrive before "
                         f"{_clock(earliest, arrival)} ({stop.drive_s / 60:.1f} min drive)"))
    if begin < arrival - TOL_S:
        out.append(found(stop_spot(run.n, stop.n, Step.ARRIVAL), "service_before_arrival", w,
                         "service starts before arrival"))
    # a stop only to hand goods over on the road needs no opening hours (nothing is served)
    meeting = not stop.served and bool(stop.moved)
    if not meeting and (begin < st.open_s - TOL_S or begin > st.close_s + TOL_S):
        out.append(found(stop_spot(run.n, stop.n, Step.WINDOW), "time_window", w,
                         f"service at {hhmm(begin)} outside opening hours "
                         f"{hhmm(st.open_s)}–{hhmm(st.close_s)}"))
    parcels = sum(ln.parcels for ln in (*stop.served, *stop.moved))
    need = st.service_s + math.ceil(parcels * ctx.scenario.service.per_parcel_s - 1e-9)
    if dep < begin + need - TOL_S:
        out.append(found(stop_spot(run.n, stop.n, Step.SERVICE), "service_too_short", w,
                         f"{(dep - begin) / 60:.1f} min at the stop, "
                         f"{need / 60:.1f} min needed for {parcels} parcels"))
    return out


def _line_targets(ctx: Context, run: RouteRun, stop: StopRun) -> list[Found]:
    """The delivery targets and ready times of the lines a stop serves itself."""
    out = []
    targets, begin, w = ctx.scenario.targets, stop.begin, stop.where
    for li, ln in enumerate(stop.own):
        hours = targets.fresh_h if ln.fresh else targets.on_time_h
        if ln.direction is Direction.DOWN and begin - ln.ready_s > hours * 3600 + TOL_S:
            out.append(found(stop_spot(run.n, stop.n, Step.OWN_LINES, li, LineCheck.DELIVERY),
                             "delivery_target", w, f"line '{ln.id}' ready {hhmm(ln.ready_s)} "
                             f"at the hub, delivered {hhmm(begin)}: over the {hours:g} h "
                             "target"))
        if ln.direction is Direction.UP and ln.fresh and \
                run.end - ln.ready_s > targets.fresh_h * 3600 + TOL_S:
            out.append(found(stop_spot(run.n, stop.n, Step.OWN_LINES, li, LineCheck.FRESH),
                             "fresh_target", w, f"fresh line '{ln.id}' ready "
                             f"{hhmm(ln.ready_s)}, at the hub {hhmm(run.end)}: over the "
                             f"{targets.fresh_h:g} h target"))
        if ln.direction is Direction.UP and begin < ln.ready_s - TOL_S:
            out.append(found(stop_spot(run.n, stop.n, Step.OWN_LINES, li, LineCheck.PICKUP),
                             "pickup_before_ready", w, f"line '{ln.id}' collected at "
                             f"{hhmm(begin)}, ready only at {hhmm(ln.ready_s)}"))
    return out


def loads(ctx: Context) -> list[Found]:
    """What is on board fits the vehicle leaving the depot and after every stop, and is what
    the plan says it is; each stop's amounts per carrier are those of its lines."""
    out = []
    for run in ctx.routes:
        if run.vt is None:
            continue
        vt, where = run.vt, run.where
        # Everything delivered on the tour is on board when it leaves the depot (but what it
        # takes over on the road), and so is every delivery it hands over on the road.
        down = _from_depot(run)
        load = [sum(ln.kg for ln in down), sum(ln.m3 for ln in down),
                sum(ln.parcels for ln in down)]
        reported0 = run.doc["load_at_start"]
        if (abs(reported0["kg"] - load[0]) > TOL_KG * 10 or reported0["parcels"] != load[2]):
            out.append(found(route_spot(run.n, Step.LOAD_OUT), "load_mismatch", where,
                             f"load at start {reported0['kg']} kg / {reported0['parcels']} "
                             f"parcels, recomputed {load[0]:.3f} kg / {load[2]}"))
        out += [found(route_spot(run.n, Step.CAPACITY_OUT), v.kind, v.where, v.message)
                for v in _over(where, "leaving the depot", load, vt)]
        for stop in run.stops:
            out += _amounts(run, stop)
            for ln, sign in _changes_aboard(stop):
                load[0] += sign * ln.kg
                load[1] += sign * ln.m3
                load[2] += sign * ln.parcels
            out += [found(stop_spot(run.n, stop.n, Step.CAPACITY), v.kind, v.where, v.message)
                    for v in _over(where, f"after stop {stop.seq} ({stop.station_id})", load,
                                   vt)]
            la = stop.doc["load_after"]
            if abs(la["kg"] - load[0]) > TOL_KG * 10 or la["parcels"] != load[2]:
                out.append(found(stop_spot(run.n, stop.n, Step.LOAD), "load_mismatch",
                                 stop.where, f"load after stop {la['kg']} kg / "
                                 f"{la['parcels']} parcels, recomputed {load[0]:.3f} kg / "
                                 f"{load[2]}"))
    return out


def _from_depot(run: RouteRun) -> list[DemandLine]:
    """The deliveries on board leaving the depot: those the route serves and those it hands
    over on the road, but not what it takes over on the road."""
    taken = {ln.id for stop in run.stops for ln in stop.taken}
    return [ln for stop in run.stops for ln in (*stop.served, *stop.handed)
            if ln.direction is Direction.DOWN and ln.id not in taken]


def _changes_aboard(stop: StopRun) -> list[tuple[DemandLine, int]]:
    """What a stop changes on board, each line with its sign: deliveries off, produce on,
    lines handed over on the road off, lines taken over on."""
    return ([(ln, -1 if ln.direction is Direction.DOWN else 1) for ln in stop.served]
            + [(ln, -1) for ln in stop.handed] + [(ln, 1) for ln in stop.taken])


def _amounts(run: RouteRun, stop: StopRun) -> list[Found]:
    """A stop's amounts per carrier, as reported, against its lines."""
    out = []
    for key, direction in (("delivered", Direction.DOWN), ("picked_up", Direction.UP)):
        want: dict[str, list[float]] = {}
        for ln in stop.served:
            if ln.direction is direction:
                x = want.setdefault(ln.carrier_id, [0, 0.0])
                x[0] += ln.parcels
                x[1] += ln.kg
        got = {a["carrier"]: [a["parcels"], a["kg"]] for a in stop.doc[key]}
        for c in set(want) | set(got):
            g, x = got.get(c, [0, 0.0]), want.get(c, [0, 0.0])
            if g[0] != x[0] or abs(g[1] - x[1]) > TOL_KG * 10:
                out.append(found(stop_spot(run.n, stop.n, Step.AMOUNTS), "amount_mismatch",
                                 stop.where, f"{key} for carrier '{c}': plan says {g[0]} "
                                 f"parcels / {g[1]} kg, the lines give {x[0]} / {x[1]:.3f} kg"))
    return out


def trips_and_shifts(ctx: Context) -> list[Found]:
    """Each route fits its vehicle's shift; a vehicle's trips are numbered 1, 2, … within
    its limit, each leaves once the one before is back and reloaded, and together they fit
    the shift."""
    out = []
    trips: dict[str, list[tuple[int, int, int]]] = {}  # vehicle → (trip, start, end)
    for run in ctx.routes:
        trips.setdefault(run.vehicle_id, []).append((run.trip, run.start, run.end))
        vt = run.vt
        if vt is not None and run.end - run.start > vt.max_shift_s + TOL_S:
            out.append(found(route_spot(run.n, Step.SHIFT), "shift_overrun", run.where,
                             f"shift {(run.end - run.start) / 3600:.2f} h exceeds the "
                             f"{vt.max_shift_s / 3600:g} h limit of '{vt.id}'"))
    for vid, ts in trips.items():
        vt = ctx.fleet.get(vid)
        if vt is not None:
            out += _vehicle_trips(ctx, vid, vt, sorted(ts))
    return out


def _vehicle_trips(ctx: Context, vid: str, vt: VehicleType, ts: list[tuple[int, int, int]]
                   ) -> list[Found]:
    """One vehicle's trips (trip, start, end), in trip order."""
    out = []
    reload_s, where = ctx.scenario.service.reload_s, f"vehicle {vid}"
    spot = section_spot(Section.TRIPS)
    numbers = [t for t, _, _ in ts]
    if numbers != list(range(1, len(ts) + 1)) or len(ts) > vt.max_trips:
        out.append(found(spot, "vehicle_reused", where, f"trips {numbers}; '{vt.id}' may run "
                         f"trips 1..{vt.max_trips}, each once, numbered without gaps"))
    for (t1, _, e1), (t2, s2, _) in pairwise(ts):
        if s2 < e1 + reload_s - TOL_S:
            out.append(found(spot, "trip_overlap", where, f"trip {t2} leaves {hhmm(s2)}, "
                             f"before trip {t1} is back and reloaded ({hhmm(e1)} + "
                             f"{reload_s / 60:g} min)"))
    shift = ts[-1][2] - ts[0][1]
    if len(ts) > 1 and shift > vt.max_shift_s + TOL_S:
        out.append(found(spot, "shift_overrun", where, f"{len(ts)} trips span "
                         f"{shift / 3600:.2f} h, over the {vt.max_shift_s / 3600:g} h shift "
                         f"of '{vt.id}'"))
    return out


def cold_chain(ctx: Context) -> list[Found]:
    """Fresh goods ride only refrigerated vehicles or cold boxes, never change vehicles, and
    never exceed the cold capacity on board."""
    out = []
    for run in ctx.routes:
        if run.vt is None:
            continue
        vt = run.vt
        # fresh kg on board leaving the depot (cold box or reefer)
        cold = sum(ln.kg for ln in _from_depot(run) if ln.fresh)
        for stop in run.stops:
            sid, w = stop.station_id, stop.where
            for li, i in enumerate(stop.ids):
                if i in ctx.lines and i in stop.transfers and ctx.lines[i].fresh:
                    out.append(found(stop_spot(run.n, stop.n, Step.LINES, li,
                                               LineCheck.HANDOVER_COLD), "cold_chain", w,
                                     f"fresh line '{i}' changes vehicles at {sid}; "
                                     "fresh goods must stay in one cold vehicle"))
            for li, ln in enumerate(stop.own):
                if ln.fresh and vt.fresh_capacity_kg <= 0:
                    out.append(found(stop_spot(run.n, stop.n, Step.OWN_LINES, li,
                                               LineCheck.COLD), "cold_chain", w,
                                     f"fresh line '{ln.id}' on '{vt.id}', which is neither "
                                     "refrigerated nor has a cold box"))
            for ln, sign in _changes_aboard(stop):
                cold += sign * ln.kg if ln.fresh else 0.0
            if cold > vt.fresh_capacity_kg + TOL_KG and vt.fresh_capacity_kg > 0:
                out.append(found(stop_spot(run.n, stop.n, Step.COLD_CAPACITY), "cold_capacity",
                                 w, f"{cold:,.1f} kg fresh goods on board exceed the "
                                 f"{vt.fresh_capacity_kg:g} kg cold capacity of '{vt.id}'"))
    return out


def transfers(ctx: Context) -> list[Found]:
    """Two echelons: a line changes vehicles only at its township station, once; a feeder
    serving it leaves once the trunk has brought it; every line handed over is served."""
    out = []
    for run in ctx.routes:
        for stop in run.stops:
            for li, i in enumerate(stop.ids):
                if i not in ctx.lines or i not in stop.transfers:
                    continue
                home = ctx.stations[ctx.lines[i].station_id]
                if home.township_id != stop.station_id:
                    out.append(found(stop_spot(run.n, stop.n, Step.LINES, li,
                                               LineCheck.HANDOVER), "bad_transfer", stop.where,
                                     f"line '{i}' of {home.id} ({home.name}) handed over at "
                                     f"{stop.station_id}, not at its township station "
                                     f"{home.township_id}"))
    return out + _feeders_after_trunks(ctx) + _handed_lines_served(ctx)


def _feeders_after_trunks(ctx: Context) -> list[Found]:
    """Each line served from a township station was handed over there, before its feeder
    left."""
    out = []
    hubs = {s.id for s in ctx.scenario.stations if s.tier.value == "hub"}
    transfer_s = ctx.scenario.service.transfer_s
    for i, (depot, start, vid) in ctx.served_by.items():
        ln, handed_at = ctx.lines[i], ctx.handovers.get(i, [])
        where = f"line {i} ({ctx.stations[ln.station_id].name}) on {vid}"
        if depot not in hubs and not handed_at:
            out.append(found(section_spot(Section.SERVED), "missing_transfer", where,
                             f"served from township station {depot}, but no trunk stop hands "
                             "it over there"))
        if ln.direction is Direction.DOWN and handed_at and \
                start < handed_at[0][1] + transfer_s - TOL_S:
            out.append(found(section_spot(Section.SERVED), "feeder_before_trunk", where,
                             f"feeder leaves {hhmm(start)}, before the trunk has left "
                             f"{handed_at[0][0]} at {hhmm(handed_at[0][1])} plus "
                             f"{transfer_s / 60:g} min transfer"))
    return out


def _handed_lines_served(ctx: Context) -> list[Found]:
    """Each line handed over is handed over once, and served (or listed unserved)."""
    out = []
    listed_unserved = {i for u in ctx.doc["unserved"] for i in u["lines"]}
    for i, handed_at in ctx.handovers.items():
        if len(handed_at) > 1:
            out.append(found(section_spot(Section.HANDOVERS), "transferred_twice", f"line {i}",
                             f"handed over {len(handed_at)} times"))
        if i not in ctx.served_by and i in ctx.lines and i not in listed_unserved:
            out.append(found(section_spot(Section.HANDOVERS), "transfer_not_delivered",
                             f"line {i}", f"handed to feeders at {handed_at[0][0]} but no "
                             "feeder serves it"))
    return out


#: Each vehicle's stops at a station: (vehicle, station) → [(route, stop)].
_Stops = dict[tuple[str, str], list[tuple[RouteRun, StopRun]]]


def road_handovers(ctx: Context) -> list[Found]:
    """On-road hand-overs (a broken-down vehicle's load collected where it stopped): each line
    handed over is on the giving vehicle up to there (a delivery not yet made, produce it
    collected or took over earlier on the trip), a stop of the other vehicle at the same
    station takes it over (and each line taken over was handed over so), both vehicles are
    there for the whole hand-over, fresh goods move only between vehicles with cold
    capacity, and each delivery taken over is made at a later stop of the receiving trip.
    What the lines weigh on each vehicle before and after is the loads and cold-chain rules'
    (they count the lines moved on the road)."""
    out: list[Found] = []
    stops: _Stops = {}
    for run in ctx.routes:
        for stop in run.stops:
            stops.setdefault((run.vehicle_id, stop.station_id), []).append((run, stop))
    for run in ctx.routes:
        for stop in (s for s in run.stops if s.handed_ids or s.taken_ids):
            out += _handover_partner(ctx, run, stop, stops)
            out += _handed_aboard(run, stop)
            out += _taken_delivered(run, stop)
    return out


def _handover_partner(ctx: Context, run: RouteRun, stop: StopRun, stops: _Stops
                      ) -> list[Found]:
    """The other vehicle of a hand-over: known, at the same station for the whole of it,
    its stop moving the same lines the other way, with cold capacity for fresh ones."""
    spot = stop_spot(run.n, stop.n, Step.ON_ROAD, 0, LineCheck.PARTNER)
    other, w = stop.handover_with, stop.where
    ids = stop.handed_ids + stop.taken_ids
    unknown = [i for i in ids if i not in ctx.lines]
    if unknown:
        return [found(spot, "unknown_line", w, f"demand line '{unknown[0]}' moved on the road "
                      "is not in the scenario")]
    if other not in ctx.fleet or other == run.vehicle_id:
        return [found(spot, "handover_unmatched", w, f"lines change vehicles here with "
                      f"'{other}', which is not another vehicle of the fleet")]
    out = []
    there = stops.get((other, stop.station_id), [])
    partners: set[int] = set()
    for lis, key, verb in ((stop.handed_ids, "taken_ids", "takes"),
                           (stop.taken_ids, "handed_ids", "hands")):
        for i in lis:
            match = [s for _, s in there
                     if i in getattr(s, key) and s.handover_with == run.vehicle_id]
            if not match:
                out.append(found(spot, "handover_unmatched", w, f"line '{i}' changes vehicles "
                                 f"here, but no stop of {other} at {stop.station_id} {verb} "
                                 f"it over from {run.vehicle_id}"))
            elif match[0].n not in partners:
                partners.add(match[0].n)
                out += _both_there(spot, stop, match[0], other)
    vt = ctx.fleet[other]
    for i in stop.handed_ids:  # (the giving side says it, once)
        if ctx.lines[i].fresh and (vt.fresh_capacity_kg <= 0 or run.vt is None
                                   or run.vt.fresh_capacity_kg <= 0):
            out.append(found(spot, "cold_chain", w, f"fresh line '{i}' handed to {other} "
                             "here; fresh goods move only between vehicles with cold "
                             "capacity"))
    return out


def _both_there(spot: Spot, stop: StopRun, other_stop: StopRun, other: str) -> list[Found]:
    """The other vehicle is at the station for the whole of this stop's hand-over."""
    if other_stop.arrival <= stop.begin + TOL_S and \
            other_stop.departure >= stop.departure - TOL_S:
        return []
    return [found(spot, "handover_not_there", stop.where, f"lines change vehicles here "
                  f"{_clock(stop.begin, other_stop.arrival)}–{hhmm(stop.departure)}, but "
                  f"{other} is at {stop.station_id} only "
                  f"{_clock(other_stop.arrival, stop.begin)}–{hhmm(other_stop.departure)}")]


def _handed_aboard(run: RouteRun, stop: StopRun) -> list[Found]:
    """Each line handed over is on the vehicle up to there: a delivery it has not made,
    produce it collected (or took over) earlier on the trip."""
    out = []
    before = run.stops[:stop.n]
    for li, ln in enumerate(stop.handed):
        served = any(ln in s.served for s in before)
        taken = any(ln in s.taken for s in before)
        handed = any(ln in s.handed for s in before)
        aboard = (not served if ln.direction is Direction.DOWN else served or taken) \
            and not handed
        if not aboard:
            out.append(found(stop_spot(run.n, stop.n, Step.ON_ROAD, li, LineCheck.ABOARD),
                             "handover_not_aboard", stop.where, f"line '{ln.id}' handed over "
                             f"here is no longer on {run.vehicle_id}: "
                             + ("delivered" if ln.direction is Direction.DOWN and served
                                else "handed over" if handed else "never collected")
                             + " earlier on the trip"))
    return out


def _taken_delivered(run: RouteRun, stop: StopRun) -> list[Found]:
    """Each delivery taken over is made at a later stop of the trip."""
    later = {ln.id for s in run.stops[stop.n + 1:] for ln in s.own}
    return [found(stop_spot(run.n, stop.n, Step.ON_ROAD, li, LineCheck.DELIVERED),
                  "handover_not_delivered", stop.where, f"line '{ln.id}' taken over here is "
                  "delivered at no later stop of the trip")
            for li, ln in enumerate(stop.taken)
            if ln.direction is Direction.DOWN and ln.id not in later]


def unserved_entries(ctx: Context) -> list[Found]:
    """Each unserved entry gives a reason and lists lines of the scenario, of its station."""
    out = []
    spot = section_spot(Section.UNSERVED)
    for u in ctx.doc["unserved"]:
        w = f"unserved {u['station_id']}"
        if not u["reason"].strip():
            out.append(found(spot, "unserved_without_reason", w, "no reason given"))
        if u["station_id"] not in ctx.stations:
            out.append(found(spot, "unknown_station", w,
                             f"no station '{u['station_id']}' in the scenario"))
        for i in u["lines"]:
            if i not in ctx.lines:
                out.append(found(spot, "unknown_line", w,
                                 f"demand line '{i}' is not in the scenario"))
            elif ctx.lines[i].station_id != u["station_id"]:
                out.append(found(spot, "line_wrong_station", w, f"line '{i}' belongs to "
                                 f"station '{ctx.lines[i].station_id}'"))
        if not u["lines"]:
            out.append(found(spot, "unknown_line", w, "lists no demand line"))
    return out


def claims(ctx: Context) -> list[Found]:
    """Each unserved entry's reason holds against the plan (see :func:`unserved_claims`)."""
    return [found(section_spot(Section.CLAIMS), v.kind, v.where, v.message)
            for v in unserved_claims(ctx.doc, ctx.scenario, ctx.matrices, ctx.handed)]


def coverage(ctx: Context) -> list[Found]:
    """Every demand line is served once, or listed unserved, never both."""
    out = []
    spot = section_spot(Section.COVERAGE)
    unserved = Counter(i for u in ctx.doc["unserved"] for i in u["lines"])
    for ln in ctx.scenario.demand:
        k, u = ctx.visits.get(ln.id, 0), unserved.get(ln.id, 0)
        where = f"station {ln.station_id} ({ctx.stations[ln.station_id].name}) line {ln.id}"
        if k > 1:
            out.append(found(spot, "served_twice", where, f"served {k} times"))
        if k and u:
            out.append(found(spot, "served_and_unserved", where,
                             "served and also listed as unserved"))
        if not k and not u:
            out.append(found(spot, "missing", where, "neither served nor listed as unserved"))
    return out


def totals(ctx: Context) -> list[Found]:
    """Each route's duration, distance and cost are those its times and stops give, and the
    plan's totals add up."""
    out = []
    ends = {(run.vehicle_id, run.trip): run.end for run in ctx.routes}
    sum_cost = sum_dist_m = sum_dur_s = 0.0
    for run in ctx.routes:
        if run.vt is None:
            continue
        r = run.doc
        if abs(r["duration_min"] - (r["end_min"] - r["start_min"])) > 0.02:
            out.append(found(route_spot(run.n, Step.DURATION), "duration_mismatch", run.where,
                             f"duration {r['duration_min']} min, but it runs {r['start_min']}–"
                             f"{r['end_min']} = {r['end_min'] - r['start_min']:.2f} min"))
        if abs(r["distance_km"] * 1000 - run.distance_m) > \
                1.5 + TOL_M_PER_LEG * (len(run.stops) + 1):
            out.append(found(route_spot(run.n, Step.DISTANCE), "distance_mismatch", run.where,
                             f"plan says {r['distance_km']:.3f} km, the stops give "
                             f"{run.distance_m / 1000:.3f} km"))
        cost, found_cost = _route_cost(run, run.vt, ends)
        out += found_cost
        sum_cost += cost
        sum_dist_m += run.distance_m
        sum_dur_s += run.end - run.start
    return out + _plan_totals(ctx, sum_cost, sum_dist_m, sum_dur_s)


def _route_cost(run: RouteRun, vt: VehicleType, ends: dict[tuple[str, int], int]
                ) -> tuple[float, list[Found]]:
    """A route's cost, recomputed, and its violation if the plan says otherwise. The fixed
    cost once per vehicle (trip 1); a later trip pays the driver from the end of the trip
    before it, reloading included."""
    trip, start, end, dist_m = run.trip, run.start, run.end, run.distance_m
    fixed = vt.fixed_cost if trip == 1 else 0.0
    paid_h = (end - (start if trip == 1 else ends.get((run.vehicle_id, trip - 1), start))) / 3600
    cost = fixed + dist_m / 1000 * vt.cost_per_km + paid_h * vt.cost_per_hour
    said = run.doc["cost"]["total"]
    if abs(said - cost) <= TOL_CNY * 3:
        return cost, []
    return cost, [found(route_spot(run.n, Step.COST), "cost_mismatch", run.where,
                        f"plan says {said:.2f} CNY, recomputed {cost:.2f} (fixed {fixed:g} + "
                        f"{dist_m / 1000:.3f} km × {vt.cost_per_km:g} + {paid_h:.3f} h × "
                        f"{vt.cost_per_hour:g})")]


def _plan_totals(ctx: Context, sum_cost: float, sum_dist_m: float, sum_dur_s: float
                 ) -> list[Found]:
    """The plan's totals against the sums of its routes and stops."""
    doc, t = ctx.doc, ctx.doc["totals"]
    stops = [stop for run in ctx.routes for stop in run.stops]
    n_stops = len(stops)
    # hand-overs are not deliveries
    parcels_down = sum(ln.parcels for stop in stops for ln in stop.own
                       if ln.direction is Direction.DOWN)
    parcels_up = sum(ln.parcels for stop in stops for ln in stop.own
                     if ln.direction is Direction.UP)
    checks = (("vehicles", t["vehicles"], len({r["vehicle_id"] for r in doc["routes"]}), 0),
              ("routes", t.get("routes", len(doc["routes"])), len(doc["routes"]), 0),
              ("stops", t["stops"], n_stops, 0),
              ("distance_km", t["distance_km"], sum_dist_m / 1000, 0.002 * max(1, n_stops)),
              ("duration_min", t["duration_min"], sum_dur_s / 60, 0.02 * max(1, n_stops)),
              ("cost", t["cost"], sum_cost, TOL_CNY * 3 * max(1, len(doc["routes"]))),
              ("parcels_down", t.get("parcels_down", parcels_down), parcels_down, 0),
              ("parcels_up", t.get("parcels_up", parcels_up), parcels_up, 0))
    out = []
    for name, got, want, tol in checks:
        if abs(got - want) > tol:
            out.append(found(section_spot(Section.TOTALS), "totals_mismatch", "totals",
                             f"{name}: plan says {got}, recomputed {want:.3f}"
                             if isinstance(want, float) else
                             f"{name}: plan says {got}, recomputed {want}"))
    return out


#: The rules, in the order they run (the report's order is that of :class:`Section`,
#: :class:`Part`, :class:`Step` and :class:`LineCheck`, whatever rule finds what).
RULES: tuple[Rule, ...] = (route_shape, stops_and_windows, loads, trips_and_shifts, cold_chain,
                           transfers, road_handovers, unserved_entries, claims, coverage,
                           totals)
