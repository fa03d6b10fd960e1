"""The /api routes: login, accounts, scenarios, solve jobs (with server-sent progress), plans,
their history, re-timing an edit, and the routes.xlsx export."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from ..exceptions import DataError, ModelError, StoreError
from ..store import PlanStore, StaleVersionError
from ..store import accounts as acc
from .auth import COOKIE, PERMISSIONS, Caller, caller, need
from .jobs import Around
from .models import (
    ConflictOut,
    ErrorOut,
    JobCreated,
    JobOut,
    LoginIn,
    LoginOut,
    MapOut,
    MeOut,
    OkOut,
    PlanDocument,
    PlanIn,
    PlanSummary,
    RetimeIn,
    RetimeOut,
    ScenarioOut,
    UserIn,
    UserOut,
    VehicleOut,
    VersionOut,
    ViolationOut,
)
from .views import carrier_map, carrier_view, changes_between

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "not logged in"},
    403: {"model": ErrorOut, "description": "missing CSRF token, or the role may not"},
}
router = APIRouter(prefix="/api", responses=ERRORS)

# Who may call a route, as the type of its caller parameter (auth.py).
Anyone = Annotated[Caller, Depends(caller)]
Reader = Annotated[Caller, Depends(need("read", "read_own"))]
FullReader = Annotated[Caller, Depends(need("read"))]
Runner = Annotated[Caller, Depends(need("run"))]
Editor = Annotated[Caller, Depends(need("edit"))]
Admin = Annotated[Caller, Depends(need("admin"))]
#: The language of an export or a map.
Lang = Annotated[Literal["zh", "en"], Query(description="zh (default) or en")]


def _web(request: Request) -> Any:
    return request.app.state.web


def _store(request: Request) -> PlanStore:
    return _web(request).store


@router.post("/login", response_model=LoginOut,
             responses={429: {"model": ErrorOut, "description": "too many failed logins"}})
def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    """Log in: a session cookie (HttpOnly, SameSite=Strict) and the CSRF token to send back
    as the X-CSRF-Token header on every POST, PUT and DELETE. 401 when wrong; 429 after
    5 failures for one account from one address within 5 minutes."""
    store = _store(request)
    address = request.client.host if request.client else "unknown"
    if acc.login_failures(store, body.username, address) >= acc.LOGIN_FAILURES:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            f"too many failed logins for '{body.username}'; try again in "
                            f"{acc.LOGIN_WINDOW_S // 60} minutes",
                            headers={"Retry-After": str(acc.LOGIN_WINDOW_S)})
    user = acc.authenticate(store, body.username, body.password)
    if user is None:
        acc.record_failure(store, body.username, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong account name or password")
    acc.clear_failures(store, body.username, address)
    token, csrf = acc.open_session(store, user)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https",
                        max_age=int(acc.SESSION_H * 3600))
    return LoginOut(csrf_token=csrf, user=UserOut(name=user.name, role=user.label))


@router.post("/logout", response_model=OkOut)
def logout(request: Request, response: Response, who: Anyone) -> OkOut:
    """End the session."""
    acc.close_session(_store(request), who.token)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return OkOut()


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, _who: Anyone) -> dict[str, Any]:
    """The OpenAPI document (logged-in callers only, like every /api route but login)."""
    return request.app.openapi()


@router.get("/docs", include_in_schema=False)
def docs(_who: Anyone) -> Response:
    """Swagger UI on the OpenAPI document (logged-in callers only)."""
    from fastapi.openapi.docs import get_swagger_ui_html

    return get_swagger_ui_html(openapi_url="/api/openapi.json",
                               title="routing — API")


@router.get("/me", response_model=MeOut)
def me(who: Anyone) -> MeOut:
    """The logged-in account, its CSRF token and what it may do."""
    return MeOut(name=who.user.name, role=who.user.label, csrf_token=who.csrf,
                 can=sorted(PERMISSIONS.get(who.user.role, ())))


@router.get("/users", response_model=list[UserOut])
def list_users(request: Request, _who: Admin) -> list[UserOut]:
    """Every account (admin)."""
    return [UserOut(name=u.name, role=u.label) for u in acc.users(_store(request))]


@router.post("/users", response_model=UserOut, status_code=201,
             responses={422: {"model": ErrorOut}})
def add_user(body: UserIn, request: Request, _who: Admin) -> UserOut:
    """Create an account (admin)."""
    try:
        user = acc.add_user(_store(request), body.name, body.role, body.password)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return UserOut(name=user.name, role=user.label)


@router.get("/scenarios", response_model=list[ScenarioOut])
def scenarios(request: Request, _who: Anyone) -> list[ScenarioOut]:
    """The scenarios the workspace offers (folders under --scenarios)."""
    return [ScenarioOut(name=i.name, title=i.title, date=i.date)
            for i in _web(request).catalog.list()]


@router.post("/plans", response_model=JobCreated, status_code=202, responses={
    404: {"model": ErrorOut}, 409: {"model": ConflictOut, "description": "the reference plan "
                                    "is not the current version of its line"},
    422: {"model": ErrorOut, "description": "locks the reference plan cannot give"}})
def start_plan(body: PlanIn, request: Request, who: Runner
               ) -> JobCreated:
    """Start a solve on the Dask cluster; its progress at /api/jobs/{job}. With
    ``reference_plan`` (dispatchers and admins): re-optimise around that plan, the locked
    vehicles keeping their routes exactly and the locked stops their vehicle, the rest planned
    close to it; the plan is stored as the reference's next version (the job fails, storing
    nothing, if another edit takes that version first)."""
    web = _web(request)
    try:
        info = web.catalog.find(body.scenario)
    except DataError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    around = _around(request, body, who, info.name)
    job = web.runner.submit(web.store, scenario=info.name, folder=info.folder,
                            time_limit_s=body.time_limit_s, user_id=who.user.id,
                            author=who.user.name, around=around)
    return JobCreated(job=job)


def _around(request: Request, body: PlanIn, who: Caller, scenario_name: str) -> Around | None:
    """The reference and locks of a re-optimisation, built and checked here (as ``routing
    plan --reference --lock`` does) so a bad lock is answered at once; None for a plain
    solve."""
    from ..io.edited import locked_routes
    from ..pipeline import Locks, reference_from_plan

    if body.reference_plan is None:
        if body.lock_vehicles or body.lock_stops:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                "lock_vehicles and lock_stops need reference_plan (the plan "
                                "whose routes and stops to keep)")
        return None
    if not who.can("edit"):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the role {who.user.label} may not re-optimise a plan around "
                            "locks (needs edit)")
    store = _store(request)
    ref_doc = _document(store, body.reference_plan)
    v = store.version(body.reference_plan)
    head = store.head(v.lineage_id)
    if head.plan_id != body.reference_plan:
        raise _conflict(store, v.lineage_id, v.version)
    scenario, _ = _web(request).catalog.load(scenario_name)
    ref_map = reference_from_plan(ref_doc)
    try:
        routes = locked_routes(ref_doc, list(dict.fromkeys(body.lock_vehicles)), scenario,
                               source=f"plan {body.reference_plan}") \
            if body.lock_vehicles else []
    except DataError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            str(exc).replace("--lock: ", "lock_vehicles: ", 1)) from None
    missing = [st for st in body.lock_stops if st not in ref_map]
    if missing:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"lock_stops: {', '.join(repr(s) for s in missing)} on no route of "
                            f"plan {body.reference_plan}")
    locks = Locks(routes=tuple(routes), stops={st: ref_map[st] for st in body.lock_stops}) \
        if routes or body.lock_stops else None
    return Around(reference=ref_map, locks=locks, lineage_id=v.lineage_id,
                  version=head.version + 1, parent_id=head.plan_id)


def _job_out(job: acc.Job) -> JobOut:
    return JobOut(id=job.id, scenario=job.scenario, state=job.state,  # type: ignore[arg-type]
                  stage=job.stage, progress=job.progress, best_cost=job.best_cost,
                  message=job.message, plan_id=job.plan_id, violations=job.violations,
                  created_at=job.created_at, updated_at=job.updated_at)


def _job(store: PlanStore, job_id: str) -> acc.Job:
    job = acc.get_job(store, job_id[:64])
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"job '{job_id[:64]}': no such job")
    return job


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(request: Request, _who: Runner) -> list[JobOut]:
    """The newest solve jobs first."""
    return [_job_out(j) for j in acc.recent_jobs(_store(request))]


@router.get("/jobs/{job_id}", response_model=JobOut, responses={404: {"model": ErrorOut}})
def job_state(job_id: str, request: Request, _who: Runner) -> JobOut:
    """A job's state (queued, running, done, failed), stage, progress 0..1, best cost so far
    and, when done, the stored plan's id."""
    return _job_out(_job(_store(request), job_id))


