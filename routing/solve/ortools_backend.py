"""The OR-Tools routing model: the only module that imports ortools.

Nodes are depots first, then visits. Every cost and capacity goes in as a matrix or a vector
(no Python callbacks on the hot path). Simultaneous pickup and delivery per quantity q uses
two dimensions: ``deliv_q`` accumulates deliveries (its end cumul = everything loaded at the
depot), ``load_q`` has transit up - down per stop and its start cumul is tied to ``deliv_q``'s
end, so every cumul of ``load_q`` is the true load on board and stays within capacity.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..constants import DAY_S
from ..exceptions import ModelError, SolverError
from ..model import Scenario, VehicleType
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import (
    COST_SCALE,
    cap_kg_units,
    cap_m3_units,
    to_cost_units,
    to_kg_units,
    to_m3_units,
)
from .options import SolveOptions
from .raw import Progress, RawSolution
from .visits import Visit, fits

TIME = "time_s"


def _status_name(routing: pywrapcp.RoutingModel) -> str:
    """OR-Tools' search status by its enum name, without the ROUTING_ prefix.

    A search stopped by the solution limit ends with PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_
    REACHED; it did find a plan, so it is reported as SUCCESS like a time-limited one.
    """
    status = routing.status()
    try:
        name = routing_enums_pb2.RoutingSearchStatus.Value.Name(status)
    except ValueError:
        return str(status)
    name = name.removeprefix("ROUTING_")
    return "SUCCESS" if name == "PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED" else name


@dataclass(slots=True)
class _Model:
    """One day's OR-Tools routing model and how its nodes and vehicles map back to ours.

    Each physical vehicle becomes one OR-Tools vehicle per trip (multi-trip: a van may return
    to the hub to unload and reload within its shift); trips are chained. Nodes are the
    depots, then the visits in the seed's order (``node_visit``: node → visit index).
    """

    scenario: Scenario
    visits: list[Visit]
    vehicles: list[tuple[str, VehicleType, int]]
    node_visit: list[int | None]
    depots: list[str]
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel

    @property
    def solver(self) -> pywrapcp.Solver:
        return self.routing.solver()

    @property
    def tdim(self) -> pywrapcp.RoutingDimension:
        return self.routing.GetDimensionOrDie(TIME)

    def vis(self, node: int) -> Visit | None:
        k = self.node_visit[node]
        return None if k is None else self.visits[k]


def _model(scenario: Scenario, matrices: Matrices, visits: list[Visit], seed: int
           ) -> tuple[_Model, np.ndarray]:
    """The empty model (nodes, vehicles) and each node's matrix row."""
    vehicles = [(vid, vt, trip) for vid, vt in scenario.vehicles()
                for trip in range(1, vt.max_trips + 1)]
    if not vehicles:
        raise ModelError("the fleet has no vehicle")
    idx = matrices.index()
    depots = sorted({vt.depot_id for _, vt, _ in vehicles}, key=lambda d: idx[d])
    order = list(range(len(visits)))
    random.Random(seed).shuffle(order)
    node_visit: list[int | None] = [None] * len(depots) + list(order)
    node_station = np.array([idx[d] for d in depots] + [idx[visits[k].station_id] for k in order])
    depot_node = {d: i for i, d in enumerate(depots)}
    starts = [depot_node[vt.depot_id] for _, vt, _ in vehicles]
    manager = pywrapcp.RoutingIndexManager(len(node_station), len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)
    return _Model(scenario, visits, vehicles, node_visit, depots, manager, routing), node_station


