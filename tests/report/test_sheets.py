"""The papers a driver and the hub crew take: route sheets (路单) and loading lists (装车单) in
report.html, routes.xlsx, routes.csv and route_sheets.pdf, on every bundled county."""

from __future__ import annotations

import itertools
import os
import re
import time
from typing import Any

import numpy as np
import openpyxl
import pytest
from pypdf import PdfReader

from routing.io.coords import wgs84_to_gcj02
from routing.report import dispatch, maps, sheets
from routing.report.route_pdf import pdf_fonts, route_sheets_pdf
from routing.report.tables import ROUTES_CSV_COLUMNS, routes_frame, write_routes_xlsx

from .conftest import county_first_plan
from .test_dispatch import _parse, _rows

COUNTIES = ["xia", "tang", "yanshi", "fengqiu"]


@pytest.fixture(scope="module", params=COUNTIES)
def county_doc(request, xia_plan):
    """(name, plan document, scenario) of each bundled county, its first plan."""
    if request.param == "xia":
        return ("xia", *xia_plan)
    return (request.param, *county_first_plan(request.param))


@pytest.fixture(scope="module")
def xia_doc(xia_plan):
    """(plan document, scenario): the default county's first plan (deterministic)."""
    return xia_plan


def _fresh_stations(doc: dict[str, Any], sc: Any) -> dict[tuple[str, int], set[str]]:
    """Per (vehicle, trip), the stations where the plan drops or collects fresh lines."""
    fresh = {ln.id for ln in sc.demand if ln.fresh}
    out: dict[tuple[str, int], set[str]] = {}
    for r in doc["routes"]:
        key = (r["vehicle_id"], r.get("trip", 1))
        out.setdefault(key, set())
        for s in r["stops"]:
            if fresh & set(s["lines"]):
                out[key].add(s["station_id"])
    return out


def _by_departure(doc: dict[str, Any]) -> list[str]:
    first: dict[str, float] = {}
    for r in doc["routes"]:
        first[r["vehicle_id"]] = min(first.get(r["vehicle_id"], 1e9), r["start_min"])
    return sorted(first, key=lambda v: (first[v], v))


