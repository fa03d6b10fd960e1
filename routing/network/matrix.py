"""Travel distance and time matrices between the stations of a scenario.

Two sources: great-circle distance × a detour factor at a network speed (when no road data is
given), or fastest paths over a road network (:mod:`routing.network.roads`). Matrices are
square int64 arrays (metres, seconds) ordered like ``scenario.stations``, with a zero diagonal,
no negative entries, and not writeable.

On roads both matrices describe ONE path per ordered pair: the fastest by time at road speeds.
``duration_s`` is its time and ``distance_m`` its length (so ``distance_m`` is not the shortest
road length, and not a metric). That path is also what maps draw (:func:`leg_coordinates`,
used by :mod:`routing.network.legs`), and it is cached with the matrices.

Per-vehicle times (:func:`vehicle_duration_s`) keep that same path: a vehicle slower than the
road speeds (an electric tricycle at 15 km/h) drives it at ``min(road speed, own speed)`` on
average, i.e. ``max(duration_s, distance_m / speed)``. It is not re-routed: for a vehicle slower
than every road the shortest path would be quicker, so its time is then an upper bound, and its
metres are the metres of the path that was timed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model import Scenario
from .cache import cache_key, file_digest, load_arrays, save_arrays

if TYPE_CHECKING:
    from .paths import RoadPaths

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrices:
    """Distance (m) and base travel time (s) between stations, plus road snapping facts.

    ``paths`` (roads only): the fastest road path of every pair, the one both matrices measured.
    """

    station_ids: tuple[str, ...]
    distance_m: np.ndarray
    duration_s: np.ndarray
    snap_m: tuple[float, ...] = ()
    unreachable: tuple[str, ...] = ()
    source: str = "great_circle"
    paths: RoadPaths | None = None

    def index(self) -> dict[str, int]:
        """Station id → row/column index."""
        return {s: i for i, s in enumerate(self.station_ids)}


def haversine_m(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Great-circle distances in metres between all pairs of WGS84 lon/lat points."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _freeze(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.int64)  # a copy: inputs may be read-only
    np.fill_diagonal(a, 0)
    a.flags.writeable = False
    return a


def great_circle_matrices(lon: np.ndarray, lat: np.ndarray, *, detour_factor: float,
                          speed_kph: float) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) = great circle × ``detour_factor``; time (s) = distance / ``speed_kph``.

    Rounding up keeps the triangle inequality within one unit, and never makes a trip free.
    """
    d = haversine_m(lon, lat) * detour_factor
    dist = np.ceil(d - 1e-9)
    dur = np.ceil(d / (speed_kph / 3.6) - 1e-9)
    return _freeze(dist), _freeze(dur)


def vehicle_duration_s(matrices: Matrices, speed_kph: float) -> np.ndarray:
    """Travel time for a vehicle whose top average speed is ``speed_kph``.

    The network time is the time at road (or network) speeds; a slower vehicle (an electric
    tricycle at 15 km/h) cannot go faster than its own speed: time = max(network, dist / speed),
    over the same path (on roads: the fastest one, see the module docstring).
    """
    own = np.ceil(matrices.distance_m / (speed_kph / 3.6) - 1e-9).astype(np.int64)
    return _freeze(np.maximum(matrices.duration_s, own))


_PATHS = "paths_"  # prefix of the RoadPaths arrays in a cache file


def travel_matrices(scenario: Scenario, *, use_cache: bool = True) -> Matrices:
    """Build (or load from the on-disk cache) the matrices for a scenario's stations.

    In roads mode the cache also holds the fastest paths (``Matrices.paths``), so a map of a
    plan needs neither the road file nor a shortest-path search once the matrices are cached.
    """
    net = scenario.network
    ids = tuple(s.id for s in scenario.stations)
    lon = np.array([s.lon for s in scenario.stations])
    lat = np.array([s.lat for s in scenario.stations])
    # v2: road distances along the fastest path (v1: shortest by length), paths cached too
    payload: dict[str, object] = {
        "v": 2, "ids": ids, "lon": lon.round(7).tolist(), "lat": lat.round(7).tolist(),
        "mode": net.mode, "detour": net.detour_factor, "speed": net.speed_kph,
    }
    if net.mode == "roads":
        assert net.roads is not None  # guaranteed by NetworkSpec validation
        payload.update(roads=file_digest(net.roads) if net.roads.is_file() else str(net.roads),
                       snap=net.max_snap_m, access=net.access_speed_kph)
    key = cache_key(payload)
    cached = load_arrays(key) if use_cache else None
    if cached is not None and (net.mode != "roads" or f"{_PATHS}tree_ptr" in cached):
        paths = None
        if net.mode == "roads":
            from .paths import RoadPaths

            paths = RoadPaths.from_arrays({k.removeprefix(_PATHS): v for k, v in cached.items()
                                           if k.startswith(_PATHS)})
        return Matrices(station_ids=ids, distance_m=_freeze(cached["distance_m"]),
                        duration_s=_freeze(cached["duration_s"]),
                        snap_m=tuple(cached["snap_m"].tolist()),
                        unreachable=tuple(str(x) for x in cached["unreachable"].tolist()),
                        source=net.mode, paths=paths)
    if net.mode == "roads":
        from .roads import read_road_network, road_matrices

        assert net.roads is not None
        rm = road_matrices(list(ids), np.column_stack([lon, lat]), read_road_network(net.roads),
                           max_snap_m=net.max_snap_m, default_speed_kph=net.speed_kph,
                           access_speed_kph=net.access_speed_kph)
        out = Matrices(station_ids=ids, distance_m=_freeze(rm.distance_m),
                       duration_s=_freeze(rm.duration_s),
                       snap_m=tuple(s.snap_m for s in rm.snaps), unreachable=rm.unreachable,
                       source="roads", paths=rm.paths)
    else:
        dist, dur = great_circle_matrices(lon, lat, detour_factor=net.detour_factor,
                                          speed_kph=net.speed_kph)
        out = Matrices(station_ids=ids, distance_m=dist, duration_s=dur, source="great_circle")
    if use_cache:
        arrays = {"distance_m": out.distance_m, "duration_s": out.duration_s,
                  "snap_m": np.array(out.snap_m, dtype=float),
                  "unreachable": np.array(out.unreachable, dtype=str)}
        if out.paths is not None:
            arrays.update({_PATHS + k: v for k, v in out.paths.to_arrays().items()})
        save_arrays(key, arrays)
    return out


def leg_coordinates(matrices: Matrices, legs: Iterable[tuple[str, str]]
                    ) -> dict[tuple[str, str], list[list[float]]]:
    """[lon, lat] (WGS84 degrees) of each leg that follows the roads, from ``matrices.paths``.

    A leg ``(a, b)`` is station a, the straight access to its snap point on the road, the
    fastest road path (the one ``distance_m[a, b]`` and ``duration_s[a, b]`` measured), the
    access to station b. Legs with no road path are left out: great-circle matrices, a station
    that is not in ``matrices`` or is beyond ``max_snap_m``, no path between the two, a == b.
    """
    if matrices.paths is None:
        return {}
    index = matrices.index()
    out: dict[tuple[str, str], list[list[float]]] = {}
    for a, b in legs:
        if a == b or a not in index or b not in index:
            continue
        coords = matrices.paths.leg_lonlat(index[a], index[b])
        if coords is not None:
            out[(a, b)] = coords.tolist()
    return out