def _arc_costs(md: _Model, matrices: Matrices, node_station: np.ndarray,
               options: SolveOptions) -> list[int]:
    """Per vehicle type a cost matrix (and per vehicle one with the change penalty), set on
    each OR-Tools vehicle; returns the transit callbacks of time, per OR-Tools vehicle."""
    routing, n = md.routing, len(node_station)
    service = np.array([0 if (vs := md.vis(i)) is None else vs.service_s for i in range(n)],
                       np.int64)
    dist = matrices.distance_m[np.ix_(node_station, node_station)]
    # One time and one cost matrix per vehicle type (speeds and prices differ by type).
    time_cb: dict[str, int] = {}
    cost_cb: dict[str, int] = {}
    for vt in md.scenario.vehicle_types:
        if vt.count == 0:
            continue
        dur = vehicle_duration_s(matrices, vt.speed_kph)[np.ix_(node_station, node_station)]
        transit = dur + service[:, None]
        np.fill_diagonal(transit, 0)
        time_cb[vt.id] = routing.RegisterTransitMatrix(transit.tolist())
        cost = np.rint(dist * (vt.cost_per_km * COST_SCALE / 1000.0)).astype(np.int64)
        cost_cb[vt.id] = routing.RegisterTransitMatrix(cost.tolist())
    ref_cb: dict[str, int] = {}
    reference, change_penalty = options.reference, options.change_penalty
    if reference and change_penalty > 0:
        # Per vehicle: the type's cost plus the penalty on every arc entering a station that
        # the reference plan gave to another vehicle (one penalty per moved stop).
        ref_station = [None if k is None else reference.get(md.visits[k].station_id)
                       for k in md.node_visit]
        for vid, vt in md.scenario.vehicles():
            moved = np.array([r is not None and r != vid for r in ref_station])
            if not moved.any():
                continue
            cost = np.rint(dist * (vt.cost_per_km * COST_SCALE / 1000.0)).astype(np.int64)
            cost += moved[None, :] * to_cost_units(change_penalty)
            np.fill_diagonal(cost, 0)
            ref_cb[vid] = routing.RegisterTransitMatrix(cost.tolist())
    for v, (vid, vt, trip) in enumerate(md.vehicles):
        routing.SetArcCostEvaluatorOfVehicle(ref_cb.get(vid, cost_cb[vt.id]), v)
        if trip == 1:  # the day's fixed cost once per vehicle, however many trips
            routing.SetFixedCostOfVehicle(to_cost_units(vt.fixed_cost), v)
    return [time_cb[vt.id] for _, vt, _ in md.vehicles]


def _time_dimension(md: _Model, time_cbs: list[int]) -> int:
    """Time: trips chained, shifts, the depot's hours, earliest departure after the first
    sorting wave; returns that earliest departure (s)."""
    routing, scenario = md.routing, md.scenario
    routing.AddDimensionWithVehicleTransits(time_cbs, DAY_S, DAY_S, False, TIME)
    tdim = md.tdim
    _chain_trips(routing, md.solver, tdim, md.vehicles, scenario.service.reload_s)
    for v, (_, vt, _) in enumerate(md.vehicles):
        tdim.SetSpanUpperBoundForVehicle(vt.max_shift_s, v)
        tdim.SetSpanCostCoefficientForVehicle(round(vt.cost_per_hour * COST_SCALE / 3600), v)
        depot = scenario.station(vt.depot_id)
        tdim.CumulVar(routing.Start(v)).SetRange(depot.open_s, depot.close_s)
        tdim.CumulVar(routing.End(v)).SetRange(depot.open_s, depot.close_s)
        # A tie-breaker of 0.36 CNY/h on the return time: among equal plans, finish earlier
        # (parcels reach villages sooner; dispatchers expect morning departures).
        tdim.SetCumulVarSoftUpperBound(routing.End(v), depot.open_s, 1)
        routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(tdim.CumulVar(routing.Start(v)))
    earliest_ready = min((vs.ready_down_s for vs in md.visits if vs.down_parcels or vs.down_kg),
                         default=0)
    for v in range(len(md.vehicles)):
        tdim.CumulVar(routing.Start(v)).SetMin(max(earliest_ready,
                                                   tdim.CumulVar(routing.Start(v)).Min()))
    return earliest_ready


