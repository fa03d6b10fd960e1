"""Route sheets and layers a dispatcher opens: routes.csv, routes.xlsx, routes.geojson.

routes.csv and routes.xlsx print the rows of :mod:`routing.report.sheets` (one row per stop,
vehicles by departure, fresh goods marked); route_sheets.pdf is :mod:`routing.report.route_pdf`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..model import Scenario
from ..units import hhmm_min
from .excel import sheet_title as _sheet_title
from .excel import xlsx_text
from .labels import labels


def routes_frame(doc: dict[str, Any], scenario: Scenario, lang: str = "zh") -> pd.DataFrame:
    """One row per printed stop (depot departures and returns included), like the route
    sheets: vehicles by departure, trips in order, consecutive plan stops at one station on
    a trip merged (``plan_seqs`` lists them). ``parcels_down`` … ``kg_up`` count all goods;
    the ``*_fresh`` columns the fresh part of them, and ``cold_chain`` marks a stop with fresh
    goods (冷链 ❄ and the compartment: 冷藏厢 or 冷链箱)."""
    from . import sheets as sh

    t = sh.labels(lang)
    tiers = {st.id: st.tier.value for st in scenario.stations}
    rows = []
    for v in sh.vehicle_sheets(doc, scenario, lang):
        for trip in v.trips:
            base = {"vehicle_id": v.vehicle_id, "vehicle_type": v.vehicle_type,
                    "trip": trip.trip}
            for row in trip.rows:
                amounts: dict[str, float] = {}
                for key, col in (("drop", "down"), ("collect", "up")):
                    dry, fresh = row.total(key), row.total(f"fresh_{key}")
                    amounts[f"parcels_{col}"] = dry.parcels + fresh.parcels
                    amounts[f"kg_{col}"] = round(dry.kg + fresh.kg, 3)
                    amounts[f"parcels_{col}_fresh"] = fresh.parcels
                    amounts[f"kg_{col}_fresh"] = round(fresh.kg, 3)
                rows.append({
                    **base, "seq": row.no, "plan_seqs": " ".join(map(str, row.plan_seqs)),
                    "station_id": row.station_id, "station_name": row.name,
                    "tier": tiers.get(row.station_id, ""), "arrival": row.arrival,
                    "departure": row.departure, **amounts,
                    "cold_chain": (f"{t['cold_chain']} {sh.SNOW} {v.box}" if row.fresh else ""),
                    "load_kg": row.load_kg, "load_parcels": row.load_parcels,
                    "lines": " ".join(row.lines),
                    "amap_url": row.nav_url if row.kind == "stop" else ""})
    return pd.DataFrame(rows, columns=ROUTES_CSV_COLUMNS)


#: routes.csv's columns, in order (README and tests/report check them against the docs).
ROUTES_CSV_COLUMNS = [
    "vehicle_id", "vehicle_type", "trip", "seq", "plan_seqs", "station_id", "station_name",
    "tier", "arrival", "departure", "parcels_down", "kg_down", "parcels_up", "kg_up",
    "parcels_down_fresh", "kg_down_fresh", "parcels_up_fresh", "kg_up_fresh", "cold_chain",
    "load_kg", "load_parcels", "lines", "amap_url"]


def write_routes_csv(doc: dict[str, Any], scenario: Scenario, path: Path, *,
                     lang: str = "zh") -> None:
    """routes.csv, UTF-8 with BOM so Excel on Chinese Windows shows the names right."""
    routes_frame(doc, scenario, lang).to_csv(path, index=False, encoding="utf-8-sig")


# Sheet names: routing.io.edited (``routing retime``) skips 汇总/Summary and 装车单/loading.
_SUMMARY_HEAD = ("head_vehicle", "head_type", "head_departs", "head_back", "head_stops",
                 "head_km", "head_down", "head_up", "head_cost")


def _text_width(value: Any) -> float:
    """Width of a cell's longest line in Excel's character units: CJK characters count double."""
    if value in (None, ""):
        return 0.0
    return max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
               for part in str(value).split("\n"))


def _link_formula(url: str, text: str) -> str | None:
    """``=HYPERLINK(url, text)`` with the text's line breaks as CHAR(10), or None when the URL
    is longer than Excel's HYPERLINK takes (255 characters). A formula, not the cell's
    hyperlink: LibreOffice turns a hyperlinked cell's text into one URL field, which neither
    wraps nor keeps line breaks, so a long station name or its transfer line was cut."""
    if len(url) > 255:
        return None

    def literal(s: str) -> str:  # Excel string literals: at most 255 characters, " doubled
        parts = [s[i:i + 100] for i in range(0, len(s), 100)] or [""]
        return "&".join('"' + p.replace('"', '""') + '"' for p in parts)

    return f"=HYPERLINK({literal(url)},{'&CHAR(10)&'.join(map(literal, text.split(chr(10))))})"


def _text_lines(value: Any, width_chars: float) -> int:
    """Printed lines of a wrapped cell: CJK characters count double."""
    if value in (None, ""):
        return 1
    n = 0
    for part in str(value).split("\n"):
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        n += max(1, -(-w // max(int(width_chars), 1)))
    return n


def write_routes_xlsx(doc: dict[str, Any], scenario: Scenario, path: Path, *,
                      lang: str = "zh") -> None:
    """routes.xlsx: a summary sheet, then one sheet per vehicle (by departure) that prints on A4
    like report.html's: the route sheet (路单, one row per stop, fresh goods apart) and the
    loading list (装车单). Each sheet: A4, fitted to one page wide (fitToPage, fitToWidth=1,
    fitToHeight=0), the table's header row repeated on every printed page, a print area,
    wrapped cells with row heights that show every line. Headers and words in ``lang``."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from . import sheets as sh

    t = sh.labels(lang)
    words = labels("table", lang)
    vehicles = sh.vehicle_sheets(doc, scenario, lang)
    wb = Workbook()
    summary = wb.active
    summary.title = words["summary"]
    day = doc["scenario"].get("date", "")
    _summary_sheet(summary, doc, scenario, vehicles, words, day)
    st = _Styles.make()
    titles: set[str] = {summary.title}
    loading = wb.create_sheet(title=words["loading"])  # after the vehicles' sheets: moved below
    titles.add(loading.title)
    for c, width in enumerate([7.0, 20.0, 8.0, 9.0, 60.0], start=1):
        loading.column_dimensions[get_column_letter(c)].width = width
    for v in vehicles:
        title = _sheet_title(v.vehicle_id)
        k = 2
        while title in titles:
            title = f"{_sheet_title(v.vehicle_id)[:28]}~{k}"
            k += 1
        titles.add(title)
        _vehicle_sheet(wb.create_sheet(title=title), v, t, lang, day, st)
        _loading_section(loading, v, t, lang, st.box, st.wrap, st.right, st.grey)
    _print_setup(loading, "portrait", f"A1:E{max(loading.max_row, 1)}", None)
    wb.move_sheet(loading, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(loading.title))
    wb.save(path)


