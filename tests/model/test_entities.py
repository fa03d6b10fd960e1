"""Tests for routing.model: field validation of every entity and Scenario cross-references."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from routing.exceptions import FieldError, ScenarioError
from routing.model import (
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

NAN, INF = math.nan, math.inf
H = 3600

# One valid instance of each class; every bad case changes exactly one field of these.
VALID: dict[type, dict[str, Any]] = {
    Station: dict(id="V1", name="东一村", tier=Tier.VILLAGE, lon=111.3, lat=35.18,
                  township_id="T1", service_s=300, open_s=8 * H, close_s=18 * H),
    Carrier: dict(id="zto", name="ZTO", name_zh="中通", market_share=0.5),
    VehicleType: dict(id="van", name="Light van", count=2, capacity_kg=300.0, capacity_m3=3.0,
                      capacity_parcels=120, fixed_cost=120.0, cost_per_km=0.8,
                      cost_per_hour=25.0, speed_kph=45.0, max_shift_s=9 * H, depot_id="HUB"),
    DemandLine: dict(id="D04", station_id="V1", carrier_id="zto", direction=Direction.DOWN,
                     parcels=20, kg=25.0, m3=0.12, ready_s=6 * H + 1800),
    Targets: {},
    NetworkSpec: {},
    ServiceSpec: {},
    SolveSpec: {},
}

# How each class names itself and its instance in a FieldError.
ENTITY: dict[type, tuple[str, str | None]] = {
    Station: ("Station", "V1"), Carrier: ("Carrier", "zto"), VehicleType: ("VehicleType", "van"),
    DemandLine: ("DemandLine", "D04"), Targets: ("Targets", "targets"),
    NetworkSpec: ("network", "network"), ServiceSpec: ("service", "service"),
    SolveSpec: ("solve", "solve"),
}


def case(cls: type, changes: dict[str, Any], field: str, constraint: str, value: Any,
         ident: str | None = None, marks: Any = ()) -> Any:
    """A bad-value row: the class, the changed fields, and what the FieldError must say."""
    name = "-".join(f"{k}={v!r}" for k, v in changes.items())
    return pytest.param(cls, changes, field, constraint, value, ident, marks=marks,
                        id=f"{cls.__name__}-{name}")


BAD = [
    # --- Station ---
    case(Station, {"id": ""}, "id", "non-empty string", "", ident=""),  # empty id
    case(Station, {"id": "   "}, "id", "non-empty string", "   ", ident="   "),  # only spaces
    case(Station, {"id": " V1"}, "id", "without surrounding spaces", " V1", ident=" V1"),  # pad
    case(Station, {"name": ""}, "name", "non-empty string", ""),  # empty name
    case(Station, {"name": "  "}, "name", "non-empty string", "  "),  # whitespace name
    case(Station, {"tier": "town"}, "tier", "one of {hub, township, village, outlet}",
         "town"),  # bad enum
    case(Station, {"lon": 200.0}, "lon", "longitude inside China (73.0..135.5", 200.0),  # off Earth
    case(Station, {"lon": 2.35}, "lon", "longitude inside China", 2.35),  # Paris
    case(Station, {"lon": 35.18, "lat": 111.3}, "lon", "longitude inside China", 35.18),  # swapped
    case(Station, {"lon": NAN}, "lon", "longitude inside China", NAN),  # NaN longitude
    case(Station, {"lon": INF}, "lon", "longitude inside China", INF),  # infinite longitude
    case(Station, {"lon": "111.3"}, "lon", "longitude inside China", "111.3"),  # string, not number
    case(Station, {"lat": 95.0}, "lat", "latitude inside China (17.5..54.0", 95.0),  # > 90
    case(Station, {"lat": -35.18}, "lat", "latitude inside China", -35.18),  # southern hemisphere
    case(Station, {"lat": 10.0}, "lat", "latitude inside China", 10.0),  # south of Hainan
    case(Station, {"lat": NAN}, "lat", "latitude inside China", NAN),  # NaN latitude
    case(Station, {"township_id": None}, "township", "township station of a village",
         None),  # village without township
    case(Station, {"township_id": ""}, "township", "township station of a village",
         ""),  # village with empty township
    case(Station, {"open_s": -1}, "open_s", "whole seconds in 0..86400", -1),  # before 00:00
    case(Station, {"open_s": 7.5 * H}, "open_s", "whole seconds", 7.5 * H),  # float seconds
    case(Station, {"close_s": 86401}, "close_s", "whole seconds in 0..86400", 86401),  # > 24:00
    case(Station, {"open_s": 18 * H, "close_s": 8 * H}, "open_s", "must be <= close_s (28800)",
         18 * H),  # reversed window 18:00..08:00
    case(Station, {"service_s": -1}, "service_s", "whole seconds in 0..14400", -1),  # negative
    case(Station, {"service_s": 14401}, "service_s", "0..14400", 14401),  # over 4 h per stop
    case(Station, {"service_s": 300.0}, "service_s", "whole seconds", 300.0),  # float seconds
    # --- Carrier ---
    case(Carrier, {"id": ""}, "id", "non-empty string", "", ident=""),  # empty id
    case(Carrier, {"id": " "}, "id", "non-empty string", " ", ident=" "),  # whitespace id
    case(Carrier, {"id": "alliance"}, "id", "must not be 'alliance'", "alliance",
         ident="alliance"),  # reserved for the shared fleet
    case(Carrier, {"name": ""}, "name", "non-empty string", ""),  # empty name
    case(Carrier, {"market_share": -0.1}, "market_share", "fraction in 0..1", -0.1),  # negative
    case(Carrier, {"market_share": 1.5}, "market_share", "fraction in 0..1", 1.5),  # > 100 %
    case(Carrier, {"market_share": NAN}, "market_share", "fraction in 0..1", NAN),  # NaN share
    # --- VehicleType ---
    case(VehicleType, {"id": ""}, "id", "non-empty string", "", ident=""),  # empty id
    case(VehicleType, {"id": "\t"}, "id", "non-empty string", "\t", ident="\t"),  # tab id
    case(VehicleType, {"count": -1}, "count", "whole number >= 0", -1),  # negative fleet
    case(VehicleType, {"count": 1.5}, "count", "whole number >= 0", 1.5),  # half a van
    case(VehicleType, {"count": True}, "count", "whole number >= 0", True),  # bool is not a count
    case(VehicleType, {"capacity_kg": 0}, "capacity_kg", "finite number > 0", 0),  # zero payload
    case(VehicleType, {"capacity_kg": -300.0}, "capacity_kg", "> 0", -300.0),  # negative
    case(VehicleType, {"capacity_kg": NAN}, "capacity_kg", "finite number > 0", NAN),  # NaN
    case(VehicleType, {"capacity_kg": INF}, "capacity_kg", "finite number > 0", INF),  # infinite
    case(VehicleType, {"capacity_m3": 0.0}, "capacity_m3", "finite number > 0", 0.0),  # zero m3
    case(VehicleType, {"capacity_parcels": 0}, "capacity_parcels", "whole number > 0",
         0),  # zero parcels
    case(VehicleType, {"capacity_parcels": 120.5}, "capacity_parcels", "whole number > 0",
         120.5),  # parcels not int
    case(VehicleType, {"capacity_parcels": True}, "capacity_parcels", "whole number > 0",
         True),  # bool is not a count
    case(VehicleType, {"fixed_cost": -1.0}, "fixed_cost", "finite number >= 0", -1.0),  # negative
    case(VehicleType, {"cost_per_km": NAN}, "cost_per_km", "finite number >= 0", NAN),  # NaN
    case(VehicleType, {"cost_per_hour": INF}, "cost_per_hour", "finite number >= 0",
         INF),  # infinite wage
    case(VehicleType, {"speed_kph": 0}, "speed_kph", "finite number > 0", 0),  # parked
    case(VehicleType, {"speed_kph": -45.0}, "speed_kph", "finite number > 0", -45.0),  # negative
    case(VehicleType, {"speed_kph": 131.0}, "speed_kph", "<= 130 km/h", 131.0),  # above limit
    case(VehicleType, {"speed_kph": NAN}, "speed_kph", "finite number > 0", NAN),  # NaN speed
    case(VehicleType, {"max_shift_s": 0}, "max_shift_s", "whole seconds in 1..86400",
         0),  # zero shift
    case(VehicleType, {"max_shift_s": 25 * H}, "max_shift_s", "at most 24 h", 25 * H),  # > 24 h
    case(VehicleType, {"max_shift_s": 9.5 * H}, "max_shift_s", "whole seconds",
         9.5 * H),  # float seconds
    case(VehicleType, {"owner": ""}, "owner", "'alliance' or a carrier id", ""),  # empty owner
    case(VehicleType, {"depot_id": ""}, "depot_id", "non-empty string",
         ""),  # no depot: named as the type's field, not as its id
    case(VehicleType, {"depot_id": " HUB"}, "depot_id", "without surrounding spaces",
         " HUB"),  # padded depot id
    case(VehicleType, {"name": ""}, "name", "non-empty string", ""),  # empty name
    case(VehicleType, {"name": None}, "name", "non-empty string", None),  # no name at all
    # --- DemandLine ---
    case(DemandLine, {"id": ""}, "id", "non-empty string", "", ident=""),  # empty id
    case(DemandLine, {"id": " D04 "}, "id", "without surrounding spaces", " D04 ",
         ident=" D04 "),  # padded id
    case(DemandLine, {"direction": "sideways"}, "direction", "one of {down, up}",
         "sideways"),  # bad enum
    case(DemandLine, {"parcels": -1}, "parcels", "whole number >= 0", -1),  # negative parcels
    case(DemandLine, {"parcels": 2.5}, "parcels", "whole number >= 0", 2.5),  # parcels not int
    case(DemandLine, {"parcels": "20"}, "parcels", "whole number >= 0", "20"),  # string parcels
    case(DemandLine, {"parcels": True}, "parcels", "whole number >= 0", True),  # bool parcels
    case(DemandLine, {"kg": -25.0}, "kg", "finite number >= 0", -25.0),  # negative weight
    case(DemandLine, {"kg": NAN}, "kg", "finite number >= 0", NAN),  # NaN weight
    case(DemandLine, {"kg": INF}, "kg", "finite number >= 0", INF),  # infinite weight
    case(DemandLine, {"m3": -0.1}, "m3", "finite number >= 0", -0.1),  # negative volume
    case(DemandLine, {"m3": NAN}, "m3", "finite number >= 0", NAN),  # NaN volume
    case(DemandLine, {"parcels": 0, "kg": 0.0, "m3": 0.0}, "parcels", "empty line carries nothing",
         0),  # a line with nothing in it
    case(DemandLine, {"ready_s": -1}, "ready_s", "whole seconds in 0..86400", -1),  # before 00:00
    case(DemandLine, {"ready_s": 86401}, "ready_s", "0..86400", 86401),  # after 24:00
    case(DemandLine, {"station_id": ""}, "station_id", "non-empty string",
         ""),  # no station: named as the line's field, not as its id
    case(DemandLine, {"carrier_id": " zto"}, "carrier_id", "without surrounding spaces",
         " zto"),  # padded carrier id
    # --- Targets ---
    case(Targets, {"on_time_h": 0}, "on_time_h", "finite number > 0", 0),  # zero hours
    case(Targets, {"on_time_h": -72}, "on_time_h", "finite number > 0", -72),  # negative
    case(Targets, {"fresh_h": NAN}, "fresh_h", "finite number > 0", NAN),  # NaN hours
    case(Targets, {"fresh_h": INF}, "fresh_h", "finite number > 0", INF),  # no target at all
    case(Targets, {"cost_reduction": 1.0}, "cost_reduction", "fraction in 0..1", 1.0),  # 100 %
    case(Targets, {"cost_reduction": 20}, "cost_reduction", "fraction in 0..1", 20),  # percent
    case(Targets, {"cost_reduction": -0.1}, "cost_reduction", "fraction in 0..1", -0.1),  # < 0
    case(Targets, {"cost_reduction": NAN}, "cost_reduction", "fraction in 0..1", NAN),  # NaN
    # --- NetworkSpec ---
    case(NetworkSpec, {"mode": "car"}, "mode", "one of {great_circle, roads}", "car"),  # bad enum
    case(NetworkSpec, {"detour_factor": 0.9}, "detour_factor", "in 1.0..5.0", 0.9),  # < 1
    case(NetworkSpec, {"detour_factor": 5.5}, "detour_factor", "in 1.0..5.0", 5.5),  # > 5
    case(NetworkSpec, {"detour_factor": NAN}, "detour_factor", "in 1.0..5.0", NAN),  # NaN
    case(NetworkSpec, {"speed_kph": 0.0}, "speed_kph", "(0, 130] km/h", 0.0),  # zero speed
    case(NetworkSpec, {"speed_kph": 131.0}, "speed_kph", "(0, 130] km/h", 131.0),  # too fast
    case(NetworkSpec, {"speed_kph": INF}, "speed_kph", "(0, 130] km/h", INF),  # infinite
    case(NetworkSpec, {"mode": "roads"}, "roads", "must name a road file", None),  # roads w/o file
    case(NetworkSpec, {"max_snap_m": 0.0}, "max_snap_m", "> 0 metres", 0.0),  # zero snap
    case(NetworkSpec, {"max_snap_m": NAN}, "max_snap_m", "> 0 metres", NAN),  # NaN snap
    case(NetworkSpec, {"access_speed_kph": -15.0}, "access_speed_kph", "> 0",
         -15.0),  # negative: negative travel times
    case(NetworkSpec, {"access_speed_kph": 0.0}, "access_speed_kph", "> 0",
         0.0),  # zero: stations never reached
    case(NetworkSpec, {"access_speed_kph": 131.0}, "access_speed_kph", "<= 130 km/h",
         131.0),  # faster than any road
    case(NetworkSpec, {"access_speed_kph": NAN}, "access_speed_kph", "> 0", NAN),  # NaN
    case(NetworkSpec, {"speed_kph": "40"}, "speed_kph", "(0, 130] km/h",
         "40"),  # quoted number: FieldError, not TypeError
    case(NetworkSpec, {"detour_factor": None}, "detour_factor", "in 1.0..5.0", None),  # no value
    case(NetworkSpec, {"max_snap_m": "2000"}, "max_snap_m", "> 0 metres", "2000"),  # text
    case(NetworkSpec, {"mode": "roads", "roads": "roads.osm"}, "roads", "pathlib.Path",
         "roads.osm"),  # a str path: the matrix code needs a Path
    # --- ServiceSpec ---
    case(ServiceSpec, {"per_parcel_s": -1.0}, "per_parcel_s", "in 0..600 seconds",
         -1.0),  # negative
    case(ServiceSpec, {"per_parcel_s": 601.0}, "per_parcel_s", "in 0..600 seconds",
         601.0),  # 10 min a parcel
    case(ServiceSpec, {"per_parcel_s": NAN}, "per_parcel_s", "in 0..600 seconds", NAN),  # NaN
    case(ServiceSpec, {"stop_s": -60}, "stop_s", "whole seconds in 0..14400",
         -60),  # negative; field and unit are those of the value held (seconds)
    case(ServiceSpec, {"stop_s": True}, "stop_s", "whole seconds", True),  # bool is not seconds
    case(ServiceSpec, {"per_parcel_s": "4"}, "per_parcel_s", "in 0..600 seconds",
         "4"),  # text: FieldError, not TypeError
    # --- SolveSpec ---
    case(SolveSpec, {"time_limit_s": 0.0}, "time_limit_s", "> 0 seconds", 0.0),  # no time
    case(SolveSpec, {"time_limit_s": -5.0}, "time_limit_s", "> 0 seconds", -5.0),  # negative
    case(SolveSpec, {"time_limit_s": INF}, "time_limit_s", "> 0 seconds", INF),  # unbounded
    case(SolveSpec, {"time_limit_s": NAN}, "time_limit_s", "> 0 seconds", NAN),  # NaN
    case(SolveSpec, {"solution_limit": 0}, "solution_limit", ">= 1", 0),  # zero solutions
    case(SolveSpec, {"first_solution": "CHEAPEST"}, "first_solution",
         "one of {PATH_CHEAPEST_ARC, SAVINGS", "CHEAPEST"),  # unknown strategy
    case(SolveSpec, {"first_solution": "savings"}, "first_solution", "one of {",
         "savings"),  # enum names are upper case
    case(SolveSpec, {"metaheuristic": "TABU"}, "metaheuristic",
         "one of {GUIDED_LOCAL_SEARCH", "TABU"),  # unknown metaheuristic
    case(SolveSpec, {"unserved_penalty": 0.0}, "unserved_penalty", "> 0 CNY", 0.0),  # free skips
    case(SolveSpec, {"unserved_penalty": NAN}, "unserved_penalty", "> 0 CNY", NAN),  # NaN
    case(SolveSpec, {"unserved_penalty": INF}, "unserved_penalty", "> 0 CNY",
         INF),  # infinite: cannot be scaled to solver integers
    case(SolveSpec, {"time_limit_s": "30"}, "time_limit_s", "> 0 seconds",
         "30"),  # text: FieldError, not TypeError
    case(SolveSpec, {"seed": 1.5}, "seed", "whole number", 1.5),  # fractional seed
    case(SolveSpec, {"solution_limit": 2.5}, "solution_limit", ">= 1", 2.5),  # fractional limit
    case(SolveSpec, {"time_limit_s": 1e308}, "time_limit_s", "<= 86400 (24 h)",
         1e308),  # finite, but the engines overflow on it
    case(SolveSpec, {"time_limit_s": 86401.0}, "time_limit_s", "<= 86400 (24 h)",
         86401.0),  # longer than the plan day
    case(SolveSpec, {"seed": 2**63 - 1}, "seed", "whole number in 0..2147483647",
         2**63 - 1),  # PyVRP raises on a 64-bit seed
    case(SolveSpec, {"seed": -1}, "seed", "whole number in 0..2147483647", -1),  # negative
    case(SolveSpec, {"solution_limit": 2**63}, "solution_limit", "<= 2147483647",
         2**63),  # beyond the engines' C integers
]


@pytest.mark.parametrize(("cls", "changes", "field", "constraint", "value", "ident"), BAD)
def test_bad_field_raises_field_error(cls: type, changes: dict[str, Any], field: str,
                                      constraint: str, value: Any, ident: str | None) -> None:
    """A bad value raises FieldError naming entity, id, field, constraint and value."""
    entity, default_ident = ENTITY[cls]
    ident = default_ident if ident is None else ident
    with pytest.raises(FieldError) as info:
        cls(**{**VALID[cls], **changes})
    msg = str(info.value)
    assert msg.startswith(f"{entity} '{ident}': {field} must "), msg
    assert constraint in msg, msg
    assert msg.endswith(f"; got {value!r}."), msg
    assert (info.value.entity, info.value.ident, info.value.field) == (entity, ident, field)


def test_message_shape_matches_docs() -> None:
    """The message follows the documented shape exactly, using the brief's example."""
    with pytest.raises(FieldError) as info:
        Station(**{**VALID[Station], "lat": 95.0})
    assert str(info.value) == ("Station 'V1': lat must be a latitude inside China "
                               "(17.5..54.0, WGS84 degrees); got 95.0.")


