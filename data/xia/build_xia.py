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

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import common  # noqa: E402  (data/common.py: the steps shared by the county generators)

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
# Shared with the other counties (data/common_params.py): EDGE_BUFFER_M (points >= 150 m inside
# their cell), MIN_SPACING_M (500 m between villages; real points exempt among themselves),
# MIN_TO_STATION_M, R_MEDIAN_FACTOR / _MIN_M / _MAX_M (median distance to the seat: 0.5 x the
# cell's equivalent radius, 1.5-6 km), R_SIGMA, SEAT_R_M (seat village 0.3-0.8 km).
from common_params import (  # noqa: E402
    EDGE_BUFFER_M,
    MIN_SPACING_M,
    MIN_TO_STATION_M,
    R_MEDIAN_FACTOR,
    R_MEDIAN_MAX_M,
    R_MEDIAN_MIN_M,
    R_SIGMA,
    SEAT_R_M,
)

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
# The plan's 4 county postal routes (邮路4条) over the 11 townships: in two echelons they carry
# every township's ambient parcels, its villages' included (about 10,700 parcels, 12.8 t, 64 m3
# a day here), 2,700 parcels a route, more than a 4.2 m truck's 1,200. Assumption: the routes
# run 6.8 m box trucks (6.8米厢式货车: 40 m3 box, 6 t payload, medium truck), pooled by the
# alliance; fixed cost from ~250 k CNY over 5 years x 300 days + insurance, 2.6 CNY/km (diesel
# ~22 L/100 km + wear), 25 CNY/h driver. Trunk only: they call at township stations.
TRUNK_VEHICLES = [
    ("POSTTRUNK", "county postal trunk truck (6.8 m)", "县乡邮路干线车（6.8米厢式货车）", 4, 6000, 40.0, 200,
     2.6, 25, 50, False, "alliance"),
]
MAX_TRUNK_ROUTES = 4         # 夏县 plan: 县内规划开设覆盖全县11个乡（镇）的物流快递配送邮路4条
MIN_VILLAGE_COVERAGE = 0.5   # 夏县 plan: 村级电商物流快递服务点服务覆盖率达到50%以上行政村

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
# Township stations: produce and parcels handed in there (returns, local sellers) the day before,
# ready when the station opens (assumption). It was 09:00: every trunk calling in the morning then
# waited until 09:00 to collect them, and in two echelons the feeders left too late for villages
# that close at noon.
TOWN_UP_READY = "07:00"



# --- what the shared steps (data/common.py) need besides the figures above -------------
NAME, NAME_ZH, SOURCE_DIR = "xia", "夏县", "xiaxian"
TITLE = "夏县县乡村三级物流共同配送（默认场景）"
EXPECT = (11, 175)          # townships and village-level units in the source
DRY_SLACK_MIN = 1.25        # checked: dry alliance parcels capacity >= 1.25 x ambient down parcels
HUB_TRIPS: dict[str, int] = {}  # hub vehicles run one loop (a second loop did not pay in tests)
DIRECTION_TOWN = "140828100"    # 瑶峰镇, the county town
DIRECTIONS = {"城东社区": (0, COMMUNITY_R_M), "城北社区": (90, COMMUNITY_R_M),
              "城西社区": (180, COMMUNITY_R_M), "城南社区": (270, COMMUNITY_R_M),
              "南关村": (270, GATE_R_M), "西关村": (180, GATE_R_M)}
