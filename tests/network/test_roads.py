"""Tests for routing.network.roads: reading road files, snapping, road matrices."""

from __future__ import annotations

import itertools
import json
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmium
import pyproj
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.exceptions import DataError, RoadNetworkError
from routing.network.roads import (
    DEFAULT_SPEEDS_KPH,
    UNREACHABLE,
    RoadMatrices,
    RoadNetwork,
    RoadPaths,
    read_road_network,
    read_roads,
    road_matrices,
)

GEOD = pyproj.Geod(ellps="WGS84")
LON0, LAT0, D = 111.0, 23.0, 0.001  # ~102 m east-west, ~111 m north-south per grid step
M_PER_DEG_LAT = 110_760.0  # near 23 N
M_PER_DEG_LON = 102_500.0


def P(i: float, j: float) -> tuple[float, float]:
    """Grid point (column i, row j) as lon, lat."""
    return (round(LON0 + i * D, 7), round(LAT0 + j * D, 7))


def east(m: float) -> float:
    return m / M_PER_DEG_LON


def north(m: float) -> float:
    return m / M_PER_DEG_LAT


def geod_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


# ---------------------------------------------------------------------------------------------
# Fixture network: 3x3 grid. Rows are single multi-vertex lines; columns are one line per block,
# one of them oneway northbound (x=2, y 0->1). A MultiLineString dead end (track) hangs off (0,0),
# a footway diagonal must be ignored, and an island road lies ~3 km east.
# ---------------------------------------------------------------------------------------------

def feature(coords: list, **props: object) -> dict:
    kind = "MultiLineString" if isinstance(coords[0][0], tuple) else "LineString"
    return {"type": "Feature", "properties": props, "geometry": {"type": kind,
                                                                 "coordinates": coords}}


def network_features() -> list[dict]:
    feats = [feature([P(0, j), P(1, j), P(2, j)], highway="residential", maxspeed=None,
                     oneway=None) for j in range(3)]
    feats[2]["properties"]["maxspeed"] = 60  # top row: maxspeed wins over the table
    for i in range(3):
        for j in range(2):
            props = {"highway": "tertiary", "maxspeed": None, "oneway": None}
            if (i, j) == (2, 0):
                props["oneway"] = "yes"
            feats.append(feature([P(i, j), P(i, j + 1)], **props))
    feats.append(feature([[P(0, 0), P(-1, 0)], [P(-1, 0), P(-1, -1)]], highway="track",
                         maxspeed=None, oneway=None))
    feats.append(feature([P(0, 0), P(2, 2)], highway="footway", maxspeed=None, oneway=None))
    feats.append(feature([P(30, 0), P(31, 0)], highway=None, maxspeed=None, oneway=None))
    return feats


def write_geojson(path: Path, feats: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def osm_xml() -> str:
    """The same network as network_features() in OSM XML (oneway drawn reversed, oneway=-1)."""
    nodes: dict[tuple[float, float], int] = {}

    def ref(p: tuple[float, float]) -> int:
        return nodes.setdefault(p, 100 + len(nodes))

    ways: list[tuple[list[tuple[float, float]], dict[str, str]]] = []
    for j in range(3):
        tags = {"highway": "residential"} | ({"maxspeed": "60"} if j == 2 else {})
        ways.append(([P(0, j), P(1, j), P(2, j)], tags))
    for i in range(3):
        for j in range(2):
            if (i, j) == (2, 0):
                ways.append(([P(2, 1), P(2, 0)], {"highway": "tertiary", "oneway": "-1"}))
            else:
                ways.append(([P(i, j), P(i, j + 1)], {"highway": "tertiary"}))
    ways += [([P(0, 0), P(-1, 0)], {"highway": "track"}),
             ([P(-1, 0), P(-1, -1)], {"highway": "track"}),
             ([P(0, 0), P(2, 2)], {"highway": "footway"}),
             ([P(0, 0), P(0, 2)], {"highway": "primary", "access": "no"}),
             ([P(0, 0), P(1, 1), P(2, 0), P(0, 0)], {"building": "yes"}),
             ([P(30, 0), P(31, 0)], {"highway": "road"})]
    way_xml = []
    for k, (pts, tags) in enumerate(ways):
        body = "".join(f'<nd ref="{ref(p)}"/>' for p in pts)
        body += "".join(f'<tag k="{key}" v="{val}"/>' for key, val in tags.items())
        way_xml.append(f'<way id="{k + 1}" version="1">{body}</way>')
    node_xml = [f'<node id="{nid}" version="1" lat="{p[1]:.7f}" lon="{p[0]:.7f}"/>'
                for p, nid in nodes.items()]
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"test\">\n"
            + "\n".join(node_xml + way_xml) + "\n</osm>\n")