def _visit_rules(md: _Model, options: SolveOptions, earliest_ready: int) -> None:
    """Each visit: its time window, its penalty when left out, the vehicles it may ride
    (fit, locks), a departure after its parcels are sorted, a return by its produce's
    deadline."""
    routing, solver, tdim = md.routing, md.solver, md.tdim
    penalty = to_cost_units(options.unserved_penalty)
    pinned = options.pinned or {}
    for node in range(len(md.depots), len(md.node_visit)):
        vs = md.vis(node)
        assert vs is not None
        index = md.manager.NodeToIndex(node)
        tdim.CumulVar(index).SetRange(max(vs.open_s, vs.ready_up_s),
                                      min(vs.close_s, vs.deliver_by_s))
        routing.AddDisjunction([index], penalty)
        pin = pinned.get(vs.station_id)
        allowed = [v for v, (vid, vt, _) in enumerate(md.vehicles)
                   if fits(vs, vt) and pin in (None, vid)]
        if not allowed:
            # OR-Tools reads an empty list as "every vehicle"; presolve must have caught this.
            raise ModelError(f"visit at '{vs.station_id}' fits no vehicle"
                             + (f" (locked to '{pin}')" if pin else ""))
        if len(allowed) < len(md.vehicles):
            # SetAllowedVehiclesForIndex's SWIG wrapper rejects Python lists in 9.15 (its
            # absl::Span argument has no typemap); removing the other values is equivalent.
            ok = set(allowed)
            routing.VehicleVar(index).RemoveValues([v for v in range(len(md.vehicles))
                                                    if v not in ok])
        if vs.ready_down_s > earliest_ready and (vs.down_parcels or vs.down_kg):
            # Parcels sorted later than the first wave: the carrying vehicle leaves after them.
            for v in allowed:
                on_v = solver.IsEqualCstVar(routing.VehicleVar(index), v)
                solver.Add(tdim.CumulVar(routing.Start(v)) >= vs.ready_down_s * on_v)
        if vs.return_by_s < DAY_S:
            # Fresh produce must reach the hub within its hour limit: the carrying vehicle's
            # tour ends by then.
            for v in allowed:
                on_v = solver.IsEqualCstVar(routing.VehicleVar(index), v)
                solver.Add(tdim.CumulVar(routing.End(v)) <= vs.return_by_s + DAY_S * (1 - on_v))


def _search_params(options: SolveOptions) -> object:
    """OR-Tools' search parameters: strategy, metaheuristic, time and solution limits."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy,
                                             options.first_solution)
    params.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic,
                                                options.metaheuristic)
    params.time_limit.FromMilliseconds(int(options.time_limit_s * 1000))
    if options.solution_limit is not None:
        params.solution_limit = options.solution_limit
    return params


def _initial(md: _Model, params: object,
             initial: dict[tuple[str, int], list[int]] | None) -> object | None:
    """The search's starting assignment from ``initial`` routes, when they fit the model."""
    if not initial:
        return None
    routing, manager = md.routing, md.manager
    routing.CloseModelWithParameters(params)
    node_of = {k: node for node, k in enumerate(md.node_visit) if k is not None}
    slot = {(vid, trip): v for v, (vid, _, trip) in enumerate(md.vehicles)}
    routes: list[list[int]] = [[] for _ in md.vehicles]
    for key, seq in initial.items():
        if key in slot:
            routes[slot[key]] = [manager.NodeToIndex(node_of[k]) for k in seq]
    if sum(len(r) for r in routes) == sum(len(seq) for seq in initial.values()):
        return routing.ReadAssignmentFromRoutes(routes, True)
    return None