def _summary_sheet(summary: Any, doc: dict[str, Any], scenario: Scenario, vehicles: list[Any],
                   words: dict[str, str], day: str) -> None:
    """routes.xlsx's first sheet: per vehicle its type, times, stops, km, parcels and cost, the
    totals, then the unserved stations with their reasons."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    _append(summary, [f"{scenario.title or scenario.name} {words['plan']} {day}"])
    summary["A1"].font = Font(bold=True, size=14)
    _append(summary, [words[k] for k in _SUMMARY_HEAD])
    routes_of: dict[str, list[dict[str, Any]]] = {}
    for r in doc["routes"]:
        routes_of.setdefault(r["vehicle_id"], []).append(r)
    for v in vehicles:
        rs = routes_of[v.vehicle_id]
        _append(summary, [v.vehicle_id, v.type_name, v.trips[0].start,
                          hhmm_min(max(r["end_min"] for r in rs)),
                          sum(len(r["stops"]) for r in rs),
                          round(sum(r["distance_km"] for r in rs), 3),
                          sum(a["parcels"] for r in rs for s in r["stops"] for a in s["delivered"]),
                          sum(a["parcels"] for r in rs for s in r["stops"] for a in s["picked_up"]),
                          round(sum(r["cost"]["total"] for r in rs), 2)])
    tot = doc["totals"]
    _append(summary, [words["total"], "", "", "", tot["stops"], tot["distance_km"],
                      tot.get("parcels_down"), tot.get("parcels_up"), tot["cost"]])
    if doc["unserved"]:
        _append(summary, [])
        _append(summary, [words["unserved"], words["reason"]])
        for u in doc["unserved"]:
            _append(summary, [f"{u['station_id']} {u.get('station_name', '')}", u["reason"]])
    # columns as wide as their longest cell (the vehicle types are long: LibreOffice and Excel
    # cut a cell's text at the next filled cell); the unserved stations' reasons wrap over B:I
    widths = [16.0, 22.0, 8.0, 8.0, 8.0, 10.0, 10.0, 10.0, 12.0]
    table_end = 3 + len(vehicles)
    for row in summary.iter_rows(min_row=2, max_row=table_end):
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _text_width(cell.value) + 2.0)
    for r in range(table_end + 3, summary.max_row + 1):  # unserved: "id name" in column A
        widths[0] = max(widths[0], _text_width(summary.cell(row=r, column=1).value) + 2.0)
    for c, width in enumerate(widths, start=1):
        summary.column_dimensions[get_column_letter(c)].width = width
    for r in range(table_end + 3, summary.max_row + 1):
        summary.merge_cells(f"B{r}:I{r}")
        summary.cell(row=r, column=1).alignment = Alignment(vertical="top")
        summary.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        summary.row_dimensions[r].height = 15 * _text_lines(summary.cell(row=r, column=2).value,
                                                            sum(widths[1:])) + 3
    _print_setup(summary, "portrait", f"A1:I{summary.max_row}", None)


@dataclass(frozen=True, slots=True)
class _Styles:
    """The openpyxl cell styles the vehicles' sheets share."""

    box: Any
    wrap: Any
    right: Any
    grey: Any
    blue: Any

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Border, PatternFill, Side

        thin = Side(style="thin", color="777777")
        return cls(box=Border(top=thin, bottom=thin, left=thin, right=thin),
                   wrap=Alignment(wrap_text=True, vertical="top"),
                   right=Alignment(wrap_text=True, vertical="top", horizontal="right"),
                   grey=PatternFill("solid", fgColor="EEEEEE"),
                   blue=PatternFill("solid", fgColor="E6F2FF"))


