"""Assumptions shared by the Fengqiu, Yanshi and Tang generators (``from common_params import *``).

These are the figures of the Xia default scenario (``data/xia/build_xia.py``, where each one is
argued and sourced) that nothing county-specific changes: vehicle kinds and costs, service
times, handling costs, parcel units, carrier shares. Each county module overrides what differs.
Every number is either sourced (DOMAIN.md row named) or marked "assumption".
"""
from __future__ import annotations

# --- network / service (scenario.toml) -----------------------------------------------
NETWORK_SPEED_KPH = 40  # assumption: DOMAIN.md trucks 40-60 km/h on county roads, village roads 25-40
STOP_MIN = 5            # assumption
PER_PARCEL_S = 4        # assumption
DEFAULT_OPEN, DEFAULT_CLOSE = "07:00", "19:00"   # assumption (township stations use these)
FRESH_H = 24            # Tang 2020 plan: 生鲜24小时送达
COST_REDUCTION = 0.20   # Tang 2020 / Hebei 2020 evaluation: 降幅不低于20%
TIME_LIMIT_S = 30
SOLVE_SEED = 1

# --- stations --------------------------------------------------------------------------
HUB_OPEN, HUB_CLOSE = "05:00", "22:00"            # assumption
TOWNSHIP_SERVICE_MIN = 10                          # assumption: counter hand-over, more parcels
COMMUNITY_SERVICE_MIN = 3                          # assumption: 社区 points in a town
VILLAGE_OPEN, VILLAGE_CLOSE = "08:00", "18:00"     # assumption
NARROW_SHARE = 0.10                                # assumption: share of 村 with a narrow window
NARROW_WINDOWS = (("08:00", "12:00"), ("14:00", "18:00"))

# --- generated points (as Xia) ------------------------------------------------------------
EDGE_BUFFER_M = 150        # generated points stay >= 150 m inside their township's cell
MIN_SPACING_M = 500        # between any two villages
MIN_TO_STATION_M = 300     # between a generated village and any township point or the hub
R_MEDIAN_FACTOR = 0.5      # median distance to the seat = 0.5 x equivalent radius of the cell,
R_MEDIAN_MIN_M = 1500      #   clipped to 1.5 .. 6 km
R_MEDIAN_MAX_M = 6000
R_SIGMA = 0.5              # log-normal spread of the distance
SEAT_R_M = (300, 800)      # the village named like its township (seat village): 0.3-0.8 km
DIRECTION_SPREAD_DEG = 25
MAX_TRIES = 20000
MISSING_TOWN_INSET_M = 2000  # a generated township point stays >= 2 km inside the outline
MISSING_TOWN_GRID_M = 250    # grid step of the largest-gap search

# --- carriers ------------------------------------------------------------------------------
# Approximate national 2023 parcel volumes in billions (companies' 2023 annual results; State
# Post Bureau 2023 total about 132 bn). J&T China: about 15.3 bn (J&T Global 2023 results).
NATIONAL_2023_BN = {"zto": 30.2, "yto": 21.2, "yunda": 18.7, "jt": 15.3}
POST_RURAL_SHARE = 0.25   # assumption: China Post/EMS is the backbone of rural delivery
CARRIERS = [
    ("post", "China Post / EMS", "中国邮政（含EMS）"),
    ("zto", "ZTO Express", "中通快递"),
    ("yto", "YTO Express", "圆通速递"),
    ("yunda", "Yunda Express", "韵达快递"),
    ("jt", "J&T Express", "极兔速递"),
]
OWN_FLEET_NAME_ZH = {"post": "中国邮政", "zto": "中通", "yto": "圆通", "yunda": "韵达", "jt": "极兔"}
SHARE_CONCENTRATION = 50  # Dirichlet concentration for per-station carrier mix (assumption)
DOWN_READY = {"post": "06:00", "zto": "06:30", "yto": "06:30", "yunda": "06:30", "jt": "07:00"}  # assumption
POST_OUTLET = "HUB"        # assumption: the county hub is China Post's own facility
OUTLET_R_M = (1000, 4000)  # assumption: outlets lie in the county town, 1-4 km from the hub
OUTLET_SPACING_M = 500
# assumption (as Xia): China Post and the largest private carrier daily, the others every other day
VISIT_EVERY_DAYS = {"post": 1, "zto": 1, "yto": 2, "yunda": 2, "jt": 2}

