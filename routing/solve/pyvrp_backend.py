"""The PyVRP engine: the same visits and fleet as the OR-Tools model, solved by PyVRP's
iterated local search. The only module that imports pyvrp.

Mapping (every input is already an integer in the project's units, see routing.units):

* Locations are the stations involved (depots first, then visited stations); a station split
  into several visits (split delivery, fresh apart from ambient) gives several clients on one
  location, so no duplicate matrix rows are needed.
* Distance: metres; duration: seconds, one routing profile per distinct vehicle speed
  (``vehicle_duration_s``), service time on the client. Both are exact, no extra scaling.
* Loads: one dimension per quantity that occurs — 0.1 kg, litres, parcels — with delivery
  and pickup per client (PyVRP's simultaneous pickup and delivery: on board = deliveries not
  yet made + pickups made, within capacity all along). Cold chain is one more dimension,
  fresh 0.1 kg, whose capacity is the vehicle's ``fresh_capacity_kg`` (all of it for a
  reefer, the cold box for a dry van, 0 otherwise): fresh goods go only on cold vehicles and
  never exceed the box. A fresh visit of 0 kg counts 0.1 kg there so it still needs one.
* Time: the client window is [max(open, pickups ready), min(close, delivery due)]; the
  hub-ready time of its down parcels is PyVRP's ``release_time`` (the trip leaves after
  every release time on it); the vehicle works within its depot's opening hours and
  ``max_shift_s`` (``shift_duration``, no overtime).
* Several trips (``max_trips`` > 1): the vehicle type's own depot is its reload depot,
  ``max_reloads`` = max_trips − 1; loads start afresh on each trip. PyVRP spends a depot's
  ``service_duration`` at the start of every trip, the first one included, and waits for the
  trip's release time *before* it; our rule (routing.evaluate.check) is a trip leaves at or
  after max(previous return + ``reload_s``, its parcels ready, depot open) and the first trip
  has no reload. Both agree exactly when the depot's service is ``reload_s`` and PyVRP's
  clock runs ``reload_s`` ahead of ours after a loading (:func:`reload_shift`): client
  windows and the depot's closing move ``reload_s`` later, release times and the depot's
  opening stay, so a trip's departure is the time PyVRP *starts* loading. The route
  duration is then ours + ``reload_s``: ``shift_duration`` gets ``reload_s`` more, and the
  fixed cost ``reload_s`` × price per second less (down to 0: a fixed cost below that
  leaves the rest as a per-vehicle surcharge in PyVRP's objective only; plans are costed
  from their routes). With no multi-trip vehicle the shift is 0 and nothing changes.
* Costs: CNY × ``cost_scale`` units, a power of ten chosen per problem so the smallest
  per-metre or per-second price is at least 100 units (≤ 0.5 % rounding); fixed cost per
  vehicle used. All cost figures are then divided by their greatest common divisor, so a
  distance-only problem runs on PyVRP's own scale (1 per metre) and its default penalty
  parameters; PyVRP's penalty bound for excess load and time warp grows with the largest
  remaining price, so that a unit of violation weighs against costs as it does on that
  scale. The plan's costs are recomputed from the routes afterwards, so this scale never
  reaches a report.
* Unserved visits: a visit whose unserved penalty is more than serving it alone could cost
  (fixed cost + a round trip from its depot, at the dearest vehicle's prices) is a required
  client — every optimal plan serves it when the fleet can; the others are optional clients
  whose prize is the penalty. Required clients matter for speed: PyVRP's search runs about
  three times fewer iterations per second when every client is optional (measured on
  X-n204-k19: 3,000 iterations 4.1 s optional, 1.4 s required, equal cost). When the fleet
  cannot serve every required client PyVRP finds no feasible plan; the portfolio
  (routing.solve.portfolio.required_then_prizes) then solves again with every client
  optional (``optional``), starting from the empty plan.

* Stable routes (a reference plan and a change penalty per stop moved off its reference
  vehicle): every vehicle that served in the reference plan is a PyVRP vehicle type of its
  own (the others of its type stay one), and each such type a routing profile whose distance
  matrix charges the penalty, as metres at the type's price per metre, on every arc into a
  station the reference gave another vehicle (not between two visits of one station, not
  into a depot). Distances then carry the penalty: PyVRP's distance is not a constraint here
  (no ``max_distance``), and the plan's kilometres and costs are recomputed from the routes.

What it cannot express it refuses (:class:`~routing.exceptions.UnsupportedConstraintError`),
listing each constraint: stable routes where a vehicle type costs nothing per km or the
profiles would exceed MAX_PROFILE_ENTRIES, and fresh pickups that must be back at the hub by
an hour. The latter bounds
the end of the trip that carries a client, and PyVRP bounds only a client's own service
start, a route's duration and end, and a depot's closing: a shipment "delivered" at the hub
may sit mid-trip, and copies of a vehicle type per deadline would not share its count, so
no exact model exists and OR-Tools plans these (``auto``).
"""

