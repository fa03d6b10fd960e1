"""Literature benchmark instances as project scenarios, so the county solver runs on them.

Three readers, all returning a :class:`BenchInstance`:

* :func:`read_cvrp` — VRPLIB ``.vrp`` CVRP files: CVRPLIB X (Uchoa et al. 2017) and the
  classic A/B/E/P sets (``EUC_2D``: each edge the nearest integer, TSPLIB ``nint``; or
  ``EXPLICIT`` ``LOWER_ROW``/``FULL_MATRIX``).
* :func:`read_solomon` — Solomon (1987) / Gehring–Homberger VRPTW text files (CRLF).
* :func:`read_vrpspd` — LKH-3 ``.vrpspd`` files: Dethloff (``EXPLICIT FULL_MATRIX``, distance
  × 10^4), Salhi–Nagy and Montané–Galvão (``EXACT_2D``, real Euclidean distance).

A :class:`BenchInstance` keeps the ORIGINAL node data and, separately, the project's own
:class:`~routing.model.Scenario` and :class:`~routing.network.matrix.Matrices` built from it.
Routes are lists of customer numbers (Solomon: the number in the file; LKH-3: node id − 1, so
the depot is 0 in both, as in VRPLIB ``.sol`` files). :meth:`BenchInstance.route_cost` and
:meth:`BenchInstance.check_routes` work on the original data with the instance's own
convention and share no code with ``routing.solve`` or ``routing.evaluate``.

Mapping to the model (the scale factors are stored on the instance):

* Stations: the depot is the ``hub``; every customer is a ``township`` station (a township
  needs no parent, so no dummy station enters the matrices). Lon/lat are synthetic points in a
  box around 104–112 °E, 30–38 °N (coordinates are shown on maps only; distances come from the
  matrices passed to the solver).
* Demand: one carrier ``bench``; per customer a ``down`` line (kg = delivery/demand) and, for
  VRPSPD, an ``up`` line (kg = pickup); zero-quantity lines are skipped, and a customer with
  nothing either way gets a down line of 1 parcel and 0 kg so that it is still visited. Lines
  carry 0 parcels and 0 m3 otherwise: only the kg dimension is built. Quantities are the
  integers of the file; the model's 0.1 kg units keep them exact.
* Distance ("metres" in the model): CVRP: the file's integer distance (exact, scale 1);
  Solomon: the DIMACS distance truncated to one decimal × 10
  (exact); Dethloff: the file's integer matrix (exact); EXACT_2D: real distance × 1000, rounded
  (the recomputed cost always uses the real values).
* Time ("seconds"): Solomon: the same truncated distance × 10, windows and service × 10 when the
  horizon × 10 fits in a day (exact; otherwise a smaller scale and rounding towards
  feasibility). VRPSPD with a ``DISTANCE`` limit: real distance × ``time_scale`` rounded up,
  service × ``time_scale``, shift = limit × ``time_scale``; without a limit time does not
  matter and is the model's own minimum, distance at 130 km/h, within a 24 h shift.
* Objective: ``cost_per_km`` is a power of ten large enough that distance dominates the
  backend's return-time tie-breaker (1 objective unit per second of each route's end time), so
  the model minimises distance first. The unserved penalty is 100 × the longest arc's cost.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from ..constants import CHINA_LAT_RANGE, CHINA_LON_RANGE, DAY_S
from ..model import (
    Carrier,
    DemandLine,
    Direction,
    Scenario,
    ServiceSpec,
    SolveSpec,
    Station,
    Tier,
    VehicleType,
)
from ..model.plan import Plan
from ..network.matrix import Matrices, vehicle_duration_s
from ..units import COST_SCALE

SOLOMON_SCALE = 10  #: DIMACS one-decimal truncation × 10 → exact integers
EXACT_2D_SCALE = 1000  #: real Euclidean × 1000, rounded
DETHLOFF_SCALE = 10_000  #: the Dethloff matrices hold distance × 10^4
SPEED_KPH = 130.0  #: the model's top speed: network time binds, not the vehicle's own speed
MAX_SERVICE_S = 4 * 3600  #: Station.service_s limit
CARRIER = "bench"
DEPOT = "D"
#: Synthetic lon/lat box (inside CHINA_LON_RANGE × CHINA_LAT_RANGE): 104..112 °E, 30..38 °N.
LON0, LAT0, SPAN_DEG = 104.0, 30.0, 8.0
#: LKH-3 writes ``latest`` as 10,000,000 (or more) when a node has no time window.
LKH_NO_WINDOW = 10_000_000
_NUMERIC_LINE = re.compile(r"^[-+\d.eE\s]+$")


class BenchInstanceError(ValueError):
    """A benchmark file that cannot be read, or does not fit the model's limits."""

    def __init__(self, instance: str, message: str) -> None:
        super().__init__(f"benchmark instance '{instance}': {message}")
        self.instance = instance


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class BenchInstance:
    """A literature instance: its original data, and the scenario + matrices built from it.

    Node index 0 is the depot, 1..n the customers, in every per-node tuple. ``coords`` is None
    for explicit-matrix instances (Dethloff), ``explicit`` is None otherwise.
    """

    name: str
    set_name: str  #: solomon, dethloff, salhi_nagy, montane_galvao (or the folder name)
    problem: str  #: "cvrp", "vrptw" or "vrpspd"
    source: Path
    n_customers: int
    fleet: int
    capacity: float
    coords: tuple[tuple[float, float], ...] | None
    explicit: tuple[tuple[int, ...], ...] | None
    explicit_scale: int
    delivery: tuple[float, ...]  #: VRPTW demand / VRPSPD delivery
    pickup: tuple[float, ...]  #: zeros for VRPTW
    ready: tuple[float, ...]
    due: tuple[float, ...]
    service: tuple[float, ...]
    distance_limit: float | None  #: VRPSPD route length limit incl. service; None = none
    scenario: Scenario
    matrices: Matrices
    scale: int  #: model distance units per instance distance unit
    time_scale: float  #: model seconds per instance time unit (0: time is not constrained)
    cost_per_km: float  #: the vehicle's cost_per_km: plan cost = distance_m / 1000 × this
    notes: tuple[str, ...] = ()

    # --- naming -----------------------------------------------------------------------------

    @staticmethod
    def station_id(customer: int) -> str:
        """Station id of customer number ``customer`` (0 = the depot)."""
        return DEPOT if customer == 0 else f"C{customer}"

    @staticmethod
    def customer(station_id: str) -> int:
        """Customer number of a station id (0 = the depot)."""
        return 0 if station_id == DEPOT else int(station_id[1:])

    def routes_from_plan(self, plan: Plan) -> list[list[int]]:
        """The plan's routes as lists of customer numbers (depot left out, empty routes too)."""
        return [[self.customer(s.station_id) for s in r.stops] for r in plan.routes if r.stops]

    def model_distance(self, plan: Plan) -> float:
        """The plan's total distance in instance units as the model saw it (matrix / scale)."""
        return plan.distance_m / self.scale

    # --- the instance's own convention -------------------------------------------------------

    def edge(self, i: int, j: int) -> float:
        """Distance (and, for Solomon, travel time) between nodes i and j, as published."""
        if self.explicit is not None:
            return self.explicit[i][j] / self.explicit_scale
        assert self.coords is not None
        (xi, yi), (xj, yj) = self.coords[i], self.coords[j]
        if self.problem == "vrptw":
            return _trunc_tenths(xj - xi, yj - yi) / 10
        if self.problem == "cvrp":
            return float(_nint(math.hypot(xj - xi, yj - yi)))
        return math.hypot(xj - xi, yj - yi)

    def route_cost(self, routes: Sequence[Sequence[int]]) -> float:
        """Total distance of ``routes`` (lists of customer numbers) from the original data.

        CVRP: each edge the nearest integer (TSPLIB ``EUC_2D``) or the file's matrix.
        Solomon: DIMACS, each edge truncated to one decimal (summed exactly in tenths).
        VRPSPD: real Euclidean distance, or the Dethloff matrix / 10^4.
        """
        total = 0.0
        tenths = 0
        for r in routes:
            path = [0, *r, 0] if r else []
            for a, b in pairwise(path):
                if self.problem == "vrptw":
                    assert self.coords is not None
                    (xa, ya), (xb, yb) = self.coords[a], self.coords[b]
                    tenths += _trunc_tenths(xb - xa, yb - ya)
                else:
                    total += self.edge(a, b)
        return tenths / 10 if self.problem == "vrptw" else total

    def check_routes(self, routes: Sequence[Sequence[int]]) -> list[str]:
        """Every broken rule of the original instance; empty when the routes are feasible.

        Coverage (each customer exactly once), fleet size, capacity (VRPTW: demand sum;
        VRPSPD: deliveries on board at the start, −delivery +pickup per stop), time windows
        (VRPTW: service start = max(arrival, ready) ≤ due, back by the depot's due date) and
        the VRPSPD route length limit (distance + customer service times).
        """
        out: list[str] = []
        n = self.n_customers
        seen: Counter[int] = Counter()
        used = [r for r in routes if r]
        if len(used) > self.fleet:
            out.append(f"{len(used)} routes, the fleet has {self.fleet} vehicles")
        eps = 1e-6
        for k, r in enumerate(used, start=1):
            bad_ids = [c for c in r if not (isinstance(c, int) and 1 <= c <= n)]
            if bad_ids:
                out.append(f"route {k}: unknown customers {bad_ids}")
                continue
            seen.update(r)
            if self.problem == "vrptw":
                load = sum(self.delivery[c] for c in r)
                if load > self.capacity + eps:
                    out.append(f"route {k}: demand {load:g} exceeds capacity {self.capacity:g}")
                t = self.ready[0]
                prev = 0
                for c in r:
                    arrival = t + self.edge(prev, c)
                    start = max(arrival, self.ready[c])
                    if start > self.due[c] + eps:
                        out.append(f"route {k}: customer {c} served at {start:g}, due "
                                   f"{self.due[c]:g}")
                    t = start + self.service[c]
                    prev = c
                back = t + self.edge(prev, 0)
                if back > self.due[0] + eps:
                    out.append(f"route {k}: back at the depot at {back:g}, after its due date "
                               f"{self.due[0]:g}")
            else:
                load = sum(self.delivery[c] for c in r)
                if load > self.capacity + eps:
                    out.append(f"route {k}: leaves the depot with {load:g}, capacity "
                               f"{self.capacity:g}")
                for c in r:
                    load += self.pickup[c] - self.delivery[c]
                    if load > self.capacity + eps:
                        out.append(f"route {k}: {load:g} on board after customer {c}, capacity "
                                   f"{self.capacity:g}")
                if self.distance_limit is not None:
                    path = [0, *r, 0]
                    length = sum(self.edge(a, b) for a, b in pairwise(path))
                    length += sum(self.service[c] for c in r)
                    if length > self.distance_limit + eps:
                        out.append(f"route {k}: length {length:.3f} incl. service exceeds the "
                                   f"limit {self.distance_limit:g}")
        for c in range(1, n + 1):
            if seen[c] == 0:
                out.append(f"customer {c} is not served")
            elif seen[c] > 1:
                out.append(f"customer {c} is served {seen[c]} times")
        return out


