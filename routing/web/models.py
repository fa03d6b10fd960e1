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
    model_config = _STRICT
    scenario: str = Field(min_length=1, max_length=200)
    time_limit_s: float | None = Field(default=None, gt=0, le=MAX_TIME_LIMIT_S)


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


LoginOut.model_rebuild()
