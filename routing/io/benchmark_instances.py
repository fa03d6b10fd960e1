"""Literature benchmark instances as project scenarios, so the county solver runs on them.

Three readers, all returning a :class:`BenchInstance`; vrplib (PyVRP's reader) parses all three
formats, and every field used is checked so that a bad file names its line, value and what is
valid (see "reading files with vrplib" below):

* :func:`read_cvrp` — VRPLIB ``.vrp`` CVRP files: CVRPLIB X (Uchoa et al. 2017) and the
  classic A/B/E/P sets (``EUC_2D``: each edge the nearest integer, TSPLIB ``nint``; or
  ``EXPLICIT`` ``LOWER_ROW``/``FULL_MATRIX``, the two layouts vrplib reads).
* :func:`read_solomon` — Solomon (1987) / Gehring–Homberger VRPTW text files (CRLF), whole
  numbers only (vrplib reads the table as integers).
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
from typing import Any

import numpy as np
import vrplib
from vrplib.parse import parse_solomon, parse_solution, parse_vrplib

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


# --- reading files with vrplib ---------------------------------------------------------------
#
# vrplib (PyVRP's reader) parses the VRPLIB-style files (.vrp, LKH-3 .vrpspd) and the Solomon
# text files. It reports bad input with bare exceptions (ValueError, RuntimeError, IndexError,
# numpy's TypeError …) that name neither the file nor the line, and two of its conventions need
# a check against the text: it drops the node-number column of every section (rows are taken
# in file order), and its Solomon reader turns every non-integer token into -1 without a word
# (numpy.genfromtxt with dtype=int). So the file's text is read here once and given to vrplib's
# parsers (vrplib.parse.*: what vrplib.read_instance / read_solution call after opening the
# file), and every section used is checked against its lines, so that a bad file gets an error
# naming the file, the line, the value and what is valid.


#: No edge weight or coordinate distance beyond this (far past any model reach; int64-safe).
MAX_WEIGHT = 1e15
#: What vrplib's parsers raise on a bad file (numpy's own errors are ValueError or TypeError).
_VRPLIB_ERRORS = (ValueError, TypeError, IndexError, KeyError, RuntimeError,
                  OverflowError)


def _is_number(token: str) -> bool:
    try:
        return math.isfinite(float(token))
    except ValueError:
        return False


def _is_whole(token: str) -> bool:
    try:
        int(token)
    except ValueError:
        return False
    return True


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except (OSError, UnicodeError) as e:
        raise BenchInstanceError(path.stem, f"{path}: cannot be read as text ({e})") from None


def _content(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(line number, stripped text) of the lines vrplib reads: not blank, not ``#`` comments."""
    return [(no, s) for no, raw in enumerate(lines, start=1)
            if (s := raw.strip()) and not s.startswith("#")]


def _vrplib_layout_trouble(lines: Sequence[str]) -> str:
    """The first line that breaks the layout vrplib's VRPLIB reader expects, or ''."""
    section, at = "", 0
    spec: dict[str, str] = {}
    seen: set[str] = set()
    weights: list[int] = []  # how many numbers each EDGE_WEIGHT_SECTION line holds
    for no, ln in _content(lines):
        if "EOF" in ln:
            break
        if "_SECTION" in ln:
            section = ln.strip(" :").upper()
            if section in seen:
                return f"line {no}: a second {section}"
            seen.add(section)
            if section.removesuffix("_SECTION") in spec:
                return (f"line {no}: {section} repeats the specification "
                        f"{section.removesuffix('_SECTION')}; a name is one or the other")
            if section == "EDGE_WEIGHT_SECTION":
                at, kind = no, (spec.get("EDGE_WEIGHT_TYPE"), spec.get("EDGE_WEIGHT_FORMAT"))
                if kind not in (("EXPLICIT", "FULL_MATRIX"), ("EXPLICIT", "LOWER_ROW")):
                    return (f"line {no}: EDGE_WEIGHT_SECTION with EDGE_WEIGHT_TYPE {kind[0]} and "
                            f"EDGE_WEIGHT_FORMAT {kind[1]} cannot be read; valid: EXPLICIT with "
                            "FULL_MATRIX or LOWER_ROW, given before the section")
        elif section and ":" in ln:
            return (f"line {no}: {ln[:60]!r} is a 'KEY : value' line after {section}; every "
                    "specification must come before the first section")
        elif section:
            bad = next((t for t in ln.split() if not _is_number(t)), None)
            if bad is not None:
                return f"line {no}: {bad[:40]!r} in {section} is not a finite number"
            if section == "DEPOT_SECTION" and len(ln.split()) != 1:
                return f"line {no}: DEPOT_SECTION lines hold one node each (then -1)"
            if section == "EDGE_WEIGHT_SECTION":
                weights.append(len(ln.split()))
        elif ":" not in ln:
            return (f"line {no}: {ln[:60]!r} is neither a 'KEY : value' specification nor a "
                    "*_SECTION header")
        else:
            key, value = ln.split(":", 1)
            spec[key.strip().upper()] = value.strip().upper()
    dim = int(spec["DIMENSION"]) if spec.get("DIMENSION", "").isdigit() else 0
    if at and dim and spec["EDGE_WEIGHT_FORMAT"] == "LOWER_ROW" \
            and sum(weights) != dim * (dim - 1) // 2:
        return (f"line {at}: EDGE_WEIGHT_SECTION holds {sum(weights)} numbers; a LOWER_ROW "
                f"for DIMENSION {dim} holds {dim * (dim - 1) // 2}")
    if at and dim and spec["EDGE_WEIGHT_FORMAT"] == "FULL_MATRIX" and weights != [dim] * dim:
        return (f"line {at}: EDGE_WEIGHT_SECTION is not a FULL_MATRIX for DIMENSION {dim}: "
                f"{dim} lines of {dim} numbers each")
    return ""


