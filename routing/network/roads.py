"""Travel distance and time matrices between stations over a real road network.

A road file (OSM XML/PBF via pyosmium, or a GIS line layer via pyogrio) becomes a
``networkx.MultiDiGraph`` whose nodes are road vertices (``x``, ``y`` = lon, lat WGS84) and whose
edges carry ``length_m``, ``speed_kph``, ``travel_time_s`` and ``highway``. Stations are snapped
onto the nearest point of the nearest edge (the edge is split there by a virtual node), and one
batched scipy Dijkstra per metric gives all station-to-station shortest paths.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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

__all__ = ["DEFAULT_SPEEDS_KPH", "UNREACHABLE", "RoadMatrices", "Snap", "read_roads",
           "road_matrices"]

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
class RoadMatrices:
    """Station-to-station road matrices (row = from, column = to).

    Attributes
    ----------
    distance_m : numpy.ndarray
        (n, n) int64 metres, zero diagonal, read-only; ``UNREACHABLE`` where there is no path.
    duration_s : numpy.ndarray
        (n, n) int64 seconds, same conventions.
    snaps : tuple of Snap
        One per station, in input order.
    unreachable : tuple of str
        Stations (input order) that cannot reach, or cannot be reached from, station 0 (the
        depot), including stations farther than ``max_snap_m`` from any road.
    graph : networkx.MultiDiGraph
        Copy of the road graph with the speeds used and with the stations' virtual nodes.
    """

    distance_m: np.ndarray
    duration_s: np.ndarray
    snaps: tuple[Snap, ...]
    unreachable: tuple[str, ...]
    graph: nx.MultiDiGraph


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


def _speed(data: Mapping[str, Any], table: Mapping[str, float], default: float) -> float:
    ms = data.get("maxspeed_kph")
    if ms is not None and math.isfinite(ms) and ms > 0:
        return float(ms)
    highway = data.get("highway")
    if isinstance(highway, str):
        if highway in table:
            return float(table[highway])
        if highway.endswith("_link") and highway[:-5] in table:
            return float(table[highway[:-5]])
    return default


# A way as read from a file: (lon/lat vertices (k, 2), highway, maxspeed km/h, oneway).
_Way = tuple[np.ndarray, str, float | None, int]


def _build_graph(ways: Iterable[_Way], path: Path) -> nx.MultiDiGraph:
    node_of: dict[tuple[int, int], int] = {}  # grid key -> node id, ids in insertion order
    segs: list[tuple[int, int, str, float | None, int]] = []
    for coords, highway, maxspeed, oneway in ways:
        prev = -1
        for key in map(tuple, np.rint(coords[:, :2] * _SCALE).astype(np.int64).tolist()):
            node = node_of.setdefault(key, len(node_of))
            if prev >= 0 and prev != node:
                segs.append((prev, node, highway, maxspeed, oneway))
            prev = node
    if not segs:
        raise RoadNetworkError(f"road network '{path}': no usable road lines (need line "
                               "features with at least two distinct vertices, cars allowed)")
    x, y = (np.array(list(node_of), dtype=np.int64) / _SCALE).T
    u = np.array([s[0] for s in segs])
    v = np.array([s[1] for s in segs])
    _, _, length = _GEOD.inv(x[u], y[u], x[v], y[v])
    used = np.unique(np.concatenate([u, v]))  # vertices of degenerate lines are left out
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    graph.add_nodes_from((int(i), {"x": float(x[i]), "y": float(y[i])}) for i in used)
    for (a, b, highway, maxspeed, oneway), metres in zip(segs, length.tolist(), strict=True):
        data = {"length_m": metres, "highway": highway, "maxspeed_kph": maxspeed}
        data["speed_kph"] = kph = _speed(data, DEFAULT_SPEEDS_KPH, 30.0)
        data["travel_time_s"] = metres / kph * 3.6
        if oneway >= 0:
            graph.add_edge(a, b, **data)
        if oneway <= 0:
            graph.add_edge(b, a, **data)
    return graph


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


def read_roads(path: Path) -> nx.MultiDiGraph:
    """Read a road network file into a directed road graph.

    Parameters
    ----------
    path : pathlib.Path
        ``.osm``, ``.osm.pbf`` or ``.pbf`` (OpenStreetMap; ways with a ``highway`` tag that cars
        may use, ``oneway`` and numeric ``maxspeed`` respected) or a line layer ``.geojson``,
        ``.json``, ``.gpkg``, ``.shp`` with optional columns ``highway``, ``maxspeed`` (km/h) and
        ``oneway`` (bool / yes / no / -1). Layers in another CRS are reprojected to EPSG:4326.

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
    return _build_graph(ways, path)


