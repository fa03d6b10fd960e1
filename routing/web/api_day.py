"""The /api routes of the day's work: re-planning the rest of the day with events and late
parcels, uploading a day's manifest or a whole scenario (into the server's workspace)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile, status
from pydantic import BaseModel

from ..exceptions import DataError, FetchError, ModelError, ScenarioError
from ..io.limits import LIMITS_ENV
from ..store import StaleVersionError
from .api import ERRORS, Editor, _conflict, _scenario, _store, _web
from .models import (
    ChangeOut,
    ConflictOut,
    ErrorOut,
    EventIn,
    LateIn,
    PlanDocument,
    ReplanIn,
    ReplanOut,
    RowErrorOut,
    RowErrorsOut,
    ScenarioCreated,
    ViolationOut,
)
from .workspace import MANIFEST_SUFFIXES, REPLAN_SUFFIX, row_problems, safe_name

day_router = APIRouter(prefix="/api", responses=ERRORS)


class RowErrors(Exception):
    """Tables with bad rows: answered 422 with :class:`RowErrorsOut` (see app.py)."""

    def __init__(self, body: RowErrorsOut) -> None:
        super().__init__(body.detail)
        self.body = body


def _row_errors(exc: ScenarioError, *, lists: bool = False) -> list[RowErrorOut]:
    """The problems one by one; ``lists``: the tables are the request's lists (``events.csv``
    row N is the events list's position N - 1, the header being row 1)."""
    out = []
    for p in row_problems(exc):
        file, row = p.file, p.row
        if lists:
            file = Path(file).stem
            row = None if row is None else row - 1
        out.append(RowErrorOut(file=file, row=row, field=p.field, value=p.value,
                               message=p.message))
    return out


def _write_rows(path: Path, rows: Sequence[BaseModel]) -> Path:
    """Request rows as a CSV table with the fields as its header (what the table readers
    read, so they check every row as they check a file)."""
    fields = list(type(rows[0]).model_fields)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for r in rows:
            values = r.model_dump()
            w.writerow(["" if values[k] is None else str(values[k]).lower()
                        if isinstance(values[k], bool) else values[k] for k in fields])
    return path


def _read_rows(events: list[EventIn], late: list[LateIn], scenario: Any
               ) -> tuple[list[Any], list[Any]]:
    """The late lines and events of a re-plan, read by the table readers; every bad row of
    both at once (RowErrors)."""
    from ..io.events import read_events
    from ..io.scenario import read_demand

    errors: list[RowErrorOut] = []
    lines: list[Any] = []
    found: list[Any] = []
    with tempfile.TemporaryDirectory() as tmp:
        if late:
            try:
                lines = read_demand(_write_rows(Path(tmp) / "late.csv", late), scenario)
            except ScenarioError as exc:
                errors += _row_errors(exc, lists=True)
        if events:
            ids = {r.id for r in late if r.id}
            try:
                found = read_events(_write_rows(Path(tmp) / "events.csv", events), scenario,
                                    extra_lines=ids)
            except ScenarioError as exc:
                errors += _row_errors(exc, lists=True)
    if errors:
        raise RowErrors(RowErrorsOut(detail=f"{len(errors)} bad row(s) in the events and late "
                                            "lines; nothing was re-planned", errors=errors))
    return lines, found


@day_router.post("/plans/{plan_id}/replan", response_model=ReplanOut, responses={
    404: {"model": ErrorOut}, 409: {"model": ConflictOut, "description": "stale version"},
    422: {"model": RowErrorsOut, "description": "bad events or late lines, row by row"}})
def replan(plan_id: int, body: ReplanIn, request: Request, who: Editor) -> ReplanOut:
    """Re-plan the rest of the day from ``at``: the stops made by then (and ``done`` events)
    stay, ``cancel``, ``closed``, ``delay`` and ``breakdown`` events and late lines are taken
    in, and every line not yet served goes where it costs least. The day as it now stands is
    written as a scenario of the workspace; the plan, checked against it by the independent
    checker, is stored as the next version. A re-plan of a version no longer current is
    refused (409) with what changed."""
    from ..io.plan_json import plan_to_dict
    from ..io.tables import parse_time_s
    from ..pipeline import replan_day

    web = _web(request)
    store = _store(request)
    if not store.has(plan_id):  # (the document read once, below: the line's head)
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"plan {plan_id}: no such plan")
    lineage = store.version(plan_id).lineage_id
    head = store.head(lineage)
    if body.version != head.version:
        raise _conflict(store, lineage, body.version)
    doc = store.get(head.plan_id)
    try:
        at_s = parse_time_s(body.at)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"at: {exc}; got {body.at!r}") from None
    scenario, matrices = _scenario(request, doc)
    late, events = _read_rows(body.events, body.late, scenario)
    try:
        res = replan_day(scenario, matrices, doc, at_s=at_s, late=late, events=events,
                         hold=body.hold)
    except (DataError, ModelError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    version = head.version + 1
    source = web.catalog.find(scenario.name).folder
    stem = REPLAN_SUFFIX.sub("", scenario.name) or scenario.name
    name = web.workspace.add_day(source, scenario, res.scenario,
                                 f"{stem}-p{lineage}v{version}", taken=web.catalog.names())
    new = plan_to_dict(replace(res.plan, scenario=name), replace(res.scenario, name=name))
    try:
        new_id = store.save_version(new, violations=len(res.violations), lineage_id=lineage,
                                    version=version, parent_id=head.plan_id,
                                    author=who.user.name)
    except StaleVersionError:
        web.workspace.remove(name)
        raise _conflict(store, lineage, body.version) from None
    return ReplanOut(plan_id=new_id, lineage_id=lineage, version=version, scenario=name,
                     plan=PlanDocument.model_validate(new),
                     violations=[ViolationOut(kind=v.kind, where=v.where, message=v.message)
                                 for v in res.violations],
                     changes=[ChangeOut(vehicle_id=c.vehicle_id, kind=c.kind,
                                        station_id=c.station_id, detail=c.detail,
                                        detail_zh=c.detail_zh)
                              for c in res.changes],
                     notes=list(res.notes), notes_zh=list(res.notes_zh))


def _saved(upload: UploadFile, folder: Path, name: str) -> Path:
    """The upload's bytes in ``folder`` under ``name``."""
    path = folder / name
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 16):
            out.write(chunk)
    return path