# --- helpers ---------------------------------------------------------------------------------


def _nint(x: float) -> int:
    """TSPLIB ``nint``: the nearest integer, halves up (``(int)(x + 0.5)``)."""
    return math.floor(x + 0.5)


def _trunc_tenths(dx: float, dy: float) -> int:
    """Euclidean distance in tenths, truncated (DIMACS); exact for integer coordinates."""
    if float(dx).is_integer() and float(dy).is_integer():
        return math.isqrt(100 * (int(dx) ** 2 + int(dy) ** 2))
    return math.floor(10 * math.hypot(dx, dy) + 1e-9)


def _trunc_tenths_matrix(xy: np.ndarray) -> np.ndarray:
    dx = xy[:, 0][:, None] - xy[:, 0][None, :]
    dy = xy[:, 1][:, None] - xy[:, 1][None, :]
    if np.all(np.mod(xy, 1) == 0):
        # floor(sqrt(k)) of an integer k < 2**52 is exact in float64 (sqrt is correctly rounded
        # and a non-square's root is far further than an ulp from the next integer).
        k = 100 * (dx.astype(np.int64) ** 2 + dy.astype(np.int64) ** 2)
        return np.floor(np.sqrt(k.astype(np.float64))).astype(np.int64)
    return np.floor(10 * np.hypot(dx, dy) + 1e-9).astype(np.int64)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.int64)
    np.fill_diagonal(a, 0)
    a.flags.writeable = False
    return a


