"""report.html: key figures, the map, one route sheet per vehicle, totals; self-contained."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

from routing.i18n import carrier_names, variant_name
from routing.report import dispatch, maps
from routing.report.comparison import write_comparison
from routing.units import hhmm_min

from ..helpers import routes_drawn


class _Tables(HTMLParser):
    """Every <table> as rows of cell texts, with the class of the table and of each row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self.sheets: list[str] = []
        self._cell: list[str] | None = None
        self._row: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "sheet" in (a.get("class") or "").split() \
                and a.get("data-vehicle"):
            self.sheets.append(a["data-vehicle"])
        if tag == "table":
            self.tables.append((a.get("class") or "", []))
        elif tag == "tr":
            self._row = (a.get("class") or "", [])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row[1].append(" ".join("".join(self._cell).split(" ")).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parse(page: str) -> _Tables:
    p = _Tables()
    p.feed(page)
    return p


def _rows(tables: _Tables, css: str) -> list[list[tuple[str, list[str]]]]:
    return [rows for cls, rows in tables.tables if css in cls.split()]


def test_report_of_a_two_echelon_plan(county_plan, tmp_path):
    """A route sheet per vehicle with a table per trip: depot, stops in order with arrival,
    departure, drops and pickups per carrier and a signature cell, return; the unserved
    station with its reason; totals that agree with the plan."""
    doc, sc = county_plan
    data = maps.map_data(doc, sc)
    path = dispatch.write_report(doc, sc, tmp_path / "report.html", data, violations=0)
    page = path.read_text(encoding="utf-8")
    maps.check_self_contained(page)
    t = _parse(page)
    vehicles = list(dict.fromkeys(r["vehicle_id"] for r in
                                  sorted(doc["routes"], key=lambda r: r["start_min"])))
    assert sorted(t.sheets) == sorted(vehicles)
    sheets = _rows(t, "route-sheet")
    assert len(sheets) == len(doc["routes"])
    by_start = sorted(doc["routes"], key=lambda r: (vehicles.index(r["vehicle_id"]),
                                                     r["start_min"]))
    for rows, r in zip(sheets, by_start, strict=True):
        head, *body = rows
        assert head[1][:3] == ["序", "站点", "到达"] and head[1][-1] == "签收"
        runs = [k for k, _ in itertools.groupby(s["station_id"] for s in r["stops"])]
        assert len(body) == len(runs) + 2  # one row per stop, the depot at both ends
        depot = sc.station(r["depot_id"])
        assert body[0][1][1].startswith(depot.name) and body[-1][1][1].startswith(depot.name)
        assert body[0][1][2] == hhmm_min(r["start_min"])
        assert body[-1][1][2] == hhmm_min(r["end_min"])
        ncarriers = len(head[1]) - 5 - ("冷链 ❄" in head[1])
        groups = [list(g) for _, g in itertools.groupby(r["stops"],
                                                         key=lambda s: s["station_id"])]
        for n, ((_, cells), group) in enumerate(zip(body[1:-1], groups, strict=True), start=1):
            assert cells[1].startswith(sc.station(group[0]["station_id"]).name)
            assert cells[0] == str(n)
            assert cells[2] == hhmm_min(group[0]["arrival_min"])
            drops = sum(int(x.split()[-1]) for c in cells[3:3 + ncarriers]
                        for x in c.split("\n") if x.strip().endswith(tuple("0123456789"))
                        and "送" in x)
            assert drops == sum(a["parcels"] for s in group for a in s["delivered"])
            assert cells[-1] == ""  # room for the signature
    unserved = _rows(t, "unserved")[0]
    assert [c[1][2] for c in unserved[1:]] == [u["reason"] for u in doc["unserved"]]
    carriers = _rows(t, "by-carrier")[0]
    total = carriers[-1][1]
    assert carriers[-1][0] == "total"
    assert int(total[1]) == doc["totals"]["parcels_down"]
    assert int(total[3]) == doc["totals"]["parcels_up"]
    assert "通过" in page and "独立核查" in page
    assert page.count('class="route-line"') == 0  # drawn by the page script, not in HTML
    assert routes_drawn(page) == len(doc["routes"])


def test_english_report_and_checker_problems(tiny_plan, tmp_path):
    """--lang en gives English headings; a checker count shows as problems; Amap tiles."""
    doc, sc = tiny_plan
    data = maps.map_data(doc, sc, lang="en")
    page = dispatch.report_html(doc, sc, data, tiles="amap", violations=2)
    t = _parse(page)
    assert _rows(t, "route-sheet")[0][0][1][-1] == "Signature"
    assert "2 problem(s)" in page and "Key figures" in page
    assert "autonavi" in page
    assert "<title>测试县 Delivery plan 2026-11-24</title>" in page


def test_comparison_report(duo_compare, tmp_path):
    """The compare page: the table, the three charts inlined as PNG, the cost split and the
    side-by-side map, nothing loaded from elsewhere."""
    result, sc = duo_compare
    cdoc = write_comparison(result, tmp_path)
    path = dispatch.write_comparison_report(cdoc, result, sc, tmp_path, lang="en")
    page = path.read_text(encoding="utf-8")
    maps.check_self_contained(page)
    assert len(re.findall(r'<img alt="[a-z_]+\.png" src="data:image/png;base64,', page)) == 3
    t = _parse(page)
    rows = _rows(t, "comparison")[0]
    # options by the names a planner reads (routing.i18n.variant_name), in the table's order
    names = carrier_names(sc, "en")
    assert [r[1][0] for r in rows[1:]] == [variant_name(r["variant"], "en", names)
                                           for r in cdoc["rows"]]
    assert "Carrier A alone" in page and "by stand-alone cost" in page
    assert "Leaflet.Sync 0.2.4" in page and "routingMaps([" in page  # two maps, synchronised
    left, right = maps.page_map_data(page)
    assert len(left["layers"]) >= 3 and len(right["layers"]) >= 2  # stations, vehicles
    mp = maps.write_comparison_map(result, sc, tmp_path / "map.html", tiles="none")
    maps.check_self_contained(mp.read_text(encoding="utf-8"))