from __future__ import annotations

import itertools
import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.IteratedLocalSearch import IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyBoundWarning, PenaltyParams
from pyvrp.search import NeighbourhoodParams
from pyvrp.stop import (
    MaxIterations,
    MaxRuntime,
    MultipleCriteria,
    NoImprovement,
    StoppingCriterion,
)

from ..constants import DAY_S
from ..exceptions import ModelError, SolverError, UnsupportedConstraintError
from ..model import Scenario, VehicleType
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import cap_kg_units, cap_m3_units, hhmm, to_kg_units, to_m3_units
from .options import SolveOptions
from .raw import Progress, RawSolution
from .repair import Earlier, reference_vehicle
from .visits import Visit

ENGINE = "pyvrp"
#: Smallest price (per metre, per second) in cost units; sets the cost scale (see module doc).
#: Larger is more exact but moves costs away from the load and time-warp penalties PyVRP
#: learns (its default penalty bound, 10^5 per unit, assumes costs of about 1 per metre).
MIN_PRICE_UNITS = 100
#: PyVRP's default maximum penalty per unit of excess load or time warp, for a price of 1.
BASE_MAX_PENALTY = 100_000.0
#: Search styles: "default" is PyVRP's own parameters; "wide" is the portfolio's second
#: search — a granular neighbourhood of WIDE_NEIGHBOURS nearest clients (PyVRP: 50), a
#: late-acceptance history of WIDE_HISTORY iterations (PyVRP: 300), and a fresh random start
#: whenever RESTART_PER_CLIENT × clients iterations pass without a better plan. Measured on
#: the generated 600-village county (benchmarks/bench_county_scale.py's, 60 s, seeds 1–4):
#: default 9,155 / 9,222 / 9,250 / 9,076 CNY, wide 8,889 / 9,018 / 9,154 / 9,165 — the wider
#: neighbourhood finds the plans with fewer, larger trucks more often and the shorter history
#: converges faster; restarts matter on small counties, where a search is stuck in its first
#: fleet mix after seconds (100 villages: no better plan after 5 s of a 20 s run).
SEARCHES = ("default", "wide")
WIDE_NEIGHBOURS = 80
WIDE_HISTORY = 150
RESTART_PER_CLIENT = 50
#: The cost PyVRP's cost evaluator gives a solution that is not feasible (the largest int64,
#: not ``inf``): what stopping criteria see until the search has a feasible plan.
INFEASIBLE_COST = int(np.iinfo(np.int64).max)
#: A search told to give up waits at least this long per visit for its first feasible plan:
#: large problems take seconds to get there without being infeasible (generated counties,
#: benchmarks/bench_search_curve.py, two searches at once: 744 visits 1.3–1.4 s, 1,506
#: visits 3–10 s, 6,169 visits about 15 s), and a share of a short budget would hand a
#: merely slow search to OR-Tools.
GIVE_UP_S_PER_VISIT = 0.01
#: Values above this overflow PyVRP's penalty arithmetic (pyvrp.constants.MAX_VALUE is 2^44
#: for matrices; sums of costs and prizes get this much more room).
MAX_TOTAL = 1 << 60
#: Stable routes: most matrix entries (distance and duration, every routing profile) PyVRP
#: is given (8 bytes each: 400 MB); beyond, OR-Tools plans stable routes. A 400-village
#: county with 40 reference vehicles needs 13 million.
MAX_PROFILE_ENTRIES = 50_000_000


def unsupported(scenario: Scenario, visits: list[Visit], *,
                reference: dict[str, str] | None = None,
                change_penalty: float = 0.0, pinned: dict[str, str] | None = None) -> list[str]:
    """The constraints of this problem PyVRP cannot express, in words (empty: it fits)."""
    out: list[str] = []
    if pinned:
        out.append(f"stops locked on their vehicles ({len(pinned)}, e.g. station "
                   f"'{min(pinned)}'; PyVRP has no per-client vehicle restriction)")
    if reference and change_penalty > 0:
        types = [vt for vt in scenario.vehicle_types if vt.count > 0]
        free = [vt.id for vt in types if vt.cost_per_km <= 0]
        groups = len(_groups(types, reference))
        locations = len({v.station_id for v in visits} | {vt.depot_id for vt in types})
        if free:
            out.append(f"stable routes ({change_penalty:g} CNY per stop moved off its "
                       "reference vehicle) charged on the distance, with vehicle type(s) "
                       f"{', '.join(repr(t) for t in free)} at 0 CNY per km")
        elif 2 * groups * locations ** 2 > MAX_PROFILE_ENTRIES:
            out.append(f"stable routes ({change_penalty:g} CNY per stop moved off its "
                       f"reference vehicle): {groups} routing profiles of {locations}² "
                       f"entries each, more than {MAX_PROFILE_ENTRIES:,} in all")
    late = [vs for vs in visits if vs.return_by_s < DAY_S]
    if late:
        first = min(late, key=lambda v: v.return_by_s)
        out.append(f"fresh pickups that must be back at the hub by a deadline ({len(late)} "
                   f"visit(s), e.g. '{first.station_id}' by {hhmm(first.return_by_s)})")
    return out