def _upload_name(upload: UploadFile) -> str:
    return Path((upload.filename or "upload").replace("\\", "/")).name or "upload"


UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "no such scenario"},
    413: {"model": ErrorOut, "description": "the upload is larger than the server takes"},
    422: {"model": RowErrorsOut, "description": "the table's problems, row by row (or, for "
                                                "an unsafe archive, why it was refused)"}}


@day_router.post("/scenarios/{name}/manifest", response_model=ScenarioCreated,
                 status_code=201, responses=UPLOAD_ERRORS)
def upload_manifest(name: str, request: Request, who: Editor,
                    file: Annotated[UploadFile, File(description="the day's demand table, "
                                                     ".xlsx or .csv")],
                    date: Annotated[str | None, Form(description="its day, YYYY-MM-DD "
                                                     "(default: today)")] = None
                    ) -> ScenarioCreated:
    """A day's manifest: scenario ``name`` with this demand table (its demand format: ``id``,
    ``station``, ``carrier``, ``direction``, ``parcels``, ``kg``, ``m3``, ``fresh``,
    ``ready``, or their Chinese headers) becomes a new scenario of the workspace, listed by
    GET /api/scenarios from then on. Every bad row is answered at once (422)."""
    web = _web(request)
    try:
        info = web.catalog.find(name)
    except DataError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    filename = _upload_name(file)
    suffix = Path(filename).suffix.lower()
    if suffix not in MANIFEST_SUFFIXES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"{filename}: a manifest must be an .xlsx or .csv table; got "
                            f"'{suffix or 'no suffix'}'")
    if date is not None:
        try:
            date = dt.date.fromisoformat(date).isoformat()
        except ValueError:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"date must be YYYY-MM-DD; got {date!r}") from None
    base, _ = web.catalog.load(info.name)
    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(file, Path(tmp), safe_name(Path(filename).stem) + suffix)
        try:
            new = web.workspace.add_manifest(info.folder, base, path,
                                             taken=web.catalog.names(), date=date)
        except ScenarioError as exc:
            errors = _row_errors(exc)
            for e in errors:  # the saved copy's name is the upload's, made safe
                e.file = filename if e.file == path.name else e.file
            raise RowErrors(RowErrorsOut(detail=f"{len(errors)} problem(s) in {filename}; "
                                                "no scenario was made", errors=errors)) \
                from None
    return ScenarioCreated(scenario=new)


@day_router.post("/scenarios", response_model=ScenarioCreated, status_code=201,
                 responses=UPLOAD_ERRORS)
def upload_scenario(request: Request, who: Editor,
                    file: Annotated[UploadFile, File(description="a scenario folder as .zip "
                                                     "or .tar.gz")]) -> ScenarioCreated:
    """A whole scenario folder as a .zip or .tar.gz: unpacked with the sweep archives' rules
    (no absolute paths, ``..``, links or devices; members, bytes and compression ratio
    limited, as declared and as unpacked), read confined to its folder, and added to the
    workspace under its scenario.toml's name (numbered when taken)."""
    from ..sweep.fetch import archive_suffix

    web = _web(request)
    filename = _upload_name(file)
    suffix = archive_suffix(filename)
    if suffix is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"{filename}: a scenario upload must be a .zip or .tar.gz archive "
                            "of its folder")
    label = f"uploaded archive '{filename}'"
    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(file, Path(tmp), f"upload{suffix}")
        try:
            new = web.workspace.add_archive(path, label, web.upload_limits,
                                            taken=web.catalog.names(), hint=_upload_hint)
        except FetchError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        except ScenarioError as exc:
            errors = _row_errors(exc)
            raise RowErrors(RowErrorsOut(detail=f"{len(errors)} problem(s) in the scenario "
                                                f"of {filename}; nothing was added",
                                         errors=errors)) from None
    return ScenarioCreated(scenario=new)


def _upload_hint(key: str) -> str:
    return (f"the server's upload limit; its administrator may raise it with "
            f"${LIMITS_ENV}=\"{key}=N\" when starting routing serve")
