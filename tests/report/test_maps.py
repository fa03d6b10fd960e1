"""The data behind the maps: layers, their features and properties, road-following legs,
GCJ-02 for Amap tiles, and self-contained HTML."""

from __future__ import annotations

import itertools
import re

import geopandas as gpd
import networkx as nx
import numpy as np
import pyproj
import pytest
import shapely

from routing.exceptions import DataError
from routing.io.coords import wgs84_to_gcj02
from routing.network import roads
from routing.network.matrix import travel_matrices
from routing.report import layers, maps
from routing.units import hhmm_min

from ..helpers import routes_drawn

_GEOD = pyproj.Geod(ellps="WGS84")


def _per_carrier(stops, side):
    out: dict[str, int] = {}
    for s in stops:
        for a in s[side]:
            out[a["carrier"]] = out.get(a["carrier"], 0) + a["parcels"]
    return out


def test_layers_of_a_direct_plan(tiny_plan):
    """A stations layer, one layer per vehicle, one per carrier; no unserved layer when every
    station is served."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc)
    vehicles = list(dict.fromkeys(r["vehicle_id"] for r in doc["routes"]))
    assert [la.key for la in data.layers] == [
        "stations", *(f"vehicle:{v}" for v in vehicles), "carrier:post", "carrier:zto"]
    assert data.crs == "wgs84" and data.lang == "zh" and not data.along_roads
    assert [la.show for la in data.of_kind("carrier")] == [False, False]
    assert all(la.show for la in data.of_kind("vehicle"))
    assert len({la.color for la in data.of_kind("vehicle")}) == len(vehicles)
    assert "测试县" in data.title and "2026-11-24" in data.title
    assert f"{len(vehicles)} 辆车" in data.subtitle


def test_stations_styled_by_tier(tiny_plan):
    """Every station once, tier and Chinese tier label in the properties, the hub drawn
    biggest and last (on top)."""
    doc, sc = tiny_plan
    feats = maps.map_data(doc, sc).layer("stations").features
    props = {f["properties"]["station_id"]: f["properties"] for f in feats}
    assert set(props) == {s.id for s in sc.stations}
    assert feats[-1]["properties"]["tier"] == "hub"
    assert props["HUB"]["tier_label"] == "县级物流配送中心" and props["HUB"]["depot"]
    assert props["T1"]["tier_label"] == "乡镇服务站"
    assert props["V1"]["tier_label"] == "村级服务点" and props["V1"]["served"]
    assert props["HUB"]["radius"] > props["T1"]["radius"] > props["V1"]["radius"]
    for f in feats:
        st = sc.station(f["properties"]["station_id"])
        assert f["geometry"] == {"type": "Point", "coordinates": [st.lon, st.lat]}


def test_route_and_stop_features_carry_the_plan(tiny_plan):
    """One LineString per route (depot, stops, depot: straight legs here) and one Point per
    stop with its order, times, parcels per carrier and load."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc)
    for r in doc["routes"]:
        layer = data.layer(f"vehicle:{r['vehicle_id']}")
        routes = [f for f in layer.features if f["properties"]["kind"] == "route"]
        stops = [f["properties"] for f in layer.features if f["properties"]["kind"] == "stop"]
        assert len(routes) == 1
        hub = sc.station(r["depot_id"])
        expected = [[hub.lon, hub.lat], *([sc.station(s["station_id"]).lon,
                                           sc.station(s["station_id"]).lat]
                                          for s in r["stops"]), [hub.lon, hub.lat]]
        assert routes[0]["geometry"]["coordinates"] == [
            p for i, p in enumerate(expected) if i == 0 or p != expected[i - 1]]
        rp = routes[0]["properties"]
        assert (rp["distance_km"], rp["stops"], rp["start"], rp["end"]) == (
            r["distance_km"], len(r["stops"]), hhmm_min(r["start_min"]), hhmm_min(r["end_min"]))
        assert rp["along_roads"] is False and rp["color"] == layer.color
        assert [p["seq"] for p in stops] == [s["seq"] for s in r["stops"]]
        for p, s in zip(stops, r["stops"], strict=True):
            assert p["station_id"] == s["station_id"]
            assert p["station_name"] == sc.station(s["station_id"]).name
            assert p["arrival"] == hhmm_min(s["arrival_min"])
            assert p["departure"] == hhmm_min(s["departure_min"])
            assert {a["carrier"]: a["parcels"] for a in p["down"]} == {
                a["carrier"]: a["parcels"] for a in s["delivered"] if a["parcels"]}
            assert {a["carrier"]: a["parcels"] for a in p["up"]} == {
                a["carrier"]: a["parcels"] for a in s["picked_up"] if a["parcels"]}
            assert all(a["carrier_name"] in ("中国邮政", "中通") for a in p["down"] + p["up"])
            assert (p["load_kg"], p["load_parcels"]) == (s["load_after"]["kg"],
                                                         s["load_after"]["parcels"])