@pytest.mark.parametrize("cls", list(VALID))  # each class once
def test_valid_instance_builds(cls: type) -> None:
    """The reference values are valid, so each bad case fails only for its own change."""
    assert cls(**VALID[cls]) is not None


@pytest.mark.parametrize("stop_s", [-1, 4 * H + 1, 300.0])  # negative, over 4 h, float seconds
def test_service_stop_rejected(stop_s: Any) -> None:
    """ServiceSpec rejects a stop time outside 0..4 h or not whole seconds."""
    with pytest.raises(FieldError):
        ServiceSpec(stop_s=stop_s)


@pytest.mark.parametrize(
    ("cls", "changes"),
    [
        (Station, {"tier": Tier.HUB, "township_id": None}),  # hub needs no township
        (Station, {"open_s": 0, "close_s": 24 * H}),  # whole day, both ends inclusive
        (Station, {"open_s": 8 * H, "close_s": 8 * H}),  # zero-length window is allowed
        (Station, {"lon": 73.0, "lat": 54.0}),  # corner of the China box
        (Carrier, {"market_share": None}),  # share unknown
        (VehicleType, {"count": 0, "speed_kph": 130}),  # parked type, top legal speed
        (VehicleType, {"max_shift_s": 24 * H}),  # 24 h shift is the maximum
        (DemandLine, {"parcels": 0, "kg": 5.0}),  # weight only (bulk produce)
        (Targets, {"cost_reduction": 0}),  # no reduction target
    ],
)
def test_boundary_values_accepted(cls: type, changes: dict[str, Any]) -> None:
    """Values on the edge of each constraint are valid, so the limits are not off by one."""
    obj = cls(**{**VALID[cls], **changes})
    for k, v in changes.items():
        assert getattr(obj, k) == v


