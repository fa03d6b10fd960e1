"""Route sheets and layers a dispatcher opens: routes.csv, routes.xlsx, routes.geojson."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..model import Scenario
from ..units import hhmm_min

# What Excel cannot store in a cell (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, not imported to
# keep openpyxl off the import path) and in a sheet name.
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_SHEET_ILLEGAL = re.compile(r"[\\*?:/\[\]]")


def xlsx_text(value: Any) -> Any:
    """A cell value Excel can store: text loses the control characters Excel refuses (the
    scenario reader rejects them already; this is the writers' second line of defence)."""
    return _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value


def xlsx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose text cells Excel can store (see :func:`xlsx_text`)."""
    return frame.map(xlsx_text)


def _sheet_title(name: str) -> str:
    """A valid, at most 31-character sheet name (no \\ * ? : / [ ])."""
    return _SHEET_ILLEGAL.sub("_", xlsx_text(name))[:31] or "_"


def _amount_text(amounts: list[dict[str, Any]], names: dict[str, str]) -> str:
    return "；".join(f"{names.get(a['carrier'], a['carrier'])} {a['parcels']}件/{a['kg']:g}kg"
                    for a in amounts)


def routes_frame(doc: dict[str, Any], scenario: Scenario) -> pd.DataFrame:
    """One row per stop (depot departures and returns included), in route order."""
    rows = []
    for r in doc["routes"]:
        base = {"vehicle_id": r["vehicle_id"], "vehicle_type": r["vehicle_type"]}
        depot = scenario.station(r["depot_id"])
        rows.append({**base, "seq": 0, "station_id": depot.id, "station_name": depot.name,
                     "tier": depot.tier.value, "arrival": "", "departure": hhmm_min(r["start_min"]),
                     "parcels_down": 0, "kg_down": 0.0, "parcels_up": 0, "kg_up": 0.0,
                     "load_kg": r["load_at_start"]["kg"],
                     "load_parcels": r["load_at_start"]["parcels"], "lines": ""})
        for s in r["stops"]:
            st = scenario.station(s["station_id"])
            rows.append({**base, "seq": s["seq"], "station_id": st.id, "station_name": st.name,
                         "tier": st.tier.value, "arrival": hhmm_min(s["arrival_min"]),
                         "departure": hhmm_min(s["departure_min"]),
                         "parcels_down": sum(a["parcels"] for a in s["delivered"]),
                         "kg_down": round(sum(a["kg"] for a in s["delivered"]), 3),
                         "parcels_up": sum(a["parcels"] for a in s["picked_up"]),
                         "kg_up": round(sum(a["kg"] for a in s["picked_up"]), 3),
                         "load_kg": s["load_after"]["kg"],
                         "load_parcels": s["load_after"]["parcels"],
                         "lines": " ".join(s["lines"])})
        rows.append({**base, "seq": len(r["stops"]) + 1, "station_id": depot.id,
                     "station_name": depot.name, "tier": depot.tier.value,
                     "arrival": hhmm_min(r["end_min"]), "departure": "", "parcels_down": 0,
                     "kg_down": 0.0, "parcels_up": 0, "kg_up": 0.0, "load_kg": None,
                     "load_parcels": None, "lines": ""})
    return pd.DataFrame(rows)


def write_routes_csv(doc: dict[str, Any], scenario: Scenario, path: Path) -> None:
    """routes.csv, UTF-8 with BOM so Excel on Chinese Windows shows the names right."""
    routes_frame(doc, scenario).to_csv(path, index=False, encoding="utf-8-sig")


_SHEET_HEAD = ["序号", "站点编号", "站点名称", "到达", "离开", "送件(按快递公司)",
               "揽件(按快递公司)", "车上重量kg", "车上件数", "签收"]


def write_routes_xlsx(doc: dict[str, Any], scenario: Scenario, path: Path) -> None:
    """routes.xlsx: a summary sheet, then one driver's route sheet (路单) per vehicle."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    carriers = {c.id: (c.name_zh or c.name) for c in scenario.carriers}
    types = {v.id: v for v in scenario.vehicle_types}
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    day = doc["scenario"].get("date", "")
    _append(summary, [f"{scenario.title or scenario.name} 配送计划 {day}"])
    summary["A1"].font = Font(bold=True, size=14)
    _append(summary, ["车辆", "车型", "出发", "返回", "站点数", "里程km", "送件", "揽件", "费用元"])
    for r in doc["routes"]:
        vt = types.get(r["vehicle_type"])
        _append(summary, [r["vehicle_id"], (vt.name_zh or vt.name) if vt else r["vehicle_type"],
                        hhmm_min(r["start_min"]), hhmm_min(r["end_min"]), len(r["stops"]),
                        r["distance_km"],
                        sum(a["parcels"] for s in r["stops"] for a in s["delivered"]),
                        sum(a["parcels"] for s in r["stops"] for a in s["picked_up"]),
                        r["cost"]["total"]])
    t = doc["totals"]
    _append(summary, ["合计", "", "", "", t["stops"], t["distance_km"], t.get("parcels_down"),
                    t.get("parcels_up"), t["cost"]])
    if doc["unserved"]:
        _append(summary, [])
        _append(summary, ["未服务站点", "原因"])
        for u in doc["unserved"]:
            _append(summary, [f"{u['station_id']} {u.get('station_name', '')}", u["reason"]])
    thin = Side(style="thin")
    for r in doc["routes"]:
        ws = wb.create_sheet(title=_sheet_title(r["vehicle_id"]))
        vt = types.get(r["vehicle_type"])
        _append(ws, [f"路单 {r['vehicle_id']}（{(vt.name_zh or vt.name) if vt else ''}）",
                   "", "", f"出发 {hhmm_min(r['start_min'])}", f"返回 {hhmm_min(r['end_min'])}",
                   f"里程 {r['distance_km']:.1f} km"])
        ws["A1"].font = Font(bold=True, size=13)
        _append(ws, ["司机：", "", "", "车牌：", "", f"日期：{doc['scenario'].get('date', '')}"])
        _append(ws, _SHEET_HEAD)
        for c in range(1, len(_SHEET_HEAD) + 1):
            ws.cell(row=3, column=c).font = Font(bold=True)
        for s in r["stops"]:
            _append(ws, [s["seq"], s["station_id"], s.get("station_name", ""),
                       hhmm_min(s["arrival_min"]), hhmm_min(s["departure_min"]),
                       _amount_text(s["delivered"], carriers),
                       _amount_text(s["picked_up"], carriers), s["load_after"]["kg"],
                       s["load_after"]["parcels"], ""])
        for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=len(_SHEET_HEAD)):
            for cell in row:
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        for c, width in enumerate((6, 14, 16, 8, 8, 34, 34, 10, 8, 14), start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    wb.save(path)


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