def test_carrier_layers_add_up_to_the_plan(tiny_plan):
    """Each carrier's layer has a point wherever its parcels move; its sums are the plan's."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc)
    stops = [s for r in doc["routes"] for s in r["stops"]]
    for side, key in (("delivered", "parcels_down"), ("picked_up", "parcels_up")):
        want = _per_carrier(stops, side)
        for c in ("post", "zto"):
            feats = data.layer(f"carrier:{c}").features
            assert sum(f["properties"][key] for f in feats) == want.get(c, 0)
            assert {f["properties"]["carrier"] for f in feats} == {c}


def test_layers_as_geodataframes(tiny_plan):
    """Every layer reads as a GeoDataFrame in EPSG:4326 with the properties as columns."""
    doc, sc = tiny_plan
    frames = maps.map_data(doc, sc).frames()
    assert all(isinstance(f, gpd.GeoDataFrame) and f.crs == "EPSG:4326" for f in frames.values())
    van = frames[f"vehicle:{doc['routes'][0]['vehicle_id']}"]
    assert set(van.geom_type) == {"LineString", "Point"}
    assert {"kind", "seq", "arrival", "down", "up", "load_kg"} <= set(van.columns)


def test_routes_follow_the_roads(roads_plan):
    """With a road layer, each leg runs along the roads: only the stations themselves (50-300 m
    off the road) are off it, and the line is as long as the plan's distance."""
    doc, sc = roads_plan
    data = maps.map_data(doc, sc)
    assert data.along_roads
    roads = gpd.read_file(sc.network.roads).geometry.union_all()
    for f, r in zip(data.features("route"), doc["routes"], strict=True):
        coords = f["geometry"]["coordinates"]
        assert f["properties"]["along_roads"]
        visits = [r["depot_id"], *(s["station_id"] for s in r["stops"]), r["depot_id"]]
        visits = [v for i, v in enumerate(visits) if i == 0 or v != visits[i - 1]]
        # Snap points are computed in UTM: on the road within ~0.2 m (2e-6 degrees).
        off = [p for p in coords if roads.distance(shapely.Point(p)) > 1e-5]
        assert off == [[sc.station(v).lon, sc.station(v).lat] for v in visits]
        assert len(coords) > len(visits)  # road vertices in between
        length_km = _GEOD.line_length(*np.array(coords).T) / 1000
        assert length_km == pytest.approx(r["distance_km"], abs=0.002 * len(visits))
    straight = maps.map_data(doc, sc, follow_roads=False)
    assert not straight.along_roads
    assert straight.legend[-2]["label"] == "车辆路线（站点间直线）"
    assert data.legend[-2]["label"] == "车辆路线（沿道路）"


def _line(points):
    """Points as drawn: [lon, lat] rounded to 1e-7 degree, consecutive repeats dropped."""
    out = []
    for p in ([round(float(x), 7), round(float(y), 7)] for x, y in points):
        if not out or p != out[-1]:
            out.append(p)
    return out


def test_road_legs_are_the_timed_fastest_paths(roads_plan):
    """Every leg drawn along the roads is the fastest road path (networkx, on travel time), and
    distance_m is that path's length; V2 <-> V5 is a pair where the shortest path by length
    (over the western roads) is another one, and the map follows the timed one."""
    _, sc = roads_plan
    m = travel_matrices(sc)
    ids = list(m.station_ids)
    net = sc.network
    rm = roads.road_matrices(ids, np.array([[sc.station(s).lon, sc.station(s).lat] for s in ids]),
                             roads.read_roads(net.roads), max_snap_m=net.max_snap_m,
                             default_speed_kph=net.speed_kph,
                             access_speed_kph=net.access_speed_kph)
    g = rm.graph
    legs = maps.leg_geometry(sc, itertools.permutations(ids, 2), matrices=m)
    differs = set()
    for (a, b), (coords, along) in legs.items():
        i, j = ids.index(a), ids.index(b)
        si, sj = rm.snaps[i], rm.snaps[j]
        fastest = nx.shortest_path(g, si.node, sj.node, weight="travel_time_s")
        drawn = [(sc.station(a).lon, sc.station(a).lat),
                 *((g.nodes[v]["x"], g.nodes[v]["y"]) for v in fastest),
                 (sc.station(b).lon, sc.station(b).lat)]
        assert along and coords == _line(drawn)
        metres = si.snap_m + sj.snap_m + sum(
            min(d.values(), key=lambda e: e["travel_time_s"])["length_m"]
            for d in (g.get_edge_data(u, v) for u, v in itertools.pairwise(fastest)))
        assert 0 <= m.distance_m[i, j] - metres < 1 + 1e-6
        if fastest != nx.shortest_path(g, si.node, sj.node, weight="length_m"):
            differs.add((a, b))
    assert differs == {("V2", "V5"), ("V5", "V2")}
    assert m.distance_m[ids.index("V2"), ids.index("V5")] > 22_000  # shortest: 21.3 km


