"""Where each leg between two stations runs: the road path the matrices measured, or straight.

A map draws a route as its legs. With ``network.mode = "roads"`` a leg is the straight access
from a station to its snap point on the nearest road, the fastest road path between the two snap
points — the very path :func:`~routing.network.matrix.travel_matrices` measured the distance
and duration on, kept with the matrices as :class:`~routing.network.paths.RoadPaths` (no second
shortest-path search here) — and the access to the next station. Without roads, or for a
station beyond ``max_snap_m`` or with no road path, the leg is the straight line.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..exceptions import DataError
from ..model import Scenario
from .matrix import Matrices, leg_coordinates, travel_matrices

__all__ = ["Leg", "LegGeometry", "leg_geometry"]

#: (from station id, to station id)
Leg = tuple[str, str]
#: Leg -> ([lon, lat] WGS84 points, whether the leg follows the roads)
LegGeometry = dict[Leg, tuple[list[list[float]], bool]]


def station_lonlat(scenario: Scenario, station_id: str) -> list[float]:
    """[lon, lat] of a station; a :class:`DataError` when the scenario lacks it (a plan made
    for another scenario)."""
    try:
        st = scenario.station(station_id)
    except KeyError:
        raise DataError(f"plan: station {station_id!r} is not in scenario "
                        f"'{scenario.name}' (is it the scenario the plan was made for?)") from None
    return [st.lon, st.lat]


def leg_geometry(scenario: Scenario, legs: Iterable[Leg], *, follow_roads: bool = True,
                 matrices: Matrices | None = None) -> LegGeometry:
    """Coordinates ([lon, lat], WGS84, 7 decimals) of each leg between two stations, and
    whether it follows the roads (see the module docstring).

    ``matrices`` are the scenario's (default: :func:`travel_matrices`, from the on-disk cache
    when they were built before, without reading the road file).
    """
    legs = sorted(set(legs))
    out: LegGeometry = {(a, b): ([station_lonlat(scenario, a), station_lonlat(scenario, b)],
                                 False) for a, b in legs}
    if follow_roads and scenario.network.mode == "roads" and legs:
        if matrices is None or matrices.paths is None:
            matrices = travel_matrices(scenario)
        # a -> a (two visits in a row) stays a point: the matrix counts it 0 m.
        for leg, coords in leg_coordinates(matrices, legs).items():
            out[leg] = (_dedupe(coords), True)
    return out


def _dedupe(coords: list[list[float]]) -> list[list[float]]:
    """The points rounded to 7 decimals (about 1 cm), consecutive repeats dropped; a single
    point twice (a line needs two)."""
    out = [[round(c[0], 7), round(c[1], 7)] for c in coords[:1]]
    for c in coords[1:]:
        p = [round(c[0], 7), round(c[1], 7)]
        if p != out[-1]:
            out.append(p)
    return out if len(out) > 1 else out * 2