# --- fleet (DOMAIN.md ranges; costs as Xia, see scenarios/xia/README.md) ----------------------
PARCEL_M3 = 0.006          # average down parcel volume (assumption)
PARCEL_FILL = 0.45         # capacity_parcels = 45% of box volume / 0.006 m3, rounded down to 50
SHIFT_H = 10
BOX42 = ("BOX42", "4.2 m box truck", "4.2米厢式货车")
VAN = ("VAN", "light van", "微型厢式货车（面包车）")
REEFER = ("REEFER", "refrigerated light truck", "轻型冷藏车")
POSTVAN = ("POSTVAN", "China Post rural mail van", "邮政农村邮路车")
# kg, m3, fixed CNY/day, CNY/km, CNY/h, kph, refrigerated
KIND = {"BOX42": (1800, 16.0, 110, 1.6, 22, 50, False), "VAN": (800, 4.5, 60, 1.0, 18, 45, False),
        "REEFER": (1200, 8.0, 150, 1.7, 22, 45, True), "POSTVAN": (800, 4.5, 60, 1.0, 18, 45, False)}


def fleet(counts: dict[str, int]) -> list[tuple]:
    """Vehicle rows (as common.vehicle_rows expects) from {kind: count}; POSTVAN is China Post's."""
    names = {k[0]: k for k in (BOX42, VAN, REEFER, POSTVAN)}
    return [(*names[k], n, *KIND[k], "post" if k == "POSTVAN" else "alliance") for k, n in counts.items()]


STATION_CAP_FRACTION = 0.9  # a station's down+up per class stays <= 90% of the smallest vehicle
OWN_FLEET_SLACK = 1.2       # checked: own capacity >= 1.2 x the carrier's down parcels of a service day
COLD_BOX_SLACK = 1.3        # checked: own cold capacity >= 1.3 x its fresh kg of a service day
DRY_SLACK_MIN = 1.25        # checked: dry alliance parcels capacity >= 1.25 x ambient down parcels
HUB_TRIPS: dict[str, int] = {}

# --- costs per parcel handled ([costs]; all assumptions, as Xia) ------------------------------
HUB_PER_PARCEL = 0.30
OUTLET_PER_PARCEL = 0.40
STATION_PER_PARCEL = 0.50

# --- routing compare ---------------------------------------------------------------------------
COMPARE_TIME_LIMIT_S = 10
COALITION_TIME_LIMIT_S = 3

# --- demand (as Xia) ---------------------------------------------------------------------------
DOWN_RATE = 0.04           # parcels per resident per day (assumption, low end of 0.04-0.06)
VILLAGE_POP_SIGMA = 0.45
VILLAGE_POP_CLIP = (250, 4000)
COMMUNITY_POP = (3000, 5000)   # assumption: 社区 in a town
TOWN_POP = (2500, 4500)        # assumption: residents and shops served at each township station
MOUNTAIN_TOWNSHIPS: tuple[str, ...] = ()
FRESH_DOWN_LAMBDA = {"township": 15, "community": 12, "village": 6}
UNITS = {  # unit parcel: kg, m3, fresh (assumptions; 5 kg = the common 10-jin produce box)
    "down": (1.2, 0.006, False),
    "down_fresh": (2.5, 0.012, True),     # fresh groceries with ice pack / foam box
    "town_mixed": (1.5, 0.008, False),    # township: returns and local online sellers
}
NOISE_SIGMA = 0.10
TOWN_UP = {"*": [("town_mixed", 15)]}
UP_READY_CHOICES = ("08:30", "09:00", "09:30", "10:00")   # assumption
# Township stations: produce and parcels handed in there (returns, local sellers) the day before,
# ready when the station opens (assumption). It was 09:00: every trunk calling in the morning then
# waited until 09:00 to collect them, and in two echelons the feeders left too late for villages
# that close at noon.
TOWN_UP_READY = "07:00"