@router.get("/jobs/{job_id}/events", responses={
    200: {"content": {"text/event-stream": {}},
          "description": "`progress` events with the job (as GET /api/jobs/{id}), then one "
                         "`done` or `failed`"},
    404: {"model": ErrorOut}})
async def job_events(job_id: str, request: Request, _who: Runner
                     ) -> StreamingResponse:
    """The job's progress as server-sent events until it is done or failed."""
    store = _store(request)
    await run_in_threadpool(_job, store, job_id)
    return StreamingResponse(_events(request, store, job_id), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _events(request: Request, store: PlanStore, job_id: str) -> Any:
    last, quiet = "", 0.0
    while True:
        job = await run_in_threadpool(_job, store, job_id)
        data = _job_out(job).model_dump_json()
        final = job.state in ("done", "failed")
        if data != last or final:
            yield f"event: {job.state if final else 'progress'}\ndata: {data}\n\n"
            last, quiet = data, 0.0
        if final or await request.is_disconnected():
            return
        await asyncio.sleep(0.25)
        quiet += 0.25
        if quiet >= 15:
            yield ": still working\n\n"
            quiet = 0.0


def _document(store: PlanStore, plan_id: int) -> dict[str, Any]:
    try:
        return store.get(plan_id)
    except StoreError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"plan {plan_id}: no such plan") \
            from None