# Stations: depot 10 m north of the middle of row-1 block (0,1)-(1,1); A and B 15 m east of the
# oneway at 25 % and 75 % of it; C 33 m beyond the dead-end tip; I next to the island road; F
# ~10 km from every road.
STATIONS = ["depot", "A", "B", "C", "I", "F", "G"]
LONLAT = np.array([
    (LON0 + 0.5 * D, LAT0 + D + north(10)),
    (LON0 + 2 * D + east(15), LAT0 + 0.25 * D),
    (LON0 + 2 * D + east(15), LAT0 + 0.75 * D),
    (LON0 - D, LAT0 - D - north(33)),
    (LON0 + 30.5 * D, LAT0 + north(20)),
    (LON0 + 100 * D, LAT0),
    (LON0 + 1.5 * D, LAT0 + 2 * D - north(40)),  # G: 40 m south of the middle of the top row
])


@pytest.fixture
def roads_geojson(tmp_path: Path) -> Path:
    return write_geojson(tmp_path / "roads.geojson", network_features())


@pytest.fixture
def result(roads_geojson: Path) -> RoadMatrices:
    return road_matrices(STATIONS, LONLAT, read_roads(roads_geojson))


def assert_triangle(m: np.ndarray) -> None:
    # (i, j, k): m[i, k] <= m[i, j] + m[j, k] for every triple.
    assert np.all(m[:, None, :] <= m[:, :, None] + m[None, :, :])


def reachable_block(res: RoadMatrices) -> tuple[np.ndarray, np.ndarray]:
    keep = [i for i, s in enumerate(STATIONS) if s not in res.unreachable]
    return res.distance_m[np.ix_(keep, keep)], res.duration_s[np.ix_(keep, keep)]


# --- reading ---------------------------------------------------------------------------------

def test_read_geojson_graph(roads_geojson: Path) -> None:
    g = read_roads(roads_geojson)
    assert isinstance(g, nx.MultiDiGraph)
    # 9 grid vertices + 2 dead-end vertices + 2 island vertices; footway dropped.
    assert g.number_of_nodes() == 13
    # grid: 6 row blocks + 6 column blocks, both ways except the oneway; 2 track; 1 island.
    assert g.number_of_edges() == 2 * (6 + 6 + 2 + 1) - 1
    node_at = {(d["x"], d["y"]): v for v, d in g.nodes(data=True)}
    a, b = node_at[P(2, 0)], node_at[P(2, 1)]
    assert g.has_edge(a, b) and not g.has_edge(b, a)
    assert not g.has_edge(node_at[P(0, 0)], node_at[P(2, 2)])  # footway
    edge = g.get_edge_data(a, b)[0]
    assert edge["length_m"] == pytest.approx(geod_m(P(2, 0), P(2, 1)), rel=1e-9)
    assert edge["highway"] == "tertiary" and edge["speed_kph"] == 40.0
    assert edge["travel_time_s"] == pytest.approx(edge["length_m"] / 40.0 * 3.6)
    top = g.get_edge_data(node_at[P(0, 2)], node_at[P(1, 2)])[0]
    assert top["speed_kph"] == 60.0 and top["maxspeed_kph"] == 60.0
    island = g.get_edge_data(node_at[P(30, 0)], node_at[P(31, 0)])[0]
    assert island["highway"] == "road" and island["speed_kph"] == 30.0
    # the MultiLineString was split and its parts share the middle vertex
    assert g.has_edge(node_at[P(0, 0)], node_at[P(-1, 0)])
    assert g.has_edge(node_at[P(-1, 0)], node_at[P(-1, -1)])


def test_default_speeds_table() -> None:
    assert DEFAULT_SPEEDS_KPH["motorway"] == 90 and DEFAULT_SPEEDS_KPH["motorway_link"] == 90
    assert DEFAULT_SPEEDS_KPH["secondary_link"] == 50 and DEFAULT_SPEEDS_KPH["track"] == 15
    assert DEFAULT_SPEEDS_KPH["living_street"] == 10


# --- snapping and matrices -------------------------------------------------------------------