def test_second_map_uses_the_cached_paths(roads_plan, monkeypatch):
    """Once a scenario's matrices are cached, its map reads neither the road file nor searches
    paths: the legs come from the cache, the same as the first time."""
    doc, sc = roads_plan
    first = maps.map_data(doc, sc)

    def searched(*args, **kwargs):
        raise AssertionError("road file read or paths searched again")

    monkeypatch.setattr(roads, "read_road_network", searched)
    monkeypatch.setattr(roads, "read_roads", searched)
    monkeypatch.setattr(roads, "dijkstra", searched)
    second = maps.map_data(doc, sc)
    assert second.along_roads
    assert second.features("route") == first.features("route")


def test_two_echelons_trips_and_unserved(county_plan):
    """A vehicle with several trips is one layer with a line per trip; feeders start at their
    township station; the unserved station is its own layer with the plan's reason."""
    doc, sc = county_plan
    data = maps.map_data(doc, sc)
    trips: dict[str, list[int]] = {}
    for r in doc["routes"]:
        trips.setdefault(r["vehicle_id"], []).append(r["trip"])
    multi = next(v for v, t in trips.items() if len(t) > 1)
    lines = [f["properties"] for f in data.layer(f"vehicle:{multi}").features
             if f["properties"]["kind"] == "route"]
    assert [p["trip"] for p in lines] == sorted(trips[multi])
    assert all(p["trips"] == len(trips[multi]) for p in lines)
    for f in data.features("route"):
        p = f["properties"]
        depot = sc.station(p["depot_id"])
        assert f["geometry"]["coordinates"][0] == [depot.lon, depot.lat]
        assert f["geometry"]["coordinates"][-1] == [depot.lon, depot.lat]
        assert (p["echelon"] == "feeder") == (depot.tier.value == "township")
    unserved = data.layer("unserved").features
    assert [(f["properties"]["station_id"], f["properties"]["reason"]) for f in unserved] == [
        (u["station_id"], u["reason"]) for u in doc["unserved"]]
    assert data.legend[-1]["kind"] == "unserved"
    assert "1 个未服务站点" in data.subtitle
    stations = {f["properties"]["station_id"]: f["properties"]
                for f in data.layer("stations").features}
    assert stations[doc["unserved"][0]["station_id"]]["unserved"]
    transfers = [f["properties"]["transfers"] for f in data.features("stop")
                 if f["properties"]["echelon"] == "trunk"]
    assert any(transfers)


def test_gcj02_for_amap_tiles(tiny_plan):
    """For Amap tiles every coordinate is shifted WGS84 -> GCJ-02 (a few hundred metres in
    Shanxi) and shifts back."""
    doc, sc = tiny_plan
    wgs = maps.map_data(doc, sc)
    gcj = maps.map_data(doc, sc, crs="gcj02")
    assert gcj.crs == "gcj02" and gcj.frames()["stations"].crs is None
    for a, b in zip(wgs.features(), gcj.features(), strict=True):
        assert a["properties"] == b["properties"]
        pa = np.array(layers.points(a["geometry"]))
        pb = np.array(layers.points(b["geometry"]))
        lon, lat = wgs84_to_gcj02(pa[:, 0], pa[:, 1])
        np.testing.assert_allclose(pb, np.column_stack([lon, lat]), atol=1e-7)
        _, _, metres = _GEOD.inv(pa[:, 0], pa[:, 1], pb[:, 0], pb[:, 1])
        assert ((metres > 100) & (metres < 1000)).all()
    back = gcj.to_crs("wgs84")
    for a, b in zip(wgs.features(), back.features(), strict=True):
        np.testing.assert_allclose(layers.points(a["geometry"]), layers.points(b["geometry"]),
                                   atol=2e-7)