def _vehicle_sheet(ws: Any, v: Any, t: dict[str, str], lang: str, day: str,
                   st: _Styles) -> None:
    """One vehicle's route sheet: banners (title, driver and plate, trips, legend, QR code),
    the header row, a row per stop; the ids for ``routing retime`` in grey after the printed
    columns."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from . import sheets as sh

    orient, w = sh.columns_mm(len(v.carriers), v.fresh)
    head = [t["station_name"] if k == "station" else t[k] for k in ("no", "station", "time")]
    head += [v.names[c] for c in v.carriers]
    mm = [w["no"], w["station"], w["time"], *[w["carrier"]] * len(v.carriers)]
    if v.fresh:
        head.append(sh.cold_header(v.box, t))
        mm.append(w["cold"])
    head += [t["load"], t["sign"]]
    mm += [w["load"], w["sign"]]
    ncol = len(head)  # the printed columns; the ids for `routing retime` follow
    head += [t["station_id"], t["lines"]]
    chars = [max(4.0, x / 1.9) for x in mm] + [14.0, 30.0]  # ~1.9 mm per character
    for c, width in enumerate(chars, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    last = get_column_letter(ncol)

    def banner(text: str, *, size: float = 10, bold: bool = False, height: float = 15) -> None:
        _append(ws, [text])
        r = ws.max_row
        ws.merge_cells(f"A{r}:{last}{r}")
        ws.cell(row=r, column=1).font = Font(bold=bold, size=size)
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = height

    colon = t["colon"]
    banner(f"{sh.sheet_title(v, t)}   {t['date']}{colon}{day}", size=13, bold=True, height=20)
    banner(f"{t['driver']}{colon}________________    {t['plate']}{colon}________________",
           height=18)
    for trip in v.trips:
        banner(sh.trip_heading(v, trip, t, lang), bold=True, height=15)
    banner(t["legend"], size=8, height=12)
    first_url = next((trip.qr_url for trip in v.trips if trip.qr_url), "")
    if first_url:
        banner(t["qr"], size=8, height=13)
        ws.cell(row=ws.max_row, column=1).hyperlink = first_url
        _qr_image(ws, first_url, f"{last}1")
    _append(ws, head)
    title_row = ws.max_row
    for col in range(1, len(head) + 1):
        cell = ws.cell(row=title_row, column=col)
        cell.font = Font(bold=True, size=9, color="888888" if col > ncol else None)
        cell.border, cell.alignment, cell.fill = st.box, st.wrap, st.grey
    ws.row_dimensions[title_row].height = 12 * max(
        _text_lines(x, chars[i]) for i, x in enumerate(head[:ncol])) + 3
    _stop_rows(ws, v, t, lang, chars, ncol, st)
    _print_setup(ws, orient, f"A1:{last}{ws.max_row}", title_row)


def _stop_rows(ws: Any, v: Any, t: dict[str, str], lang: str, chars: list[float], ncol: int,
               st: _Styles) -> None:
    """A route sheet's rows: per trip its departure, stops and return, fresh rows blue, depot
    rows grey, the station name a navigation link."""
    from openpyxl.styles import Font

    from . import sheets as sh

    for trip in v.trips:
        for row in trip.rows:
            name = f"{row.name} ·{row.code}"
            if row.kind == "start" and len(v.trips) > 1:
                name += f"\n{t['trip'].format(n=trip.trip)}"
            if row.transfers:
                name += f"\n{t['transfer']}: {' '.join(row.transfers)}"
            values: list[Any] = [row.no, name, row.arrival or row.departure]
            values += ["\n".join(sh.carrier_cell(row, c, t)) for c in v.carriers]
            if v.fresh:
                values.append("\n".join(sh.cold_cell(row, v.box, t, lang)))
            values += [row.load_kg if row.load_kg is not None else "", ""]
            values += [row.station_id, " ".join(row.lines)]
            _append(ws, values)
            r = ws.max_row
            for col in range(1, len(values) + 1):
                cell = ws.cell(row=r, column=col)
                cell.border = st.box
                cell.font = Font(size=9, color="888888" if col > ncol else None)
                cell.alignment = st.right if col == 1 or (3 < col <= 3 + len(v.carriers)) \
                    or col == ncol - 1 else st.wrap
                if col > ncol:
                    continue
                if row.kind != "stop":
                    cell.fill = st.grey
                elif row.fresh:
                    cell.fill = st.blue
            if row.nav_url and row.kind != "start":
                link = ws.cell(row=r, column=2)
                formula = _link_formula(row.nav_url, xlsx_text(name))
                if formula is None:
                    link.hyperlink = row.nav_url
                else:
                    link.value = formula
                    link.font = Font(size=9, color="1F4E9A")
            ws.row_dimensions[r].height = 12 * max(
                _text_lines(x, chars[i]) for i, x in enumerate(values[:ncol])) + 3


def _loading_section(ws: Any, v: Any, t: dict[str, str], lang: str, box: Any, wrap: Any,
                     right: Any, grey: Any) -> None:
    """A vehicle's loading lists (装车单) on the loading sheet: per trip, the dry lines then
    the cold section, a check box per line, the rows each goes to, last stop first."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.pagebreak import Break

    if ws.max_row > 1:
        ws.row_breaks.append(Break(id=ws.max_row))  # each vehicle on a page of its own
        _append(ws, [])
    for trip in v.trips:
        heading = f"{t['loading']} {v.vehicle_id}{t['paren'].format(x=v.type_name)}"
        if len(v.trips) > 1:
            heading += f" · {t['trip'].format(n=trip.trip)}"
        _append(ws, [f"{heading} · {t['hub_crew']} · {t['depart']} {trip.start}"])
        r = ws.max_row
        ws.merge_cells(f"A{r}:E{r}")
        ws.cell(row=r, column=1).font = Font(bold=True, size=11)
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 18
        for fresh, section in ((False, t["dry_section"]), (True, t["cold_section"])):
            lines = [ln for ln in trip.loading if ln.fresh is fresh]
            if not lines:
                continue
            _append(ws, [t["check"], section, t["pcs"], "kg", t["order"]])
            r = ws.max_row
            for c in range(1, 6):
                cell = ws.cell(row=r, column=c)
                cell.font, cell.border, cell.alignment = Font(bold=True, size=9), box, wrap
                cell.fill = PatternFill("solid", fgColor="D7EBFF") if fresh else grey
            ws.row_dimensions[r].height = 15
            for ln in lines:
                stops = " ".join(map(str, ln.stops))
                _append(ws, ["☐", ln.name, ln.parcels, ln.kg, stops])
                r = ws.max_row
                for c in range(1, 6):
                    cell = ws.cell(row=r, column=c)
                    cell.font, cell.border = Font(size=9), box
                    cell.alignment = right if c in (3, 4) else wrap
                ws.row_dimensions[r].height = 12 * max(
                    _text_lines(ln.name, 20), _text_lines(stops, 60)) + 3
        _append(ws, [])


