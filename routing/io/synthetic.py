"""Generated counties of any size, written as ordinary scenario folders.

For scaling measurements (benchmarks/bench_county_scale.py) a county must grow from 100 to
5,000 village points while keeping what makes a real county hard: simultaneous pickups (farm
produce up), a fresh share that needs cold vehicles, a mixed fleet with different speeds and
costs, station time windows, several carriers. The four reference counties
(scenarios/xia, …) are the calibration: about 7 km² per village point, 20–25 parcels a day
per village, a third of villages sending produce up, 5-minute stops; the figures below are
assumptions in that spirit, not data of any real county.

The folder is read back by :func:`routing.io.read_scenario` like any other, so a generated
county also runs with ``routing plan`` and ``routing compare``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

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
LON0, LAT0 = 112.0, 35.0  #: the county seat; coordinates only place the points


def _lonlat(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = LAT0 + y_km / 111.2
    lon = LON0 + x_km / (111.2 * math.cos(math.radians(LAT0)))
    return lon, lat


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
    """
    if villages < 1:
        raise ValueError(f"villages must be >= 1; got {villages}")
    rng = np.random.default_rng(seed + 1_000_003)
    lay = county_layout(villages, seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    towns = len(lay["tx"])
    tlon, tlat = _lonlat(lay["tx"], lay["ty"])
    vlon, vlat = _lonlat(lay["vx"], lay["vy"])
    stations = ["id,name,tier,lon,lat,township,open,close,generated",
                f"HUB,县物流中心,hub,{LON0:.6f},{LAT0:.6f},,05:00,22:00,true"]
    for c, (cid, zh, _, _) in enumerate(CARRIERS):
        stations.append(f"OUT_{cid},{zh}网点,outlet,{LON0 + 0.004 * (c + 1):.6f},"
                        f"{LAT0 - 0.003:.6f},,06:00,21:00,true")
    for t in range(towns):
        stations.append(f"T{t:03d},第{t + 1}镇服务站,township,{tlon[t]:.6f},{tlat[t]:.6f},,,,true")
    demand = ["id,station,carrier,direction,parcels,kg,m3,fresh,ready"]
    shares = np.array([c[2] for c in CARRIERS])
    total_kg = fresh_kg = 0.0
    k = 0

    def line(sid: str, cid: str, direction: str, parcels: int, kg: float, fresh: bool,
             ready: str) -> None:
        nonlocal k, total_kg, fresh_kg
        k += 1
        demand.append(f"L{k:06d},{sid},{cid},{direction},{parcels},{kg:.1f},"
                      f"{parcels * M3_PER_PARCEL:.3f},{str(fresh).lower()},{ready}")
        total_kg += kg
        fresh_kg += kg if fresh else 0.0

    for t in range(towns):  # the township station's own parcels
        for c, n in enumerate(rng.poisson(3 * PARCELS_PER_VILLAGE * shares)):
            if n:
                line(f"T{t:03d}", CARRIERS[c][0], "down", int(n), KG_PER_PARCEL * n, False,
                     "06:00")
    for v in range(villages):
        sid = f"V{v:05d}"
        window = ""
        if rng.random() < SHARE_WINDOW:
            window = "08:00,12:00" if rng.random() < 0.5 else "13:00,18:00"
        stations.append(f"{sid},{v + 1}村服务点,village,{vlon[v]:.6f},{vlat[v]:.6f},"
                        f"T{lay['owner'][v]:03d},{window or ','},true")
        for c, n in enumerate(rng.poisson(PARCELS_PER_VILLAGE * shares)):
            if n:
                kg = KG_PER_PARCEL * n * rng.uniform(0.7, 1.4)
                line(sid, CARRIERS[c][0], "down", int(n), kg, False, "06:30")
        if rng.random() < SHARE_FRESH_DOWN:
            c = int(rng.integers(0, 2))  # post or zto bring fresh goods down
            line(sid, CARRIERS[c][0], "down", int(rng.integers(1, 5)),
                 float(rng.uniform(8, 30)), True, "06:00")
        if rng.random() < SHARE_PICKUP:
            c = int(rng.choice(len(CARRIERS), p=shares))
            fresh = bool(rng.random() < SHARE_FRESH_UP)
            kg = float(rng.uniform(20, 120))
            line(sid, CARRIERS[c][0], "up", max(1, round(kg / 10)), kg, fresh,
                 "09:00" if fresh else "10:00")
    # Fleet from the demand: kg with a third to spare, and driving hours — the county's
    # radius out and back per vehicle, 10 h shifts, 5 min + 4 s/parcel per stop.
    radius = float(lay["radius"])
    stops_per_vehicle = max(6.0, (10 * 60 - 2 * radius / 45 * 60) / 16)
    need = max(total_kg / 1200, (villages + towns) / stops_per_vehicle) * 4 / 3
    box = max(1, math.ceil(need * 0.4))
    van = max(2, math.ceil(need * 0.6))
    reefer = max(1, math.ceil(fresh_kg / 1200 * 4 / 3))
    vehicles = [
        "id,name,count,capacity_kg,capacity_m3,capacity_parcels,fixed_cost,cost_per_km,"
        "cost_per_hour,speed_kph,max_shift_h,refrigerated,depot,owner,cold_capacity_kg",
        f"BOX42,4.2 m box truck,{box},1800,16,1200,110,1.6,22,50,10,false,HUB,alliance,",
        f"VAN,light van,{van},800,4.5,300,60,1.0,18,45,10,false,HUB,alliance,100",
        f"REEFER,refrigerated light truck,{reefer},1200,8,600,150,1.7,22,45,10,true,HUB,"
        "alliance,",
    ]
    for cid, _, share, _ in CARRIERS:  # each carrier's own vans, for `routing compare`
        own = max(2, math.ceil(need * share * 1.2))
        vehicles.append(f"VAN_{cid},{cid} van,{own},800,4.5,300,60,1.0,18,45,10,false,"
                        f"OUT_{cid},{cid},100")
    carriers = ["id,name,name_zh,market_share,outlet,visit_every_days"]
    carriers += [f"{cid},{cid},{zh},{share},OUT_{cid},1" for cid, zh, share, _ in CARRIERS]
    for fname, rows in (("stations.csv", stations), ("demand.csv", demand),
                        ("vehicles.csv", vehicles), ("carriers.csv", carriers)):
        (folder / fname).write_text("\n".join(rows) + "\n", encoding="utf-8")
    head = f"# Generated county: {villages} village points, seed {seed}"
    (folder / "scenario.toml").write_text(f'''{head}
# (routing.io.synthetic.write_county; every figure an assumption, see its docstring).
[scenario]
name = "{name or f'generated{villages}'}"
title = "generated county, {villages} villages"
date = "2026-11-25"

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
time_limit_s = {time_limit_s:g}
seed = 1

[compare]
time_limit_s = 10

[[compare.variants]]
name = "alliance"
''', encoding="utf-8")
    return folder
