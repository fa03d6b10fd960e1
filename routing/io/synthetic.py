"""Generated counties of any size, written as ordinary scenario folders.

For scaling measurements (benchmarks/bench_county_scale.py) a county must grow from 100 to
5,000 village points while keeping what makes a real county hard: simultaneous pickups (farm
produce up), a fresh share that needs cold vehicles, a mixed fleet with different speeds and
costs, station time windows, several carriers. The four reference counties
(scenarios/xia, …) are the calibration: about 7 km² per village point, 20–25 parcels a day
per village, a third of villages sending produce up, 5-minute stops; the figures below are
assumptions in that spirit, not data of any real county.

For the stress suite (benchmarks/bench_stress.py, tests/test_stress.py) a :class:`CountySpec`
varies one thing at a time or several together: size, pickup share, fresh share down and up,
windows, fleet tightness, multi-trip vans, cold boxes, the two-echelon structure, the
coordinate system and the file format; :func:`stress_specs` lists a deterministic set.

The folder is read back by :func:`routing.io.read_scenario` like any other, so a generated
county also runs with ``routing plan`` and ``routing compare``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .coords import CRS_CHOICES, gcj02_to_bd09, wgs84_to_gcj02
from .scenario import CARRIER_COLUMNS, DEMAND_COLUMNS, STATION_COLUMNS, VEHICLE_COLUMNS
from .tables import Column, parse_time_s

#: Carriers with their market shares (State Post Bureau 2022 national shares, rounded;
#: ../shared/DOMAIN.md) and whether they carry fresh goods down.
CARRIERS = (("post", "中国邮政", 0.25, True), ("zto", "中通快递", 0.26, True),
            ("yto", "圆通速递", 0.18, False), ("yunda", "韵达快递", 0.16, False),
            ("jt", "极兔速递", 0.15, False))
KM2_PER_VILLAGE = 7.0  #: assumption: Xia has 191 stations on about 1,350 km²
PARCELS_PER_VILLAGE = 22.0  #: mean parcels down per village and day (all carriers)
KG_PER_PARCEL = 1.3
M3_PER_PARCEL = 0.006
SHARE_PICKUP = 0.35  #: villages sending farm produce up
SHARE_FRESH_DOWN = 0.10  #: villages receiving a fresh line (fruit, meat) from the hub
SHARE_FRESH_UP = 0.25  #: of produce pickups, fresh (berries, vegetables)
SHARE_WINDOW = 0.25  #: villages with a half-day window (morning or afternoon)
FLEET_FACTOR = 4 / 3  #: fleet over what the kg and driving hours strictly need (a third spare)
COLD_BOX_KG = 100  #: the light vans' cold box (fresh goods ride in it without a reefer)
LON0, LAT0 = 112.0, 35.0  #: the county seat; coordinates only place the points

STRUCTURES = ("direct", "two_echelon")
FORMATS = ("csv", "gbk", "xlsx")
#: Sheets of the one workbook a ``fmt = "xlsx"`` county is written to, by table.
XLSX_SHEETS = {"stations": "站点", "carriers": "快递公司", "vehicles": "车辆", "demand": "运单"}
XLSX_FILE = "county.xlsx"


@dataclass(frozen=True, slots=True, kw_only=True)
class CountySpec:
    """What a generated county looks like: its size and every axis the stress suite varies.

    The defaults are the county :func:`write_county` writes.

    Parameters
    ----------
    villages
        Village points, >= 1.
    seed
        Seed of the layout and the demand; the same spec gives the same county.
    pickup_share
        Share of villages sending farm produce up, 0–1.
    fresh_down_share
        Share of villages receiving a fresh line from the hub, 0–1.
    fresh_up_share
        Share of produce pickups that are fresh, 0–1.
    window_share
        Share of villages with a half-day window (08:00–12:00 or 13:00–18:00), 0–1.
    fleet_factor
        The fleet over what the kg and the driving hours strictly need: 4/3 ample (the
        default), 1.0 just enough by that estimate, 0.67 a third too small. Scales the hub
        fleet, the reefers, the carriers' own vans and the feeders.
    multi_trip
        Light vans (shared and the carriers') may run two trips a shift (``max_trips`` 2).
    cold_boxes
        Light vans have a 100 kg cold box (the default); without, only reefers carry fresh.
    structure
        {"direct", "two_echelon"}: two echelons add feeder vans (echelon ``feeder``, two
        trips) at every township station with villages, and set ``[solve] structure``; the
        hub vehicles stay echelon ``any``, so they can run the trunks.
    crs
        {"wgs84", "gcj02", "bd09"}: the stations table's coordinate system; the coordinates
        are converted into it, so the true (WGS84) positions are those of the wgs84 county.
    fmt
        {"csv", "gbk", "xlsx"}: UTF-8 CSV; GBK-encoded CSV with the Chinese column names
        where the schema has them and 是/否 booleans (what Excel on Chinese Windows saves);
        one Excel workbook with a sheet per table (numbers, times and booleans as typed cells).
    time_limit_s
        ``[solve] time_limit_s`` of the scenario, s.
    """

    villages: int
    seed: int = 1
    pickup_share: float = SHARE_PICKUP
    fresh_down_share: float = SHARE_FRESH_DOWN
    fresh_up_share: float = SHARE_FRESH_UP
    window_share: float = SHARE_WINDOW
    fleet_factor: float = FLEET_FACTOR
    multi_trip: bool = False
    cold_boxes: bool = True
    structure: str = "direct"
    crs: str = "wgs84"
    fmt: str = "csv"
    time_limit_s: float = 60.0

    def __post_init__(self) -> None:
        if self.villages < 1:
            raise ValueError(f"villages must be >= 1; got {self.villages}")
        for key in ("pickup_share", "fresh_down_share", "fresh_up_share", "window_share"):
            value = getattr(self, key)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"CountySpec: {key} must be between 0 and 1; got {value}")
        if not self.fleet_factor > 0:
            raise ValueError(f"CountySpec: fleet_factor must be > 0; got {self.fleet_factor}")
        for key, choices in (("structure", STRUCTURES), ("crs", CRS_CHOICES),
                             ("fmt", FORMATS)):
            if getattr(self, key) not in choices:
                raise ValueError(f"CountySpec: {key} must be one of {{{', '.join(choices)}}}; "
                                 f"got {getattr(self, key)!r}")
        if not self.time_limit_s > 0:
            raise ValueError(f"CountySpec: time_limit_s must be > 0; got {self.time_limit_s}")

    @property
    def label(self) -> str:
        """A short name: ``v60`` for the default county of 60 villages, then one token per
        axis that differs from the default, e.g. ``v150-s3-fleet0.67-2ech-gbk``."""
        parts = [f"v{self.villages}"]
        if self.seed != 1:
            parts.append(f"s{self.seed}")
        for key, token in (("pickup_share", "pick"), ("fresh_down_share", "fdown"),
                           ("fresh_up_share", "fup"), ("window_share", "win")):
            if getattr(self, key) != _DEFAULTS[key]:
                parts.append(f"{token}{getattr(self, key):g}")
        if self.fleet_factor != FLEET_FACTOR:
            parts.append(f"fleet{self.fleet_factor:.3g}")
        if self.multi_trip:
            parts.append("2trip")
        if not self.cold_boxes:
            parts.append("nocold")
        if self.structure == "two_echelon":
            parts.append("2ech")
        if self.crs != "wgs84":
            parts.append(self.crs)
        if self.fmt != "csv":
            parts.append(self.fmt)
        return "-".join(parts)


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(CountySpec) if f.name != "villages"}


def _lonlat(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = LAT0 + y_km / 111.2
    lon = LON0 + x_km / (111.2 * math.cos(math.radians(LAT0)))
    return lon, lat


def _in_crs(lon: Any, lat: Any, crs: str) -> tuple[Any, Any]:
    """WGS84 degrees as written in ``crs`` (the reader converts them back, routing.io.coords)."""
    if crs == "wgs84":
        return lon, lat
    glon, glat = wgs84_to_gcj02(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return (glon, glat) if crs == "gcj02" else gcj02_to_bd09(glon, glat)


def county_layout(villages: int, seed: int) -> dict[str, np.ndarray]:
    """Township seats and village points in a disc around the hub (km from the hub)."""
    rng = np.random.default_rng(seed)
    radius = math.sqrt(KM2_PER_VILLAGE * villages / math.pi)
    towns = max(4, round(villages / 18))
    r = radius * np.sqrt(rng.uniform(0.05, 0.85, towns))
    a = rng.uniform(0, 2 * math.pi, towns)
    tx, ty = r * np.cos(a), r * np.sin(a)
    owner = rng.integers(0, towns, villages)
    spread = radius / math.sqrt(towns) * 0.6
    vx = tx[owner] + rng.normal(0, spread, villages)
    vy = ty[owner] + rng.normal(0, spread, villages)
    far = np.hypot(vx, vy) > radius  # pull stragglers back inside the county
    vx[far] *= radius / np.hypot(vx[far], vy[far])
    vy[far] *= radius / np.hypot(vx[far], vy[far])
    return {"tx": tx, "ty": ty, "vx": vx, "vy": vy, "owner": owner, "radius": np.array(radius)}


def write_county(folder: Path, villages: int, *, seed: int = 1, time_limit_s: float = 60.0,
                 name: str | None = None) -> Path:
    """Write a generated county of ``villages`` village points into ``folder``.

    Deterministic for a given (villages, seed). The fleet is sized from the demand with
    room to spare (a third more than the kg and the driving hours strictly need), so every
    station can be served and the solver's job is the cost, as on a real county's day.
    The county of ``write_spec(folder, CountySpec(villages=villages, seed=seed))``, named
    ``generated<villages>`` unless ``name`` is given.
    """
    spec = CountySpec(villages=villages, seed=seed, time_limit_s=time_limit_s)
    return _write(Path(folder), spec, name or f"generated{villages}")


def write_spec(folder: Path, spec: CountySpec, *, name: str | None = None) -> Path:
    """Write the county ``spec`` describes into ``folder`` (created); return ``folder``.

    Deterministic for a given spec (the .xlsx workbook is equal in content, not in bytes).
    The scenario is named ``spec.label`` unless ``name`` is given.
    """
    return _write(Path(folder), spec, name or spec.label)


def _fleet_scale(spec: CountySpec) -> tuple[int, int]:
    # An exact ratio, so the default 4/3 multiplies as `x * 4 / 3` always did (the counties
    # of write_county stay byte for byte what they were).
    ratio = Fraction(spec.fleet_factor).limit_denominator(1000)
    return ratio.numerator, ratio.denominator


def _write(folder: Path, spec: CountySpec, name: str) -> Path:
    villages, seed = spec.villages, spec.seed
    num, den = _fleet_scale(spec)
    rng = np.random.default_rng(seed + 1_000_003)
    lay = county_layout(villages, seed)
    folder.mkdir(parents=True, exist_ok=True)
    towns = len(lay["tx"])
    tlon, tlat = _in_crs(*_lonlat(lay["tx"], lay["ty"]), spec.crs)
    vlon, vlat = _in_crs(*_lonlat(lay["vx"], lay["vy"]), spec.crs)
    hlon, hlat = _in_crs(LON0, LAT0, spec.crs)
    stations = [["id", "name", "tier", "lon", "lat", "township", "open", "close", "generated"],
                ["HUB", "县物流中心", "hub", f"{hlon:.6f}", f"{hlat:.6f}", "", "05:00", "22:00",
                 "true"]]
    for c, (cid, zh, _, _) in enumerate(CARRIERS):
        olon, olat = _in_crs(LON0 + 0.004 * (c + 1), LAT0 - 0.003, spec.crs)
        stations.append([f"OUT_{cid}", f"{zh}网点", "outlet", f"{olon:.6f}", f"{olat:.6f}", "",
                         "06:00", "21:00", "true"])
    for t in range(towns):
        stations.append([f"T{t:03d}", f"第{t + 1}镇服务站", "township", f"{tlon[t]:.6f}",
                         f"{tlat[t]:.6f}", "", "", "", "true"])
    demand = [["id", "station", "carrier", "direction", "parcels", "kg", "m3", "fresh", "ready"]]
    shares = np.array([c[2] for c in CARRIERS])
    total_kg = fresh_kg = 0.0
    ambient_kg: dict[str, float] = {}  # by village: what its township's feeders carry
    k = 0

    def line(sid: str, cid: str, direction: str, parcels: int, kg: float, fresh: bool,
             ready: str) -> None:
        nonlocal k, total_kg, fresh_kg
        k += 1
        demand.append([f"L{k:06d}", sid, cid, direction, str(parcels), f"{kg:.1f}",
                       f"{parcels * M3_PER_PARCEL:.3f}", str(fresh).lower(), ready])
        total_kg += kg
        fresh_kg += kg if fresh else 0.0
        if not fresh:
            ambient_kg[sid] = ambient_kg.get(sid, 0.0) + kg

    for t in range(towns):  # the township station's own parcels
        for c, n in enumerate(rng.poisson(3 * PARCELS_PER_VILLAGE * shares)):
            if n:
                line(f"T{t:03d}", CARRIERS[c][0], "down", int(n), KG_PER_PARCEL * n, False,
                     "06:00")
    for v in range(villages):
        sid = f"V{v:05d}"
        window = ["", ""]
        if rng.random() < spec.window_share:
            window = ["08:00", "12:00"] if rng.random() < 0.5 else ["13:00", "18:00"]
        stations.append([sid, f"{v + 1}村服务点", "village", f"{vlon[v]:.6f}", f"{vlat[v]:.6f}",
                         f"T{lay['owner'][v]:03d}", *window, "true"])
        for c, n in enumerate(rng.poisson(PARCELS_PER_VILLAGE * shares)):
            if n:
                kg = KG_PER_PARCEL * n * rng.uniform(0.7, 1.4)
                line(sid, CARRIERS[c][0], "down", int(n), kg, False, "06:30")
        if rng.random() < spec.fresh_down_share:
            c = int(rng.integers(0, 2))  # post or zto bring fresh goods down
            line(sid, CARRIERS[c][0], "down", int(rng.integers(1, 5)),
                 float(rng.uniform(8, 30)), True, "06:00")
        if rng.random() < spec.pickup_share:
            c = int(rng.choice(len(CARRIERS), p=shares))
            fresh = bool(rng.random() < spec.fresh_up_share)
            kg = float(rng.uniform(20, 120))
            line(sid, CARRIERS[c][0], "up", max(1, round(kg / 10)), kg, fresh,
                 "09:00" if fresh else "10:00")
    # Fleet from the demand: kg with a third to spare (fleet_factor), and driving hours — the
    # county's radius out and back per vehicle, 10 h shifts, 5 min + 4 s/parcel per stop.
    radius = float(lay["radius"])
    stops_per_vehicle = max(6.0, (10 * 60 - 2 * radius / 45 * 60) / 16)
    need = max(total_kg / 1200, (villages + towns) / stops_per_vehicle) * num / den
    box = max(1, math.ceil(need * 0.4))
    van = max(2, math.ceil(need * 0.6))
    reefer = max(1, math.ceil(fresh_kg / 1200 * num / den))
    cold = str(COLD_BOX_KG) if spec.cold_boxes else ""
    trips = spec.multi_trip or spec.structure == "two_echelon"
    extra = ["max_trips", "echelon"] if trips else []
    vtrips = ["2" if spec.multi_trip else "1", "any"] if trips else []
    one = ["1", "any"] if trips else []
    vehicles = [
        ["id", "name", "count", "capacity_kg", "capacity_m3", "capacity_parcels", "fixed_cost",
         "cost_per_km", "cost_per_hour", "speed_kph", "max_shift_h", "refrigerated", "depot",
         "owner", "cold_capacity_kg", *extra],
        ["BOX42", "4.2 m box truck", str(box), "1800", "16", "1200", "110", "1.6", "22", "50",
         "10", "false", "HUB", "alliance", "", *one],
        ["VAN", "light van", str(van), *_VAN, "HUB", "alliance", cold, *vtrips],
        ["REEFER", "refrigerated light truck", str(reefer), "1200", "8", "600", "150", "1.7",
         "22", "45", "10", "true", "HUB", "alliance", "", *one],
    ]
    for cid, _, share, _ in CARRIERS:  # each carrier's own vans, for `routing compare`
        own = max(2, math.ceil(need * share * 1.2))
        vehicles.append([f"VAN_{cid}", f"{cid} van", str(own), *_VAN, f"OUT_{cid}", cid, cold,
                         *vtrips])
    if spec.structure == "two_echelon":
        vehicles += _feeders(lay, ambient_kg, num / den)
    carriers = [["id", "name", "name_zh", "market_share", "outlet", "visit_every_days"]]
    carriers += [[cid, cid, zh, str(share), f"OUT_{cid}", "1"] for cid, zh, share, _ in CARRIERS]
    tables = {"stations": stations, "demand": demand, "vehicles": vehicles,
              "carriers": carriers}
    _write_tables(folder, tables, spec.fmt)
    (folder / "scenario.toml").write_text(_toml(spec, name), encoding="utf-8")
    return folder


# A light van's columns from capacity_kg to max_shift_h, and refrigerated.
_VAN = ("800", "4.5", "300", "60", "1.0", "18", "45", "10", "false")


def _feeders(lay: dict[str, np.ndarray], ambient_kg: dict[str, float],
             factor: float) -> list[list[str]]:
    """Feeder vans at each township station with villages, sized like the hub fleet from its
    villages' ambient kg and stops (a feeder's round trip is the township's spread, not the
    county's radius), two trips a shift."""
    towns = len(lay["tx"])
    spread = float(lay["radius"]) / math.sqrt(towns) * 0.6
    stops_per_vehicle = max(6.0, (10 * 60 - 4 * spread / 45 * 60) / 16)
    rows = []
    for t in range(towns):
        mine = [f"V{v:05d}" for v in np.flatnonzero(lay["owner"] == t)]
        if not mine:
            continue
        kg = sum(ambient_kg.get(v, 0.0) for v in mine)
        need = max(kg / 1200, len(mine) / stops_per_vehicle) * factor
        rows.append([f"FEED_T{t:03d}", "township feeder van", str(max(1, math.ceil(need))),
                     *_VAN, f"T{t:03d}", "alliance", "", "2", "feeder"])
    return rows


def _toml(spec: CountySpec, name: str) -> str:
    villages = spec.villages
    head = f"# Generated county: {villages} village points, seed {spec.seed}"
    axes = [f"{k} = {getattr(spec, k)!r}" for k in _DEFAULTS
            if k not in ("seed", "time_limit_s") and getattr(spec, k) != _DEFAULTS[k]]
    if axes:
        head += "\n# Stress axes (routing.io.synthetic.CountySpec): " + ", ".join(axes)
    crs = f'crs = "{spec.crs}"\n' if spec.crs != "wgs84" else ""
    tables = "".join(f'{key} = "{XLSX_FILE}#{sheet}"\n' for key, sheet in XLSX_SHEETS.items())
    tables = f"\n[tables]\n{tables}" if spec.fmt == "xlsx" else ""
    structure = f'structure = "{spec.structure}"\n' if spec.structure != "direct" else ""
    return f'''{head}
# (routing.io.synthetic.write_county; every figure an assumption, see its docstring).
[scenario]
name = "{name}"
title = "generated county, {villages} villages"
date = "2026-11-25"
{crs}{tables}
[network]
mode = "great_circle"
detour_factor = 1.35
speed_kph = 45

[service]
stop_min = 5
per_parcel_s = 4
open = "07:00"
close = "19:00"

[targets]
on_time_h = 48
fresh_h = 24
cost_reduction = 0.20

[solve]
time_limit_s = {spec.time_limit_s:g}
seed = 1
{structure}
[compare]
time_limit_s = 10

[[compare.variants]]
name = "alliance"
'''


_SCHEMAS: dict[str, tuple[Column, ...]] = {
    "stations": STATION_COLUMNS, "carriers": CARRIER_COLUMNS, "vehicles": VEHICLE_COLUMNS,
    "demand": DEMAND_COLUMNS}


def _chinese(column: Column) -> str:
    """The column's first Chinese alias (how a local system's export names it), else its name."""
    return next((a for a in column.aliases if not a.isascii()), column.name)


def _typed(column: Column, text: str) -> Any:
    """A cell as Excel holds it: numbers, booleans and times typed, the rest text."""
    if text == "":
        return None
    if column.kind == "int":
        return int(text)
    if column.kind == "float":
        return float(text)
    if column.kind == "bool":
        return text == "true"
    if column.kind in ("time", "closing"):
        h, rest = divmod(parse_time_s(text), 3600)
        return dt.time(h, rest // 60)
    return text


def _write_tables(folder: Path, tables: dict[str, list[list[str]]], fmt: str) -> None:
    if fmt == "xlsx":
        _write_xlsx(folder / XLSX_FILE, tables)
        return
    for key, rows in tables.items():
        header, body = rows[0], rows[1:]
        if fmt == "gbk":
            cols = {c.name: c for c in _SCHEMAS[key]}
            bools = [k for k, h in enumerate(header) if cols[h].kind == "bool"]
            header = [_chinese(cols[h]) for h in header]
            body = [[({"true": "是", "false": "否"}.get(v, v) if k in bools else v)
                     for k, v in enumerate(row)] for row in body]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *body])
        (folder / f"{key}.csv").write_bytes(
            buf.getvalue().encode("gbk" if fmt == "gbk" else "utf-8"))


