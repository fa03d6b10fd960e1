"""The fastest road path between every pair of stations, as pruned shortest-path trees.

Kept apart from :mod:`routing.network.roads` (and its road readers and graph libraries) because
it is all a cached map needs: numpy arrays in, coordinates out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

__all__ = ["RoadPaths"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class RoadPaths:
    """The fastest road path between every ordered pair of stations: the paths the matrices
    measured, kept for drawing.

    One shortest-path tree on travel time per distinct snap vertex, pruned to the branches that
    reach the other stations' snap vertices. Arrays only, so they go into the matrix cache.

    Attributes
    ----------
    station_lonlat : numpy.ndarray
        (n, 2) float64 station lon, lat (WGS84 degrees), station order.
    station_tree : numpy.ndarray
        (n,) int64 tree of each station's snap vertex (also its index in ``tree_pos``); -1 for
        a station beyond ``max_snap_m``.
    tree_ptr : numpy.ndarray
        (k + 1,) int64: tree ``t`` is entries ``tree_ptr[t]:tree_ptr[t + 1]`` of the next two.
    tree_vertex : numpy.ndarray
        int32 row of ``vertex_lonlat`` of each tree entry.
    tree_parent : numpy.ndarray
        int32 position of the entry's parent within the same tree; -1 at the root.
    tree_pos : numpy.ndarray
        (k, k) int32 position of snap vertex ``s`` within tree ``t``; -1 when there is no path.
    vertex_lonlat : numpy.ndarray
        (m, 2) float64 lon, lat (WGS84 degrees) of every road vertex on some path.
    """

    station_lonlat: np.ndarray
    station_tree: np.ndarray
    tree_ptr: np.ndarray
    tree_vertex: np.ndarray
    tree_parent: np.ndarray
    tree_pos: np.ndarray
    vertex_lonlat: np.ndarray

    def road_vertices(self, i: int, j: int) -> np.ndarray | None:
        """(k, 2) lon, lat of the road vertices from station ``i``'s snap point to station
        ``j``'s, in driving order, on the fastest path; None when there is no road path."""
        t, s = int(self.station_tree[i]), int(self.station_tree[j])
        if t < 0 or s < 0 or self.tree_pos[t, s] < 0:
            return None
        base = int(self.tree_ptr[t])
        parent = self.tree_parent
        walk = [int(self.tree_pos[t, s])]
        while (p := int(parent[base + walk[-1]])) >= 0:
            walk.append(p)
        return self.vertex_lonlat[self.tree_vertex[base + np.array(walk[::-1])]]

    def leg_lonlat(self, i: int, j: int) -> np.ndarray | None:
        """(k, 2) lon, lat of the whole leg from station ``i`` to station ``j``: the station, the
        straight access to its snap point, the fastest road path, the access to station ``j``;
        None when there is no road path."""
        road = self.road_vertices(i, j)
        if road is None:
            return None
        return np.vstack([self.station_lonlat[i], road, self.station_lonlat[j]])

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The fields by name (for :func:`numpy.savez`)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> RoadPaths:
        """Inverse of :meth:`to_arrays`."""
        return cls(**{f.name: np.asarray(arrays[f.name]) for f in fields(cls)})