def _parse_vrplib(path: Path, lines: Sequence[str]) -> dict[str, Any]:
    """vrplib's reading of a VRPLIB-style file, edge weights not computed (we round our own)."""
    try:
        return parse_vrplib("\n".join(lines), compute_edge_weights=False)
    except _VRPLIB_ERRORS as e:
        where = _vrplib_layout_trouble(lines) or f"vrplib: {type(e).__name__}: {e}"
        raise BenchInstanceError(path.stem, f"{path}: not a readable VRPLIB file: "
                                 f"{where}") from None


def _at(path: Path, lines: Sequence[str], key: str) -> str:
    """'<path> line N: ' for the first line naming ``key`` (a specification or a section)."""
    for no, ln in _content(lines):
        if ln.split(":", 1)[0].strip().upper() == key:
            return f"{path} line {no}: "
    return f"{path}: "


def _spec_int(path: Path, name: str, lines: Sequence[str], inst: dict[str, Any], key: str,
              *, low: int) -> int:
    """A whole-number specification ≥ ``low``."""
    v = inst.get(key.lower())
    if v is None:
        raise BenchInstanceError(name, f"{path}: header field {key} missing")
    if not isinstance(v, int) or v < low:
        raise BenchInstanceError(name, f"{_at(path, lines, key)}{key} {v!r} is not "
                                 f"valid: a whole number ≥ {low}")
    return v


def _spec_number(path: Path, name: str, lines: Sequence[str], inst: dict[str, Any], key: str,
                 *, default: float | None = None) -> float:
    """A finite, non-negative numeric specification (``default`` when it is absent)."""
    v = inst.get(key.lower())
    if v is None and default is not None:
        return default
    if v is None:
        raise BenchInstanceError(name, f"{path}: header field {key} missing")
    if not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
        raise BenchInstanceError(name, f"{_at(path, lines, key)}{key} {v!r} is not "
                                 "valid: a finite number ≥ 0")
    return float(v)