def test_english_labels_and_bad_options(tiny_plan):
    """--lang en names layers, tiers and legend in English; unknown languages, tiles and CRSs
    are refused."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc, lang="en")
    assert data.layer("stations").name == "stations"
    hub = data.layer("stations").features[-1]["properties"]
    assert hub["tier_label"] == "county hub"
    assert data.layer("carrier:post").name == "carrier China Post"
    assert [e["label"] for e in data.legend][:2] == ["county hub", "township station"]
    assert "vehicles" in data.subtitle and "delivery plan" in data.title
    with pytest.raises(DataError, match="lang"):
        maps.map_data(doc, sc, lang="fr")
    with pytest.raises(DataError, match="tiles"):
        maps.render_map(data, tiles="google")
    with pytest.raises(DataError, match="crs"):
        data.to_crs("bd09")


def test_plan_of_another_scenario_is_a_clear_error(tiny_plan, duo_compare):
    """Stations the scenario does not have: a DataError naming the station."""
    doc, _ = tiny_plan
    _, duo = duo_compare
    with pytest.raises(DataError, match=r"station '\w+' is not in scenario 'duo'"):
        maps.map_data(doc, duo)


def test_comparison_map_data(duo_compare):
    """Left: each carrier's own plan, vehicles named by carrier, from its outlet; right: the
    main alliance variant from the hub."""
    result, sc = duo_compare
    left, right = maps.comparison_map_data(result, sc, lang="en")
    assert left.title == "carriers alone" and right.title == "alliance: alliance"
    lv = left.of_kind("vehicle")
    assert [la.key for la in lv] == ["vehicle:Carrier A/van_a-1", "vehicle:Carrier B/van_b-1"]
    assert [la.name for la in lv] == ["Carrier A · van_a-1 A's van", "Carrier B · van_b-1 B's van"]
    depots = {f["properties"]["depot_id"] for f in left.features("route")}
    assert depots == {"OUT_a", "OUT_b"}
    outlets = [f for f in left.layer("stations").features
               if f["properties"]["tier"] == "outlet"]
    assert len(outlets) == 2
    assert {f["properties"]["depot_id"] for f in right.features("route")} == {"HUB"}
    assert not [f for f in right.layer("stations").features
                if f["properties"]["tier"] == "outlet"]
    primary = next(v for v in result["variants"] if v.name == result["primary"])
    assert len(right.features("route")) == sum(len(d["routes"]) for d in primary.docs)


def test_map_page_is_self_contained(roads_plan, tmp_path):
    """map.html inlines Leaflet and loads no script or stylesheet from anywhere; the layers'
    GeoJSON is in the page, one route line per route."""
    doc, sc = roads_plan
    path = maps.write_map(maps.map_data(doc, sc), tmp_path / "map.html")
    page = path.read_text(encoding="utf-8")
    maps.check_self_contained(page)
    assert not re.search(r"<script[^>]*\ssrc=|<link[^>]*href=", page)
    for cdn in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "netdna"):
        assert cdn not in page
    assert "Leaflet 1.9.4" in page and "sourceMappingURL" not in page
    assert "url(images/" not in page and "data:image/png;base64," in page
    assert routes_drawn(page) == len(doc["routes"])
    assert "tile.openstreetmap.org" in page
    assert "<title>测试县 配送计划 2026-11-24</title>" in page
    assert "东一村" in page  # Chinese kept readable, not \\u-escaped


def test_amap_page_uses_shifted_coordinates(tiny_plan, tmp_path):
    """Amap tiles come with GCJ-02 points; no tiles at all is possible too."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc)
    hub = sc.station("HUB")
    glon, glat = (float(v) for v in wgs84_to_gcj02(hub.lon, hub.lat))
    amap = maps.map_page(maps.render_map(data, tiles="amap"))
    assert "webrd0{s}.is.autonavi.com" in amap
    assert f"[{round(glon, 7)},{round(glat, 7)}]" in amap
    assert f"[{hub.lon},{hub.lat}]" not in amap
    bare = maps.map_page(maps.render_map(data, tiles="none"))
    assert "tile.openstreetmap.org" not in bare and "autonavi" not in bare
    assert f"[{hub.lon},{hub.lat}]" in bare


def test_page_draws_the_layer_json_with_the_vendored_script(tiny_plan):
    """The page holds the MapData's own JSON (what routing_map.js's routingMap reads, and any
    other page could pass it), and every script and stylesheet inline; a page that would load
    a script from elsewhere is refused."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc)
    page = maps.map_page(maps.render_map(data, tiles="amap"))
    assert maps.page_map_data(page) == [data.to_crs("gcj02").to_json()]
    assert maps.page_map_data(page)[0]["labels"]["legend"] == "图例"
    assert "function routingMap(" in page and 'routingMap("routing-map"' in page
    assert "Leaflet.Sync 0.2.4" not in page  # only a page of two maps needs it
    with pytest.raises(RuntimeError, match="not self-contained"):
        maps.check_self_contained('<script src="https://cdn.example/x.js"></script>')
