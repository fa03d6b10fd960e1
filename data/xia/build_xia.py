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

[solve]
time_limit_s = {TIME_LIMIT_S}
seed = {SOLVE_SEED}
'''


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
    write_csv(out / "carriers.csv", ["id", "name", "name_zh", "market_share"],
              [[c.id, c.name, c.name_zh, f"{c.market_share:.3f}"] for c in carriers_df.itertuples()])
    cols = ["id", "name", "name_zh", "count", "capacity_kg", "capacity_m3", "capacity_parcels", "fixed_cost",
            "cost_per_km", "cost_per_hour", "speed_kph", "max_shift_h", "refrigerated", "depot", "owner",
            "echelon", "max_trips"]
    write_csv(out / "vehicles.csv", cols, [[fmt_num(getattr(v, c)) for c in cols] for v in vehicles.itertuples()])
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
        ["id", "type", "count", "kg", "m³", "parcels", "fixed CNY/day", "CNY/km", "CNY/h", "km/h", "reefer", "owner"],
        [[v.id, f"{v.name} {v.name_zh}", v.count, v.capacity_kg, v.capacity_m3, v.capacity_parcels, v.fixed_cost,
          v.cost_per_km, v.cost_per_hour, v.speed_kph, fmt_bool(v.refrigerated), v.owner]
         for v in vehicles.itertuples()])
    car_tab = md_table(["id", "carrier", "share"],
                       [[c.id, f"{c.name} {c.name_zh}", f"{c.market_share:.3f}"] for c in carriers_df.itertuples()])
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
| `scenario.toml` | – | plan day, network (great circle × {DETOUR_FACTOR}, {NETWORK_SPEED_KPH} km/h), service times, targets, solver budget |
| `stations.csv` | {len(stations)} | 1 hub, {s['n_town']} township stations, {s['n_vill']} village points ({s['n_comm']} of them 社区 in the county town) |
| `carriers.csv` | {len(carriers_df)} | the five alliance carriers and their market shares |
| `vehicles.csv` | {len(vehicles)} | vehicle types (count, capacities, costs): the hub fleet, and one feeder van at each township station for two-echelon planning |
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
  2 opening hours, 3 demand), so changing the demand does not move the points.
- Median generated distance to the own township point: {s['gen_med_km']:.1f} km (max {s['gen_max_km']:.1f} km).

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
- Count: the alliance's dry vehicles alone carry {s['dry_slack']:.0%} of the ambient down parcels; all vehicles
  together {s['all_slack']:.0%} of all down parcels; the reefers {s['fresh_slack_kg']:.0%} of the fresh down kg.

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
    carriers_df = pd.DataFrame([dict(id=c, name=n, name_zh=z, market_share=shares[c]) for c, n, z in CARRIERS])
    vehicles = vehicle_rows()
    demand, st, st_up, cap = build_demand(stations, vehicles, shares, np.random.default_rng([args.seed, 3]))
    vehicles = with_feeders(vehicles, stations)

    # ---- checks and summary
    dn, up = demand[demand["direction"] == "down"], demand[demand["direction"] == "up"]
    per = demand.groupby(["station", "fresh"])[["parcels", "kg", "m3"]].sum()
    for (sid, fresh), r in per.iterrows():
        c = cap[bool(fresh)]
        assert r.parcels <= c["parcels"] and r.kg <= c["kg"] and r.m3 <= c["m3"], (sid, fresh, r.to_dict(), c)
    hub_fleet = vehicles[vehicles["echelon"] != "feeder"]  # feeders only serve in two echelons
    dry_all = hub_fleet[~hub_fleet["refrigerated"]]
    dry_alliance = dry_all[dry_all["owner"] == "alliance"]
    reef = vehicles[vehicles["refrigerated"]]
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

    write_outputs(Path(args.out), stations, carriers_df, vehicles, demand, src, args.seed, summary)
    print(f"wrote {args.out}: {len(stations)} stations, {len(demand)} demand lines")
    print(f"  down {summary['down_p']} parcels {summary['down_kg']:.0f} kg (fresh {summary['down_fresh_p']} p, "
          f"{summary['down_fresh_kg']:.0f} kg); up {summary['up_p']} parcels {summary['up_kg']:.0f} kg "
          f"(fresh {summary['up_fresh_kg']:.0f} kg = {summary['up_fresh_share']:.1%}); "
          f"villages with up {summary['n_up_villages']}")
    print("  fleet: " + ", ".join(f"{v.id}×{v.count}" for v in vehicles.itertuples()) +
          f"; dry alliance capacity / ambient down = {summary['dry_slack']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