def _scenario(request: Request, doc: dict[str, Any]) -> tuple[Any, Any]:
    name = doc["scenario"]["name"]
    try:
        return _web(request).catalog.load(name)
    except DataError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"the plan's scenario cannot be read here: {exc}") from None


def _visible(request: Request, who: Caller, doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the caller may see it: whole, or a carrier's own lines."""
    if who.can("read"):
        return doc
    scenario, _ = _scenario(request, doc)
    return carrier_view(doc, scenario, who.user.carrier_id or "")


@router.get("/plans", response_model=list[PlanSummary])
def history(request: Request, who: Reader, scenario: str | None = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[PlanSummary]:
    """The plan store's history, newest first, at most ``limit`` plans (carrier accounts:
    without totals)."""
    store = _store(request)
    plans = store.history(scenario=scenario)[::-1][:limit]
    versions = store.versions([p.id for p in plans])
    out = []
    for p in plans:
        v = versions[p.id]
        line = PlanSummary(id=p.id, scenario=p.scenario, plan_date=p.plan_date,
                           created_at=p.created_at, lineage_id=v.lineage_id, version=v.version,
                           author=v.author)
        if who.can("read"):
            line = line.model_copy(update={
                "engine": p.engine, "status": p.status, "cost": p.cost,
                "distance_km": p.distance_km, "vehicles": p.vehicles, "stops": p.stops,
                "unserved": p.unserved, "violations": p.violations})
        out.append(line)
    return out


@router.get("/plans/{plan_id}", response_model=PlanDocument,
            responses={404: {"model": ErrorOut}})
def plan(plan_id: int, request: Request, who: Reader
         ) -> dict[str, Any] | Response:
    """The plan.json document (a carrier account: only its own lines)."""
    if who.can("read"):  # the whole document: the stored JSON as it is, not re-encoded
        try:
            return Response(_store(request).get_json(plan_id), media_type="application/json")
        except StoreError:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"plan {plan_id}: no such plan") \
                from None
    return _visible(request, who, _document(_store(request), plan_id))


@router.get("/plans/{plan_id}/version", response_model=VersionOut,
            responses={404: {"model": ErrorOut}})
def version(plan_id: int, request: Request, _who: Reader
            ) -> VersionOut:
    """Where the plan stands in its line of edits, and the version now current."""
    found = _store(request).position(plan_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"plan {plan_id}: no such plan")
    v, head = found
    return VersionOut(plan_id=plan_id, lineage_id=v.lineage_id, version=v.version,
                      current_version=head.version, current_plan_id=head.plan_id,
                      author=v.author, created_at=v.created_at)


class Conflict(Exception):
    """An edit of a stale version: answered 409 with :class:`ConflictOut` (see app.py)."""

    def __init__(self, body: ConflictOut) -> None:
        super().__init__(body.detail)
        self.body = body


@functools.lru_cache(maxsize=64)
def _changes(store: PlanStore, base_id: int, head_id: int) -> tuple[str, ...]:
    """What changed between two stored plans, kept: a stored plan never changes, and the
    edits refused on one version all ask about the same two."""
    return tuple(changes_between(store.get(base_id), store.get(head_id)))


def _conflict(store: PlanStore, lineage: int, edited: int) -> Conflict:
    """409: the edit was made on version ``edited``; say what is current and what changed."""
    line = store.line(lineage)
    head = line[-1]
    base = next((v for v in line if v.version == edited), None)
    changes = [] if base is None else list(_changes(store, base.plan_id, head.plan_id))
    when = head.created_at.strftime("%H:%M:%S UTC") if head.created_at else "earlier"
    who = f" by {head.author}" if head.author else ""
    what = "; ".join(changes) if changes else "no route changed (re-timed only)"
    text = (f"plan {lineage} is at version {head.version} (plan {head.plan_id}, saved{who} at "
            f"{when}); your edit was made on version {edited}. "
            + (f"Changed since: {what}. " if base is not None else "")
            + "Reload the plan and make the edit again.")
    return Conflict(ConflictOut(detail=text, current_version=head.version,
                                current_plan_id=head.plan_id, changes=changes))


@router.post("/plans/{plan_id}/retime", response_model=RetimeOut, responses={
    404: {"model": ErrorOut}, 409: {"model": ConflictOut, "description": "stale version"},
    422: {"model": ErrorOut, "description": "routes that cannot mean a plan"}})
def retime(plan_id: int, body: RetimeIn, request: Request,
           who: Editor) -> Response:
    """Re-time the dispatcher's routes (order and vehicles kept), check them with the
    independent checker and store the result as the next version. An edit of a version that
    is no longer current is refused (409) with what changed."""
    from ..io.edited import routes_from_doc
    from ..io.plan_json import plan_to_dict
    from ..pipeline import retime_plan

    store = _store(request)
    if not store.has(plan_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"plan {plan_id}: no such plan")
    lineage = store.version(plan_id).lineage_id
    if body.version != store.head(lineage).version:
        raise _conflict(store, lineage, body.version)
    with _web(request).edits.hold(lineage):  # this line's edits: one at a time
        head = store.head(lineage)
        if body.version != head.version:
            raise _conflict(store, lineage, body.version)
        scenario, matrices = _scenario(request, _document(store, plan_id))
        try:
            edited = routes_from_doc(body.model_dump(), scenario, source="routes")
            result = retime_plan(scenario, matrices, edited,
                                 source=f"plan {head.plan_id} v{head.version}")
        except (DataError, ModelError) as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        new = plan_to_dict(result.plan, scenario)
        try:
            new_id = store.save_version(new, violations=len(result.violations), lineage_id=lineage,
                                        version=head.version + 1, parent_id=head.plan_id,
                                        author=who.user.name)
        except StaleVersionError:
            raise _conflict(store, lineage, body.version) from None
        out = RetimeOut(plan_id=new_id, lineage_id=lineage, version=head.version + 1,
                        plan=PlanDocument.model_validate(new),
                        violations=[ViolationOut(kind=v.kind, where=v.where, message=v.message)
                                    for v in result.violations])
        return Response(out.model_dump_json(), media_type="application/json")  # encoded once


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/plans/{plan_id}/routes.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}}, 404: {"model": ErrorOut}})
def routes_xlsx(plan_id: int, request: Request, _who: FullReader, lang: Lang = "zh"
                ) -> Response:
    """routes.xlsx of the plan: summary, a route sheet per vehicle, loading lists."""
    from ..report.tables import write_routes_xlsx

    doc = _document(_store(request), plan_id)
    scenario, _ = _scenario(request, doc)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "routes.xlsx"
        write_routes_xlsx(doc, scenario, path, lang=lang)
        data = path.read_bytes()
    name = f"routes-{doc['scenario']['name']}-{plan_id}.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


