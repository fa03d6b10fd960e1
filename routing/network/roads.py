"""Travel distance and time matrices between stations over a real road network.

A road file (OSM XML/PBF via pyosmium, or a GIS line layer via pyogrio) becomes a
:class:`RoadNetwork`: flat numpy arrays of road vertices (``x``, ``y`` = lon, lat WGS84) and of
directed edges carrying ``length_m``, ``speed_kph``, ``maxspeed_kph`` and ``highway``
(:func:`read_roads` gives the same graph as a ``networkx.MultiDiGraph``, for inspection; the
matrices never build one). Stations are snapped onto the nearest point of the nearest edge (the
edge is split there by a virtual vertex).

One scipy Dijkstra per source station on travel TIME gives a shortest-path tree. The duration
matrix is the time to every other station in that tree, and the distance matrix is the length
summed along the very same tree path, so ``distance_m[a, b]`` and ``duration_s[a, b]`` describe
one path: the fastest. The trees, pruned to the station-to-station paths, are kept as
:class:`RoadPaths` so that a map draws exactly the path that was timed.

The distance matrix is therefore not a metric: a long fast road can make a -> c longer in metres
than a -> b -> c. Only ``duration_s`` keeps the triangle inequality.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import osmium
import pyproj
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.exceptions import DataError, RoadNetworkError

from .paths import RoadPaths

__all__ = ["DEFAULT_SPEEDS_KPH", "UNREACHABLE", "RoadMatrices", "RoadNetwork", "RoadPaths",
           "Snap", "read_road_network", "read_roads", "road_matrices"]

#: Matrix entry for a pair with no road path; far above any real distance (m) or time (s).
UNREACHABLE: int = 10**9

_PARENTS = {"motorway": 90.0, "trunk": 70.0, "primary": 60.0, "secondary": 50.0,
            "tertiary": 40.0}
#: Free-flow speed by OSM ``highway`` tag, km/h (rural China, loaded van); unknown tags fall back
#: to ``default_speed_kph``. A ``maxspeed`` on the road wins over this table.
DEFAULT_SPEEDS_KPH: dict[str, float] = {
    **_PARENTS, **{f"{k}_link": v for k, v in _PARENTS.items()},
    "unclassified": 30.0, "residential": 25.0, "service": 15.0, "track": 15.0,
    "living_street": 10.0,
}
OSM_SUFFIXES = (".osm", ".osm.pbf", ".pbf")
LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
# highway values that are not for cars (or not built yet): such ways are dropped.
_NOT_FOR_CARS = frozenset({
    "footway", "path", "cycleway", "pedestrian", "steps", "bridleway", "corridor", "platform",
    "construction", "proposed", "planned", "abandoned", "disused", "razed", "elevator",
    "bus_guideway", "busway", "raceway", "via_ferrata", "bus_stop", "rest_area", "services"})
_GEOD = pyproj.Geod(ellps="WGS84")
_SCALE = 10**7  # vertices are merged on a 1e-7 degree grid (OSM's own storage precision)
_SAME_POINT_M = 1e-3  # snap points closer than this to a vertex (or each other) are merged
# Entries of one (sources, vertices) block of Dijkstra output: float64 times, int32
# predecessors, a bool mark and an int32 slot, about 17 bytes each, so ~70 MB per block.
_BLOCK = 4_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Snap:
    """Where one station joins the road graph.

    Attributes
    ----------
    station_id : str
        The station.
    node : int
        Road-graph node the station joins (a virtual node splitting the nearest edge, or an
        existing vertex when the foot point is within 1 mm of it). For a station beyond
        ``max_snap_m``: the nearer end of the nearest edge, not used in any path.
    snap_m : float
        Straight-line distance from the station to the foot point on the road, metres.
    """

    station_id: str
    node: int
    snap_m: float


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)  # eq=False: arrays have no bool ==
class RoadNetwork:
    """A directed road graph as flat arrays (vertex ``i`` is row ``i``; edge ``e`` is row ``e``).

    Attributes
    ----------
    x, y : numpy.ndarray
        (V,) float64 vertex lon, lat, WGS84 degrees.
    node : numpy.ndarray
        (V,) int64 node label of each vertex (the ``networkx`` node and ``Snap.node``).
    virtual : numpy.ndarray
        (V,) bool, True for vertices added to split an edge at a station's snap point.
    u, v : numpy.ndarray
        (E,) int64 vertex rows of each directed edge (from, to); parallel edges are allowed.
    length_m : numpy.ndarray
        (E,) float64 geodesic length, metres.
    speed_kph : numpy.ndarray
        (E,) float64 speed used for the travel time, km/h.
    maxspeed_kph : numpy.ndarray
        (E,) float64 posted speed, km/h; NaN when the road has none.
    highway : numpy.ndarray
        (E,) object array of str, the OSM ``highway`` value ("" when unknown).
    """

    x: np.ndarray
    y: np.ndarray
    node: np.ndarray
    virtual: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length_m: np.ndarray
    speed_kph: np.ndarray
    maxspeed_kph: np.ndarray
    highway: np.ndarray

    @property
    def num_vertices(self) -> int:
        """Number of vertices V."""
        return len(self.x)

    @property
    def travel_time_s(self) -> np.ndarray:
        """(E,) float64 seconds to drive each edge at its ``speed_kph``."""
        return self.length_m / self.speed_kph * 3.6

    @classmethod
    def from_networkx(cls, graph: nx.MultiDiGraph) -> RoadNetwork:
        """Arrays of a road graph shaped like :func:`read_roads` output (integer node labels).

        Raises
        ------
        DataError
            A node label is not an integer.
        """
        labels = list(graph.nodes)
        bad = [v for v in labels if isinstance(v, bool) or not isinstance(v, int | np.integer)]
        if bad:
            raise DataError(f"road graph: node labels must be integers; got {bad[:3]!r}")
        pos = {v: i for i, v in enumerate(labels)}
        data = graph.nodes
        edges = [(pos[a], pos[b], d) for a, b, d in graph.edges(data=True)]

        def maxspeed(value: Any) -> float:
            ok = value is not None and math.isfinite(value) and value > 0
            return float(value) if ok else math.nan

        return cls(
            x=np.array([float(data[v]["x"]) for v in labels], dtype=float),
            y=np.array([float(data[v]["y"]) for v in labels], dtype=float),
            node=np.array(labels, dtype=np.int64),
            virtual=np.array([bool(data[v].get("virtual", False)) for v in labels], dtype=bool),
            u=np.array([e[0] for e in edges], dtype=np.int64),
            v=np.array([e[1] for e in edges], dtype=np.int64),
            length_m=np.array([float(e[2]["length_m"]) for e in edges], dtype=float),
            speed_kph=np.array([float(e[2].get("speed_kph", math.nan)) for e in edges]),
            maxspeed_kph=np.array([maxspeed(e[2].get("maxspeed_kph")) for e in edges]),
            highway=_objects([h if isinstance(h := e[2].get("highway"), str) else ""
                              for e in edges]))

    def to_networkx(self) -> nx.MultiDiGraph:
        """The same graph as a ``networkx.MultiDiGraph`` (attributes as in :func:`read_roads`).

        Slow on large networks: for inspection and tests, not on the planning path.
        """
        graph = nx.MultiDiGraph(crs="EPSG:4326")
        labels = self.node.tolist()
        graph.add_nodes_from(
            (n, {"x": x, "y": y, **({"virtual": True} if virt else {})})
            for n, x, y, virt in zip(labels, self.x.tolist(), self.y.tolist(),
                                     self.virtual.tolist(), strict=True))
        times = self.travel_time_s.tolist()
        maxspeed = [None if math.isnan(m) else m for m in self.maxspeed_kph.tolist()]
        graph.add_edges_from(
            (labels[a], labels[b], {"length_m": m, "highway": h, "maxspeed_kph": ms,
                                    "speed_kph": kph, "travel_time_s": t})
            for a, b, m, h, ms, kph, t in zip(self.u.tolist(), self.v.tolist(),
                                              self.length_m.tolist(), self.highway.tolist(),
                                              maxspeed, self.speed_kph.tolist(), times,
                                              strict=True))
        return graph


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)  # eq=False: arrays have no bool ==
class RoadMatrices:
    """Station-to-station road matrices (row = from, column = to), all on the fastest path.

    Attributes
    ----------
    distance_m : numpy.ndarray
        (n, n) int64 metres along the fastest path, zero diagonal, read-only; ``UNREACHABLE``
        where there is no path.
    duration_s : numpy.ndarray
        (n, n) int64 seconds of the fastest path, same conventions.
    snaps : tuple of Snap
        One per station, in input order.
    unreachable : tuple of str
        Stations (input order) that cannot reach, or cannot be reached from, station 0 (the
        depot), including stations farther than ``max_snap_m`` from any road.
    network : RoadNetwork
        The road network with the speeds used and with the stations' virtual vertices.
    paths : RoadPaths
        The paths both matrices measured.
    """

    distance_m: np.ndarray
    duration_s: np.ndarray
    snaps: tuple[Snap, ...]
    unreachable: tuple[str, ...]
    network: RoadNetwork
    paths: RoadPaths

    @property
    def graph(self) -> nx.MultiDiGraph:
        """``network`` as a ``networkx.MultiDiGraph`` (built on each access: slow)."""
        return self.network.to_networkx()


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _oneway(value: Any) -> int:
    """+1 forward only, -1 against the drawing direction only, 0 both ways."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    text = str(value).strip().lower()  # bool True -> "true", numpy 1.0 -> "1.0"
    if text in {"yes", "true", "1", "1.0", "t", "y"}:
        return 1
    return -1 if text in {"-1", "-1.0", "reverse"} else 0