@pytest.mark.parametrize("cls", list(VALID))  # each class once
def test_instances_are_frozen(cls: type) -> None:
    """Assigning to a field raises FrozenInstanceError: validated objects cannot drift."""
    obj = cls(**VALID[cls])
    name = dataclasses.fields(obj)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, name, getattr(obj, name))


@pytest.mark.parametrize(
    ("cls", "good", "bad"),
    [
        (Station, {"lat": 35.0}, {"lat": 95.0}),  # move a station / off the map
        (Carrier, {"market_share": 0.3}, {"id": "alliance"}),  # reserved id
        (VehicleType, {"count": 5}, {"speed_kph": 0}),  # more vans / parked van
        (DemandLine, {"kg": 30.0}, {"kg": -1.0}),  # heavier / negative
        (Targets, {"on_time_h": 24}, {"cost_reduction": 1.0}),  # tighter / impossible
        (NetworkSpec, {"speed_kph": 30.0}, {"detour_factor": 0.5}),  # slower / too short
        (ServiceSpec, {"per_parcel_s": 8.0}, {"per_parcel_s": -8.0}),  # slower / negative
        (SolveSpec, {"seed": 7}, {"metaheuristic": "NONE"}),  # other seed / unknown
    ],
)
def test_replace_validates(cls: type, good: dict[str, Any], bad: dict[str, Any]) -> None:
    """dataclasses.replace makes a new validated copy and rejects a bad value like __init__."""
    obj = cls(**VALID[cls])
    new = dataclasses.replace(obj, **good)
    assert new is not obj
    for f in dataclasses.fields(obj):
        expected = good.get(f.name, getattr(obj, f.name))
        assert getattr(new, f.name) == expected
    with pytest.raises(FieldError):
        dataclasses.replace(obj, **bad)