UNIT_READY = {"vegetable": VEG_READY}
UP_RULES = [
    ("named", "persimmon", PERSIMMON_NAMED, "140828204"),
    ("pick", "persimmon", PERSIMMON_OTHER[0], PERSIMMON_OTHER[2], (PERSIMMON_OTHER[1],)),
    ("named", "vegetable", VEGETABLE_NAMED, "140828102"),
    *[("pick", "vegetable", k, lam, (t,)) for k, t, lam in VEGETABLE_OTHER],
    ("pick_names", "pepper", PEPPER_PICK, PEPPER_LAMBDA, PEPPER_GI),
    ("pick", "apple", APPLE_PICK, APPLE_LAMBDA, APPLE_TOWNSHIPS),
]
TOML_NOTES = {
    "header": "# 夏县 (Xia County, Yuncheng, Shanxi) default scenario. Generated by data/xia/build_xia.py.",
    "date": "plan day (late November: apples, 柿饼, vegetables)",
    "detour": 'assumption: hilly county ("七山二川一丘陵")',
    "on_time": "夏县 plan 夏政函〔2021〕37号: 争取从县到村配送时间不超过3天",
    "fresh": "Tang 2020 plan: 生鲜24小时送达 (Xia gives no fresh target)",
    "cost": "Tang 2020 / Hebei 2020 evaluation: 降幅不低于20% (Xia gives none)",
    "trunk_routes": "夏县 plan: 覆盖全县11个乡（镇）的物流快递配送邮路4条 (two-echelon plans)",
    "village_coverage": "夏县 plan: 村级电商物流快递服务点服务覆盖率达到50%以上行政村",
}

def readme(stations, carriers_df, vehicles, demand, seed, s) -> str:
    tabs = common.readme_tables(stations, carriers_df, vehicles, s, sys.modules[__name__])
    veh_tab, car_tab, own_tab, outlet_tab = tabs["veh"], tabs["car"], tabs["own"], tabs["outlet"]
    variant_list, town_tab = tabs["variants"], tabs["town"]
    own = {o["carrier"]: o for o in s["own"]}
    zh = {"apple": "苹果", "persimmon": "柿饼", "pepper": "花椒", "vegetable": "蔬菜"}
    names = stations.set_index("id")["name"]
    st_up = s["st_up"]
    s["up_lists"] = "; ".join(
        f"{zh[u]} " + "、".join(names[i] for i in sorted(st_up) if len(i) == 12 and st_up[i] == u)
        for u in ("persimmon", "vegetable", "pepper", "apple"))
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
| trunk routes | at most {MAX_TRUNK_ROUTES}, over all 11 township stations (`max_trunk_routes`; two-echelon plans) | 夏县 plan: 县内规划开设覆盖全县11个乡（镇）的物流快递配送邮路4条 |
| village coverage | village points in ≥ {MIN_VILLAGE_COVERAGE:.0%} of the villages (`min_village_coverage`; here 175 of 175) | 夏县 plan: 村级电商物流快递服务点服务覆盖率达到50%以上行政村 |

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
  station, one per 8 villages, at least one, and enough that two loops, each at most {common.FEEDER_FILL:.0%} full, carry
  the villages' ambient down parcels (`echelon` feeder, two loops a day, assumption); they are used only when the scenario
  is planned in two echelons (`routing plan scenarios/xia --structure both` compares).
- `POSTTRUNK` × {MAX_TRUNK_ROUTES}: the plan's {MAX_TRUNK_ROUTES} county postal routes (邮路) run by 6.8 m box trucks (assumption:
  40 m³, 6 t, 200 CNY/day, 2.6 CNY/km, 25 CNY/h; `echelon` trunk, one route a day). In two echelons the
  {MAX_TRUNK_ROUTES} routes carry every township station's ambient parcels, its villages' included — about 10,700
  parcels, 12.8 t, 64 m³ a day, 2,700 parcels a route, more than a 4.2 m truck holds (1,200) — so with
  `max_trunk_routes = {MAX_TRUNK_ROUTES}` the planner gives those parcels to these {MAX_TRUNK_ROUTES} trucks and plans the fresh goods
  (reefers, unbroken cold chain) apart. They join the alliance pool for direct plans too.
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
  {", ".join(UP_READY_CHOICES)} (vegetables {VEG_READY}), township stations {TOWN_UP_READY}. (handed in the day before, ready when the station opens; at 09:00 morning trunks
  waited for them and two-echelon feeders left too late for villages closing at noon). Assumption.
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
    return common.main(sys.modules[__name__], readme, argv)


if __name__ == "__main__":
    sys.exit(main())
