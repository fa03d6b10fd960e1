"""Read a scenario folder: ``scenario.toml`` plus stations, carriers, vehicles and demand tables.

Every problem in every file is collected and raised once as a :class:`ScenarioError`, each naming
file, row, field, value and what would be valid. Unknown TOML keys get a did-you-mean.

Problems are collected in stages, and each stage runs whenever its input can be trusted, so one
kind of error does not hide another until it is fixed:

1. ``scenario.toml``: unknown sections and keys, wrong types and bad values are reported and
   those keys ignored (defaults used). The tables are still read, unless ``[tables]`` itself has
   a problem: then which files to read is unknown. No or invalid TOML stops the load here.
2. Cells: every cell of every table is parsed; a row with a bad cell is reported and left out.
3. Values: every row whose cells all parsed is built into its model object and checked.
4. Cross references (unknown or duplicate ids, depots, owners) are checked only when every row
   of every table was built: with a row left out they would report phantom unknown ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..constants import ALLIANCE, DAY_S
from ..exceptions import FieldError, ScenarioError
from ..model import (
    Carrier,
    CompareSpec,
    CostSpec,
    DemandLine,
    Direction,
    NetworkSpec,
    Scenario,
    ServiceSpec,
    SolveSpec,
    Station,
    Targets,
    Tier,
    Variant,
    VehicleType,
    ranges,
)
from ..model.entities import ECHELONS
from ..model.scenario import cross_problems
from .coords import CRS_CHOICES, to_wgs84
from .limits import Limits, default_limits, file_problems
from .tables import (
    Cell,
    Column,
    control_problem,
    format_time,
    parse_closing_s,
    parse_time_s,
    printable,
    read_table,
)

# Every key scenario.toml may hold: section -> key -> (type, meaning). Documented in
# scenarios/README.md; a test keeps the two in step.
TOML_KEYS: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "scenario": {"name": (str, "short name"), "title": (str, "title shown on reports"),
                 "date": ((str, dt.date), "plan day, YYYY-MM-DD"),
                 "crs": (str, "coordinates of the stations table: wgs84 | gcj02 | bd09"),
                 "county_villages": (int, "villages in the county, with a point or not")},
    "tables": {"stations": (str, "file"), "carriers": (str, "file"),
               "vehicles": (str, "file"), "demand": (str, "file")},
    "network": {"mode": (str, "great_circle | roads"),
                "detour_factor": ((int, float), "road km per great-circle km"),
                "speed_kph": ((int, float), "average speed, km/h"),
                "roads": (str, "road file: .osm, .pbf, .geojson, .gpkg, .shp"),
                "max_snap_m": ((int, float), "largest station-to-road distance, m"),
                "access_speed_kph": ((int, float), "speed from road to station, km/h"),
                "max_station_km": ((int, float), "straight-line km from the hub a station "
                                                 "may be at most")},
    "service": {"stop_min": ((int, float), "fixed minutes per stop"),
                "per_parcel_s": ((int, float), "seconds per parcel handled"),
                "reload_min": ((int, float), "minutes at the depot between two trips"),
                "transfer_min": ((int, float), "minutes from trunk arrival to feeder departure"),
                "open": (str, "default opening time HH:MM"),
                "close": (str, "default closing time HH:MM")},
    "targets": {"on_time_h": ((int, float), "hours"), "fresh_h": ((int, float), "hours"),
                "cost_reduction": ((int, float), "fraction"),
                "max_trunk_routes": (int, "hub → township trunk routes at most (two echelons)"),
                "min_village_coverage": ((int, float), "share of the county's villages with "
                                                       "a village point"),
                "min_alliance_carriers": (int, "carriers an alliance pools at least")},
    "solve": {"time_limit_s": ((int, float), "seconds"), "seed": (int, "random seed"),
              "solution_limit": (int, "stop after this many solutions"),
              "first_solution": (str, "OR-Tools first solution strategy"),
              "metaheuristic": (str, "OR-Tools local search metaheuristic"),
              "unserved_penalty": ((int, float), "CNY per station left unserved"),
              "structure": (str, "direct | two_echelon | both"),
              "reference": (str, "plan.json to keep routes stable against"),
              "change_penalty": ((int, float), "CNY per stop moved off its reference vehicle")},
    "costs": {"hub_per_parcel": ((int, float), "CNY per parcel sorted at the shared hub"),
              "outlet_per_parcel": ((int, float), "CNY per parcel at a carrier's own outlet"),
              "station_per_parcel": ((int, float), "CNY per parcel handed over at a station")},
    "compare": {"time_limit_s": ((int, float), "seconds per plan"),
                "coalition_time_limit_s": ((int, float), "seconds per Shapley coalition plan"),
                "shapley": (bool, "plan every coalition for the Shapley split"),
                "auto_every_days": (list, "frequencies a variant with visit_every_days = "
                                          "\"auto\" chooses from, days"),
                "variants": (list, "[[compare.variants]] tables"),
                "waves": (list, "inbound wave times at the hub, HH:MM"),
                "wave_shares": (list, "share of a day's down parcels in each wave")},
}

_TIERS = tuple(t.value for t in Tier)
#: The Chinese word a template offers for each choice (the first word of its synonyms); the
#: tables read these and the other synonyms as the choice.
TIER_ZH = {"hub": "县级中心", "township": "乡镇站点", "village": "村级站点", "outlet": "快递网点"}
DIRECTION_ZH = {"down": "下行", "up": "上行"}
ECHELON_ZH = {"any": "不限", "trunk": "干线", "feeder": "支线"}
_TIER_SYNONYMS = (*((zh, en) for en, zh in TIER_ZH.items()),
                  ("县级物流中心", "hub"), ("枢纽", "hub"), ("乡镇", "township"),
                  ("乡镇服务站", "township"), ("村", "village"), ("村级服务点", "village"),
                  ("网点", "outlet"))
_DIRECTION_SYNONYMS = tuple((zh, en) for en, zh in DIRECTION_ZH.items())
_ECHELON_SYNONYMS = tuple((zh, en) for en, zh in ECHELON_ZH.items())
STATION_COLUMNS = (
    Column("id", "str", True, "", "station id (e.g. NBS code)", aliases=("编号", "站点编号")),
    Column("name", "str", True, "", "station name (Chinese)", aliases=("名称", "站点名称")),
    Column("tier", "choice", True, "", "hub | township | village", choices=_TIERS,
           aliases=("层级",), synonyms=_TIER_SYNONYMS),
    Column("lon", "float", True, "degrees", "longitude in the scenario's crs",
           aliases=("经度",)),
    Column("lat", "float", True, "degrees", "latitude in the scenario's crs", aliases=("纬度",)),
    Column("township", "str", False, "", "township station id of a village point",
           aliases=("所属乡镇",)),
    Column("service_min", "float", False, "min", "fixed service time at this stop",
           aliases=("停靠分钟",)),
    Column("open", "time", False, "HH:MM", "opening time", aliases=("开门",)),
    Column("close", "closing", False, "HH:MM", "closing time (00:00 means 24:00)",
           aliases=("关门",)),
    Column("cold_storage", "bool", False, "", "has cold storage (true/false)",
           aliases=("冷库",)),
    Column("generated", "bool", False, "", "coordinates generated, not surveyed",
           aliases=("坐标为估算",)),
    Column("code", "str", False, "", "NBS division code",
           aliases=("区划代码",)),
    Column("visit_every_days", "int", False, "days",
           "serve every k days in alliance variants (blank: the variant decides)",
           aliases=("频次",)),
)
CARRIER_COLUMNS = (
    Column("id", "str", True, "", "carrier id", aliases=("编号",)),
    Column("name", "str", True, "", "carrier name",
           aliases=("英文名称",)),
    Column("name_zh", "str", False, "", "Chinese name", aliases=("名称",)),
    Column("market_share", "float", False, "fraction", "share of parcels 0..1",
           aliases=("市场份额",)),
    Column("outlet", "str", False, "", "station id of its own depot when driving alone",
           aliases=("自有网点",)),
    Column("visit_every_days", "int", False, "days", "how often it serves a station alone",
           aliases=("单独配送频次",)),
)
VEHICLE_COLUMNS = (
    Column("id", "str", True, "", "vehicle type id",
           aliases=("编号",)),
    Column("name", "str", True, "", "vehicle type name",
           aliases=("英文名称",)),
    Column("name_zh", "str", False, "", "Chinese name",
           aliases=("名称",)),
    Column("count", "int", True, "vehicles", "how many",
           aliases=("数量",)),
    Column("capacity_kg", "float", True, "kg", "payload",
           aliases=("载重kg",)),
    Column("capacity_m3", "float", True, "m3", "cargo volume",
           aliases=("容积m3",)),
    Column("capacity_parcels", "int", True, "parcels", "parcels on board at most",
           aliases=("最多件数",)),
    Column("fixed_cost", "float", True, "CNY/day", "cost of using the vehicle for a day",
           aliases=("每天固定费用",)),
    Column("cost_per_km", "float", True, "CNY/km", "energy, wear, tolls",
           aliases=("每公里费用",)),
    Column("cost_per_hour", "float", True, "CNY/h", "driver cost per hour on shift",
           aliases=("每小时费用",)),
    Column("speed_kph", "float", True, "km/h", "top average speed",
           aliases=("速度kph",)),
    Column("max_shift_h", "float", True, "h", "longest shift, depot to depot",
           aliases=("最长班次小时",)),
    Column("refrigerated", "bool", False, "", "may carry fresh goods",
           aliases=("冷藏车",)),
    Column("depot", "str", True, "", "station id the vehicle starts and ends at",
           aliases=("车场",)),
    Column("owner", "str", False, "", f"'{ALLIANCE}' or a carrier (id, name or Chinese name)",
           aliases=("所属",)),
    Column("max_trips", "int", False, "trips", "depot-to-depot loops per shift (default 1)",
           aliases=("最多趟数",)),
    Column("cold_capacity_kg", "float", False, "kg", "cold box of a dry vehicle",
           aliases=("冷藏箱kg",)),
    Column("echelon", "choice", False, "", "any | trunk | feeder", choices=ECHELONS,
           synonyms=_ECHELON_SYNONYMS,
           aliases=("配送层级",)),
)
_DIRS = tuple(d.value for d in Direction)
DEMAND_COLUMNS = (
    Column("id", "str", False, "", "line id (default: row-N)", aliases=("编号",)),
    Column("station", "str", True, "", "station id", aliases=("站点",)),
    Column("carrier", "str", True, "", "carrier id, name or Chinese name",
           aliases=("快递公司",)),
    Column("direction", "choice", True, "", "down | up", choices=_DIRS, aliases=("方向",),
           synonyms=_DIRECTION_SYNONYMS),
    Column("parcels", "int", True, "parcels", "number of parcels", aliases=("件数",)),
    Column("kg", "float", True, "kg", "weight", aliases=("重量",)),
    Column("m3", "float", False, "m3", "volume", aliases=("体积",)),
    Column("fresh", "bool", False, "", "needs cold chain", aliases=("生鲜",)),
    Column("ready", "time", False, "HH:MM", "ready at hub (down) / at station (up)",
           aliases=("就绪时间",)),
)


_TABLES = (("stations", STATION_COLUMNS), ("carriers", CARRIER_COLUMNS),
           ("vehicles", VEHICLE_COLUMNS), ("demand", DEMAND_COLUMNS))
_TOML = "scenario.toml"


def _type_name(kind: type | tuple[type, ...]) -> str:
    if kind is bool:
        return "true or false"
    if kind is list:
        return "a list"
    if kind is int:
        return "a whole number"
    if kind is str or (isinstance(kind, tuple) and str in kind):
        return "a string"
    return "a number"


def _value_problem(section: str, key: str, value: Any) -> str | None:
    """What is wrong with a well-typed value: out of its range (routing.model.ranges),
    control characters in text, an empty list or a list of the wrong items."""
    rng = ranges.TOML.get(f"[{section}] {key}")
    if rng is not None and value not in rng:
        return f"{rng.rule}; got {value!r}"
    bad = control_problem(value) if isinstance(value, str) else None
    if bad:
        return f"{bad}; got {value!r}"
    if key == "date" and section == "scenario":
        return _date_problem(value)
    if isinstance(value, list):
        return _list_problem(section, key, value)
    return None


def _date_problem(value: str | dt.date) -> str | None:
    if isinstance(value, dt.datetime):
        return f"must be a day YYYY-MM-DD (not a date and time); got {value.isoformat()!r}"
    if isinstance(value, dt.date):
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"must be a day YYYY-MM-DD (e.g. 2026-11-24); got {value!r}"
    return None if len(value) == 10 else f"must be a day YYYY-MM-DD; got {value!r}"


#: List keys: what each item must be.
_LIST_ITEMS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "auto_every_days": (int, "whole numbers of days"),
    "variants": (dict, "[[compare.variants]] tables"),
    "waves": (str, "times of day \"HH:MM\""),
    "wave_shares": ((int, float), "numbers"),
}


def _list_problem(section: str, key: str, value: list[Any]) -> str | None:
    kind, what = _LIST_ITEMS.get(key, (object, "values"))
    if not value:
        return f"must not be empty: list {what}, or leave the key out; got []"
    wrong = [v for v in value if isinstance(v, bool) or not isinstance(v, kind)]
    if wrong:
        return f"must list {what}; got {value!r}"
    return None


def _check_key(section: str, key: str, value: Any) -> str | None:
    """The problem with one scenario.toml key, or None if it is known and of the right type."""
    spec = TOML_KEYS[section].get(key)
    if spec is None:
        hint = difflib.get_close_matches(key, TOML_KEYS[section], n=1)
        did = f"; did you mean '{hint[0]}'?" if hint else ""
        return (f"{_TOML}: unknown key '{printable(key)}' in [{section}]{did} Valid keys: "
                f"{', '.join(TOML_KEYS[section])}")
    kind, meaning = spec
    if (not isinstance(value, bool)) if kind is bool else \
            (isinstance(value, bool) or not isinstance(value, kind)):
        return f"{_TOML}: [{section}] {key} must be {_type_name(kind)} ({meaning}); got {value!r}"
    problem = _value_problem(section, key, value)
    return f"{_TOML}: [{section}] {key} {problem}" if problem else None


def _check_toml(data: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Split scenario.toml into its known, well-typed keys and its problems by section."""
    clean: dict[str, dict[str, Any]] = {}
    problems: dict[str, list[str]] = {}
    for section, body in data.items():
        found = problems.setdefault(section, [])
        if section not in TOML_KEYS:
            hint = difflib.get_close_matches(section, TOML_KEYS, n=1)
            did = f"; did you mean [{hint[0]}]?" if hint else ""
            found.append(f"{_TOML}: unknown section [{printable(section)}]{did} Valid sections: "
                         f"{', '.join(TOML_KEYS)}")
        elif not isinstance(body, dict):
            found.append(f"{_TOML}: [{section}] must be a table of keys")
        else:
            clean[section] = {}
            for key, value in body.items():
                problem = _check_key(section, key, value)
                if problem:
                    found.append(problem)
                else:
                    clean[section][key] = value
    return clean, problems


