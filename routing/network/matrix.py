"""Travel distance and time matrices between the stations of a scenario.

Two sources: great-circle distance × a detour factor at a network speed (when no road data is
given), or shortest paths over a road network (:mod:`routing.network.roads`). Matrices are
square int64 arrays (metres, seconds) ordered like ``scenario.stations``, with a zero diagonal,
no negative entries, and not writeable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Scenario
from .cache import cache_key, file_digest, load_arrays, save_arrays

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrices:
    """Distance (m) and base travel time (s) between stations, plus road snapping facts."""

    station_ids: tuple[str, ...]
    distance_m: np.ndarray
    duration_s: np.ndarray
    snap_m: tuple[float, ...] = ()
    unreachable: tuple[str, ...] = ()
    source: str = "great_circle"

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
    tricycle at 15 km/h) cannot go faster than its own speed: time = max(network, dist / speed).
    """
    own = np.ceil(matrices.distance_m / (speed_kph / 3.6) - 1e-9).astype(np.int64)
    return _freeze(np.maximum(matrices.duration_s, own))


def travel_matrices(scenario: Scenario, *, use_cache: bool = True) -> Matrices:
    """Build (or load from the on-disk cache) the matrices for a scenario's stations."""
    net = scenario.network
    ids = tuple(s.id for s in scenario.stations)
    lon = np.array([s.lon for s in scenario.stations])
    lat = np.array([s.lat for s in scenario.stations])
    payload: dict[str, object] = {
        "v": 1, "ids": ids, "lon": lon.round(7).tolist(), "lat": lat.round(7).tolist(),
        "mode": net.mode, "detour": net.detour_factor, "speed": net.speed_kph,
    }
    if net.mode == "roads":
        assert net.roads is not None  # guaranteed by NetworkSpec validation
        payload.update(roads=file_digest(net.roads) if net.roads.is_file() else str(net.roads),
                       snap=net.max_snap_m, access=net.access_speed_kph)
    key = cache_key(payload)
    cached = load_arrays(key) if use_cache else None
    if cached is not None:
        return Matrices(station_ids=ids, distance_m=_freeze(cached["distance_m"]),
                        duration_s=_freeze(cached["duration_s"]),
                        snap_m=tuple(cached["snap_m"].tolist()),
                        unreachable=tuple(str(x) for x in cached["unreachable"].tolist()),
                        source=net.mode)
    if net.mode == "roads":
        from .roads import read_roads, road_matrices

        assert net.roads is not None
        graph = read_roads(net.roads)
        rm = road_matrices(list(ids), np.column_stack([lon, lat]), graph,
                           max_snap_m=net.max_snap_m, default_speed_kph=net.speed_kph,
                           access_speed_kph=net.access_speed_kph)
        out = Matrices(station_ids=ids, distance_m=_freeze(rm.distance_m),
                       duration_s=_freeze(rm.duration_s),
                       snap_m=tuple(s.snap_m for s in rm.snaps), unreachable=rm.unreachable,
                       source="roads")
    else:
        dist, dur = great_circle_matrices(lon, lat, detour_factor=net.detour_factor,
                                          speed_kph=net.speed_kph)
        out = Matrices(station_ids=ids, distance_m=dist, duration_s=dur, source="great_circle")
    if use_cache:
        save_arrays(key, {"distance_m": out.distance_m, "duration_s": out.duration_s,
                          "snap_m": np.array(out.snap_m, dtype=float),
                          "unreachable": np.array(out.unreachable, dtype=str)})
    return out
