"""The API's requests and responses (pydantic): what /api/openapi.json documents."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..constants import MAX_TIME_LIMIT_S

_STRICT = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every error: what went wrong, in a sentence (never a traceback)."""

    detail: str


class ConflictOut(BaseModel):
    """An edit made on a stale version (409): the message, the version now current and what
    changed since the edited one."""

    detail: str
    current_version: int
    current_plan_id: int
    changes: list[str]


class LoginIn(BaseModel):
    model_config = _STRICT
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(BaseModel):
    csrf_token: str
    user: UserOut


class UserOut(BaseModel):
    name: str
    role: str = Field(description="admin | dispatcher | planner | carrier:ID")


class UserIn(BaseModel):
    model_config = _STRICT
    name: str = Field(min_length=1, max_length=64)
    role: str = Field(description="admin | dispatcher | planner | carrier:ID")
    password: str = Field(min_length=8, max_length=256)


class MeOut(UserOut):
    csrf_token: str
    can: list[str] = Field(description="What the account may do: read, read_own, run, edit, "
                                       "admin")


class OkOut(BaseModel):
    ok: bool = True


class ScenarioOut(BaseModel):
    name: str
    title: str
    date: str


class PlanIn(BaseModel):
    """A solve of ``scenario``; with ``reference_plan`` (a stored plan of that scenario, the
    current version of its line) a re-optimisation around it: ``lock_vehicles`` keep their
    routes exactly, ``lock_stops`` stay on their vehicle, the rest is planned anew close to
    the reference, and the plan is stored as the reference's next version."""

    model_config = _STRICT
    scenario: str = Field(min_length=1, max_length=200)
    time_limit_s: float | None = Field(default=None, gt=0, le=MAX_TIME_LIMIT_S)
    reference_plan: int | None = Field(default=None, ge=1)
    lock_vehicles: list[str] = Field(default_factory=list, max_length=1_000)
    lock_stops: list[str] = Field(default_factory=list, max_length=10_000)


class JobCreated(BaseModel):
    job: str


class JobOut(BaseModel):
    id: str
    scenario: str
    state: Literal["queued", "running", "done", "failed"]
    stage: str
    progress: float = Field(ge=0, le=1)
    best_cost: float | None
    message: str
    plan_id: int | None
    violations: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanDocument(BaseModel):
    """plan.json (routing/schemas/plan.schema.json); for a carrier account, its own lines."""

    model_config = ConfigDict(extra="allow")
    schema_version: Any = None
    scenario: dict[str, Any]
    routes: list[dict[str, Any]]
    unserved: list[dict[str, Any]]
    totals: dict[str, Any]


class PlanSummary(BaseModel):
    """One line of the history. Carrier accounts get no totals (they sum every carrier)."""

    id: int
    scenario: str
    plan_date: dt.date
    created_at: dt.datetime
    lineage_id: int
    version: int
    author: str
    engine: str | None = None
    status: str | None = None
    cost: float | None = None
    distance_km: float | None = None
    vehicles: int | None = None
    stops: int | None = None
    unserved: int | None = None
    violations: int | None = None


class EditedStopIn(BaseModel):
    model_config = _STRICT
    station_id: str = Field(min_length=1, max_length=200)
    lines: list[str] = Field(default_factory=list, max_length=10_000)


class EditedRouteIn(BaseModel):
    model_config = _STRICT
    vehicle_id: str = Field(min_length=1, max_length=200)
    trip: int | None = Field(default=None, ge=1, le=99)
    stops: list[EditedStopIn] = Field(max_length=10_000)


class RetimeIn(BaseModel):
    """The routes as the dispatcher left them (vehicle → stations in order with their lines,
    as in plan.json) and the version of the plan they edited."""

    model_config = _STRICT
    version: int = Field(ge=1, description="the version the edit was made on")
    routes: list[EditedRouteIn] = Field(max_length=5_000)


class ViolationOut(BaseModel):
    kind: str
    where: str
    message: str


class RetimeOut(BaseModel):
    plan_id: int
    lineage_id: int
    version: int
    plan: PlanDocument
    violations: list[ViolationOut] = Field(description="the independent checker's findings, "
                                                       "hard rules first")


class VersionOut(BaseModel):
    plan_id: int
    lineage_id: int
    version: int
    current_version: int
    current_plan_id: int
    author: str
    created_at: dt.datetime | None