@dataclass(frozen=True, slots=True)
class _Dim:
    """One load dimension: its name and per-visit delivery and pickup amounts (units)."""

    name: str
    delivery: list[int]
    pickup: list[int]


def _groups(types: list[VehicleType], reference: dict[str, str] | None,
            available: Mapping[str, Earlier] | None = None
            ) -> list[tuple[VehicleType, list[str]]]:
    """PyVRP's vehicle types as (our type, its vehicle ids): one per vehicle type, or with a
    reference plan one per vehicle that served in it (each with a routing profile of its
    own, which charges the change penalty) and one for the rest of each type. ``available``
    (a re-plan during the day: each vehicle's day so far) splits the rest by when they are
    free, and leaves out a vehicle with no trip left."""
    out: list[tuple[VehicleType, list[str]]] = []
    used = set(reference.values()) if reference else set()
    for vt in types:
        ids = [f"{vt.id}-{k}" for k in range(1, vt.count + 1)]
        if available is not None:
            ids = [vid for vid in ids if vid not in available
                   or available[vid].trips < vt.max_trips]
        rest = [vid for vid in ids if vid not in used]
        out += [(vt, [vid]) for vid in ids if vid in used]
        by_state: dict[Earlier | None, list[str]] = {}
        for vid in rest:
            by_state.setdefault((available or {}).get(vid), []).append(vid)
        out += [(vt, group) for group in by_state.values()]
    return out


def _penalised(dist: np.ndarray, stations: list[str], ndepots: int, visits: list[Visit],
               loc_of: dict[str, int], reference: dict[str, str], ids: list[str],
               penalty_m: int) -> np.ndarray:
    """The distance matrix of one group's profile: ``penalty_m`` more on every arc into a
    station the reference plan served with another vehicle than this group's (arcs within a
    station, between its visits, and into a depot stay as they are), so a stop moved costs
    the change penalty once."""
    ref: list[str | None] = [None] * len(stations)
    for vs in visits:
        k = loc_of[vs.station_id]
        if ref[k] is None:
            ref[k] = reference_vehicle(reference, vs.station_id, vs.line_ids)
    own = ids[0] if len(ids) == 1 else None
    moved = np.array([k >= ndepots and r is not None and r != own
                      for k, r in enumerate(ref)])
    out = dist.copy()
    out[:, moved] += penalty_m
    cols = np.flatnonzero(moved)
    out[cols, cols] = dist[cols, cols]
    return out


def _dimensions(visits: list[Visit]) -> list[_Dim]:
    """The load dimensions that occur, in the OR-Tools model's units."""
    vs = visits
    dims = [
        _Dim("kg", [to_kg_units(v.down_kg) for v in vs], [to_kg_units(v.up_kg) for v in vs]),
        _Dim("m3", [to_m3_units(v.down_m3) for v in vs], [to_m3_units(v.up_m3) for v in vs]),
        _Dim("parcels", [v.down_parcels for v in vs], [v.up_parcels for v in vs]),
    ]
    out = [d for d in dims if any(d.delivery) or any(d.pickup)]
    if any(v.fresh for v in visits):
        down = [to_kg_units(v.down_kg) if v.fresh else 0 for v in visits]
        up = [to_kg_units(v.up_kg) if v.fresh else 0 for v in visits]
        for k, v in enumerate(visits):
            if v.fresh and not down[k] and not up[k]:
                down[k] = 1  # still needs a cold vehicle
        out.append(_Dim("fresh_kg", down, up))
    return out


def cost_scale(scenario: Scenario, visits: int = 1) -> float:
    """Cost units per CNY: a power of ten making the smallest price ≥ MIN_PRICE_UNITS, but
    no finer than keeps the prizes of ``visits`` visits within MAX_TOTAL: a price too small
    for that (10^-12 CNY per km) rounds to 0, negligible beside the unserved penalty anyway,
    instead of overflowing PyVRP's integers."""
    prices = [p for vt in scenario.vehicle_types if vt.count > 0
              for p in (vt.cost_per_km / 1000, vt.cost_per_hour / 3600) if p > 0]
    scale = 1000.0 if not prices else \
        float(10 ** math.ceil(math.log10(MIN_PRICE_UNITS / min(prices))))
    room = MAX_TOTAL / (scenario.solve.unserved_penalty * max(1, visits))
    return min(scale, float(10 ** math.floor(math.log10(room))))


