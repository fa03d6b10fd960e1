"""map.html and report.html in real headless Chromium (Debian's, /usr/bin/chromium).

Every request that leaves the file (only map tiles should) is blocked and recorded, so the
tests never depend on the network: a blocked tile is an image that fails to load, not a script
error. Any page script error, any console error other than those tiles, and any blocked request
that is not a tile image fails the test. Then the route lines must be drawn: one SVG path per
route, with a non-empty outline, and a click on one opens its popup.

Without /usr/bin/chromium the tests skip, except when the environment variable CI is set
(.ci/run sets it and installs Chromium): then they fail.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from routing.report import dispatch, maps
from routing.report.comparison import write_comparison

from ..conftest import browser_unavailable

pytestmark = pytest.mark.browser

TILE_HOSTS = re.compile(r"^https://(tile\.openstreetmap\.org|webrd0[1-4]\.is\.autonavi\.com)/")


class Opened:
    """A page loaded from a file, with what went wrong on it."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.blocked: list[tuple[str, str]] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("console", self._console)
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function("() => window.L !== undefined")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append((route.request.resource_type, url))
            route.abort()

    def _console(self, msg: Any) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "")
        if msg.text.startswith("Failed to load resource") and TILE_HOSTS.match(url):
            return  # a tile we blocked: an image that did not load, not a script error
        self.errors.append(f"console error: {msg.text} ({url})")

    def check_clean(self) -> None:
        assert self.errors == []
        assert all(kind == "image" and TILE_HOSTS.match(url) for kind, url in self.blocked), \
            self.blocked

    def drawn_routes(self, scope: str = "") -> list[dict[str, float]]:
        """Each route line's outline: its SVG path length and box."""
        return self.page.eval_on_selector_all(
            f"{scope} path.route-line".strip(),
            "els => els.map(e => { const b = e.getBBox();"
            " return {len: e.getAttribute('d').length, w: b.width, h: b.height}; })")


def _assert_lines(drawn: list[dict[str, float]], n: int) -> None:
    assert len(drawn) == n
    assert all(d["len"] > 10 and d["w"] + d["h"] > 20 for d in drawn), drawn


def test_map_opens_without_errors_and_draws_the_routes(browser, roads_plan, tmp_path):
    """map.html of the road scenario: no script error, one drawn line per route, a badge per
    stop point, the legend, and a route's popup on click."""
    doc, sc = roads_plan
    data = maps.map_data(doc, sc)
    path = maps.write_map(data, tmp_path / "map.html")
    opened = Opened(browser, path)
    page = opened.page
    _assert_lines(opened.drawn_routes(), len(doc["routes"]))
    assert page.locator("path.leaflet-interactive").count() >= len(doc["routes"])
    points = {(f["properties"]["vehicle_id"], tuple(f["geometry"]["coordinates"]))
              for f in data.features("stop")}
    assert page.locator(".stop-icon .stop-badge").count() == len(points)
    assert page.locator("path.station").count() == len(data.layer("stations").features)
    assert page.locator(".routing-legend").count() == 1
    assert "配送计划" in page.locator(".routing-title").inner_text()
    assert page.locator(".leaflet-control-layers-overlays label").count() == len(data.layers)
    page.locator("path.route-line").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    assert doc["routes"][0]["vehicle_id"] in popup.inner_text()
    opened.check_clean()
    assert opened.blocked, "the OpenStreetMap tiles were requested (and blocked)"


def test_report_opens_without_errors_and_draws_the_routes(browser, county_plan, tmp_path):
    """report.html of the two-echelon plan: no script error, the embedded map has every
    route line and a visible size, a route sheet per vehicle, and it prints to PDF."""
    doc, sc = county_plan
    data = maps.map_data(doc, sc)
    path = dispatch.write_report(doc, sc, tmp_path / "report.html", data, violations=0)
    opened = Opened(browser, path)
    page = opened.page
    _assert_lines(opened.drawn_routes(".map-box"), len(doc["routes"]))
    box = page.locator(".map-box .routing-map").bounding_box()
    assert box is not None and box["height"] > 300 and box["width"] > 600
    vehicles = {r["vehicle_id"] for r in doc["routes"]}
    assert page.locator("section.sheet[data-vehicle]").count() == len(vehicles)
    assert page.locator("path.unserved").count() == len(doc["unserved"])
    assert page.pdf(format="A4")[:4] == b"%PDF"
    opened.check_clean()


A4_CONTENT_MM = (210 - 2 * 12, 297 - 2 * 12)  # the report's @page: A4, 12 mm margins