def _sequences(md: _Model, solution: object
               ) -> tuple[dict[tuple[str, int], list[int]], dict[tuple[str, int], int]]:
    """(vehicle id, trip) → visit indices in order, and its departure (s)."""
    routing, tdim = md.routing, md.tdim
    sequences: dict[tuple[str, int], list[int]] = {}
    starts_s: dict[tuple[str, int], int] = {}
    for v, (vid, _, trip) in enumerate(md.vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))  # type: ignore[attr-defined]
        seq = []
        while not routing.IsEnd(index):
            k = md.node_visit[md.manager.IndexToNode(index)]
            assert k is not None
            seq.append(k)
            index = solution.Value(routing.NextVar(index))  # type: ignore[attr-defined]
        if seq:
            sequences[vid, trip] = seq
            starts_s[vid, trip] = solution.Min(  # type: ignore[attr-defined]
                tdim.CumulVar(routing.Start(v)))
    return sequences, starts_s


def solve_visits(scenario: Scenario, matrices: Matrices, visits: list[Visit],
                 options: SolveOptions, *, progress: Progress | None = None,
                 initial: dict[tuple[str, int], list[int]] | None = None) -> RawSolution:
    """Solve one day over ``visits`` with the scenario's fleet; return sequences, not a plan.

    ``options``: its time limit, seed, solution limit, strategy, unserved penalty, reference
    with change penalty and locked stops (:class:`~routing.solve.options.SolveOptions`).

    ``initial`` ((vehicle id, trip) → visit indices in order, as in RawSolution.sequences)
    starts the search from those routes instead of a first-solution heuristic, when they
    are feasible in this model (see routing.solve: PyVRP's routes for a problem PyVRP could
    only solve without one of its constraints); otherwise the search starts as usual.

    ``seed`` permutes the order in which visits enter the model: OR-Tools' routing search has
    no random seed of its own, and node order decides its tie-breaks, so a seed gives a
    different but reproducible search.

    ``reference`` maps station id → vehicle id of a reference plan (yesterday's, or the
    county's fixed routes, 划定固定线路); serving a station on another vehicle costs
    ``change_penalty`` CNY, so routes stay stable from day to day unless change pays.

    ``pinned`` (station id → vehicle id): locked stops, served by that vehicle or not at all.
    """
    md, node_station = _model(scenario, matrices, visits, options.seed)
    earliest_ready = _time_dimension(md, _arc_costs(md, matrices, node_station, options))
    _visit_rules(md, options, earliest_ready)
    _add_loads(md.routing, md.manager, md.solver, md.vehicles, md.node_visit, visits)
    params = _search_params(options)
    routing = md.routing
    found = [0]
    first: list[float] = []
    t0 = time.perf_counter()
    # The callback must not hold the RoutingModel itself: the model keeps the callback, and
    # that cycle kept every solved model alive (~7 MB per 100-stop solve in long runs).
    cost_var = routing.CostVar()

    def on_solution() -> None:
        found[0] += 1
        if not first:
            first.append(time.perf_counter() - t0)
        if progress is not None:
            progress(time.perf_counter() - t0, cost_var.Value() / COST_SCALE, found[0])

    routing.AddAtSolutionCallback(on_solution)
    start = _initial(md, params, initial)
    solution = (routing.SolveFromAssignmentWithParameters(start, params) if start is not None
                else routing.SolveWithParameters(params))
    runtime = time.perf_counter() - t0
    status = _status_name(routing)
    first_s = first[0] if first else None
    if solution is None:
        if status in ("INVALID",):
            raise SolverError(f"OR-Tools rejected the model (status {status})")
        return RawSolution(status=status, objective=float("inf"), runtime_s=runtime,
                           sequences={}, starts={}, solutions=found[0], first_s=first_s)
    sequences, starts_s = _sequences(md, solution)
    return RawSolution(status=status, objective=solution.ObjectiveValue() / COST_SCALE,
                       runtime_s=runtime, sequences=sequences, starts=starts_s,
                       solutions=found[0], first_s=first_s, warm_start=start is not None)


