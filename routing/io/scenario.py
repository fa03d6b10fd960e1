"""Read a scenario folder: ``scenario.toml`` plus stations, carriers, vehicles and demand tables.

Every problem in every file is collected and raised once as a :class:`ScenarioError`, each naming
file, row, field, value and what would be valid. Unknown TOML keys get a did-you-mean.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..constants import ALLIANCE
from ..exceptions import FieldError, ScenarioError
from ..model import (
    Carrier,
    DemandLine,
    Direction,
    NetworkSpec,
    Scenario,
    ServiceSpec,
    SolveSpec,
    Station,
    Targets,
    Tier,
    VehicleType,
)
from ..model.scenario import cross_problems
from .coords import CRS_CHOICES, to_wgs84
from .tables import Cell, Column, parse_time_s, read_table

# Every key scenario.toml may hold: section -> key -> (type, meaning). Documented in
# scenarios/README.md; a test keeps the two in step.
TOML_KEYS: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "scenario": {"name": (str, "short name"), "title": (str, "title shown on reports"),
                 "date": (str, "plan day, YYYY-MM-DD"),
                 "crs": (str, "coordinates of the stations table: wgs84 | gcj02 | bd09")},
    "tables": {"stations": (str, "file"), "carriers": (str, "file"),
               "vehicles": (str, "file"), "demand": (str, "file")},
    "network": {"mode": (str, "great_circle | roads"),
                "detour_factor": ((int, float), "road km per great-circle km"),
                "speed_kph": ((int, float), "average speed, km/h"),
                "roads": (str, "road file: .osm, .pbf, .geojson, .gpkg, .shp"),
                "max_snap_m": ((int, float), "largest station-to-road distance, m"),
                "access_speed_kph": ((int, float), "speed from road to station, km/h")},
    "service": {"stop_min": ((int, float), "fixed minutes per stop"),
                "per_parcel_s": ((int, float), "seconds per parcel handled"),
                "open": (str, "default opening time HH:MM"),
                "close": (str, "default closing time HH:MM")},
    "targets": {"on_time_h": ((int, float), "hours"), "fresh_h": ((int, float), "hours"),
                "cost_reduction": ((int, float), "fraction")},
    "solve": {"time_limit_s": ((int, float), "seconds"), "seed": (int, "random seed"),
              "solution_limit": (int, "stop after this many solutions"),
              "first_solution": (str, "OR-Tools first solution strategy"),
              "metaheuristic": (str, "OR-Tools local search metaheuristic"),
              "unserved_penalty": ((int, float), "CNY per station left unserved")},
}

_TIERS = tuple(t.value for t in Tier)
STATION_COLUMNS = (
    Column("id", "str", True, "", "station id (e.g. NBS code)", aliases=("编号", "站点编号")),
    Column("name", "str", True, "", "station name (Chinese)", aliases=("名称", "站点名称")),
    Column("tier", "choice", True, "", "hub | township | village", choices=_TIERS,
           aliases=("层级",)),
    Column("lon", "float", True, "degrees", "longitude in the scenario's crs",
           aliases=("经度",)),
    Column("lat", "float", True, "degrees", "latitude in the scenario's crs", aliases=("纬度",)),
    Column("township", "str", False, "", "township station id of a village point",
           aliases=("所属乡镇",)),
    Column("service_min", "float", False, "min", "fixed service time at this stop"),
    Column("open", "time", False, "HH:MM", "opening time", aliases=("开门",)),
    Column("close", "time", False, "HH:MM", "closing time", aliases=("关门",)),
    Column("cold_storage", "bool", False, "", "has cold storage (true/false)"),
    Column("generated", "bool", False, "", "coordinates generated, not surveyed"),
    Column("code", "str", False, "", "NBS division code"),
)
CARRIER_COLUMNS = (
    Column("id", "str", True, "", "carrier id", aliases=("编号",)),
    Column("name", "str", True, "", "carrier name"),
    Column("name_zh", "str", False, "", "Chinese name", aliases=("名称",)),
    Column("market_share", "float", False, "fraction", "share of parcels 0..1"),
)
VEHICLE_COLUMNS = (
    Column("id", "str", True, "", "vehicle type id"),
    Column("name", "str", True, "", "vehicle type name"),
    Column("name_zh", "str", False, "", "Chinese name"),
    Column("count", "int", True, "vehicles", "how many"),
    Column("capacity_kg", "float", True, "kg", "payload"),
    Column("capacity_m3", "float", True, "m3", "cargo volume"),
    Column("capacity_parcels", "int", True, "parcels", "parcels on board at most"),
    Column("fixed_cost", "float", True, "CNY/day", "cost of using the vehicle for a day"),
    Column("cost_per_km", "float", True, "CNY/km", "energy, wear, tolls"),
    Column("cost_per_hour", "float", True, "CNY/h", "driver cost per hour on shift"),
    Column("speed_kph", "float", True, "km/h", "top average speed"),
    Column("max_shift_h", "float", True, "h", "longest shift, depot to depot"),
    Column("refrigerated", "bool", False, "", "may carry fresh goods"),
    Column("depot", "str", True, "", "station id the vehicle starts and ends at"),
    Column("owner", "str", False, "", f"'{ALLIANCE}' or a carrier id"),
)
_DIRS = tuple(d.value for d in Direction)
DEMAND_COLUMNS = (
    Column("id", "str", False, "", "line id (default: row-N)"),
    Column("station", "str", True, "", "station id", aliases=("站点",)),
    Column("carrier", "str", True, "", "carrier id", aliases=("快递公司",)),
    Column("direction", "choice", True, "", "down | up", choices=_DIRS, aliases=("方向",)),
    Column("parcels", "int", True, "parcels", "number of parcels", aliases=("件数",)),
    Column("kg", "float", True, "kg", "weight", aliases=("重量",)),
    Column("m3", "float", False, "m3", "volume", aliases=("体积",)),
    Column("fresh", "bool", False, "", "needs cold chain", aliases=("生鲜",)),
    Column("ready", "time", False, "HH:MM", "ready at hub (down) / at station (up)"),
)


# Model field -> the table column it comes from, so errors name what the user typed.
_FIELD_TO_COLUMN = {"township_id": "township", "depot_id": "depot", "open_s": "open",
                    "close_s": "close", "service_s": "service_min", "station_id": "station",
                    "carrier_id": "carrier", "ready_s": "ready", "max_shift_s": "max_shift_h"}


def _check_toml(data: dict[str, Any], source: str) -> list[str]:
    problems: list[str] = []
    for section, body in data.items():
        if section not in TOML_KEYS:
            hint = difflib.get_close_matches(section, TOML_KEYS, n=1)
            did = f"; did you mean [{hint[0]}]?" if hint else ""
            problems.append(f"{source}: unknown section [{section}]{did} Valid sections: "
                            f"{', '.join(TOML_KEYS)}")
            continue
        if not isinstance(body, dict):
            problems.append(f"{source}: [{section}] must be a table of keys")
            continue
        for key, value in body.items():
            spec = TOML_KEYS[section].get(key)
            if spec is None:
                hint = difflib.get_close_matches(key, TOML_KEYS[section], n=1)
                did = f"; did you mean '{hint[0]}'?" if hint else ""
                problems.append(f"{source}: unknown key '{key}' in [{section}]{did} Valid keys: "
                                f"{', '.join(TOML_KEYS[section])}")
            elif not isinstance(value, spec[0]) or isinstance(value, bool):
                problems.append(f"{source}: [{section}] {key} must be {spec[1]}; got {value!r}")
    return problems


def _build(rows: list[Cell], label: str, make: Callable[[dict[str, Any]], Any],
           problems: list[str]) -> list[Any]:
    """Build one object per row; a FieldError becomes a problem naming file, row and field."""
    out = []
    for cell in rows:
        try:
            out.append(make(cell.values))
        except FieldError as exc:
            column = _FIELD_TO_COLUMN.get(exc.field, exc.field)
            problems.append(f"{label} row {cell.row}, field '{column}': {exc.expected}; "
                            f"got {exc.value!r}")
    return out


def read_scenario(folder: str | Path) -> Scenario:
    """Read and validate a scenario folder.

    Raises
    ------
    ScenarioError
        Listing every problem in every file at once.
    """
    root = Path(folder)
    toml_path = root / "scenario.toml"
    if not toml_path.is_file():
        raise ScenarioError([f"no scenario.toml in {root} (is this a scenario folder?)"],
                            source=str(root))
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"scenario.toml: not valid TOML ({exc})"], source=str(root)) from None
    problems = _check_toml(data, "scenario.toml")
    if problems:
        raise ScenarioError(problems, source=str(root))

    meta = data.get("scenario", {})
    crs = meta.get("crs", "wgs84").lower()
    if crs not in CRS_CHOICES:
        problems.append(f"scenario.toml: [scenario] crs must be one of {{{', '.join(CRS_CHOICES)}}}"
                        f"; got {crs!r}")
    svc = data.get("service", {})
    default_open = default_close = None
    for key in ("open", "close"):
        try:
            val = parse_time_s(svc.get(key, "00:00" if key == "open" else "24:00"))
        except ValueError as exc:
            problems.append(f"scenario.toml: [service] {key} {exc}; got {svc.get(key)!r}")
            continue
        if key == "open":
            default_open = val
        else:
            default_close = val
    specs: dict[str, Any] = {}
    for key, cls in (("service", ServiceSpec), ("targets", Targets), ("solve", SolveSpec),
                     ("network", NetworkSpec)):
        kwargs = dict(data.get(key, {}))
        if key == "service":
            kwargs.pop("open", None)
            kwargs.pop("close", None)
            if "stop_min" in kwargs:
                kwargs["stop_s"] = round(kwargs.pop("stop_min") * 60)
        if key == "network" and "roads" in kwargs:
            kwargs["roads"] = (root / kwargs["roads"]).resolve()
        try:
            specs[key] = cls(**kwargs)
        except FieldError as exc:
            problems.append(f"scenario.toml: [{key}] {exc.field} {exc.expected}; got {exc.value!r}")
            specs[key] = cls()

    tables = data.get("tables", {})
    defaults = {"stations": "stations.csv", "carriers": "carriers.csv",
                "vehicles": "vehicles.csv", "demand": "demand.csv"}
    read: dict[str, tuple[list[Cell], str]] = {}
    for key, cols in (("stations", STATION_COLUMNS), ("carriers", CARRIER_COLUMNS),
                      ("vehicles", VEHICLE_COLUMNS), ("demand", DEMAND_COLUMNS)):
        ref = tables.get(key, defaults[key])
        file, _, sheet = ref.partition("#")
        label = file if not sheet else f"{file}#{sheet}"
        rows, probs = read_table(root / file, cols, sheet=sheet or None, label=label)
        problems.extend(probs)
        read[key] = (rows, label)
    if problems:
        raise ScenarioError(problems, source=str(root))

    service: ServiceSpec = specs["service"]
    srows, slabel = read["stations"]
    lon = np.array([r.values["lon"] for r in srows], dtype=float)
    lat = np.array([r.values["lat"] for r in srows], dtype=float)
    wlon, wlat = to_wgs84(lon, lat, crs) if len(srows) else (lon, lat)
    for r, x, y in zip(srows, wlon, wlat, strict=True):
        r.values["lon"], r.values["lat"] = float(x), float(y)

    def make_station(v: dict[str, Any]) -> Station:
        svc_min = v.get("service_min")
        if svc_min is not None and not 0 <= svc_min <= 240:
            raise FieldError("Station", v["id"], "service_min", "must be in 0..240 minutes",
                             svc_min)
        return Station(
            id=v["id"], name=v["name"], tier=Tier(v["tier"]), lon=v["lon"], lat=v["lat"],
            township_id=v.get("township") or None,
            service_s=service.stop_s if svc_min is None else round(svc_min * 60),
            open_s=default_open if v.get("open") is None else v["open"],
            close_s=default_close if v.get("close") is None else v["close"],
            cold_storage=bool(v.get("cold_storage")), generated=bool(v.get("generated")),
            code=v.get("code"))

    def make_carrier(v: dict[str, Any]) -> Carrier:
        return Carrier(id=v["id"], name=v["name"], name_zh=v.get("name_zh") or "",
                       market_share=v.get("market_share"))

    def make_vehicle(v: dict[str, Any]) -> VehicleType:
        shift_h = v["max_shift_h"]
        if not 0 < shift_h <= 24:
            raise FieldError("VehicleType", v["id"], "max_shift_h", "must be in (0, 24] hours",
                             shift_h)
        return VehicleType(
            id=v["id"], name=v["name"], name_zh=v.get("name_zh") or "", count=v["count"],
            capacity_kg=v["capacity_kg"], capacity_m3=v["capacity_m3"],
            capacity_parcels=v["capacity_parcels"], fixed_cost=v["fixed_cost"],
            cost_per_km=v["cost_per_km"], cost_per_hour=v["cost_per_hour"],
            speed_kph=v["speed_kph"],
            max_shift_s=round(shift_h * 3600),
            depot_id=v["depot"], refrigerated=bool(v.get("refrigerated")),
            owner=v.get("owner") or ALLIANCE)

    def make_demand(v: dict[str, Any]) -> DemandLine:
        return DemandLine(
            id=v.get("id") or f"row-{v['_row']}", station_id=v["station"],
            carrier_id=v["carrier"], direction=Direction(v["direction"]), parcels=v["parcels"],
            kg=v["kg"], m3=v.get("m3") or 0.0, fresh=bool(v.get("fresh")),
            ready_s=v.get("ready") or 0)

    drows, dlabel = read["demand"]
    for r in drows:
        r.values["_row"] = r.row
    stations = _build(srows, slabel, make_station, problems)
    carriers = _build(read["carriers"][0], read["carriers"][1], make_carrier, problems)
    vehicles = _build(read["vehicles"][0], read["vehicles"][1], make_vehicle, problems)
    demand = _build(drows, dlabel, make_demand, problems)
    if problems:
        raise ScenarioError(problems, source=str(root))

    # Cross references, reported against the rows they came from.
    for p in cross_problems(stations, carriers, vehicles, demand):
        rows, label = read[p.table]
        where = f"row {rows[p.index].row}" if p.index < len(rows) else "table"
        problems.append(f"{label} {where}, field '{p.field}': {p.message}")
    if problems:
        raise ScenarioError(problems, source=str(root))
    return Scenario(
        name=str(meta.get("name", root.name)), title=str(meta.get("title", "")),
        date=str(meta.get("date", "")), stations=tuple(stations), carriers=tuple(carriers),
        vehicle_types=tuple(vehicles), demand=tuple(demand), targets=specs["targets"],
        network=specs["network"], service=service, solve=specs["solve"], root=root.resolve())


__all__ = ["read_scenario"]
