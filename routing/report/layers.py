"""The layer model of plan maps: pure data, GeoJSON features with properties, no HTML.

:func:`map_data` turns a plan document into :class:`MapData`: a stations layer styled by tier
(hub, township stations, village points, carrier outlets), one layer per vehicle (its route
lines, which follow the roads when the scenario has a road network — :mod:`routing.network.legs`
— and its numbered stops), one layer per carrier (where its parcels go down and come up) and
the unserved stations with their reasons. Each feature's properties carry what its popup and
tooltip say (times, amounts per carrier, loads, reasons), in the map's language.
:func:`comparison_map_data` makes the two maps of a comparison (carriers alone | the main
alliance variant), sharing one set of road paths.

Tests and other tools read the layers directly (:meth:`MapData.frames` gives them as
GeoDataFrames); :mod:`routing.report.map_html` draws them (:meth:`MapData.to_json` is what its
page script, ``assets/routing_map.js``, reads).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import DataError
from ..i18n import carrier_names, money, variant_name
from ..i18n import t as tr
from ..io.coords import gcj02_to_wgs84, wgs84_to_gcj02
from ..model import Scenario
from ..model.entities import Tier
from ..network.legs import Leg, LegGeometry, leg_geometry
from ..network.matrix import Matrices
from ..units import hhmm_min
from .labels import LANGS, labels
from .labels import label as _label

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CRS",
    "LANGS",
    "TIER_STYLE",
    "UNSERVED_COLOR",
    "Layer",
    "MapData",
    "carrier_names",
    "comparison_map_data",
    "depot_of",
    "map_data",
    "plan_legs",
    "plans_map_data",
    "points",
    "row_subtitle",
    "text",
    "vehicle_type_name",
]

#: Coordinate systems of a map: WGS84 (GeoJSON's own) or GCJ-02 (Amap's tiles).
CRS = ("wgs84", "gcj02")

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
        pts = np.array([p for f in self.features() for p in points(f["geometry"])])
        return [[float(pts[:, 1].min()), float(pts[:, 0].min())],
                [float(pts[:, 1].max()), float(pts[:, 0].max())]]

    def to_crs(self, crs: str) -> MapData:
        """The same map with coordinates in ``crs`` (wgs84 or gcj02)."""
        if crs == self.crs:
            return self
        if crs not in CRS:
            raise DataError(f"crs must be one of {{{', '.join(CRS)}}}; got {crs!r}")
        fn = wgs84_to_gcj02 if crs == "gcj02" else gcj02_to_wgs84
        layers = tuple(replace(la, features=tuple(_shift(f, fn) for f in la.features))
                       for la in self.layers)
        return replace(self, crs=crs, layers=layers)

    def to_json(self) -> dict[str, Any]:
        """The map as the page script ``routingMap`` reads it (JSON-ready): title, subtitle,
        lang, crs, along_roads, legend, the layers with their GeoJSON features, and the map
        labels of its language (``labels``: the popups', the legend's words)."""
        return {"title": self.title, "subtitle": self.subtitle, "lang": self.lang,
                "crs": self.crs, "along_roads": self.along_roads, "legend": list(self.legend),
                "layers": [{"key": la.key, "kind": la.kind, "name": la.name, "color": la.color,
                            "show": la.show, "features": list(la.features)}
                           for la in self.layers],
                "labels": labels("map", self.lang)}


def points(geom: dict[str, Any]) -> list[list[float]]:
    """The [lon, lat] points of a Point or LineString geometry."""
    return [geom["coordinates"]] if geom["type"] == "Point" else list(geom["coordinates"])


def _shift(feature: dict[str, Any], fn: Callable[..., tuple[np.ndarray, np.ndarray]]
           ) -> dict[str, Any]:
    geom = feature["geometry"]
    pts = np.array(points(geom), dtype=float)
    lon, lat = fn(pts[:, 0], pts[:, 1])
    coords = [[round(float(x), 7), round(float(y), 7)] for x, y in zip(lon, lat, strict=True)]
    new = {"type": geom["type"],
           "coordinates": coords[0] if geom["type"] == "Point" else coords}
    return {**feature, "geometry": new}

# ---------------------------------------------------------------------------------------------
# Plans' legs


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
