"""Shared steps of the county scenario generators (``data/<county>/build_<county>.py``).

Each ``build_<county>.py`` is a module of PARAMETERS (every number sourced or marked as an
assumption) plus the county's own README text; the steps here read those parameters from the
module passed as ``cfg``, so the four counties are built by one piece of code and differ only
in their data and assumptions. ``main(cfg, readme)`` runs the whole build.

Determinism: every random step draws from its own ``numpy.random.default_rng([seed, k])``
stream (k = 1 points, 2 opening hours, 3 demand, 4 outlets), so changing one step does not move
the others, and the same inputs and seed give byte-identical files.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, shape
from shapely.ops import voronoi_diagram

REPO = Path(__file__).resolve().parents[1]
SOURCE_FILES = ("townships.csv", "villages.csv", "county.csv", "boundary.geojson")
COUNTIES = REPO / ".." / "shared" / "data" / "counties"

# Feeder vans stationed at each township station, used only when the scenario is planned in two
# echelons (trunks hub → township, feeders township → villages). Assumption: light vans
# (乡镇配送车), one per FEEDER_VILLAGES villages, two loops a day; same costs as the hub's vans.
# Also enough vans that their two loops carry the villages' ambient down parcels with each loop
# at most FEEDER_FILL full (assumption: village loads do not pack evenly into loops). Sized by
# villages alone, the townships with large villages (偃师 翟镇镇, 封丘 城关镇) had fewer loop seats
# than parcels, and their feeders left villages unserved every day.
FEEDER = dict(name="township feeder van", name_zh="乡镇配送车", count=1, capacity_kg=800,
              capacity_m3=4.5, fixed_cost=60, cost_per_km=1.0, cost_per_hour=18, speed_kph=45,
              refrigerated=False, owner="alliance", echelon="feeder", max_trips=2)
FEEDER_VILLAGES = 8
FEEDER_FILL = 0.8


class BuildError(ValueError):
    """Source data that the generator cannot use; the message names file, row and field."""


# =============================================================================
# small helpers
# =============================================================================
def fmt_bool(b: bool) -> str:
    return "true" if b else "false"


def fmt_num(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return fmt_bool(bool(x))
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    return str(x)


def village_name(official: str) -> str:
    """鲁因村委会 -> 鲁因村, 辕村村委会 -> 辕村, 城东社区居委会 -> 城东社区."""
    for suffix in ("村民委员会", "村委会"):
        if official.endswith(suffix):
            stem_ = official[: -len(suffix)]
            return stem_ if stem_.endswith("村") else stem_ + "村"
    for suffix in ("居民委员会", "居委会"):
        if official.endswith(suffix):
            return official[: -len(suffix)]
    return official


def stem(name: str) -> str:
    for suffix in ("村", "镇", "乡", "社区"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def floor_to(x: float, step: int) -> int:
    return int(x // step * step)


def hhmm(s: str) -> int:
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def md_table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def gc_km(lon1, lat1, lon2, lat2):
    """Great-circle km between WGS84 points (arrays or scalars)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


# =============================================================================
# source data
# =============================================================================
def resolve_source(args, cfg: ModuleType) -> Path:
    """data/<county>/ when the bundled copy is complete, else the shared counties folder."""
    here = Path(cfg.__file__).resolve().parent
    if args.counties is not None:
        return Path(args.counties).resolve() / cfg.SOURCE_DIR
    if all((here / f).is_file() for f in SOURCE_FILES):
        return here
    return (COUNTIES / cfg.SOURCE_DIR).resolve()


def load_source(src: Path, code: str):
    """The four source files, restricted to county ``code``; townships may lack a point."""
    town = pd.read_csv(src / "townships.csv", dtype={"code": str})
    vill = pd.read_csv(src / "villages.csv", dtype={"code": str, "township_code": str})
    county = pd.read_csv(src / "county.csv", dtype={"code": str})
    gj = json.loads((src / "boundary.geojson").read_text(encoding="utf-8"))
    feats = gj["features"] if gj.get("type") == "FeatureCollection" else [gj]
    boundary = shapely.union_all([shape(f["geometry"]) for f in feats])
    county = county[county["code"] == code]
    town = town[town["code"].str.startswith(code)].sort_values("code").reset_index(drop=True)
    vill = vill[vill["code"].str.startswith(code)].sort_values("code").reset_index(drop=True)
    if len(county) != 1:
        raise BuildError(f"{src / 'county.csv'}: code must contain {code} once; found {len(county)} rows.")
    orphans = sorted(set(vill["township_code"]) - set(town["code"]))
    if orphans:
        raise BuildError(f"{src / 'villages.csv'}: township_code must be in townships.csv; got {orphans}.")
    return town, vill, county.iloc[0], boundary


class Geo:
    """WGS84 <-> a metric UTM zone (``utm_epsg``) for all the geometry work."""

    def __init__(self, boundary, utm_epsg: int):
        self.fwd = Transformer.from_crs("EPSG:4326", f"EPSG:{utm_epsg}", always_xy=True)
        self.inv = Transformer.from_crs(f"EPSG:{utm_epsg}", "EPSG:4326", always_xy=True)
        self.boundary_wgs = boundary
        self.boundary = shapely.transform(boundary, self._fwd_arr)

    def _fwd_arr(self, a):
        x, y = self.fwd.transform(a[:, 0], a[:, 1])
        return np.column_stack([x, y])

    def to_xy(self, lon, lat):
        return self.fwd.transform(lon, lat)

    def to_lonlat(self, x, y):
        return self.inv.transform(x, y)


def fill_missing_townships(geo: Geo, town: pd.DataFrame, vill: pd.DataFrame, county,
                           *, inset_m: float, grid_m: float) -> pd.DataFrame:
    """Give every township without a point a generated one (column ``generated``).

    Why: the source has no point for a few townships, but each needs a station and a Voronoi
    cell. Rule, in code order: the mean of the township's real village points if it has any;
    otherwise the grid point at least ``inset_m`` inside the county outline that lies farthest
    from every township point placed so far and from the county seat (the centre of the largest
    gap in the network). Not the real township seat, and flagged as generated.
    """
    town = town.copy()
    town["generated"] = town["lon_wgs84"].isna()
    known = [geo.to_xy(lo, la) for lo, la in zip(town.loc[~town["generated"], "lon_wgs84"],
                                                 town.loc[~town["generated"], "lat_wgs84"])]
    known.append(geo.to_xy(county["lon_wgs84"], county["lat_wgs84"]))
    inner = geo.boundary.buffer(-inset_m)
    x0, y0, x1, y1 = inner.bounds
    gx, gy = np.meshgrid(np.arange(x0, x1, grid_m), np.arange(y0, y1, grid_m))
    gx, gy = gx.ravel(), gy.ravel()
    keep = shapely.contains_xy(inner, gx, gy)
    gx, gy = gx[keep], gy[keep]
    town["placement"] = np.where(town["generated"], "", "real")
    for i in np.flatnonzero(town["generated"].to_numpy()):
        code = town.loc[i, "code"]
        own = vill[(vill["township_code"] == code) & vill["lon_wgs84"].notna()]
        if len(own):
            lon, lat = float(own["lon_wgs84"].mean()), float(own["lat_wgs84"].mean())
            town.loc[i, "placement"] = f"mean of {len(own)} real village point(s)"
        else:
            k = np.asarray(known)
            d = np.min(np.hypot(gx[:, None] - k[None, :, 0], gy[:, None] - k[None, :, 1]), axis=1)
            j = int(np.argmax(d))
            lon, lat = geo.to_lonlat(gx[j], gy[j])
            town.loc[i, "placement"] = f"largest gap ({d[j] / 1000:.1f} km from any other township)"
        town.loc[i, "lon_wgs84"], town.loc[i, "lat_wgs84"] = round(float(lon), 6), round(float(lat), 6)
        known.append(geo.to_xy(town.loc[i, "lon_wgs84"], town.loc[i, "lat_wgs84"]))
    return town