def _maxspeed_kph(value: Any) -> float | None:
    """Numeric km/h (``"50"``, ``50.0``) or ``"30 mph"``; anything else (``"signals"``) -> None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().lower()
    factor = 1.609344 if text.endswith("mph") else 1.0
    text = text.removesuffix("mph").removesuffix("km/h").removesuffix("kmh").strip()
    try:
        kph = float(text) * factor
    except ValueError:
        return None
    return kph if math.isfinite(kph) and kph > 0 else None


def _table_speed(highway: str, table: Mapping[str, float], default: float) -> float:
    if highway in table:
        return float(table[highway])
    if highway.endswith("_link") and highway[:-5] in table:
        return float(table[highway[:-5]])
    return default


def _speeds(highway: np.ndarray, maxspeed_kph: np.ndarray, table: Mapping[str, float],
            default: float) -> np.ndarray:
    """km/h of each edge: its ``maxspeed`` when set, else ``table`` by ``highway``, else
    ``default``."""
    if not len(highway):
        return np.zeros(0)
    kinds, inverse = np.unique(highway.astype(str), return_inverse=True)
    by_kind = np.array([_table_speed(str(k), table, default) for k in kinds])
    posted = np.isfinite(maxspeed_kph) & (maxspeed_kph > 0)
    return np.where(posted, maxspeed_kph, by_kind[inverse.ravel()])


# A way as read from a file: (lon/lat vertices (k, 2), highway, maxspeed km/h, oneway).
_Way = tuple[np.ndarray, str, float | None, int]


def _build_network(ways: Sequence[_Way], path: Path) -> RoadNetwork:
    """Vertices merged on the 1e-7 degree grid; one edge per segment and allowed direction."""
    coords = (np.concatenate([w[0][:, :2] for w in ways]) if ways else np.zeros((0, 2)))
    way_of = np.repeat(np.arange(len(ways)), [len(w[0]) for w in ways])
    grid = np.rint(coords * _SCALE).astype(np.int64)
    # one int64 key per grid point: |lon| <= 1.8e9 and lat + 2e9 in [0, 4e9) on the grid
    _, first, vertex = np.unique(grid[:, 0] * 4_000_000_000 + grid[:, 1] + 2_000_000_000,
                                    return_index=True, return_inverse=True)
    vertex = vertex.ravel()
    seg = np.flatnonzero((way_of[:-1] == way_of[1:]) & (vertex[:-1] != vertex[1:]))
    if not len(seg):
        raise RoadNetworkError(f"road network '{path}': no usable road lines (need line "
                               "features with at least two distinct vertices, cars allowed)")
    used, ends = np.unique(np.concatenate([vertex[seg], vertex[seg + 1]]), return_inverse=True)
    su, sv = ends[:len(seg)], ends[len(seg):]  # vertices of degenerate lines are left out
    x, y = (grid[first[used]] / _SCALE).T
    _, _, length = _GEOD.inv(x[su], y[su], x[sv], y[sv])
    seg_way = way_of[seg]
    highway = _objects([w[1] for w in ways])[seg_way]
    maxspeed = np.array([math.nan if w[2] is None else w[2] for w in ways], dtype=float)[seg_way]
    oneway = np.array([w[3] for w in ways], dtype=np.int64)[seg_way]
    fwd, back = oneway >= 0, oneway <= 0
    pick = np.concatenate([np.flatnonzero(fwd), np.flatnonzero(back)])
    maxspeed = maxspeed[pick]
    highway = highway[pick]
    return RoadNetwork(
        x=x, y=y, node=np.arange(len(used), dtype=np.int64), virtual=np.zeros(len(used), bool),
        u=np.concatenate([su[fwd], sv[back]]).astype(np.int64),
        v=np.concatenate([sv[fwd], su[back]]).astype(np.int64),
        length_m=np.asarray(length, dtype=float)[pick],
        speed_kph=_speeds(highway, maxspeed, DEFAULT_SPEEDS_KPH, 30.0),
        maxspeed_kph=maxspeed, highway=highway)


def _car_way(tags: Mapping[str, Any]) -> bool:
    # access=private is kept on purpose: farm and village driveways are often tagged so, and
    # the delivery van is exactly the vehicle that is allowed on them.
    return (tags.get("highway") not in _NOT_FOR_CARS and tags.get("area") != "yes"
            and "no" not in (tags.get("access"), tags.get("motor_vehicle"), tags.get("motorcar")))


class _OsmWays(osmium.SimpleHandler):  # SimpleHandler works in pyosmium 3.7 and 4.x alike
    def __init__(self) -> None:
        super().__init__()
        self.ways: list[_Way] = []

    def way(self, w: osmium.osm.Way) -> None:
        tags = {t.k: t.v for t in w.tags}
        if "highway" not in tags or not _car_way(tags):
            return
        oneway = _oneway(tags.get("oneway"))
        if "oneway" not in tags and (tags.get("junction") in ("roundabout", "circular")
                                     or tags["highway"] == "motorway"):
            oneway = 1  # implied by OSM tagging rules
        part: list[tuple[float, float]] = []
        for n in [*w.nodes, None]:  # None flushes; nodes missing from an extract split the way
            if n is not None and n.location.valid():
                part.append((n.location.lon, n.location.lat))
                continue
            if len(part) >= 2:
                self.ways.append((np.array(part), tags["highway"],
                                  _maxspeed_kph(tags.get("maxspeed")), oneway))
            part = []


def _read_osm(path: Path) -> list[_Way]:
    handler = _OsmWays()
    handler.apply_file(str(path), locations=True)
    return handler.ways


def _read_layer(path: Path) -> list[_Way]:
    import geopandas as gpd  # deferred: heavy import only needed for line layers

    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is not None:  # no CRS: take lon/lat (GeoJSON's definition) and check below
        gdf = gdf.to_crs(4326)
    bounds = gdf.total_bounds  # a layer in metres without (or with a wrong) CRS lands here
    if len(gdf) and not (abs(bounds[[0, 2]]).max() <= 180 and abs(bounds[[1, 3]]).max() <= 90):
        raise RoadNetworkError(f"road network '{path}': coordinates must be lon/lat degrees "
                               f"after reprojection (is the CRS right?); got bounds "
                               f"{bounds.round(3).tolist()}")
    types = set(gdf.geom_type.dropna())
    gdf = gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]
    if gdf.empty:
        raise RoadNetworkError(f"road network '{path}': no LineString or MultiLineString "
                               f"features; got {sorted(types) or 'no features'}")
    cols = {str(c).lower(): c for c in gdf.columns}

    def column(name: str) -> list[Any]:
        values = gdf[cols[name]] if name in cols else [None] * len(gdf)
        return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                for v in values]

    ways: list[_Way] = []
    for geom, highway, maxspeed, oneway in zip(gdf.geometry, column("highway"),
                                               column("maxspeed"), column("oneway"), strict=True):
        tags = {"highway": "road" if highway is None else str(highway)}  # OSM's "unknown type"
        if not _car_way(tags):
            continue
        for part in shapely.get_parts(geom):  # MultiLineStrings are split into their lines
            ways.append((shapely.get_coordinates(part), tags["highway"], _maxspeed_kph(maxspeed),
                         _oneway(oneway)))
    return ways


def read_road_network(path: Path) -> RoadNetwork:
    """Read a road network file into a :class:`RoadNetwork` (arrays; what the matrices use).

    Parameters
    ----------
    path : pathlib.Path
        ``.osm``, ``.osm.pbf`` or ``.pbf`` (OpenStreetMap; ways with a ``highway`` tag that cars
        may use, ``oneway`` and numeric ``maxspeed`` respected) or a line layer ``.geojson``,
        ``.json``, ``.gpkg``, ``.shp`` with optional columns ``highway``, ``maxspeed`` (km/h) and
        ``oneway`` (bool / yes / no / -1). Layers in another CRS are reprojected to EPSG:4326.

    Returns
    -------
    RoadNetwork
        Vertices: every line vertex, merged when equal on a 1e-7 degree grid, labelled 0..V-1.
        Edges (one per direction allowed): ``length_m`` (geodesic, metres), ``highway``,
        ``maxspeed_kph`` (km/h or NaN), ``speed_kph`` (km/h, from ``maxspeed`` or
        ``DEFAULT_SPEEDS_KPH``, 30 when unknown).

    Raises
    ------
    RoadNetworkError
        The file is missing, unreadable, has an unsupported suffix or no usable road lines.
    """
    path = Path(path)
    name = path.name.lower()
    if not name.endswith(OSM_SUFFIXES + LAYER_SUFFIXES):
        raise RoadNetworkError(f"road network '{path}': suffix must be one of "
                               f"{', '.join(OSM_SUFFIXES + LAYER_SUFFIXES)}; got "
                               f"{''.join(path.suffixes) or 'none'!r}")
    if not path.is_file():
        raise RoadNetworkError(f"road network '{path}': file not found")
    try:
        ways = _read_osm(path) if name.endswith(OSM_SUFFIXES) else _read_layer(path)
    except RoadNetworkError:
        raise
    except Exception as exc:  # GDAL / libosmium raise many types; all mean "cannot read"
        raise RoadNetworkError(f"road network '{path}': cannot be read "
                               f"({type(exc).__name__}: {exc})") from exc
    return _build_network(ways, path)


def read_roads(path: Path) -> nx.MultiDiGraph:
    """Read a road network file into a directed ``networkx`` road graph (for inspection).

    Parameters
    ----------
    path : pathlib.Path
        As for :func:`read_road_network`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes: every line vertex, merged when equal on a 1e-7 degree grid; attributes ``x``,
        ``y`` (lon, lat degrees). Edges (one per direction allowed): ``length_m`` (geodesic,
        metres), ``highway``, ``maxspeed_kph`` (km/h or None), ``speed_kph`` (km/h, from
        ``maxspeed`` or ``DEFAULT_SPEEDS_KPH``, 30 when unknown), ``travel_time_s`` (seconds).

    Raises
    ------
    RoadNetworkError
        The file is missing, unreadable, has an unsupported suffix or no usable road lines.
    """
    return read_road_network(path).to_networkx()


def _utm(lon: float, lat: float) -> pyproj.Transformer:
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    return pyproj.Transformer.from_crs(4326, epsg, always_xy=True)


# A split of one undirected segment: (vertex chain u, virtual..., v; fractions 0, ..., 1).
_Split = tuple[list[int], list[float]]


def _split_edges(net: RoadNetwork, splits: Mapping[tuple[int, int], _Split],
                 new_xy: Sequence[tuple[float, float]]) -> RoadNetwork:
    """Add the virtual vertices ``new_xy`` and replace every edge u->v and v->u of each split
    segment (u, v) by edges along its chain, sharing length in proportion."""
    size = net.num_vertices + len(new_xy)
    lo, hi = np.minimum(net.u, net.v), np.maximum(net.u, net.v)
    key = lo * size + hi
    by_key = {a * size + b: split for (a, b), split in splits.items()}
    hit = np.flatnonzero(np.isin(key, list(by_key)) & (net.u != net.v))
    src: list[int] = []  # original edge of each new edge
    u: list[int] = []
    v: list[int] = []
    share: list[float] = []
    for e in hit.tolist():
        chain, frac = by_key[int(key[e])]
        if int(net.u[e]) != chain[0]:  # the edge runs v -> u: walk the chain backwards
            chain, frac = chain[::-1], [1 - t for t in frac[::-1]]
        for i in range(len(chain) - 1):
            src.append(e)
            u.append(chain[i])
            v.append(chain[i + 1])
            share.append(frac[i + 1] - frac[i])
    keep = np.ones(len(net.u), dtype=bool)
    keep[hit] = False
    idx = np.concatenate([np.flatnonzero(keep), np.array(src, dtype=np.int64)])
    length = net.length_m[idx]
    length[keep.sum():] *= np.array(share)
    first_new = int(net.node.max()) + 1 if len(net.node) else 0
    xy = np.array(new_xy, dtype=float).reshape(-1, 2)
    return RoadNetwork(
        x=np.concatenate([net.x, xy[:, 0]]), y=np.concatenate([net.y, xy[:, 1]]),
        node=np.concatenate([net.node, first_new + np.arange(len(xy), dtype=np.int64)]),
        virtual=np.concatenate([net.virtual, np.ones(len(xy), dtype=bool)]),
        u=np.concatenate([net.u[keep], np.array(u, dtype=np.int64)]),
        v=np.concatenate([net.v[keep], np.array(v, dtype=np.int64)]),
        length_m=length, speed_kph=net.speed_kph[idx], maxspeed_kph=net.maxspeed_kph[idx],
        highway=net.highway[idx])


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class _Trees:
    """Fastest-path trees from each of k vertices, pruned to the paths to those vertices."""

    time_s: np.ndarray  # (k, k) seconds, inf: no path
    length_m: np.ndarray  # (k, k) metres along the same paths
    ptr: np.ndarray  # (k + 1,) tree t is entries ptr[t]:ptr[t + 1]
    vertex: np.ndarray  # network vertex row of each entry
    parent: np.ndarray  # parent's position within the same tree, -1 at the root
    pos: np.ndarray  # (k, k) position of vertex s within tree t, -1: no path


def _fastest_trees(net: RoadNetwork, nodes: np.ndarray) -> _Trees:
    """One Dijkstra on travel time per vertex of ``nodes`` (unique vertex rows): times, lengths
    summed along the same predecessor tree, and the trees pruned to ``nodes``."""
    size, k = net.num_vertices, len(nodes)
    loop = net.u == net.v
    u, v = net.u[~loop], net.v[~loop]
    time_s, length_m = net.travel_time_s[~loop], net.length_m[~loop]
    key = u * size + v
    # Parallel edges: keep the fastest of each (u, v) (coo -> csr would SUM them), and its
    # length, so that the length summed below is the length of the edge that was timed.
    order = np.lexsort((length_m, time_s, key))
    best = order[np.r_[True, np.diff(key[order]) != 0]] if len(order) else order
    edge_key, edge_m = key[best], length_m[best]  # edge_key ascends
    # csgraph may treat explicit zeros as "no edge": a 1e-9 floor keeps zero-time edges.
    mat = csr_matrix((np.maximum(time_s[best], 1e-9), (u[best], v[best])), shape=(size, size))
    out_s, out_m = np.full((k, k), np.inf), np.full((k, k), np.inf)
    pos = np.full((k, k), -1, dtype=np.int64)
    vertex_parts: list[np.ndarray] = []
    parent_parts: list[np.ndarray] = []
    ptr = [0]
    batch = max(1, _BLOCK // max(size, 1))
    for start in range(0, k, batch):
        src = nodes[start:start + batch]
        b = len(src)
        dist, pred = dijkstra(mat, indices=src, return_predecessors=True)
        out_s[start:start + b] = dist[:, nodes]
        flat_pred = pred.ravel()
        # Prune: mark every vertex on a path from a source to one of `nodes`, walking the
        # predecessors up from all targets of all sources of the block at once.
        rows, cols = np.nonzero(np.isfinite(dist[:, nodes]))
        mark = np.zeros(b * size, dtype=bool)
        slot = np.empty(b * size, dtype=np.int32)  # de-duplicates a frontier without sorting
        frontier = rows * size + nodes[cols]  # distinct: nodes are
        while len(frontier):
            mark[frontier] = True
            up = flat_pred[frontier]
            step = (frontier - frontier % size + up)[up >= 0]
            step = step[~mark[step]]
            slot[step] = np.arange(len(step))
            frontier = step[slot[step] == np.arange(len(step))]
        flat = np.flatnonzero(mark)  # sorted: by source row, then vertex
        row, vert = flat // size, flat % size
        up = flat_pred[flat].astype(np.int64)
        root = up < 0  # the source itself (scipy marks it -9999)
        slot[flat] = np.arange(len(flat))  # (source, vertex) -> entry
        parent = slot[row * size + np.where(root, vert, up)].astype(np.int64)
        # Length of the tree edge into each entry, then sums up to the root by pointer
        # doubling: after step s, anc[i] is i's 2**s-th ancestor (or the root) and acc[i] the
        # length from anc[i] down to i; log2(depth) vectorised steps instead of a walk per pair.
        acc = np.zeros(len(flat))
        acc[~root] = edge_m[np.searchsorted(edge_key, up[~root] * size + vert[~root])]
        anc = parent
        while not np.array_equal(anc[anc], anc):
            acc = acc + acc[anc]
            anc = anc[anc]
        lo = np.searchsorted(row, np.arange(b + 1))  # each source's slice of the entries
        at = slot[rows * size + nodes[cols]].astype(np.int64)
        out_m[start + rows, cols] = acc[at]
        pos[start + rows, cols] = at - lo[rows]
        vertex_parts.append(vert)
        parent_parts.append(np.where(root, -1, parent - lo[row]))
        ptr.extend((ptr[-1] + lo[1:]).tolist())
    return _Trees(time_s=out_s, length_m=out_m, ptr=np.array(ptr, dtype=np.int64),
                  vertex=np.concatenate(vertex_parts) if vertex_parts else np.zeros(0, np.int64),
                  parent=np.concatenate(parent_parts) if parent_parts else np.zeros(0, np.int64),
                  pos=pos)


def road_matrices(station_ids: Sequence[str], lonlat: np.ndarray,
                  roads: RoadNetwork | nx.MultiDiGraph, *, max_snap_m: float = 2000.0,
                  speeds_kph: Mapping[str, float] | None = None, default_speed_kph: float = 30.0,
                  access_speed_kph: float = 15.0) -> RoadMatrices:
    """Road distance and travel time between every ordered pair of stations, on the fastest
    path.

    Parameters
    ----------
    station_ids : sequence of str
        Unique station ids; index 0 is the depot (reference for ``unreachable``).
    lonlat : numpy.ndarray
        (n, 2) station lon, lat, WGS84 degrees.
    roads : RoadNetwork or networkx.MultiDiGraph
        Road network as from :func:`read_road_network` or :func:`read_roads` (not modified).
    max_snap_m : float
        Largest station-to-road distance, metres; farther stations are unreachable.
    speeds_kph : mapping of str to float, optional
        Speed by ``highway`` tag, km/h, overriding entries of ``DEFAULT_SPEEDS_KPH``; an edge's
        ``maxspeed_kph`` wins over both.
    default_speed_kph : float
        Speed of roads whose ``highway`` is in neither table, km/h.
    access_speed_kph : float
        Speed over the straight snap leg between station and road, km/h.

    Returns
    -------
    RoadMatrices
        ``duration_s[i, j]`` = the fastest time: snap legs at ``access_speed_kph`` plus the
        shortest road time; ``distance_m[i, j]`` = snap_i + metres along that same fastest road
        path + snap_j (not the shortest road length). Both are rounded UP to whole metres /
        seconds, because rounding to nearest can break the triangle inequality of the times by
        1 (0.4 + 0.4 -> 0 + 0 < 1).

    Raises
    ------
    DataError
        Mismatched or non-finite inputs, duplicate ids, non-positive speeds, a graph whose node
        labels are not integers.
    RoadNetworkError
        The graph has no edges.
    """
    ids, pts = _checked_stations(station_ids, lonlat)
    table = _checked_speeds(speeds_kph, default_speed_kph, access_speed_kph, max_snap_m)
    net = roads if isinstance(roads, RoadNetwork) else RoadNetwork.from_networkx(roads)
    if not len(net.u):
        raise RoadNetworkError("road network: the graph has no edges")
    net = replace(net, speed_kph=_speeds(net.highway, net.maxspeed_kph, table,
                                         float(default_speed_kph)))
    if not ids:
        return _no_stations(net)
    snap = _snapped(net, pts, max_snap_m)
    net, station_node = _split_at_stations(net, snap)
    return _station_matrices(ids, pts, net, snap, station_node, access_speed_kph)


def _checked_stations(station_ids: Sequence[str], lonlat: np.ndarray
                      ) -> tuple[list[str], np.ndarray]:
    """The ids as strings and the (n, 2) finite lon, lat array; else a DataError."""
    ids = [str(s) for s in station_ids]
    n = len(ids)
    pts = np.asarray(lonlat, dtype=float)
    if pts.shape != (n, 2) and not (n == 0 and pts.size == 0):
        raise DataError(f"lonlat must have shape ({n}, 2); got {pts.shape}")
    pts = pts.reshape(n, 2)
    if not np.isfinite(pts).all():
        raise DataError(f"lonlat must be finite degrees; got {pts[~np.isfinite(pts).all(1)][:3]}")
    if len(set(ids)) != n:
        dupes = sorted({s for s in ids if ids.count(s) > 1})
        raise DataError(f"station_ids must be unique; got duplicates {dupes}")
    return ids, pts


def _checked_speeds(speeds_kph: Mapping[str, float] | None, default_speed_kph: float,
                    access_speed_kph: float, max_snap_m: float) -> dict[str, float]:
    """The speed table (defaults overridden by ``speeds_kph``), every speed finite and > 0
    and ``max_snap_m`` >= 0; else a DataError naming the value."""
    table = {**DEFAULT_SPEEDS_KPH, **(speeds_kph or {})}
    named = {"default_speed_kph": default_speed_kph, "access_speed_kph": access_speed_kph,
             **{f"speeds_kph[{k!r}]": v for k, v in table.items()}}
    for field, value in named.items():
        if not (float(value) > 0 and math.isfinite(value)):
            raise DataError(f"{field} must be a finite number > 0 km/h; got {value!r}")
    if not float(max_snap_m) >= 0:
        raise DataError(f"max_snap_m must be >= 0 metres; got {max_snap_m!r}")
    return table


def _no_stations(net: RoadNetwork) -> RoadMatrices:
    """The matrices of no station at all."""
    empty = np.zeros((0, 0), dtype=np.int64)
    empty.setflags(write=False)
    none = np.zeros(0, dtype=np.int32)
    paths = RoadPaths(station_lonlat=np.zeros((0, 2)), station_tree=np.zeros(0, np.int64),
                      tree_ptr=np.zeros(1, dtype=np.int64), tree_vertex=none,
                      tree_parent=none, tree_pos=np.zeros((0, 0), dtype=np.int32),
                      vertex_lonlat=np.zeros((0, 2)))
    return RoadMatrices(distance_m=empty, duration_s=empty, snaps=(), unreachable=(),
                        network=net, paths=paths)


@dataclass(frozen=True)
class _Snapped:
    """Each station's nearest road segment (``seg`` into ``pairs``, end points ``a``, ``b``
    in metres), its distance ``snap_m``, the foot point's fraction ``t`` along the segment,
    and whether it is within reach (``ok``); ``utm`` is the metric CRS used."""

    utm: Any
    pairs: np.ndarray
    seg: np.ndarray
    snap_m: np.ndarray
    a: np.ndarray
    b: np.ndarray
    seglen: np.ndarray
    t: np.ndarray
    ok: np.ndarray


def _snapped(net: RoadNetwork, pts: np.ndarray, max_snap_m: float) -> _Snapped:
    """Every station to its nearest road segment (an STRtree in a metric CRS)."""
    n = len(pts)
    utm = _utm(*np.median(pts, axis=0))  # metric CRS for the nearest-edge search
    xy = np.column_stack(utm.transform(net.x, net.y))
    real = net.u != net.v
    pairs = np.unique(np.column_stack([np.minimum(net.u, net.v)[real],
                                       np.maximum(net.u, net.v)[real]]), axis=0)
    ends = xy[pairs]  # (m, 2 ends, 2) segment end points, metres
    tree = shapely.STRtree(shapely.linestrings(ends))
    sxy = np.column_stack(utm.transform(pts[:, 0], pts[:, 1]))
    hit, dist = tree.query_nearest(shapely.points(sxy), return_distance=True, all_matches=False)
    seg, snap_m = np.empty(n, dtype=np.int64), np.empty(n)
    seg[hit[0]], snap_m[hit[0]] = hit[1], dist
    a, b = ends[seg, 0], ends[seg, 1]
    seglen = np.linalg.norm(b - a, axis=1)
    t = np.clip(np.einsum("ij,ij->i", sxy - a, b - a) / np.maximum(seglen, 1e-12) ** 2, 0, 1)
    return _Snapped(utm=utm, pairs=pairs, seg=seg, snap_m=snap_m, a=a, b=b, seglen=seglen, t=t,
                    ok=snap_m <= max_snap_m)


def _split_at_stations(net: RoadNetwork, sn: _Snapped) -> tuple[RoadNetwork, list[int]]:
    """Each hit edge split at its stations' foot points (stations at one point share a
    vertex); the network and each station's vertex."""
    pairs, seg, t, ok = sn.pairs, sn.seg, sn.t, sn.ok
    station_node = [int(pairs[s, 0] if tt <= 0.5 else pairs[s, 1])
                    for s, tt in zip(seg, t, strict=True)]
    splits: dict[tuple[int, int], _Split] = {}
    new_xy: list[tuple[float, float]] = []
    for s in np.unique(seg[ok]):
        u, v = int(pairs[s, 0]), int(pairs[s, 1])
        chain, frac = [u], [0.0]
        for i in sorted(np.flatnonzero(ok & (seg == s)), key=lambda i: t[i]):
            along = t[i] * sn.seglen[i]
            if along < _SAME_POINT_M or sn.seglen[i] - along < _SAME_POINT_M:
                station_node[i] = u if along < _SAME_POINT_M else v
            elif len(chain) > 1 and (t[i] - frac[-1]) * sn.seglen[i] < _SAME_POINT_M:
                station_node[i] = chain[-1]
            else:
                x, y = sn.a[i] + t[i] * (sn.b[i] - sn.a[i])
                lon, lat = sn.utm.transform(x, y, direction="INVERSE")
                new_xy.append((float(lon), float(lat)))
                chain.append(net.num_vertices + len(new_xy) - 1)
                frac.append(float(t[i]))
                station_node[i] = chain[-1]
        if len(chain) > 1:
            splits[(u, v)] = ([*chain, v], [*frac, 1.0])
    return (_split_edges(net, splits, new_xy) if splits else net), station_node


