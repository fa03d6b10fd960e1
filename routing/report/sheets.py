"""The papers a driver and the hub crew take: route sheets (路单) and loading lists (装车单).

:func:`vehicle_sheets` turns a plan document into one :class:`VehicleSheet` per vehicle,
ordered by departure, that ``report.html``, ``routes.xlsx``, ``routes.csv`` and
``route_sheets.pdf`` all print the same way:

* one printed row per stop: consecutive plan stops at the same station on one trip (the plan
  serves a village's fresh lines and its dry lines as two stops when the cold compartment
  forces it) are merged into one row; the row keeps fresh (生鲜, cold chain ❄) and dry goods
  apart, per carrier, and says which compartment the fresh goods come out of or go into
  (冷藏厢 for a refrigerated vehicle, 冷链箱 for a dry vehicle's cold box);
* station names first, their ids shortened to the last four characters (a 12-digit village
  code crowds the column);
* per stop an Amap (高德) navigation link to the station (GCJ-02 coordinates, converted from the
  scenario's WGS84), and per trip a QR code of the link to its first stop;
* per trip a loading list for the hub crew: one line per carrier with parcels and kg, in
  loading order (the carrier whose parcels leave the vehicle last is loaded first), the cold
  section apart, and the stops of each line listed last first.

Labels are :mod:`routing.report.labels`' ``sheet`` catalogue (:data:`LABELS` per language).
:data:`LAYOUT` gives the column widths in millimetres the HTML and the PDF share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..model import Scenario
from ..units import hhmm_min
from .labels import LANGS, check_lang
from .labels import labels as label_catalogue

SNOW = "❄"

#: The sheets' labels per language (from :mod:`routing.report.labels`, catalogue ``sheet``).
LABELS: dict[str, dict[str, str]] = {lang: label_catalogue("sheet", lang) for lang in LANGS}

#: Column widths in mm on an A4 page with 12 mm margins (186 mm portrait, 273 mm landscape).
LAYOUT = {"margin_mm": 12.0, "portrait_mm": 186.0, "landscape_mm": 273.0, "no": 7.0,
          "station": 25.0, "time": 11.0, "cold": 29.0, "load": 13.0, "sign": 24.0,
          "carrier_min": 12.0, "carrier_max": 20.0}


def labels(lang: str) -> dict[str, str]:
    """The sheets' labels in ``lang`` (zh or en)."""
    return LABELS[check_lang(lang)]


def plural(n: float, word: str, lang: str) -> str:
    """'1 parcel', '2 parcels' in English; Chinese words do not change."""
    if lang == "en" and word.endswith("s") and n == 1:
        word = word[:-1]
    return f"{n:g} {word}"


def short_code(station_id: str) -> str:
    """A station id short enough for the column: the last four characters of a long code."""
    return station_id if len(station_id) <= 6 else station_id[-4:]


def amap_nav_url(lon: float, lat: float, name: str) -> str:
    """Amap's navigation link (by car) to a WGS84 point, shifted to GCJ-02. It opens the Amap
    app on a phone that has it (callnative=1), else Amap's web page."""
    import numpy as np

    from ..io.coords import wgs84_to_gcj02

    glon, glat = wgs84_to_gcj02(np.array([lon]), np.array([lat]))
    return (f"https://uri.amap.com/navigation?to={float(glon[0]):.6f},{float(glat[0]):.6f},"
            f"{quote(name, safe='')}&mode=car&coordinate=gaode&callnative=1")


@lru_cache(maxsize=512)
def qr_code(url: str) -> Any:
    """The QR code of ``url`` (segno, error correction M), made once for all the writers."""
    import segno

    return segno.make(url, error="m")


@dataclass
class Goods:
    """Parcels and kg of one carrier on one row, dry or fresh, to drop or collect."""

    parcels: int = 0
    kg: float = 0.0

    def add(self, parcels: int, kg: float) -> None:
        self.parcels += int(parcels)
        self.kg = round(self.kg + kg, 3)