def select_points(geo: Geo, town: pd.DataFrame, vill: pd.DataFrame, county, rng, cfg: ModuleType):
    """Generated points for townships without one, and the villages that get a point.

    Eligible villages: kind in cfg.VILLAGE_KINDS under a township in cfg.STATION_TOWNSHIPS.
    cfg.VILLAGE_POINTS of them get a point, shared among townships in proportion to their
    eligible villages (largest remainder); in each township the villages with a real point
    come first, the rest are drawn at random (the plans name no villages).
    """
    town = fill_missing_townships(geo, town, vill, county, inset_m=cfg.MISSING_TOWN_INSET_M,
                                  grid_m=cfg.MISSING_TOWN_GRID_M)
    ok = vill["kind"].isin(cfg.VILLAGE_KINDS) & vill["township_code"].isin(cfg.STATION_TOWNSHIPS)
    elig = vill[ok]
    n = cfg.VILLAGE_POINTS
    if not 0 < n <= len(elig):
        raise BuildError(f"VILLAGE_POINTS must be in 1..{len(elig)} (eligible villages); got {n}")
    size = elig.groupby("township_code").size()
    raw = size * n / len(elig)
    quota = np.floor(raw).astype(int)
    for code in (raw - quota).sort_values(ascending=False, kind="stable").index[: n - quota.sum()]:
        quota[code] += 1
    keep: list[int] = []
    for code, q in quota.items():
        rows = elig[elig["township_code"] == code]
        real = rows.index[rows["lon_wgs84"].notna()].tolist()[:q]
        rest = sorted(set(rows.index) - set(real))
        keep += real + [int(i) for i in rng.choice(rest, size=q - len(real), replace=False)]
    return town, vill.loc[sorted(keep)].reset_index(drop=True)


def build_cells(geo: Geo, town: pd.DataFrame, edge_buffer_m: float) -> dict:
    """Voronoi cell of each township point, clipped to the county outline."""
    pts = {c: Point(geo.to_xy(lo, la)) for c, lo, la in zip(town["code"], town["lon_wgs84"], town["lat_wgs84"])}
    vd = voronoi_diagram(MultiPoint(list(pts.values())), envelope=geo.boundary.buffer(50_000))
    cells = {}
    for code, p in pts.items():
        (poly,) = [g for g in vd.geoms if g.contains(p)]
        cell = poly.intersection(geo.boundary)
        inner = cell.buffer(-edge_buffer_m)
        shapely.prepare(inner)
        cells[code] = {"point": p, "cell": cell, "inner": inner,
                       "r_eq": math.sqrt(cell.area / math.pi)}
    return cells


def place_villages(geo: Geo, town, vill, county, cells, rng, cfg: ModuleType,
                   directions: dict | None = None, direction_town: str = "") -> pd.DataFrame:
    """Keep real village points; generate the others in their township's clipped Voronoi cell.

    ``directions``: {village name: (degrees, (r0, r1))} for villages of ``direction_town``
    whose name says where they lie (城东社区 east of the county town, …).
    """
    directions = directions or {}
    vill = vill.copy()
    vill["sname"] = vill["name"].map(village_name)
    vill["x"] = np.nan
    vill["y"] = np.nan
    vill["generated"] = vill["lon_wgs84"].isna()
    real = ~vill["generated"]
    xs, ys = geo.to_xy(vill.loc[real, "lon_wgs84"].to_numpy(), vill.loc[real, "lat_wgs84"].to_numpy())
    vill.loc[real, "x"], vill.loc[real, "y"] = xs, ys

    hub_xy = geo.to_xy(county["lon_wgs84"], county["lat_wgs84"])
    stations_xy = np.array([[c["point"].x, c["point"].y] for c in cells.values()] + [list(hub_xy)])
    placed = [np.array([x, y]) for x, y in zip(xs, ys)]
    tname = dict(zip(town["code"], town["name"]))

    def kind_of(row) -> str:
        if row.sname in directions and row.township_code == direction_town:
            return "direction"
        if stem(row.sname) == stem(tname[row.township_code]):
            return "seat"
        return "normal"

    vill["placement"] = [kind_of(r) if g else "real" for r, g in zip(vill.itertuples(), vill["generated"])]
    order = {"direction": 0, "seat": 1, "normal": 2}
    todo = sorted((order[k], code, i) for i, (k, code) in enumerate(zip(vill["placement"], vill["code"]))
                  if k != "real")
    relaxed = []
    for _, code, i in todo:
        row = vill.loc[i]
        c = cells[row.township_code]
        cx, cy = c["point"].x, c["point"].y
        r_med = min(max(cfg.R_MEDIAN_FACTOR * c["r_eq"], cfg.R_MEDIAN_MIN_M), cfg.R_MEDIAN_MAX_M)
        spacing = cfg.MIN_SPACING_M
        while True:
            found = None
            for _ in range(cfg.MAX_TRIES):
                if row.placement == "direction":
                    deg, (r0, r1) = directions[row.sname]
                    r = rng.uniform(r0, r1)
                    th = math.radians(deg + rng.uniform(-cfg.DIRECTION_SPREAD_DEG, cfg.DIRECTION_SPREAD_DEG))
                elif row.placement == "seat":
                    r = rng.uniform(*cfg.SEAT_R_M)
                    th = rng.uniform(0, 2 * math.pi)
                else:
                    r = r_med * math.exp(cfg.R_SIGMA * rng.standard_normal())
                    th = rng.uniform(0, 2 * math.pi)
                x, y = cx + r * math.cos(th), cy + r * math.sin(th)
                if not shapely.contains_xy(c["inner"], x, y):
                    continue
                if np.min(np.hypot(stations_xy[:, 0] - x, stations_xy[:, 1] - y)) < cfg.MIN_TO_STATION_M:
                    continue
                if placed:
                    arr = np.asarray(placed)
                    if np.min(np.hypot(arr[:, 0] - x, arr[:, 1] - y)) < spacing:
                        continue
                found = (x, y)
                break
            if found:
                break
            spacing *= 0.8
            relaxed.append((code, spacing))
        vill.loc[i, ["x", "y"]] = found
        placed.append(np.array(found))
    for code, s in relaxed:
        print(f"warning: spacing relaxed to {s:.0f} m for {code}", file=sys.stderr)
    lon, lat = geo.to_lonlat(vill.loc[vill["generated"], "x"].to_numpy(), vill.loc[vill["generated"], "y"].to_numpy())
    vill.loc[vill["generated"], "lon_wgs84"] = np.round(lon, 6)
    vill.loc[vill["generated"], "lat_wgs84"] = np.round(lat, 6)
    return vill


def build_stations(town, vill, county, rng, cfg: ModuleType):
    """Hub at the county seat, one station per township row, one point per village row."""
    rows = []
    rows.append(dict(id="HUB", name=cfg.HUB_NAME, tier="hub", lon=county["lon_wgs84"], lat=county["lat_wgs84"],
                     township="", service_min="", open=cfg.HUB_OPEN, close=cfg.HUB_CLOSE, cold_storage=True,
                     generated=False, code=cfg.COUNTY_CODE, kind="hub"))
    town_generated = town["generated"] if "generated" in town else pd.Series(False, index=town.index)
    for t, gen in zip(town.itertuples(), town_generated):
        rows.append(dict(id=t.code, name=t.name, tier="township", lon=t.lon_wgs84, lat=t.lat_wgs84, township="",
                         service_min=cfg.TOWNSHIP_SERVICE_MIN, open="", close="",
                         cold_storage=t.code in cfg.COLD_TOWNSHIPS, generated=bool(gen), code=t.code,
                         kind="township"))
    is_cun = (vill["kind"] == "村委会").to_numpy()
    n_narrow = round(cfg.NARROW_SHARE * is_cun.sum())
    narrow_idx = set(rng.choice(np.flatnonzero(is_cun), size=n_narrow, replace=False).tolist())
    narrow_list = sorted(narrow_idx)
    narrow_win = {i: cfg.NARROW_WINDOWS[k % 2] for k, i in enumerate(narrow_list)}
    for i, v in enumerate(vill.itertuples()):
        community = v.kind == "居委会"
        op, cl = narrow_win.get(i, (cfg.VILLAGE_OPEN, cfg.VILLAGE_CLOSE))
        rows.append(dict(id=v.code, name=v.sname, tier="village", lon=v.lon_wgs84, lat=v.lat_wgs84,
                         township=v.township_code, service_min=cfg.COMMUNITY_SERVICE_MIN if community else "",
                         open=op, close=cl, cold_storage=False, generated=bool(v.generated), code=v.code,
                         kind="community" if community else "village"))
    return pd.DataFrame(rows)


