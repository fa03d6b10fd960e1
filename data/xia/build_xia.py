#!/usr/bin/env python3
"""Build the bundled default scenario ``scenarios/xia/`` (夏县, Yuncheng, Shanxi).

Run from the repository root::

    python data/xia/build_xia.py

The script is deterministic: the same inputs and the same ``--seed`` give
byte-identical output files.

Inputs (the real data) are four files from the reference-county dataset:
``townships.csv``, ``villages.csv``, ``county.csv`` and ``boundary.geojson``
(WGS84). By default they are read from ``data/xia/`` (the copy bundled in this
repository) when all four are present, otherwise from
``<counties>/xiaxian/`` where ``--counties`` defaults to
``../shared/data/counties`` relative to the repository root. Passing
``--counties`` explicitly always reads from that folder.
``--refresh-copy`` copies the four files from the counties folder into
``data/xia/`` (byte for byte) before building.

Outputs (in ``--out``, default ``scenarios/xia/``): ``scenario.toml``,
``stations.csv``, ``carriers.csv``, ``vehicles.csv``, ``demand.csv`` and
``README.md``.

Everything that is not in the source files is an assumption and is set in the
PARAMETERS section below, each with its source or the word "assumption".
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, shape
from shapely.ops import voronoi_diagram

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCE_FILES = ("townships.csv", "villages.csv", "county.csv", "boundary.geojson")

# =============================================================================
# PARAMETERS (every number here is either sourced or marked as an assumption)
# =============================================================================
COUNTY_CODE = "140828"
SEED = 140828                      # fixed seed (the county's NBS code)
PLAN_DATE = "2026-11-24"           # a late-November weekday (season: apples, 柿饼, vegetables)
UTM_EPSG = 32649                   # UTM zone 49N (108-114 E): metric CRS for the geometry work

# --- network / service (scenario.toml) ---------------------------------------
DETOUR_FACTOR = 1.35   # assumption: hilly county, "七山二川一丘陵" (夏县花椒 GI description)
NETWORK_SPEED_KPH = 40  # assumption: DOMAIN.md trucks 40-60 km/h on county roads, village roads 25-40
STOP_MIN = 5           # assumption
PER_PARCEL_S = 4       # assumption
DEFAULT_OPEN, DEFAULT_CLOSE = "07:00", "19:00"   # assumption (township stations use these)
ON_TIME_H = 72         # 夏县 plan (夏政函〔2021〕37号): 争取从县到村配送时间不超过3天
FRESH_H = 24           # Tang 2020 plan (生鲜24小时送达); the Xia plan gives no fresh target
COST_REDUCTION = 0.20  # Tang 2020 / Hebei 2020 evaluation (降幅不低于20%); Xia gives none
TIME_LIMIT_S = 30
SOLVE_SEED = 1

# --- stations -------------------------------------------------------------------
HUB_NAME = "夏县县级物流配送中心"
HUB_OPEN, HUB_CLOSE = "05:00", "22:00"            # assumption
TOWNSHIP_SERVICE_MIN = 10                          # assumption: counter hand-over, more parcels
COMMUNITY_SERVICE_MIN = 3                          # assumption: 社区 points in the county town
VILLAGE_OPEN, VILLAGE_CLOSE = "08:00", "18:00"     # assumption
NARROW_SHARE = 0.10                                # assumption: share of 村 with a narrow window
NARROW_WINDOWS = (("08:00", "12:00"), ("14:00", "18:00"))
# cold storage at township stations: assumption, placed in the two vegetable townships
# (裴介镇 朱吕村 and 南大里乡 vegetable cooperatives, see README); the plan only says to
# integrate existing county cold stores (整合县内企业现有冷库资源) without naming them.
COLD_TOWNSHIPS = ("140828102", "140828203")        # 裴介镇, 南大里乡

# --- generated village points ---------------------------------------------------
EDGE_BUFFER_M = 150        # generated points stay >= 150 m inside their township's cell
MIN_SPACING_M = 500        # between any two villages (real points are exempt among themselves)
MIN_TO_STATION_M = 300     # between a generated village and any township point or the hub
R_MEDIAN_FACTOR = 0.5      # median distance to the seat = 0.5 x equivalent radius of the cell,
R_MEDIAN_MIN_M = 1500      #   clipped to 1.5 .. 6 km
R_MEDIAN_MAX_M = 6000
R_SIGMA = 0.5              # log-normal spread of the distance
SEAT_R_M = (300, 800)      # the village named like its township (seat village): 0.3-0.8 km
COMMUNITY_R_M = (600, 1600)  # 城东/城西/城南/城北社区: 0.6-1.6 km from 瑶峰镇 in that direction
GATE_R_M = (1000, 2500)    # 南关村, 西关村 (suburbs "south gate", "west gate")
DIRECTION_SPREAD_DEG = 25
MAX_TRIES = 20000

# --- carriers ---------------------------------------------------------------------
# National 2023 parcel volumes in billions (approximate, from the companies' 2023 annual
# results; State Post Bureau 2023 total about 132.07 bn). STO is included rather than J&T
# because the Xia plan names it: "整合邮政、申通等物流快递企业配送服务".
NATIONAL_2023_BN = {"zto": 30.2, "yto": 21.2, "yunda": 18.7, "sto": 17.5}
POST_RURAL_SHARE = 0.25   # assumption: China Post/EMS is the backbone of rural delivery
CARRIERS = [  # id, English name, Chinese name
    ("post", "China Post / EMS", "中国邮政（含EMS）"),
    ("zto", "ZTO Express", "中通快递"),
    ("yto", "YTO Express", "圆通速递"),
    ("yunda", "Yunda Express", "韵达快递"),
    ("sto", "STO Express", "申通快递"),
]
SHARE_CONCENTRATION = 50  # Dirichlet concentration for per-station carrier mix (assumption)
# time the down parcels are sorted and ready at the hub (assumption)
DOWN_READY = {"post": "06:00", "zto": "06:30", "yto": "06:30", "yunda": "06:30", "sto": "07:00"}

# --- fleet ------------------------------------------------------------------------
PARCEL_M3 = 0.006          # average down parcel volume (assumption)
PARCEL_FILL = 0.45         # capacity_parcels = 45% of box volume / 0.006 m3, rounded down to 50
SHIFT_H = 10
# id, name, name_zh, count, kg, m3, fixed CNY/day, CNY/km, CNY/h, kph, refrigerated, owner
VEHICLES = [
    ("BOX42", "4.2 m box truck", "4.2米厢式货车", 10, 1800, 16.0, 110, 1.6, 22, 50, False, "alliance"),
    ("VAN", "light van", "微型厢式货车（面包车）", 8, 800, 4.5, 60, 1.0, 18, 45, False, "alliance"),
    ("REEFER", "refrigerated light truck", "轻型冷藏车", 3, 1200, 8.0, 150, 1.7, 22, 45, True, "alliance"),
    ("POSTVAN", "China Post rural mail van", "邮政农村邮路车", 4, 800, 4.5, 60, 1.0, 18, 45, False, "post"),
]
STATION_CAP_FRACTION = 0.9  # a station's down+up per class stays <= 90% of the smallest vehicle

# --- baseline: each carrier alone, from its own outlet ------------------------------
# DOMAIN.md: the baseline for the 20% target is each carrier serving its own parcels with its
# own vehicles and outlets. Outlet names and places are assumptions (no outlet address of any
# carrier in 夏县 was found); they are generated points in the county town.
OUTLETS = {  # carrier id: its own county outlet (快递网点), id OUT_<carrier>
    "zto": "中通快递夏县分部",
    "yto": "圆通速递夏县营业部",
    "yunda": "韵达快递夏县服务部",
    "sto": "申通快递夏县网点",
}
# assumption: in many counties the county hub is China Post's own facility (邮政县分公司处理中心),
# so China Post drives alone from the hub and its own vehicles are based there.
POST_OUTLET = "HUB"
OUTLET_R_M = (1000, 4000)      # assumption: outlets lie in the county town, 1-4 km from the hub
OUTLET_SPACING_M = 500         # between two outlets
OUTLET_TOWN = "140828100"      # the county town 瑶峰镇: outlets stay inside its cell
# how often a carrier serves a station when driving alone (1 daily, 2 every other day).
# China Post: daily (universal postal service). ZTO: daily (assumption: the largest private
# carrier, ~15 parcels per stop per day). YTO, Yunda, STO: every other day (assumption: with
# ~9-10 parcels per stop per day, private carriers in rural areas often do not run to every
# village daily before consolidation; this makes the baseline cheaper per day).
VISIT_EVERY_DAYS = {"post": 1, "zto": 1, "yto": 2, "yunda": 2, "sto": 2}
# Own fleets for the baseline, same vehicle kinds and costs as the alliance fleet (VEHICLES):
# carrier: [(kind, count, cold box kg)]. Based at the carrier's outlet, owner = the carrier.
# China Post's own fleet is these rows plus the POSTVAN rows; all are at the hub (its outlet),
# so they also join the alliance pool. Cold box (cold_capacity_kg): assumption, insulated boxes
# with ice packs in a dry light van, enough for the carrier's fresh goods of the day (checked
# below). Counts: assumption, sized so each carrier can serve its own day alone with modest
# spare (checked by the solver, see the README).
# `routing compare` plans a carrier that visits every k days as one service day carrying k days
# of parcels to all its stations (cost per day = that plan / k), so the every-other-day carriers
# need twice the capacity of a daily service (more 4.2 m trucks), not more vehicles for time.
OWN_FLEET = {
    "post": [("BOX42", 2, 0), ("VAN", 2, 150)],
    "zto": [("BOX42", 2, 0), ("VAN", 5, 120)],
    "yto": [("BOX42", 3, 0), ("VAN", 5, 120)],
    "yunda": [("BOX42", 3, 0), ("VAN", 5, 120)],
    "sto": [("BOX42", 3, 0), ("VAN", 4, 120)],
}
OWN_FLEET_NAME_ZH = {"post": "中国邮政", "zto": "中通", "yto": "圆通", "yunda": "韵达", "sto": "申通"}
OWN_FLEET_SLACK = 1.2          # checked: own capacity >= 1.2 x the carrier's down parcels of a service day
COLD_BOX_SLACK = 1.3           # checked: own cold capacity >= 1.3 x its fresh kg (down or up) of a service day

# --- costs per parcel handled ([costs] in scenario.toml; all assumptions) ------------
HUB_PER_PARCEL = 0.30      # sorting at the shared county hub (mechanised, assumption)
OUTLET_PER_PARCEL = 0.40   # sorting at a carrier's own small outlet (less mechanised, assumption)
STATION_PER_PARCEL = 0.50  # handing over at a township station / village point (assumption)

# --- routing compare ([compare] in scenario.toml) ---------------------------------------
COMPARE_TIME_LIMIT_S = 10
COALITION_TIME_LIMIT_S = 3
COMPARE_VARIANTS = [  # (name, extra keys, comment)
    ("alliance", {}, "all five carriers, the hub fleet, direct from the hub, daily"),
    ("alliance_two_echelon", {"structure": "two_echelon"}, "trunks hub -> township stations, feeder vans to villages"),
    ("alliance_every_other_day", {"visit_every_days": 2}, "the alliance visiting each station every other day"),
    ("alliance_periodic", {"visit_every_days": "auto"}, "each village its own frequency: daily where fresh goods or the hours need it, else every other day"),
    ("four_carriers", {"carriers": ["post", "zto", "yto", "yunda"]}, "an alliance without STO 申通, the smallest member"),
]

# --- demand -----------------------------------------------------------------------
DOWN_RATE = 0.04           # parcels per resident per day (assumption, low end of 0.04-0.06)
VILLAGE_POP_MEDIAN = 1150  # assumption (≈30万 residents, 175 villages + towns)
MOUNTAIN_POP_MEDIAN = 600  # assumption: smaller villages in the 中条山 townships
MOUNTAIN_TOWNSHIPS = ("140828105", "140828204")   # 泗交镇, 祁家河乡
VILLAGE_POP_SIGMA = 0.45
VILLAGE_POP_CLIP = (250, 3500)
COMMUNITY_POP = (3000, 5000)   # assumption: 社区 in the county town
TOWN_POP = (2500, 4500)        # assumption: residents and shops served at each township station
FRESH_DOWN_VILLAGES = 25       # assumption: villages with fresh groceries (社区团购-style) today
FRESH_DOWN_LAMBDA = {"township": 15, "community": 12, "village": 6}
# unit parcel: kg, m3, fresh (assumptions; 5 kg = the common 10-jin produce box)
UNITS = {
    "down": (1.2, 0.006, False),
    "down_fresh": (2.5, 0.012, True),     # fresh groceries with ice pack / foam box
    "apple": (5.0, 0.028, False),         # 苹果, 10-jin box
    "persimmon": (2.5, 0.008, False),     # 柿饼, 5-jin gift box
    "pepper": (1.0, 0.004, False),        # 花椒 (dried), 1 kg bag in a box
    "vegetable": (5.0, 0.020, True),      # 蔬菜, fresh
    "town_mixed": (1.5, 0.008, False),    # township: returns and local online sellers
    "livestream": (2.0, 0.010, False),    # 南大里乡直播基地 (named in the Xia plan)
}
NOISE_SIGMA = 0.10
# up (first mile) volumes by village (names as in stations.csv) and by township
PERSIMMON_NAMED = {"西北庄村": 60}       # 祁家河乡西北庄村 牛心柿/柿饼 (press photos 2023-24)
PERSIMMON_OTHER = (3, "140828204", 25)  # 3 more 祁家河乡 villages, lambda 25 (assumption)
VEGETABLE_NAMED = {"朱吕村": 20}         # 裴介镇朱吕村 vegetables (press photo)
VEGETABLE_OTHER = ((2, "140828102", 10), (2, "140828203", 10))  # 裴介镇, 南大里乡
# 夏县花椒 GI protected villages that still exist under that name in NBS 2023
PEPPER_GI = ("上冯村", "三坡底村", "枣庙村", "石泉沟村", "李家坪村", "韩家后村", "张家坪村",
             "井曹村", "史家村", "上埝底村", "文家庄村", "陈庄村", "桑村", "西村")
PEPPER_PICK, PEPPER_LAMBDA = 7, 12       # dried pepper ships all year; half the GI villages today
APPLE_TOWNSHIPS = ("140828103", "140828106", "140828200", "140828101")  # assumption
APPLE_PICK, APPLE_LAMBDA = 10, 40
TOWN_UP = {  # township station up volumes: {township code: [(unit, lambda), ...]}
    "*": [("town_mixed", 15)],
    "140828203": [("livestream", 60), ("vegetable", 10)],
    "140828102": [("vegetable", 10)],
    "140828204": [("persimmon", 40)],
}
UP_READY_CHOICES = ("08:30", "09:00", "09:30", "10:00")   # assumption
VEG_READY = "08:00"        # assumption: vegetables cut in the early morning
TOWN_UP_READY = "09:00"    # assumption


# =============================================================================
# helpers
# =============================================================================
def fmt_bool(b: bool) -> str:
    return "true" if b else "false"


def village_name(official: str) -> str:
    """鲁因村委会 -> 鲁因村, 辕村村委会 -> 辕村, 城东社区居委会 -> 城东社区."""
    for suffix in ("村民委员会", "村委会"):
        if official.endswith(suffix):
            stem = official[: -len(suffix)]
            return stem if stem.endswith("村") else stem + "村"
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


def resolve_source(args) -> Path:
    if args.counties is not None:
        return Path(args.counties).resolve() / "xiaxian"
    if all((HERE / f).is_file() for f in SOURCE_FILES):
        return HERE
    return (REPO / ".." / "shared" / "data" / "counties" / "xiaxian").resolve()


# =============================================================================
# build steps
# =============================================================================
def load_source(src: Path):
    town = pd.read_csv(src / "townships.csv", dtype={"code": str})
    vill = pd.read_csv(src / "villages.csv", dtype={"code": str, "township_code": str})
    county = pd.read_csv(src / "county.csv", dtype={"code": str})
    gj = json.loads((src / "boundary.geojson").read_text(encoding="utf-8"))
    feats = gj["features"] if gj.get("type") == "FeatureCollection" else [gj]
    boundary = shapely.union_all([shape(f["geometry"]) for f in feats])
    county = county[county["code"] == COUNTY_CODE]
    town = town[town["code"].str.startswith(COUNTY_CODE)].sort_values("code").reset_index(drop=True)
    vill = vill[vill["code"].str.startswith(COUNTY_CODE)].sort_values("code").reset_index(drop=True)
    assert len(county) == 1, "county row 140828 missing"
    assert town["lon_wgs84"].notna().all(), "every township needs a point"
    return town, vill, county.iloc[0], boundary


class Geo:
    def __init__(self, boundary):
        self.fwd = Transformer.from_crs("EPSG:4326", f"EPSG:{UTM_EPSG}", always_xy=True)
        self.inv = Transformer.from_crs(f"EPSG:{UTM_EPSG}", "EPSG:4326", always_xy=True)
        self.boundary_wgs = boundary
        self.boundary = shapely.transform(boundary, self._fwd_arr)

    def _fwd_arr(self, a):
        x, y = self.fwd.transform(a[:, 0], a[:, 1])
        return np.column_stack([x, y])

    def to_xy(self, lon, lat):
        return self.fwd.transform(lon, lat)

    def to_lonlat(self, x, y):
        return self.inv.transform(x, y)


def build_cells(geo: Geo, town: pd.DataFrame) -> dict:
    pts = {c: Point(geo.to_xy(lo, la)) for c, lo, la in zip(town["code"], town["lon_wgs84"], town["lat_wgs84"])}
    vd = voronoi_diagram(MultiPoint(list(pts.values())), envelope=geo.boundary.buffer(50_000))
    cells = {}
    for code, p in pts.items():
        (poly,) = [g for g in vd.geoms if g.contains(p)]
        cell = poly.intersection(geo.boundary)
        inner = cell.buffer(-EDGE_BUFFER_M)
        shapely.prepare(inner)
        cells[code] = {"point": p, "cell": cell, "inner": inner,
                       "r_eq": math.sqrt(cell.area / math.pi)}
    return cells


def place_villages(geo: Geo, town, vill, county, cells, rng) -> pd.DataFrame:
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

    directions = {"城东社区": (0, COMMUNITY_R_M), "城北社区": (90, COMMUNITY_R_M),
                  "城西社区": (180, COMMUNITY_R_M), "城南社区": (270, COMMUNITY_R_M),
                  "南关村": (270, GATE_R_M), "西关村": (180, GATE_R_M)}

    def kind_of(row) -> str:
        if row.sname in directions and row.township_code == "140828100":
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
        r_med = min(max(R_MEDIAN_FACTOR * c["r_eq"], R_MEDIAN_MIN_M), R_MEDIAN_MAX_M)
        spacing = MIN_SPACING_M
        while True:
            found = None
            for _ in range(MAX_TRIES):
                if row.placement == "direction":
                    deg, (r0, r1) = directions[row.sname]
                    r = rng.uniform(r0, r1)
                    th = math.radians(deg + rng.uniform(-DIRECTION_SPREAD_DEG, DIRECTION_SPREAD_DEG))
                elif row.placement == "seat":
                    r = rng.uniform(*SEAT_R_M)
                    th = rng.uniform(0, 2 * math.pi)
                else:
                    r = r_med * math.exp(R_SIGMA * rng.standard_normal())
                    th = rng.uniform(0, 2 * math.pi)
                x, y = cx + r * math.cos(th), cy + r * math.sin(th)
                if not shapely.contains_xy(c["inner"], x, y):
                    continue
                if np.min(np.hypot(stations_xy[:, 0] - x, stations_xy[:, 1] - y)) < MIN_TO_STATION_M:
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


def build_stations(town, vill, county, rng):
    rows = []
    rows.append(dict(id="HUB", name=HUB_NAME, tier="hub", lon=county["lon_wgs84"], lat=county["lat_wgs84"],
                     township="", service_min="", open=HUB_OPEN, close=HUB_CLOSE, cold_storage=True,
                     generated=False, code=COUNTY_CODE, kind="hub"))
    for t in town.itertuples():
        rows.append(dict(id=t.code, name=t.name, tier="township", lon=t.lon_wgs84, lat=t.lat_wgs84, township="",
                         service_min=TOWNSHIP_SERVICE_MIN, open="", close="", cold_storage=t.code in COLD_TOWNSHIPS,
                         generated=False, code=t.code, kind="township"))
    is_cun = (vill["kind"] == "村委会").to_numpy()
    n_narrow = round(NARROW_SHARE * is_cun.sum())
    narrow_idx = set(rng.choice(np.flatnonzero(is_cun), size=n_narrow, replace=False).tolist())
    narrow_list = sorted(narrow_idx)
    narrow_win = {i: NARROW_WINDOWS[k % 2] for k, i in enumerate(narrow_list)}
    for i, v in enumerate(vill.itertuples()):
        community = v.kind == "居委会"
        op, cl = narrow_win.get(i, (VILLAGE_OPEN, VILLAGE_CLOSE))
        rows.append(dict(id=v.code, name=v.sname, tier="village", lon=v.lon_wgs84, lat=v.lat_wgs84,
                         township=v.township_code, service_min=COMMUNITY_SERVICE_MIN if community else "",
                         open=op, close=cl, cold_storage=False, generated=bool(v.generated), code=v.code,
                         kind="community" if community else "village"))
    return pd.DataFrame(rows)


def place_outlets(geo: Geo, stations: pd.DataFrame, cells: dict, rng) -> pd.DataFrame:
    """One generated outlet per carrier in OUTLETS: 1-4 km from the hub, in the county town's
    cell (clipped to the county outline, EDGE_BUFFER_M inside), >= MIN_TO_STATION_M from every
    station and >= OUTLET_SPACING_M from every other outlet. Rows after the existing stations."""
    hub = stations.iloc[0]
    hx, hy = geo.to_xy(hub.lon, hub.lat)
    sx, sy = geo.to_xy(stations["lon"].to_numpy(float), stations["lat"].to_numpy(float))
    inner = cells[OUTLET_TOWN]["inner"]
    placed: list[tuple[float, float]] = []
    rows = []
    for carrier, name in OUTLETS.items():
        for _ in range(MAX_TRIES):
            r = rng.uniform(*OUTLET_R_M)
            th = rng.uniform(0, 2 * math.pi)
            x, y = hx + r * math.cos(th), hy + r * math.sin(th)
            if not shapely.contains_xy(inner, x, y):
                continue
            if np.min(np.hypot(sx - x, sy - y)) < MIN_TO_STATION_M:
                continue
            if placed and min(math.hypot(px - x, py - y) for px, py in placed) < OUTLET_SPACING_M:
                continue
            break
        else:
            raise RuntimeError(f"no place found for the outlet of {carrier}")
        placed.append((x, y))
        lon, lat = geo.to_lonlat(x, y)
        rows.append(dict(id=f"OUT_{carrier}", name=name, tier="outlet", lon=round(float(lon), 6),
                         lat=round(float(lat), 6), township="", service_min="", open=HUB_OPEN,
                         close=HUB_CLOSE, cold_storage=False, generated=True, code="", kind="outlet",
                         hub_km=round(r / 1000, 1)))
    return pd.DataFrame(rows)


def outlet_of(carrier: str) -> str:
    return POST_OUTLET if carrier == "post" else f"OUT_{carrier}"


def with_own_fleets(vehicles: pd.DataFrame) -> pd.DataFrame:
    """Append each carrier's own fleet (OWN_FLEET), based at its outlet, owner = the carrier."""
    kinds = {v[0]: v for v in VEHICLES}
    en = {c: n for c, n, _ in CARRIERS}
    rows = []
    for carrier, parts in OWN_FLEET.items():
        for kind, count, cold in parts:
            _, name, zh, _, kg, m3, fixed, perkm, perh, kph, refr, _ = kinds[kind]
            rows.append(dict(id=f"{carrier.upper()}_{kind}", name=f"{en[carrier]} {name}",
                             name_zh=f"{OWN_FLEET_NAME_ZH[carrier]}{zh}", count=count, capacity_kg=kg,
                             capacity_m3=m3, capacity_parcels=floor_to(PARCEL_FILL * m3 / PARCEL_M3, 50),
                             fixed_cost=fixed, cost_per_km=perkm, cost_per_hour=perh, speed_kph=kph,
                             max_shift_h=SHIFT_H, refrigerated=refr, depot=outlet_of(carrier), owner=carrier,
                             echelon="any", max_trips=1, cold_capacity_kg=cold))
    return pd.concat([vehicles, pd.DataFrame(rows)], ignore_index=True)