def test_every_output_has_one_row_per_stop_and_marks_fresh_goods(county_doc, tmp_path):
    """On every bundled county: no station on two consecutive rows of a trip, and every stop
    with fresh goods says 冷链 or 生鲜 in the sheets, routes.csv, routes.xlsx, report.html and
    route_sheets.pdf; vehicles in the same order (by departure) everywhere."""
    _name, doc, sc = county_doc
    fresh = _fresh_stations(doc, sc)
    n_fresh = sum(len(v) for v in fresh.values())
    assert n_fresh > 0, "every bundled county has fresh lines"
    order = _by_departure(doc)
    # the model the four writers print
    vs = sheets.vehicle_sheets(doc, sc)
    assert [v.vehicle_id for v in vs] == order
    for v in vs:
        for trip in v.trips:
            stops = [r.station_id for r in trip.rows if r.kind == "stop"]
            assert all(a != b for a, b in itertools.pairwise(stops)), (v.vehicle_id, stops)
            assert {r.station_id for r in trip.rows if r.fresh} == \
                fresh[(v.vehicle_id, trip.trip)]
    # routes.csv
    frame = routes_frame(doc, sc)
    assert list(frame.columns) == ROUTES_CSV_COLUMNS
    assert list(dict.fromkeys(frame["vehicle_id"])) == order
    for (vid, trip), rows in frame.groupby(["vehicle_id", "trip"], sort=False):
        stops = rows[rows["tier"] != "hub"]["station_id"].tolist()
        assert all(a != b for a, b in itertools.pairwise(stops))
        marked = set(rows[rows["cold_chain"].fillna("").str.contains("冷链")]["station_id"])
        assert marked == fresh[(vid, trip)]
        assert (rows["parcels_down_fresh"] <= rows["parcels_down"]).all()
    # routes.xlsx: every fresh stop's row says 生鲜 (its cold-chain cell); the station by its
    # id (站点编号: the name cell of a stop is a =HYPERLINK formula)
    write_routes_xlsx(doc, sc, tmp_path / "routes.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "routes.xlsx")
    assert wb.sheetnames == ["汇总", *order, "装车单"]
    names = {st.id: st.name for st in sc.stations}
    for vid in order:
        ws = wb[vid]
        want = {s for (v, _), ss in fresh.items() if v == vid for s in ss}
        got, prev = set(), None
        sid = next(r for r in ws.iter_rows(values_only=True) if "站点编号" in r).index("站点编号")
        for row in ws.iter_rows(values_only=True):
            if isinstance(row[0], int) and isinstance(row[1], str):
                station = row[sid]
                assert station != prev or row[0] == 0, (vid, station)
                prev = station
                if any(isinstance(c, str) and ("生鲜" in c or "冷链" in c) for c in row):
                    got.add(station)
            else:
                prev = None
        assert got == want, vid
    # report.html
    page = dispatch.report_html(doc, sc, maps.map_data(doc, sc), tiles="none")
    tables = _rows(_parse(page), "route-sheet")
    trips = [(v.vehicle_id, t.trip) for v in vs for t in v.trips]
    assert len(tables) == len(trips)
    for (vid, trip), rows in zip(trips, tables, strict=True):
        body = [cells for cls, cells in rows[1:] if "stop" in cls.split()]
        stations = [c[1].split(" ")[0].strip() for c in body]
        assert all(a != b for a, b in itertools.pairwise(stations))
        shown = {c[1].split(" ")[0].strip() for c in body
                 if any("生鲜" in x or "冷链" in x for x in c)}
        assert shown == {names[s] for s in fresh[(vid, trip)]}
    # route_sheets.pdf: a 生鲜 cell per fresh stop
    pdf = route_sheets_pdf(doc, sc, tmp_path / "route_sheets.pdf")
    if _text_font_missing():
        return
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    cells = sum(1 for _ in re.finditer(r"生鲜 (送|揽) ", text))
    assert cells >= n_fresh


def _text_font_missing() -> bool:
    """True without a CJK TrueType font (the STSong-Light fallback is not embedded and its
    text is not extractable); in CI, where .ci/run installs fonts-wqy-zenhei, that fails."""
    if pdf_fonts()[0] != "STSong-Light":
        return False
    if os.environ.get("CI"):
        pytest.fail("no CJK TrueType font; .ci/run installs fonts-wqy-zenhei")
    return True


def test_route_sheets_pdf_prints_a_page_per_vehicle(xia_doc, tmp_path):
    """The default county: route_sheets.pdf has at most a page per vehicle plus two, each
    vehicle starts a page, the text (签收, 冷链) is extractable, and it is written fast."""
    doc, sc = xia_doc
    pdf_fonts()
    t0 = time.perf_counter()
    path = route_sheets_pdf(doc, sc, tmp_path / "route_sheets.pdf")
    seconds = time.perf_counter() - t0
    assert seconds < 5, seconds  # ~0.6 s on an idle core; the bound leaves room for CI
    reader = PdfReader(path)
    vehicles = _by_departure(doc)
    assert len(reader.pages) <= len(vehicles) + 2
    for p in reader.pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert sorted((round(w), round(h))) == [595, 842]  # A4 in points
    if _text_font_missing():
        return
    texts = [p.extract_text() for p in reader.pages]
    starts = [next(i for i, tx in enumerate(texts) if f"路单 {v}（" in tx) for v in vehicles]
    assert starts == sorted(starts) and len(set(starts)) == len(vehicles)
    assert all("签收" in texts[i] for i in starts)
    assert any("冷链" in tx for tx in texts) and "装车单" in texts[0]


def test_english_sheets(xia_doc, tmp_path):
    """--lang en: English labels from the sheets' own dictionary, '1 parcel'."""
    doc, sc = xia_doc
    assert sheets.plural(1, "parcels", "en") == "1 parcel"
    assert sheets.plural(2, "parcels", "en") == "2 parcels"
    assert set(sheets.LABELS["zh"]) == set(sheets.LABELS["en"])
    page = dispatch.report_html(doc, sc, maps.map_data(doc, sc, lang="en"), tiles="none")
    head = _rows(_parse(page), "route-sheet")[0][0][1]
    assert head[0] == "#" and head[-1] == "Signature"
    assert "Loading list" in page and not re.search(r"(?<![\d.])1 parcels", page)
    write_routes_xlsx(doc, sc, tmp_path / "routes.xlsx", lang="en")
    wb = openpyxl.load_workbook(tmp_path / "routes.xlsx")
    assert wb.sheetnames[0] == "Summary"
    path = route_sheets_pdf(doc, sc, tmp_path / "route_sheets.pdf", lang="en")
    if not _text_font_missing():
        assert "Signature" in PdfReader(path).pages[0].extract_text()


def test_xlsx_prints_on_a4(xia_doc, tmp_path):
    """Every vehicle's sheet: A4, fitted one page wide (fitToPage with fitToWidth=1,
    fitToHeight=0), the table's header row repeated, a print area over all of it, wrapped
    cells and row heights tall enough for their lines; the signature column inside."""
    doc, sc = xia_doc
    write_routes_xlsx(doc, sc, tmp_path / "routes.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "routes.xlsx")
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert int(ps.paperSize) == int(ws.PAPERSIZE_A4) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 0
        assert ps.orientation in ("portrait", "landscape")
        assert ws.print_area
        last = ws.print_area.split(":")[-1].replace("$", "")
        assert int("".join(ch for ch in last if ch.isdigit())) == ws.max_row
        if ws.title == wb.sheetnames[0]:
            continue
        if ws.title == "装车单":
            boxes = [r[0] for r in ws.iter_rows() if r[0].value == "☐"]
            assert boxes, "the loading list has a check box per line"
            assert all(ws.row_dimensions[b.row].height >= 12 for b in boxes)
            assert len(ws.row_breaks.brk) == len(wb.sheetnames) - 3  # a page per vehicle
            continue
        title = int(ws.print_title_rows.split(":")[0].lstrip("$"))
        head = [c.value for c in ws[title]]
        ncol = head.index("签收") + 1
        assert head[0] == "序" and head[ncol:] == ["站点编号", "单号"]  # not printed
        assert last.rstrip("0123456789") == openpyxl.utils.get_column_letter(ncol)
        body = [r[:ncol] for r in ws.iter_rows(min_row=title + 1)]
        assert body and all(isinstance(r[0].value, int) for r in body)  # only the table
        assert all(c.alignment.wrap_text for r in body for c in r)
        for r in body:
            lines = max(str(c.value).count("\n") + 1 for c in r if c.value is not None)
            assert ws.row_dimensions[r[0].row].height >= 12 * lines


def test_loading_list_and_navigation(xia_doc):
    """The loading list adds up to the trip's drops per carrier, dry and cold apart, stops
    last first; each stop links to Amap's navigation at its GCJ-02 point; a QR per trip."""
    doc, sc = xia_doc
    names = maps.carrier_names(sc, "zh")
    for v in sheets.vehicle_sheets(doc, sc):
        for trip in v.trips:
            for ln in trip.loading:
                key = "fresh_drop" if ln.fresh else "drop"
                rows = [r for r in trip.rows if ln.carrier in r.goods.get(key, {})]
                assert ln.parcels == sum(r.goods[key][ln.carrier].parcels for r in rows)
                assert ln.stops == sorted(ln.stops, reverse=True)
                assert ln.name == names[ln.carrier]
            fresh_first = [ln.fresh for ln in trip.loading]
            assert fresh_first == sorted(fresh_first)  # the cold section after the dry one
            for r in trip.rows:
                if r.kind != "stop":
                    continue
                st = sc.station(r.station_id)
                glon, glat = wgs84_to_gcj02(np.array([st.lon]), np.array([st.lat]))
                assert r.nav_url.startswith(
                    f"https://uri.amap.com/navigation?to={glon[0]:.6f},{glat[0]:.6f},")
                assert "mode=car" in r.nav_url and "coordinate=gaode" in r.nav_url
                assert len(r.code) <= 6
            assert trip.qr_url == next(r.nav_url for r in trip.rows if r.kind == "stop")
    page = dispatch.report_html(doc, sc, maps.map_data(doc, sc), tiles="none")
    assert page.count('<div class="qr"') == len(doc["routes"])
    assert page.count("<svg") >= len(doc["routes"])


def test_readme_documents_routes_csv_and_the_papers():
    """README names every routes.csv column and route_sheets.pdf; the fonts are documented."""
    from ..conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("`routes.csv` columns:", 1)[1].split("\n\n", 1)[0]
    assert [c for c in ROUTES_CSV_COLUMNS if f"`{c}`" not in section] == []
    assert "`route_sheets.pdf`" in readme and "fonts-wqy-zenhei" in readme
    assert "STSong-Light" in readme


def test_merged_rows_add_up_the_plan_stops(xia_doc):
    """A merged row carries every plan stop it stands for: first arrival, last departure,
    the goods of all of them (fresh and dry apart adding up to the plan's amounts), and the
    load after the last; the default county's plan does serve villages twice in a row."""
    doc, sc = xia_doc
    merged = 0
    for v in sheets.vehicle_sheets(doc, sc):
        route_of = {r.get("trip", 1): r for r in doc["routes"] if r["vehicle_id"] == v.vehicle_id}
        for trip in v.trips:
            stops = {s["seq"]: s for s in route_of[trip.trip]["stops"]}
            for row in trip.rows[1:-1]:
                group = [stops[q] for q in row.plan_seqs]
                merged += len(group) > 1
                assert {s["station_id"] for s in group} == {row.station_id}
                assert row.arrival == sheets.hhmm_min(group[0]["arrival_min"])
                assert row.departure == sheets.hhmm_min(group[-1]["departure_min"])
                for key, side in (("drop", "delivered"), ("collect", "picked_up")):
                    want = sum(a["parcels"] for s in group for a in s[side])
                    got = row.total(key).parcels + row.total(f"fresh_{key}").parcels
                    assert got == want
                assert row.load_kg == group[-1]["load_after"]["kg"]
            assert sorted(q for r in trip.rows for q in r.plan_seqs) == sorted(stops)
    assert merged >= 5


@pytest.mark.parametrize("fresh", [False, True])
def test_columns_fit_the_page(fresh):
    """For 1 to 14 carriers the columns fit A4's printable width, portrait while carriers'
    columns can be at least 12 mm wide, landscape beyond; the signature column keeps its width."""
    for n in range(1, 15):
        orient, w = sheets.columns_mm(n, fresh)
        total = w["no"] + w["station"] + w["time"] + n * w["carrier"] + w["load"] + w["sign"]
        total += w["cold"] if fresh else 0
        page = sheets.LAYOUT[f"{orient}_mm"]
        assert total <= page + 1e-6, (n, orient, total)
        assert w["sign"] >= 20
        fixed = sum(sheets.LAYOUT[k] for k in ("no", "station", "time", "load", "sign"))
        fixed += sheets.LAYOUT["cold"] if fresh else 0
        fits_portrait = (sheets.LAYOUT["portrait_mm"] - fixed) / n >= sheets.LAYOUT["carrier_min"]
        assert orient == ("portrait" if fits_portrait else "landscape")
        if orient == "portrait":
            assert w["carrier"] >= sheets.LAYOUT["carrier_min"]


def test_landscape_sheets_when_the_carriers_need_the_width(xia_doc, tmp_path, monkeypatch):
    """When the carriers' columns do not fit portrait (forced here by a wide minimum), every
    page of route_sheets.pdf is landscape A4, the first one included."""
    doc, sc = xia_doc
    monkeypatch.setitem(sheets.LAYOUT, "carrier_min", 30.0)
    reader = PdfReader(route_sheets_pdf(doc, sc, tmp_path / "route_sheets.pdf"))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in reader.pages}
    assert sizes == {(842, 595)}
    assert len(reader.pages) <= 2 * len(_by_departure(doc))


def test_pdf_falls_back_to_the_built_in_cid_font(xia_doc, tmp_path, monkeypatch):
    """Without a CJK TrueType font the PDF is still written, in reportlab's STSong-Light."""
    from routing.report import route_pdf

    doc, sc = xia_doc
    monkeypatch.setattr(route_pdf, "_CJK_CANDIDATES", ())
    monkeypatch.setattr(route_pdf, "_FONTS", {})
    monkeypatch.delenv("ROUTING_CJK_FONT", raising=False)
    assert route_pdf.pdf_fonts()[0] == "STSong-Light"
    reader = PdfReader(route_sheets_pdf(doc, sc, tmp_path / "route_sheets.pdf"))
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages
             for f in p["/Resources"]["/Font"].values()}
    assert any("STSong-Light" in f for f in fonts)
    assert len(reader.pages) <= len(_by_departure(doc)) + 2