def reload_shift(scenario: Scenario) -> int:
    """Seconds PyVRP's clock runs ahead of ours after a loading (module doc, "Several
    trips"): the reload time when some vehicle may run several trips, else 0."""
    if any(vt.count > 0 and vt.max_trips > 1 for vt in scenario.vehicle_types):
        return scenario.service.reload_s
    return 0


class _Watch:
    """Stopping criterion wrapper: reports progress and the time to the first feasible plan.

    PyVRP calls the stopping criterion once per iteration with the best feasible cost
    (INFEASIBLE_COST while there is none); there is no solution callback.
    """

    def __init__(self, stop: MultipleCriteria, scale: float, progress: Progress | None) -> None:
        self.stop, self.scale, self.progress = stop, scale, progress
        self.t0 = time.perf_counter()
        self.best = math.inf
        self.improvements = 0
        self.reported = 0.0  # seconds at the last progress report
        self.first_s: float | None = None
        self.done = False  # the budget is spent (not just one restart's stagnation)

    def __call__(self, best_cost: int) -> bool:
        if best_cost < min(self.best, INFEASIBLE_COST):  # infeasible bests are not plans
            self.best = best_cost
            self.improvements += 1
            elapsed = time.perf_counter() - self.t0
            if self.first_s is None:
                self.first_s = elapsed
            if self.progress is not None:
                self.progress(elapsed, best_cost / self.scale, self.improvements)
                self.reported = elapsed
        elif self.progress is not None and self.best < INFEASIBLE_COST:
            # Once a second without improvement too, so a progress line that shows the best
            # of several searches (the portfolio's) sees the others' improvements.
            elapsed = time.perf_counter() - self.t0
            if elapsed - self.reported >= 1.0:
                self.reported = elapsed
                self.progress(elapsed, self.best / self.scale, self.improvements)
        self.done = bool(self.stop(best_cost))
        return self.done


