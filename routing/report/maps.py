"""Maps of plans: the one import for callers (the CLI, notebooks, benchmarks, tests).

Two modules do the work: :mod:`routing.report.layers` builds the layer model (:class:`MapData`:
stations, vehicles, carriers, unserved stations as GeoJSON features, no HTML) from plan
documents and the scenario, and :mod:`routing.report.map_html` draws it as a self-contained
page (a Jinja2 template around the vendored Leaflet and ``assets/routing_map.js``). Where each
leg runs (along the roads or straight) is :mod:`routing.network.legs`.
"""

from __future__ import annotations

from ..network.legs import leg_geometry
from .layers import (
    LANGS,
    TIER_STYLE,
    UNSERVED_COLOR,
    Layer,
    MapData,
    carrier_names,
    comparison_map_data,
    depot_of,
    map_data,
    plan_legs,
    plans_map_data,
    row_subtitle,
    text,
    vehicle_type_name,
)
from .map_html import (
    TILES,
    MapParts,
    check_self_contained,
    map_page,
    page_map_data,
    render_comparison_map,
    render_map,
    tile_source,
    write_comparison_map,
    write_map,
)

__all__ = [
    "LANGS",
    "TIER_STYLE",
    "TILES",
    "UNSERVED_COLOR",
    "Layer",
    "MapData",
    "MapParts",
    "carrier_names",
    "check_self_contained",
    "comparison_map_data",
    "depot_of",
    "leg_geometry",
    "map_data",
    "map_page",
    "page_map_data",
    "plan_legs",
    "plans_map_data",
    "render_comparison_map",
    "render_map",
    "row_subtitle",
    "text",
    "tile_source",
    "vehicle_type_name",
    "write_comparison_map",
    "write_map",
]