class MapLayerOut(BaseModel):
    """One switchable layer: ``kind`` stations | vehicle | carrier | unserved; GeoJSON
    features whose ``properties.kind`` is station, route, stop, carrier_stop or unserved."""

    key: str
    kind: str
    name: str
    color: str
    show: bool
    features: list[dict[str, Any]]


class VehicleOut(BaseModel):
    """One vehicle of the plan's fleet, as the page lists it (idle ones too, so a stop can be
    dragged onto a vehicle the plan does not use)."""

    vehicle_id: str
    vehicle_type: str
    type_name: str
    depot_id: str
    capacity_parcels: int
    capacity_kg: float
    fresh_capacity_kg: float
    used: bool


class MapOut(BaseModel):
    """The plan's map as ``routing/report/assets/routing_map.js`` draws it
    (``MapData.to_json()``); for a carrier account only its own stops and stations, and the
    figures shared with other carriers (distance, cost, loads) null."""

    title: str
    subtitle: str
    lang: Literal["zh", "en"]
    crs: str
    along_roads: bool
    legend: list[dict[str, Any]]
    layers: list[MapLayerOut]
    labels: dict[str, Any]


class RowErrorOut(BaseModel):
    """One bad row of a table: the file (or the request's list: ``events``, ``late``), its
    row (a file's row number, the header being row 1; a list's position, from 1; null: the
    whole table), the field, the value found and what is valid."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str


class RowErrorsOut(BaseModel):
    """Tables with bad rows (422): every problem, row by row."""

    detail: str
    errors: list[RowErrorOut]


class EventIn(BaseModel):
    """One event of the day, as a row of the events table (``routing replan --events``):
    ``event`` done | cancel | closed | delay | breakdown (or 完成, 取消, 关闭, 延误, 故障);
    ``time`` HH:MM (blank: the re-plan's time); ``vehicle`` (done, delay, breakdown),
    ``station`` (done, closed), ``line`` (cancel), ``minutes`` late (delay, 1–720)."""

    model_config = _STRICT
    event: str = Field(max_length=20)
    time: str | None = Field(default=None, max_length=20)
    vehicle: str | None = Field(default=None, max_length=200)
    station: str | None = Field(default=None, max_length=200)
    line: str | None = Field(default=None, max_length=200)
    minutes: int | None = None


class LateIn(BaseModel):
    """A late demand line, as a row of the scenario's demand table: ``id`` (new to the day),
    ``station``, ``carrier`` (id or name), ``direction`` down | up, ``parcels``, ``kg``, and
    optionally ``m3``, ``fresh``, ``ready`` (HH:MM)."""

    model_config = _STRICT
    id: str | None = Field(default=None, max_length=200)
    station: str | None = Field(default=None, max_length=200)
    carrier: str | None = Field(default=None, max_length=200)
    direction: str | None = Field(default=None, max_length=20)
    parcels: int | None = None
    kg: float | None = None
    m3: float | None = None
    fresh: bool | None = None
    ready: str | None = Field(default=None, max_length=20)


class ReplanIn(BaseModel):
    """Re-plan the rest of the day from ``at`` (HH:MM): what the plan had done by then stays,
    the events and late lines are taken in. ``version``: the version it was asked on."""

    model_config = _STRICT
    version: int = Field(ge=1, description="the version the re-plan was asked on")
    at: str = Field(pattern=r"^\d{1,2}:\d{2}$", description="HH:MM")
    events: list[EventIn] = Field(default_factory=list, max_length=2_000)
    late: list[LateIn] = Field(default_factory=list, max_length=5_000)
    hold: bool = Field(default=False, description="hold back: a vehicle whose day is one "
                       "trip not yet begun leaves as late as its windows allow, so parcels "
                       "arriving later can still join it (routing replan --hold)")


class ChangeOut(BaseModel):
    """What one driver must be told: a stop ``added``, ``removed``, ``moved`` or
    ``retimed``."""

    vehicle_id: str
    kind: str
    station_id: str
    detail: str
    detail_zh: str = ""


class ReplanOut(BaseModel):
    plan_id: int
    lineage_id: int
    version: int
    scenario: str = Field(description="the day's scenario as it now stands (late lines, "
                                      "closures), which the plan is checked against")
    plan: PlanDocument
    violations: list[ViolationOut] = Field(description="the independent checker's findings, "
                                                       "hard rules first")
    changes: list[ChangeOut]
    notes: list[str]
    notes_zh: list[str] = []


class ScenarioCreated(BaseModel):
    scenario: str = Field(description="the new scenario's name (listed by GET /api/scenarios)")


LoginOut.model_rebuild()