# ---------------------------------------------------------------- Scenario cross-references

HUB = Station(id="HUB", name="物流中心", tier=Tier.HUB, lon=111.2144, lat=35.142)
T1 = Station(id="T1", name="东镇", tier=Tier.TOWNSHIP, lon=111.28, lat=35.16)
V1 = Station(**VALID[Station])
POST = Carrier(id="post", name="China Post")
ZTO = Carrier(**VALID[Carrier])
VAN = VehicleType(**VALID[VehicleType])
LINE = DemandLine(**VALID[DemandLine])


def scenario(**changes: Any) -> Scenario:
    """A consistent three-station scenario with the given tables replaced."""
    tables: dict[str, Any] = dict(name="mini", stations=(HUB, T1, V1), carriers=(POST, ZTO),
                                  vehicle_types=(VAN,), demand=(LINE,))
    return Scenario(**{**tables, **changes})


def test_consistent_scenario_builds() -> None:
    """The base scenario is consistent, so each cross-reference case fails only for its change."""
    s = scenario()
    assert s.cross_problems() == []
    assert [v for v, _ in s.vehicles()] == ["van-1", "van-2"]


V2_UNDER_V1 = Station(id="V2", name="东二村", tier=Tier.VILLAGE, lon=111.32, lat=35.15,
                      township_id="V1")