def build_data(scenario: Scenario, matrices: Matrices, visits: list[Visit], *,
               optional: bool = False, reference: dict[str, str] | None = None,
               change_penalty: float = 0.0, available: Mapping[str, Earlier] | None = None
               ) -> tuple[pyvrp.ProblemData, list[list[str]], float]:
    """PyVRP problem data; also the vehicle ids of each PyVRP vehicle type and the cost
    scale. ``optional``: every client optional with its prize (prize-collecting), even those
    whose penalty dominates (required otherwise; see the module doc). ``reference`` (station
    or ``line:<id>`` → vehicle id) and ``change_penalty`` (CNY per stop moved off its
    reference vehicle): stable routes, one PyVRP vehicle type per reference vehicle (see
    :func:`_groups`, :func:`_penalised`). ``available`` (a re-plan: vehicle id → its day so
    far) moves each one's hours and trips and waives a fixed cost paid (:func:`_prices`).

    Distances and durations are passed as numpy matrices (ProblemData), not edge by edge
    through pyvrp.Model, which would cost a Python call per pair (10^6 at 1,000 stops).
    """
    types = [vt for vt in scenario.vehicle_types if vt.count > 0]
    if not types:
        raise ModelError("the fleet has no vehicle")
    idx = matrices.index()
    depots = sorted({vt.depot_id for vt in types}, key=lambda d: idx[d])
    stations = list(depots)
    loc_of = {d: i for i, d in enumerate(depots)}
    for vs in visits:
        if vs.station_id not in loc_of:
            loc_of[vs.station_id] = len(stations)
            stations.append(vs.station_id)
    rows = np.array([idx[s] for s in stations])
    scale = cost_scale(scenario, len(visits))
    dims = _dimensions(visits)
    prize = round(scenario.solve.unserved_penalty * scale)
    if prize * max(1, len(visits)) > MAX_TOTAL:
        raise SolverError(f"unserved penalty {scenario.solve.unserved_penalty:g} CNY × "
                          f"{len(visits)} visits at {scale:g} units/CNY overflows PyVRP's "
                          "integers; lower [solve] unserved_penalty")
    speeds = sorted({vt.speed_kph for vt in types})
    profile = {s: p for p, s in enumerate(speeds)}
    dist = np.ascontiguousarray(matrices.distance_m[np.ix_(rows, rows)], dtype=np.int64)
    durations = [np.ascontiguousarray(vehicle_duration_s(matrices, s)[np.ix_(rows, rows)],
                                      dtype=np.int64) for s in speeds]
    stable = reference if reference and change_penalty > 0 else None
    groups = _groups(types, stable, available)
    if not groups:
        raise ModelError("no vehicle of the fleet has a trip left")
    types = [vt for vt, _ in groups]
    prices = _prices(groups, scale, available or {})
    shift = reload_shift(scenario)
    # PyVRP's route duration counts one loading more than ours (module doc): refund it from
    # the fixed cost, which PyVRP charges once per vehicle used, as far as it goes.
    fixed_pv = [max(0, fixed - per_s * shift) for fixed, _, per_s in prices]
    unit = math.gcd(prize, *fixed_pv, *(x for p in prices for x in p[1:])) or 1
    required = [False] * len(visits) if optional else _required(
        visits, [loc_of[vs.station_id] for vs in visits], prize, types, prices, dist, durations,
        profile, loc_of)
    dists = [dist] * len(speeds)
    group_profile = [profile[vt.speed_kph] for vt in types]
    if stable is not None:  # a profile per group: its speed's durations, its own distances
        dists, durations_of = [], []
        for (vt, ids), (_, per_m, _) in zip(groups, prices, strict=True):
            per_unit = per_m // unit
            if per_unit <= 0:
                raise UnsupportedConstraintError(ENGINE, unsupported(
                    scenario, visits, reference=stable, change_penalty=change_penalty))
            penalty_m = round(change_penalty * scale / unit / per_unit)
            dists.append(_penalised(dist, stations, len(depots), visits, loc_of, stable, ids,
                                    penalty_m))
            durations_of.append(durations[profile[vt.speed_kph]])
        group_profile = list(range(len(groups)))
        durations = durations_of

    locations = [pyvrp.Location(x=float(k), y=0.0, name=s) for k, s in enumerate(stations)]
    pv_depots = [pyvrp.Depot(location=loc_of[d], tw_early=(st := scenario.station(d)).open_s,
                             tw_late=st.close_s + shift, service_duration=shift, name=d)
                 for d in depots]
    clients = _clients(visits, dims, loc_of, required, prize // unit, shift)
    pv_types = _vehicle_types(scenario, groups, dims, loc_of, fixed_pv, prices,
                              group_profile, unit, shift, available or {})
    # (PyVRP's stub types the int64 matrices as ndarray[int, …])
    data = pyvrp.ProblemData(locations, clients, pv_depots, pv_types, dists, durations)  # type: ignore[arg-type]
    return data, [ids for _, ids in groups], scale / unit


def _prices(groups: list[tuple[VehicleType, list[str]]], scale: float,
            available: Mapping[str, Earlier]) -> list[tuple[int, int, int]]:
    """Per group, in cost units: fixed cost (none for a vehicle that has driven today: paid),
    per metre, per second."""
    return [(0 if (e := available.get(ids[0])) is not None and e.trips
             else round(vt.fixed_cost * scale),
             round(vt.cost_per_km / 1000 * scale), round(vt.cost_per_hour / 3600 * scale))
            for vt, ids in groups]


#: PyVRP's own default of ``max_reloads`` (no limit), for a vehicle with one trip.
_NO_RELOAD_LIMIT = pyvrp.VehicleType().max_reloads


def _clients(visits: list[Visit], dims: list[_Dim], loc_of: dict[str, int],
             required: list[bool], prize: int, shift: int) -> list[pyvrp.Client]:
    """One PyVRP client per visit: its loads, service, hours (on PyVRP's clock), the
    release of its parcels, its prize when optional."""
    clients = []
    for k, vs in enumerate(visits):
        carries_down = bool(vs.down_kg or vs.down_m3 or vs.down_parcels)
        clients.append(pyvrp.Client(
            location=loc_of[vs.station_id],
            delivery=[d.delivery[k] for d in dims], pickup=[d.pickup[k] for d in dims],
            service_duration=vs.service_s, tw_early=max(vs.open_s, vs.ready_up_s) + shift,
            tw_late=min(vs.close_s, vs.deliver_by_s) + shift,
            release_time=vs.ready_down_s if carries_down else 0,
            prize=0 if required[k] else prize, required=required[k],
            name=f"{vs.station_id}#{k}"))
    return clients


def _vehicle_types(scenario: Scenario, groups: list[tuple[VehicleType, list[str]]],
                   dims: list[_Dim], loc_of: dict[str, int], fixed_pv: list[int],
                   prices: list[tuple[int, int, int]], group_profile: list[int], unit: int,
                   shift: int, available: Mapping[str, Earlier]) -> list[pyvrp.VehicleType]:
    """One PyVRP vehicle type per group (a type, or one reference vehicle): capacities,
    depot and hours, shift, prices in cost units, its routing profile, reloads; a group's
    day so far (``available``) moves its hours and takes its trips driven."""
    pv_types = []
    for (vt, ids), fixed, (_, per_m, per_s), prof in zip(groups, fixed_pv, prices,
                                                         group_profile, strict=True):
        caps = {"kg": cap_kg_units(vt.capacity_kg), "m3": cap_m3_units(vt.capacity_m3),
                "parcels": vt.capacity_parcels, "fresh_kg": cap_kg_units(vt.fresh_capacity_kg)}
        st = scenario.station(vt.depot_id)
        depot = loc_of[vt.depot_id]  # depots come first: location index = depot index
        early, late, trips = st.open_s, st.close_s, vt.max_trips
        if (e := available.get(ids[0])) is not None:
            early, trips = max(early, e.not_before_s), vt.max_trips - e.trips
            if e.trips:  # its shift began with its first trip today
                late = min(late, e.shift_start_s + vt.max_shift_s)
        several = vt.max_trips > 1
        pv_types.append(pyvrp.VehicleType(
            num_available=len(ids), capacity=[caps[d.name] for d in dims],
            start_depot=depot, end_depot=depot, fixed_cost=fixed // unit, tw_early=early,
            tw_late=max(early, late) + shift, shift_duration=vt.max_shift_s + shift,
            unit_distance_cost=per_m // unit, unit_duration_cost=per_s // unit,
            profile=prof, name=ids[0] if len(ids) == 1 else vt.id,
            reload_depots=[depot] if several else [],
            max_reloads=trips - 1 if several else _NO_RELOAD_LIMIT))
    return pv_types


def _required(visits: list[Visit], locs: list[int], prize: int, types: list[VehicleType],
              prices: list[tuple[int, int, int]], dist: np.ndarray, durations: list[np.ndarray],
              profile: dict[float, int], loc_of: dict[str, int]) -> list[bool]:
    """Per visit: is its penalty above what serving it alone could cost (see module doc)?

    The bound takes, per vehicle type, the fixed cost plus the round trip from its depot
    (distance and driving time) plus the visit's service time, at that type's prices; the
    largest over types. Vectorised over visits: one numpy expression per vehicle type.
    """
    if not visits:
        return []
    at = np.array(locs)
    service = np.array([vs.service_s for vs in visits], dtype=np.int64)
    worst = np.zeros(len(visits), dtype=np.float64)
    for vt, (fixed, per_m, per_s) in zip(types, prices, strict=True):
        d = loc_of[vt.depot_id]
        dur = durations[profile[vt.speed_kph]]
        trip = (fixed + per_m * (dist[d, at] + dist[at, d]).astype(np.float64)
                + per_s * (dur[d, at] + dur[at, d] + service).astype(np.float64))
        worst = np.maximum(worst, trip)
    return [bool(prize > w) for w in worst]


class _GiveUp:
    """Stops a search that has found no feasible plan after a share of its budget (time, and
    iterations when an iteration limit is set; by time never before ``min_s``), so the caller
    can hand the rest to OR-Tools."""

    def __init__(self, share: float, time_limit_s: float, iterations: int | None,
                 min_s: float = 0.0) -> None:
        self.after_s = max(share * time_limit_s, min_s)
        self.after_it = None if iterations is None else max(1, int(share * iterations))
        self.t0 = time.perf_counter()
        self.it = 0
        self.found = False  # once a search (of several restarts) found one, never give up

    def __call__(self, best_cost: int) -> bool:
        self.it += 1
        if best_cost < INFEASIBLE_COST or self.found:
            self.found = True
            return False
        if self.after_it is not None:
            return self.it > self.after_it
        return time.perf_counter() - self.t0 > self.after_s


def solve_visits(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                 options: SolveOptions, *, progress: Progress | None = None,
                 give_up: float | None = None, relax: bool = False, search: str = "default",
                 initial: dict[tuple[str, int], list[int]] | None = None,
                 optional: bool = False, available: Mapping[str, Earlier] | None = None
                 ) -> RawSolution:
    """Solve one day over ``visits`` with PyVRP; same inputs and output as the OR-Tools backend.

    ``options`` (:class:`~routing.solve.options.SolveOptions`): its ``solution_limit`` becomes
    PyVRP's iteration limit (deterministic work, for tests); ``time_limit_s`` always applies
    too. ``give_up`` (a share of the budget, 0–1, but at least
    GIVE_UP_S_PER_VISIT per visit) stops the search early when it has no feasible plan by then;
    the result is then FAIL with its runtime, so the caller may use the rest of the time. Raises
    UnsupportedConstraintError, naming each constraint, when the problem uses one PyVRP cannot
    express — unless ``relax``: then it solves the problem without them (no change penalty,
    no return deadline), for routes that only seed OR-Tools' search. ``initial`` ((vehicle id,
    trip) → visit indices, as in RawSolution.sequences) is the search's starting solution
    instead of a random one (routing.solve's decomposition passes the routes of an earlier
    phase); its vehicle ids only name the type and group the trips of one vehicle.
    ``search`` is one of SEARCHES (see there); a "wide" search restarts only when it has no
    ``initial`` solution. ``optional``: prize-collecting, every visit may be left out (for a
    day whose required visits the fleet cannot all serve: a harvest beyond the reefers).
    ``available``: a re-plan during the day, each vehicle's day so far (see
    :func:`build_data`).
    """
    if search not in SEARCHES:
        raise ModelError(f"search must be one of {SEARCHES}; got {search!r}")
    reference = dict(options.reference) if options.reference else None
    change_penalty, pinned = options.change_penalty, dict(options.pinned or {}) or None
    missing = unsupported(scenario, visits, reference=reference, change_penalty=change_penalty,
                          pinned=pinned)
    if missing and not relax:
        raise UnsupportedConstraintError(ENGINE, missing)
    if unsupported(scenario, visits, reference=reference, change_penalty=change_penalty):
        reference, change_penalty = None, 0.0  # relaxed: without the penalty it cannot take
    t0 = time.perf_counter()
    if not visits:
        return RawSolution(status="SUCCESS", objective=0.0, runtime_s=0.0, sequences={},
                           starts={}, solutions=1, first_s=0.0)
    data, types, scale = build_data(scenario, matrices, visits, optional=optional,
                                    reference=reference, change_penalty=change_penalty,
                                    available=available)
    criteria: list[StoppingCriterion] = [MaxRuntime(options.time_limit_s)]
    if options.solution_limit is not None:
        criteria.append(MaxIterations(options.solution_limit))
    if give_up is not None:
        criteria.append(_GiveUp(give_up, options.time_limit_s, options.solution_limit,
                                min_s=GIVE_UP_S_PER_VISIT * len(visits)))
    watch = _Watch(MultipleCriteria(criteria), scale, progress)
    watch.t0 = t0  # time to first solution counts model building, as for OR-Tools
    start = _initial_solution(data, types, initial) if initial else None
    if optional and start is None:  # nothing served is feasible: a plan from the start
        start = pyvrp.Solution(data, [])
    result, k = _search(data, watch, search, start, options.seed)
    return _raw(result, types, time.perf_counter() - t0, scale, watch, restarts=k,
                prize_collecting=optional)


def _raw(result: pyvrp.Result, types: list[list[str]], runtime: float, scale: float,
         watch: _Watch, *, restarts: int = 0, prize_collecting: bool = False) -> RawSolution:
    """PyVRP's result as a RawSolution: FAIL when its best is infeasible, else its trips and
    cost in CNY (``scale`` units per CNY)."""
    best = result.best
    if not best.is_feasible():
        return RawSolution(status="FAIL", objective=math.inf, runtime_s=runtime, sequences={},
                           starts={}, solutions=0, first_s=None)
    sequences, starts = _trips(best, types)
    return RawSolution(status="SUCCESS", objective=result.cost() / scale, runtime_s=runtime,
                       sequences=sequences, starts=starts, solutions=watch.improvements,
                       first_s=watch.first_s, restarts=restarts,
                       prize_collecting=prize_collecting)


def _search(data: pyvrp.ProblemData, watch: _Watch, search: str,
            start: pyvrp.Solution | None, seed: int) -> tuple[pyvrp.Result, int]:
    """PyVRP's search with our penalty bounds (and, "wide", its neighbourhood and restarts
    after stagnation); the best result and how many restarts it took."""
    top = max((max(vt.unit_distance_cost, vt.unit_duration_cost)
               for vt in data.vehicle_types()), default=1)
    penalty = PenaltyParams(max_penalty=BASE_MAX_PENALTY * max(1, top))
    params = pyvrp.SolveParams(penalty=penalty) if search == "default" else pyvrp.SolveParams(
        penalty=penalty, neighbourhood=NeighbourhoodParams(num_neighbours=WIDE_NEIGHBOURS),
        ils=IteratedLocalSearchParams(history_length=WIDE_HISTORY))
    restarts = search == "wide" and start is None
    result = None
    for k in itertools.count():
        stop: StoppingCriterion = watch
        if restarts:
            stop = MultipleCriteria([watch, NoImprovement(RESTART_PER_CLIENT * data.num_clients)])
        with warnings.catch_warnings():
            # "A penalty parameter has reached its maximum value": PyVRP struggling for a
            # feasible plan. The caller hears it as a FAIL (and the portfolio hands over to
            # OR-Tools); a dispatcher's terminal should not fill with library warnings.
            warnings.simplefilter("ignore", PenaltyBoundWarning)
            res = pyvrp.solve(data, stop, seed=seed + 100_003 * k, collect_stats=False,
                              display=False, params=params, initial_solution=start)
        if result is None or res.cost() < result.cost():
            result = res
        if watch.done or not restarts:
            break
    assert result is not None  # the loop ran at least once
    return result, k


def _trips(best: pyvrp.Solution, types: list[list[str]]
           ) -> tuple[dict[tuple[str, int], list[int]], dict[tuple[str, int], int]]:
    """Per (vehicle id, trip): the visits in order and the departure from the depot.

    A PyVRP route is its vehicle's day: a depot activity (the start depot, then each reload
    depot) opens every trip. Its start time on PyVRP's clock is the departure on ours (see
    the module doc; with no reload shift the two coincide). Trips without visits are left
    out and the rest numbered 1, 2, … (a later trip leaves even later, so the reload gap
    only grows); vehicles are numbered per type in a fixed order (type, then first visit)
    so the numbering is reproducible.
    """
    routes = []
    for r in best.routes():
        trips: list[tuple[int, list[int]]] = []
        for a in r:
            if a.is_depot():
                trips.append((int(a.start_time), []))  # the end depot adds one, left empty
            elif a.is_client():
                trips[-1][1].append(int(a.idx))
        routes.append((r.vehicle_type(), [(t0, seq) for t0, seq in trips if seq]))
    sequences: dict[tuple[str, int], list[int]] = {}
    starts: dict[tuple[str, int], int] = {}
    used: dict[int, int] = {}
    for t, trips in sorted(routes, key=lambda x: (x[0], [seq for _, seq in x[1]])):
        used[t] = used.get(t, 0) + 1
        vid = types[t][used[t] - 1]
        for trip, (t0, seq) in enumerate(trips, start=1):
            sequences[vid, trip] = seq
            starts[vid, trip] = t0
    return sequences, starts


def _initial_solution(data: pyvrp.ProblemData, types: list[list[str]],
                      initial: dict[tuple[str, int], list[int]]) -> pyvrp.Solution:
    """A PyVRP solution from (vehicle id, trip) → visit indices: one route per vehicle, its
    trips in order with a stop at its reload depot between two (empty trips dropped). A
    vehicle goes to the PyVRP type that holds its id, else to the first of its type's."""
    type_index = {vid: t for t, ids in enumerate(types) for vid in ids}
    for t, ids in reversed(list(enumerate(types))):
        type_index[ids[0].rsplit("-", 1)[0]] = t
    days: dict[str, list[tuple[int, list[int]]]] = {}
    for (vid, trip), seq in initial.items():
        if seq:
            days.setdefault(vid, []).append((trip, seq))
    routes = []
    for vid, trips in sorted(days.items()):
        t = type_index.get(vid, type_index[vid.rsplit("-", 1)[0]])
        depot = pyvrp.Activity(pyvrp.ActivityType.DEPOT, data.vehicle_type(t).start_depot)
        acts: list[pyvrp.Activity] = []
        for _, seq in sorted(trips):
            if acts:
                acts.append(depot)
            acts += [pyvrp.Activity(pyvrp.ActivityType.CLIENT, k) for k in seq]
        routes.append(pyvrp.Route(data, acts, t))
    return pyvrp.Solution(data, routes)


def solve_default(scenario: Scenario, matrices: Matrices, visits: list[Visit], *,
                  time_limit_s: float, seed: int) -> RawSolution:
    """PyVRP as a user would run it on a distance-only benchmark: every client required,
    cost = distance (1 per unit), default parameters. The peer in ``routing bench``."""
    t0 = time.perf_counter()
    data, types, _ = build_data(scenario, matrices, visits)
    clients = [pyvrp.Client(location=c.location, delivery=c.delivery, pickup=c.pickup,
                            service_duration=c.service_duration, tw_early=c.tw_early,
                            tw_late=c.tw_late, release_time=c.release_time, name=c.name)
               for c in data.clients()]
    vts = [vt.replace(fixed_cost=0, unit_distance_cost=1, unit_duration_cost=0)
           for vt in data.vehicle_types()]
    data = data.replace(clients=clients, vehicle_types=vts)
    watch = _Watch(MultipleCriteria([MaxRuntime(time_limit_s)]), 1.0, None)
    watch.t0 = t0
    result = pyvrp.solve(data, watch, seed=seed, collect_stats=False, display=False)
    return _raw(result, types, time.perf_counter() - t0, 1.0, watch)