def test_snaps(result: RoadMatrices) -> None:
    snaps = {s.station_id: s for s in result.snaps}
    assert [s.station_id for s in result.snaps] == STATIONS
    assert snaps["depot"].snap_m == pytest.approx(10, abs=0.1)
    assert snaps["A"].snap_m == pytest.approx(15, abs=0.1)
    assert snaps["B"].snap_m == pytest.approx(15, abs=0.1)
    assert snaps["G"].snap_m == pytest.approx(40, abs=0.1)
    tip = geod_m(P(-1, -1), (LONLAT[3][0], LONLAT[3][1]))
    assert snaps["C"].snap_m == pytest.approx(tip, abs=0.1)
    g = result.graph
    assert (g.nodes[snaps["C"].node]["x"], g.nodes[snaps["C"].node]["y"]) == P(-1, -1)
    # depot sits on a virtual node splitting its block in the middle
    dep = g.nodes[snaps["depot"].node]
    assert dep.get("virtual") is True
    assert dep["x"] == pytest.approx(LON0 + 0.5 * D, abs=1e-6)
    assert dep["y"] == pytest.approx(LAT0 + D, abs=1e-6)
    assert snaps["F"].snap_m > 5000


def test_unreachable(result: RoadMatrices) -> None:
    assert result.unreachable == ("I", "F")
    n = len(STATIONS)
    for s in ("I", "F"):
        i = STATIONS.index(s)
        others = [k for k in range(n) if k != i]
        assert np.all(result.distance_m[i, others] == UNREACHABLE)
        assert np.all(result.duration_s[others, i] == UNREACHABLE)
        assert result.distance_m[i, i] == 0


def test_matrix_conventions(result: RoadMatrices) -> None:
    for m in (result.distance_m, result.duration_s):
        assert m.dtype == np.int64 and m.shape == (len(STATIONS),) * 2
        assert np.all(np.diag(m) == 0) and np.all(m >= 0)
        assert not m.flags.writeable
        with pytest.raises(ValueError):
            m[0, 1] = 5
    # Only times are a metric: metres are measured along the fastest path (see
    # test_distance_is_measured_along_the_fastest_path).
    assert_triangle(result.duration_s)
    for m in reachable_block(result):
        assert np.all(m[~np.eye(len(m), dtype=bool)] > 0)
    assert_triangle(reachable_block(result)[1])


def test_oneway_asymmetry_and_values(result: RoadMatrices) -> None:
    a, b = STATIONS.index("A"), STATIONS.index("B")
    lv = geod_m(P(2, 0), P(2, 1))
    lh = geod_m(P(1, 0), P(2, 0))
    ab = result.distance_m[a, b]
    ba = result.distance_m[b, a]
    assert ab == pytest.approx(15 + 0.5 * lv + 15, abs=1.5)
    # B -> A: north to (2,1), round the block via (1,1), (1,0), back east and north to A
    assert ba == pytest.approx(15 + 0.25 * lv + lh + lv + lh + 0.25 * lv + 15, abs=1.5)
    assert ba > ab + 300
    # duration: 2 x 15 m at 15 km/h access + 0.5 lv at 40 km/h
    assert result.duration_s[a, b] == pytest.approx(30 / 15 * 3.6 + 0.5 * lv / 40 * 3.6, abs=1.5)


def _path_nodes(res: RoadMatrices, g: nx.MultiDiGraph, i: int, j: int) -> list[int]:
    """Graph nodes of the road path kept in ``res.paths`` from station i to station j."""
    at = {(d["x"], d["y"]): v for v, d in g.nodes(data=True)}
    verts = res.paths.road_vertices(i, j)
    assert verts is not None
    return [at[(x, y)] for x, y in verts.tolist()]


def test_matrices_match_networkx_on_returned_graph(result: RoadMatrices) -> None:
    """duration = networkx's fastest time; distance = metres along the kept path, and that path
    is a fastest one, from the first station's road node to the second's."""
    g = result.graph
    snaps = result.snaps
    for i, si in enumerate(snaps):
        for j, sj in enumerate(snaps):
            if i == j or {si.station_id, sj.station_id} & set(result.unreachable):
                continue
            nodes = _path_nodes(result, g, i, j)
            assert (nodes[0], nodes[-1]) == (si.node, sj.node)
            edges = [min(g.get_edge_data(a, b).values(), key=lambda d: d["travel_time_s"])
                     for a, b in itertools.pairwise(nodes)]
            fastest = nx.shortest_path_length(g, si.node, sj.node, weight="travel_time_s")
            assert sum(d["travel_time_s"] for d in edges) == pytest.approx(fastest, abs=1e-6)
            leg = si.snap_m + sj.snap_m
            for m, want in ((result.distance_m, leg + sum(d["length_m"] for d in edges)),
                            (result.duration_s, leg / 15.0 * 3.6 + fastest)):
                # rounded up: within [0, 1) above the float path value (1e-6 for float noise)
                assert -1e-6 <= m[i, j] - want < 1 + 1e-6


