"""The independent checker: re-derive everything in a plan from the scenario alone.

It reads plan.json as plain data and the scenario as read from its folder; it shares no code
with the solver's model building (``routing.solve``): visits, service times, schedules, loads and
costs are recomputed here from the demand lines, the stations and the travel matrices. Every
departure from the scenario's rules is a :class:`Violation`; an empty list means the plan holds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..model import Direction, Scenario, Tier, VehicleType
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import hhmm
from .explain import CANNOT_SERVE, FLEET_BUSY, IDLE_VEHICLE, ROUTE_OPEN, Explainer
from .probe import RouteView, alone, available, way_in

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
              "shift_overrun", "trip_overlap", "vehicle_reused", "served_twice",
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
    return round(minutes * 60)


def _over(where: str, point: str, load: list[float], vt: VehicleType) -> list[Violation]:
    """Capacity violations of one load level (kg, m3, parcels) on a vehicle of type ``vt``."""
    out = []
    for q, cap, unit, tol in zip(load, (vt.capacity_kg, vt.capacity_m3, vt.capacity_parcels),
                                 ("kg", "m3", "parcels"), (TOL_KG, TOL_M3, 0), strict=True):
        if q > cap + tol:
            out.append(Violation("over_capacity", where, f"{point}: {q:,.3f} {unit} on board "
                                 f"exceeds capacity {cap:g} {unit} of '{vt.id}'"))
    return out


def check_plan(doc: dict[str, Any], scenario: Scenario, matrices: Matrices, *,
               handed: dict[str, tuple[str, int]] | None = None) -> list[Violation]:
    """Check a plan document (as read from plan.json) against the scenario.

    Parameters
    ----------
    doc
        The plan, schema-valid (see :func:`routing.report.plan_json.read_plan_json`).
    scenario, matrices
        The scenario the plan claims to solve and its travel matrices.
    handed
        Lines already handed over at a township outside this plan: line id → (township
        station id, seconds when at hand there). A township's feeder plan is checked on its
        own with the trunks' hand-overs given here.
    """
    out: list[Violation] = []

    def bad(kind: str, where: str, message: str) -> None:
        out.append(Violation(kind, where, message))

    stations = {s.id: s for s in scenario.stations}
    lines = {ln.id: ln for ln in scenario.demand}
    fleet = dict(scenario.vehicles())
    idx = matrices.index()
    durations: dict[str, Any] = {}
    per_parcel = scenario.service.per_parcel_s
    seen_lines: Counter[str] = Counter()
    transferred: dict[str, list[tuple[str, int]]] = defaultdict(list)  # line -> (town, left)
    transfer_s = scenario.service.transfer_s
    for i, (town, at_s) in (handed or {}).items():
        transferred[i].append((town, at_s - transfer_s))
    final: dict[str, tuple[str, int, str]] = {}  # line -> (route depot, route start, vehicle)
    trips: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # vid -> (trip, start, end)
    ends = {(r["vehicle_id"], r.get("trip", 1)): _s(r["end_min"]) for r in doc["routes"]}
    sum_cost = sum_dist_m = sum_dur_s = 0.0
    n_stops = parcels_down = parcels_up = 0

    for r in doc["routes"]:
        vid, trip = r["vehicle_id"], r.get("trip", 1)
        where = f"route {vid}" + (f" trip {trip}" if trip > 1 else "")
        trips[vid].append((trip, _s(r["start_min"]), _s(r["end_min"])))
        vt = fleet.get(vid)
        if vt is None:
            bad("unknown_vehicle", where, f"no vehicle '{vid}' in the fleet "
                f"(known: {', '.join(sorted(fleet)[:8])}…)")
            continue
        if r["vehicle_type"] != vt.id:
            bad("wrong_vehicle_type", where, f"type '{r['vehicle_type']}' but the fleet says "
                f"'{vt.id}'")
        if r["depot_id"] != vt.depot_id:
            bad("wrong_depot", where, f"depot '{r['depot_id']}' but '{vid}' is based at "
                f"'{vt.depot_id}'")
        if abs(r["duration_min"] - (r["end_min"] - r["start_min"])) > 0.02:
            bad("duration_mismatch", where, f"duration {r['duration_min']} min, but it runs "
                f"{r['start_min']}–{r['end_min']} = {r['end_min'] - r['start_min']:.2f} min")
        if vt.id not in durations:
            durations[vt.id] = vehicle_duration_s(matrices, vt.speed_kph)
        dur = durations[vt.id]
        depot = stations[vt.depot_id]
        start, end = _s(r["start_min"]), _s(r["end_min"])
        if start < depot.open_s - TOL_S or end > depot.close_s + TOL_S:
            bad("depot_hours", where, f"{hhmm(start)}–{hhmm(end)} outside depot hours "
                f"{hhmm(depot.open_s)}–{hhmm(depot.close_s)}")
        if end - start > vt.max_shift_s + TOL_S:
            bad("shift_overrun", where, f"shift {(end - start) / 3600:.2f} h exceeds the "
                f"{vt.max_shift_s / 3600:g} h limit of '{vt.id}'")

        stops = r["stops"]
        known = [s for s in stops if s["station_id"] in stations]
        for s in stops:
            if s["station_id"] not in stations:
                bad("unknown_station", where, f"stop at unknown station '{s['station_id']}'")
        # Loads: everything delivered on the tour is on board when it leaves the depot.
        route_lines = [lines[i] for s in known for i in s["lines"] if i in lines]
        down = [ln for ln in route_lines if ln.direction is Direction.DOWN]
        load = [sum(ln.kg for ln in down), sum(ln.m3 for ln in down),
                sum(ln.parcels for ln in down)]
        reported0 = r["load_at_start"]
        if (abs(reported0["kg"] - load[0]) > TOL_KG * 10 or reported0["parcels"] != load[2]):
            bad("load_mismatch", where, f"load at start {reported0['kg']} kg / "
                f"{reported0['parcels']} parcels, recomputed {load[0]:.3f} kg / {load[2]}")
        out += _over(where, "leaving the depot", load, vt)
        cold = sum(ln.kg for ln in down if ln.fresh)  # fresh kg on board (cold box or reefer)
        ready_down = max((ln.ready_s for ln in down), default=0)
        if start < ready_down - TOL_S:
            bad("departs_before_ready", where, f"leaves the depot at {hhmm(start)} but carries "
                f"parcels sorted only at {hhmm(ready_down)}")

        prev, t_prev, dist_m = idx[vt.depot_id], start, 0
        for s in known:
            sid = s["station_id"]
            st = stations[sid]
            w = f"{where} stop {s.get('seq', '?')} ({sid} {st.name})"
            here = idx[sid]
            dist_m += int(matrices.distance_m[prev, here])
            arrival, dep = _s(s["arrival_min"]), _s(s["departure_min"])
            begin = _s(s["start_min"]) if "start_min" in s else max(arrival, st.open_s)
            earliest = t_prev + int(dur[prev, here])
            if arrival < earliest - TOL_S:
                bad("travel_too_fast", w, f"arrives {_clock(arrival, earliest)} but cannot "
                    f"arrive before {_clock(earliest, arrival)} ({int(dur[prev, here]) / 60:.1f}"
                    " min drive)")
            if begin < arrival - TOL_S:
                bad("service_before_arrival", w, "service starts before arrival")
            if begin < st.open_s - TOL_S or begin > st.close_s + TOL_S:
                bad("time_window", w, f"service at {hhmm(begin)} outside opening hours "
                    f"{hhmm(st.open_s)}–{hhmm(st.close_s)}")
            served = [lines[i] for i in s["lines"] if i in lines]
            handed = set(s.get("transfers", []))
            for i in s["lines"]:
                if i not in lines:
                    bad("unknown_line", w, f"demand line '{i}' is not in the scenario")
                elif i in handed:
                    # Two echelons: a village's line handed to (or taken from) feeders here.
                    transferred[i].append((sid, dep))
                    home = stations[lines[i].station_id]
                    if home.township_id != sid:
                        bad("bad_transfer", w, f"line '{i}' of {home.id} ({home.name}) handed "
                            f"over at {sid}, not at its township station {home.township_id}")
                    if lines[i].fresh:
                        bad("cold_chain", w, f"fresh line '{i}' changes vehicles at {sid}; "
                            "fresh goods must stay in one cold vehicle")
                else:
                    seen_lines[i] += 1
                    final[i] = (vt.depot_id, start, vid)
                    if lines[i].station_id != sid:
                        bad("line_wrong_station", w, f"line '{i}' belongs to station "
                            f"'{lines[i].station_id}'")
            parcels = sum(ln.parcels for ln in served)
            need = st.service_s + math.ceil(parcels * per_parcel - 1e-9)
            if dep < begin + need - TOL_S:
                bad("service_too_short", w, f"{(dep - begin) / 60:.1f} min at the stop, "
                    f"{need / 60:.1f} min needed for {parcels} parcels")
            for ln in (x for x in served if x.id not in handed):
                hours = scenario.targets.fresh_h if ln.fresh else scenario.targets.on_time_h
                if ln.direction is Direction.DOWN and begin - ln.ready_s > hours * 3600 + TOL_S:
                    bad("delivery_target", w, f"line '{ln.id}' ready {hhmm(ln.ready_s)} at the "
                        f"hub, delivered {hhmm(begin)}: over the {hours:g} h target")
                if ln.direction is Direction.UP and ln.fresh and \
                        end - ln.ready_s > scenario.targets.fresh_h * 3600 + TOL_S:
                    bad("fresh_target", w, f"fresh line '{ln.id}' ready {hhmm(ln.ready_s)}, at "
                        f"the hub {hhmm(end)}: over the {scenario.targets.fresh_h:g} h target")
                if ln.direction is Direction.UP and begin < ln.ready_s - TOL_S:
                    bad("pickup_before_ready", w, f"line '{ln.id}' collected at {hhmm(begin)}, "
                        f"ready only at {hhmm(ln.ready_s)}")
                if ln.fresh and vt.fresh_capacity_kg <= 0:
                    bad("cold_chain", w, f"fresh line '{ln.id}' on '{vt.id}', which is neither "
                        "refrigerated nor has a cold box")
            # Amounts per carrier, as reported, against the lines.
            for key, direction in (("delivered", Direction.DOWN), ("picked_up", Direction.UP)):
                want: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
                for ln in served:
                    if ln.direction is direction:
                        want[ln.carrier_id][0] += ln.parcels
                        want[ln.carrier_id][1] += ln.kg
                got = {a["carrier"]: [a["parcels"], a["kg"]] for a in s[key]}
                for c in set(want) | set(got):
                    g, x = got.get(c, [0, 0.0]), want.get(c, [0, 0.0])
                    if g[0] != x[0] or abs(g[1] - x[1]) > TOL_KG * 10:
                        bad("amount_mismatch", w, f"{key} for carrier '{c}': plan says {g[0]} "
                            f"parcels / {g[1]} kg, the lines give {x[0]} / {x[1]:.3f} kg")
            for ln in served:
                sign = -1 if ln.direction is Direction.DOWN else 1
                load[0] += sign * ln.kg
                load[1] += sign * ln.m3
                load[2] += sign * ln.parcels
                cold += sign * ln.kg if ln.fresh else 0.0
            out += _over(where, f"after stop {s.get('seq', '?')} ({sid})", load, vt)
            if cold > vt.fresh_capacity_kg + TOL_KG and vt.fresh_capacity_kg > 0:
                bad("cold_capacity", w, f"{cold:,.1f} kg fresh goods on board exceed the "
                    f"{vt.fresh_capacity_kg:g} kg cold capacity of '{vt.id}'")
            la = s["load_after"]
            if abs(la["kg"] - load[0]) > TOL_KG * 10 or la["parcels"] != load[2]:
                bad("load_mismatch", w, f"load after stop {la['kg']} kg / {la['parcels']} "
                    f"parcels, recomputed {load[0]:.3f} kg / {load[2]}")
            prev, t_prev = here, dep
            n_stops += 1
            own = [ln for ln in served if ln.id not in handed]  # hand-overs are not deliveries
            parcels_down += sum(ln.parcels for ln in own if ln.direction is Direction.DOWN)
            parcels_up += sum(ln.parcels for ln in own if ln.direction is Direction.UP)
        home = idx[vt.depot_id]
        dist_m += int(matrices.distance_m[prev, home])
        back = t_prev + int(dur[prev, home])
        if end < back - TOL_S:
            bad("travel_too_fast", where, f"back at the depot {_clock(end, back)}, cannot be "
                f"before {_clock(back, end)}")
        if abs(r["distance_km"] * 1000 - dist_m) > 1.5 + TOL_M_PER_LEG * (len(known) + 1):
            bad("distance_mismatch", where, f"plan says {r['distance_km']:.3f} km, the stops "
                f"give {dist_m / 1000:.3f} km")
        # Fixed cost once per vehicle (trip 1); a later trip pays the driver from the end of the
        # trip before it, reloading included.
        fixed = vt.fixed_cost if trip == 1 else 0.0
        paid_h = (end - (start if trip == 1 else ends.get((vid, trip - 1), start))) / 3600
        cost = fixed + dist_m / 1000 * vt.cost_per_km + paid_h * vt.cost_per_hour
        if abs(r["cost"]["total"] - cost) > TOL_CNY * 3:
            bad("cost_mismatch", where, f"plan says {r['cost']['total']:.2f} CNY, recomputed "
                f"{cost:.2f} (fixed {fixed:g} + {dist_m / 1000:.3f} km × "
                f"{vt.cost_per_km:g} + {paid_h:.3f} h × {vt.cost_per_hour:g})")
        sum_cost += cost
        sum_dist_m += dist_m
        sum_dur_s += end - start

    reload_s = scenario.service.reload_s
    for vid, ts in trips.items():
        vt = fleet.get(vid)
        if vt is None:
            continue
        ts.sort()
        numbers = [t for t, _, _ in ts]
        if numbers != list(range(1, len(ts) + 1)) or len(ts) > vt.max_trips:
            bad("vehicle_reused", f"vehicle {vid}", f"trips {numbers}; '{vt.id}' may run trips "
                f"1..{vt.max_trips}, each once, numbered without gaps")
        for (t1, _, e1), (t2, s2, _) in pairwise(ts):
            if s2 < e1 + reload_s - TOL_S:
                bad("trip_overlap", f"vehicle {vid}", f"trip {t2} leaves {hhmm(s2)}, before trip "
                    f"{t1} is back and reloaded ({hhmm(e1)} + {reload_s / 60:g} min)")
        shift = ts[-1][2] - ts[0][1]
        if len(ts) > 1 and shift > vt.max_shift_s + TOL_S:
            bad("shift_overrun", f"vehicle {vid}", f"{len(ts)} trips span {shift / 3600:.2f} h, "
                f"over the {vt.max_shift_s / 3600:g} h shift of '{vt.id}'")

    listed_unserved = {i for u in doc["unserved"] for i in u["lines"]}
    hubs = {s.id for s in scenario.stations if s.tier.value == "hub"}
    for i, (depot, start, vid) in final.items():
        ln, handed_at = lines[i], transferred.get(i, [])
        where = f"line {i} ({stations[ln.station_id].name}) on {vid}"
        if depot not in hubs and not handed_at:
            bad("missing_transfer", where, f"served from township station {depot}, but no "
                "trunk stop hands it over there")
        if ln.direction is Direction.DOWN and handed_at and start < handed_at[0][1] + transfer_s \
                - TOL_S:
            bad("feeder_before_trunk", where, f"feeder leaves {hhmm(start)}, before the trunk "
                f"has left {handed_at[0][0]} at {hhmm(handed_at[0][1])} plus "
                f"{transfer_s / 60:g} min transfer")
    for i, handed_at in transferred.items():
        if len(handed_at) > 1:
            bad("transferred_twice", f"line {i}", f"handed over {len(handed_at)} times")
        if i not in final and i in lines and i not in listed_unserved:
            bad("transfer_not_delivered", f"line {i}", "handed to feeders at "
                f"{handed_at[0][0]} but no feeder serves it")

    unserved_lines: Counter[str] = Counter()
    for u in doc["unserved"]:
        w = f"unserved {u['station_id']}"
        if not u["reason"].strip():
            bad("unserved_without_reason", w, "no reason given")
        if u["station_id"] not in stations:
            bad("unknown_station", w, f"no station '{u['station_id']}' in the scenario")
        for i in u["lines"]:
            unserved_lines[i] += 1
            if i not in lines:
                bad("unknown_line", w, f"demand line '{i}' is not in the scenario")
            elif lines[i].station_id != u["station_id"]:
                bad("line_wrong_station", w, f"line '{i}' belongs to station "
                    f"'{lines[i].station_id}'")
        if not u["lines"]:
            bad("unknown_line", w, "lists no demand line")
    out += unserved_claims(doc, scenario, matrices, handed)
    for ln in scenario.demand:
        k, u = seen_lines.get(ln.id, 0), unserved_lines.get(ln.id, 0)
        where = f"station {ln.station_id} ({stations[ln.station_id].name}) line {ln.id}"
        if k > 1:
            bad("served_twice", where, f"served {k} times")
        if k and u:
            bad("served_and_unserved", where, "served and also listed as unserved")
        if not k and not u:
            bad("missing", where, "neither served nor listed as unserved")

    t = doc["totals"]
    checks = (("vehicles", t["vehicles"], len({r["vehicle_id"] for r in doc["routes"]}), 0),
              ("routes", t.get("routes", len(doc["routes"])), len(doc["routes"]), 0),
              ("stops", t["stops"], n_stops, 0),
              ("distance_km", t["distance_km"], sum_dist_m / 1000, 0.002 * max(1, n_stops)),
              ("duration_min", t["duration_min"], sum_dur_s / 60, 0.02 * max(1, n_stops)),
              ("cost", t["cost"], sum_cost, TOL_CNY * 3 * max(1, len(doc["routes"]))),
              ("parcels_down", t.get("parcels_down", parcels_down), parcels_down, 0),
              ("parcels_up", t.get("parcels_up", parcels_up), parcels_up, 0))
    for name, got, want, tol in checks:
        if abs(got - want) > tol:
            bad("totals_mismatch", "totals", f"{name}: plan says {got}, recomputed "
                f"{want:.3f}" if isinstance(want, float) else f"{name}: plan says {got}, "
                f"recomputed {want}")
    return out


def _views(doc: dict[str, Any]) -> list[RouteView]:
    return [(r["vehicle_id"], r.get("trip", 1),
             [(s["station_id"], list(s["lines"]), list(s.get("transfers", [])),
               _s(s["departure_min"])) for s in r["stops"]]) for r in doc["routes"]]


def unserved_claims(doc: dict[str, Any], scenario: Scenario, matrices: Matrices,
                    handed: dict[str, tuple[str, int]] | None = None) -> list[Violation]:
    """Each unserved station's reason tested against the plan (see routing.evaluate.explain):

    - whatever the reason, no vehicle standing idle could serve it alone (``servable_unserved``;
      a plan at its trunk-route limit excepted for township stations: another vehicle calling
      there would be a trunk);
    - ``cannot_serve``: no vehicle type that may serve it could do it alone (``false_reason``);
    - ``fleet_busy``: no vehicle in use can take it into its trips (``false_reason``);
    - ``idle_vehicle``, ``route_open``: the plan says itself that it left out what it could
      serve (``servable_unserved``).
    """
    out: list[Violation] = []
    stations = {s.id for s in scenario.stations}
    known = {ln.id for ln in scenario.demand}
    todo = [u for u in doc["unserved"] if u["station_id"] in stations and u["lines"]
            and all(i in known for i in u["lines"])]
    if not todo:
        return out
    fleet = dict(scenario.vehicles())
    views = [v for v in _views(doc) if v[0] in fleet]
    meta = doc.get("meta", {})
    ex = Explainer(scenario, matrices, views,
                   {r["vehicle_id"]: r.get("echelon", "direct") for r in doc["routes"]},
                   handed={i: at for i, (_, at) in (handed or {}).items()},
                   locked=frozenset(meta.get("locked_vehicles", [])),
                   pinned=dict(meta.get("locked_stops", {})),
                   out=frozenset(meta.get("out_of_service", [])),
                   not_before=_s(meta.get("replanned_at_min", 0)))
    for u in todo:
        sid, code = u["station_id"], u.get("code", "")
        where = f"unserved {sid} ({scenario.station(sid).name})"
        if code in (IDLE_VEHICLE, ROUTE_OPEN):
            out.append(Violation("servable_unserved", where, u["reason"]))
            continue
        job = ex.job(sid, u["lines"])
        township = scenario.station(sid).tier is Tier.TOWNSHIP
        if ex.limited and township and not all(ln.fresh for ln in job.lines):
            continue
        types = available(scenario, job)
        able = {vt.id for vt in types if alone(ex.probe, job, vt) is None}
        allowed = dict(ex.fleet_for(sid))
        idle = next((vid for vid, vt in allowed.items() if vt.id in able
                     and vid not in ex.trips), None)
        if idle is not None:
            out.append(Violation("servable_unserved", where, f"'{idle}' stands idle and could "
                                 "serve it alone, within its capacity, shift and the hours"))
        elif code == CANNOT_SERVE and able:
            out.append(Violation("false_reason", where, "the reason says no vehicle could "
                                 f"serve it even alone, but '{sorted(able)[0]}' could"))
        elif code == FLEET_BUSY:
            if not able:
                out.append(Violation("false_reason", where, "the reason says a vehicle could "
                                     "serve it alone, but none of the fleet could"))
            ids = {vt.id for vt in types}
            for vid, vt in allowed.items():
                if vt.id not in ids or vid not in ex.trips or vid in ex.closed:
                    continue
                got = way_in(ex.probe, ex.trips[vid], vt, job)
                if not isinstance(got, str):
                    out.append(Violation("false_reason", where, "the reason says no vehicle "
                                         f"in use can take it, but '{vid}' can (trip "
                                         f"{got[0] + 1}, after stop {got[1]})"))
                    break
    return out
