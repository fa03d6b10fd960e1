"""Stations, carriers, vehicle types, demand lines and targets.

Units are in the field names: ``_s`` seconds (times of day are seconds after 00:00 of the plan
day), ``_kg``, ``_m3``, ``_kph``, ``_h``; money is CNY. Coordinates are WGS84 lon/lat
(EPSG:4326): loaders convert GCJ-02/BD-09 before building these objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from ..constants import ALLIANCE, CHINA_LAT_RANGE, CHINA_LON_RANGE, DAY_S
from ..exceptions import FieldError

#: Which legs a vehicle type may run: any, hub → township trunks, or township → village feeders.
ECHELONS = ("any", "trunk", "feeder")


class Tier(StrEnum):
    """Tier of a station in the county–township–village network (县—乡—村)."""

    HUB = "hub"
    TOWNSHIP = "township"
    VILLAGE = "village"
    OUTLET = "outlet"  # one carrier's own depot (快递网点), used when it drives alone


class Direction(StrEnum):
    """Down: consumer goods hub → village (工业品下乡). Up: produce village → hub (农产品进城)."""

    DOWN = "down"
    UP = "up"


def _need(ok: bool, entity: str, ident: str, field: str, expected: str, value: object) -> None:
    if not ok:
        raise FieldError(entity, ident, field, expected, value)


def is_number(value: object) -> bool:
    """A finite int or float; bool is not a number here (True would silently count as 1)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_whole(value: object) -> bool:
    """An int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def _finite_ge0(entity: str, ident: str, field: str, value: float) -> None:
    _need(is_number(value) and value >= 0, entity, ident, field, "must be a finite number >= 0",
          value)


def _positive(entity: str, ident: str, field: str, value: float) -> None:
    _need(is_number(value) and value > 0, entity, ident, field, "must be a finite number > 0",
          value)


def _id_like(entity: str, ident: str, field: str, value: object) -> None:
    """Check an id (own or referenced) and name it by ``field`` of the object ``ident``."""
    ok = isinstance(value, str) and value.strip() == value and value != ""
    _need(ok, entity, ident, field, "must be a non-empty string without surrounding spaces",
          value)


def _ident(entity: str, ident: str) -> None:
    _id_like(entity, str(ident), "id", ident)


def _text(entity: str, ident: str, field: str, value: object) -> None:
    _need(isinstance(value, str) and value.strip() != "", entity, ident, field,
          "must be a non-empty string", value)


def _time_of_day(entity: str, ident: str, field: str, value: int) -> None:
    _need(is_whole(value) and 0 <= value <= DAY_S, entity, ident, field,
          f"must be whole seconds in 0..{DAY_S} (00:00..24:00)", value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Station:
    """A place vehicles stop at: the county hub, a township station or a village point.

    ``township_id`` names the township station a village point belongs to; ``open_s`` and
    ``close_s`` bound the start of service there; ``service_s`` is the fixed time per stop.
    """

    id: str
    name: str
    tier: Tier
    lon: float
    lat: float
    township_id: str | None = None
    service_s: int = 300
    open_s: int = 0
    close_s: int = DAY_S
    cold_storage: bool = False
    generated: bool = False
    code: str | None = None
    #: Serve every k days in the alliance's plans, whatever the variant says (None: the
    #: variant decides). Carriers driving alone keep their own frequency.
    visit_every_days: int | None = None

    def __post_init__(self) -> None:
        e = "Station"
        _ident(e, self.id)
        _text(e, self.id, "name", self.name)
        _need(isinstance(self.tier, Tier), e, self.id, "tier",
              f"must be one of {{{', '.join(t.value for t in Tier)}}}", self.tier)
        lo, hi = CHINA_LON_RANGE
        _need(is_number(self.lon) and lo <= self.lon <= hi, e, self.id, "lon",
              f"must be a longitude inside China ({lo}..{hi}, WGS84 degrees)", self.lon)
        lo, hi = CHINA_LAT_RANGE
        _need(is_number(self.lat) and lo <= self.lat <= hi, e, self.id, "lat",
              f"must be a latitude inside China ({lo}..{hi}, WGS84 degrees)", self.lat)
        if self.tier is Tier.VILLAGE:
            _need(bool(self.township_id), e, self.id, "township",
                  "must name the township station of a village point", self.township_id)
        _time_of_day(e, self.id, "open_s", self.open_s)
        _time_of_day(e, self.id, "close_s", self.close_s)
        _need(self.open_s <= self.close_s, e, self.id, "open_s",
              f"must be <= close_s ({self.close_s})", self.open_s)
        _need(is_whole(self.service_s) and 0 <= self.service_s <= 4 * 3600, e, self.id,
              "service_s", "must be whole seconds in 0..14400", self.service_s)
        _need(self.visit_every_days is None or (is_whole(self.visit_every_days)
                                                and 1 <= self.visit_every_days <= 7),
              e, self.id, "visit_every_days", "must be a whole number of days in 1..7",
              self.visit_every_days)


@dataclass(frozen=True, slots=True, kw_only=True)
class Carrier:
    """An express carrier in the alliance (邮政, 中通, 圆通, 申通, 韵达, 极兔, …)."""

    id: str
    name: str
    name_zh: str = ""
    market_share: float | None = None
    outlet_id: str | None = None  # its own depot when driving alone (the baseline)
    visit_every_days: int = 1  # how often it serves a station when driving alone

    def __post_init__(self) -> None:
        _ident("Carrier", self.id)
        if self.outlet_id is not None:
            _id_like("Carrier", self.id, "outlet_id", self.outlet_id)
        _need(is_whole(self.visit_every_days) and 1 <= self.visit_every_days <= 7, "Carrier",
              self.id, "visit_every_days", "must be a whole number of days in 1..7",
              self.visit_every_days)
        _need(self.id != ALLIANCE, "Carrier", self.id, "id",
              f"must not be '{ALLIANCE}' (reserved for the shared fleet)", self.id)
        _text("Carrier", self.id, "name", self.name)
        if self.market_share is not None:
            ok = is_number(self.market_share) and 0 <= self.market_share <= 1
            _need(ok, "Carrier", self.id, "market_share", "must be a fraction in 0..1",
                  self.market_share)


@dataclass(frozen=True, slots=True, kw_only=True)
class VehicleType:
    """A kind of vehicle and how many of it there are; costs in CNY, capacity per dimension."""

    id: str
    name: str
    count: int
    capacity_kg: float
    capacity_m3: float
    capacity_parcels: int
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    speed_kph: float
    max_shift_s: int
    depot_id: str
    refrigerated: bool = False
    owner: str = ALLIANCE
    name_zh: str = ""
    max_trips: int = 1
    cold_capacity_kg: float = 0.0
    echelon: str = "any"

    @property
    def fresh_capacity_kg(self) -> float:
        """kg of fresh goods it may carry: all of it if refrigerated, else its cold box."""
        return self.capacity_kg if self.refrigerated else self.cold_capacity_kg

    def __post_init__(self) -> None:
        e = "VehicleType"
        _ident(e, self.id)
        _text(e, self.id, "name", self.name)
        _need(is_whole(self.count) and self.count >= 0, e, self.id, "count",
              "must be a whole number >= 0", self.count)
        _positive(e, self.id, "capacity_kg", self.capacity_kg)
        _positive(e, self.id, "capacity_m3", self.capacity_m3)
        _need(is_whole(self.capacity_parcels) and self.capacity_parcels > 0, e, self.id,
              "capacity_parcels", "must be a whole number > 0", self.capacity_parcels)
        for f in ("fixed_cost", "cost_per_km", "cost_per_hour"):
            _finite_ge0(e, self.id, f, getattr(self, f))
        _positive(e, self.id, "speed_kph", self.speed_kph)
        _need(self.speed_kph <= 130, e, self.id, "speed_kph", "must be <= 130 km/h",
              self.speed_kph)
        _need(is_whole(self.max_shift_s) and 0 < self.max_shift_s <= DAY_S, e, self.id,
              "max_shift_s", f"must be whole seconds in 1..{DAY_S} (at most 24 h)",
              self.max_shift_s)
        _id_like(e, self.id, "depot_id", self.depot_id)
        _need(isinstance(self.owner, str) and self.owner != "", e, self.id, "owner",
              f"must be '{ALLIANCE}' or a carrier id", self.owner)
        _need(is_whole(self.max_trips) and 1 <= self.max_trips <= 6, e, self.id, "max_trips",
              "must be a whole number in 1..6 (depot-to-depot loops per shift)", self.max_trips)
        _finite_ge0(e, self.id, "cold_capacity_kg", self.cold_capacity_kg)
        _need(self.echelon in ECHELONS, e, self.id, "echelon",
              f"must be one of {{{', '.join(ECHELONS)}}}", self.echelon)
        _need(self.cold_capacity_kg <= self.capacity_kg, e, self.id, "cold_capacity_kg",
              f"must be <= capacity_kg ({self.capacity_kg:g})", self.cold_capacity_kg)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandLine:
    """Parcels of one carrier for (down) or from (up) one station on the plan day.

    ``ready_s``: down, when the parcels are sorted and ready at the hub; up, when the produce
    is ready for collection at the station. Both in seconds after 00:00 of the plan day.
    """

    id: str
    station_id: str
    carrier_id: str
    direction: Direction
    parcels: int
    kg: float
    m3: float = 0.0
    fresh: bool = False
    ready_s: int = 0

    def __post_init__(self) -> None:
        e = "DemandLine"
        _ident(e, self.id)
        _id_like(e, self.id, "station_id", self.station_id)
        _id_like(e, self.id, "carrier_id", self.carrier_id)
        _need(isinstance(self.direction, Direction), e, self.id, "direction",
              "must be one of {down, up}", self.direction)
        _need(is_whole(self.parcels) and self.parcels >= 0, e, self.id, "parcels",
              "must be a whole number >= 0", self.parcels)
        _finite_ge0(e, self.id, "kg", self.kg)
        _finite_ge0(e, self.id, "m3", self.m3)
        _need(self.parcels > 0 or self.kg > 0 or self.m3 > 0, e, self.id, "parcels",
              "must be > 0 (or kg/m3 > 0): an empty line carries nothing", self.parcels)
        _time_of_day(e, self.id, "ready_s", self.ready_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class Targets:
    """The government's targets: on-time hours, fresh hours, cost-reduction fraction, and the
    structural ones some plans state (None: the plan states none, nothing is checked).

    ``max_trunk_routes``: two echelons run at most this many hub → township trunk routes and
    they call at every township station (Xia: 4 postal routes over its 11 townships); it also
    limits the trunk fleet when planning. ``min_village_coverage``: the share of the county's
    villages (``Scenario.county_villages``) that have a village point (Xia 50 %, Yanshi 60 %).
    ``min_alliance_carriers``: a shared-delivery alliance pools at least this many carriers
    (Fengqiu 4, Tang 5: 整合…企业4家/5家以上).
    """

    on_time_h: float = 72
    fresh_h: float = 24
    cost_reduction: float = 0.20
    max_trunk_routes: int | None = None
    min_village_coverage: float | None = None
    min_alliance_carriers: int | None = None

    def __post_init__(self) -> None:
        _positive("Targets", "targets", "on_time_h", self.on_time_h)
        _positive("Targets", "targets", "fresh_h", self.fresh_h)
        ok = is_number(self.cost_reduction) and 0 <= self.cost_reduction < 1
        _need(ok, "Targets", "targets", "cost_reduction", "must be a fraction in 0..1 (0.2 = 20%)",
              self.cost_reduction)
        routes = self.max_trunk_routes
        _need(routes is None or (is_whole(routes) and routes >= 1), "Targets", "targets",
              "max_trunk_routes", "must be a whole number of routes >= 1", routes)
        share = self.min_village_coverage
        _need(share is None or (is_number(share) and 0 < share <= 1), "Targets", "targets",
              "min_village_coverage", "must be a fraction in (0, 1] (0.5 = half the villages)",
              share)
        members = self.min_alliance_carriers
        _need(members is None or (is_whole(members) and members >= 2), "Targets", "targets",
              "min_alliance_carriers", "must be a whole number of carriers >= 2", members)