def test_route_files_keep_what_an_edit_is_read_back_from(xia_doc, tmp_path):
    """routes.csv and each vehicle's sheet of routes.xlsx keep, row by row in route order,
    the station id and its demand lines (站点编号 and 单号 after the printed columns; depot
    rows without lines start and end a trip): what a dispatcher's edit is read back from."""
    doc, sc = xia_doc
    want = {}
    for r in doc["routes"]:
        rows = [(r["depot_id"], "")]
        for sid, group in itertools.groupby(r["stops"], key=lambda s: s["station_id"]):
            rows.append((sid, " ".join(i for s in group for i in s["lines"])))
        want.setdefault(r["vehicle_id"], []).extend([*rows, (r["depot_id"], "")])
    frame = routes_frame(doc, sc)
    got = {v: list(zip(g["station_id"], g["lines"].fillna(""), strict=True))
           for v, g in frame.groupby("vehicle_id", sort=False)}
    assert got == want
    write_routes_xlsx(doc, sc, tmp_path / "routes.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "routes.xlsx")
    for vid, rows in want.items():
        ws = wb[vid]
        title = int(ws.print_title_rows.split(":")[0].lstrip("$"))
        head = [c.value for c in ws[title]]
        st, ln = head.index("站点编号"), head.index("单号")
        assert "站点" not in head  # the name column is 站点名称: the id column is found first
        table = [(r[st], r[ln] or "") for r in ws.iter_rows(min_row=title + 1, values_only=True)]
        assert table == rows