def place_outlets(geo: Geo, stations: pd.DataFrame, cells: dict, rng, cfg: ModuleType) -> pd.DataFrame:
    """One generated outlet per carrier in OUTLETS: OUTLET_R_M from the hub, in the county town's
    cell (clipped to the county outline, EDGE_BUFFER_M inside), >= MIN_TO_STATION_M from every
    station and >= OUTLET_SPACING_M from every other outlet. Rows after the existing stations."""
    hub = stations.iloc[0]
    hx, hy = geo.to_xy(hub.lon, hub.lat)
    sx, sy = geo.to_xy(stations["lon"].to_numpy(float), stations["lat"].to_numpy(float))
    inner = cells[cfg.OUTLET_TOWN]["inner"]
    placed: list[tuple[float, float]] = []
    rows = []
    for carrier, name in cfg.OUTLETS.items():
        for _ in range(cfg.MAX_TRIES):
            r = rng.uniform(*cfg.OUTLET_R_M)
            th = rng.uniform(0, 2 * math.pi)
            x, y = hx + r * math.cos(th), hy + r * math.sin(th)
            if not shapely.contains_xy(inner, x, y):
                continue
            if np.min(np.hypot(sx - x, sy - y)) < cfg.MIN_TO_STATION_M:
                continue
            if placed and min(math.hypot(px - x, py - y) for px, py in placed) < cfg.OUTLET_SPACING_M:
                continue
            break
        else:
            raise BuildError(f"no place found for the outlet of {carrier}")
        placed.append((x, y))
        lon, lat = geo.to_lonlat(x, y)
        rows.append(dict(id=f"OUT_{carrier}", name=name, tier="outlet", lon=round(float(lon), 6),
                         lat=round(float(lat), 6), township="", service_min="", open=cfg.HUB_OPEN,
                         close=cfg.HUB_CLOSE, cold_storage=False, generated=True, code="", kind="outlet",
                         hub_km=round(r / 1000, 1)))
    return pd.DataFrame(rows)


# =============================================================================
# carriers and fleet
# =============================================================================
def outlet_of(carrier: str, cfg: ModuleType) -> str:
    return cfg.POST_OUTLET if carrier not in cfg.OUTLETS else f"OUT_{carrier}"


def carriers_frame(shares: dict, cfg: ModuleType) -> pd.DataFrame:
    return pd.DataFrame([dict(id=c, name=n, name_zh=z, market_share=shares[c], outlet=outlet_of(c, cfg),
                              visit_every_days=cfg.VISIT_EVERY_DAYS[c]) for c, n, z in cfg.CARRIERS])


def carrier_shares(cfg: ModuleType) -> dict:
    """China Post's assumed rural share, the rest in proportion to national 2023 volumes."""
    rest = 1.0 - cfg.POST_RURAL_SHARE
    tot = sum(cfg.NATIONAL_2023_BN.values())
    raw = {k: rest * v / tot for k, v in cfg.NATIONAL_2023_BN.items()}
    # largest-remainder rounding to 0.001 so that the shares sum to exactly 1.000
    milli = {k: math.floor(v * 1000) for k, v in raw.items()}
    missing = round(rest * 1000) - sum(milli.values())
    for k in sorted(raw, key=lambda k: -(raw[k] * 1000 - milli[k]))[:missing]:
        milli[k] += 1
    shares = {"post": cfg.POST_RURAL_SHARE}
    shares.update({k: milli[k] / 1000 for k in cfg.NATIONAL_2023_BN})
    if abs(sum(shares.values()) - 1.0) > 1e-9:
        raise BuildError(f"carrier shares must add up to 1; got {sum(shares.values())}")
    return shares


def _vehicle(cfg: ModuleType, kind: tuple, **over) -> dict:
    vid, name, zh, count, kg, m3, fixed, perkm, perh, kph, refr, owner = kind
    row = dict(id=vid, name=name, name_zh=zh, count=count, capacity_kg=kg, capacity_m3=m3,
               capacity_parcels=floor_to(cfg.PARCEL_FILL * m3 / cfg.PARCEL_M3, 50), fixed_cost=fixed,
               cost_per_km=perkm, cost_per_hour=perh, speed_kph=kph, max_shift_h=cfg.SHIFT_H,
               refrigerated=refr, depot="HUB", owner=owner)
    row.update(over)
    return row


def vehicle_rows(cfg: ModuleType) -> pd.DataFrame:
    return pd.DataFrame([_vehicle(cfg, v) for v in cfg.VEHICLES])


def with_feeders(vehicles: pd.DataFrame, stations: pd.DataFrame, demand: pd.DataFrame,
                 cfg: ModuleType) -> pd.DataFrame:
    """Hub fleet (echelon any) plus feeder vans at each township station (FEEDER): one per
    FEEDER_VILLAGES villages, and enough for the villages' ambient down parcels (FEEDER_FILL)."""
    feeder = getattr(cfg, "FEEDER", FEEDER)
    per = getattr(cfg, "FEEDER_VILLAGES", FEEDER_VILLAGES)
    hub = vehicles.assign(echelon="any", max_trips=[cfg.HUB_TRIPS.get(v, 1) for v in vehicles["id"]])
    parcels = floor_to(cfg.PARCEL_FILL * feeder["capacity_m3"] / cfg.PARCEL_M3, 50)
    towns = stations[stations["tier"] == "township"]
    villages = stations[stations["tier"] == "village"].groupby("township").size()
    town_of = stations.set_index("id")["township"]
    amb = demand[(demand["direction"] == "down") & ~demand["fresh"].astype(bool)]
    down = amb["parcels"].groupby(amb["station"].map(town_of)).sum()
    loop = feeder["max_trips"] * parcels * FEEDER_FILL
    feeders = pd.DataFrame([dict(feeder, id=f"FEED_{t.id}", capacity_parcels=parcels,
                                 count=max(1, math.ceil(villages.get(t.id, 0) / per),
                                           math.ceil(down.get(t.id, 0) / loop)),
                                 max_shift_h=cfg.SHIFT_H, depot=t.id) for t in towns.itertuples()])
    return pd.concat([hub, feeders], ignore_index=True)


def with_trunks(vehicles: pd.DataFrame, cfg: ModuleType) -> pd.DataFrame:
    """Append the county's trunk trucks (cfg.TRUNK_VEHICLES, same tuples as VEHICLES): echelon
    trunk, one route a day. Added after the demand, which they do not change."""
    rows = [_vehicle(cfg, v, echelon="trunk", max_trips=1) for v in getattr(cfg, "TRUNK_VEHICLES", ())]
    return pd.concat([vehicles, pd.DataFrame(rows)], ignore_index=True) if rows else vehicles


def with_own_fleets(vehicles: pd.DataFrame, cfg: ModuleType) -> pd.DataFrame:
    """Append each carrier's own fleet (OWN_FLEET), based at its outlet, owner = the carrier."""
    kinds = {v[0]: v for v in cfg.VEHICLES}
    en = {c: n for c, n, _ in cfg.CARRIERS}
    rows = []
    for carrier, parts in cfg.OWN_FLEET.items():
        for kind, count, cold in parts:
            k = kinds[kind]
            rows.append(_vehicle(cfg, k, id=f"{carrier.upper()}_{kind}", name=f"{en[carrier]} {k[1]}",
                                 name_zh=f"{cfg.OWN_FLEET_NAME_ZH[carrier]}{k[2]}", count=count,
                                 depot=outlet_of(carrier, cfg), owner=carrier, echelon="any",
                                 max_trips=1, cold_capacity_kg=cold))
    return pd.concat([vehicles, pd.DataFrame(rows)], ignore_index=True)


