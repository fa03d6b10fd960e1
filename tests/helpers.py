"""Small helpers shared by tests: planting violations into plan documents, reading maps back."""

from __future__ import annotations

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