@dataclass
class Row:
    """One printed row: a depot departure or return, or a stop (merged plan stops)."""

    kind: str  # "start" | "stop" | "end"
    no: int
    station_id: str
    name: str
    code: str
    arrival: str
    departure: str
    plan_seqs: list[int] = field(default_factory=list)
    #: carrier id -> goods; keys "drop", "collect", "fresh_drop", "fresh_collect"
    goods: dict[str, dict[str, Goods]] = field(default_factory=dict)
    load_kg: float | None = None
    load_parcels: int | None = None
    transfers: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    nav_url: str = ""

    def part(self, key: str) -> dict[str, Goods]:
        return self.goods.setdefault(key, {})

    @property
    def fresh(self) -> bool:
        return any(g.parcels or g.kg for k in ("fresh_drop", "fresh_collect")
                   for g in self.goods.get(k, {}).values())

    def total(self, key: str) -> Goods:
        out = Goods()
        for g in self.goods.get(key, {}).values():
            out.add(g.parcels, g.kg)
        return out


@dataclass
class LoadLine:
    """One line of a loading list: a carrier's dry or fresh goods for one trip."""

    carrier: str
    name: str
    fresh: bool
    parcels: int
    kg: float
    stops: list[int]  # row numbers, last stop first


@dataclass
class Trip:
    trip: int
    echelon: str
    start: str
    end: str
    km: float
    load0_kg: float
    load0_parcels: int
    rows: list[Row]
    loading: list[LoadLine]
    qr_url: str


@dataclass
class VehicleSheet:
    vehicle_id: str
    vehicle_type: str
    type_name: str
    box: str  # compartment of fresh goods: 冷藏厢 / 冷链箱 (labels), "" when none
    trips: list[Trip]
    carriers: list[str]  # carrier ids with goods on this vehicle, scenario order
    names: dict[str, str]

    @property
    def stops(self) -> int:
        return sum(1 for t in self.trips for r in t.rows if r.kind == "stop")

    @property
    def fresh(self) -> bool:
        return any(r.fresh for t in self.trips for r in t.rows)


def _box(scenario: Scenario, type_id: str, t: dict[str, str]) -> str:
    try:
        vt = scenario.vehicle_type(type_id)
    except KeyError:
        return t["cold_box"]
    return t["reefer"] if vt.refrigerated else t["cold_box"]


def _station(scenario: Scenario, sid: str, fallback: str = "") -> tuple[str, float | None,
                                                                       float | None]:
    try:
        st = scenario.station(sid)
    except KeyError:
        return fallback or sid, None, None
    return st.name, st.lon, st.lat


def _stop_goods(stop: dict[str, Any], lines: dict[str, Any]) -> dict[str, dict[str, Goods]]:
    """Per part (drop, collect, fresh_drop, fresh_collect) and carrier, the stop's goods from
    its demand lines; from its amounts (all dry) when the scenario lacks one of its lines."""
    out: dict[str, dict[str, Goods]] = {}
    if stop["lines"] and all(i in lines for i in stop["lines"]):
        for i in stop["lines"]:
            ln = lines[i]
            key = ("fresh_" if ln.fresh else "") + ("drop" if ln.direction.value == "down"
                                                    else "collect")
            out.setdefault(key, {}).setdefault(ln.carrier_id, Goods()).add(ln.parcels, ln.kg)
        return out
    for key, items in (("drop", stop["delivered"]), ("collect", stop["picked_up"])):
        for a in items:
            out.setdefault(key, {}).setdefault(a["carrier"], Goods()).add(a["parcels"], a["kg"])
    return out