# =============================================================================
# demand
# =============================================================================
def build_demand(stations: pd.DataFrame, vehicles: pd.DataFrame, shares: dict, rng, cfg: ModuleType):
    """Today's manifest: down parcels from population, fresh groceries, up produce by UP_RULES.

    UP_RULES are applied in order, each a tuple:
    ("named", unit, {village name: mean}, township) — named villages with a sourced product;
    ("pick", unit, k, mean, townships) — k villages drawn among those townships' villages;
    ("pick_names", unit, k, mean, names) — k villages drawn among the named villages.
    A village gets at most one rule. TOWN_UP gives the township stations' up volumes.
    """
    carriers = list(shares)
    p_nat = np.array([shares[c] for c in carriers])
    amb = vehicles  # any vehicle may carry ambient parcels
    cold = vehicles[vehicles["refrigerated"]]
    cap = {False: {k: cfg.STATION_CAP_FRACTION * amb[f"capacity_{k}"].min() for k in ("parcels", "kg", "m3")},
           True: {k: cfg.STATION_CAP_FRACTION * cold[f"capacity_{k}"].min() for k in ("parcels", "kg", "m3")}}

    st = stations[stations["tier"] != "hub"].reset_index(drop=True)
    # --- population (assumption) -> ambient down parcels
    pop = np.zeros(len(st))
    for i, s in enumerate(st.itertuples()):
        if s.kind == "township":
            pop[i] = rng.uniform(*cfg.TOWN_POP)
        elif s.kind == "community":
            pop[i] = rng.uniform(*cfg.COMMUNITY_POP)
        else:
            med = cfg.MOUNTAIN_POP_MEDIAN if s.township in cfg.MOUNTAIN_TOWNSHIPS else cfg.VILLAGE_POP_MEDIAN
            pop[i] = np.clip(med * math.exp(cfg.VILLAGE_POP_SIGMA * rng.standard_normal()), *cfg.VILLAGE_POP_CLIP)
    pop = np.round(pop, -1)
    st["pop"] = pop

    # --- up volumes: {station index: [(unit, parcels)]}
    up: dict[int, list] = {}
    name_idx = {(s.name, s.township): i for i, s in enumerate(st.itertuples()) if s.tier == "village"}
    used: set[int] = set()

    def add_up(i, unit, lam):
        n = int(rng.poisson(lam))
        if n > 0:
            up.setdefault(i, []).append((unit, n))
        used.add(i)

    def by_name(name, township):
        hits = [i for (n, t), i in name_idx.items() if n == name and t == township]
        if len(hits) != 1:
            raise BuildError(f"UP_RULES: village {name} ({township}) must be unique; found {len(hits)}")
        return hits[0]

    def pick(cands, k):
        cands = sorted(c for c in cands if c not in used)
        return [int(x) for x in rng.choice(cands, size=min(k, len(cands)), replace=False)]

    def villages_of(code):
        return [i for i, s in enumerate(st.itertuples()) if s.tier == "village" and s.township == code]

    for rule in cfg.UP_RULES:
        if rule[0] == "named":
            _, unit, named, township = rule
            for name, lam in named.items():
                add_up(by_name(name, township), unit, lam)
        elif rule[0] == "pick":
            _, unit, k, lam, townships = rule
            for i in pick([i for t in townships for i in villages_of(t)], k):
                add_up(i, unit, lam)
        elif rule[0] == "pick_names":
            _, unit, k, lam, names = rule
            cands = [i for (n, _t), i in name_idx.items() if n in names]
            if len(cands) != len(names):
                raise BuildError(f"UP_RULES {unit}: names must each match one village; "
                                 f"{len(cands)} of {len(names)} matched")
            for i in pick(cands, k):
                add_up(i, unit, lam)
        else:
            raise BuildError(f"UP_RULES: kind must be one of {{named, pick, pick_names}}; got {rule[0]!r}")
    for i, s in enumerate(st.itertuples()):
        if s.tier == "township":
            for unit, lam in cfg.TOWN_UP["*"] + cfg.TOWN_UP.get(s.id, []):
                add_up(i, unit, lam)

    # --- fresh down stations
    cun = [i for i, s in enumerate(st.itertuples()) if s.kind == "village"]
    w = pop[cun] / pop[cun].sum()
    fresh_v = {int(x) for x in rng.choice(cun, size=cfg.FRESH_DOWN_VILLAGES, replace=False, p=w)}

    unit_ready = getattr(cfg, "UNIT_READY", {})
    lines = []  # (station index, carrier, direction, fresh, parcels, kg, m3, ready, unit)
    for i, s in enumerate(st.itertuples()):
        up_tot = {False: np.zeros(3), True: np.zeros(3)}
        up_units: dict[bool, list] = {False: [], True: []}
        for unit, n in up.get(i, []):
            kg, m3, fresh = cfg.UNITS[unit]
            up_tot[fresh] += [n, n * kg, n * m3]
            up_units[fresh].append((unit, n))
        # down counts, capped so down + up of a class fits the smallest eligible vehicle
        down_n = {False: int(rng.poisson(pop[i] * cfg.DOWN_RATE)), True: 0}
        if s.kind in ("township", "community") or i in fresh_v:
            down_n[True] = int(rng.poisson(cfg.FRESH_DOWN_LAMBDA[s.kind]))
        for fresh in (False, True):
            unit = "down_fresh" if fresh else "down"
            kg, m3, _ = cfg.UNITS[unit]
            c = cap[fresh]
            room = min(c["parcels"] - up_tot[fresh][0], (c["kg"] - up_tot[fresh][1]) / (kg * 1.3),
                       (c["m3"] - up_tot[fresh][2]) / (m3 * 1.3))
            if room <= 0:
                raise BuildError(f"up volume of station {s.id} alone exceeds the station cap {c}")
            down_n[fresh] = min(down_n[fresh], int(room))
        for direction in ("down", "up"):
            for fresh in (False, True):
                parts = ([("down_fresh" if fresh else "down", down_n[fresh])] if direction == "down"
                         else up_units[fresh])
                for unit, n in parts:
                    if n <= 0:
                        continue
                    p = rng.dirichlet(cfg.SHARE_CONCENTRATION * p_nat)
                    split = rng.multinomial(n, p)
                    kg_u, m3_u, _ = cfg.UNITS[unit]
                    for ci, k in enumerate(split):
                        if k == 0:
                            continue
                        kg_l = k * kg_u * math.exp(cfg.NOISE_SIGMA * rng.standard_normal())
                        m3_l = k * m3_u * math.exp(cfg.NOISE_SIGMA * rng.standard_normal())
                        if direction == "down":
                            ready = cfg.DOWN_READY[carriers[ci]]
                        elif s.tier == "township":
                            ready = cfg.TOWN_UP_READY
                        elif unit in unit_ready:
                            ready = unit_ready[unit]
                        else:
                            ready = None  # one ready time per village, drawn below
                        lines.append([i, carriers[ci], direction, fresh, int(k), kg_l, m3_l, ready, unit])
    # one up ready time per village (drawn in station order, after all volumes)
    village_ready = {}
    for ln in lines:
        if ln[7] is None:
            i = ln[0]
            if i not in village_ready:
                close = st.loc[i, "close"] or cfg.DEFAULT_CLOSE
                choices = [r for r in cfg.UP_READY_CHOICES if hhmm(r) <= hhmm(close) - 120]
                village_ready[i] = str(rng.choice(choices))
            ln[7] = village_ready[i]

    # merge lines with the same (station, carrier, direction, fresh): several up units at a station
    df = pd.DataFrame(lines, columns=["si", "carrier", "direction", "fresh", "parcels", "kg", "m3", "ready", "unit"])
    dir_order = {"down": 0, "up": 1}
    car_order = {c: k for k, c in enumerate(carriers)}
    df = (df.groupby(["si", "carrier", "direction", "fresh"], sort=False)
            .agg(parcels=("parcels", "sum"), kg=("kg", "sum"), m3=("m3", "sum"), ready=("ready", "max"),
                 units=("unit", lambda u: "+".join(sorted(set(u)))))
            .reset_index())
    df["kg"] = np.maximum(df["kg"].round(1), 0.1)
    df["m3"] = np.maximum(df["m3"].round(3), 0.001)
    df["_d"] = df["direction"].map(dir_order)
    df["_c"] = df["carrier"].map(car_order)
    df = df.sort_values(["si", "_d", "_c", "fresh"]).reset_index(drop=True)
    df["station"] = st.loc[df["si"], "id"].to_numpy()
    df["id"] = [f"D{k + 1:04d}" for k in range(len(df))]
    st_up = {st.loc[i, "id"]: "+".join(sorted({u for u, _ in v})) for i, v in up.items()}
    return df, st, st_up, cap