def _load_toml(root: Path) -> dict[str, Any]:
    toml_path = root / _TOML
    if not toml_path.is_file():
        raise ScenarioError([f"no {_TOML} in {root} (is this a scenario folder?)"],
                            source=str(root))
    try:
        return tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{_TOML}: not valid TOML ({exc})"], source=str(root)) from None


def _crs(meta: dict[str, Any], problems: list[str]) -> str:
    """The stations' coordinate system; "wgs84" (no conversion) when missing or invalid."""
    crs = meta.get("crs", "wgs84").lower()
    if crs in CRS_CHOICES:
        return crs
    problems.append(f"{_TOML}: [scenario] crs must be one of {{{', '.join(CRS_CHOICES)}}}; "
                    f"got {meta['crs']!r}")
    return "wgs84"


def _service_time(svc: dict[str, Any], key: str, parse: Callable[[Any], int], default: int,
                  problems: list[str]) -> int:
    if key not in svc:
        return default
    try:
        return parse(svc[key])
    except ValueError as exc:
        problems.append(f"{_TOML}: [service] {key} {exc}; got {svc[key]!r}")
        return default


def _default_window(svc: dict[str, Any], problems: list[str]) -> tuple[int, int]:
    """[service] open/close in seconds; the whole day when either is unusable."""
    opening = _service_time(svc, "open", parse_time_s, 0, problems)
    closing = _service_time(svc, "close", parse_closing_s, DAY_S, problems)
    if opening > closing:
        problems.append(f"{_TOML}: [service] open must be <= close ({format_time(closing)}); "
                        f"got {svc['open']!r}")
        return 0, DAY_S
    return opening, closing