@pytest.mark.parametrize("landscape", [False, True])
def test_report_prints_a_page_per_vehicle_without_clipping(browser, xia_plan, tmp_path,
                                                           monkeypatch, landscape):
    """The default county's report.html printed to A4 PDF: the cover (figures, map, totals)
    and one page per vehicle, at most two more pages in all; in print media every route
    sheet's table lies inside the page's printable width (portrait or its landscape page), no
    cell overflows, and the signature column is inside the table. Forced to landscape (as when
    many carriers need the width), the sheets print on landscape pages and fit those."""
    import io

    from pypdf import PdfReader

    from routing.report import sheets

    if landscape:
        monkeypatch.setitem(sheets.LAYOUT, "carrier_min", 30.0)
    doc, sc = xia_plan
    data = maps.map_data(doc, sc)
    path = dispatch.write_report(doc, sc, tmp_path / "report.html", data, tiles="none",
                                 violations=0)
    opened = Opened(browser, path)
    page = opened.page
    page.emulate_media(media="print")
    vehicles = {r["vehicle_id"] for r in doc["routes"]}
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in pdf.pages]
    assert sizes[0] == (595, 842)  # the cover
    if landscape:
        assert set(sizes[1:]) == {(842, 595)}
    else:
        assert len(pdf.pages) <= len(vehicles) + 2, len(pdf.pages)
    px_per_mm = 96 / 25.4
    tables = page.evaluate("""() => [...document.querySelectorAll('table.route-sheet')].map(t => {
        const r = t.getBoundingClientRect();
        const sign = t.querySelector('thead th.sign').getBoundingClientRect();
        const over = [...t.querySelectorAll('td, th')]
            .filter(c => c.scrollWidth > c.clientWidth + 1).length;
        return {landscape: t.closest('section.sheet').classList.contains('landscape'),
                width: r.width, scroll: t.scrollWidth, over: over,
                sign_right: sign.right - r.left, sign_width: sign.width}; })""")
    assert len(tables) == len(doc["routes"])
    assert all(t["landscape"] is landscape for t in tables)
    for t in tables:
        limit = (A4_CONTENT_MM[1] if t["landscape"] else A4_CONTENT_MM[0]) * px_per_mm + 1
        assert t["width"] <= limit and t["scroll"] <= limit, t
        assert t["over"] == 0, t
        assert t["sign_width"] > 15 * px_per_mm and t["sign_right"] <= t["width"] + 1, t
    opened.check_clean()


def test_another_page_draws_the_same_json_with_routing_map_js(browser, tiny_plan, tmp_path):
    """routing_map.js is reusable: a page of its own that loads Leaflet and that file and
    passes MapData.to_json() (WGS84) with Amap tiles gets every point shifted to GCJ-02 as
    routing.io.coords does, the stations drawn, and a popup per stop."""
    import json

    import numpy as np

    from routing.io.coords import wgs84_to_gcj02
    from routing.report.map_html import script_json, tile_source

    doc, sc = tiny_plan
    data = maps.map_data(doc, sc)
    assets = Path(maps.__file__).parent / "assets"
    js = "".join(f"<script>{(assets / n).read_text(encoding='utf-8')}</script>"
                 for n in ("leaflet.js", "routing_map.js"))
    path = tmp_path / "mine.html"
    path.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{js}</head><body>'
        '<div id="m" style="height:600px"></div><script>window.drawn = routingMap("m", '
        f"{script_json(data.to_json())}, {json.dumps({'tiles': tile_source('amap', 'zh')})});"
        "</script></body></html>", encoding="utf-8")
    opened = Opened(browser, path)
    got = opened.page.evaluate("""() => { const out = {};
        window.drawn.eachLayer(l => { if (l.feature && l.feature.geometry.type === "Point"
            && l instanceof L.CircleMarker && /^station/.test(l.options.className)) {
            out[l.getTooltip().getContent()] = [l.getLatLng().lng, l.getLatLng().lat]; } });
        return out; }""")
    stations = data.layer("stations").features
    assert len(got) == len(stations)
    for f in stations:
        p = f["properties"]
        lon, lat = (float(v) for v in wgs84_to_gcj02(*f["geometry"]["coordinates"]))
        np.testing.assert_allclose(got[f"{p['station_name']} ({p['tier_label']})"], [lon, lat],
                                   atol=1e-7)
    assert opened.page.locator(".stop-icon .stop-badge").count() >= 1
    opened.page.locator(".stop-icon").first.click()
    opened.page.locator(".routing-popup").wait_for(timeout=5000)
    assert "到达" in opened.page.locator(".routing-popup").inner_text()
    opened.check_clean()


def test_comparison_map_and_report_side_by_side(browser, duo_compare, tmp_path):
    """The compare outputs: two synchronised maps, the carriers' own routes on the left and the
    alliance's on the right, without script errors."""
    result, sc = duo_compare
    cdoc = write_comparison(result, tmp_path)
    left, right = maps.comparison_map_data(result, sc)
    n_left, n_right = len(left.features("route")), len(right.features("route"))
    mp = maps.write_comparison_map(result, sc, tmp_path / "map.html", data=(left, right))
    rp = dispatch.write_comparison_report(cdoc, result, sc, tmp_path, maps=(left, right))
    for path in (mp, rp):
        opened = Opened(browser, path)
        page = opened.page
        assert page.locator(".leaflet-container").count() == 2
        assert page.evaluate("() => typeof L.Map.prototype.sync") == "function"
        ids = page.eval_on_selector_all(".routing-map", "els => els.map(e => e.id)")
        _assert_lines(opened.drawn_routes(f"#{ids[0]}"), n_left)
        _assert_lines(opened.drawn_routes(f"#{ids[1]}"), n_right)
        if path == rp:
            assert page.locator(".charts img").count() == 3
            widths = page.eval_on_selector_all(".charts img", "els => els.map(e => e.naturalWidth)")
            assert all(w > 0 for w in widths)
        opened.check_clean()


def test_the_harness_catches_script_errors_and_outside_scripts(browser, tmp_path):
    """A control: a page with a failing script and a CDN script fails the checks."""
    path = tmp_path / "broken.html"
    path.write_text('<!DOCTYPE html><html><head><script src="https://cdn.example.org/x.js">'
                    "</script><script>window.L = {};</script></head><body>"
                    "<script>notDefinedAnywhere();</script></body></html>", encoding="utf-8")
    opened = Opened(browser, path)
    assert any("notDefinedAnywhere" in e for e in opened.errors)
    assert ("script", "https://cdn.example.org/x.js") in opened.blocked
    with pytest.raises(AssertionError):
        opened.check_clean()


def test_missing_chromium_fails_in_ci(monkeypatch):
    """Without Chromium the browser tests skip on a laptop but fail when CI is set."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        browser_unavailable("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        browser_unavailable("no chromium")