def own_fleet_checks(demand: pd.DataFrame, vehicles: pd.DataFrame, cfg: ModuleType) -> list[dict]:
    """Per carrier: can its own fleet carry its own service day? Capacity (parcels) and cold boxes.

    With visit_every_days = k a service day carries k days' goods (as `routing compare` plans
    it), so the day's parcels and fresh kg, and the largest fresh visit, are multiplied by k.
    Routing (time windows, shift length) is checked with the solver, not here (see the README)."""
    out = []
    for carrier, _, _ in cfg.CARRIERS:
        own = vehicles[vehicles["owner"] == carrier]
        d = demand[demand["carrier"] == carrier]
        dn = d[d["direction"] == "down"]
        fresh = d[d["fresh"]]
        fresh_down_kg = float(fresh.loc[fresh["direction"] == "down", "kg"].sum())
        fresh_up_kg = float(fresh.loc[fresh["direction"] == "up", "kg"].sum())
        per_visit = fresh.groupby(["station", "direction"])["kg"].sum()
        max_visit = float(per_visit.max()) if len(per_visit) else 0.0
        cold = np.where(own["refrigerated"], own["capacity_kg"], own["cold_capacity_kg"].fillna(0))
        cold_total = float((own["count"] * cold).sum())
        parcels_cap = float((own["count"] * own["capacity_parcels"]).sum())
        days = cfg.VISIT_EVERY_DAYS[carrier]
        row = dict(carrier=carrier, outlet=outlet_of(carrier, cfg), every=days,
                   down_p=int(dn["parcels"].sum()), up_p=int(d.loc[d["direction"] == "up", "parcels"].sum()),
                   stations=int(d["station"].nunique()), per_stop=float(dn["parcels"].sum() / d["station"].nunique()),
                   fresh_down_kg=fresh_down_kg, fresh_up_kg=fresh_up_kg, fresh_stations=int(fresh["station"].nunique()),
                   max_fresh_visit=max_visit, max_box=float(cold.max()), vehicles=int(own["count"].sum()),
                   fleet=" + ".join(f"{v.id}×{v.count}" for v in own.itertuples()),
                   parcels_cap=int(parcels_cap), slack=parcels_cap / (days * dn["parcels"].sum()),
                   cold_total=cold_total, cold_slack=cold_total / (days * fresh_down_kg))
        if row["slack"] < cfg.OWN_FLEET_SLACK:
            raise BuildError(f"OWN_FLEET {carrier}: parcels capacity / service day must be >= "
                             f"{cfg.OWN_FLEET_SLACK}; got {row['slack']:.2f}")
        if cold_total < cfg.COLD_BOX_SLACK * days * max(fresh_down_kg, fresh_up_kg):
            raise BuildError(f"OWN_FLEET {carrier}: cold kg {cold_total:.0f} must be >= "
                             f"{cfg.COLD_BOX_SLACK} x fresh kg of a service day ({days} x max({fresh_down_kg:.0f}, {fresh_up_kg:.0f}))")
        if row["max_box"] < days * max_visit:
            raise BuildError(f"OWN_FLEET {carrier}: largest box {row['max_box']:.0f} kg must hold the "
                             f"largest fresh visit {days * max_visit:.0f} kg")
        out.append(row)
    return out


# =============================================================================
# writers
# =============================================================================
def scenario_toml(cfg: ModuleType, county_villages: int) -> str:
    """scenario.toml; the county's notes (cfg.TOML_NOTES) are the comments on its figures.

    ``county_villages``: the county's villages of the kinds it counts (cfg.VILLAGE_KINDS, all
    kinds without it), with a point or not: what a village-coverage target is a share of.
    """
    n = cfg.TOML_NOTES
    kinds = "/".join(getattr(cfg, "VILLAGE_KINDS", ())) or "all village-level units"
    extra = ""
    if getattr(cfg, "MAX_TRUNK_ROUTES", None) is not None:
        extra += f"\nmax_trunk_routes = {cfg.MAX_TRUNK_ROUTES}          # {n['trunk_routes']}"
    if getattr(cfg, "MIN_VILLAGE_COVERAGE", None) is not None:
        extra += (f"\nmin_village_coverage = {cfg.MIN_VILLAGE_COVERAGE}    "
                  f"# {n['village_coverage']}")
    if getattr(cfg, "MIN_ALLIANCE_CARRIERS", None) is not None:
        extra += (f"\nmin_alliance_carriers = {cfg.MIN_ALLIANCE_CARRIERS}     "
                  f"# {n['alliance_carriers']}")
    return f'''{n["header"]}
# See README.md in this folder for what is real, generated and assumed.

[scenario]
name = "{cfg.NAME}"
title = "{cfg.TITLE}"
date = "{cfg.PLAN_DATE}"          # {n["date"]}
crs = "wgs84"                 # coordinates in the stations table: wgs84 | gcj02 | bd09
county_villages = {county_villages}        # villages in the county, with a point or not (NBS 2023, {kinds}; data/{cfg.NAME}/villages.csv)

[tables]
stations = "stations.csv"
carriers = "carriers.csv"
vehicles = "vehicles.csv"
demand = "demand.csv"

[network]
mode = "great_circle"         # great_circle | roads (no road data found for {cfg.NAME_ZH})
detour_factor = {cfg.DETOUR_FACTOR}         # road km per great-circle km; {n["detour"]}
speed_kph = {cfg.NETWORK_SPEED_KPH}                # average network speed when no road data; assumption (DOMAIN.md: 40-60 county roads, 25-40 village roads)

[service]
stop_min = {cfg.STOP_MIN}                  # fixed minutes per stop (assumption)
per_parcel_s = {cfg.PER_PARCEL_S}              # seconds per parcel handed over or collected (assumption)
open = "{cfg.DEFAULT_OPEN}"               # default station opening hours (assumption)
close = "{cfg.DEFAULT_CLOSE}"

[targets]
on_time_h = {cfg.ON_TIME_H}                # {n["on_time"]}
fresh_h = {cfg.FRESH_H}                  # {n["fresh"]}
cost_reduction = {cfg.COST_REDUCTION:.2f}         # {n["cost"]}{extra}

[costs]
hub_per_parcel = {cfg.HUB_PER_PARCEL:.2f}      # CNY per parcel sorted at the shared county hub (assumption: mechanised)
outlet_per_parcel = {cfg.OUTLET_PER_PARCEL:.2f}   # CNY per parcel sorted at a carrier's own small outlet (assumption: less mechanised)
station_per_parcel = {cfg.STATION_PER_PARCEL:.2f}  # CNY per parcel handed over at a township station / village point (assumption)

[solve]
time_limit_s = {cfg.TIME_LIMIT_S}
seed = {cfg.SOLVE_SEED}

# routing compare: each carrier alone (its own outlet, own vehicles, visit_every_days in
# carriers.csv) against the alliance and its variants
[compare]
time_limit_s = {cfg.COMPARE_TIME_LIMIT_S}              # solver seconds per plan (each carrier alone and each variant)
coalition_time_limit_s = {cfg.COALITION_TIME_LIMIT_S}      # solver seconds per coalition plan for the Shapley split (2^{len(cfg.CARRIERS)} - 1 = {2 ** len(cfg.CARRIERS) - 1} plans)
shapley = true
{compare_variants_toml(cfg)}'''


def compare_variants_toml(cfg: ModuleType) -> str:
    def val(v):
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {val(x)}" for k, x in v.items()) + " }"
        return str(v)
    out = []
    for name, extra, comment in cfg.COMPARE_VARIANTS:
        out.append(f'\n[[compare.variants]]\nname = "{name}"  # {comment}')
        out += [f"{k} = {val(v)}" for k, v in extra.items()]
    return "\n".join(out) + "\n"


def write_outputs(out: Path, stations, carriers_df, vehicles, demand, readme_text: str, cfg: ModuleType,
                  county_villages: int):
    out.mkdir(parents=True, exist_ok=True)
    (out / "scenario.toml").write_text(scenario_toml(cfg, county_villages), encoding="utf-8")
    write_csv(out / "stations.csv",
              ["id", "name", "tier", "lon", "lat", "township", "service_min", "open", "close",
               "cold_storage", "generated", "code"],
              [[s.id, s.name, s.tier, f"{s.lon:.6f}", f"{s.lat:.6f}", s.township, s.service_min, s.open, s.close,
                fmt_bool(s.cold_storage), fmt_bool(s.generated), s.code] for s in stations.itertuples()])
    write_csv(out / "carriers.csv", ["id", "name", "name_zh", "market_share", "outlet", "visit_every_days"],
              [[c.id, c.name, c.name_zh, f"{c.market_share:.3f}", c.outlet, c.visit_every_days]
               for c in carriers_df.itertuples()])
    cols = ["id", "name", "name_zh", "count", "capacity_kg", "capacity_m3", "capacity_parcels", "fixed_cost",
            "cost_per_km", "cost_per_hour", "speed_kph", "max_shift_h", "refrigerated", "depot", "owner",
            "echelon", "max_trips", "cold_capacity_kg"]

    def cell(v, c):
        x = getattr(v, c)
        if c == "cold_capacity_kg":  # blank: no cold box
            return "" if pd.isna(x) or x == 0 else fmt_num(x)
        return fmt_num(x)
    write_csv(out / "vehicles.csv", cols, [[cell(v, c) for c in cols] for v in vehicles.itertuples()])
    write_csv(out / "demand.csv", ["id", "station", "carrier", "direction", "parcels", "kg", "m3", "fresh", "ready"],
              [[d.id, d.station, d.carrier, d.direction, d.parcels, f"{d.kg:.1f}", f"{d.m3:.3f}",
                fmt_bool(d.fresh), d.ready] for d in demand.itertuples()])
    (out / "README.md").write_text(readme_text, encoding="utf-8")