def test_distance_is_measured_along_the_fastest_path(tmp_path: Path) -> None:
    """A short slow track and a long fast primary join s0 and s1: both matrices follow the
    primary (distance along it, not the track's shorter length), and so does the kept path."""
    detour = [P(0, 0), P(0, 1), P(4, 1), P(4, 0)]
    g = read_roads(write_geojson(tmp_path / "two.geojson", [
        feature([P(0, 0), P(4, 0)], highway="track"),  # 15 km/h, ~410 m
        feature(detour, highway="primary")]))  # 60 km/h, ~630 m
    pts = np.array([(LON0 - 0.2 * D, LAT0), (LON0 + 4.2 * D, LAT0)])  # ~20 m beyond each end
    res = road_matrices(["s0", "s1"], pts, g)
    snap = sum(s.snap_m for s in res.snaps)
    fast_m = sum(geod_m(a, b) for a, b in itertools.pairwise(detour))
    short_m = geod_m(P(0, 0), P(4, 0))
    assert fast_m > short_m + 200 and fast_m / 60 < short_m / 15  # longer, but quicker
    for i, j in ((0, 1), (1, 0)):
        assert res.distance_m[i, j] == math.ceil(snap + fast_m - 1e-6)
        assert res.duration_s[i, j] == math.ceil(snap / 15 * 3.6 + fast_m / 60 * 3.6 - 1e-6)
    np.testing.assert_allclose(res.paths.road_vertices(0, 1), detour, atol=1e-9)
    np.testing.assert_allclose(res.paths.road_vertices(1, 0), detour[::-1], atol=1e-9)
    np.testing.assert_allclose(res.paths.leg_lonlat(0, 1), [pts[0], *detour, pts[1]], atol=1e-9)


def test_paths_of_unsnapped_and_unreachable_stations(result: RoadMatrices) -> None:
    """No road path: F is beyond max_snap_m, I is on an island; a station to itself is its own
    road node."""
    f, i, a = STATIONS.index("F"), STATIONS.index("I"), STATIONS.index("A")
    assert result.paths.road_vertices(a, f) is None and result.paths.road_vertices(f, a) is None
    assert result.paths.road_vertices(a, i) is None and result.paths.leg_lonlat(i, a) is None
    assert len(result.paths.road_vertices(a, a)) == 1


def test_network_and_networkx_inputs_agree(roads_geojson: Path, result: RoadMatrices,
                                           tmp_path: Path) -> None:
    """road_matrices gives the same answer from the array network as from its networkx graph;
    the kept paths survive a round trip through their arrays."""
    net = read_road_network(roads_geojson)
    assert isinstance(net, RoadNetwork) and net.num_vertices == 13 and len(net.u) == 29
    res = road_matrices(STATIONS, LONLAT, net)
    np.testing.assert_array_equal(res.distance_m, result.distance_m)
    np.testing.assert_array_equal(res.duration_s, result.duration_s)
    np.savez(tmp_path / "paths.npz", **res.paths.to_arrays())
    with np.load(tmp_path / "paths.npz") as z:
        back = RoadPaths.from_arrays(z)
    for i in range(len(STATIONS)):
        for j in range(len(STATIONS)):
            a, b = res.paths.leg_lonlat(i, j), back.leg_lonlat(i, j)
            assert (a is None and b is None) or np.array_equal(a, b)
    with pytest.raises(DataError, match="integers"):
        road_matrices(["a"], LONLAT[:1], nx.relabel_nodes(read_roads(roads_geojson), str))


def test_input_graph_not_modified(roads_geojson: Path) -> None:
    g = read_roads(roads_geojson)
    before = (g.number_of_nodes(), g.number_of_edges())
    res = road_matrices(STATIONS, LONLAT, g, speeds_kph={"tertiary": 20.0})
    assert (g.number_of_nodes(), g.number_of_edges()) == before
    assert res.graph.number_of_nodes() > before[0]
    assert all(d["speed_kph"] != 20.0 for *_, d in g.edges(data=True))


