"""Small helpers shared by tests that plant violations into plan documents."""

from __future__ import annotations

from typing import Any


def move_route(route: dict[str, Any], minutes: float) -> None:
    """Move a plan.json route and all its stop times earlier by ``minutes`` (later if < 0)."""
    for key in ("start_min", "end_min"):
        route[key] -= minutes
    for s in route["stops"]:
        for key in ("arrival_min", "start_min", "departure_min"):
            s[key] -= minutes
