"""Maps of plans: a layer model first (pure data, GeoJSON features with properties), then its
folium rendering.

:func:`map_data` turns a plan document into :class:`MapData`: a stations layer styled by tier
(hub, township stations, village points, carrier outlets), one layer per vehicle (its route
lines, which follow the roads when the scenario has a road network, and its numbered stops),
one layer per carrier (where its parcels go down and come up) and the unserved stations with
their reasons. Nothing there needs HTML: tests and other tools read the layers directly
(:meth:`MapData.frames` gives them as GeoDataFrames).

:func:`render_map` draws a :class:`MapData` with folium and :func:`write_map` writes
``map.html``; :func:`comparison_map_data` and :func:`write_comparison_map` put the carriers
driving alone and the main alliance variant side by side (two synchronised maps).

Pages are self-contained: Leaflet (BSD-2-Clause) and Leaflet.Sync (BSD-3-Clause) are inlined
from ``routing/report/assets`` in place of folium's CDN links, and popups and tooltips are bound
without jQuery. Only the map tiles come from a tile server: OpenStreetMap, or Amap (高德), whose
tiles are drawn in GCJ-02, so every coordinate is shifted to GCJ-02 for them.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import DataError
from ..i18n import money, variant_name
from ..i18n import t as tr
from ..io.coords import gcj02_to_wgs84, wgs84_to_gcj02
from ..model import Scenario
from ..model.entities import Tier
from ..network.matrix import Matrices, leg_coordinates, travel_matrices
from ..units import hhmm_min
from .labels import LANGS
from .labels import label as _label

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    from branca.element import Figure
    from folium.plugins import DualMap

__all__ = [
    "LANGS",
    "TILES",
    "Layer",
    "MapData",
    "carrier_names",
    "check_self_contained",
    "comparison_map_data",
    "depot_of",
    "leg_geometry",
    "map_data",
    "map_page",
    "page_parts",
    "plans_map_data",
    "render_comparison_map",
    "render_map",
    "text",
    "vehicle_type_name",
    "write_comparison_map",
    "write_map",
]

#: Tile sources: OpenStreetMap (WGS84), Amap/高德 (GCJ-02) or none (the layers alone).
TILES = ("osm", "amap", "none")
_TILE_CRS = {"osm": "wgs84", "amap": "gcj02", "none": "wgs84"}

def text(lang: str, key: str, **fmt: Any) -> str:
    """A map label in ``lang`` (zh or en; :mod:`routing.report.labels`)."""
    return _label("map", key, lang, **fmt)


#: Marker style per tier: radius (px), outline colour, fill colour.
TIER_STYLE: dict[str, tuple[float, str, str]] = {
    "hub": (11.0, "#ffffff", "#111111"),
    "outlet": (8.0, "#ffffff", "#8c510a"),
    "township": (8.0, "#222222", "#6b6b6b"),
    "village": (5.0, "#333333", "#d9d9d9"),
}
_VEHICLE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                   "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#637939", "#ad494a",
                   "#7b4173", "#3182bd", "#e6550d", "#31a354")
_CARRIER_COLORS = ("#006d2c", "#08519c", "#6a51a3", "#b15928", "#a50f15", "#01665e",
                   "#7a0177", "#525252")
UNSERVED_COLOR = "#e00000"


@dataclass(frozen=True, slots=True)
class Layer:
    """One switchable layer of a map: GeoJSON features (lon/lat in the map's CRS).

    ``kind`` is ``stations``, ``vehicle``, ``carrier`` or ``unserved``; ``key`` is unique in a
    map (``vehicle:van-1``, ``carrier:zto``, with the plan's label in front when a map shows
    several plans); ``show`` says whether the layer is on when the page opens.
    """

    key: str
    kind: str
    name: str
    color: str
    show: bool
    features: tuple[dict[str, Any], ...]

    def geojson(self) -> dict[str, Any]:
        """The layer as a GeoJSON FeatureCollection."""
        return {"type": "FeatureCollection", "features": list(self.features)}


@dataclass(frozen=True, slots=True)
class MapData:
    """Everything a map shows, before any HTML: layers, legend, title, CRS of the coordinates.

    ``crs`` is ``wgs84`` (GeoJSON's own) or ``gcj02`` (for Amap tiles); ``along_roads`` is true
    when every leg of every route follows the road network.
    """

    title: str
    subtitle: str
    lang: str
    crs: str
    along_roads: bool
    layers: tuple[Layer, ...]
    legend: tuple[dict[str, Any], ...]

    def layer(self, key: str) -> Layer:
        """The layer with this key (KeyError if none)."""
        for layer in self.layers:
            if layer.key == key:
                return layer
        raise KeyError(key)

    def of_kind(self, kind: str) -> list[Layer]:
        """The layers of one kind, in drawing order."""
        return [la for la in self.layers if la.kind == kind]

    def features(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every feature (of one ``properties.kind``: route, stop, station, carrier_stop,
        unserved)."""
        return [f for la in self.layers for f in la.features
                if kind is None or f["properties"]["kind"] == kind]

    def frames(self) -> dict[str, gpd.GeoDataFrame]:
        """Each non-empty layer as a GeoDataFrame (EPSG:4326 when ``crs`` is wgs84; no CRS for
        GCJ-02, which is not a geodetic datum)."""
        import geopandas as gpd

        crs = "EPSG:4326" if self.crs == "wgs84" else None
        return {la.key: gpd.GeoDataFrame.from_features(list(la.features), crs=crs)
                for la in self.layers if la.features}

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] of every coordinate, for fitting the view."""
        pts = np.array([p for f in self.features() for p in _points(f["geometry"])])
        return [[float(pts[:, 1].min()), float(pts[:, 0].min())],
                [float(pts[:, 1].max()), float(pts[:, 0].max())]]

    def to_crs(self, crs: str) -> MapData:
        """The same map with coordinates in ``crs`` (wgs84 or gcj02)."""
        if crs == self.crs:
            return self
        if crs not in ("wgs84", "gcj02"):
            raise DataError(f"crs must be one of {{wgs84, gcj02}}; got {crs!r}")
        fn = wgs84_to_gcj02 if crs == "gcj02" else gcj02_to_wgs84
        layers = tuple(replace(la, features=tuple(_shift(f, fn) for f in la.features))
                       for la in self.layers)
        return replace(self, crs=crs, layers=layers)


def _points(geom: dict[str, Any]) -> list[list[float]]:
    return [geom["coordinates"]] if geom["type"] == "Point" else list(geom["coordinates"])


def _shift(feature: dict[str, Any], fn: Callable[..., tuple[np.ndarray, np.ndarray]]
           ) -> dict[str, Any]:
    geom = feature["geometry"]
    pts = np.array(_points(geom), dtype=float)
    lon, lat = fn(pts[:, 0], pts[:, 1])
    coords = [[round(float(x), 7), round(float(y), 7)] for x, y in zip(lon, lat, strict=True)]
    new = {"type": geom["type"],
           "coordinates": coords[0] if geom["type"] == "Point" else coords}
    return {**feature, "geometry": new}


# ---------------------------------------------------------------------------------------------
# Leg geometry: straight, or along the roads


Leg = tuple[str, str]
LegGeometry = dict[Leg, tuple[list[list[float]], bool]]


def _lonlat(scenario: Scenario, station_id: str) -> list[float]:
    try:
        st = scenario.station(station_id)
    except KeyError:
        raise DataError(f"plan: station {station_id!r} is not in scenario "
                        f"'{scenario.name}' (is it the scenario the plan was made for?)") from None
    return [st.lon, st.lat]


def _route_sequence(route: dict[str, Any], scenario: Scenario) -> list[str]:
    depot = depot_of(route, scenario)
    return [depot, *(s["station_id"] for s in route["stops"]), depot]


def depot_of(route: dict[str, Any], scenario: Scenario) -> str:
    """A plan route's depot: its ``depot_id``, else its vehicle type's, else the hub."""
    if route.get("depot_id"):
        return str(route["depot_id"])
    try:
        return scenario.vehicle_type(route["vehicle_type"]).depot_id
    except KeyError:
        hubs = [s.id for s in scenario.stations if s.tier is Tier.HUB]
        if not hubs:
            raise DataError(f"plan: route of {route['vehicle_id']!r} has no depot_id and the "
                            "scenario has no hub") from None
        return hubs[0]


def leg_geometry(scenario: Scenario, legs: Iterable[Leg], *, follow_roads: bool = True,
                 matrices: Matrices | None = None) -> LegGeometry:
    """Coordinates ([lon, lat], WGS84) of each leg between two stations, and whether it follows
    the roads.

    With ``network.mode = "roads"`` (and ``follow_roads``) a leg is the straight access from the
    station to its snap point on the nearest road, the fastest road path (the very path the
    distance and duration matrices measured, kept with them), and the access to the next
    station. ``matrices`` are the scenario's (default: :func:`travel_matrices`, from the on-disk
    cache when they were built before, without reading the road file). Stations farther than
    ``max_snap_m`` from a road, or with no road path, get a straight leg.
    """
    legs = sorted(set(legs))
    out: LegGeometry = {(a, b): ([_lonlat(scenario, a), _lonlat(scenario, b)], False)
                        for a, b in legs}
    if follow_roads and scenario.network.mode == "roads" and legs:
        if matrices is None or matrices.paths is None:
            matrices = travel_matrices(scenario)
        # a -> a (two visits in a row) stays a point: the matrix counts it 0 m.
        for leg, coords in leg_coordinates(matrices, legs).items():
            out[leg] = (_dedupe(coords), True)
    return out


def _dedupe(coords: list[list[float]]) -> list[list[float]]:
    out = [[round(c[0], 7), round(c[1], 7)] for c in coords[:1]]
    for c in coords[1:]:
        p = [round(c[0], 7), round(c[1], 7)]
        if p != out[-1]:
            out.append(p)
    return out if len(out) > 1 else out * 2


def plan_legs(docs: Iterable[dict[str, Any]], scenario: Scenario) -> set[Leg]:
    """Every (from, to) station pair driven in the plan documents."""
    legs: set[Leg] = set()
    for doc in docs:
        for r in doc["routes"]:
            seq = _route_sequence(r, scenario)
            legs.update(itertools.pairwise(seq))
    return legs


# ---------------------------------------------------------------------------------------------
# The layer model


def _amounts(items: Sequence[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"carrier": a["carrier"], "carrier_name": names.get(a["carrier"], a["carrier"]),
             "parcels": int(a["parcels"]), "kg": round(float(a["kg"]), 3)}
            for a in items if a["parcels"] or a["kg"]]


def carrier_names(scenario: Scenario, lang: str) -> dict[str, str]:
    """Carrier id -> its name in ``lang`` (Chinese name when there is one, for zh)."""
    return {c.id: (c.name_zh or c.name) if lang == "zh" else (c.name or c.id)
            for c in scenario.carriers}


def vehicle_type_name(scenario: Scenario, type_id: str, lang: str) -> str:
    """A vehicle type's name in ``lang``; the id itself for a type the scenario lacks."""
    try:
        vt = scenario.vehicle_type(type_id)
    except KeyError:  # a variant's own fleet: the plan still names the type
        return type_id
    return (vt.name_zh or vt.name) if lang == "zh" else (vt.name or vt.id)