def _section(path: Path, name: str, lines: Sequence[str], inst: dict[str, Any], key: str,
             dim: int, columns: Sequence[str], *, nonneg: Sequence[str] = ()
             ) -> tuple[np.ndarray, list[int]]:
    """``<key>_SECTION`` as vrplib read it, as floats of shape (dim, len(columns)), and the
    file line of each row.

    The text must list nodes 1..dim in order, one line each with the node and ``columns``
    finite numbers: vrplib drops the node column and takes rows in file order, so that order
    is checked here. The ``nonneg`` columns must be ≥ 0.
    """
    header = f"{key}_SECTION"
    rows = _content(lines)
    at = [i for i, (_, ln) in enumerate(rows) if ln.strip(" :").upper() == header]
    if not at or key.lower() not in inst:
        raise BenchInstanceError(name, f"{path}: {header} missing")
    if len(at) > 1:
        raise BenchInstanceError(name, f"{path} line {rows[at[1]][0]}: a second {header}")
    body: list[tuple[int, str]] = []
    for no, ln in rows[at[0] + 1:]:
        if "_SECTION" in ln or "EOF" in ln:
            break
        body.append((no, ln))
    layout = f"'node {' '.join(columns)}'"
    for k, (no, ln) in enumerate(body, start=1):
        tok = ln.split()
        if len(tok) != len(columns) + 1 or not all(_is_number(t) for t in tok):
            raise BenchInstanceError(name, f"{path} line {no}: {header} row {ln[:60]!r} is not "
                                     f"valid: {layout}, {len(columns) + 1} finite numbers")
        if not (_is_whole(tok[0]) and int(tok[0]) == k):
            raise BenchInstanceError(name, f"{path} line {no}: {header} row {k} is for node "
                                     f"{tok[0]!r}; rows must list nodes 1..{dim} in order")
        if neg := next((c for c, t in zip(columns, tok[1:], strict=True)
                        if c in nonneg and float(t) < 0), None):
            raise BenchInstanceError(name, f"{path} line {no}: {header} node {k}: {neg} "
                                     f"{tok[1 + columns.index(neg)]} is negative; valid: ≥ 0")
    if len(body) != dim:
        where = f"line {body[-1][0]}" if body else f"line {rows[at[0]][0]}"
        raise BenchInstanceError(name, f"{path} {where}: {header} has {len(body)} rows; "
                                 f"DIMENSION {dim} needs one {layout} row per node")
    data = np.asarray(inst[key.lower()], dtype=np.float64).reshape(dim, len(columns))
    return data, [no for no, _ in body]


def _edge_weights(path: Path, name: str, lines: Sequence[str], inst: dict[str, Any], dim: int,
                  formats: Sequence[str]) -> np.ndarray:
    """The ``EXPLICIT`` matrix vrplib read (``formats``: the EDGE_WEIGHT_FORMATs accepted)."""
    fmt = str(inst.get("edge_weight_format", "")).upper()
    if fmt not in formats:
        raise BenchInstanceError(name, f"{_at(path, lines, 'EDGE_WEIGHT_FORMAT')}"
                                 f"EDGE_WEIGHT_FORMAT {fmt or '(none)'} is not supported; "
                                 f"valid: {', '.join(formats)}")
    w = inst.get("edge_weight")
    where = _at(path, lines, "EDGE_WEIGHT_SECTION")
    if w is None:
        raise BenchInstanceError(name, f"{path}: EDGE_WEIGHT_SECTION missing")
    m = np.asarray(w)
    if m.shape != (dim, dim) or not np.issubdtype(m.dtype, np.number):
        raise BenchInstanceError(name, f"{where}EDGE_WEIGHT_SECTION is a {fmt} of shape "
                                 f"{m.shape}; DIMENSION {dim} needs {dim}×{dim} numbers")
    if not (np.all(m >= 0) and np.all(m <= MAX_WEIGHT)):
        raise BenchInstanceError(name, f"{where}EDGE_WEIGHT_SECTION holds a weight outside "
                                 f"0..{MAX_WEIGHT:g}")
    return m


def _single_depot(path: Path, name: str, lines: Sequence[str], inst: dict[str, Any]) -> None:
    """DEPOT_SECTION, when given, must name node 1 only (vrplib gives node − 1)."""
    depot = inst.get("depot")
    if depot is None:
        return
    ids = (np.asarray(depot).ravel() + 1).tolist()
    if ids != [1]:
        raise BenchInstanceError(name, f"{_at(path, lines, 'DEPOT_SECTION')}only a "
                                 f"single depot at node 1 is supported, got {ids}")


#: The layout vrplib's Solomon reader takes, by non-blank line: name, VEHICLE, the NUMBER
#: CAPACITY headings, their values, CUSTOMER, the column headings, then one row per node.
_SOLOMON_LAYOUT = ("name / VEHICLE / NUMBER CAPACITY / <number> <capacity> / CUSTOMER / "
                   "CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME / one row "
                   "per customer 0..n")
_SOLOMON_COLUMNS = 7
#: vrplib.parse.parse_solomon's header check, by non-blank line.
_SOLOMON_HEADINGS = {1: ("VEHICLE",), 2: ("NUMBER", "CAPACITY"), 4: ("CUSTOMER",),
                     5: ("CUST", "NO.", "XCOORD.", "YCOORD.", "DEMAND", "READY", "DUE", "DATE",
                         "SERVICE", "TIME")}
_SOLOMON_MAX = 10**7  #: no coordinate or time beyond this: squared distances stay in int64


