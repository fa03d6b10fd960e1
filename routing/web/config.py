"""What ``routing serve`` is started with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..io.limits import Limits

#: The bundled scenarios (a source checkout's ``scenarios/``).
BUNDLED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: Largest request body accepted, in bytes (edited routes of a large county fit easily).
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Largest upload (a day's manifest, a scenario archive), in bytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class WebConfig:
    """``store_url``: the plan store (None: its default); ``scenarios``: the folder whose
    subfolders are the scenarios offered; ``scheduler``: a Dask scheduler's address (None: a
    LocalCluster of ``workers`` single-threaded processes, started at the first solve);
    ``solution_limit`` and ``seed``: passed to every solve (tests: deterministic plans);
    ``workspace``: the folder of the server's own scenarios — uploaded manifests and
    archives, re-planned days (None: next to the store, see
    :func:`routing.web.workspace.default_workspace`); ``max_body_bytes``: the largest request
    body, ``max_upload_bytes`` the largest upload; ``upload_limits``: what an uploaded archive
    may unpack to (None: the sweep archives' limits, ``$ROUTING_FETCH_LIMITS``)."""

    store_url: str | None = None
    scenarios: Path = BUNDLED_SCENARIOS
    scheduler: str | None = None
    workers: int = 1
    solution_limit: int | None = None
    seed: int | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    workspace: Path | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    upload_limits: Limits | None = None