def _rows(route: dict[str, Any], scenario: Scenario, depot_id: str) -> list[Row]:
    lines = {ln.id: ln for ln in scenario.demand}
    dname, dlon, dlat = _station(scenario, depot_id)
    load0 = route["load_at_start"]
    rows = [Row(kind="start", no=0, station_id=depot_id, name=dname, code=short_code(depot_id),
                arrival="", departure=hhmm_min(route["start_min"]), load_kg=load0["kg"],
                load_parcels=load0["parcels"])]
    for s in route["stops"]:
        last = rows[-1]
        if last.kind == "stop" and last.station_id == s["station_id"]:
            row = last
            row.departure = hhmm_min(s["departure_min"])
        else:
            name, lon, lat = _station(scenario, s["station_id"], s.get("station_name", ""))
            row = Row(kind="stop", no=len(rows), station_id=s["station_id"], name=name,
                      code=short_code(s["station_id"]), arrival=hhmm_min(s["arrival_min"]),
                      departure=hhmm_min(s["departure_min"]),
                      nav_url=amap_nav_url(lon, lat, name)
                      if lon is not None and lat is not None else "")
            rows.append(row)
        row.plan_seqs.append(s["seq"])
        for key, per in _stop_goods(s, lines).items():
            for c, g in per.items():
                row.part(key).setdefault(c, Goods()).add(g.parcels, g.kg)
        row.load_kg = s["load_after"]["kg"]
        row.load_parcels = s["load_after"]["parcels"]
        row.transfers += [i for i in s.get("transfers", []) if i not in row.transfers]
        row.lines += s["lines"]
    rows.append(Row(kind="end", no=len(rows), station_id=depot_id, name=dname,
                    code=short_code(depot_id), arrival=hhmm_min(route["end_min"]), departure="",
                    nav_url=amap_nav_url(dlon, dlat, dname)
                    if dlon is not None and dlat is not None else ""))
    return rows


def _loading(rows: list[Row], names: dict[str, str], order: list[str]) -> list[LoadLine]:
    """Dry lines first, then the cold section; within each, the carrier whose first drop comes
    last is loaded first (it goes deepest into the vehicle)."""
    out = []
    for fresh in (False, True):
        key = "fresh_drop" if fresh else "drop"
        per: dict[str, LoadLine] = {}
        for row in reversed(rows):
            for c, g in row.goods.get(key, {}).items():
                if not (g.parcels or g.kg):
                    continue
                ln = per.setdefault(c, LoadLine(carrier=c, name=names.get(c, c), fresh=fresh,
                                                parcels=0, kg=0.0, stops=[]))
                ln.parcels += g.parcels
                ln.kg = round(ln.kg + g.kg, 3)
                ln.stops.append(row.no)
        rank = {c: i for i, c in enumerate(order)}
        out += sorted(per.values(), key=lambda ln: (-min(ln.stops), rank.get(ln.carrier, 99)))
    return out


def vehicle_sheets(doc: dict[str, Any], scenario: Scenario, lang: str = "zh"
                   ) -> list[VehicleSheet]:
    """One sheet per vehicle, by departure (then id); its trips by departure."""
    from .layers import carrier_names, depot_of, vehicle_type_name

    t = labels(lang)
    names = carrier_names(scenario, lang)
    order = [c.id for c in scenario.carriers]
    by_vehicle: dict[str, list[dict[str, Any]]] = {}
    for r in doc["routes"]:
        by_vehicle.setdefault(r["vehicle_id"], []).append(r)
    out = []
    for vid, routes in sorted(by_vehicle.items(),
                              key=lambda kv: (min(r["start_min"] for r in kv[1]), kv[0])):
        routes = sorted(routes, key=lambda r: r["start_min"])
        trips = []
        seen: set[str] = set()
        for r in routes:
            rows = _rows(r, scenario, depot_of(r, scenario))
            for row in rows:
                for per in row.goods.values():
                    seen.update(c for c, g in per.items() if g.parcels or g.kg)
            first = next((row for row in rows if row.kind == "stop"), rows[-1])
            trips.append(Trip(trip=int(r.get("trip", 1)), echelon=str(r.get("echelon", "")),
                              start=hhmm_min(r["start_min"]), end=hhmm_min(r["end_min"]),
                              km=float(r["distance_km"]), load0_kg=r["load_at_start"]["kg"],
                              load0_parcels=r["load_at_start"]["parcels"], rows=rows,
                              loading=_loading(rows, names, order), qr_url=first.nav_url))
        carriers = [c for c in order if c in seen] + sorted(seen - set(order))
        vtype = routes[0]["vehicle_type"]
        out.append(VehicleSheet(vehicle_id=vid, vehicle_type=vtype,
                                type_name=vehicle_type_name(scenario, vtype, lang),
                                box=_box(scenario, vtype, t), trips=trips,
                                carriers=carriers, names={c: names.get(c, c) for c in carriers}))
    return out