def _solomon_trouble(path: Path, name: str, lines: Sequence[str]) -> None:
    """Raise for the first Solomon line vrplib would misread: the vehicle values and the
    customer rows must be whole numbers (vrplib's reader turns anything else into -1), the rows
    list customers 0..n in order (it drops the customer column), quantities are ≥ 0."""
    content = _content(lines)
    for i, words in _SOLOMON_HEADINGS.items():
        if len(content) <= i or not all(w in content[i][1] for w in words):
            no = content[i][0] if len(content) > i else len(lines)
            raise BenchInstanceError(name, f"{path} line {no}: expected a line with "
                                     f"{' '.join(words)}; the layout is {_SOLOMON_LAYOUT}")
    if len(content) < 8:
        raise BenchInstanceError(name, f"{path}: fewer than two customer rows (the depot and a "
                                 f"customer); the layout is {_SOLOMON_LAYOUT}")
    no, ln = content[3]
    if len(ln.split()) != 2 or not all(_is_whole(t) and int(t) > 0 for t in ln.split()):
        raise BenchInstanceError(name, f"{path} line {no}: vehicle line {ln[:60]!r} is not "
                                 "valid: '<number> <capacity>', two whole numbers > 0")
    for k, (no, ln) in enumerate(content[6:]):
        tok = ln.split()
        bad = next((t for t in tok if not _is_whole(t)), None)
        if len(tok) != _SOLOMON_COLUMNS or bad is not None:
            what = f"{bad[:40]!r} is not a whole number" if bad is not None else \
                f"{len(tok)} values"
            raise BenchInstanceError(name, f"{path} line {no}: customer row {ln[:60]!r}: {what}"
                                     f"; valid: {_SOLOMON_COLUMNS} whole numbers (vrplib reads "
                                     "Solomon tables as integers)")
        if int(tok[0]) != k:
            raise BenchInstanceError(name, f"{path} line {no}: customer number {tok[0]} where "
                                     f"{k} belongs; rows must list customers 0..n in order")
        if big := next((t for t in tok if abs(int(t)) > _SOLOMON_MAX), None):
            raise BenchInstanceError(name, f"{path} line {no}: customer {k}: value {big[:40]} "
                                     f"is out of range; valid: within ±{_SOLOMON_MAX:,}")
        neg = next((i for i in (3, 4, 5, 6) if int(tok[i]) < 0), None)
        if neg is not None:
            raise BenchInstanceError(name, f"{path} line {no}: customer {k}: value {tok[neg]} "
                                     "is negative; demand, ready time, due date and service "
                                     "time must be ≥ 0")


# --- VRPLIB CVRP -----------------------------------------------------------------------------

#: X set: the fleet is unlimited (k in the name is only the fewest routes); the model needs a
#: count, so it gets this many times the fewest routes the demand needs, plus a margin. No
#: X BKS uses more than k + 3 routes.
X_FLEET_FACTOR = 1.5
X_FLEET_MARGIN = 5


def _node_coords(path: Path, name: str, lines: Sequence[str], inst: dict[str, Any], dim: int
                 ) -> tuple[np.ndarray, tuple[tuple[float, float], ...], np.ndarray]:
    """NODE_COORD_SECTION as an array, as tuples, and the exact Euclidean distance matrix."""
    xy, _ = _section(path, name, lines, inst, "NODE_COORD", dim, ("x", "y"))
    coords = tuple((float(x), float(y)) for x, y in xy)
    real = np.hypot(xy[:, 0][:, None] - xy[:, 0][None, :],
                    xy[:, 1][:, None] - xy[:, 1][None, :])
    if not real.max() <= MAX_WEIGHT:  # also catches inf from huge coordinates
        raise BenchInstanceError(name, f"{_at(path, lines, 'NODE_COORD_SECTION')}coordinates "
                                 f"lie {real.max():g} apart; valid: within {MAX_WEIGHT:g}")
    return xy, coords, real