def _write_xlsx(path: Path, tables: dict[str, list[list[str]]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for key, sheet in XLSX_SHEETS.items():
        header, *body = tables[key]
        cols = {c.name: c for c in _SCHEMAS[key]}
        ws = book.create_sheet(sheet)
        ws.append(header)
        for row in body:
            ws.append([_typed(cols[h], v) for h, v in zip(header, row, strict=True)])
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, dt.time):
                    cell.number_format = "hh:mm"
    # Fixed document dates, so the same spec gives the same workbook content.
    book.properties.created = book.properties.modified = dt.datetime(2026, 11, 25)
    book.save(path)


#: One-axis departures from the base county, most telling first (stress_specs' order).
ONE_AXIS: tuple[dict[str, Any], ...] = (
    {"structure": "two_echelon"}, {"fleet_factor": 0.67}, {"fmt": "gbk"}, {"fmt": "xlsx"},
    {"crs": "gcj02"}, {"multi_trip": True}, {"cold_boxes": False}, {"pickup_share": 0.7},
    {"crs": "bd09"}, {"window_share": 0.6}, {"fresh_down_share": 0.3},
    {"fresh_up_share": 0.6}, {"fleet_factor": 1.0}, {"fleet_factor": 0.8},
    {"pickup_share": 0.0}, {"window_share": 0.0}, {"fresh_down_share": 0.0},
    {"fresh_up_share": 0.0},
)
#: The values combined counties draw from, per axis (the default among them).
AXIS_VALUES: dict[str, tuple[Any, ...]] = {
    "pickup_share": (0.0, SHARE_PICKUP, 0.7), "fresh_down_share": (0.0, SHARE_FRESH_DOWN, 0.3),
    "fresh_up_share": (0.0, SHARE_FRESH_UP, 0.6), "window_share": (0.0, SHARE_WINDOW, 0.6),
    "fleet_factor": (FLEET_FACTOR, 1.0, 0.8, 0.67), "multi_trip": (False, True),
    "cold_boxes": (True, False), "structure": STRUCTURES, "crs": CRS_CHOICES, "fmt": FORMATS,
}


def stress_specs(n: int = 40, sizes: Sequence[int] = (60, 150, 400, 1000), *,
                 seed: int = 1) -> list[CountySpec]:
    """The stress suite's first ``n`` counties, the same every time for a ``seed``.

    In this order: the base county (``sizes[0]`` villages, every default, county ``seed``);
    the base at each other size; each of :data:`ONE_AXIS` on the base; then combined
    counties, sizes in turn and every axis drawn from :data:`AXIS_VALUES` (county seeds
    ``seed`` + 1, + 2, …), as many as ``n`` asks. Another ``seed`` gives counties never
    planned before, with the same axes.
    """
    if not sizes:
        raise ValueError("`sizes` must name at least one county size")
    base = CountySpec(villages=sizes[0], seed=seed)
    specs = [base, *(replace(base, villages=v) for v in sizes[1:])]
    specs += [replace(base, **axis) for axis in ONE_AXIS]
    rng = np.random.default_rng(20261125 + seed - 1)
    k = 0
    while len(specs) < n:
        draw = {key: values[int(rng.integers(len(values)))]
                for key, values in AXIS_VALUES.items()}
        specs.append(CountySpec(villages=sizes[k % len(sizes)], seed=seed + 1 + k, **draw))
        k += 1
    return specs[:n]