def _point(lonlat: Sequence[float], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(lonlat)},
            "properties": props}


def _vehicle_layer(label: str, vehicle_id: str, routes: list[dict[str, Any]], color: str,
                   scenario: Scenario, legs: LegGeometry, lang: str,
                   names: dict[str, str]) -> Layer:
    feats: list[dict[str, Any]] = []
    type_name = vehicle_type_name(scenario, routes[0]["vehicle_type"], lang)
    for r in routes:
        seq = _route_sequence(r, scenario)
        coords: list[list[float]] = []  # consecutive repeats dropped
        along = True
        for a, b in itertools.pairwise(seq):
            leg, on_roads = legs[(a, b)]
            along = along and (on_roads or a == b)  # a -> a: no driving at all
            for pt in leg:
                if not coords or pt != coords[-1]:
                    coords.append(pt)
        if len(coords) < 2:  # every stop at the depot's own point
            coords = coords * 2
        depot = scenario.station(seq[0])
        trip = int(r.get("trip", 1))
        echelon = r.get("echelon", "any")
        feats.append({
            "type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {
                "kind": "route", "plan": label, "vehicle_id": vehicle_id, "trip": trip,
                "trips": len(routes), "echelon": echelon, "vehicle_type": r["vehicle_type"],
                "vehicle_type_name": type_name, "depot_id": depot.id, "depot_name": depot.name,
                "start": hhmm_min(r["start_min"]), "end": hhmm_min(r["end_min"]),
                "distance_km": round(float(r["distance_km"]), 3),
                "duration_min": round(float(r.get("duration_min",
                                                  r["end_min"] - r["start_min"])), 1),
                "cost": round(float(r["cost"]["total"]), 2), "stops": len(r["stops"]),
                "parcels_down": sum(a["parcels"] for s in r["stops"] for a in s["delivered"]),
                "parcels_up": sum(a["parcels"] for s in r["stops"] for a in s["picked_up"]),
                "load_at_start_kg": r["load_at_start"]["kg"],
                "load_at_start_parcels": r["load_at_start"]["parcels"],
                "along_roads": along, "color": color}})
        for s in r["stops"]:
            st = scenario.station(s["station_id"])
            down, up = _amounts(s["delivered"], names), _amounts(s["picked_up"], names)
            feats.append(_point([st.lon, st.lat], {
                "kind": "stop", "plan": label, "vehicle_id": vehicle_id, "trip": trip,
                "trips": len(routes), "echelon": echelon, "seq": int(s["seq"]),
                "station_id": st.id, "station_name": st.name, "tier": st.tier.value,
                "arrival": hhmm_min(s["arrival_min"]),
                "departure": hhmm_min(s["departure_min"]),
                "down": down, "up": up,
                "parcels_down": sum(a["parcels"] for a in down),
                "parcels_up": sum(a["parcels"] for a in up),
                "load_kg": s["load_after"]["kg"], "load_parcels": s["load_after"]["parcels"],
                "load_m3": s["load_after"].get("m3"),
                "transfers": list(s.get("transfers", [])), "color": color}))
    key = f"vehicle:{label + '/' if label else ''}{vehicle_id}"
    name = f"{label + ' · ' if label else ''}{vehicle_id} {type_name}"
    return Layer(key=key, kind="vehicle", name=name, color=color, show=True,
                 features=tuple(feats))