def _station_matrices(ids: list[str], pts: np.ndarray, net: RoadNetwork, sn: _Snapped,
                      station_node: list[int], access_speed_kph: float) -> RoadMatrices:
    """Distances and times between the stations on the fastest road paths (snap legs at
    ``access_speed_kph``), rounded up; the stations the depot cannot reach or be reached
    from; the path trees kept for the maps."""
    n, ok, snap_m = len(ids), sn.ok, sn.snap_m
    dist_m = np.full((n, n), float(UNREACHABLE))
    time_s = np.full((n, n), float(UNREACHABLE))
    idx = np.flatnonzero(ok)
    station_tree = np.full(n, -1, dtype=np.int64)
    nodes, inverse = np.unique(np.array(station_node, dtype=np.int64)[idx], return_inverse=True)
    trees = _fastest_trees(net, nodes)
    if len(idx):
        station_tree[idx] = inverse
        leg_m = snap_m[idx][:, None] + snap_m[idx][None, :]
        block = np.ix_(idx, idx)
        dist_m[block] = leg_m + trees.length_m[np.ix_(inverse, inverse)]
        time_s[block] = leg_m / access_speed_kph * 3.6 + trees.time_s[np.ix_(inverse, inverse)]
    matrices = []
    for m in (dist_m, time_s):
        out = np.where(np.isfinite(m), np.ceil(np.minimum(m, UNREACHABLE)), UNREACHABLE)
        out = out.astype(np.int64)
        np.fill_diagonal(out, 0)
        out.setflags(write=False)
        matrices.append(out)
    bad = (matrices[0][0] >= UNREACHABLE) | (matrices[0][:, 0] >= UNREACHABLE)
    bad[0] = not ok[0]
    used = np.zeros(net.num_vertices, dtype=bool)  # vertices on some path, kept in the cache
    used[trees.vertex] = True
    tree_vertex = (np.cumsum(used) - 1)[trees.vertex]
    # int32 halves the cache file: positions and rows are below the vertex count
    paths = RoadPaths(station_lonlat=pts.copy(), station_tree=station_tree,
                      tree_ptr=trees.ptr, tree_vertex=tree_vertex.astype(np.int32),
                      tree_parent=trees.parent.astype(np.int32),
                      tree_pos=trees.pos.astype(np.int32),
                      vertex_lonlat=np.column_stack([net.x[used], net.y[used]]))
    return RoadMatrices(
        distance_m=matrices[0], duration_s=matrices[1],
        snaps=tuple(Snap(station_id=s, node=int(net.node[station_node[i]]),
                         snap_m=float(snap_m[i])) for i, s in enumerate(ids)),
        unreachable=tuple(s for s, flag in zip(ids, bad, strict=True) if flag),
        network=net, paths=paths)