def _spec_kwargs(section: str, body: dict[str, Any], root: Path) -> dict[str, Any]:
    """A section's keys as model fields in model units; checked here where the units differ."""
    kwargs = {k: v for k, v in body.items()
              if k not in ("open", "close", "stop_min", "reload_min", "transfer_min",
                           "max_station_km")}
    if section == "network" and "roads" in kwargs:
        kwargs["roads"] = (root / kwargs["roads"]).resolve()
    if section == "solve" and "reference" in kwargs:
        kwargs["reference"] = (root / kwargs["reference"]).resolve()
    if section == "service":  # minutes, in range (checked with the keys): seconds
        for key, field in (("stop_min", "stop_s"), ("reload_min", "reload_s"),
                           ("transfer_min", "transfer_s")):
            if key in body:
                kwargs[field] = round(body[key] * 60)
    return kwargs


def _variant_targets(where: str, body: Any, base: Targets, problems: list[str]
                     ) -> Targets | None:
    """A variant's ``targets`` table: the scenario's [targets] with these keys replaced."""
    keys = TOML_KEYS["targets"]
    if not isinstance(body, dict):
        problems.append(f"{where}: targets must be a table of [targets] keys "
                        f"({', '.join(keys)}); got {body!r}")
        return None
    ok = True
    for key, value in body.items():
        problem = _check_key("targets", key, value)
        if problem:
            ok = False
            problems.append(f"{where}: targets: {problem.removeprefix(f'{_TOML}: ')}")
    if not ok:
        return None
    try:
        return dataclasses.replace(base, **body)
    except FieldError as exc:
        problems.append(f"{where}: targets: {exc.field} {exc.expected}; got {exc.value!r}")
        return None