def _chain_trips(routing: pywrapcp.RoutingModel, solver: pywrapcp.Solver,
                 tdim: pywrapcp.RoutingDimension,
                 vehicles: list[tuple[str, VehicleType, int]], reload_s: int) -> None:
    """Trips of one vehicle run one after another within one shift.

    Trip k+1 is used only if trip k is (no gaps in numbering), starts after trip k ends plus
    the reload time, and the whole shift, first departure to last return, stays within
    ``max_shift_s``. An unused trip sits at the previous trip's end, costing nothing.
    """
    first: dict[str, int] = {}
    prev: dict[str, int] = {}
    for v, (vid, vt, trip) in enumerate(vehicles):
        if trip == 1:
            first[vid] = v
        else:
            p = prev[vid]
            solver.Add(routing.ActiveVehicleVar(v) <= routing.ActiveVehicleVar(p))
            solver.Add(tdim.CumulVar(routing.Start(v)) >= tdim.CumulVar(routing.End(p))
                       + reload_s * routing.ActiveVehicleVar(v))
            if trip == vt.max_trips:
                solver.Add(tdim.CumulVar(routing.End(v)) - tdim.CumulVar(routing.Start(first[vid]))
                           <= vt.max_shift_s)
        prev[vid] = v


def _add_loads(routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager,
               solver: pywrapcp.Solver, vehicles: list[tuple[str, VehicleType, int]],
               node_visit: list[int | None], visits: list[Visit]) -> None:
    """Capacity in kg, m3 and parcels; with pickups, as simultaneous pickup and delivery."""
    quantities: tuple[tuple[str, Callable[[Visit], int], Callable[[Visit], int],
                            Callable[[VehicleType], int]], ...] = (
        ("kg", lambda vs: to_kg_units(vs.down_kg), lambda vs: to_kg_units(vs.up_kg),
         lambda vt: cap_kg_units(vt.capacity_kg)),
        ("m3", lambda vs: to_m3_units(vs.down_m3), lambda vs: to_m3_units(vs.up_m3),
         lambda vt: cap_m3_units(vt.capacity_m3)),
        ("parcels", lambda vs: vs.down_parcels, lambda vs: vs.up_parcels,
         lambda vt: vt.capacity_parcels),
    )
    if any(not vt.refrigerated and vt.cold_capacity_kg > 0 for _, vt, _ in vehicles):
        # Dry vehicles with a cold box: fresh kg on board stays within the box.
        quantities += (("cold_kg", lambda vs: to_kg_units(vs.down_kg) if vs.fresh else 0,
                        lambda vs: to_kg_units(vs.up_kg) if vs.fresh else 0,
                        lambda vt: cap_kg_units(vt.fresh_capacity_kg)),)
    for name, down_of, up_of, cap_of in quantities:
        down = [0 if k is None else down_of(visits[k]) for k in node_visit]
        up = [0 if k is None else up_of(visits[k]) for k in node_visit]
        if not any(down) and not any(up):
            continue
        caps = [cap_of(vt) for _, vt, _ in vehicles]
        if not any(up):
            cb = routing.RegisterUnaryTransitVector(down)
            routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, f"load_{name}")
            continue
        deliv_cb = routing.RegisterUnaryTransitVector(down)
        routing.AddDimensionWithVehicleCapacity(deliv_cb, 0, caps, True, f"deliv_{name}")
        net_cb = routing.RegisterUnaryTransitVector([u - d for u, d in zip(up, down, strict=True)])
        routing.AddDimensionWithVehicleCapacity(net_cb, 0, caps, False, f"load_{name}")
        deliv = routing.GetDimensionOrDie(f"deliv_{name}")
        load = routing.GetDimensionOrDie(f"load_{name}")
        for v in range(len(vehicles)):
            solver.Add(load.CumulVar(routing.Start(v)) == deliv.CumulVar(routing.End(v)))