def read_cvrp(path: str | Path, *, set_name: str | None = None,
              fleet: int | None = None) -> BenchInstance:
    """Read a VRPLIB ``.vrp`` CVRP file (CVRPLIB X, A, B, E, P).

    Customers are node id − 1 (depot 0), as in VRPLIB ``.sol`` files. ``fleet`` defaults to k
    from the name (``-k25``) for the classic sets, where it is a limit; for the X set, where
    the fleet is unlimited, to max(k, ⌈demand / capacity⌉) × 1.5 + 5, which never binds.
    """
    path = Path(path)
    lines = _read_lines(path)
    inst = _parse_vrplib(path, lines)
    name = str(inst.get("name", path.stem)).strip()
    dim = _spec_int(path, name, lines, inst, "DIMENSION", low=2)
    capacity = _spec_number(path, name, lines, inst, "CAPACITY")
    n = dim - 1
    dem, _ = _section(path, name, lines, inst, "DEMAND", dim, ("demand",), nonneg=("demand",))
    _single_depot(path, name, lines, inst)
    delivery = tuple(float(d) for d in dem[:, 0])
    ewt = str(inst.get("edge_weight_type", "")).upper()
    coords = explicit = None
    xy: np.ndarray | None = None
    if ewt == "EUC_2D":
        xy, coords, real = _node_coords(path, name, lines, inst, dim)
        dist = np.floor(real + 0.5).astype(np.int64)
    elif ewt == "EXPLICIT":
        w = _edge_weights(path, name, lines, inst, dim, ("FULL_MATRIX", "LOWER_ROW"))
        dist = np.round(w).astype(np.int64)  # half to even, as Python's round()
        explicit = tuple(tuple(int(v) for v in row) for row in dist)
    else:
        raise BenchInstanceError(name, f"{_at(path, lines, 'EDGE_WEIGHT_TYPE')}EDGE_WEIGHT_TYPE "
                                 f"{ewt or '(none)'} is not supported; valid: EUC_2D, EXPLICIT")
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
    """Read a Solomon / Gehring–Homberger VRPTW text file (CRLF or LF) with vrplib.

    The table must hold whole numbers (vrplib reads it as integers, as all Solomon and
    Gehring–Homberger files are) and list customers 0..n in order.
    """
    path = Path(path)
    lines = _read_lines(path)
    content = _content(lines)
    name = content[0][1] if content else path.stem
    try:
        inst = parse_solomon("\n".join(lines), compute_edge_weights=False)
    except _VRPLIB_ERRORS as e:
        _solomon_trouble(path, name, lines)  # raises naming the line when it can
        raise BenchInstanceError(name, f"{path}: not a readable Solomon file (vrplib: "
                                 f"{type(e).__name__}: {e}); expected {_SOLOMON_LAYOUT}"
                                 ) from None
    _solomon_trouble(path, name, lines)
    fleet, capacity = int(inst["vehicles"]), int(inst["capacity"])
    n = len(inst["demand"]) - 1
    if n < 1:
        raise BenchInstanceError(name, f"{path}: no customer rows; expected {_SOLOMON_LAYOUT}")
    xy = np.asarray(inst["node_coord"], dtype=np.float64)
    demand = tuple(float(d) for d in inst["demand"])
    ready = tuple(float(w[0]) for w in inst["time_window"])
    due = tuple(float(w[1]) for w in inst["time_window"])
    service = tuple(float(s) for s in inst["service_time"])
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


def read_vrpspd(path: str | Path, *, set_name: str | None = None) -> BenchInstance:
    """Read an LKH-3 ``.vrpspd`` file (VRP with simultaneous pickup and delivery).

    ``PICKUP_AND_DELIVERY_SECTION`` lines are ``node demand earliest latest service pickup
    delivery``; the demand column is ignored. ``DISTANCE`` 0 or 999999 means no route limit.
    vrplib reads these LKH-3 files as any VRPLIB file (its sections are generic).
    """
    path = Path(path)
    lines = _read_lines(path)
    inst = _parse_vrplib(path, lines)
    name = str(inst.get("name", path.stem)).strip()
    dim = _spec_int(path, name, lines, inst, "DIMENSION", low=2)
    fleet = _spec_int(path, name, lines, inst, "VEHICLES", low=1)
    capacity = _spec_number(path, name, lines, inst, "CAPACITY")
    limit_raw = _spec_number(path, name, lines, inst, "DISTANCE", default=0.0)
    limit = None if limit_raw in (0, 999999) else limit_raw
    ewt = str(inst.get("edge_weight_type", "")).upper()
    n = dim - 1
    pd, _ = _section(path, name, lines, inst, "PICKUP_AND_DELIVERY", dim,
                     ("demand", "earliest", "latest", "service", "pickup", "delivery"),
                     nonneg=("earliest", "latest", "service", "pickup", "delivery"))
    _single_depot(path, name, lines, inst)
    earliest = tuple(float(v) for v in pd[:, 1])
    latest = tuple(float(v) for v in pd[:, 2])
    service = tuple(float(v) for v in pd[:, 3])
    pickup = tuple(float(v) for v in pd[:, 4])
    delivery = tuple(float(v) for v in pd[:, 5])
    if any(e > 0 for e in earliest) or any(la < LKH_NO_WINDOW for la in latest):
        raise BenchInstanceError(name, "time windows in a VRPSPD file are not supported")
    notes: list[str] = []
    coords = explicit = None
    xy: np.ndarray | None = None
    if ewt == "EXPLICIT":
        w = _edge_weights(path, name, lines, inst, dim, ("FULL_MATRIX",))
        m = np.trunc(w).astype(np.int64)  # the integer part, as int(float(token))
        explicit = tuple(tuple(int(v) for v in row) for row in m)
        scale = DETHLOFF_SCALE
        dist = m.copy()
        real = m / DETHLOFF_SCALE
    elif ewt == "EXACT_2D":
        xy, coords, real = _node_coords(path, name, lines, inst, dim)
        scale = EXACT_2D_SCALE
        dist = np.rint(real * scale).astype(np.int64)
        notes.append(f"real distances × {scale} rounded to integers in the model "
                     f"(≤ {0.5 / scale:g} per edge); costs are recomputed from the real values")
    else:
        raise BenchInstanceError(name, f"{_at(path, lines, 'EDGE_WEIGHT_TYPE')}EDGE_WEIGHT_TYPE "
                                 f"{ewt or '(none)'} is not supported; valid: EXACT_2D, "
                                 "EXPLICIT (FULL_MATRIX)")

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