def _utm(lon: float, lat: float) -> pyproj.Transformer:
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    return pyproj.Transformer.from_crs(4326, epsg, always_xy=True)


def _split_edges(graph: nx.MultiDiGraph, u: Any, v: Any, chain: list[Any],
                 frac: list[float]) -> None:
    """Replace every edge u->v and v->u by edges along ``chain`` (u, virtual..., v)."""
    for a, b, nodes, f in ((u, v, chain, frac), (v, u, chain[::-1], [1 - t for t in frac[::-1]])):
        for key, data in list(graph.get_edge_data(a, b, default={}).items()):
            graph.remove_edge(a, b, key)
            for i in range(len(nodes) - 1):
                share = f[i + 1] - f[i]
                graph.add_edge(nodes[i], nodes[i + 1], **{
                    **data, "length_m": data["length_m"] * share,
                    "travel_time_s": data["travel_time_s"] * share})


def _pairwise(graph: nx.MultiDiGraph, nodes: list[Any],
              weights: tuple[str, ...]) -> list[np.ndarray]:
    """Shortest-path sums of each ``weight`` between ``nodes`` (inf: no path), batched Dijkstra."""
    index = {v: i for i, v in enumerate(graph.nodes)}
    size = len(index)
    arr = np.array([(index[a], index[b], *(d[w] for w in weights))
                    for a, b, d in graph.edges(data=True) if a != b], dtype=float)
    arr = arr.reshape(-1, 2 + len(weights))
    rows, cols = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
    src, inverse = np.unique([index[v] for v in nodes], return_inverse=True)
    batch = max(1, 20_000_000 // size)  # bound each (batch, size) float64 block to ~160 MB
    result = []
    for k in range(len(weights)):
        w = arr[:, 2 + k]
        # coo -> csr would SUM parallel edges; keep the smallest weight of each (row, col).
        order = np.lexsort((w, rows * size + cols))
        keep = order[np.r_[True, np.diff((rows * size + cols)[order]) != 0]]
        # csgraph may treat explicit zeros as "no edge": a 1e-9 floor keeps zero-weight edges.
        mat = csr_matrix((np.maximum(w[keep], 1e-9), (rows[keep], cols[keep])),
                         shape=(size, size))
        out = np.empty((len(src), len(src)))
        for start in range(0, len(src), batch):
            out[start:start + batch] = dijkstra(mat, indices=src[start:start + batch])[:, src]
        result.append(out[np.ix_(inverse, inverse)])
    return result


def road_matrices(station_ids: Sequence[str], lonlat: np.ndarray, graph: nx.MultiDiGraph, *,
                  max_snap_m: float = 2000.0, speeds_kph: Mapping[str, float] | None = None,
                  default_speed_kph: float = 30.0, access_speed_kph: float = 15.0) -> RoadMatrices:
    """Road distance and travel time between every ordered pair of stations.

    Parameters
    ----------
    station_ids : sequence of str
        Unique station ids; index 0 is the depot (reference for ``unreachable``).
    lonlat : numpy.ndarray
        (n, 2) station lon, lat, WGS84 degrees.
    graph : networkx.MultiDiGraph
        Road graph as from :func:`read_roads` (not modified).
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
        ``distance_m[i, j]`` = snap_i + along-road metres + snap_j, ``duration_s`` likewise with
        the snap legs at ``access_speed_kph``; rounded UP to whole metres / seconds, because
        rounding to nearest can break the triangle inequality by 1 (0.4 + 0.4 -> 0 + 0 < 1).

    Raises
    ------
    DataError
        Mismatched or non-finite inputs, duplicate ids, non-positive speeds.
    RoadNetworkError
        The graph has no edges.
    """
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
    table = {**DEFAULT_SPEEDS_KPH, **(speeds_kph or {})}
    named = {"default_speed_kph": default_speed_kph, "access_speed_kph": access_speed_kph,
             **{f"speeds_kph[{k!r}]": v for k, v in table.items()}}
    for field, value in named.items():
        if not (float(value) > 0 and math.isfinite(value)):
            raise DataError(f"{field} must be a finite number > 0 km/h; got {value!r}")
    if not float(max_snap_m) >= 0:
        raise DataError(f"max_snap_m must be >= 0 metres; got {max_snap_m!r}")
    if next(iter(graph.edges()), None) is None:
        raise RoadNetworkError("road network: the graph has no edges")
    roads = graph.copy()
    for _, _, data in roads.edges(data=True):
        data["speed_kph"] = kph = _speed(data, table, float(default_speed_kph))
        data["travel_time_s"] = data["length_m"] / kph * 3.6

    if n == 0:
        empty = np.zeros((0, 0), dtype=np.int64)
        empty.setflags(write=False)
        return RoadMatrices(distance_m=empty, duration_s=empty, snaps=(), unreachable=(),
                            graph=roads)

    nodes = list(roads.nodes)
    utm = _utm(*np.median(pts, axis=0))  # metric CRS for the nearest-edge search
    pos = {v: i for i, v in enumerate(nodes)}
    xy = np.column_stack(utm.transform([roads.nodes[v]["x"] for v in nodes],
                                       [roads.nodes[v]["y"] for v in nodes]))
    pairs = np.array(sorted({(min(pos[a], pos[b]), max(pos[a], pos[b]))
                             for a, b in roads.edges() if a != b}))
    ends = xy[pairs]  # (m, 2 ends, 2) segment end points, metres
    tree = shapely.STRtree(shapely.linestrings(ends))
    sxy = np.column_stack(utm.transform(pts[:, 0], pts[:, 1]))
    hit, dist = tree.query_nearest(shapely.points(sxy), return_distance=True, all_matches=False)
    seg, snap_m = np.empty(n, dtype=np.int64), np.empty(n)
    seg[hit[0]], snap_m[hit[0]] = hit[1], dist
    a, b = ends[seg, 0], ends[seg, 1]
    seglen = np.linalg.norm(b - a, axis=1)
    t = np.clip(np.einsum("ij,ij->i", sxy - a, b - a) / np.maximum(seglen, 1e-12) ** 2, 0, 1)
    ok = snap_m <= max_snap_m

    # Split each hit edge at its stations' foot points; stations at one point share a node.
    station_node: list[Any] = [nodes[pairs[s, 0] if tt <= 0.5 else pairs[s, 1]]
                               for s, tt in zip(seg, t, strict=True)]
    next_id = max((v for v in nodes if isinstance(v, int)), default=-1) + 1
    for s in np.unique(seg[ok]):
        u, v = nodes[pairs[s, 0]], nodes[pairs[s, 1]]
        chain, frac = [u], [0.0]
        for i in sorted(np.flatnonzero(ok & (seg == s)), key=lambda i: t[i]):
            along = t[i] * seglen[i]
            if along < _SAME_POINT_M or seglen[i] - along < _SAME_POINT_M:
                station_node[i] = u if along < _SAME_POINT_M else v
            elif len(chain) > 1 and (t[i] - frac[-1]) * seglen[i] < _SAME_POINT_M:
                station_node[i] = chain[-1]
            else:
                lon, lat = utm.transform(*(a[i] + t[i] * (b[i] - a[i])), direction="INVERSE")
                roads.add_node(next_id, x=float(lon), y=float(lat), virtual=True)
                chain.append(next_id)
                frac.append(float(t[i]))
                station_node[i] = next_id
                next_id += 1
        if len(chain) > 1:
            _split_edges(roads, u, v, [*chain, v], [*frac, 1.0])

    dist_m = np.full((n, n), float(UNREACHABLE))
    time_s = np.full((n, n), float(UNREACHABLE))
    idx = np.flatnonzero(ok)
    if len(idx):
        snapped = [station_node[i] for i in idx]
        leg_m = snap_m[idx][:, None] + snap_m[idx][None, :]
        block = np.ix_(idx, idx)
        road_m, road_s = _pairwise(roads, snapped, ("length_m", "travel_time_s"))
        dist_m[block] = leg_m + road_m
        time_s[block] = leg_m / access_speed_kph * 3.6 + road_s
    matrices = []
    for m in (dist_m, time_s):
        out = np.where(np.isfinite(m), np.ceil(np.minimum(m, UNREACHABLE)), UNREACHABLE)
        out = out.astype(np.int64)
        np.fill_diagonal(out, 0)
        out.setflags(write=False)
        matrices.append(out)
    bad = (matrices[0][0] >= UNREACHABLE) | (matrices[0][:, 0] >= UNREACHABLE)
    bad[0] = not ok[0]
    return RoadMatrices(
        distance_m=matrices[0], duration_s=matrices[1],
        snaps=tuple(Snap(station_id=s, node=int(station_node[i]), snap_m=float(snap_m[i]))
                    for i, s in enumerate(ids)),
        unreachable=tuple(s for s, flag in zip(ids, bad, strict=True) if flag), graph=roads)