def readme_tables(stations, carriers_df, vehicles, s, cfg: ModuleType) -> dict:
    """The markdown tables every scenario README carries (fleet, carriers, own fleets, outlets)."""
    veh = md_table(
        ["id", "type", "count", "kg", "m³", "parcels", "fixed CNY/day", "CNY/km", "CNY/h", "km/h", "reefer",
         "cold box kg", "depot", "owner"],
        [[v.id, f"{v.name} {v.name_zh}", v.count, v.capacity_kg, v.capacity_m3, v.capacity_parcels, v.fixed_cost,
          v.cost_per_km, v.cost_per_hour, v.speed_kph, fmt_bool(v.refrigerated),
          "–" if pd.isna(v.cold_capacity_kg) or v.cold_capacity_kg == 0 else fmt_num(v.cold_capacity_kg),
          v.depot, v.owner]
         for v in vehicles.itertuples()])
    car = md_table(["id", "carrier", "share", "outlet", "visit_every_days (alone)"],
                   [[c.id, f"{c.name} {c.name_zh}", f"{c.market_share:.3f}", c.outlet, c.visit_every_days]
                    for c in carriers_df.itertuples()])
    own = md_table(
        ["carrier", "outlet", "every (days)", "stations", "down / up parcels a day", "down parcels per station",
         "fresh down / up kg a day", "own fleet", "parcels capacity / down parcels of a service day",
         "cold kg / fresh down kg of a service day", "largest fresh visit kg (× days) / largest box"],
        [[o["carrier"], o["outlet"], o["every"], o["stations"], f"{o['down_p']:,} / {o['up_p']:,}", f"{o['per_stop']:.1f}",
          f"{o['fresh_down_kg']:.0f} / {o['fresh_up_kg']:.0f}", o["fleet"],
          f"{o['parcels_cap']:,} / {o['down_p'] * o['every']:,} = {o['slack']:.2f}",
          f"{o['cold_total']:.0f} / {o['fresh_down_kg'] * o['every']:.0f} = {o['cold_slack']:.2f}",
          f"{o['max_fresh_visit'] * o['every']:.1f} / {o['max_box']:.0f}"] for o in s["own"]])
    outlet = md_table(
        ["id", "name", "carrier", "lon", "lat", "great-circle km to hub"],
        [[o.id, o.name, o.id.removeprefix("OUT_"), f"{o.lon:.6f}", f"{o.lat:.6f}", f"{o.hub_km:.1f}"]
         for o in s["outlets"].itertuples()]
        + [["HUB", cfg.HUB_NAME, "post", "–", "–", "0 (the hub; assumption)"]])
    variants = "\n".join(
        f"- `{name}`: {comment}" + ("".join(f"; `{k} = {v}`" for k, v in extra.items()) if extra else "")
        for name, extra, comment in cfg.COMPARE_VARIANTS)
    town = md_table(
        ["id", "township", "villages", "great-circle km to hub", "up today", "cold storage"],
        [[r["id"], r["name"], r["villages"], f"{r['km']:.1f}", r["up"] or "–", fmt_bool(r["cold"])]
         for r in s["townships"]])
    return dict(veh=veh, car=car, own=own, outlet=outlet, variants=variants, town=town)


# =============================================================================
# the build
# =============================================================================
def summarize(stations, vehicles, demand, st, st_up, cap, outlets, cfg: ModuleType) -> dict:
    """Figures for the README and the checks on fleet size (raise if a check fails)."""
    dn, up = demand[demand["direction"] == "down"], demand[demand["direction"] == "up"]
    per = demand.groupby(["station", "fresh"])[["parcels", "kg", "m3"]].sum()
    for (sid, fresh), r in per.iterrows():
        c = cap[bool(fresh)]
        if not (r.parcels <= c["parcels"] and r.kg <= c["kg"] and r.m3 <= c["m3"]):
            raise BuildError(f"station {sid} (fresh={fresh}): {r.to_dict()} must fit {c}")
    # the alliance pool: every vehicle not based at a carrier outlet; feeders only serve in two echelons
    pool = vehicles[~vehicles["depot"].isin(outlets["id"])]
    hub_fleet = pool[pool["echelon"] != "feeder"]
    dry_all = hub_fleet[~hub_fleet["refrigerated"]]
    dry_alliance = dry_all[dry_all["owner"] == "alliance"]
    reef = pool[pool["refrigerated"]]
    amb_down = dn.loc[~dn["fresh"], "parcels"].sum()
    fresh_down_kg = dn.loc[dn["fresh"], "kg"].sum()
    villages = stations[stations["tier"] == "village"]
    s = dict(
        n_town=int((stations["tier"] == "township").sum()), n_vill=len(villages),
        n_comm=int((stations["kind"] == "community").sum()),
        n_real=int((~villages["generated"]).sum()),
        n_gen=int(villages["generated"].sum()),
        n_town_gen=int(((stations["tier"] == "township") & stations["generated"]).sum()),
        real_names="、".join(f"{n}" for n in villages.loc[~villages["generated"], "name"]),
        n_narrow=int(((villages["open"] != cfg.VILLAGE_OPEN) | (villages["close"] != cfg.VILLAGE_CLOSE)).sum()),
        down_p=int(dn["parcels"].sum()), down_kg=float(dn["kg"].sum()), down_m3=float(dn["m3"].sum()),
        down_fresh_p=int(dn.loc[dn["fresh"], "parcels"].sum()), down_fresh_kg=float(fresh_down_kg),
        up_p=int(up["parcels"].sum()), up_kg=float(up["kg"].sum()), up_m3=float(up["m3"].sum()),
        up_fresh_kg=float(up.loc[up["fresh"], "kg"].sum()),
        pop=float(st["pop"].sum()),
        n_up_villages=int(up.loc[up["station"].str.len() == 12, "station"].nunique()),
        dry_slack=float((dry_alliance["count"] * dry_alliance["capacity_parcels"]).sum() / amb_down),
        all_slack=float((hub_fleet["count"] * hub_fleet["capacity_parcels"]).sum() / dn["parcels"].sum()),
        fresh_slack_kg=float((reef["count"] * reef["capacity_kg"]).sum() / fresh_down_kg),
        cap_amb="{:.0f} parcels / {:.0f} kg / {:.2f} m³".format(*cap[False].values()),
        cap_fresh="{:.0f} parcels / {:.0f} kg / {:.1f} m³".format(*cap[True].values()),
    )
    s["down_fresh_share"] = s["down_fresh_p"] / s["down_p"]
    s["up_fresh_share"] = s["up_fresh_kg"] / s["up_kg"]
    s["fresh_kg"] = s["down_fresh_kg"] + s["up_fresh_kg"]
    hub = stations.iloc[0]
    tw = stations[stations["tier"] == "township"].set_index("id")
    gen = villages[villages["generated"]]
    d_gen = gc_km(gen["lon"].to_numpy(float), gen["lat"].to_numpy(float),
                  tw.loc[gen["township"], "lon"].to_numpy(float), tw.loc[gen["township"], "lat"].to_numpy(float))
    s["gen_med_km"], s["gen_max_km"] = float(np.median(d_gen)), float(d_gen.max())
    nv = villages.groupby("township").size()
    s["townships"] = [dict(id=t, name=r["name"], villages=int(nv.get(t, 0)),
                           km=float(gc_km(hub.lon, hub.lat, r.lon, r.lat)),
                           up=st_up.get(t, ""), cold=bool(r.cold_storage)) for t, r in tw.iterrows()]
    s["max_town_km"] = max(t["km"] for t in s["townships"])
    s["max_town_name"] = max(s["townships"], key=lambda t: t["km"])["name"]
    if s["dry_slack"] < cfg.DRY_SLACK_MIN:
        raise BuildError(f"VEHICLES: dry alliance capacity / ambient down must be >= {cfg.DRY_SLACK_MIN}; "
                         f"got {s['dry_slack']:.2f}")
    if s["fresh_slack_kg"] < 1.3:
        raise BuildError(f"VEHICLES: reefer kg / fresh down kg must be >= 1.3; got {s['fresh_slack_kg']:.2f}")
    s["own"] = own_fleet_checks(demand, vehicles, cfg)
    s["outlets"] = outlets
    s["n_pool"] = int(pool["count"].sum())
    s["n_pool_types"] = len(pool)
    s["pool_2d"] = float((hub_fleet["count"] * hub_fleet["capacity_parcels"]).sum() / (2 * dn["parcels"].sum()))
    return s


