"""Small helpers shared by tests: planting violations into plan documents, reading maps back,
running `routing serve` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def move_route(route: dict[str, Any], minutes: float) -> None:
    """Move a plan.json route and all its stop times earlier by ``minutes`` (later if < 0)."""
    for key in ("start_min", "end_min"):
        route[key] -= minutes
    for s in route["stops"]:
        for key in ("arrival_min", "start_min", "departure_min"):
            s[key] -= minutes


def routes_drawn(page: str) -> int:
    """How many route lines a written map.html or report.html draws (every map on it)."""
    from routing.report.map_html import page_map_data

    return sum(f["properties"]["kind"] == "route"
               for m in page_map_data(page) for la in m["layers"] for f in la["features"])


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(store_url: str, scenarios: Path, log: Path, root: Path) -> Iterator[str]:
    """`routing serve` (this checkout's, ``root`` on PYTHONPATH) on a free port with
    ``store_url`` and ``scenarios``, its output in ``log``; its base URL once it answers
    (60 s at most); stopped afterwards."""
    import httpx2 as httpx

    port = free_port()
    env = os.environ | {"PYTHONPATH": str(root)}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "routing", "serve", "--port", str(port),
                                 "--store", store_url, "--scenarios", str(scenarios)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
