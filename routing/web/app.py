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
from ..store import PlanStore, absolute_url, open_store
from .api import Conflict, router
from .config import WebConfig
from .jobs import JobRunner
from .scenarios import ScenarioCatalog

log = logging.getLogger(__name__)

#: Headers on every answer: no sniffing, no framing, no referrer, only our own scripts.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
PAGE_CSP = ("default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org; "
            "style-src 'self'; script-src 'self'; frame-ancestors 'none'")
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


class _Limits:
    """ASGI middleware: refuse bodies over ``max_body`` bytes (413) — by their
    Content-Length, or while reading one sent without it — and add the security headers."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_body:
            return await _too_large(send, self.max_body)
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise _TooLarge
            return message

        path = scope.get("path", "")
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
            await _too_large(send, self.max_body)


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
    web = Web(config, store, ScenarioCatalog(config.scenarios), runner)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        store.close()

    app = FastAPI(title="routing — dispatcher's workspace", version="0.1.0",
                  docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.web = web
    app.include_router(router)
    from .page import page_router

    app.include_router(page_router())
    app.add_exception_handler(Conflict, _on_conflict)  # type: ignore[arg-type]
    app.add_exception_handler(RoutingError, _on_routing_error)  # type: ignore[arg-type]
    app.add_middleware(_Limits, max_body=config.max_body_bytes)
    return app


async def _on_conflict(_request: Request, exc: Conflict) -> JSONResponse:
    return JSONResponse(exc.body.model_dump(), status_code=409)


async def _on_routing_error(_request: Request, exc: RoutingError) -> JSONResponse:
    code = 503 if isinstance(exc, StoreError) else 422
    return JSONResponse({"detail": str(exc)}, status_code=code)