#: Maps kept per server process (a stored plan never changes): (plan, lang, view) → JSON.
MAP_CACHE_SIZE = 64


@router.get("/plans/{plan_id}/map", response_model=MapOut,
            responses={404: {"model": ErrorOut}})
def plan_map(plan_id: int, request: Request, who: Reader, lang: Lang = "zh"
             ) -> dict[str, Any]:
    """The plan's map: stations, one layer per vehicle (route lines and numbered stops), one
    per carrier, the unserved stations — the JSON the reports' map script draws. A carrier
    account gets its own stops only (no other carrier's stations, names or amounts, and no
    distance, cost or load, which every carrier on the vehicle shares)."""
    from ..report.layers import map_data

    doc = _document(_store(request), plan_id)
    view = "all" if who.can("read") else f"carrier:{who.user.carrier_id or ''}"
    cache: OrderedDict[tuple[int, str, str], dict[str, Any]] = _map_cache(request)
    key = (plan_id, lang, view)
    found = cache.get(key)
    if found is not None:
        return found
    scenario, matrices = _scenario(request, doc)
    if view == "all":
        data = map_data(doc, scenario, lang=lang, matrices=matrices).to_json()
    else:
        data = carrier_map(doc, scenario, who.user.carrier_id or "", lang=lang,
                           matrices=matrices)
    cache[key] = data
    while len(cache) > MAP_CACHE_SIZE:
        cache.popitem(last=False)
    return data