def carrier_shares() -> dict:
    rest = 1.0 - POST_RURAL_SHARE
    tot = sum(NATIONAL_2023_BN.values())
    raw = {k: rest * v / tot for k, v in NATIONAL_2023_BN.items()}
    # largest-remainder rounding to 0.001 so that the five shares sum to exactly 1.000
    milli = {k: math.floor(v * 1000) for k, v in raw.items()}
    missing = round(rest * 1000) - sum(milli.values())
    for k in sorted(raw, key=lambda k: -(raw[k] * 1000 - milli[k]))[:missing]:
        milli[k] += 1
    shares = {"post": POST_RURAL_SHARE}
    shares.update({k: milli[k] / 1000 for k in NATIONAL_2023_BN})
    assert abs(sum(shares.values()) - 1.0) < 1e-9
    return shares


def vehicle_rows():
    out = []
    for vid, name, zh, count, kg, m3, fixed, perkm, perh, kph, refr, owner in VEHICLES:
        parcels = floor_to(PARCEL_FILL * m3 / PARCEL_M3, 50)
        out.append(dict(id=vid, name=name, name_zh=zh, count=count, capacity_kg=kg, capacity_m3=m3,
                        capacity_parcels=parcels, fixed_cost=fixed, cost_per_km=perkm, cost_per_hour=perh,
                        speed_kph=kph, max_shift_h=SHIFT_H, refrigerated=refr, depot="HUB", owner=owner))
    return pd.DataFrame(out)