def parse_args(cfg: ModuleType, argv):
    here = Path(cfg.__file__).resolve().parent
    ap = argparse.ArgumentParser(description=cfg.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", default=None,
                    help=f"reference-county data folder (default: {here.relative_to(REPO)}/ if complete, "
                         "else ../shared/data/counties relative to the repo root)")
    ap.add_argument("--out", default=str(REPO / "scenarios" / cfg.NAME), help="output folder")
    ap.add_argument("--seed", type=int, default=cfg.SEED)
    ap.add_argument("--refresh-copy", action="store_true",
                    help=f"copy the four source files from the counties folder into {here.relative_to(REPO)}/ first")
    return ap.parse_args(argv)


def main(cfg: ModuleType, readme: Callable[..., str], argv=None) -> int:
    """Build ``scenarios/<cfg.NAME>`` from the county's source files."""
    args = parse_args(cfg, argv)
    here = Path(cfg.__file__).resolve().parent
    if args.refresh_copy:
        counties = Path(args.counties or COUNTIES).resolve() / cfg.SOURCE_DIR
        for f in SOURCE_FILES:
            shutil.copyfile(counties / f, here / f)
        print(f"copied {', '.join(SOURCE_FILES)} from {counties} to {here}")
    src = resolve_source(args, cfg)
    print(f"reading {src}")
    town, vill, county, boundary = load_source(src, cfg.COUNTY_CODE)
    if (len(town), len(vill)) != cfg.EXPECT:
        raise BuildError(f"{src}: expected {cfg.EXPECT} townships and villages; got {(len(town), len(vill))}")

    kinds = getattr(cfg, "VILLAGE_KINDS", None)
    county_villages = int(vill["kind"].isin(kinds).sum()) if kinds else len(vill)
    geo = Geo(boundary, cfg.UTM_EPSG)
    if hasattr(cfg, "VILLAGE_POINTS"):  # a subset of villages; townships without a point
        town, vill = select_points(geo, town, vill, county, np.random.default_rng([args.seed, 0]), cfg)
    if town["lon_wgs84"].isna().any():
        raise BuildError(f"{src / 'townships.csv'}: every township needs a point (lon_wgs84); "
                         "set VILLAGE_POINTS so that select_points fills the missing ones")
    cells = build_cells(geo, town, cfg.EDGE_BUFFER_M)
    vill = place_villages(geo, town, vill, county, cells, np.random.default_rng([args.seed, 1]), cfg,
                          directions=getattr(cfg, "DIRECTIONS", None),
                          direction_town=getattr(cfg, "DIRECTION_TOWN", ""))
    station_town = town[town["code"].isin(getattr(cfg, "STATION_TOWNSHIPS", town["code"]))]
    stations = build_stations(station_town, vill, county, np.random.default_rng([args.seed, 2]), cfg)
    shares = carrier_shares(cfg)
    carriers_df = carriers_frame(shares, cfg)
    vehicles = vehicle_rows(cfg)
    demand, st, st_up, cap = build_demand(stations, vehicles, shares, np.random.default_rng([args.seed, 3]), cfg)
    vehicles = with_feeders(vehicles, stations, demand, cfg)
    vehicles = with_trunks(vehicles, cfg)
    # the baseline (each carrier alone): outlets and own fleets, added after the demand so that
    # the points and the demand above do not change (own random stream k = 4)
    outlets = place_outlets(geo, stations, cells, np.random.default_rng([args.seed, 4]), cfg)
    all_stations = pd.concat([stations, outlets.drop(columns="hub_km")], ignore_index=True)
    vehicles = with_own_fleets(vehicles, cfg)
    summary = summarize(stations, vehicles, demand, st, st_up, cap, outlets, cfg)
    summary["town_source"] = town
    summary["st_up"] = st_up

    text = readme(all_stations, carriers_df, vehicles, demand, args.seed, summary)
    write_outputs(Path(args.out), all_stations, carriers_df, vehicles, demand, text, cfg,
                  county_villages)
    print(f"wrote {args.out}: {len(all_stations)} stations, {len(demand)} demand lines")
    print(f"  down {summary['down_p']} parcels {summary['down_kg']:.0f} kg (fresh {summary['down_fresh_p']} p, "
          f"{summary['down_fresh_kg']:.0f} kg); up {summary['up_p']} parcels {summary['up_kg']:.0f} kg "
          f"(fresh {summary['up_fresh_kg']:.0f} kg = {summary['up_fresh_share']:.1%}); "
          f"villages with up {summary['n_up_villages']}")
    print("  fleet: " + ", ".join(f"{v.id}×{v.count}" for v in vehicles.itertuples()) +
          f"; dry alliance capacity / ambient down = {summary['dry_slack']:.2f}")
    for o in summary["own"]:
        print(f"  {o['carrier']} (every {o['every']} d): own capacity / down parcels of a service day = "
              f"{o['slack']:.2f}, cold kg / fresh down kg = {o['cold_slack']:.2f}, largest fresh visit "
              f"{o['max_fresh_visit']:.1f} kg (box {o['max_box']:.0f} kg)")
    for o in outlets.itertuples():
        print(f"  {o.id} {o.name}: {o.hub_km} km from the hub")
    return 0