def _variants(items: list[Any], problems: list[str], root: Path,
              targets: Targets) -> tuple[Variant, ...]:
    """[[compare.variants]] tables → Variant objects; a bad one is reported and skipped.

    A variant's ``targets`` override the scenario's ``targets`` key by key."""
    out = []
    for k, item in enumerate(items, start=1):
        where = f"{_TOML}: [[compare.variants]] #{k}"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a table with name, carriers, structure, "
                            "visit_every_days")
            continue
        unknown = [key for key in item if key not in VARIANT_KEYS]
        for key in unknown:
            hint = difflib.get_close_matches(key, VARIANT_KEYS, n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(f"{where}: unknown key '{printable(key)}'{did} Valid keys: "
                            f"{', '.join(VARIANT_KEYS)}")
        kwargs = {key: v for key, v in item.items() if key in VARIANT_KEYS}
        bad_text = [(key, v, control_problem(v)) for key, v in _texts(kwargs)]
        if any(problem for *_, problem in bad_text):
            problems += [f"{where}: {key} {problem}; got {v!r}" for key, v, problem in bad_text
                         if problem]
            continue
        if isinstance(kwargs.get("carriers"), list):
            kwargs["carriers"] = tuple(kwargs["carriers"])
        if "vehicles" in kwargs:
            kwargs["vehicle_types"] = _variant_fleet(root, str(kwargs.pop("vehicles")), problems)
        if isinstance(kwargs.get("merge"), dict):
            kwargs["merge"] = tuple((str(a), str(b)) for a, b in kwargs["merge"].items())
        if "targets" in kwargs:
            name = f" '{item['name']}'" if isinstance(item.get("name"), str) else ""
            kwargs["targets"] = _variant_targets(f"{where}{name}", kwargs["targets"], targets,
                                                 problems)
            if kwargs["targets"] is None:
                continue
        try:
            out.append(Variant(**kwargs))
        except (FieldError, TypeError) as exc:
            detail = (f"{exc.field} {exc.expected}; got {exc.value!r}"
                      if isinstance(exc, FieldError) else "needs a name")
            problems.append(f"{where}: {detail}")
    return tuple(out) or (Variant(name="alliance"),)


def _texts(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, text) of every string in a variant table: its name, carriers, merge ids, file."""
    out = []
    for key, v in item.items():
        values = v if isinstance(v, list) else [*v.keys(), *v.values()] \
            if isinstance(v, dict) else [v]
        out += [(key, x) for x in values if isinstance(x, str)]
    return out


def _variant_fleet(root: Path, ref: str, problems: list[str]) -> tuple[VehicleType, ...]:
    """A variant's own vehicles table (same columns as vehicles.csv)."""
    file, _, sheet = ref.partition("#")
    rows, probs = read_table(root / file, VEHICLE_COLUMNS, sheet=sheet or None, label=ref)
    problems.extend(probs)
    table = _Table(label=ref, rows=rows, parsed=not probs)
    return tuple(_build("vehicles", table, lambda c: _make_vehicle(c.values), problems))


def _waves(kwargs: dict[str, Any], problems: list[str]) -> None:
    """[compare] waves (HH:MM) and wave_shares → (seconds, share) pairs."""
    times = kwargs.pop("waves", None)
    shares = kwargs.pop("wave_shares", None)
    if times is None:
        if shares is not None:
            problems.append(f"{_TOML}: [compare] wave_shares needs waves (the times they "
                            f"share); got wave_shares = {shares!r} without waves")
        return
    try:
        secs = [parse_time_s(t) for t in times]
    except ValueError as exc:
        problems.append(f"{_TOML}: [compare] waves: {exc}; got {times!r}")
        return
    if shares is None:
        shares = [1 / len(secs)] * len(secs)
    if len(shares) != len(secs) or not all(isinstance(x, int | float) for x in shares):
        problems.append(f"{_TOML}: [compare] wave_shares must give one number per wave; "
                        f"got {shares!r} for {times!r}")
        return
    kwargs["waves"] = tuple(zip(secs, (float(x) for x in shares), strict=True))


VARIANT_KEYS = ("name", "carriers", "structure", "visit_every_days", "vehicles", "merge",
                "targets")


def _specs(clean: dict[str, dict[str, Any]], root: Path, problems: list[str]) -> dict[str, Any]:
    """The settings objects; a section with a bad value is reported and gets its defaults."""
    specs: dict[str, Any] = {}
    for key, cls in (("service", ServiceSpec), ("targets", Targets), ("solve", SolveSpec),
                     ("network", NetworkSpec), ("costs", CostSpec), ("compare", CompareSpec)):
        try:
            kwargs = _spec_kwargs(key, clean.get(key, {}), root)
            if key == "compare" and "variants" in kwargs:
                kwargs["variants"] = _variants(kwargs["variants"], problems, root,
                                               specs["targets"])
            if key == "compare":
                _waves(kwargs, problems)
                if isinstance(kwargs.get("auto_every_days"), list):
                    kwargs["auto_every_days"] = tuple(kwargs["auto_every_days"])
            specs[key] = cls(**kwargs)
        except FieldError as exc:
            problems.append(f"{_TOML}: [{key}] {exc.field} {exc.expected}; got {exc.value!r}")
            specs[key] = cls()
    return specs


@dataclass(slots=True)
class _Table:
    """One table as read: its name in messages, its cleanly parsed rows, and whether every
    line parsed (no row left out)."""

    label: str
    rows: list[Cell]
    parsed: bool


def _read_tables(root: Path, refs: dict[str, str], problems: list[str]) -> dict[str, _Table]:
    tables = {}
    for key, cols in _TABLES:
        file, _, sheet = refs.get(key, f"{key}.csv").partition("#")
        label = f"{file}#{sheet}" if sheet else file
        rows, found = read_table(root / file, cols, sheet=sheet or None, label=label)
        problems.extend(found)
        tables[key] = _Table(label, rows, parsed=not found)
    return tables


def _convert_coordinates(rows: list[Cell], crs: str) -> None:
    """Replace the parsed lon/lat of station rows by WGS84, in place."""
    if not rows or crs == "wgs84":
        return
    lon = np.array([r.values["lon"] for r in rows], dtype=float)
    lat = np.array([r.values["lat"] for r in rows], dtype=float)
    for r, x, y in zip(rows, *to_wgs84(lon, lat, crs), strict=True):
        r.values["lon"], r.values["lat"] = float(x), float(y)


def _check_window(ident: str, v: dict[str, Any], opening: int, closing: int) -> None:
    """Opening after closing: blame the time typed on this row, showing HH:MM as typed."""
    if opening <= closing:
        return
    if v["open"] is None:  # only close is on this row; open is the [service] default
        raise FieldError("Station", ident, "close", f"must be >= open ({format_time(opening)}, "
                         "the [service] open)", format_time(closing))
    note = "" if v["close"] is not None else ", the [service] close"
    raise FieldError("Station", ident, "open",
                     f"must be <= close ({format_time(closing)}{note})", format_time(opening))


def _make_station(v: dict[str, Any], stop_s: int, window: tuple[int, int]) -> Station:
    svc_min = v["service_min"]  # in range (routing.model.ranges)
    opening = window[0] if v["open"] is None else v["open"]
    closing = window[1] if v["close"] is None else v["close"]
    _check_window(v["id"], v, opening, closing)
    return Station(
        id=v["id"], name=v["name"], tier=Tier(v["tier"]), lon=v["lon"], lat=v["lat"],
        township_id=v["township"] or None,
        service_s=stop_s if svc_min is None else round(svc_min * 60),
        open_s=opening, close_s=closing, cold_storage=bool(v["cold_storage"]),
        generated=bool(v["generated"]), code=v["code"],
        visit_every_days=v["visit_every_days"])


def _make_carrier(v: dict[str, Any]) -> Carrier:
    return Carrier(id=v["id"], name=v["name"], name_zh=v["name_zh"] or "",
                   market_share=v["market_share"], outlet_id=v["outlet"] or None,
                   visit_every_days=1 if v["visit_every_days"] is None
                   else v["visit_every_days"])


def _make_vehicle(v: dict[str, Any]) -> VehicleType:
    shift_h = v["max_shift_h"]  # in range (routing.model.ranges)
    return VehicleType(
        id=v["id"], name=v["name"], name_zh=v["name_zh"] or "", count=v["count"],
        capacity_kg=v["capacity_kg"], capacity_m3=v["capacity_m3"],
        capacity_parcels=v["capacity_parcels"], fixed_cost=v["fixed_cost"],
        cost_per_km=v["cost_per_km"], cost_per_hour=v["cost_per_hour"],
        speed_kph=v["speed_kph"], max_shift_s=round(shift_h * 3600), depot_id=v["depot"],
        refrigerated=bool(v["refrigerated"]), owner=v["owner"] or ALLIANCE,
        max_trips=1 if v["max_trips"] is None else v["max_trips"],
        cold_capacity_kg=v["cold_capacity_kg"] or 0.0, echelon=v["echelon"] or "any")


def _make_demand(v: dict[str, Any], row: int) -> DemandLine:
    return DemandLine(
        id=v["id"] or f"row-{row}", station_id=v["station"], carrier_id=v["carrier"],
        direction=Direction(v["direction"]), parcels=v["parcels"], kg=v["kg"],
        m3=v["m3"] or 0.0, fresh=bool(v["fresh"]), ready_s=v["ready"] or 0)


# Model field -> the table column it comes from, so errors name what the user typed.
_FIELD_TO_COLUMN = {"township_id": "township", "depot_id": "depot", "open_s": "open",
                    "close_s": "close", "service_s": "service_min", "station_id": "station",
                    "carrier_id": "carrier", "ready_s": "ready", "max_shift_s": "max_shift_h"}


def _range_problems(kind: str, table: _Table, cell: Cell) -> list[str]:
    """Each number of a row outside its range (routing.model.ranges), as a problem."""
    out = []
    for column, value in cell.values.items():
        rng = ranges.COLUMNS.get(f"{kind}.{column}")
        if rng is not None and value is not None and value not in rng:
            out.append(f"{table.label} row {cell.row}, field '{column}': {rng.rule}; "
                       f"got {value!r}")
    return out


def _build(kind: str, table: _Table, make: Callable[[Cell], Any],
           problems: list[str]) -> list[Any]:
    """Build one object per row; a FieldError becomes a problem naming file, row and field.
    ``kind`` names the table's columns in routing.model.ranges; a row with a number out of
    its range is reported and left out."""
    out = []
    for cell in table.rows:
        bad = _range_problems(kind, table, cell)
        if bad:
            problems.extend(bad)
            continue
        try:
            out.append(make(cell))
        except FieldError as exc:
            column = _FIELD_TO_COLUMN.get(exc.field, exc.field)
            problems.append(f"{table.label} row {cell.row}, field '{column}': {exc.expected}; "
                            f"got {exc.value!r}")
    return out


_CARRIER_SUFFIXES = ("快递", "速递", "速运", "物流", "express")


def carrier_words(carriers: list[Carrier] | tuple[Carrier, ...]) -> dict[str, str]:
    """Every way a manifest may name a carrier, lower-cased, to its id: the id, its name, its
    Chinese name, the Chinese name without a bracketed note (中国邮政（含EMS） → 中国邮政) and
    either name without a trailing 快递/速递/速运/物流/Express (中通快递 → 中通). A word two
    carriers share names neither; an id always names its carrier."""
    found: dict[str, set[str]] = {}
    for c in carriers:
        for full in (c.name, c.name_zh):
            if not full:
                continue
            bare = re.sub(r"\s*[（(].*?[）)]\s*", "", full).strip()
            for w in {full, bare}:
                found.setdefault(w.lower(), set()).add(c.id)
                for suffix in _CARRIER_SUFFIXES:
                    if w.lower().endswith(suffix) and len(w) > len(suffix) + 1:
                        found.setdefault(w[: -len(suffix)].strip().lower(), set()).add(c.id)
    words = {w: ids.pop() for w, ids in found.items() if len(ids) == 1 and w}
    return words | {c.id.lower(): c.id for c in carriers} | {c.id: c.id for c in carriers}


def _resolve_carriers(rows: list[Cell], field: str, words: dict[str, str]) -> None:
    """A carrier written by name in ``field`` becomes its id (an unknown one stays as typed,
    for the cross check to report)."""
    for cell in rows:
        v = cell.values.get(field)
        if isinstance(v, str) and v not in words.values():
            cell.values[field] = words.get(v, words.get(v.lower(), v))


def _build_all(tables: dict[str, _Table], crs: str, stop_s: int, window: tuple[int, int],
               problems: list[str]) -> tuple[dict[str, list[Any]], bool]:
    """Build every parsed row; also say whether every line of every table was built."""
    _convert_coordinates(tables["stations"].rows, crs)
    makers: dict[str, Callable[[Cell], Any]] = {
        "stations": lambda c: _make_station(c.values, stop_s, window),
        "carriers": lambda c: _make_carrier(c.values),
        "vehicles": lambda c: _make_vehicle(c.values),
        "demand": lambda c: _make_demand(c.values, c.row)}
    built: dict[str, list[Any]] = {}
    for key, make in makers.items():
        if key == "vehicles":  # carriers are built: names in the other tables become ids
            names = carrier_words(built["carriers"])
            _resolve_carriers(tables["vehicles"].rows, "owner",
                              names | {"联盟": ALLIANCE, "共同配送": ALLIANCE})
            _resolve_carriers(tables["demand"].rows, "carrier", names)
        built[key] = _build(key, tables[key], make, problems)
    complete = all(t.parsed and len(built[k]) == len(t.rows) for k, t in tables.items())
    return built, complete


def _cross_check(tables: dict[str, _Table], built: dict[str, list[Any]],
                 problems: list[str]) -> None:
    """Cross references, reported against the rows they came from."""
    for p in cross_problems(built["stations"], built["carriers"], built["vehicles"],
                            built["demand"]):
        table = tables[p.table]
        where = f"row {table.rows[p.index].row}" if p.index < len(table.rows) else "table"
        problems.append(f"{table.label} {where}, field '{p.field}': {p.message}")


def _km(a: Station, b: Station) -> float:
    """Great-circle km between two stations (WGS84)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    h = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _hub_problems(table: _Table, stations: list[Station], max_km: float) -> list[str]:
    """Exactly one hub, and every station within ``max_km`` of it in a straight line: a second
    hub would be ignored and a point in another province makes the whole fleet's routes
    infeasible — both are typos to fix, not data to plan with."""
    label = table.label
    hubs = [(cell.row, s) for cell, s in zip(table.rows, stations, strict=True)
            if s.tier is Tier.HUB]
    if not hubs:
        return [f"{label}: no station has tier 'hub'; a scenario needs exactly one hub (the "
                "county's logistics centre, where the shared fleet starts)"]
    (first_row, hub), *more = hubs
    out = [f"{label} row {row}, field 'tier': a second hub {s.id!r}; a scenario has exactly "
           f"one hub ({hub.id!r}, row {first_row}): make the other a township station or an "
           "outlet" for row, s in more]
    for cell, s in zip(table.rows, stations, strict=True):
        km = _km(hub, s)
        if km > max_km:
            out.append(f"{label} row {cell.row}, field 'lon': station {s.id!r} is "
                       f"{km:,.0f} km from the hub {hub.id!r} in a straight line; every "
                       f"station must be within {max_km:,g} km of the hub ([network] "
                       f"max_station_km; a typo, or another place's coordinates?); got "
                       f"lon {s.lon:g}, lat {s.lat:g}")
    return out


def _coverage_problems(villages: int | None, stations: list[Station],
                       specs: dict[str, Any]) -> list[str]:
    """[scenario] county_villages against the village points, and present where a village
    coverage target needs it."""
    points = sum(1 for s in stations if s.tier is Tier.VILLAGE)
    if villages is not None and villages < points:
        return [f"{_TOML}: [scenario] county_villages must be >= the {points} village points "
                f"in the stations table (villages without a point count too); got {villages}"]
    wanting = [f"[[compare.variants]] '{v.name}' targets" for v in specs["compare"].variants
               if v.targets is not None and v.targets.min_village_coverage is not None]
    if specs["targets"].min_village_coverage is not None:
        wanting.insert(0, "[targets]")
    if villages is None and wanting:
        return [f"{_TOML}: {', '.join(wanting)} min_village_coverage needs [scenario] "
                "county_villages: how many villages the county has (e.g. its NBS village-level "
                "units), with a point or not"]
    return []


def read_demand(path: str | Path, scenario: Scenario) -> list[DemandLine]:
    """Extra demand lines for ``scenario`` from a table in its demand format (late parcels,
    new produce pickups; ``routing replan --late``): known stations and carriers, ids new to
    the scenario and to the file, values within their ranges. A carrier may be written by
    its id, name or Chinese name, as in the scenario's own demand table.

    Raises
    ------
    ScenarioError
        Listing every bad row with file, row, field, value and what is valid.
    """
    path = Path(path)
    rows, problems = read_table(path, DEMAND_COLUMNS)
    _resolve_carriers(rows, "carrier", carrier_words(scenario.carriers))
    stations = {s.id for s in scenario.stations}
    carriers = {c.id for c in scenario.carriers}
    taken = {ln.id for ln in scenario.demand}
    out = []
    for cell in rows:
        built = _build("demand", _Table(path.name, [cell], True),
                       lambda c: _make_demand(c.values, c.row), problems)
        if not built:
            continue
        ln, at = built[0], f"{path.name} row {cell.row}"
        if ln.station_id not in stations:
            problems.append(f"{at}, field 'station': unknown station '{ln.station_id}'")
        elif ln.carrier_id not in carriers:
            problems.append(f"{at}, field 'carrier': unknown carrier '{ln.carrier_id}'")
        elif ln.id in taken:
            problems.append(f"{at}, field 'id': line '{ln.id}' is already in the scenario or "
                            "earlier in the file; give late lines ids of their own")
        else:
            taken.add(ln.id)
            out.append(ln)
    if problems:
        raise ScenarioError(problems, source=str(path))
    return out


def read_scenario(folder: str | Path, *, confined: bool = False,
                  limits: Limits | None = None) -> Scenario:
    """Read and validate a scenario folder.

    Parameters
    ----------
    folder
        A folder with ``scenario.toml`` and the tables it names (scenarios/README.md).
    confined
        A scenario fetched by URL: every file ``scenario.toml`` names must be a regular file
        inside ``folder``.
    limits
        Tables larger than ``limits.max_table_mb`` (default:
        :func:`~routing.io.limits.default_limits`) are refused. Both rules are checked before
        any table is opened (see :mod:`routing.io.limits`).

    Returns
    -------
    Scenario
        The county's day: stations, carriers, fleet, demand, network, targets, options.

    Raises
    ------
    ScenarioError
        Listing every problem in every file at once (see the module docstring for the stages).
    """
    root = Path(folder)
    clean, toml_problems = _check_toml(_load_toml(root))
    problems = [p for found in toml_problems.values() for p in found]
    # Which files may be opened at all, before any is (see routing.io.limits).
    refused = file_problems(root, clean, confined=confined, limits=limits or default_limits())
    if refused:
        raise ScenarioError(problems + refused, source=str(root))
    meta = clean.get("scenario", {})
    crs = _crs(meta, problems)
    window = _default_window(clean.get("service", {}), problems)
    specs = _specs(clean, root, problems)
    if toml_problems.get("tables"):  # which files to read is unknown
        raise ScenarioError(problems, source=str(root))

    tables = _read_tables(root, clean.get("tables", {}), problems)
    built, complete = _build_all(tables, crs, specs["service"].stop_s, window, problems)
    if complete:
        _cross_check(tables, built, problems)
        max_km = clean.get("network", {}).get("max_station_km", ranges.MAX_STATION_KM)
        problems += _hub_problems(tables["stations"], built["stations"], max_km)
    if problems:
        raise ScenarioError(problems, source=str(root))
    known = [c.id for c in built["carriers"]]
    words = carrier_words(built["carriers"])
    specs["compare"] = dataclasses.replace(specs["compare"], variants=tuple(
        dataclasses.replace(v, carriers=tuple(words.get(c, words.get(c.lower(), c))
                                              for c in v.carriers))
        if v.carriers else v for v in specs["compare"].variants))
    for v in specs["compare"].variants:
        for c in v.carriers or ():
            if c not in known:
                hint = difflib.get_close_matches(c, known, n=1)
                did = f"; did you mean '{hint[0]}'?" if hint else ""
                problems.append(f"{_TOML}: [[compare.variants]] '{v.name}': unknown carrier "
                                f"'{c}'{did} Known: {', '.join(known)}")
    problems += _coverage_problems(meta.get("county_villages"), built["stations"], specs)
    if problems:
        raise ScenarioError(problems, source=str(root))
    return Scenario(
        county_villages=meta.get("county_villages"),
        name=meta.get("name", root.name), title=meta.get("title", ""),
        date=str(meta.get("date", "")),
        stations=tuple(built["stations"]), carriers=tuple(built["carriers"]),
        vehicle_types=tuple(built["vehicles"]), demand=tuple(built["demand"]),
        targets=specs["targets"], network=specs["network"], service=specs["service"],
        solve=specs["solve"], costs=specs["costs"], compare=specs["compare"],
        root=root.resolve())


__all__ = ["read_scenario"]


def write_day_scenario(source: str | Path, original: Scenario, day: Scenario,
                       out: str | Path) -> Path:
    """The scenario folder ``source`` (read as ``original``) as the day ``day`` now stands
    (a re-plan's late lines, cancellations, closures, parcels brought back), written to
    ``out``: a copy of the folder
    whose demand table is ``demand.csv`` with every line of the day, and — when a station's
    hours changed — ``stations.csv`` in WGS84 (``crs`` set to match). Read back and compared
    before it is returned, so ``routing check PLAN --scenario OUT`` reads what the re-plan
    planned."""
    import csv
    import re
    import shutil

    src, dst = Path(source), Path(out)
    shutil.copytree(src, dst, dirs_exist_ok=True)
    toml = (dst / _TOML).read_text(encoding="utf-8")

    def point(key: str, file: str) -> None:
        nonlocal toml
        line = f'{key} = "{file}"'
        if re.search(rf"(?m)^\s*{key}\s*=", toml) and "[tables]" in toml:
            toml = re.sub(rf"(?m)^\s*{key}\s*=.*$", line, toml, count=1)
        elif "[tables]" in toml:
            toml = toml.replace("[tables]", f"[tables]\n{line}", 1)
        else:
            toml += f"\n[tables]\n{line}\n"

    with (dst / "demand.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "station", "carrier", "direction", "parcels", "kg", "m3", "fresh",
                    "ready"])
        for ln in day.demand:
            w.writerow([ln.id, ln.station_id, ln.carrier_id, ln.direction.value, ln.parcels,
                        repr(ln.kg), repr(ln.m3), str(ln.fresh).lower(), format_time(ln.ready_s)])
    point("demand", "demand.csv")
    if day.stations != original.stations:
        with (dst / "stations.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "tier", "lon", "lat", "township", "service_min", "open",
                        "close", "cold_storage", "generated", "code", "visit_every_days"])
            for s in day.stations:
                w.writerow([s.id, s.name, s.tier.value, repr(s.lon), repr(s.lat),
                            s.township_id or "", s.service_s / 60, format_time(s.open_s),
                            format_time(s.close_s), str(s.cold_storage).lower(),
                            str(s.generated).lower(), s.code or "",
                            "" if s.visit_every_days is None else s.visit_every_days])
        point("stations", "stations.csv")
        toml = re.sub(r'(?m)^\s*crs\s*=.*$', 'crs = "wgs84"', toml, count=1)
    (dst / _TOML).write_text(toml, encoding="utf-8")
    back = read_scenario(dst)
    if back.demand != day.demand or [(s.id, s.open_s, s.close_s) for s in back.stations] != \
            [(s.id, s.open_s, s.close_s) for s in day.stations]:
        raise ScenarioError([f"{dst}: the day's scenario does not read back as written"],
                            source=str(dst))
    return dst