def _qr_image(ws: Any, url: str, anchor: str | None) -> None:
    """The trip's QR code (PNG by segno) at the sheet's top right; skipped without Pillow
    (openpyxl needs it for images) or for a later trip (the link row has the URL)."""
    import io

    from .sheets import qr_code

    if anchor is None:
        return
    try:
        from openpyxl.drawing.image import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return
    buf = io.BytesIO()
    qr_code(url).save(buf, kind="png", scale=2, border=2)
    buf.seek(0)
    try:
        img = Image(buf)
    except ImportError:  # pragma: no cover
        return
    img.width = img.height = 64
    img.anchor = anchor
    ws.add_image(img)


def _print_setup(ws: Any, orient: str, area: str, title_row: int | None) -> None:
    """A4, one page wide and as many long as needed, narrow margins, the header row repeated."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orient
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.47  # inches: 12 mm
    ws.page_margins.top = ws.page_margins.bottom = 0.55
    ws.print_options.horizontalCentered = True
    ws.print_area = area
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"


def _append(ws: Any, values: list[Any]) -> None:
    """Append a row Excel can store (see :func:`xlsx_text`)."""
    ws.append([xlsx_text(v) for v in values])


def routes_geojson(doc: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    """A FeatureCollection: one LineString per route (depot → stops → depot), one Point per
    stop and per unserved station; WGS84 lon/lat (RFC 7946)."""
    feats: list[dict[str, Any]] = []
    for r in doc["routes"]:
        depot = scenario.station(r["depot_id"])
        pts = [(depot.lon, depot.lat)]
        for s in r["stops"]:
            st = scenario.station(s["station_id"])
            pts.append((st.lon, st.lat))
            feats.append({"type": "Feature",
                          "geometry": {"type": "Point", "coordinates": [st.lon, st.lat]},
                          "properties": {"kind": "stop", "vehicle_id": r["vehicle_id"],
                                         "seq": s["seq"], "station_id": st.id,
                                         "station_name": st.name, "tier": st.tier.value,
                                         "arrival": hhmm_min(s["arrival_min"]),
                                         "parcels_down": sum(a["parcels"] for a in s["delivered"]),
                                         "parcels_up": sum(a["parcels"] for a in s["picked_up"]),
                                         "load_kg": s["load_after"]["kg"]}})
        pts.append((depot.lon, depot.lat))
        feats.append({"type": "Feature",
                      "geometry": {"type": "LineString", "coordinates": [list(p) for p in pts]},
                      "properties": {"kind": "route", "vehicle_id": r["vehicle_id"],
                                     "vehicle_type": r["vehicle_type"], "stops": len(r["stops"]),
                                     "distance_km": r["distance_km"],
                                     "cost": r["cost"]["total"],
                                     "start": hhmm_min(r["start_min"]),
                                     "end": hhmm_min(r["end_min"])}})
    for u in doc["unserved"]:
        st = scenario.station(u["station_id"])
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [st.lon, st.lat]},
                      "properties": {"kind": "unserved", "station_id": st.id,
                                     "station_name": st.name, "reason": u["reason"]}})
    return {"type": "FeatureCollection", "features": feats}


def write_routes_geojson(doc: dict[str, Any], scenario: Scenario, path: Path) -> None:
    """Write routes.geojson."""
    path.write_text(json.dumps(routes_geojson(doc, scenario), ensure_ascii=False),
                    encoding="utf-8")
