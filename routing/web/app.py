"""The FastAPI application of ``routing serve``: :func:`create_app`."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..exceptions import RoutingError, StoreError
from ..io.limits import MB, Limits, default_limits
from ..store import PlanStore, absolute_url, open_store
from .api import Conflict, router
from .api_day import RowErrors, day_router
from .config import WebConfig
from .jobs import JobRunner
from .scenarios import ScenarioCatalog
from .workspace import Workspace, default_workspace

log = logging.getLogger(__name__)

#: Headers on every answer: no sniffing, no framing, no referrer, only our own scripts.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
#: The page: scripts from this server only. Styles may be inline too, for the map's own
#: (routing_map.js adds its stylesheet and colours each stop badge in a style attribute, as in
#: the reports); images may be OpenStreetMap's tiles (the base map offered under the map).
PAGE_CSP = ("default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
            "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; frame-ancestors 'none'")


class LineLocks:
    """One lock per line of edits, in this process: edits of one plan re-time one after the
    other, so that the second finds the first stored and is refused at once (409) instead of
    re-timing too and failing at the save. Other processes on the store still race; the
    store's unique (line, version) keeps them from overwriting each other."""

    def __init__(self) -> None:
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, lineage_id: int) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(lineage_id, threading.Lock())
        with lock:
            yield


@dataclass
class Web:
    """What the routes share: the configuration, the open store, the scenarios, the jobs,
    the locks of the lines of edits."""

    config: WebConfig
    store: PlanStore
    catalog: ScenarioCatalog
    runner: JobRunner
    workspace: Workspace
    upload_limits: Limits
    edits: LineLocks = field(default_factory=LineLocks)


def worker_store_url(store: PlanStore) -> str:
    """The store's URL as the Dask workers open it: a SQLite file by its absolute path.

    Raises
    ------
    StoreError
        An in-memory SQLite store (each process would get its own, empty).
    """
    url = store.url.render_as_string(hide_password=False)
    if store.url.get_backend_name() == "sqlite" and store.url.database in (None, "",
                                                                            ":memory:"):
        raise StoreError("routing serve needs a store the solve workers can open too: a "
                         "SQLite file or PostgreSQL, not an in-memory database")
    return absolute_url(url)


def is_upload(path: str) -> bool:
    """The routes that take a file: a scenario archive, a day's manifest."""
    return path == "/api/scenarios" or (path.startswith("/api/scenarios/")
                                        and path.endswith("/manifest"))


class _Limits:
    """ASGI middleware: refuse bodies over ``max_body`` bytes — ``max_upload`` for an upload
    route — (413) by their Content-Length, or while reading one sent without it; and add the
    security headers."""

    def __init__(self, app: Any, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        limit = self.max_upload if is_upload(path) else self.max_body
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > limit:
            return await _too_large(send, limit)
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        csp = DOCS_CSP if path.startswith("/api/docs") else PAGE_CSP

        async def headed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                extra.append((b"content-security-policy", csp.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, counted, headed)
        except _TooLarge:
            await _too_large(send, limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Any, limit: int) -> None:
    body = JSONResponse({"detail": f"request body larger than {limit} bytes"}, 413)
    await send({"type": "http.response.start", "status": 413,
                "headers": body.raw_headers})
    await send({"type": "http.response.body", "body": body.body})


def create_app(config: WebConfig | None = None) -> FastAPI:
    """The application: opens (creating or migrating) the plan store now; the Dask cluster
    starts with the first solve. Shutting the application down closes both."""
    config = config or WebConfig()
    store = open_store(config.store_url)
    try:
        runner = JobRunner(config, worker_store_url(store))
    except StoreError:
        store.close()
        raise
    workspace = Workspace(config.workspace or default_workspace(runner.store_url))
    limits = config.upload_limits or default_limits()
    limits = limits.replace({"max_download_mb": min(limits.max_download_mb,
                                                    config.max_upload_bytes / MB)})
    web = Web(config, store, ScenarioCatalog(config.scenarios, workspace.root), runner,
              workspace, limits)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        store.close()

    app = FastAPI(title="routing — dispatcher's workspace", version="0.1.0",
                  docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.web = web
    app.include_router(router)
    app.include_router(day_router)
    from .page import page_router

    app.include_router(page_router())
    app.add_exception_handler(Conflict, _on_conflict)  # type: ignore[arg-type]
    app.add_exception_handler(RowErrors, _on_row_errors)  # type: ignore[arg-type]
    app.add_exception_handler(RoutingError, _on_routing_error)  # type: ignore[arg-type]
    app.add_middleware(_Limits, max_body=config.max_body_bytes,
                       max_upload=config.max_upload_bytes)
    return app


async def _on_conflict(_request: Request, exc: Conflict) -> JSONResponse:
    return JSONResponse(exc.body.model_dump(), status_code=409)


async def _on_row_errors(_request: Request, exc: RowErrors) -> JSONResponse:
    return JSONResponse(exc.body.model_dump(), status_code=422)


async def _on_routing_error(_request: Request, exc: RoutingError) -> JSONResponse:
    code = 503 if isinstance(exc, StoreError) else 422
    return JSONResponse({"detail": str(exc)}, status_code=code)