def _carrier_layers(plans: Sequence[tuple[str, dict[str, Any]]], scenario: Scenario,
                    names: dict[str, str], lang: str) -> list[Layer]:
    feats: dict[str, list[dict[str, Any]]] = {c.id: [] for c in scenario.carriers}
    for label, doc in plans:
        for r in doc["routes"]:
            for s in r["stops"]:
                st = scenario.station(s["station_id"])
                for c in sorted({a["carrier"] for a in [*s["delivered"], *s["picked_up"]]}):
                    down = [a for a in s["delivered"] if a["carrier"] == c]
                    up = [a for a in s["picked_up"] if a["carrier"] == c]
                    feats.setdefault(c, []).append(_point([st.lon, st.lat], {
                        "kind": "carrier_stop", "plan": label, "carrier": c,
                        "carrier_name": names.get(c, c), "vehicle_id": r["vehicle_id"],
                        "trip": int(r.get("trip", 1)), "seq": int(s["seq"]),
                        "station_id": st.id, "station_name": st.name,
                        "arrival": hhmm_min(s["arrival_min"]),
                        "parcels_down": sum(a["parcels"] for a in down),
                        "kg_down": round(sum(a["kg"] for a in down), 3),
                        "parcels_up": sum(a["parcels"] for a in up),
                        "kg_up": round(sum(a["kg"] for a in up), 3)}))
    out = []
    for k, (c, fs) in enumerate(feats.items()):
        if not fs:
            continue
        color = _CARRIER_COLORS[k % len(_CARRIER_COLORS)]
        for f in fs:
            f["properties"]["color"] = color
        out.append(Layer(key=f"carrier:{c}", kind="carrier",
                         name=f"{text(lang, 'carrier')} {names.get(c, c)}", color=color,
                         show=False, features=tuple(fs)))
    return out


