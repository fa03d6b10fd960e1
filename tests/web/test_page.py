"""The page's HTML and its static files, without a browser (test_page_browser.py drives it):
no inline script (the CSP allows none), the map served from the report's own assets, the
vendored SortableJS with its licence, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import routing.report
import routing.web


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient

    return TestClient(app)


def test_the_page_runs_no_inline_script_and_loads_only_its_own_files(client):
    html = client.get("/").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attrs, body in scripts:
        assert ("src=" in attrs and not body.strip()) or 'type="application/json"' in attrs
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith(("/", "data:")), url
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url


def test_the_map_is_the_reports_own_and_sortable_keeps_its_licence(client):
    assets = Path(routing.report.__file__).parent / "assets"
    for name in ("leaflet.js", "leaflet.css", "routing_map.js", "L.Map.Sync.js"):
        r = client.get(f"/static/map/{name}")
        assert r.status_code == 200 and r.content == (assets / name).read_bytes()
    png = client.get("/static/map/images/layers.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    sortable = client.get("/static/Sortable.min.js").text
    assert sortable.startswith("/*! Sortable 1.15.6 - MIT")
    static = Path(routing.web.__file__).parent / "static"
    assert "MIT License" in (static / "LICENSE.sortablejs.txt").read_text("utf-8")
    assert client.get("/static/LICENSE.sortablejs.txt").status_code == 200


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/map/../api.py",
                                  "/static/map/plan.json", "/static/map/images/x.png",
                                  "/static/..%2Fapi.py"])
def test_no_other_file_is_served(client, path):
    assert client.get(path).status_code == 404


def test_the_base_maps_offered_are_openstreetmaps(client):
    tiles = client.get("/static/tiles.json?lang=en").json()
    assert tiles["osm"]["url"].startswith("https://tile.openstreetmap.org/")
    assert "https://tile.openstreetmap.org" in client.get("/").headers["content-security-policy"]


def test_every_hard_violation_kind_has_a_name_on_the_page():
    """A dispatcher reads 超载, not over_capacity: every kind the checker ranks first (what an
    edit can break) is named in both languages."""
    from routing.evaluate.check import HARD_KINDS
    from routing.web.page import KINDS

    assert set(HARD_KINDS) <= set(KINDS)
    assert all(zh and en and zh != en for zh, en in KINDS.values())


def test_the_re_plan_offers_hold_back_in_chinese_first(client):
    """The hold-back switch beside the re-plan button, said in Chinese by default, in
    English when asked, unchecked (trips leave as early as they can unless asked)."""
    zh = client.get("/").text
    box = re.search(r'<input id="replan-hold"[^>]*>', zh)
    assert box and "checked" not in box.group(0)
    assert "压后发车" in zh and "后到的包裹还能搭上" in zh
    en = client.get("/?lang=en").text
    assert "hold back" in en and "压后发车" not in en
