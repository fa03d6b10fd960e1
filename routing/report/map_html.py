"""``map.html``: a :class:`~routing.report.layers.MapData` drawn with Leaflet, one page, no CDN.

The page is the Jinja2 templates ``templates/map.html.j2`` (the page) and ``map_parts.html.j2``
(its head, body and script, which report.html embeds) around three vendored assets, inlined:
Leaflet (BSD-2-Clause), Leaflet.Sync (BSD-3-Clause, for two maps side by side) and our own
``assets/routing_map.js``, which draws the layers from the JSON of :meth:`MapData.to_json`
(styles, popups, tooltips, legend, title, layer control, tiles). Any other page can draw the
same map by loading Leaflet and that file and calling ``routingMap(element, json, options)``.

Only the map tiles come from a tile server: OpenStreetMap, or Amap (高德), whose tiles are drawn
in GCJ-02, so every coordinate is shifted to GCJ-02 for them (here, before the JSON goes into
the page; ``routing_map.js`` shifts WGS84 data itself when given Amap tiles).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..exceptions import DataError
from ..model import Scenario
from .layers import MapData, comparison_map_data, text

__all__ = [
    "TILES",
    "MapParts",
    "check_self_contained",
    "map_page",
    "page_map_data",
    "render_comparison_map",
    "render_map",
    "tile_source",
    "write_comparison_map",
    "write_map",
]

#: Tile sources: OpenStreetMap (WGS84), Amap/高德 (GCJ-02) or none (the layers alone).
TILES = ("osm", "amap", "none")
TILE_CRS = {"osm": "wgs84", "amap": "gcj02", "none": "wgs84"}

_HERE = Path(__file__).parent
_ASSETS = _HERE / "assets"
_NOTICES = {"L.Map.Sync.js": "/* Leaflet.Sync 0.2.4, https://github.com/jieter/Leaflet.Sync\n"
                             " * (c) 2013-2017 Bjorn Sandvik / Jan Pieter Waagmeester, "
                             "BSD-3-Clause */\n"}
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(_HERE / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True, slots=True)
class MapParts:
    """A rendered map (or two side by side) as the parts of a page: ``head`` (the inlined
    assets), ``body`` (the map elements and their JSON), ``script`` (the call that draws them),
    and the page ``title`` and ``lang``. :func:`map_page` makes the whole page; report.html
    puts the parts into its own."""

    head: str
    body: str
    script: str
    title: str
    lang: str

    def page(self) -> str:
        """The whole self-contained HTML page."""
        return map_page(self)


def tile_source(tiles: str, lang: str) -> dict[str, Any] | None:
    """The tile layer ``routingMap`` draws under the map (None for ``none``): URL template,
    name in ``lang``, attribution, subdomains, max zoom and the CRS its tiles are drawn in."""
    if tiles not in TILES:
        raise DataError(f"tiles must be one of {{{', '.join(TILES)}}}; got {tiles!r}")
    if tiles == "none":
        return None
    if tiles == "osm":
        return {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "name": text(lang, "osm"), "maxZoom": 19, "subdomains": "abc", "crs": "wgs84",
                "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
                               "OpenStreetMap</a> contributors"}
    return {"url": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang="
                    f"{'zh_cn' if lang == 'zh' else 'en'}&size=1&scale=1&style=8"
                    "&x={x}&y={y}&z={z}"),
            "name": text(lang, "amap"), "maxZoom": 18, "subdomains": "1234", "crs": "gcj02",
            "attribution": "&copy; 高德地图 AutoNavi"}


def script_json(value: Any) -> Markup:
    """JSON safe inside a <script> element (no ``<``, ``>``, ``&`` or ``'`` left), Chinese kept
    readable."""
    return Markup(json.dumps(value, ensure_ascii=False, separators=(",", ":"))
                  .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                  .replace("'", "\\u0027"))


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _inline_css(name: str) -> str:
    """A stylesheet with its ``url(images/….png)`` as data: URIs."""

    def data_uri(m: re.Match[str]) -> str:
        png = (_ASSETS / m.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, _asset(name))


def _inline_js(name: str) -> str:
    """A script without its source-map comment, its licence notice in front when it has none
    of its own."""
    js = re.sub(r"^//# sourceMappingURL=.*$", "", _asset(name), flags=re.M)
    if "</script" in js.lower():  # cannot happen with the vendored files; guards replacements
        raise RuntimeError(f"vendored script {name} contains '</script'")
    return _NOTICES.get(name, "") + js


@lru_cache(maxsize=2)
def _assets(sync: bool) -> dict[str, Markup | None]:
    return {"leaflet_css": Markup(_inline_css("leaflet.css")),
            "leaflet_js": Markup(_inline_js("leaflet.js")),
            "sync_js": Markup(_inline_js("L.Map.Sync.js")) if sync else None,
            "routing_js": Markup(_inline_js("routing_map.js"))}


def _render(maps: list[tuple[str, str, MapData]], tiles: str, title: str,
            lang: str) -> MapParts:
    source = tile_source(tiles, lang)
    crs = TILE_CRS[tiles]
    elements = [{"id": el_id, "cls": cls, "json": script_json(data.to_crs(crs).to_json())}
                for el_id, cls, data in maps]
    module: Any = _ENV.get_template("map_parts.html.j2").module
    options = script_json({"tiles": source})
    parts = MapParts(head=str(module.map_head(_assets(len(maps) == 2))),
                     body=str(module.map_body(elements)),
                     script=str(module.map_script(elements, options)), title=title, lang=lang)
    check_self_contained(parts.head + parts.body)
    return parts


def render_map(data: MapData, tiles: str = "osm") -> MapParts:
    """One map of ``data`` (coordinates shifted to GCJ-02 for Amap tiles)."""
    return _render([("routing-map", "", data)], tiles, data.title, data.lang)


def render_comparison_map(left: MapData, right: MapData, tiles: str = "osm") -> MapParts:
    """Two synchronised maps side by side: ``left`` (carriers alone), ``right`` (alliance)."""
    return _render([("routing-map-left", "left", left), ("routing-map-right", "right", right)],
                   tiles, f"{left.title} | {right.title}", left.lang)


def map_page(parts: MapParts) -> str:
    """The whole self-contained HTML page of a rendered map or pair of maps."""
    page = _ENV.get_template("map.html.j2").render(
        title=parts.title, lang=parts.lang, head=Markup(parts.head), body=Markup(parts.body),
        script=Markup(parts.script))
    check_self_contained(page)
    return page


_DATA = re.compile(r'<script type="application/json" id="[\w-]+-data">(.*?)</script>', re.S)


def page_map_data(page: str) -> list[dict[str, Any]]:
    """The :meth:`MapData.to_json` of each map a page draws, in order (left, right): what
    checks and tools read back from a written map.html or report.html."""
    return [json.loads(m) for m in _DATA.findall(page)]


_EXTERNAL = re.compile(r"<script[^>]*\ssrc=|<link[^>]*\shref=\s*[\"']?(?:https?:)?//", re.I)


def check_self_contained(page: str) -> None:
    """Raise if an HTML page would load a script or stylesheet from elsewhere."""
    m = _EXTERNAL.search(page)
    if m:
        raise RuntimeError(f"page is not self-contained: {page[m.start():m.start() + 120]!r}")


def write_map(data: MapData, path: Path, *, tiles: str = "osm") -> Path:
    """Write ``map.html`` for one plan's :class:`MapData`."""
    path = Path(path)
    path.write_text(map_page(render_map(data, tiles)), encoding="utf-8")
    return path


def write_comparison_map(result: dict[str, Any], scenario: Scenario, path: Path, *,
                         lang: str = "zh", tiles: str = "osm",
                         data: tuple[MapData, MapData] | None = None) -> Path:
    """Write the side-by-side map of a comparison (carriers alone | main alliance variant);
    ``data`` is :func:`~routing.report.layers.comparison_map_data`'s result when already at
    hand."""
    left, right = data or comparison_map_data(result, scenario, lang=lang)
    path = Path(path)
    path.write_text(map_page(render_comparison_map(left, right, tiles)), encoding="utf-8")
    return path