def _stations_layer(plans: Sequence[tuple[str, dict[str, Any]]], scenario: Scenario,
                    lang: str) -> Layer:
    depots = {depot_of(r, scenario) for _, d in plans for r in d["routes"]}
    served = {s["station_id"] for _, d in plans for r in d["routes"] for s in r["stops"]}
    unserved = {u["station_id"] for _, d in plans for u in d["unserved"]}
    feats = []
    order = {Tier.VILLAGE: 0, Tier.TOWNSHIP: 1, Tier.OUTLET: 2, Tier.HUB: 3}  # hub on top
    for st in sorted(scenario.stations, key=lambda s: order[s.tier]):
        if st.tier is Tier.OUTLET and st.id not in depots:
            continue  # an outlet only matters on a map where a carrier drives from it
        radius, color, fill = TIER_STYLE[st.tier.value]
        feats.append(_point([st.lon, st.lat], {
            "kind": "station", "station_id": st.id, "station_name": st.name,
            "tier": st.tier.value, "tier_label": text(lang, st.tier.value),
            "township_id": st.township_id, "depot": st.id in depots,
            "served": st.id in served, "unserved": st.id in unserved,
            "radius": radius, "color": color, "fill_color": fill}))
    return Layer(key="stations", kind="stations", name=text(lang, "stations"), color="#444444",
                 show=True, features=tuple(feats))


def _unserved_layer(plans: Sequence[tuple[str, dict[str, Any]]], scenario: Scenario,
                    lang: str) -> Layer:
    feats = []
    for label, doc in plans:
        for u in doc["unserved"]:
            st = scenario.station(u["station_id"])
            feats.append(_point([st.lon, st.lat], {
                "kind": "unserved", "plan": label, "station_id": st.id,
                "station_name": st.name, "tier": st.tier.value, "lines": list(u["lines"]),
                "reason": u["reason"], "color": UNSERVED_COLOR}))
    return Layer(key="unserved", kind="unserved", name=text(lang, "unserved"),
                 color=UNSERVED_COLOR, show=True, features=tuple(feats))


def plans_map_data(plans: Sequence[tuple[str, dict[str, Any]]], scenario: Scenario, *,
                   lang: str = "zh", crs: str = "wgs84", follow_roads: bool = True,
                   title: str | None = None, subtitle: str | None = None,
                   legs: LegGeometry | None = None, matrices: Matrices | None = None
                   ) -> MapData:
    """The layer model of one or several plan documents on one map.

    ``plans``: (label, plan document) pairs; the label ("" for a single plan) goes in front of
    vehicle names and layer keys, so vehicles of different plans (each carrier's ``van-1``) stay
    apart. ``legs`` may be given (from :func:`leg_geometry`) to share road paths between maps;
    else they come from ``matrices`` (the scenario's, as planned with; default: the cached ones).
    """
    text(lang, "plan")  # validates lang
    docs = [d for _, d in plans]
    if legs is None:
        legs = leg_geometry(scenario, plan_legs(docs, scenario), follow_roads=follow_roads,
                            matrices=matrices)
    names = carrier_names(scenario, lang)
    layers = [_stations_layer(plans, scenario, lang)]
    k = 0
    for label, doc in plans:
        by_vehicle: dict[str, list[dict[str, Any]]] = {}
        for r in doc["routes"]:
            by_vehicle.setdefault(r["vehicle_id"], []).append(r)
        for vid, routes in by_vehicle.items():
            routes.sort(key=lambda r: (r.get("trip", 1), r["start_min"]))
            layers.append(_vehicle_layer(label, vid, routes,
                                         _VEHICLE_COLORS[k % len(_VEHICLE_COLORS)], scenario,
                                         legs, lang, names))
            k += 1
    layers += _carrier_layers(plans, scenario, names, lang)
    if any(d["unserved"] for d in docs):
        layers.append(_unserved_layer(plans, scenario, lang))
    along = all(f["properties"]["along_roads"] for la in layers for f in la.features
                if f["properties"]["kind"] == "route")
    any_route = any(d["routes"] for d in docs)
    legend: list[dict[str, Any]] = [
        {"kind": "tier", "tier": t, "label": text(lang, t), "radius": TIER_STYLE[t][0],
         "color": TIER_STYLE[t][1], "fill_color": TIER_STYLE[t][2]}
        for t in ("hub", "outlet", "township", "village")
        if any(f["properties"]["tier"] == t for f in layers[0].features)]
    if any_route:
        legend.append({"kind": "route", "label": text(lang, "along_roads" if along
                                                       else "straight")})
        legend.append({"kind": "stop", "label": text(lang, "stop_badge")})
    if any(d["unserved"] for d in docs):
        legend.append({"kind": "unserved", "label": text(lang, "unserved"),
                       "color": UNSERVED_COLOR})
    if title is None:
        title = f"{scenario.title or scenario.name} {text(lang, 'plan')} {scenario.date}".strip()
    if subtitle is None:
        subtitle = _subtitle(docs, lang)
    data = MapData(title=title, subtitle=subtitle, lang=lang, crs="wgs84",
                   along_roads=along and any_route, layers=tuple(layers),
                   legend=tuple(legend))
    return data.to_crs(crs)


def _subtitle(docs: Sequence[dict[str, Any]], lang: str) -> str:
    vehicles = sum(d["totals"]["vehicles"] for d in docs)
    km = sum(d["totals"]["distance_km"] for d in docs)
    cost = sum(d["totals"]["cost"] for d in docs)
    unserved = sum(len(d["unserved"]) for d in docs)
    parts = [f"{vehicles} {text(lang, 'vehicles')}", f"{km:,.1f} {text(lang, 'km')}",
             f"{text(lang, 'vehicle_cost')} {cost:,.2f} {text(lang, 'cny')}"]
    if unserved:
        parts.append(f"{unserved} {text(lang, 'unserved_n')}")
    return text(lang, "sep").join(parts)


def map_data(doc: dict[str, Any], scenario: Scenario, *, lang: str = "zh",
             crs: str = "wgs84", follow_roads: bool = True, title: str | None = None,
             matrices: Matrices | None = None) -> MapData:
    """The layer model of one plan document (see the module docstring); ``matrices`` as in
    :func:`plans_map_data`."""
    return plans_map_data([("", doc)], scenario, lang=lang, crs=crs, follow_roads=follow_roads,
                          title=title, matrices=matrices)