def _lonlat(xy: np.ndarray | None, n_nodes: int) -> list[tuple[float, float]]:
    """Synthetic WGS84 points: the instance's plane scaled into an 8° box in China."""
    if xy is None:  # explicit matrix: a plain grid (display only)
        side = max(1, math.ceil(math.sqrt(n_nodes)))
        xy = np.array([(i % side, i // side) for i in range(n_nodes)], dtype=float)
    lo = xy.min(axis=0)
    span = float(max((xy.max(axis=0) - lo).max(), 1e-9))
    out = []
    for x, y in xy:
        lon = LON0 + SPAN_DEG * (x - lo[0]) / span
        lat = LAT0 + SPAN_DEG * (y - lo[1]) / span
        assert CHINA_LON_RANGE[0] <= lon <= CHINA_LON_RANGE[1]
        assert CHINA_LAT_RANGE[0] <= lat <= CHINA_LAT_RANGE[1]
        out.append((round(lon, 7), round(lat, 7)))
    return out


def _cost_per_km(fleet: int) -> float:
    """CNY per km such that one model metre outweighs every route's return-time tie-breaker.

    The backend adds 1 objective unit per second of each route's end time; a metre costs
    ``cost_per_km × COST_SCALE / 1000`` units. Making that exceed ``fleet × DAY_S`` turns the
    objective into distance first, return times only among equal distances.
    """
    need = max(1, fleet) * DAY_S + 1
    per_m_units = 10 ** math.ceil(math.log10(need))
    return per_m_units * 1000 / COST_SCALE


def _build(name: str, *, n: int, xy: np.ndarray | None, dist: np.ndarray, dur: np.ndarray,
           delivery: Sequence[float], pickup: Sequence[float], open_s: Sequence[int],
           close_s: Sequence[int], service_s: Sequence[int], fleet: int, capacity: float,
           max_shift_s: int, cost_per_km: float) -> tuple[Scenario, Matrices]:
    """The scenario and matrices of one instance (node 0 = depot)."""
    for i in range(n + 1):
        if not 0 <= service_s[i] <= MAX_SERVICE_S:
            raise BenchInstanceError(name, f"node {i}: service {service_s[i]} s exceeds the "
                                     f"model's Station.service_s limit {MAX_SERVICE_S} s")
        if not (0 <= open_s[i] <= close_s[i] <= DAY_S):
            raise BenchInstanceError(name, f"node {i}: window {open_s[i]}..{close_s[i]} s is "
                                     f"outside the model's day 0..{DAY_S} s")
    if not 0 < max_shift_s <= DAY_S:
        raise BenchInstanceError(name, f"shift {max_shift_s} s outside the model's 1..{DAY_S} s")
    ll = _lonlat(xy, n + 1)
    stations = [Station(id=DEPOT, name="depot", tier=Tier.HUB, lon=ll[0][0], lat=ll[0][1],
                        service_s=0, open_s=int(open_s[0]), close_s=int(close_s[0]))]
    demand: list[DemandLine] = []
    for i in range(1, n + 1):
        sid = BenchInstance.station_id(i)
        stations.append(Station(id=sid, name=f"customer {i}", tier=Tier.TOWNSHIP,
                                lon=ll[i][0], lat=ll[i][1], service_s=int(service_s[i]),
                                open_s=int(open_s[i]), close_s=int(close_s[i])))
        if delivery[i] > 0 or pickup[i] <= 0:
            demand.append(DemandLine(id=f"{sid}-down", station_id=sid, carrier_id=CARRIER,
                                     direction=Direction.DOWN, kg=float(delivery[i]),
                                     parcels=0 if delivery[i] > 0 else 1))
        if pickup[i] > 0:
            demand.append(DemandLine(id=f"{sid}-up", station_id=sid, carrier_id=CARRIER,
                                     direction=Direction.UP, kg=float(pickup[i]), parcels=0))
    max_arc_km = float(dist.max()) / 1000
    vehicle = VehicleType(id="v", name="benchmark vehicle", count=fleet,
                          capacity_kg=float(capacity), capacity_m3=1.0,
                          capacity_parcels=10 * (n + 1), fixed_cost=0.0,
                          cost_per_km=cost_per_km, cost_per_hour=0.0, speed_kph=SPEED_KPH,
                          max_shift_s=int(max_shift_s), depot_id=DEPOT)
    scenario = Scenario(
        name=name, title=f"benchmark {name}", stations=tuple(stations),
        carriers=(Carrier(id=CARRIER, name="benchmark demand"),),
        vehicle_types=(vehicle,), demand=tuple(demand),
        service=ServiceSpec(stop_s=0, per_parcel_s=0.0),
        solve=SolveSpec(unserved_penalty=max(1.0, 100 * max_arc_km * cost_per_km)))
    matrices = Matrices(station_ids=tuple(s.id for s in stations), distance_m=_frozen(dist),
                        duration_s=_frozen(dur), source=f"benchmark:{name}")
    if not np.array_equal(vehicle_duration_s(matrices, SPEED_KPH), matrices.duration_s):
        raise BenchInstanceError(name, "the time matrix is faster than 130 km/h over the "
                                 "distance matrix somewhere; the vehicle speed cap would bind")
    return scenario, matrices


def _speed_floor_s(dist: np.ndarray) -> np.ndarray:
    """The model's own minimum travel time for ``dist`` (as vehicle_duration_s computes it)."""
    return np.ceil(dist / (SPEED_KPH / 3.6) - 1e-9).astype(np.int64)


# --- VRPLIB CVRP -----------------------------------------------------------------------------

#: X set: the fleet is unlimited (k in the name is only the fewest routes); the model needs a
#: count, so it gets this many times the fewest routes the demand needs, plus a margin. No
#: X BKS uses more than k + 3 routes.
X_FLEET_FACTOR = 1.5
X_FLEET_MARGIN = 5


def _explicit_matrix(name: str, fmt: str, w: list[str], dim: int) -> np.ndarray:
    """A full symmetric matrix from TSPLIB ``EDGE_WEIGHT_SECTION`` tokens."""
    vals = [round(float(t)) for t in w]
    m = np.zeros((dim, dim), dtype=np.int64)
    if fmt == "FULL_MATRIX" and len(vals) >= dim * dim:
        return np.array(vals[:dim * dim], dtype=np.int64).reshape(dim, dim)
    cells = {"LOWER_ROW": [(i, j) for i in range(dim) for j in range(i)],
             "LOWER_DIAG_ROW": [(i, j) for i in range(dim) for j in range(i + 1)],
             "UPPER_ROW": [(i, j) for i in range(dim) for j in range(i + 1, dim)],
             "UPPER_DIAG_ROW": [(i, j) for i in range(dim) for j in range(i, dim)]}.get(fmt)
    if cells is None or len(vals) < len(cells):
        raise BenchInstanceError(name, f"EDGE_WEIGHT_FORMAT {fmt or '(none)'} with "
                                 f"{len(vals)} weights is not supported for {dim} nodes")
    for (i, j), v in zip(cells, vals, strict=False):
        m[i, j] = m[j, i] = v
    return m


def _node_coords(name: str, sec: dict[str, list[str]], dim: int
                 ) -> tuple[np.ndarray, tuple[tuple[float, float], ...], np.ndarray]:
    """NODE_COORD_SECTION as an array, as tuples, and the exact Euclidean distance matrix."""
    c = sec.get("NODE_COORD_SECTION", [])
    if len(c) < 3 * dim:
        raise BenchInstanceError(name, "NODE_COORD_SECTION missing or short")
    pts = {int(c[3 * k]): (float(c[3 * k + 1]), float(c[3 * k + 2])) for k in range(dim)}
    xy = np.array([pts[k] for k in range(1, dim + 1)])
    coords = tuple((float(x), float(y)) for x, y in xy)
    real = np.hypot(xy[:, 0][:, None] - xy[:, 0][None, :],
                    xy[:, 1][:, None] - xy[:, 1][None, :])
    return xy, coords, real


def read_cvrp(path: str | Path, *, set_name: str | None = None,
              fleet: int | None = None) -> BenchInstance:
    """Read a VRPLIB ``.vrp`` CVRP file (CVRPLIB X, A, B, E, P).

    Customers are node id − 1 (depot 0), as in VRPLIB ``.sol`` files. ``fleet`` defaults to k
    from the name (``-k25``) for the classic sets, where it is a limit; for the X set, where
    the fleet is unlimited, to max(k, ⌈demand / capacity⌉) × 1.5 + 5, which never binds.
    """
    path = Path(path)
    header, sec = _lkh_sections(path)
    name = header.get("NAME", path.stem).strip()
    try:
        dim = int(header["DIMENSION"])
        capacity = float(header["CAPACITY"])
    except KeyError as e:
        raise BenchInstanceError(name, f"{path}: header field {e.args[0]} missing") from None
    n = dim - 1
    dem = sec.get("DEMAND_SECTION", [])
    if len(dem) < 2 * dim:
        raise BenchInstanceError(name, "DEMAND_SECTION missing or short")
    demand_of = {int(dem[2 * k]): float(dem[2 * k + 1]) for k in range(dim)}
    depot_ids = [int(t) for t in sec.get("DEPOT_SECTION", ["1"]) if int(t) != -1]
    if depot_ids != [1]:
        raise BenchInstanceError(name, f"only a single depot at node 1 is supported, got "
                                 f"{depot_ids}")
    delivery = tuple(demand_of.get(k, 0.0) for k in range(1, dim + 1))
    ewt = header.get("EDGE_WEIGHT_TYPE", "").upper()
    coords = explicit = None
    xy: np.ndarray | None = None
    if ewt == "EUC_2D":
        xy, coords, real = _node_coords(name, sec, dim)
        dist = np.floor(real + 0.5).astype(np.int64)
    elif ewt == "EXPLICIT":
        fmt = header.get("EDGE_WEIGHT_FORMAT", "").upper().strip()
        dist = _explicit_matrix(name, fmt, sec.get("EDGE_WEIGHT_SECTION", []), dim)
        explicit = tuple(tuple(int(v) for v in row) for row in dist)
    else:
        raise BenchInstanceError(name, f"EDGE_WEIGHT_TYPE {ewt or '(none)'} is not supported")
    k_name = re.search(r"-k(\d+)", name)
    k = int(k_name.group(1)) if k_name else 0
    if set_name is None:
        set_name = "x" if name.upper().startswith("X-") else path.parent.name.lower()
    if fleet is None:
        need = math.ceil(sum(delivery) / capacity) if capacity > 0 else n
        if set_name.lower() == "x" or not k:
            fleet = min(n, math.ceil(max(k, need) * X_FLEET_FACTOR) + X_FLEET_MARGIN)
        else:
            fleet = k
    notes = [f"fleet {fleet}" + (" (unlimited in the X set; a bound that does not bind)"
                                 if set_name.lower() == "x" else "")]
    reach = DAY_S * SPEED_KPH / 3.6
    if 2 * int(dist.max()) > reach:
        raise BenchInstanceError(name, f"an edge of {int(dist.max())} exceeds the model's "
                                 f"half-day reach of {reach / 2:g} at {SPEED_KPH:g} km/h")
    cost_per_km = _cost_per_km(fleet)
    scenario, matrices = _build(
        name, n=n, xy=xy, dist=dist, dur=_speed_floor_s(dist), delivery=delivery,
        pickup=[0.0] * dim, open_s=[0] * dim, close_s=[DAY_S] * dim, service_s=[0] * dim,
        fleet=fleet, capacity=capacity, max_shift_s=DAY_S, cost_per_km=cost_per_km)
    return BenchInstance(
        name=name, set_name=set_name, problem="cvrp", source=path, n_customers=n, fleet=fleet,
        capacity=capacity, coords=coords, explicit=explicit, explicit_scale=1,
        delivery=delivery, pickup=(0.0,) * dim, ready=(0.0,) * dim,
        due=(float(DAY_S),) * dim, service=(0.0,) * dim, distance_limit=None,
        scenario=scenario, matrices=matrices, scale=1, time_scale=0.0,
        cost_per_km=cost_per_km, notes=tuple(notes))


# --- Solomon ---------------------------------------------------------------------------------


def read_solomon(path: str | Path, *, set_name: str = "solomon") -> BenchInstance:
    """Read a Solomon / Gehring–Homberger VRPTW text file (CRLF or LF)."""
    path = Path(path)
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    name = next((ln for ln in lines if ln), path.stem)
    fleet = capacity = None
    rows: list[list[float]] = []
    for k, ln in enumerate(lines):
        if ln.upper().startswith("NUMBER") and "CAPACITY" in ln.upper():
            nxt = next(x for x in lines[k + 1:] if x)
            fleet, capacity = (int(v) for v in nxt.split()[:2])
        parts = ln.split()
        if len(parts) == 7 and all(re.fullmatch(r"-?\d+(\.\d+)?", p) for p in parts):
            rows.append([float(p) for p in parts])
    if fleet is None or capacity is None or not rows:
        raise BenchInstanceError(name, f"{path}: no VEHICLE block or no CUSTOMER rows")
    rows.sort(key=lambda r: r[0])
    if [int(r[0]) for r in rows] != list(range(len(rows))):
        raise BenchInstanceError(name, "customer numbers must run 0..n without gaps")
    n = len(rows) - 1
    xy = np.array([[r[1], r[2]] for r in rows])
    demand = tuple(r[3] for r in rows)
    ready = tuple(r[4] for r in rows)
    due = tuple(r[5] for r in rows)
    service = tuple(r[6] for r in rows)
    horizon = due[0]
    notes: list[str] = []
    tenths = _trunc_tenths_matrix(xy)
    ts = float(SOLOMON_SCALE)
    if horizon * ts > DAY_S:
        ts = math.floor(DAY_S / horizon)
        if ts < 1:
            raise BenchInstanceError(name, f"horizon {horizon:g} exceeds the model's day of "
                                     f"{DAY_S} s even at 1 s per time unit")
        notes.append(f"horizon {horizon:g} × 10 > {DAY_S} s: time scale {ts:g} s per unit, "
                     "travel and service rounded up, windows rounded inwards (not exact)")
    if ts == SOLOMON_SCALE:
        dur = tenths.copy()
        open_s = [round(r * ts) for r in ready]
        close_s = [round(d * ts) for d in due]
        service_s = [round(s * ts) for s in service]
        if not all(float(v).is_integer() for v in (*ready, *due, *service)):
            notes.append("non-integer times rounded to 0.1 time units (not exact)")
    else:
        dur = np.ceil(tenths * (ts / SOLOMON_SCALE) - 1e-9).astype(np.int64)
        open_s = [math.ceil(r * ts - 1e-9) for r in ready]
        close_s = [math.floor(d * ts + 1e-9) for d in due]
        service_s = [math.ceil(s * ts - 1e-9) for s in service]
    cost_per_km = _cost_per_km(fleet)
    scenario, matrices = _build(
        name, n=n, xy=xy, dist=tenths, dur=dur, delivery=demand, pickup=[0.0] * (n + 1),
        open_s=open_s, close_s=close_s, service_s=service_s, fleet=fleet, capacity=capacity,
        max_shift_s=close_s[0] - open_s[0], cost_per_km=cost_per_km)
    return BenchInstance(
        name=name, set_name=set_name, problem="vrptw", source=path, n_customers=n, fleet=fleet,
        capacity=float(capacity), coords=tuple((float(x), float(y)) for x, y in xy),
        explicit=None, explicit_scale=1, delivery=demand, pickup=(0.0,) * (n + 1), ready=ready,
        due=due, service=service, distance_limit=None, scenario=scenario, matrices=matrices,
        scale=SOLOMON_SCALE, time_scale=ts, cost_per_km=cost_per_km, notes=tuple(notes))


# --- LKH-3 VRPSPD ----------------------------------------------------------------------------


def _lkh_sections(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Header ``KEY : VALUE`` fields and the token lists of each ``*_SECTION``."""
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in path.read_text().splitlines():
        ln = raw.strip()
        if not ln:
            continue
        first = ln.split()[0].split(":")[0].upper()
        if first.endswith("_SECTION"):
            current = sections.setdefault(first, [])
            current.extend(ln.split()[1:])
        elif first == "EOF":
            current = None
        elif ":" in ln and not _NUMERIC_LINE.match(ln):
            key, value = ln.split(":", 1)
            header[key.strip().upper()] = value.strip()
            current = None
        elif current is not None:
            current.extend(ln.split())
    return header, sections


def read_vrpspd(path: str | Path, *, set_name: str | None = None) -> BenchInstance:
    """Read an LKH-3 ``.vrpspd`` file (VRP with simultaneous pickup and delivery).

    ``PICKUP_AND_DELIVERY_SECTION`` lines are ``node demand earliest latest service pickup
    delivery``; the demand column is ignored. ``DISTANCE`` 0 or 999999 means no route limit.
    """
    path = Path(path)
    header, sec = _lkh_sections(path)
    name = header.get("NAME", path.stem)
    try:
        dim = int(header["DIMENSION"])
        fleet = int(header["VEHICLES"])
        capacity = float(header["CAPACITY"])
    except KeyError as e:
        raise BenchInstanceError(name, f"{path}: header field {e.args[0]} missing") from None
    limit_raw = float(header.get("DISTANCE", "0"))
    limit = None if limit_raw in (0, 999999) else limit_raw
    ewt = header.get("EDGE_WEIGHT_TYPE", "").upper()
    n = dim - 1
    pd = sec.get("PICKUP_AND_DELIVERY_SECTION")
    if pd is None or len(pd) < 7 * dim:
        raise BenchInstanceError(name, "PICKUP_AND_DELIVERY_SECTION missing or short")
    rows = [pd[7 * k:7 * k + 7] for k in range(dim)]
    by_node = {int(r[0]): r for r in rows}
    if sorted(by_node) != list(range(1, dim + 1)):
        raise BenchInstanceError(name, "PICKUP_AND_DELIVERY_SECTION must list nodes 1..DIMENSION")
    depot_ids = [int(t) for t in sec.get("DEPOT_SECTION", ["1"]) if int(t) != -1]
    if depot_ids != [1]:
        raise BenchInstanceError(name, f"only a single depot at node 1 is supported, got "
                                 f"{depot_ids}")
    node = [by_node[k] for k in range(1, dim + 1)]
    earliest = tuple(float(r[2]) for r in node)
    latest = tuple(float(r[3]) for r in node)
    service = tuple(float(r[4]) for r in node)
    pickup = tuple(float(r[5]) for r in node)
    delivery = tuple(float(r[6]) for r in node)
    if any(e > 0 for e in earliest) or any(la < LKH_NO_WINDOW for la in latest):
        raise BenchInstanceError(name, "time windows in a VRPSPD file are not supported")
    notes: list[str] = []
    coords = explicit = None
    xy: np.ndarray | None = None
    if ewt == "EXPLICIT":
        fmt = header.get("EDGE_WEIGHT_FORMAT", "").upper()
        w = sec.get("EDGE_WEIGHT_SECTION", [])
        if fmt != "FULL_MATRIX" or len(w) < dim * dim:
            raise BenchInstanceError(name, f"EXPLICIT weights must be a FULL_MATRIX of {dim}²")
        m = np.array([int(float(t)) for t in w[:dim * dim]], dtype=np.int64).reshape(dim, dim)
        explicit = tuple(tuple(int(v) for v in row) for row in m)
        scale = DETHLOFF_SCALE
        dist = m.copy()
        real = m / DETHLOFF_SCALE
    elif ewt in ("EXACT_2D", "EUC_2D"):
        if ewt == "EUC_2D":
            raise BenchInstanceError(name, "EUC_2D (rounded) VRPSPD files are not supported")
        xy, coords, real = _node_coords(name, sec, dim)
        scale = EXACT_2D_SCALE
        dist = np.rint(real * scale).astype(np.int64)
        notes.append(f"real distances × {scale} rounded to integers in the model "
                     f"(≤ {0.5 / scale:g} per edge); costs are recomputed from the real values")
    else:
        raise BenchInstanceError(name, f"EDGE_WEIGHT_TYPE {ewt or '(none)'} is not supported")

    floor_s = _speed_floor_s(dist)
    if limit is None:
        ts = 0.0
        dur = floor_s
        service_s = [0] * dim
        max_shift = DAY_S
        if any(s > 0 for s in service):
            notes.append("service times ignored: no route length limit, so they bind nothing")
        reach = DAY_S * SPEED_KPH / 3.6 / scale
        notes.append(f"no route limit; the model's 24 h × {SPEED_KPH:g} km/h still caps a route "
                     f"at {reach:,.1f} instance distance units")
        worst = max(real[0, i] + real[i, 0] for i in range(1, dim))
        if worst > reach:
            raise BenchInstanceError(name, f"a round trip of {worst:g} exceeds the model's "
                                     f"24 h reach of {reach:g} at {SPEED_KPH:g} km/h")
    else:
        ts = float(min(scale, math.floor(DAY_S / limit)))
        if ts < 1:
            raise BenchInstanceError(name, f"DISTANCE {limit:g} does not fit the model's day")
        dur = np.ceil(real * ts - 1e-9).astype(np.int64)
        if np.any(dur < floor_s):
            raise BenchInstanceError(
                name, f"DISTANCE {limit:g}: the time scale {ts:g} s per unit that fits a "
                f"{DAY_S} s shift is slower than {SPEED_KPH:g} km/h over × {scale} distances")
        service_s = [math.ceil(s * ts - 1e-9) for s in service]
        service_s[0] = 0
        max_shift = math.floor(limit * ts + 1e-9)
        notes.append(f"route limit {limit:g}: time = real distance × {ts:g} rounded up per edge "
                     f"+ service × {ts:g}; shift {max_shift} s")
    if set_name is None:
        set_name = path.parent.name
    cost_per_km = _cost_per_km(fleet)
    scenario, matrices = _build(
        name, n=n, xy=xy, dist=dist, dur=dur, delivery=delivery, pickup=pickup,
        open_s=[0] * dim, close_s=[DAY_S] * dim, service_s=service_s, fleet=fleet,
        capacity=capacity, max_shift_s=max_shift, cost_per_km=cost_per_km)
    return BenchInstance(
        name=name, set_name=set_name, problem="vrpspd", source=path, n_customers=n,
        fleet=fleet, capacity=capacity, coords=coords, explicit=explicit,
        explicit_scale=DETHLOFF_SCALE, delivery=delivery, pickup=pickup, ready=earliest,
        due=latest, service=service, distance_limit=limit, scenario=scenario,
        matrices=matrices, scale=scale, time_scale=ts, cost_per_km=cost_per_km,
        notes=tuple(notes))


# --- solution files --------------------------------------------------------------------------


def read_vrplib_sol(path: str | Path) -> tuple[list[list[int]], float | None]:
    """Routes (customer numbers) and the ``Cost`` line of a VRPLIB ``.sol`` file."""
    routes: list[list[int]] = []
    cost = None
    for ln in Path(path).read_text().splitlines():
        if ln.lower().startswith("route"):
            routes.append([int(t) for t in ln.split(":", 1)[1].split()])
        elif ln.lower().startswith("cost"):
            cost = float(ln.split()[1])
    return routes, cost


def read_lkh_tour(path: str | Path, dimension: int) -> list[list[int]]:
    """Routes (customer numbers = node id − 1) of an LKH-3 giant tour.

    Node 1 and every id above ``dimension`` are depot copies and mark route boundaries.
    """
    ids: list[int] = []
    on = False
    for ln in Path(path).read_text().splitlines():
        s = ln.strip()
        if s.upper().startswith("TOUR_SECTION"):
            on = True
            continue
        if on:
            if s in ("-1", "EOF") or not s:
                if s == "-1" or s == "EOF":
                    break
                continue
            ids.extend(int(t) for t in s.split() if t != "-1")
    routes: list[list[int]] = []
    cur: list[int] = []
    for v in ids:
        if v == 1 or v > dimension:
            if cur:
                routes.append(cur)
            cur = []
        else:
            cur.append(v - 1)
    if cur:
        routes.append(cur)
    return routes


def write_vrplib_sol(path: str | Path, routes: Sequence[Sequence[int]], cost: float) -> None:
    """Write routes as a VRPLIB ``.sol`` file: ``Route #k: c1 c2 …`` lines, then ``Cost``."""
    lines = [f"Route #{k}: {' '.join(str(c) for c in r)}"
             for k, r in enumerate((r for r in routes if r), start=1)]
    Path(path).write_text("\n".join([*lines, f"Cost {cost:.10g}"]) + "\n")


__all__ = ["BenchInstance", "BenchInstanceError", "read_cvrp", "read_lkh_tour", "read_solomon",
           "read_vrplib_sol", "read_vrpspd", "write_vrplib_sol"]