# ------------------------------------------------------------------------- text of the cells


def carrier_cell(row: Row, carrier: str, t: dict[str, str]) -> list[str]:
    """A carrier's cell: dry drop, fresh drop (❄), dry collect, fresh collect; one line each,
    parcels only (kg are in the loading list and routes.csv)."""
    out = []
    for key, word in (("drop", t["drop"]), ("fresh_drop", f"{SNOW}{t['drop']}"),
                      ("collect", t["collect"]), ("fresh_collect", f"{SNOW}{t['collect']}")):
        g = row.goods.get(key, {}).get(carrier)
        if g and (g.parcels or g.kg):
            out.append(f"{word} {g.parcels}")
    return out


def cold_cell(row: Row, box: str, t: dict[str, str], lang: str) -> list[str]:
    """The cold-chain cell of a stop with fresh goods: 生鲜 parcels and kg to drop (out of the
    compartment the column's header names) and to collect, with the compartment they go
    into; empty for a dry stop."""
    out = []
    for key, word in (("fresh_drop", t["drop"]), ("fresh_collect", t["collect"])):
        g = row.total(key)
        if not (g.parcels or g.kg):
            continue
        where = f" {t['into_box'].format(box=box)}" if key == "fresh_collect" else ""
        if lang == "zh":
            out.append(f"{SNOW}{t['fresh']} {word} {g.parcels}件 {g.kg:g}kg{where}")
        else:
            out.append(f"{SNOW} {t['fresh']} {word} {plural(g.parcels, t['parcels'], lang)}, "
                       f"{g.kg:g} kg{where}")
    return out


def cold_header(box: str, t: dict[str, str]) -> str:
    """The cold-chain column's header: 冷链 ❄ and the compartment (冷藏厢 or 冷链箱)."""
    return f"{t['cold']} {box}"


def load_cell(row: Row) -> str:
    """kg on board after the row (parcels are in routes.csv and routes.xlsx)."""
    return "" if row.load_kg is None else f"{row.load_kg:.0f}"


def sheet_title(v: VehicleSheet, t: dict[str, str]) -> str:
    """路单 VEHICLE（type） in the sheets' language."""
    return f"{t['sheet']} {v.vehicle_id}{t['paren'].format(x=v.type_name)}"


def trip_heading(sheet: VehicleSheet, trip: Trip, t: dict[str, str], lang: str) -> str:
    parts = []
    if len(sheet.trips) > 1:
        parts.append(t["trip"].format(n=trip.trip))
    if trip.echelon in ("trunk", "feeder"):
        parts.append(t[trip.echelon])
    parts.append(f"{t['depart']} {trip.start} – {t['back']} {trip.end}")
    parts.append(f"{trip.km:.1f} km")
    parts.append(t["stops"].format(n=sum(1 for r in trip.rows if r.kind == "stop")))
    parts.append(f"{t['on_board']} {trip.load0_kg:g} kg / "
                 f"{plural(trip.load0_parcels, t['parcels'], lang)}")
    return " · ".join(parts)


def columns_mm(n_carriers: int, fresh: bool) -> tuple[str, dict[str, float]]:
    """Orientation and column widths (mm) that fit the page: portrait unless the carriers'
    columns would be narrower than ``carrier_min``; the signature column always fits."""
    fixed = sum(LAYOUT[k] for k in ("no", "station", "time", "load", "sign"))
    fixed += LAYOUT["cold"] if fresh else 0.0
    for orient in ("portrait", "landscape"):
        width = LAYOUT[f"{orient}_mm"]
        each = (width - fixed) / max(n_carriers, 1)
        if each >= LAYOUT["carrier_min"] or orient == "landscape":
            each = min(each, LAYOUT["carrier_max"])
            widths = {k: LAYOUT[k] for k in ("no", "station", "time", "load", "sign")}
            if fresh:
                widths["cold"] = LAYOUT["cold"]
            widths["carrier"] = max(each, 6.0)
            # the spare width goes to the station column
            used = fixed + widths["carrier"] * n_carriers
            widths["station"] += max(0.0, width - used)
            return orient, widths
    raise AssertionError("unreachable")