def _sol_trouble(lines: Sequence[str]) -> str:
    """The first ``Route`` line with something other than customer numbers, or ''."""
    for no, ln in enumerate(lines, start=1):
        if "Route" in ln:
            bad = next((t for t in ln.split(":", 1)[-1].split(" ") if t and not _is_whole(t)),
                       None)
            if bad is not None or ":" not in ln:
                return (f"line {no}: {ln.strip()[:60]!r} is not valid: 'Route #k: c1 c2 …', "
                        "customer numbers separated by spaces")
    return ""


def read_vrplib_sol(path: str | Path) -> tuple[list[list[int]], float | None]:
    """Routes (customer numbers) and the ``Cost`` of a VRPLIB ``.sol`` file, read by vrplib."""
    path = Path(path)
    lines = _read_lines(path)
    try:
        sol = parse_solution("\n".join(lines))
    except _VRPLIB_ERRORS as e:
        where = _sol_trouble(lines) or f"vrplib: {type(e).__name__}: {e}"
        raise BenchInstanceError(path.stem, f"{path}: not a readable .sol file: {where}"
                                 ) from None
    cost = sol.get("cost")
    if cost is not None and (not isinstance(cost, int | float) or not math.isfinite(cost)):
        raise BenchInstanceError(path.stem, f"{_at(path, lines, 'COST')}Cost {cost!r} is not "
                                 "valid: a finite number")
    return [list(r) for r in sol["routes"]], None if cost is None else float(cost)


def read_lkh_tour(path: str | Path, dimension: int) -> list[list[int]]:
    """Routes (customer numbers = node id − 1) of an LKH-3 giant tour.

    Node 1 and every id above ``dimension`` are depot copies and mark route boundaries.
    Read here, not with vrplib: vrplib's VRPLIB reader drops the first column of every section
    row, which in a one-id-per-line ``TOUR_SECTION`` is the whole tour, and its solution
    reader only reads ``Route #k:`` lines.
    """
    path = Path(path)
    ids: list[int] = []
    on = False
    for no, ln in enumerate(_read_lines(path), start=1):
        s = ln.strip()
        if s.upper().startswith("TOUR_SECTION"):
            on = True
            continue
        if on:
            if s in ("-1", "EOF") or not s:
                if s == "-1" or s == "EOF":
                    break
                continue
            if bad := next((t for t in s.split() if not _is_whole(t)), None):
                raise BenchInstanceError(path.stem, f"{path} line {no}: tour node {bad[:40]!r} "
                                         "is not valid: a whole number")
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
    """Write routes as a VRPLIB ``.sol`` file with vrplib: ``Route #k: c1 c2 …`` lines, then
    ``Cost: <cost>``. Empty routes are left out (vrplib refuses them; they visit no one)."""
    vrplib.write_solution(path, [[int(c) for c in r] for r in routes if r],
                          {"Cost": f"{cost:.10g}"})


__all__ = ["BenchInstance", "BenchInstanceError", "read_cvrp", "read_lkh_tour", "read_solomon",
           "read_vrplib_sol", "read_vrpspd", "write_vrplib_sol"]
