"""`routing map`, and map.html / report.html in the outputs of `routing plan` and `compare`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from routing.cli import main
from routing.network import roads
from routing.report.maps import check_self_contained

from ..helpers import routes_drawn
from .conftest import DATA


def test_plan_writes_map_and_report(tmp_path):
    """`routing plan` adds map.html and report.html, in the language and tiles asked for."""
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["plan", str(DATA / "tiny"), "-o", str(out),
                                  "--solution-limit", "30", "--quiet", "--lang", "en",
                                  "--tiles", "none"])
    assert r.exit_code == 0, r.output
    assert "map.html, report.html" in r.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    for name in ("map.html", "report.html"):
        page = (out / name).read_text(encoding="utf-8")
        check_self_contained(page)
        assert routes_drawn(page) == len(doc["routes"])
        assert "tile.openstreetmap.org" not in page
    assert "Route sheet" in (out / "report.html").read_text(encoding="utf-8")


def test_map_command(tmp_path, monkeypatch):
    """`routing map PLAN --scenario DIR -o FILE` draws a saved plan along the roads from the
    matrices `routing plan` cached (the road file is not read again); a plan of another
    scenario is a clear error (exit 1)."""
    out = tmp_path / "out"
    CliRunner().invoke(main, ["plan", str(DATA / "tiny_roads"), "-o", str(out),
                              "--solution-limit", "30", "--quiet"])

    def searched(*args, **kwargs):
        raise AssertionError("road file read or paths searched again")

    monkeypatch.setattr(roads, "read_road_network", searched)
    monkeypatch.setattr(roads, "dijkstra", searched)
    target = tmp_path / "maps" / "roads.html"
    r = CliRunner().invoke(main, ["map", str(out / "plan.json"), "--scenario",
                                  str(DATA / "tiny_roads"), "-o", str(target), "--tiles", "amap"])
    assert r.exit_code == 0, r.output
    assert "路线沿道路" in r.output
    page = target.read_text(encoding="utf-8")
    check_self_contained(page)
    assert "autonavi" in page and "配送计划" in page
    r = CliRunner().invoke(main, ["map", str(out / "plan.json"), "--scenario", str(DATA / "duo"),
                                  "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1
    assert "is not in scenario 'duo'" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, ["map", str(out / "plan.json"), "--scenario",
                                  str(DATA / "tiny_roads"), "-o", str(target), "--lang", "fr"])
    assert r.exit_code == 2


def test_compare_writes_map_and_report(tmp_path):
    """`routing compare` adds the side-by-side map.html and report.html."""
    out = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", str(DATA / "duo"), "-o", str(out), "--no-shapley",
                                  "--time-limit-s", "2", "--solution-limit", "30", "--quiet"])
    assert r.exit_code in (0, 3), r.output
    assert "map.html、report.html" in r.output
    for name in ("map.html", "report.html"):
        page = (out / name).read_text(encoding="utf-8")
        check_self_contained(page)
        assert "各快递公司单独配送" in page and "主方案：共同配送" in page