CROSS = [
    pytest.param({"stations": (HUB, T1, V1, V1)}, "stations[3] id: duplicate station id 'V1'",
                 id="duplicate-station"),  # the same station listed twice
    pytest.param({"stations": (HUB, T1, dataclasses.replace(V1, township_id="T9"))},
                 "stations[2] township: unknown station 'T9'",
                 id="unknown-township"),  # village under a township that does not exist
    pytest.param({"stations": (HUB, T1, dataclasses.replace(T1, id="T2"),
                               dataclasses.replace(V1, township_id="T9"))},
                 "stations[3] township: unknown station 'T9'; did you mean 'T1' or 'T2'?",
                 id="unknown-township-hint"),  # equally close ids, in table order
    pytest.param({"stations": (HUB, T1, V1, V2_UNDER_V1)},
                 "stations[3] township: 'V1' is a village station, expected a township station",
                 id="township-is-village"),  # village under another village
    pytest.param({"vehicle_types": (dataclasses.replace(VAN, depot_id="DEPOT"),)},
                 "vehicles[0] depot: unknown station 'DEPOT'", id="unknown-depot"),  # no depot
    pytest.param({"vehicle_types": (dataclasses.replace(VAN, owner="sto"),)},
                 "vehicles[0] owner: must be 'alliance' or one of the carriers ['post', 'zto']; "
                 "got 'sto'", id="unknown-owner"),  # owner is not a carrier
    pytest.param({"vehicle_types": (dataclasses.replace(VAN, count=0),)},
                 "vehicles[0] count: the fleet has no vehicle", id="empty-fleet"),  # 0 vehicles
    pytest.param({"vehicle_types": ()}, "vehicles[0] count: the fleet has no vehicle",
                 id="no-vehicle-types"),  # empty vehicle table
    pytest.param({"demand": (dataclasses.replace(LINE, station_id="HUB"),)},
                 "demand[0] station: 'HUB' is a depot", id="demand-at-depot"),  # at the depot
    pytest.param({"demand": (dataclasses.replace(LINE, station_id="V9"),)},
                 "demand[0] station: unknown station 'V9'", id="unknown-station"),  # no V9
    pytest.param({"demand": (dataclasses.replace(LINE, carrier_id="yto"),)},
                 "demand[0] carrier: unknown carrier 'yto'; known: ['post', 'zto']",
                 id="unknown-carrier"),  # carrier not in the alliance
    pytest.param({"demand": (LINE, LINE)}, "demand[1] id: duplicate demand line id 'D04'",
                 id="duplicate-demand"),  # the same line twice
    pytest.param({"vehicle_types": (VAN, VAN)}, "vehicles[1] id: duplicate vehicle type id 'van'",
                 id="duplicate-vehicle-type"),  # the same type twice
    pytest.param({"carriers": (POST, ZTO, ZTO)}, "carriers[2] id: duplicate carrier id 'zto'",
                 id="duplicate-carrier"),  # the same carrier twice: id and its own position
    pytest.param({"demand": (dataclasses.replace(LINE, station_id="v1"),)},
                 "demand[0] station: unknown station 'v1'; did you mean 'V1'?",
                 id="unknown-station-hint"),  # wrong case: the hint names the real id
    pytest.param({"demand": (dataclasses.replace(LINE, station_id="V9"),)},
                 "demand[0] station: unknown station 'V9'; did you mean 'V1'?",
                 id="unknown-station-hint-one"),  # V1 is the only id sharing a character
    pytest.param({"stations": (HUB, T1, V1, dataclasses.replace(V2_UNDER_V1, township_id="T1")),
                  "demand": (dataclasses.replace(LINE, station_id="V9"),)},
                 "demand[0] station: unknown station 'V9'; did you mean 'V1' or 'V2'?",
                 id="unknown-station-hint-tie"),  # equally close ids, in table order
]