def comparison_map_data(result: dict[str, Any], scenario: Scenario, *, lang: str = "zh",
                        crs: str = "wgs84", follow_roads: bool = True
                        ) -> tuple[MapData, MapData]:
    """(carriers alone, main alliance variant) from a :func:`routing.pipeline.compare_scenario`
    result: every carrier's own plans on the left, ``result["primary"]``'s on the right."""
    names = carrier_names(scenario, lang)
    left: list[tuple[str, dict[str, Any]]] = []
    for c, o in result["baseline"].items():
        for g, d in enumerate(o.docs):
            day = f" {text(lang, 'day', n=g + 1)}" if len(o.docs) > 1 else ""
            left.append((f"{names.get(c, c)}{day}", d))
    primary = next(v for v in result["variants"] if v.name == result["primary"])
    right = [(text(lang, "day", n=g + 1) if len(primary.docs) > 1 else "", d)
             for g, d in enumerate(primary.docs)]
    legs = leg_geometry(scenario, plan_legs([d for _, d in left + right], scenario),
                        follow_roads=follow_roads)
    # The figures under each title are the comparison table's rows (per day: km and costs
    # averaged over a visit cycle, vehicles on its busiest day), not the sum of every plan
    # of a cycle drawn on the map.
    from .comparison import comparison_rows

    rows = {r["variant"]: r for r in comparison_rows(result)}
    return (plans_map_data(left, scenario, lang=lang, crs=crs, legs=legs,
                           title=text(lang, "baseline"),
                           subtitle=row_subtitle(rows["carriers alone (sum)"], lang)),
            plans_map_data(right, scenario, lang=lang, crs=crs, legs=legs,
                           title=text(lang, "alliance",
                                      name=variant_name(primary.name, lang, names)),
                           subtitle=row_subtitle(rows[primary.name], lang)))


def row_subtitle(row: dict[str, Any], lang: str) -> str:
    """A comparison table row's figures in words: vehicles, km, total cost per day and what
    it includes, unserved lines — the numbers the table shows, formatted the same way; for a
    row without a plan (``failed``), the table's words for it."""
    if row.get("failed"):
        return tr("t_failed", lang)
    t = lambda key, **kw: text(lang, key, **kw)  # noqa: E731
    per_day = t("per_day")
    parts = [f"{row['vehicles']} {t('vehicles')}{per_day}",
             f"{row['km_day']:,.1f} {t('km')}{per_day}",
             t("total_cost", cost=money(row["cost_day"]), vehicles=money(row["vehicle_cost_day"]),
               handling=money(row["handling_day"]))]
    if row["unserved_lines"]:
        parts.append(t("lines_unserved", n=row["unserved_lines"]))
    return t("sep").join(parts)


# ---------------------------------------------------------------------------------------------
# Rendering with folium


_ASSETS = Path(__file__).parent / "assets"
#: folium resource name -> vendored file; the other folium defaults are not needed.
_JS_FILES = {"leaflet": "leaflet.js", "Leaflet.Sync": "L.Map.Sync.js"}
_CSS_FILES = {"leaflet_css": "leaflet.css"}
_JS_ORDER = ("leaflet", "Leaflet.Sync")
_NOT_NEEDED = frozenset({"jquery", "bootstrap", "awesome_markers", "bootstrap_css",
                         "glyphicons_css", "awesome_markers_font_css", "awesome_markers_css",
                         "awesome_rotate_css"})
_NOTICES = {"Leaflet.Sync": "/* Leaflet.Sync 0.2.4, https://github.com/jieter/Leaflet.Sync\n"
                            " * (c) 2013-2017 Bjorn Sandvik / Jan Pieter Waagmeester, "
                            "BSD-3-Clause */\n"}