def _map_cache(request: Request) -> Any:
    state = request.app.state
    if not hasattr(state, "map_cache"):
        state.map_cache = OrderedDict()
    return state.map_cache


PDF = "application/pdf"


@router.get("/plans/{plan_id}/violations", response_model=list[ViolationOut],
            responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}})
def plan_violations(plan_id: int, request: Request, _who: FullReader) -> list[ViolationOut]:
    """What the independent checker finds in the stored plan against its scenario, hard
    kinds first (an empty list: none) — so a plan opened later shows what breaks the rules
    as it did right after its edit (dispatchers, planners, admins)."""
    from ..evaluate.check import check_plan, hard_first

    doc = _document(_store(request), plan_id)
    scenario, matrices = _scenario(request, doc)
    return [ViolationOut(kind=v.kind, where=v.where, message=v.message)
            for v in hard_first(check_plan(doc, scenario, matrices))]


@router.get("/plans/{plan_id}/fleet", response_model=list[VehicleOut],
            responses={404: {"model": ErrorOut}})
def plan_fleet(plan_id: int, request: Request, _who: FullReader, lang: Lang = "zh"
               ) -> list[VehicleOut]:
    """Every vehicle of the plan's scenario that may drive it (the direct structure's fleet,
    in the fleet's order), with ``used`` false for those the plan leaves idle (dispatchers,
    planners, admins: a carrier sees no fleet)."""
    from ..pipeline.echelons import direct_types
    from ..report.layers import vehicle_type_name

    doc = _document(_store(request), plan_id)
    scenario, _ = _scenario(request, doc)
    used = {r["vehicle_id"] for r in doc["routes"]}
    fleet = dataclasses.replace(scenario, vehicle_types=direct_types(scenario)).vehicles()
    return [VehicleOut(vehicle_id=vid, vehicle_type=vt.id,
                       type_name=vehicle_type_name(scenario, vt.id, lang), depot_id=vt.depot_id,
                       capacity_parcels=vt.capacity_parcels, capacity_kg=vt.capacity_kg,
                       fresh_capacity_kg=vt.fresh_capacity_kg, used=vid in used)
            for vid, vt in fleet]


@router.get("/plans/{plan_id}/route_sheets.pdf", response_class=Response,
            responses={200: {"content": {PDF: {}}}, 404: {"model": ErrorOut}})
def route_sheets(plan_id: int, request: Request, _who: FullReader, lang: Lang = "zh"
                 ) -> Response:
    """route_sheets.pdf of the plan: one printable sheet per vehicle with its stops, times,
    parcels per carrier and loading lists (dispatchers, planners, admins)."""
    from ..report.route_pdf import route_sheets_pdf

    doc = _document(_store(request), plan_id)
    scenario, _ = _scenario(request, doc)
    with tempfile.TemporaryDirectory() as tmp:
        path = route_sheets_pdf(doc, scenario, Path(tmp) / "route_sheets.pdf", lang=lang)
        data = path.read_bytes()
    name = f"route_sheets-{doc['scenario']['name']}-{plan_id}.pdf"
    return Response(data, media_type=PDF,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