# =============================================================================
# README of a county built from common_params (Fengqiu, Yanshi, Tang)
# =============================================================================
def county_readme(cfg: ModuleType) -> Callable[..., str]:
    """The README writer for a county whose prose lives in cfg.README (dict of sections)."""
    def readme(stations, carriers_df, vehicles, demand, seed, s) -> str:
        tabs = readme_tables(stations, carriers_df, vehicles, s, cfg)
        r = cfg.README
        towns = s["town_source"]
        gen_towns = towns[towns["generated"]]
        gen_town_list = "\n".join(
            f"- {t.code} {t.name}: {t.placement}"
            + ("" if t.code in cfg.STATION_TOWNSHIPS else " (no station; its point only shapes the cells)")
            for t in gen_towns.itertuples()) or "- none"
        targets = md_table(["target", "value", "source"], [[k, v, src] for k, v, src in r["targets"]])
        n_carriers = len(cfg.CARRIERS)
        return f"""# {cfg.NAME_ZH} {r['title_en']} scenario (`scenarios/{cfg.NAME}/`)

{r['intro']}

**Generated file.** Every file in this folder is written by `python data/{cfg.NAME}/build_{cfg.NAME}.py`
(seed {seed}); edit the script (and the shared `data/common.py`, `data/common_params.py`), not the
files. All coordinates are WGS84 (`crs = "wgs84"`). Sources and licences of the data:
`data/{cfg.NAME}/README.md`.

## Files

| file | rows | content |
|---|---|---|
| `scenario.toml` | – | plan day, network (great circle × {cfg.DETOUR_FACTOR}, {cfg.NETWORK_SPEED_KPH} km/h), service times, targets, handling costs (`[costs]`), solver budget, `routing compare` budgets and variants |
| `stations.csv` | {len(stations)} | 1 hub, {s['n_town']} township stations, {s['n_vill']} village points ({s['n_comm']} of them 社区), {len(s['outlets'])} carrier outlets (tier `outlet`, generated) |
| `carriers.csv` | {len(carriers_df)} | the {n_carriers} alliance carriers: market share, own outlet, visit frequency alone |
| `vehicles.csv` | {len(vehicles)} | the hub fleet, feeder vans at each township station (two echelons), each carrier's own fleet (baseline) |
| `demand.csv` | {len(demand)} | one line per (station, carrier, direction, fresh) with non-zero volume |

## What is real

- township names and 9-digit NBS 2023 codes; their points where the source has one (Amap
  district centres, GCJ-02 converted to WGS84);
- village names, 12-digit NBS 2023 codes and parent township;
- {s['n_real']} village points (Amap 2016 points that passed the source's QA){': ' + s['real_names'] if s['n_real'] else ''};
- the county seat point (`HUB` is placed there; the plan does not give the hub's address);
- the county outline (Amap 2018 via Vonng/adcode).

{r['stations']}

## What is generated (`generated = true`)

**Township points without a source ({s['n_town_gen']} stations).** Rule (`common.fill_missing_townships`):
the mean of the township's real village points if it has any; otherwise the point at least
{cfg.MISSING_TOWN_INSET_M / 1000:g} km inside the county outline that lies farthest from every township point
placed so far and from the county seat (the largest gap in the network). **Not the real seat.**
{gen_town_list}

**Village points ({s['n_gen']}).** Not real locations: each is placed in the Voronoi cell of its own
township point (all township points, clipped to the county outline), at least {cfg.EDGE_BUFFER_M} m inside the
cell edge, at a log-normal distance from the township point (median {cfg.R_MEDIAN_FACTOR} × the cell's
equivalent radius, clipped to {cfg.R_MEDIAN_MIN_M / 1000:g}–{cfg.R_MEDIAN_MAX_M / 1000:g} km, σ {cfg.R_SIGMA}); the village named like its
township {cfg.SEAT_R_M[0]}–{cfg.SEAT_R_M[1]} m from it; ≥ {cfg.MIN_SPACING_M} m from every other village and ≥ {cfg.MIN_TO_STATION_M} m from
every township point and the hub. Median distance to the own township point {s['gen_med_km']:.1f} km
(max {s['gen_max_km']:.1f} km). Random streams `default_rng([{seed}, k])`: k = 0 which villages get a point,
1 points, 2 opening hours, 3 demand, 4 outlets.

**Carrier outlets ({len(s['outlets'])}).** No outlet address was found; assumed points
{cfg.OUTLET_R_M[0] / 1000:g}–{cfg.OUTLET_R_M[1] / 1000:g} km from the hub inside the county town's cell, names assumed. China Post drives
from the hub (assumption: the county hub is its facility).

{tabs['outlet']}

## What is assumed

### Targets (`[targets]`)
{targets}

### Network and service
| figure | value | source |
|---|---|---|
| detour factor | {cfg.DETOUR_FACTOR} | {r['detour']} |
| network speed | {cfg.NETWORK_SPEED_KPH} km/h | assumption within DOMAIN.md (40–60 county roads, 25–40 village roads) |
| stop time | {cfg.STOP_MIN} min + {cfg.PER_PARCEL_S} s per parcel; township stations {cfg.TOWNSHIP_SERVICE_MIN} min, 社区 {cfg.COMMUNITY_SERVICE_MIN} min | assumption |
| hours | hub {cfg.HUB_OPEN}–{cfg.HUB_CLOSE}; township stations {cfg.DEFAULT_OPEN}–{cfg.DEFAULT_CLOSE}; villages {cfg.VILLAGE_OPEN}–{cfg.VILLAGE_CLOSE}; {s['n_narrow']} 村 (≈{cfg.NARROW_SHARE:.0%}) only 08:00–12:00 or 14:00–18:00 | assumption |
| cold storage | hub; {', '.join(cfg.COLD_TOWNSHIPS) or 'no township'} | {r['cold']} |

### Carriers (`carriers.csv`)
{tabs['car']}

- China Post/EMS {cfg.POST_RURAL_SHARE:.2f}: **assumption** (backbone of rural delivery). The others share
  the rest in proportion to approximate 2023 national volumes (ZTO 30.2, YTO 21.2, Yunda 18.7,
  J&T 15.3 billion parcels; company results, not re-checked). Each station's mix varies around
  these shares (Dirichlet, concentration {cfg.SHARE_CONCENTRATION}).
- {r['carriers']}
- `visit_every_days` alone: China Post and ZTO daily, YTO, Yunda, J&T every other day (assumption,
  as Xia: this makes the baseline cheaper per day).

### Fleet (`vehicles.csv`)
{tabs['veh']}

- Capacities, costs and speeds as the Xia scenario (see `scenarios/xia/README.md` for each
  figure's source): DOMAIN.md ranges for capacities (assumptions), van 1.0 CNY/km = fuel 0.8
  (DOMAIN.md, trade press) + 0.2 maintenance (assumption), box truck 1.6 and reefer 1.7 CNY/km
  (assumption; reefer 1.4 × dry, DOMAIN.md 1.3–1.5×), driver 18–22 CNY/h (DOMAIN.md 150–250 CNY/day),
  fixed cost per vehicle-day from depreciation (assumption). Counts: **assumption**, {r['fleet']}
- `FEED_<township>`: feeder vans at each township station, one per {FEEDER_VILLAGES} village points (two loops a
  day), and at least enough that two loops, each at most {FEEDER_FILL:.0%} full, carry the villages' ambient
  down parcels (assumption); used only in two-echelon plans.
- The alliance uses every vehicle not based at a carrier outlet ({s['n_pool']} vehicles in {s['n_pool_types']} types); dry
  alliance vehicles carry {s['dry_slack']:.0%} of the ambient down parcels, reefers {s['fresh_slack_kg']:.0%} of the fresh down kg.

Each carrier's own fleet (the baseline), checked by the script for capacity (parcels ≥ {cfg.OWN_FLEET_SLACK} ×,
cold kg ≥ {cfg.COLD_BOX_SLACK} × a service day; routes are checked by `routing compare`):

{tabs['own']}

### Handling costs (`[costs]`)
hub sorting {cfg.HUB_PER_PARCEL:.2f}, outlet sorting {cfg.OUTLET_PER_PARCEL:.2f}, station hand-over {cfg.STATION_PER_PARCEL:.2f} CNY/parcel:
assumptions, as Xia (no per-parcel fee appears in the plans).

### `routing compare` (`[compare]`)
{cfg.COMPARE_TIME_LIMIT_S} s per plan, {cfg.COALITION_TIME_LIMIT_S} s per coalition plan (2^{n_carriers} − 1 = {2 ** n_carriers - 1} coalitions for the Shapley
split). Variants:
{tabs['variants']}

{r['variants']}

### Demand (`demand.csv`)
Totals: **{s['down_p']:,} down parcels ({s['down_kg']:,.0f} kg)**, of which {s['down_fresh_p']} fresh
({s['down_fresh_share']:.1%}, {s['down_fresh_kg']:,.0f} kg); **{s['up_p']:,} up parcels ({s['up_kg']:,.0f} kg)**, of which
{s['up_fresh_kg']:,.0f} kg fresh ({s['up_fresh_share']:.1%} of up kg). {len(demand)} lines.

- Down: Poisson(residents × {cfg.DOWN_RATE}) parcels per station (assumption). Residents (assumption):
  villages log-normal, median {cfg.VILLAGE_POP_MEDIAN}, σ {cfg.VILLAGE_POP_SIGMA}, clipped to {cfg.VILLAGE_POP_CLIP[0]}–{cfg.VILLAGE_POP_CLIP[1]}; 社区
  {cfg.COMMUNITY_POP[0]:,}–{cfg.COMMUNITY_POP[1]:,}; township stations {cfg.TOWN_POP[0]:,}–{cfg.TOWN_POP[1]:,}. Implied population served ≈ {s['pop']:,.0f}.
  1.2 kg, 0.006 m³ per parcel (assumption), ±10 % per line.
- Fresh down (groceries, 2.5 kg): all township stations, every 社区 and {cfg.FRESH_DOWN_VILLAGES} villages drawn by
  population (Poisson means {cfg.FRESH_DOWN_LAMBDA['township']} / {cfg.FRESH_DOWN_LAMBDA['community']} / {cfg.FRESH_DOWN_LAMBDA['village']}). Assumption.
- Up: {r['up']}
  Every township station also ships returns and local sellers' parcels (mean {cfg.TOWN_UP['*'][0][1]}, 1.5 kg).
  {s['n_up_villages']} village points have up volume today.
- Ready: down at the hub 06:00–07:00 by carrier; up at villages one of {', '.join(cfg.UP_READY_CHOICES)}, township
  stations {cfg.TOWN_UP_READY}. (handed in the day before, ready when the station opens; at 09:00 morning trunks
  waited for them and two-echelon feeders left too late for villages closing at noon). Assumption.
- Each station's down + up per class fits {cfg.STATION_CAP_FRACTION:.0%} of the smallest eligible vehicle (ambient
  {s['cap_amb']}; fresh {s['cap_fresh']}); checked by the script.

### Township stations
{tabs['town']}

The farthest township point, {s['max_town_name']}, is {s['max_town_km']:.1f} km great-circle from the hub.
"""
    return readme