_CSS = """
.routing-title { background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 14px/1.35 system-ui, sans-serif; max-width: 46vw; }
.routing-title b { font-size: 15px; }
.routing-legend { background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 12px/1.5 system-ui, sans-serif; }
.routing-legend .row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.routing-legend .sym { width: 24px; display: inline-flex; justify-content: center; }
.routing-legend .dot { display: inline-block; border-radius: 50%; border: 2px solid; }
.routing-legend .line { display: inline-block; width: 22px; height: 0;
  border-top: 4px solid #1f77b4; }
.routing-swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px -1px 0;
  border-radius: 2px; }
.stop-icon { background: none; border: none; }
.stop-badge { width: 20px; height: 20px; border-radius: 10px; color: #fff; font: bold 11px/20px
  system-ui, sans-serif; text-align: center; border: 1px solid #fff;
  box-shadow: 0 0 2px rgba(0,0,0,.6); }
.routing-popup table { border-collapse: collapse; margin-top: 4px; }
.routing-popup td, .routing-popup th { border: 1px solid #ccc; padding: 1px 5px;
  text-align: right; }
.routing-popup th:first-child, .routing-popup td:first-child { text-align: left; }
"""


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _inline_css(name: str) -> str:
    css = _asset(name)

    def data_uri(m: re.Match[str]) -> str:
        png = (_ASSETS / m.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


def _inline_js(name: str) -> str:
    js = re.sub(r"^//# sourceMappingURL=.*$", "", _asset(_JS_FILES[name]), flags=re.M)
    if "</script" in js.lower():  # cannot happen with the vendored files; guards replacements
        raise RuntimeError(f"vendored script {name} contains '</script'")
    return _NOTICES.get(name, "") + js


def _raw(content: str) -> Any:
    """A branca element that renders ``content`` verbatim (no Jinja parsing of the JS)."""
    from branca.element import Element

    class Raw(Element):
        def render(self, **kwargs: Any) -> str:
            return content

    return Raw()


def _walk(element: Any) -> Iterable[Any]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _self_contained(figure: Figure) -> None:
    """Replace folium's CDN links in ``figure`` by the vendored assets, inlined."""
    from folium.elements import JSCSSMixin

    js: set[str] = set()
    css: set[str] = set()
    for el in _walk(figure):
        if not isinstance(el, JSCSSMixin):
            continue
        for kind, pairs, files, needed in (("script", el.default_js, _JS_FILES, js),
                                           ("stylesheet", el.default_css, _CSS_FILES, css)):
            for name, url in pairs:
                if name in files:
                    needed.add(name)
                elif name not in _NOT_NEEDED:
                    raise RuntimeError(f"map element {type(el).__name__} needs {kind} {name} "
                                       f"({url}), which is not vendored in {_ASSETS}")
        el.default_js, el.default_css = [], []
    for name in sorted(css):
        figure.header.add_child(_raw(f"<style>{_inline_css(_CSS_FILES[name])}</style>"),
                                name=f"inline_{name}")
    figure.header.add_child(_raw(f"<style>{_CSS}</style>"), name="routing_css")
    figure.header.add_child(_raw(f"<script>{_DRAW_JS}</script>"), name="routing_js")
    for name in _JS_ORDER:
        if name in js:
            figure.header.add_child(_raw(f"<script>{_inline_js(name)}</script>"),
                                    name=f"inline_{name}")


_EXTERNAL = re.compile(r"<script[^>]*\ssrc=|<link[^>]*\shref=\s*[\"']?(?:https?:)?//", re.I)


def check_self_contained(page: str) -> None:
    """Raise if an HTML page would load a script or stylesheet from elsewhere."""
    m = _EXTERNAL.search(page)
    if m:
        raise RuntimeError(f"page is not self-contained: {page[m.start():m.start() + 120]!r}")


def _control(m: Any, position: str, css_class: str, content: str) -> None:
    """A static box on map ``m`` (title, legend)."""
    from branca.element import MacroElement
    from folium.template import Template

    class Box(MacroElement):
        _template = Template("""
            {% macro script(this, kwargs) %}
            (function () {
                var box = L.control({position: {{ this.position|tojson }}});
                box.onAdd = function () {
                    var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                    div.innerHTML = {{ this.content }};
                    L.DomEvent.disableClickPropagation(div);
                    return div;
                };
                box.addTo({{ this._parent.get_name() }});
            })();
            {% endmacro %}""")

        def __init__(self) -> None:
            super().__init__()
            self._name = "Box"
            self.position, self.css_class = position, css_class
            self.content = _script_json(content)

    m.add_child(Box())


def _e(value: Any) -> str:
    return html.escape(str(value))


def parcels(n: Any, lang: str) -> str:
    """'3 件', '1 parcel', '3 parcels'."""
    word = text(lang, "parcels")
    if lang == "en" and n == 1:
        word = "parcel"
    return f"{n} {word}"


def _amount_rows(p: dict[str, Any], lang: str) -> str:
    by: dict[str, list[str]] = {}
    for side, k in (("down", 0), ("up", 1)):
        for a in p[side]:
            cell = by.setdefault(a["carrier_name"], ["", ""])
            cell[k] = f"{parcels(a['parcels'], lang)} / {a['kg']:g} kg"
    if not by:
        return ""
    rows = "".join(f"<tr><td>{_e(c)}</td><td>{_e(d)}</td><td>{_e(u)}</td></tr>"
                   for c, (d, u) in by.items())
    return (f"<table><tr><th>{text(lang, 'carrier')}</th><th>{text(lang, 'down')}</th>"
            f"<th>{text(lang, 'up')}</th></tr>{rows}</table>")


def _trip(p: dict[str, Any], lang: str) -> str:
    parts = []
    if p.get("trips", 1) > 1:
        parts.append(text(lang, "trip", n=p["trip"]))
    if p.get("echelon") in ("trunk", "feeder"):
        parts.append(text(lang, p["echelon"]))
    return f" ({', '.join(parts)})" if parts else ""


def _vehicle_name(p: dict[str, Any]) -> str:
    return f"{p['plan']} · {p['vehicle_id']}" if p.get("plan") else p["vehicle_id"]


def _popup(p: dict[str, Any], lang: str) -> str:
    t = lambda key, **kw: text(lang, key, **kw)  # noqa: E731
    kind = p["kind"]
    if kind == "route":
        body = (f"<b>{_e(_vehicle_name(p))}</b> {_e(p['vehicle_type_name'])}{_e(_trip(p, lang))}"
                f"<br>{t('start')} {p['start']} ({_e(p['depot_name'])}) · {t('end')} {p['end']}"
                f"<br>{p['distance_km']:.1f} {t('km')} · {p['stops']} {t('stops')} · "
                f"{p['cost']:,.2f} {t('cny')}<br>{t('down')} {parcels(p['parcels_down'], lang)}"
                f" · {t('up')} {parcels(p['parcels_up'], lang)}"
                f"<br>{t('load_at_start')}: {p['load_at_start_kg']:g} kg / "
                f"{parcels(p['load_at_start_parcels'], lang)}")
    elif kind == "stop":
        transfers = (f"<br>{t('transfers')}: {_e(' '.join(p['transfers']))}"
                     if p["transfers"] else "")
        body = (f"<b>{p['seq']}. {_e(p['station_name'])}</b> ({_e(p['station_id'])})"
                f"<br>{_e(_vehicle_name(p))}{_e(_trip(p, lang))}"
                f"<br>{t('arrival')} {p['arrival']} · {t('departure')} {p['departure']}"
                f"{_amount_rows(p, lang)}{transfers}"
                f"<br>{t('load')}: {p['load_kg']:g} kg / {parcels(p['load_parcels'], lang)}")
    elif kind == "carrier_stop":
        vehicle = _vehicle_name(p)
        body = (f"<b>{_e(p['carrier_name'])}</b> · {_e(p['station_name'])} "
                f"({_e(p['station_id'])})<br>{_e(vehicle)} #{p['seq']} · {t('arrival')} "
                f"{p['arrival']}<br>{t('down')} {parcels(p['parcels_down'], lang)} / "
                f"{p['kg_down']:g} kg · {t('up')} {parcels(p['parcels_up'], lang)} / "
                f"{p['kg_up']:g} kg")
    elif kind == "unserved":
        plan = f"{_e(p['plan'])}: " if p.get("plan") else ""
        body = (f"<b>{plan}{_e(p['station_name'])}</b> ({_e(p['station_id'])}) — "
                f"{t('unserved')}<br>{t('lines')}: {_e(' '.join(p['lines']))}"
                f"<br>{t('reason')}: {_e(p['reason'])}")
    else:
        body = (f"<b>{_e(p['station_name'])}</b> ({_e(p['station_id'])})"
                f"<br>{_e(p['tier_label'])}")
    return f'<div class="routing-popup">{body}</div>'


def _tooltip(p: dict[str, Any], lang: str) -> str:
    kind = p["kind"]
    if kind == "route":
        return (f"{_vehicle_name(p)}{_trip(p, lang)}: {p['start']}–{p['end']}, "
                f"{p['distance_km']:.1f} {text(lang, 'km')}")
    if kind == "stop":
        return f"{_vehicle_name(p)} #{p['seq']} {p['station_name']} {p['arrival']}"
    if kind == "carrier_stop":
        return f"{p['carrier_name']}: {p['station_name']}"
    if kind == "unserved":
        return f"{text(lang, 'unserved')}: {p['station_name']}"
    return f"{p['station_name']} ({p['tier_label']})"


def _styled(features: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The feature as drawn: geometry, Leaflet style, popup and tooltip HTML; several stops
    at one point become one badge listing their order numbers."""
    p = features[0]["properties"]
    kind = p["kind"]
    style: dict[str, Any]
    if kind == "route":
        style = {"color": p["color"], "weight": 5, "opacity": 0.85, "className": "route-line"}
    elif kind == "stop":
        seqs = ",".join(str(f["properties"]["seq"]) for f in features)
        width = max(20, 7 * len(seqs) + 8)
        style = {"badge": f'<div class="stop-badge" style="background:{p["color"]};'
                          f'width:{width}px">{seqs}</div>',
                 "size": [width, 20], "anchor": [width // 2, 10]}
    elif kind == "station":
        style = {"radius": p["radius"], "color": p["color"], "weight": 2,
                 "fillColor": p["fill_color"], "fillOpacity": 1.0,
                 "className": f"station station-{p['tier']}"}
    elif kind == "carrier_stop":
        style = {"radius": 13, "color": p["color"], "weight": 3, "fill": False,
                 "className": "carrier-stop"}
    else:  # unserved
        style = {"radius": 14, "color": p["color"], "weight": 3, "dashArray": "5 4",
                 "fillColor": p["color"], "fillOpacity": 0.15, "className": "unserved"}
    keep = {k: p[k] for k in ("kind", "vehicle_id", "trip", "seq", "station_id", "carrier")
            if k in p}
    return {"type": "Feature", "geometry": features[0]["geometry"], "properties": {
        **keep, "style": style,
        "popup": "<hr>".join(_popup(f["properties"], lang) for f in features),
        "tooltip": "<br>".join(_e(_tooltip(f["properties"], lang)) for f in features)}}


def _drawn(layer: Layer, lang: str) -> dict[str, Any]:
    """A layer's FeatureCollection as the page's script draws it."""
    out: list[dict[str, Any]] = []
    at: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for f in layer.features:
        if f["properties"]["kind"] == "stop":
            at.setdefault(tuple(f["geometry"]["coordinates"]), []).append(f)
        else:
            out.append(_styled([f], lang))
    out += [_styled(same, lang) for same in at.values()]
    return {"type": "FeatureCollection", "features": out}


#: Draws one layer's FeatureCollection (see :func:`_styled`) with plain Leaflet: folium's
#: Popup needs jQuery, and one element per layer keeps big counties' pages small and fast.
_DRAW_JS = """
function routingLayer(data) {
  return L.geoJSON(data, {
    style: function (f) { return f.properties.style; },
    pointToLayer: function (f, latlng) {
      var s = f.properties.style;
      if (s.badge) {
        return L.marker(latlng, {icon: L.divIcon({html: s.badge, className: "stop-icon",
                                                  iconSize: s.size, iconAnchor: s.anchor})});
      }
      return L.circleMarker(latlng, s);
    },
    onEachFeature: function (f, layer) {
      layer.bindPopup(f.properties.popup, {maxWidth: 420});
      layer.bindTooltip(f.properties.tooltip, {sticky: true});
    }
  });
}
"""


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (as Jinja's tojson, but keeping Chinese readable and
    half the size)."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


def _add_layer(group: Any, drawn: dict[str, Any]) -> None:
    from branca.element import MacroElement
    from folium.template import Template

    class GeoJsonLayer(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "routingLayer({{ this.json }}).addTo({{ this._parent.get_name() }});"
            "{% endmacro %}")

        def __init__(self) -> None:
            super().__init__()
            self._name = "GeoJsonLayer"
            self.json = _script_json(drawn)

    group.add_child(GeoJsonLayer())


def _legend_html(data: MapData) -> str:
    rows = [f"<b>{text(data.lang, 'legend')}</b>"]
    for item in data.legend:
        if item["kind"] == "tier":
            d = 2 * item["radius"]
            sym = (f'<span class="dot" style="width:{d:g}px;height:{d:g}px;'
                   f'background:{item["fill_color"]};border-color:'
                   f'{"#555" if item["color"] == "#ffffff" else item["color"]}"></span>')
        elif item["kind"] == "route":
            sym = '<span class="line"></span>'
        elif item["kind"] == "stop":
            sym = '<span class="stop-badge" style="background:#1f77b4;width:18px;height:18px;' \
                  'line-height:18px">1</span>'
        else:
            sym = (f'<span class="dot" style="width:18px;height:18px;border:3px dashed '
                   f'{item["color"]};background:rgba(224,0,0,.15)"></span>')
        rows.append(f'<div class="row"><span class="sym">{sym}</span>{_e(item["label"])}</div>')
    return "".join(rows)


def _tile_layer(tiles: str, lang: str) -> Any:
    import folium

    if tiles == "osm":
        return folium.TileLayer("OpenStreetMap", name=text(lang, "osm"))
    return folium.TileLayer(
        tiles=("https://webrd0{s}.is.autonavi.com/appmaptile?lang="
               f"{'zh_cn' if lang == 'zh' else 'en'}&size=1&scale=1&style=8&x={{x}}&y={{y}}"
               "&z={z}"),
        attr="&copy; 高德地图 AutoNavi", name=text(lang, "amap"), subdomains="1234",
        max_zoom=18)


def _check_tiles(tiles: str) -> None:
    if tiles not in TILES:
        raise DataError(f"tiles must be one of {{{', '.join(TILES)}}}; got {tiles!r}")


def _fill(m: Any, data: MapData, tiles: str, bounds: list[list[float]]) -> None:
    import folium

    data = data.to_crs(_TILE_CRS[tiles])
    if tiles != "none":
        _tile_layer(tiles, data.lang).add_to(m)
    _control(m, "topright", "routing-title",
             f"<b>{_e(data.title)}</b><br>{_e(data.subtitle)}")
    for layer in data.layers:
        label = (f'<span class="routing-swatch" style="background:{layer.color}"></span>'
                 f"{_e(layer.name)}")
        group = folium.FeatureGroup(name=label, show=layer.show)
        _add_layer(group, _drawn(layer, data.lang))
        group.add_to(m)
    folium.LayerControl(collapsed=len(data.layers) > 8).add_to(m)
    _control(m, "bottomleft", "routing-legend", _legend_html(data))
    m.fit_bounds(bounds, padding=(24, 24))


def _center(bounds: list[list[float]]) -> list[float]:
    return [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]


def render_map(data: MapData, tiles: str = "osm") -> folium.Map:
    """A folium map of ``data`` (coordinates shifted to GCJ-02 for Amap tiles)."""
    import folium

    _check_tiles(tiles)
    bounds = data.to_crs(_TILE_CRS[tiles]).bounds()
    m = folium.Map(location=_center(bounds), zoom_start=11, tiles=None, control_scale=True)
    _fill(m, data, tiles, bounds)
    m.get_root().title = data.title
    return m


def render_comparison_map(left: MapData, right: MapData, tiles: str = "osm") -> DualMap:
    """Two synchronised maps side by side: ``left`` (carriers alone), ``right`` (alliance)."""
    from folium.plugins import DualMap

    _check_tiles(tiles)
    crs = _TILE_CRS[tiles]
    b1, b2 = left.to_crs(crs).bounds(), right.to_crs(crs).bounds()
    bounds = [[min(b1[0][0], b2[0][0]), min(b1[0][1], b2[0][1])],
              [max(b1[1][0], b2[1][0]), max(b1[1][1], b2[1][1])]]
    dm = DualMap(location=_center(bounds), zoom_start=11, tiles=None, control_scale=True)
    _fill(dm.m1, left, tiles, bounds)
    _fill(dm.m2, right, tiles, bounds)
    dm.get_root().title = f"{left.title} | {right.title}"
    return dm


def page_parts(element: Any) -> tuple[str, str, str]:
    """(head, body, script) of a rendered map or dual map, assets inlined, for embedding the
    map into another page (``report.html``)."""
    figure = element.get_root()
    _self_contained(figure)
    figure.render()
    head, body, script = (figure.header.render(), figure.html.render(),
                          figure.script.render())
    check_self_contained(head + body)
    return head, body, script


def map_page(element: Any) -> str:
    """The whole self-contained HTML page of a rendered map or dual map."""
    figure = element.get_root()
    _self_contained(figure)
    title = figure.title
    figure.title = html.escape(title) if title else title
    try:
        page = figure.render()
    finally:
        figure.title = title
    check_self_contained(page)
    return page


def write_map(data: MapData, path: Path, *, tiles: str = "osm") -> Path:
    """Write ``map.html`` for one plan's :class:`MapData`."""
    path = Path(path)
    path.write_text(map_page(render_map(data, tiles)), encoding="utf-8")
    return path


def write_comparison_map(result: dict[str, Any], scenario: Scenario, path: Path, *,
                         lang: str = "zh", tiles: str = "osm",
                         data: tuple[MapData, MapData] | None = None) -> Path:
    """Write the side-by-side map of a comparison (carriers alone | main alliance variant);
    ``data`` is :func:`comparison_map_data`'s result when already at hand."""
    left, right = data or comparison_map_data(result, scenario, lang=lang)
    path = Path(path)
    path.write_text(map_page(render_comparison_map(left, right, tiles)), encoding="utf-8")
    return path