# Feeder vans stationed at each township station, used only when the scenario is planned in two
# echelons (trunks hub → township, feeders township → villages). Assumption: light vans
# (乡镇配送车), one per 8 villages, two loops a day; same costs as the hub's light vans.
FEEDER = dict(name="township feeder van", name_zh="乡镇配送车", count=1, capacity_kg=800,
              capacity_m3=4.5, fixed_cost=60, cost_per_km=1.0, cost_per_hour=18, speed_kph=45,
              refrigerated=False, owner="alliance", echelon="feeder", max_trips=2)
FEEDER_VILLAGES = 8
HUB_TRIPS: dict[str, int] = {}  # hub vehicles run one loop (a second loop did not pay in tests)


def with_feeders(vehicles: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """Hub fleet (echelon any) plus one feeder van per township station."""
    hub = vehicles.assign(echelon="any",
                          max_trips=[HUB_TRIPS.get(v, 1) for v in vehicles["id"]])
    parcels = floor_to(PARCEL_FILL * FEEDER["capacity_m3"] / PARCEL_M3, 50)
    towns = stations[stations["tier"] == "township"]
    villages = stations[stations["tier"] == "village"].groupby("township").size()
    # One feeder van per FEEDER_VILLAGES villages (assumption: ~8 village stops per van-day of
    # two loops at ~70 kg per village), at least one per township.
    feeders = pd.DataFrame([dict(FEEDER, id=f"FEED_{t.id}", capacity_parcels=parcels,
                                 count=max(1, math.ceil(villages.get(t.id, 0) / FEEDER_VILLAGES)),
                                 max_shift_h=SHIFT_H, depot=t.id) for t in towns.itertuples()])
    return pd.concat([hub, feeders], ignore_index=True)


def build_demand(stations: pd.DataFrame, vehicles: pd.DataFrame, shares: dict, rng):
    carriers = list(shares)
    p_nat = np.array([shares[c] for c in carriers])
    amb = vehicles  # any vehicle may carry ambient parcels
    cold = vehicles[vehicles["refrigerated"]]
    cap = {False: {k: STATION_CAP_FRACTION * amb[f"capacity_{k}"].min() for k in ("parcels", "kg", "m3")},
           True: {k: STATION_CAP_FRACTION * cold[f"capacity_{k}"].min() for k in ("parcels", "kg", "m3")}}

    st = stations[stations["tier"] != "hub"].reset_index(drop=True)
    # --- population (assumption) -> ambient down parcels
    pop = np.zeros(len(st))
    for i, s in enumerate(st.itertuples()):
        if s.kind == "township":
            pop[i] = rng.uniform(*TOWN_POP)
        elif s.kind == "community":
            pop[i] = rng.uniform(*COMMUNITY_POP)
        else:
            med = MOUNTAIN_POP_MEDIAN if s.township in MOUNTAIN_TOWNSHIPS else VILLAGE_POP_MEDIAN
            pop[i] = np.clip(med * math.exp(VILLAGE_POP_SIGMA * rng.standard_normal()), *VILLAGE_POP_CLIP)
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

    def by_name(name, township=None):
        hits = [i for (n, t), i in name_idx.items() if n == name and (township is None or t == township)]
        assert len(hits) == 1, f"village {name} ({township}) not unique: {hits}"
        return hits[0]

    def pick(cands, k):
        cands = sorted(c for c in cands if c not in used)
        return [int(x) for x in rng.choice(cands, size=min(k, len(cands)), replace=False)]

    def villages_of(code):
        return [i for i, s in enumerate(st.itertuples()) if s.tier == "village" and s.township == code]
    for name, lam in PERSIMMON_NAMED.items():
        add_up(by_name(name, "140828204"), "persimmon", lam)
    k, tcode, lam = PERSIMMON_OTHER
    for i in pick(villages_of(tcode), k):
        add_up(i, "persimmon", lam)
    for name, lam in VEGETABLE_NAMED.items():
        add_up(by_name(name, "140828102"), "vegetable", lam)
    for k, tcode, lam in VEGETABLE_OTHER:
        for i in pick(villages_of(tcode), k):
            add_up(i, "vegetable", lam)
    gi = [i for (n, t), i in name_idx.items() if n in PEPPER_GI]
    assert len(gi) == len(PEPPER_GI), "a 花椒 GI village name did not match"
    for i in pick(gi, PEPPER_PICK):
        add_up(i, "pepper", PEPPER_LAMBDA)
    apple_cands = [i for t in APPLE_TOWNSHIPS for i in villages_of(t)]
    for i in pick(apple_cands, APPLE_PICK):
        add_up(i, "apple", APPLE_LAMBDA)
    for i, s in enumerate(st.itertuples()):
        if s.tier == "township":
            for unit, lam in TOWN_UP["*"] + TOWN_UP.get(s.id, []):
                add_up(i, unit, lam)

    # --- fresh down stations
    cun = [i for i, s in enumerate(st.itertuples()) if s.kind == "village"]
    w = pop[cun] / pop[cun].sum()
    fresh_v = set(int(x) for x in rng.choice(cun, size=FRESH_DOWN_VILLAGES, replace=False, p=w))

    lines = []  # (station index, carrier, direction, fresh, parcels, kg, m3, ready)
    for i, s in enumerate(st.itertuples()):
        # per-class totals of up (parcels, kg, m3)
        up_tot = {False: np.zeros(3), True: np.zeros(3)}
        up_units = {False: [], True: []}
        for unit, n in up.get(i, []):
            kg, m3, fresh = UNITS[unit]
            up_tot[fresh] += [n, n * kg, n * m3]
            up_units[fresh].append((unit, n))
        # down counts, capped so down + up of a class fits the smallest eligible vehicle
        down_n = {False: int(rng.poisson(pop[i] * DOWN_RATE)), True: 0}
        if s.kind in ("township", "community") or i in fresh_v:
            down_n[True] = int(rng.poisson(FRESH_DOWN_LAMBDA[s.kind]))
        for fresh in (False, True):
            unit = "down_fresh" if fresh else "down"
            kg, m3, _ = UNITS[unit]
            c = cap[fresh]
            room = min(c["parcels"] - up_tot[fresh][0], (c["kg"] - up_tot[fresh][1]) / (kg * 1.3),
                       (c["m3"] - up_tot[fresh][2]) / (m3 * 1.3))
            assert room > 0, f"up volume of {s.id} alone exceeds the station cap"
            down_n[fresh] = min(down_n[fresh], int(room))
        # split across carriers and emit lines
        for direction in ("down", "up"):
            for fresh in (False, True):
                if direction == "down":
                    parts = [("down_fresh" if fresh else "down", down_n[fresh])]
                else:
                    parts = up_units[fresh]
                for unit, n in parts:
                    if n <= 0:
                        continue
                    p = rng.dirichlet(SHARE_CONCENTRATION * p_nat)
                    split = rng.multinomial(n, p)
                    kg_u, m3_u, _ = UNITS[unit]
                    for ci, k in enumerate(split):
                        if k == 0:
                            continue
                        kg_l = k * kg_u * math.exp(NOISE_SIGMA * rng.standard_normal())
                        m3_l = k * m3_u * math.exp(NOISE_SIGMA * rng.standard_normal())
                        if direction == "down":
                            ready = DOWN_READY[carriers[ci]]
                        elif s.tier == "township":
                            ready = TOWN_UP_READY
                        elif unit == "vegetable":
                            ready = VEG_READY
                        else:
                            ready = None  # one ready time per village, drawn below
                        lines.append([i, carriers[ci], direction, fresh, int(k), kg_l, m3_l, ready, unit])
    # one up ready time per village (drawn in station order, after all volumes)
    village_ready = {}
    for ln in lines:
        if ln[7] is None:
            i = ln[0]
            if i not in village_ready:
                close = st.loc[i, "close"] or DEFAULT_CLOSE
                choices = [r for r in UP_READY_CHOICES if hhmm(r) <= hhmm(close) - 120]
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


def own_fleet_checks(demand: pd.DataFrame, vehicles: pd.DataFrame, stations: pd.DataFrame) -> list[dict]:
    """Per carrier: can its own fleet carry its own service day? Capacity (parcels) and cold boxes.

    With visit_every_days = k a service day carries k days' goods (as `routing compare` plans
    it), so the day's parcels and fresh kg, and the largest fresh visit, are multiplied by k. Routing (time windows, shift
    length) is checked with the solver, not here (see the README)."""
    out = []
    for carrier, _, _ in CARRIERS:
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
        days = VISIT_EVERY_DAYS[carrier]
        row = dict(carrier=carrier, outlet=outlet_of(carrier), every=days,
                   down_p=int(dn["parcels"].sum()), up_p=int(d.loc[d["direction"] == "up", "parcels"].sum()),
                   stations=int(d["station"].nunique()), per_stop=float(dn["parcels"].sum() / d["station"].nunique()),
                   fresh_down_kg=fresh_down_kg, fresh_up_kg=fresh_up_kg, fresh_stations=int(fresh["station"].nunique()),
                   max_fresh_visit=max_visit, max_box=float(cold.max()), vehicles=int(own["count"].sum()),
                   fleet=" + ".join(f"{v.id}×{v.count}" for v in own.itertuples()),
                   parcels_cap=int(parcels_cap), slack=parcels_cap / (days * dn["parcels"].sum()),
                   cold_total=cold_total, cold_slack=cold_total / (days * fresh_down_kg))
        assert row["slack"] >= OWN_FLEET_SLACK, row
        assert cold_total >= COLD_BOX_SLACK * days * max(fresh_down_kg, fresh_up_kg), row
        assert row["max_box"] >= days * max_visit, row
        out.append(row)
    return out


def hhmm(s: str) -> int:
    h, m = s.split(":")
    return int(h) * 60 + int(m)


# =============================================================================
# writers
# =============================================================================
def scenario_toml() -> str:
    return f'''# 夏县 (Xia County, Yuncheng, Shanxi) default scenario. Generated by data/xia/build_xia.py.
# See README.md in this folder for what is real, generated and assumed.

[scenario]
name = "xia"
title = "夏县县乡村三级物流共同配送（默认场景）"
date = "{PLAN_DATE}"          # plan day (late November: apples, 柿饼, vegetables)
crs = "wgs84"                 # coordinates in the stations table: wgs84 | gcj02 | bd09

[tables]
stations = "stations.csv"
carriers = "carriers.csv"
vehicles = "vehicles.csv"
demand = "demand.csv"

[network]
mode = "great_circle"         # great_circle | roads (no road data found for 夏县)
detour_factor = {DETOUR_FACTOR}         # road km per great-circle km; assumption: hilly county ("七山二川一丘陵")
speed_kph = {NETWORK_SPEED_KPH}                # average network speed when no road data; assumption (DOMAIN.md: 40-60 county roads, 25-40 village roads)

[service]
stop_min = {STOP_MIN}                  # fixed minutes per stop (assumption)
per_parcel_s = {PER_PARCEL_S}              # seconds per parcel handed over or collected (assumption)
open = "{DEFAULT_OPEN}"               # default station opening hours (assumption)
close = "{DEFAULT_CLOSE}"

[targets]
on_time_h = {ON_TIME_H}                # 夏县 plan 夏政函〔2021〕37号: 争取从县到村配送时间不超过3天
fresh_h = {FRESH_H}                  # Tang 2020 plan: 生鲜24小时送达 (Xia gives no fresh target)
cost_reduction = {COST_REDUCTION:.2f}         # Tang 2020 / Hebei 2020 evaluation: 降幅不低于20% (Xia gives none)

[costs]
hub_per_parcel = {HUB_PER_PARCEL:.2f}      # CNY per parcel sorted at the shared county hub (assumption: mechanised)
outlet_per_parcel = {OUTLET_PER_PARCEL:.2f}   # CNY per parcel sorted at a carrier's own small outlet (assumption: less mechanised)
station_per_parcel = {STATION_PER_PARCEL:.2f}  # CNY per parcel handed over at a township station / village point (assumption)

[solve]
time_limit_s = {TIME_LIMIT_S}
seed = {SOLVE_SEED}

# routing compare: each carrier alone (its own outlet, own vehicles, visit_every_days in
# carriers.csv) against the alliance and its variants
[compare]
time_limit_s = {COMPARE_TIME_LIMIT_S}              # solver seconds per plan (each carrier alone and each variant)
coalition_time_limit_s = {COALITION_TIME_LIMIT_S}      # solver seconds per coalition plan for the Shapley split (2^5 - 1 = 31 plans)
shapley = true
{compare_variants_toml()}'''


def compare_variants_toml() -> str:
    def val(v):
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return str(v)
    out = []
    for name, extra, comment in COMPARE_VARIANTS:
        out.append(f'\n[[compare.variants]]\nname = "{name}"  # {comment}')
        out += [f"{k} = {val(v)}" for k, v in extra.items()]
    return "\n".join(out) + "\n"


def fmt_num(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return fmt_bool(bool(x))
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    return str(x)


def write_outputs(out: Path, stations, carriers_df, vehicles, demand, src: Path, seed: int, summary: dict):
    out.mkdir(parents=True, exist_ok=True)
    (out / "scenario.toml").write_text(scenario_toml(), encoding="utf-8")
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
    (out / "README.md").write_text(readme(stations, carriers_df, vehicles, demand, seed, summary), encoding="utf-8")


def readme(stations, carriers_df, vehicles, demand, seed, s) -> str:
    def md_table(header, rows):
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
        return "\n".join(lines)

    veh_tab = md_table(
        ["id", "type", "count", "kg", "m³", "parcels", "fixed CNY/day", "CNY/km", "CNY/h", "km/h", "reefer",
         "cold box kg", "depot", "owner"],
        [[v.id, f"{v.name} {v.name_zh}", v.count, v.capacity_kg, v.capacity_m3, v.capacity_parcels, v.fixed_cost,
          v.cost_per_km, v.cost_per_hour, v.speed_kph, fmt_bool(v.refrigerated),
          "–" if pd.isna(v.cold_capacity_kg) or v.cold_capacity_kg == 0 else fmt_num(v.cold_capacity_kg),
          v.depot, v.owner]
         for v in vehicles.itertuples()])
    own = {o["carrier"]: o for o in s["own"]}
    car_tab = md_table(["id", "carrier", "share", "outlet", "visit_every_days (alone)"],
                       [[c.id, f"{c.name} {c.name_zh}", f"{c.market_share:.3f}", c.outlet, c.visit_every_days]
                        for c in carriers_df.itertuples()])
    own_tab = md_table(
        ["carrier", "outlet", "every (days)", "stations", "down / up parcels a day", "down parcels per station",
         "fresh down / up kg a day", "own fleet", "parcels capacity / down parcels of a service day",
         "cold kg / fresh down kg of a service day", "largest fresh visit kg (× days) / largest box"],
        [[o["carrier"], o["outlet"], o["every"], o["stations"], f"{o['down_p']:,} / {o['up_p']:,}", f"{o['per_stop']:.1f}",
          f"{o['fresh_down_kg']:.0f} / {o['fresh_up_kg']:.0f}", o["fleet"],
          f"{o['parcels_cap']:,} / {o['down_p'] * o['every']:,} = {o['slack']:.2f}",
          f"{o['cold_total']:.0f} / {o['fresh_down_kg'] * o['every']:.0f} = {o['cold_slack']:.2f}",
          f"{o['max_fresh_visit'] * o['every']:.1f} / {o['max_box']:.0f}"] for o in s["own"]])
    outlet_tab = md_table(
        ["id", "name", "carrier", "lon", "lat", "great-circle km to hub"],
        [[o.id, o.name, o.id.removeprefix("OUT_"), f"{o.lon:.6f}", f"{o.lat:.6f}", f"{o.hub_km:.1f}"]
         for o in s["outlets"].itertuples()]
        + [["HUB", HUB_NAME, "post", "–", "–", "0 (the hub; assumption)"]])
    variant_list = "\n".join(
        f"- `{name}`: {comment}" + ("".join(f"; `{k} = {v}`" for k, v in extra.items()) if extra else "")
        for name, extra, comment in COMPARE_VARIANTS)
    town_tab = md_table(
        ["id", "township", "villages", "great-circle km to hub", "up today", "cold storage"],
        [[r["id"], r["name"], r["villages"], f"{r['km']:.1f}", r["up"] or "–", fmt_bool(r["cold"])]
         for r in s["townships"]])
    return f"""# 夏县 Xia County default scenario (`scenarios/xia/`)

Xia County (夏县, Yuncheng 运城, Shanxi; NBS code 140828) county–township–village shared delivery
(县乡村三级物流共同配送) for one plan day, {PLAN_DATE}. The source plan is 《夏县电子商务进农村综合示范工作
实施方案》 (夏政函〔2021〕37号): 4 county postal routes covering all 11 townships (覆盖全县11个乡（镇）的
物流快递配送邮路4条), township coverage 100%, village coverage ≥ 50%, county-to-village delivery ≤ 3 days,
up-bound price parity with the city's main platforms, at least one cold-chain operator.

**Generated file.** Every file in this folder is written by `python data/xia/build_xia.py`
(seed {seed}); edit the script, not the files. All coordinates are WGS84 (`crs = "wgs84"`).

## Files

| file | rows | content |
|---|---|---|
| `scenario.toml` | – | plan day, network (great circle × {DETOUR_FACTOR}, {NETWORK_SPEED_KPH} km/h), service times, targets, handling costs per parcel (`[costs]`), solver budget, `routing compare` budgets and variants (`[compare]`) |
| `stations.csv` | {len(stations)} | 1 hub, {s['n_town']} township stations, {s['n_vill']} village points ({s['n_comm']} of them 社区 in the county town), {len(s['outlets'])} carrier outlets (tier `outlet`, generated points) |
| `carriers.csv` | {len(carriers_df)} | the five alliance carriers: market share, own outlet, how often each visits a station when driving alone |
| `vehicles.csv` | {len(vehicles)} | vehicle types (count, capacities, costs): the hub fleet, one feeder van at each township station for two-echelon planning, and each carrier's own fleet for the baseline (each carrier alone) |
| `demand.csv` | {len(demand)} | one line per (station, carrier, direction, fresh) with non-zero volume |

## What is real

From `data/xia/` (a byte-for-byte copy of the reference-county data, see `data/xia/README.md`):
- township names and 9-digit NBS 2023 codes, and their points (Amap district centres, converted
  GCJ-02 → WGS84); all 11 townships have one;
- the 175 village-level units (171 村委会, 4 社区居委会): names, 12-digit NBS 2023 codes, parent township;
- {s['n_real']} village points (Amap 2016 points that passed the source's QA): {s['real_names']};
- the county seat point (`HUB` is placed there; the plan does not give the hub's address);
- the county outline (Amap 2018 via Vonng/adcode, 1,351 km²).

Station names: 村委会 → …村 (鲁因村委会 → 鲁因村, 辕村村委会 → 辕村), 社区居委会 → …社区.
`id` is `HUB`, the 9-digit township code, or the 12-digit village code; `code` is the NBS code
(the hub carries the county code 140828).

## What is generated: {s['n_gen']} village points (`generated = true`)

No open source has points for these villages. They are **not real locations**; they only put each
village in a plausible place so the routing problem has realistic distances.
- Each village is placed in the Voronoi cell of its own township point (Voronoi of the 11 township
  points, clipped to the county outline), at least {EDGE_BUFFER_M} m inside the cell edge.
- Distance from the township point: log-normal, median = {R_MEDIAN_FACTOR} × the cell's equivalent radius
  (√(area/π)), clipped to {R_MEDIAN_MIN_M/1000:g}–{R_MEDIAN_MAX_M/1000:g} km, σ = {R_SIGMA}; direction uniform.
  Draws outside the cell are rejected.
- The village named like its township (e.g. 裴介村 in 裴介镇, the seat village) is put
  {SEAT_R_M[0]}–{SEAT_R_M[1]} m from the township point. 城东/城西/城南/城北社区 are put
  {COMMUNITY_R_M[0]/1000:g}–{COMMUNITY_R_M[1]/1000:g} km from 瑶峰镇 in the direction of their name (±{DIRECTION_SPREAD_DEG}°),
  南关村 and 西关村 {GATE_R_M[0]/1000:g}–{GATE_R_M[1]/1000:g} km south / west.
- Spacing: every generated village is ≥ {MIN_SPACING_M} m from every other village (real or generated)
  and ≥ {MIN_TO_STATION_M} m from every township point and the hub. (The real point of 禹王村 is 0.1 km
  from 禹王镇 and is kept as published.)
- Random generator: numpy `default_rng([{seed}, k])`, one stream per step (k = 1 points,
  2 opening hours, 3 demand, 4 carrier outlets), so changing the demand does not move the points.
- Median generated distance to the own township point: {s['gen_med_km']:.1f} km (max {s['gen_max_km']:.1f} km).

## What is generated: {len(s['outlets'])} carrier outlets (`tier = outlet`, `generated = true`)

The baseline of the 20% target is each carrier alone, with its own outlet (快递网点) and vehicles
(DOMAIN.md). No address of any carrier's outlet in 夏县 was found, so the outlets are **assumed
locations**, and their names are assumed too (in the usual pattern of county outlets):

{outlet_tab}

- Each outlet is a generated point {OUTLET_R_M[0] / 1000:g}–{OUTLET_R_M[1] / 1000:g} km from the hub (uniform distance and direction) inside the
  county town's Voronoi cell (瑶峰镇, clipped to the county outline, {EDGE_BUFFER_M} m inside), ≥ {MIN_TO_STATION_M} m from every
  station and ≥ {OUTLET_SPACING_M} m from the other outlets; random stream `default_rng([{seed}, 4])`, drawn after
  everything else, so the villages and the demand do not change.
- **China Post's outlet is the hub** (`outlet = HUB`): assumption — in many counties the county
  logistics hub is China Post's own facility (邮政县分公司), and its rural mail vans already start there.
- Outlets carry no demand (the loader rejects demand at an outlet) and are open {HUB_OPEN}–{HUB_CLOSE} like the hub
  (assumption); no cold storage. Down parcels are taken to be ready at the outlet at the same time as
  at the hub (the `ready` times of `demand.csv`).

## What is assumed

None of the figures below was measured in 夏县. The targets come from the plans; everything else is a
default to be replaced by real data.

### Network and service (`scenario.toml`)
| figure | value | source |
|---|---|---|
| detour factor | {DETOUR_FACTOR} road km per great-circle km | assumption; 夏县 is "七山二川一丘陵" (mostly hills, per the 夏县花椒 GI description), and the mountain townships 泗交/祁家河 lie in the 中条山 |
| network speed | {NETWORK_SPEED_KPH} km/h | assumption within DOMAIN.md (trucks 40–60 km/h on county roads, village roads 25–40) |
| stop time | {STOP_MIN} min + {PER_PARCEL_S} s per parcel; `service_min` replaces the fixed part: township stations {TOWNSHIP_SERVICE_MIN} min, 社区 {COMMUNITY_SERVICE_MIN} min | assumption |
| hours | hub {HUB_OPEN}–{HUB_CLOSE}; township stations empty = the default {DEFAULT_OPEN}–{DEFAULT_CLOSE}; villages {VILLAGE_OPEN}–{VILLAGE_CLOSE} | assumption |
| narrow windows | {s['n_narrow']} 村 (≈{NARROW_SHARE:.0%}) open only 08:00–12:00 or 14:00–18:00 | assumption, to exercise time windows |
| cold storage | hub; 裴介镇 and 南大里乡 stations | assumption (the plan only says to reuse existing cold stores 整合县内企业现有冷库资源); chosen as the vegetable townships |
| on-time target | {ON_TIME_H} h | 夏县 plan: 争取从县到村配送时间不超过3天 |
| fresh target | {FRESH_H} h | Tang 2020 plan (生鲜24小时送达); the Xia plan has none |
| cost reduction | {COST_REDUCTION:.0%} | Tang 2020 / Hebei 2020 evaluation; the Xia plan has none |

### Carriers (`carriers.csv`)
{car_tab}

- STO (申通) is the fifth member rather than J&T because the Xia plan names it (整合邮政、申通等物流快递企业).
- China Post/EMS: **{POST_RURAL_SHARE:.2f}, assumption** — its national express share is small, but it carries the
  universal-service rural network (邮路), so its rural share is taken much higher.
- The other four: the remaining {1 - POST_RURAL_SHARE:.2f} split in proportion to approximate 2023 national parcel
  volumes (ZTO 30.2, YTO 21.2, Yunda 18.7, STO 17.5 billion; company 2023 annual results, State Post
  Bureau 2023 total ≈ 132 billion), renormalised over these four. Approximate figures, not re-checked here.
- Each station's carrier mix is drawn from a Dirichlet around these shares (concentration {SHARE_CONCENTRATION}), so
  shares vary from station to station.
- `outlet`: the station a carrier drives from when alone (see the outlets above).
- `visit_every_days` (driving alone only; the alliance variants set their own): China Post **1**
  (daily: universal postal service); ZTO **1** (assumption: the largest private carrier, about
  {own['zto']['per_stop']:.0f} parcels per station a day); YTO, Yunda, STO **2 — every other day** (assumption: with
  about {min(own[c]['per_stop'] for c in ('yto', 'yunda', 'sto')):.0f}–{max(own[c]['per_stop'] for c in ('yto', 'yunda', 'sto')):.0f} parcels per station a day, private carriers in rural areas often do not run to
  every village daily before consolidation). **This makes the baseline cheaper per day**: `routing
  compare` plans such a carrier as one service day carrying two days of parcels to all its stations,
  and counts half of that plan's cost per day (so the alliance must beat a cheaper baseline, at a
  better service level: the variant `alliance_every_other_day` compares like with like). Set all to 1
  for a daily baseline.

### Fleet (`vehicles.csv`)
{veh_tab}

- Capacities (kg, m³): DOMAIN.md ranges, which are themselves unsourced assumptions (4.2 m box truck
  1.5–2 t, 16–18 m³; van 0.5–1 t, 3–5 m³; reefer 1–1.5 t). Reefer 8 m³: assumption.
- `capacity_parcels` = {PARCEL_FILL:.0%} of the box volume filled with average parcels ({PARCEL_M3} m³), rounded
  down to 50 (assumption: loss for shelving and sorting by stop).
- `cost_per_km`: van 1.0 = fuel 0.8 CNY/km (DOMAIN.md, trade press) + 0.2 maintenance (assumption),
  equal to the academic 1 CNY/km (J. Zhejiang Univ. 2023); box truck 1.6 (assumption, diesel 4.2 m
  truck); reefer 1.7 = 1.4 × an assumed 1.2 CNY/km dry light truck (DOMAIN.md: reefer 1.3–1.5× dry).
- `cost_per_hour`: driver 180–220 CNY/day (DOMAIN.md range 150–250) over a {SHIFT_H} h shift: 18 (vans), 22 (trucks).
- `fixed_cost` per vehicle-day: assumption, depreciation over 5 years × 300 days + insurance
  (van ≈ 50 k CNY → 60, box truck ≈ 120 k → 110, reefer ≈ 180 k → 150); compare the academic
  100 CNY per dispatch (DOMAIN.md).
- `speed_kph`: assumption within DOMAIN.md (trucks 40–60, vans 30–50 km/h). `max_shift_h` = {SHIFT_H}.
- The `FEED_<township>` rows are light vans at each township
  station, one per 8 villages, at least one (`echelon` feeder, two loops a day, assumption); they are used only when the scenario
  is planned in two echelons (`routing plan scenarios/xia --structure both` compares).
- `POSTVAN` × 4 (owner `post`): China Post's own rural mail vans, one per planned county postal route
  (the plan's 邮路4条). The other types are pooled by the alliance. If a solver lets carrier-owned
  vehicles carry only their owner's parcels, the alliance vehicles alone still cover the demand.
- **Who drives what.** The alliance (every `routing plan`, and the alliance variants of `routing
  compare`) uses every vehicle *not* based at a carrier outlet: the alliance rows, the feeders, and
  China Post's rows at the hub ({s['n_pool']} vehicles in {s['n_pool_types']} types). A carrier alone uses the vehicles it owns
  (`owner`), from its outlet.
- Count: the alliance's dry vehicles alone carry {s['dry_slack']:.0%} of the ambient down parcels; the whole alliance
  pool at the hub {s['all_slack']:.0%} of all down parcels; the reefers {s['fresh_slack_kg']:.0%} of the fresh down kg.

#### Each carrier's own fleet (the baseline)
- Same vehicle kinds and costs as the alliance fleet (4.2 m box trucks and light vans, figures
  above), owner = the carrier, depot = its outlet: `<CARRIER>_BOX42`, `<CARRIER>_VAN`. China Post's
  own fleet is `POSTVAN` × 4 plus `POST_BOX42` and `POST_VAN`, all at the hub (its outlet); because
  they are not at an outlet, **they also join the alliance pool** (China Post brings its vehicles to
  the alliance). The alliance-owned rows are as before.
- Counts: assumption, sized so each carrier serves its own service day alone (down and up, all its
  stations, within the stations' hours and 10 h shifts) with modest spare. About 180 stops a day take
  5–6 vehicles by time alone, whatever the volume; a carrier visiting every other day carries two
  days of parcels on a service day, so it gets more 4.2 m trucks rather than more vans.
- Cold box (`cold_capacity_kg`): **assumption** — the light vans of each carrier carry insulated boxes
  with ice packs (保温箱+冰袋), {OWN_FLEET['zto'][1][2]} kg of fresh goods per van ({OWN_FLEET['post'][1][2]} kg for China Post, which has only
  {OWN_FLEET['post'][1][1]} vans with a box), so each carrier can serve its fresh lines without a refrigerated truck.
  The solver keeps the fresh kg on board within the box.
- Checked by the script (capacity, not routes): parcels capacity ≥ {OWN_FLEET_SLACK} × the down parcels of a service day,
  cold capacity ≥ {COLD_BOX_SLACK} × its fresh kg, and the largest box ≥ the largest fresh visit of a service day:

{own_tab}

  Routes were checked with the solver when these fleets were chosen (each carrier alone from its
  outlet, 10 s): with one day of parcels every carrier served all its stations and left 1–3 vehicles
  unused; as `routing compare` plans it (two days of parcels for YTO, Yunda, STO) all stations were
  served too, YTO using all 8 vehicles because that was cheaper (a trial with 7 also served
  everything). `routing compare scenarios/xia` re-checks this on every run.

### Handling costs (`[costs]` in `scenario.toml`)
| figure | value | source |
|---|---|---|
| sorting at the shared county hub | {HUB_PER_PARCEL:.2f} CNY/parcel | assumption (a shared, more mechanised sorting line; alliance plans) |
| sorting at a carrier's own outlet | {OUTLET_PER_PARCEL:.2f} CNY/parcel | assumption (small outlets sort by hand; each carrier alone) |
| handing over at a township station or village point | {STATION_PER_PARCEL:.2f} CNY/parcel, both ways | assumption: no figure for village-point (村级网点) fees was found in the source plans (`../shared/seeds`: they fund station building but state no per-parcel fee) |

### `routing compare` (`[compare]` in `scenario.toml`)
{COMPARE_TIME_LIMIT_S} s per plan (each carrier alone and each variant), {COALITION_TIME_LIMIT_S} s per coalition plan for the Shapley split
(2⁵ − 1 = 31 coalitions of the five carriers). Budgets: assumption, short enough for an
interactive run; raise them for final figures. Variants, each compared with the carriers alone:
{variant_list}

With `visit_every_days = 2` a service day carries two days of parcels: the alliance pool at the hub
holds {s['pool_2d']:.0%} of two days' down parcels (in parcels), so `alliance_every_other_day` may leave
stations unserved with this fleet; the comparison reports it.

### Demand (`demand.csv`)
Totals: **{s['down_p']:,} down parcels ({s['down_kg']:,.0f} kg, {s['down_m3']:.1f} m³)**, of which
{s['down_fresh_p']} fresh ({s['down_fresh_share']:.1%} of down parcels, {s['down_fresh_kg']:,.0f} kg);
**{s['up_p']:,} up parcels ({s['up_kg']:,.0f} kg, {s['up_m3']:.1f} m³)**, of which {s['up_fresh_kg']:,.0f} kg fresh
({s['up_fresh_share']:.1%} of up kg). Fresh total {s['fresh_kg']:,.0f} kg. {len(demand)} lines.

- Down (工业品下乡): parcels = Poisson(residents × {DOWN_RATE}) per station (assumption: 0.04–0.06 rural parcels
  per resident per day). Residents (assumption): villages log-normal, median {VILLAGE_POP_MEDIAN}
  ({MOUNTAIN_POP_MEDIAN} in the mountain townships 泗交镇 and 祁家河乡), σ {VILLAGE_POP_SIGMA}, clipped to {VILLAGE_POP_CLIP[0]}–{VILLAGE_POP_CLIP[1]};
  社区 {COMMUNITY_POP[0]:,}–{COMMUNITY_POP[1]:,}; township stations serve {TOWN_POP[0]:,}–{TOWN_POP[1]:,} residents and shops of the
  township seat. Implied population served ≈ {s['pop']:,.0f} (夏县 has roughly 30万 residents; assumption, not
  checked against the census). Average parcel 1.2 kg, 0.006 m³ (assumption); each line's kg and m³ vary ±10 %.
- Fresh down (生鲜, groceries): all township stations, the 4 社区 and {FRESH_DOWN_VILLAGES} villages drawn by population;
  Poisson means {FRESH_DOWN_LAMBDA['township']} / {FRESH_DOWN_LAMBDA['community']} / {FRESH_DOWN_LAMBDA['village']} parcels; 2.5 kg, 0.012 m³ per parcel (insulated box). Assumption.
- Up (农产品进城), late-November season (watermelon 夏乐西瓜 is a summer crop: none). Where a place is
  named below, only the fact that the product is grown there is sourced; every volume is an assumption.
  - 柿饼 dried persimmon (ambient, 2.5 kg / 0.008 m³): 祁家河乡 西北庄村 (mean {PERSIMMON_NAMED['西北庄村']}; its 牛心柿/柿饼
    cooperative appears in press photos: photo.sxrb.com/GB/314100/10239067.html and a Xinhua photo set of
    2023-11-17), {PERSIMMON_OTHER[0]} more 祁家河乡 villages (mean {PERSIMMON_OTHER[2]}), 祁家河乡 station (mean {TOWN_UP['140828204'][0][1]}).
  - vegetables 蔬菜 (**fresh**, 5 kg / 0.020 m³, ready {VEG_READY}): 裴介镇 朱吕村 (mean {VEGETABLE_NAMED['朱吕村']}; about 3,000 mu
    of year-round leafy vegetables per a press photo, xwsyw.com/?p=4857), {VEGETABLE_OTHER[0][0]} more 裴介镇 and
    {VEGETABLE_OTHER[1][0]} 南大里乡 villages (mean {VEGETABLE_OTHER[0][2]}; 南大里乡 has a vegetable cooperative, yc.sxkjnews.com
    2023-01-12), 裴介镇 and 南大里乡 stations (mean {TOWN_UP['140828102'][0][1]}).
  - 花椒 Sichuan pepper (dried, ambient, 1 kg / 0.004 m³): {PEPPER_PICK} of the {len(PEPPER_GI)} villages that lie in the 夏县花椒
    geographical-indication area (36 villages of 埝掌镇, 南大里乡, 瑶峰镇, 庙前镇, as listed on
    shop.bytravel.cn/produce5/xiaxianhuajiao.html) and still exist under that name in NBS 2023 (mean {PEPPER_LAMBDA}).
    Dried pepper is harvested Jul–Sep but ships all year.
  - apples 苹果 (ambient, 5 kg / 0.028 m³): {APPLE_PICK} villages drawn in 水头镇, 禹王镇, 尉郭乡, 庙前镇 (mean {APPLE_LAMBDA}).
    **Assumption**: no village-level source for 夏县 apples was found.
  - every township station: returns and local online sellers (mean {TOWN_UP['*'][0][1]}, 1.5 kg); 南大里乡 also the
    live-streaming base named in the plan (南大里乡直播基地, mean {TOWN_UP['140828203'][0][1]}, 2 kg).
  - {s['n_up_villages']} of 175 villages ({s['n_up_villages']/175:.0%}) have up volume today: {s['up_lists']}.
- Ready times: down lines at the hub — China Post {DOWN_READY['post']}, ZTO/YTO/Yunda {DOWN_READY['zto']}, STO {DOWN_READY['sto']}
  (assumption: sorting finished after the overnight line-haul); up lines at the station — villages one of
  {", ".join(UP_READY_CHOICES)} (vegetables {VEG_READY}), township stations {TOWN_UP_READY}. Assumption.
- Sizing rules (checked by the script): for each station and class (ambient / fresh), down + up stays
  within {STATION_CAP_FRACTION:.0%} of the smallest vehicle that may carry it (ambient: {s['cap_amb']}; fresh: the reefer,
  {s['cap_fresh']}), so no station needs to be split; the hub has no demand.

### Township stations
{town_tab}

The farthest township point, 祁家河乡, is {s['max_town_km']:.1f} km great-circle from the hub
(≈ {s['max_town_km'] * DETOUR_FACTOR:.0f} road km with the detour factor).
"""


# =============================================================================
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counties", default=None,
                    help="reference-county data folder (default: data/xia/ if complete, "
                         "else ../shared/data/counties relative to the repo root)")
    ap.add_argument("--out", default=str(REPO / "scenarios" / "xia"), help="output folder")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--refresh-copy", action="store_true",
                    help="copy the four source files from the counties folder into data/xia/ first")
    args = ap.parse_args(argv)

    if args.refresh_copy:
        counties = Path(args.counties or REPO / ".." / "shared" / "data" / "counties").resolve() / "xiaxian"
        for f in SOURCE_FILES:
            shutil.copyfile(counties / f, HERE / f)
        print(f"copied {', '.join(SOURCE_FILES)} from {counties} to {HERE}")
    src = resolve_source(args)
    print(f"reading {src}")
    town, vill, county, boundary = load_source(src)
    assert len(town) == 11 and len(vill) == 175, (len(town), len(vill))

    geo = Geo(boundary)
    cells = build_cells(geo, town)
    vill = place_villages(geo, town, vill, county, cells, np.random.default_rng([args.seed, 1]))
    stations = build_stations(town, vill, county, np.random.default_rng([args.seed, 2]))
    shares = carrier_shares()
    carriers_df = pd.DataFrame([dict(id=c, name=n, name_zh=z, market_share=shares[c], outlet=outlet_of(c),
                                     visit_every_days=VISIT_EVERY_DAYS[c]) for c, n, z in CARRIERS])
    vehicles = vehicle_rows()
    demand, st, st_up, cap = build_demand(stations, vehicles, shares, np.random.default_rng([args.seed, 3]))
    vehicles = with_feeders(vehicles, stations)
    # the baseline (each carrier alone): outlets and own fleets, added after the demand so that
    # the points and the demand above do not change (own random stream k = 4)
    outlets = place_outlets(geo, stations, cells, np.random.default_rng([args.seed, 4]))
    all_stations = pd.concat([stations, outlets.drop(columns="hub_km")], ignore_index=True)
    vehicles = with_own_fleets(vehicles)

    # ---- checks and summary
    dn, up = demand[demand["direction"] == "down"], demand[demand["direction"] == "up"]
    per = demand.groupby(["station", "fresh"])[["parcels", "kg", "m3"]].sum()
    for (sid, fresh), r in per.iterrows():
        c = cap[bool(fresh)]
        assert r.parcels <= c["parcels"] and r.kg <= c["kg"] and r.m3 <= c["m3"], (sid, fresh, r.to_dict(), c)
    # the alliance pool: every vehicle not based at a carrier outlet; feeders only serve in two echelons
    pool = vehicles[~vehicles["depot"].isin(outlets["id"])]
    hub_fleet = pool[pool["echelon"] != "feeder"]
    dry_all = hub_fleet[~hub_fleet["refrigerated"]]
    dry_alliance = dry_all[dry_all["owner"] == "alliance"]
    reef = pool[pool["refrigerated"]]
    amb_down = dn.loc[~dn["fresh"], "parcels"].sum()
    fresh_down_kg = dn.loc[dn["fresh"], "kg"].sum()
    summary = dict(
        n_town=int((stations["tier"] == "township").sum()), n_vill=int((stations["tier"] == "village").sum()),
        n_comm=int((stations["kind"] == "community").sum()),
        n_real=int(((stations["tier"] == "village") & ~stations["generated"]).sum()),
        n_gen=int(stations["generated"].sum()),
        real_names="、".join(f"{n}" for n in stations.loc[(stations["tier"] == "village") & ~stations["generated"], "name"]),
        n_narrow=int(((stations["tier"] == "village")
                      & ((stations["open"] != VILLAGE_OPEN) | (stations["close"] != VILLAGE_CLOSE))).sum()),
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
    summary["down_fresh_share"] = summary["down_fresh_p"] / summary["down_p"]
    summary["up_fresh_share"] = summary["up_fresh_kg"] / summary["up_kg"]
    summary["fresh_kg"] = summary["down_fresh_kg"] + summary["up_fresh_kg"]
    # distances (great circle, km) for the summary
    hub = stations.iloc[0]
    def gc_km(lon1, lat1, lon2, lat2):
        p1, p2 = np.radians(lat1), np.radians(lat2)
        a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
        return 2 * 6371.0088 * np.arcsin(np.sqrt(a))
    tw = stations[stations["tier"] == "township"].set_index("id")
    gen = stations[stations["generated"]]
    d_gen = gc_km(gen["lon"].to_numpy(), gen["lat"].to_numpy(),
                  tw.loc[gen["township"], "lon"].to_numpy(), tw.loc[gen["township"], "lat"].to_numpy())
    summary["gen_med_km"], summary["gen_max_km"] = float(np.median(d_gen)), float(d_gen.max())
    nv = stations[stations["tier"] == "village"].groupby("township").size()
    summary["townships"] = [dict(id=t, name=r["name"], villages=int(nv[t]), km=float(gc_km(hub.lon, hub.lat, r.lon, r.lat)),
                                 up=st_up.get(t, ""), cold=bool(r.cold_storage)) for t, r in tw.iterrows()]
    summary["max_town_km"] = max(t["km"] for t in summary["townships"])
    zh = {"apple": "苹果", "persimmon": "柿饼", "pepper": "花椒", "vegetable": "蔬菜"}
    names = stations.set_index("id")["name"]
    summary["up_lists"] = "; ".join(
        f"{zh[u]} " + "、".join(names[i] for i in sorted(st_up) if len(i) == 12 and st_up[i] == u)
        for u in ("persimmon", "vegetable", "pepper", "apple"))
    assert summary["dry_slack"] >= 1.25, summary["dry_slack"]
    assert summary["fresh_slack_kg"] >= 1.3
    summary["own"] = own_fleet_checks(demand, vehicles, stations)
    summary["outlets"] = outlets
    summary["n_pool"] = int(pool["count"].sum())
    summary["n_pool_types"] = len(pool)
    summary["pool_2d"] = float((hub_fleet["count"] * hub_fleet["capacity_parcels"]).sum() / (2 * dn["parcels"].sum()))

    write_outputs(Path(args.out), all_stations, carriers_df, vehicles, demand, src, args.seed, summary)
    print(f"wrote {args.out}: {len(all_stations)} stations, {len(demand)} demand lines")
    print(f"  down {summary['down_p']} parcels {summary['down_kg']:.0f} kg (fresh {summary['down_fresh_p']} p, "
          f"{summary['down_fresh_kg']:.0f} kg); up {summary['up_p']} parcels {summary['up_kg']:.0f} kg "
          f"(fresh {summary['up_fresh_kg']:.0f} kg = {summary['up_fresh_share']:.1%}); "
          f"villages with up {summary['n_up_villages']}")
    print("  fleet: " + ", ".join(f"{v.id}×{v.count}" for v in vehicles.itertuples()) +
          f"; dry alliance capacity / ambient down = {summary['dry_slack']:.2f}")
    for o in summary["own"]:
        print(f"  {o['carrier']} (every {o['every']} d): own capacity / down parcels of a service day = {o['slack']:.2f}, cold kg / fresh down kg = "
              f"{o['cold_slack']:.2f}, largest fresh visit {o['max_fresh_visit']:.1f} kg (box {o['max_box']:.0f} kg)")
    for o in outlets.itertuples():
        print(f"  {o.id} {o.name}: {o.hub_km} km from the hub")
    return 0


if __name__ == "__main__":
    sys.exit(main())