@pytest.mark.parametrize(("changes", "problem"), CROSS)
def test_cross_reference_problem(changes: dict[str, Any], problem: str) -> None:
    """Each broken reference raises ScenarioError whose problem list names table, item, field."""
    with pytest.raises(ScenarioError) as info:
        scenario(**changes)
    assert len(info.value.problems) == 1, info.value.problems
    assert info.value.problems[0].startswith(problem), info.value.problems
    assert "scenario 'mini'" in str(info.value)


def test_cross_reference_problems_listed_together() -> None:
    """All broken references are reported in one ScenarioError, not only the first."""
    van = dataclasses.replace(VAN, depot_id="DEPOT", owner="sto", count=0)
    reefer = dataclasses.replace(VAN, id="reefer", count=0)  # at HUB, so HUB is a depot
    stations = (HUB, T1, V1, V1, dataclasses.replace(V2_UNDER_V1, township_id="T9"),
                dataclasses.replace(V2_UNDER_V1, id="V3"))
    demand = (dataclasses.replace(LINE, station_id="HUB"),
              dataclasses.replace(LINE, id="D05", carrier_id="yto"))
    with pytest.raises(ScenarioError) as info:
        scenario(stations=stations, vehicle_types=(van, reefer), demand=demand)
    expected = [
        "stations[3] id: duplicate station id 'V1'",
        "stations[4] township: unknown station 'T9'",
        "stations[5] township: 'V1' is a village station",
        "vehicles[0] depot: unknown station 'DEPOT'",
        "vehicles[0] owner: must be 'alliance'",
        "vehicles[0] count: the fleet has no vehicle",
        "demand[0] station: 'HUB' is a depot",
        "demand[1] carrier: unknown carrier 'yto'",
    ]
    problems = info.value.problems
    assert len(problems) == len(expected), problems
    for want in expected:
        assert sum(p.startswith(want) for p in problems) == 1, (want, problems)
    assert str(info.value).startswith(f"{len(expected)} problems in scenario 'mini':")


def test_scenario_is_frozen_and_replace_revalidates() -> None:
    """A Scenario cannot be mutated; replace() with a broken table raises ScenarioError."""
    s = scenario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "other"  # type: ignore[misc]
    assert dataclasses.replace(s, title="测试").title == "测试"
    with pytest.raises(ScenarioError):
        dataclasses.replace(s, carriers=(POST,))  # D04 is a ZTO line