def test_speed_options(roads_geojson: Path) -> None:
    g = read_roads(roads_geojson)
    base = road_matrices(STATIONS, LONLAT, g)
    slow = road_matrices(STATIONS, LONLAT, g, speeds_kph={"tertiary": 20.0}, access_speed_kph=5)
    a, b = STATIONS.index("A"), STATIONS.index("B")
    lv = geod_m(P(2, 0), P(2, 1))
    assert slow.duration_s[a, b] == pytest.approx(30 / 5 * 3.6 + 0.5 * lv / 20 * 3.6, abs=1.5)
    assert np.array_equal(slow.distance_m, base.distance_m)
    # the island road has no highway tag: default_speed_kph applies
    island = road_matrices(["x", "y"], np.array([P(30.1, 0), P(30.9, 0)]), g, default_speed_kph=10)
    assert island.duration_s[0, 1] == pytest.approx(0.8 * geod_m(P(30, 0), P(31, 0)) / 10 * 3.6,
                                                    abs=1.5)


def test_max_snap_and_depot_far(roads_geojson: Path) -> None:
    g = read_roads(roads_geojson)
    res = road_matrices(STATIONS, LONLAT, g, max_snap_m=12.0)  # only the depot (10 m) snaps
    assert res.unreachable == tuple(STATIONS[1:])
    res = road_matrices(["far", "A", "B"], LONLAT[[5, 1, 2]], g)
    assert res.unreachable == ("far", "A", "B")  # depot cannot snap: nothing is reachable
    assert res.distance_m[1, 2] < UNREACHABLE  # A -> B itself is still a real value


def test_colocated_stations_share_node(roads_geojson: Path) -> None:
    g = read_roads(roads_geojson)
    pts = np.array([LONLAT[0], LONLAT[0], LONLAT[1]])
    res = road_matrices(["d", "twin", "A"], pts, g)
    assert res.snaps[0].node == res.snaps[1].node
    assert res.distance_m[0, 1] == math.ceil(2 * res.snaps[0].snap_m)


def test_empty_and_bad_inputs(roads_geojson: Path) -> None:
    g = read_roads(roads_geojson)
    empty = road_matrices([], np.empty((0, 2)), g)
    assert empty.distance_m.shape == (0, 0) and empty.snaps == () and empty.unreachable == ()
    with pytest.raises(DataError):
        road_matrices(["a", "b"], LONLAT[:3], g)
    with pytest.raises(DataError):
        road_matrices(["a", "a"], LONLAT[:2], g)
    with pytest.raises(DataError):
        road_matrices(["a"], np.array([[np.nan, 1.0]]), g)
    with pytest.raises(DataError):
        road_matrices(["a"], LONLAT[:1], g, access_speed_kph=0)
    with pytest.raises(RoadNetworkError):
        road_matrices(["a"], LONLAT[:1], nx.MultiDiGraph())


# --- other formats give the same answer --------------------------------------------------------

@pytest.mark.parametrize("suffix", [".osm", ".osm.pbf"])
def test_osm_matches_geojson(tmp_path: Path, result: RoadMatrices, suffix: str) -> None:
    osm = tmp_path / "roads.osm"
    osm.write_text(osm_xml())
    if suffix == ".osm.pbf":  # convert with pyosmium's own writer
        pbf = tmp_path / "roads.osm.pbf"
        writer = osmium.SimpleWriter(str(pbf))
        for obj in osmium.FileProcessor(str(osm)):
            writer.add(obj)
        writer.close()
        osm = pbf
    g = read_roads(osm)
    assert g.number_of_nodes() == 13 and g.number_of_edges() == 29
    res = road_matrices(STATIONS, LONLAT, g)
    assert np.array_equal(res.distance_m, result.distance_m)
    assert np.array_equal(res.duration_s, result.duration_s)
    assert res.unreachable == result.unreachable
    assert [s.snap_m for s in res.snaps] == pytest.approx([s.snap_m for s in result.snaps])


@pytest.mark.parametrize("name", ["roads.gpkg", "roads.shp"])
def test_projected_layer_is_reprojected(tmp_path: Path, roads_geojson: Path,
                                        result: RoadMatrices, name: str) -> None:
    gdf = gpd.read_file(roads_geojson).to_crs(32649)  # UTM 49N, metres
    path = tmp_path / name
    gdf.to_file(path)
    g = read_roads(path)
    assert g.number_of_nodes() == 13 and g.number_of_edges() == 29
    xs = sorted(d["x"] for _, d in g.nodes(data=True))
    assert xs[0] == pytest.approx(LON0 - D, abs=1e-6) and xs[-1] == pytest.approx(LON0 + 31 * D)
    res = road_matrices(STATIONS, LONLAT, g)
    assert np.abs(res.distance_m - result.distance_m).max() <= 1
    assert np.abs(res.duration_s - result.duration_s).max() <= 1
    assert res.unreachable == result.unreachable


# --- bad files -------------------------------------------------------------------------------

def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "roads.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(RoadNetworkError, match=r"roads\.csv") as err:
        read_roads(path)
    assert ".geojson" in str(err.value) and ".osm.pbf" in str(err.value)


@pytest.mark.parametrize("name, content", [
    ("garbled.geojson", b"\x00\x01{ not json at all"),
    ("garbled.gpkg", b"SQLite format 3\x00 but truncated"),
    ("garbled.osm", b"<osm version='0.6'><node id='1' lat='23.0' lon="),
    ("garbled.osm.pbf", b"\x00\x00\x00\x0dnot a pbf blob header"),
])
def test_garbled_files(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RoadNetworkError, match=name.replace(".", r"\.")):
        read_roads(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RoadNetworkError, match=r"nope\.geojson"):
        read_roads(tmp_path / "nope.geojson")


def test_points_only_layer(tmp_path: Path) -> None:
    feats = [{"type": "Feature", "properties": {"highway": "primary"},
              "geometry": {"type": "Point", "coordinates": list(P(0, 0))}}]
    path = write_geojson(tmp_path / "points.geojson", feats)
    with pytest.raises(RoadNetworkError, match=r"points\.geojson.*Point"):
        read_roads(path)


def test_no_car_roads(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "paths.geojson",
                         [feature([P(0, 0), P(1, 0)], highway="footway")])
    with pytest.raises(RoadNetworkError, match=r"paths\.geojson.*no usable"):
        read_roads(path)
    osm = tmp_path / "empty.osm"
    osm.write_text("<?xml version='1.0'?><osm version='0.6'></osm>")
    with pytest.raises(RoadNetworkError, match=r"empty\.osm"):
        read_roads(osm)


def test_layer_without_crs_in_metres(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "metres.geojson",
                         [feature([(500000.0, 2500000.0), (500100.0, 2500000.0)])])
    with pytest.raises(RoadNetworkError, match=r"metres\.geojson"):
        read_roads(path)


# --- property: triangle inequality on random grids ---------------------------------------------

@st.composite
def random_grid(draw: st.DrawFn) -> tuple[list[dict], np.ndarray]:
    nx_, ny_ = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    blocks = [((i, j), (i + 1, j)) for i in range(nx_ - 1) for j in range(ny_)]
    blocks += [((i, j), (i, j + 1)) for i in range(nx_) for j in range(ny_ - 1)]
    feats = []
    for a, b in blocks:
        kind = draw(st.sampled_from(["two", "two", "yes", "-1", "drop"]))
        if kind != "drop":
            feats.append(feature([P(*a), P(*b)], highway=draw(st.sampled_from(
                ["residential", "track", "primary", "mystery"])),
                oneway=None if kind == "two" else kind))
    if not feats:
        feats.append(feature([P(0, 0), P(1, 0)], highway="residential"))
    n = draw(st.integers(2, 6))
    coord = st.floats(-0.5, 3.5, allow_nan=False)
    pts = np.array([P(draw(coord), draw(coord)) for _ in range(n)])
    return feats, pts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_grid())
def test_triangle_inequality_property(case: tuple[list[dict], np.ndarray]) -> None:
    feats, pts = case
    with tempfile.TemporaryDirectory() as tmp:
        g = read_roads(write_geojson(Path(tmp) / "grid.geojson", feats))
    ids = [f"s{i}" for i in range(len(pts))]
    res = road_matrices(ids, pts, g)
    keep = [i for i, s in enumerate(ids) if s not in res.unreachable]
    for m in (res.distance_m, res.duration_s):
        assert np.all(np.diag(m) == 0) and np.all(m >= 0)
        assert np.all(m[0, keep] < UNREACHABLE) and np.all(m[keep, 0] < UNREACHABLE)
    assert_triangle(res.duration_s)
    assert_triangle(res.duration_s[np.ix_(keep, keep)])
    # metres along the fastest path: never below the shortest road length
    roads = res.graph
    for i, j in itertools.permutations(keep, 2):
        si, sj = res.snaps[i], res.snaps[j]
        shortest = nx.shortest_path_length(roads, si.node, sj.node, weight="length_m")
        assert res.distance_m[i, j] >= si.snap_m + sj.snap_m + shortest - 1e-6
