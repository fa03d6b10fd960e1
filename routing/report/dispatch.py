"""``report.html``: the page a dispatcher prints in the morning, and its comparison sibling.

One self-contained HTML file (scripts, styles and images inlined; only map tiles come from a
tile server): key figures, the map, one route sheet per vehicle (stop order, arrival, what to
drop and collect per carrier, load, a column for signatures; each sheet starts a new printed
page) and the totals per vehicle and per carrier. :func:`write_comparison_report` does the
same for ``routing compare``: the table, the charts of :mod:`routing.report.charts`, the cost
split and the carriers-alone | alliance map.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import jinja2

from ..i18n import failed_split_text, method_name, status_name, variant_name, verdict_words
from ..i18n import t as tr
from ..model import Scenario
from ..units import hhmm_min
from .comparison import targets_text, targets_text_zh
from .maps import (
    MapData,
    carrier_names,
    comparison_map_data,
    depot_of,
    page_parts,
    render_comparison_map,
    render_map,
    text,
    vehicle_type_name,
)

_T: dict[str, dict[str, str]] = {
    "zh": {
        "plan": "配送计划", "figures": "关键数据", "vehicles": "车辆", "visits": "频次",
        "routes": "趟次",
        "stops": "停靠站点", "km": "总里程 km", "cost": "车辆费用 元", "per_parcel": "每件 元",
        "down": "送件", "up": "揽件", "unserved": "未服务站点", "check": "独立核查",
        "check_ok": "通过", "check_bad": "{n} 项问题", "check_none": "未核查", "map": "地图",
        "sheets": "路单", "sheet": "路单", "driver": "司机", "plate": "车牌", "date": "日期",
        "seq": "序号", "station": "站点", "arrival": "到达", "departure": "离开",
        "drop": "送件（按快递公司）", "collect": "揽件（按快递公司）", "load": "车上",
        "sign": "签收", "depart": "出发", "return": "返回", "totals": "合计",
        "by_vehicle": "按车辆", "by_carrier": "按快递公司", "reason": "原因", "lines": "需求行",
        "vehicle": "车辆", "type": "车型", "trip": "第{n}趟", "trips": "趟数",
        "carrier": "快递公司", "parcels": "件", "transfer": "中转", "start": "出发",
        "end": "返回", "trunk": "干线", "feeder": "支线", "load_start": "出发时车上",
        "none": "无", "generated": "由 routing 生成：求解器 {engine}，状态 {status}",
        "comparison": "共同配送方案对比", "targets": "目标", "target_text":
        "{h:g} 小时内送达全部包裹，生鲜 {f:g} 小时内，费用比各家单独配送降低 {c:.0f}%",
        "verdict_ok": "主方案 {name} 达到全部目标", "verdict_bad": "主方案 {name} 未达到全部目标",
        "variant": "方案", "vs_alone": "较单独", "unsrv": "未服务", "met": "达标",
        "charts": "图表", "shares": "费用分摊：{name}（{cost:,.2f} 元/天）", "alone": "单独配送",
        "better_alone": "单独更优", "compare_map": "地图：左为各家单独配送，右为主方案",
        "per_day": "元/天", "yes": "是", "no": "否", "kg": "kg",
        "verdicts": "各方案目标判定（按各自目标）", "own_targets": "本方案目标",
        "word_met": "达标", "word_missed": "未达标", "word_na": "不适用",
        "target_trunk": "，两级配送干线不超过 {n} 条且覆盖全部乡镇",
        "target_villages": "，村级服务点覆盖 {p:g}% 以上行政村",
        "target_alliance": "，整合快递企业 {n} 家以上",
    },
    "en": {
        "plan": "Delivery plan", "figures": "Key figures", "vehicles": "vehicles",
        "visits": "visits",
        "routes": "trips", "stops": "stops", "km": "km", "cost": "vehicle cost CNY",
        "per_parcel": "CNY per parcel", "down": "parcels down", "up": "parcels up",
        "unserved": "unserved stations", "check": "independent check", "check_ok": "OK",
        "check_bad": "{n} problem(s)", "check_none": "not run", "map": "Map",
        "sheets": "Route sheets", "sheet": "Route sheet", "driver": "Driver",
        "plate": "Plate", "date": "Date", "seq": "#", "station": "Station",
        "arrival": "Arrival", "departure": "Departure", "drop": "Drop (per carrier)",
        "collect": "Collect (per carrier)", "load": "On board", "sign": "Signature",
        "depart": "departure", "return": "return", "totals": "Totals",
        "by_vehicle": "per vehicle", "by_carrier": "per carrier", "reason": "Reason",
        "lines": "Lines", "vehicle": "Vehicle", "type": "Type", "trip": "trip {n}",
        "trips": "Trips", "carrier": "Carrier", "parcels": "parcels", "transfer": "transfer",
        "start": "Start", "end": "Back", "trunk": "trunk", "feeder": "feeder",
        "load_start": "on board at start", "none": "none",
        "generated": "made by routing: solver {engine}, status {status}",
        "comparison": "Shared delivery options compared", "targets": "Targets", "target_text":
        "every parcel within {h:g} h, fresh within {f:g} h, cost {c:.0f}% below carriers alone",
        "verdict_ok": "main option {name} meets every target",
        "verdict_bad": "main option {name} misses a target", "variant": "Option",
        "vs_alone": "vs alone", "unsrv": "unserved", "met": "target", "charts": "Charts",
        "shares": "Cost split of {name} ({cost:,.2f} CNY/day)", "alone": "alone",
        "better_alone": "better off alone",
        "compare_map": "Map: carriers alone on the left, the main option on the right",
        "per_day": "CNY/day", "yes": "yes", "no": "no", "kg": "kg",
        "verdicts": "Each option against its own targets", "own_targets": "own targets",
        "word_met": "MET", "word_missed": "NOT MET", "word_na": "n/a",
        "target_trunk": ", at most {n} trunk routes over every township (two echelons)",
        "target_villages": ", village points in {p:g}% or more of the villages",
        "target_alliance": ", an alliance of {n} or more carriers",
    },
}

_STYLE = """
html, body { height: auto !important; width: auto !important; }
body { margin: 0; padding: 16px 20px; font: 13px/1.45 "Noto Sans CJK SC", "Microsoft YaHei",
  "PingFang SC", system-ui, sans-serif; color: #111; }
h1 { font-size: 21px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 18px 0 6px; border-bottom: 2px solid #333; padding-bottom: 2px; }
h3 { font-size: 14px; margin: 10px 0 4px; }
.muted { color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.figure { border: 1px solid #bbb; border-radius: 4px; padding: 4px 10px; min-width: 88px; }
.figure .v { font-size: 18px; font-weight: bold; }
.figure .k { font-size: 11px; color: #444; }
.figure.bad { border-color: #c00; color: #c00; }
.map-box { position: relative; height: 540px; border: 1px solid #999; }
table.grid { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
table.grid th, table.grid td { border: 1px solid #777; padding: 3px 5px; vertical-align: top; }
table.grid th { background: #eee; text-align: left; }
table.grid td.n { text-align: right; white-space: nowrap; }
table.grid tr.depot td { background: #f6f6f6; }
table.grid tr.total td { font-weight: bold; border-top: 2px solid #333; }
td.sign { width: 18%; min-width: 90px; }
.fields { display: flex; gap: 28px; margin: 4px 0 6px; }
.fields span { min-width: 150px; border-bottom: 1px solid #333; padding-right: 60px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  margin-right: 5px; vertical-align: -1px; }
.charts img { max-width: 100%; width: 640px; margin: 4px 8px 4px 0; border: 1px solid #ddd; }
.ok { color: #0a6; font-weight: bold; } .bad { color: #c00; font-weight: bold; }
@page { size: A4; margin: 12mm; }
@media print {
  body { padding: 0; font-size: 11px; }
  .map-box { height: 150mm; break-inside: avoid; }
  .sheet { break-before: page; }
  .leaflet-control-layers, .leaflet-control-zoom { display: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"""

# The head both pages share: language, title, the map's inlined assets, the print style.
_HEAD = """<!DOCTYPE html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
{{ map_head | safe }}
<style>{{ style | safe }}</style>
</head>
<body>
<h1>{{ title }}</h1>
"""

_PLAN_PAGE = _HEAD + """<div class="muted">{{ doc.scenario.name }} · {{
  t.generated.format(engine=doc.engine, status=status_word) }}</div>

<h2>{{ t.figures }}</h2>
<div class="figures">
{% for f in figures %}<div class="figure{{ ' bad' if f.bad }}"><div class="v">{{ f.value }}</div>
<div class="k">{{ f.label }}</div></div>{% endfor %}
</div>

<h2>{{ t.map }}</h2>
<div class="map-box">{{ map_body | safe }}</div>

{% if doc.unserved %}
<h2>{{ t.unserved }}</h2>
<table class="grid unserved"><thead><tr><th>{{ t.station }}</th><th>{{ t.lines }}</th>
<th>{{ t.reason }}</th></tr></thead><tbody>
{% for u in doc.unserved %}<tr><td>{{ u.station_id }} {{ u.station_name }}</td>
<td>{{ u.lines | join(' ') }}</td><td>{{ u.reason }}</td></tr>{% endfor %}
</tbody></table>
{% endif %}

{% for v in sheets %}
<section class="sheet" data-vehicle="{{ v.vehicle_id }}">
<h2><span class="swatch" style="background:{{ v.color }}"></span>{{ t.sheet }}
{{ v.vehicle_id }}（{{ v.type_name }}）</h2>
<div class="fields"><span>{{ t.driver }}：</span><span>{{ t.plate }}：</span>
<span>{{ t.date }}：{{ date }}</span></div>
{% for r in v.trips %}
<h3>{{ r.heading }}</h3>
<table class="grid route-sheet"><thead><tr><th>{{ t.seq }}</th><th>{{ t.station }}</th>
<th>{{ t.arrival }}</th><th>{{ t.departure }}</th><th>{{ t.drop }}</th><th>{{ t.collect }}</th>
<th>{{ t.load }}</th><th>{{ t.sign }}</th></tr></thead><tbody>
{% for row in r.rows %}<tr class="{{ row.cls }}"><td class="n">{{ row.seq }}</td>
<td>{{ row.station }}{% if row.note %}<br><span class="muted">{{ row.note }}</span>{% endif %}</td>
<td class="n">{{ row.arrival }}</td><td class="n">{{ row.departure }}</td>
<td>{% for a in row.drop %}{{ a }}<br>{% endfor %}</td>
<td>{% for a in row.collect %}{{ a }}<br>{% endfor %}</td>
<td class="n">{{ row.load }}</td><td class="sign"></td></tr>
{% endfor %}</tbody></table>
{% endfor %}
</section>
{% endfor %}

<section class="sheet totals">
<h2>{{ t.totals }}: {{ t.by_vehicle }}</h2>
<table class="grid"><thead><tr><th>{{ t.vehicle }}</th><th>{{ t.type }}</th>
<th>{{ t.trips }}</th><th>{{ t.start }}</th><th>{{ t.end }}</th><th>{{ t.stops }}</th>
<th>km</th><th>{{ t.down }}</th><th>{{ t.up }}</th><th>{{ t.cost }}</th></tr></thead><tbody>
{% for v in sheets %}<tr><td>{{ v.vehicle_id }}</td><td>{{ v.type_name }}</td>
<td class="n">{{ v.trips | length }}</td><td class="n">{{ v.start }}</td>
<td class="n">{{ v.end }}</td><td class="n">{{ v.stops }}</td><td class="n">{{ v.km }}</td>
<td class="n">{{ v.down }}</td><td class="n">{{ v.up }}</td><td class="n">{{ v.cost }}</td>
</tr>{% endfor %}
<tr class="total"><td>{{ t.totals }}</td><td></td><td class="n">{{ totals.routes }}</td>
<td></td><td></td><td class="n">{{ totals.stops }}</td><td class="n">{{ totals.km }}</td>
<td class="n">{{ totals.down }}</td><td class="n">{{ totals.up }}</td>
<td class="n">{{ totals.cost }}</td></tr>
</tbody></table>
<h2>{{ t.totals }}: {{ t.by_carrier }}</h2>
<table class="grid by-carrier"><thead><tr><th>{{ t.carrier }}</th><th>{{ t.down }}</th>
<th>kg</th><th>{{ t.up }}</th><th>kg</th></tr></thead><tbody>
{% for c in carriers %}<tr class="{{ c.cls }}"><td>{{ c.name }}</td>
<td class="n">{{ c.parcels_down }}</td><td class="n">{{ c.kg_down }}</td>
<td class="n">{{ c.parcels_up }}</td><td class="n">{{ c.kg_up }}</td></tr>{% endfor %}
</tbody></table>
</section>
<script>{{ map_script | safe }}</script>
</body>
</html>
"""

_COMPARE_PAGE = _HEAD + """<div class="muted">{{ t.targets }}: {{ targets }}</div>
<p class="{{ 'ok' if cdoc.targets_met else 'bad' }}">{{ verdict }}</p>
<table class="grid comparison"><thead><tr><th>{{ t.variant }}</th><th>{{ t.visits }}</th>
<th>{{ t.vehicles }}</th>
<th>km</th><th>{{ t.per_day }}</th><th>{{ t.per_parcel }}</th><th>{{ t.vs_alone }}</th>
<th>24 h</th><th>48 h</th><th>72 h</th><th>fresh</th><th>{{ t.unsrv }}</th>
<th>{{ t.met }}</th></tr></thead><tbody>
{% for r in rows %}<tr><td>{{ r.variant }}</td>{% for c in r.cells %}<td class="n">{{ c }}</td>
{% endfor %}</tr>{% endfor %}
</tbody></table>

<h2>{{ t.verdicts }}</h2>
<table class="grid verdicts"><tbody>
{% for v in verdicts %}<tr><td>{{ v.variant }}{% if v.own %}<div class="muted">{{ t.own_targets }}:
{{ v.own }}</div>{% endif %}</td>
{% for c in v.cells %}<td class="{{ c.css }}">{{ c.label }}: {{ c.value }} {{ c.word }}
{% if c.reason %}<div class="muted">{{ c.reason }}</div>{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>

<h2>{{ t.charts }}</h2>
<div class="charts">{% for c in charts %}<img alt="{{ c.name }}" src="{{ c.src }}">{% endfor %}
</div>

<h2>{{ shares_title }}</h2>
<table class="grid shares"><thead><tr><th>{{ t.carrier }}</th><th>{{ t.alone }}</th>
{% for m in methods %}<th>{{ m }}</th>{% endfor %}</tr></thead><tbody>
{% for s in shares %}<tr><td>{{ s.carrier }}</td><td class="n">{{ s.alone }}</td>
{% for c in s.cells %}<td class="n">{{ c }}</td>{% endfor %}</tr>{% endfor %}
</tbody></table>

<h2>{{ t.compare_map }}</h2>
<div class="map-box">{{ map_body | safe }}</div>
<script>{{ map_script | safe }}</script>
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


class _Labels(dict[str, str]):
    """Labels reachable as attributes in the templates (``t.plan``)."""

    def __getattr__(self, key: str) -> str:
        return self[key]


def _labels(lang: str) -> _Labels:
    text(lang, "plan")  # validates lang
    return _Labels(_T[lang])


def _amount_lines(items: list[dict[str, Any]], names: dict[str, str], t: _Labels) -> list[str]:
    return [f"{names.get(a['carrier'], a['carrier'])} {a['parcels']} {t.parcels} / "
            f"{a['kg']:g} kg" for a in items if a["parcels"] or a["kg"]]


def _sheets(doc: dict[str, Any], scenario: Scenario, data: MapData, t: _Labels, lang: str
            ) -> list[dict[str, Any]]:
    names = carrier_names(scenario, lang)
    colors = {la.key.removeprefix("vehicle:"): la.color for la in data.of_kind("vehicle")}
    by_vehicle: dict[str, list[dict[str, Any]]] = {}
    for r in doc["routes"]:
        by_vehicle.setdefault(r["vehicle_id"], []).append(r)
    sheets = []
    for vid, routes in sorted(by_vehicle.items(), key=lambda kv: min(r["start_min"]
                                                                     for r in kv[1])):
        routes.sort(key=lambda r: r["start_min"])
        trips = []
        for r in routes:
            depot = scenario.station(depot_of(r, scenario))
            load0 = r["load_at_start"]
            rows = [{"cls": "depot", "seq": 0, "station": f"{depot.id} {depot.name}",
                     "note": "", "arrival": "", "departure": hhmm_min(r["start_min"]),
                     "drop": [], "collect": [],
                     "load": f"{load0['kg']:g} kg / {load0['parcels']} {t.parcels}"}]
            for s in r["stops"]:
                la = s["load_after"]
                note = (f"{t.transfer}: {' '.join(s['transfers'])}" if s.get("transfers")
                        else "")
                rows.append({"cls": "stop", "seq": s["seq"],
                             "station": f"{s['station_id']} "
                                        f"{scenario.station(s['station_id']).name}",
                             "note": note, "arrival": hhmm_min(s["arrival_min"]),
                             "departure": hhmm_min(s["departure_min"]),
                             "drop": _amount_lines(s["delivered"], names, t),
                             "collect": _amount_lines(s["picked_up"], names, t),
                             "load": f"{la['kg']:g} kg / {la['parcels']} {t.parcels}"})
            rows.append({"cls": "depot", "seq": len(r["stops"]) + 1,
                         "station": f"{depot.id} {depot.name}", "note": "",
                         "arrival": hhmm_min(r["end_min"]), "departure": "", "drop": [],
                         "collect": [], "load": ""})
            parts = []
            if len(routes) > 1:
                parts.append(t.trip.format(n=r.get("trip", 1)))
            if r.get("echelon") in ("trunk", "feeder"):
                parts.append(t[r["echelon"]])
            parts.append(f"{t.start} {hhmm_min(r['start_min'])} – {t.end} "
                         f"{hhmm_min(r['end_min'])}")
            parts.append(f"{r['distance_km']:.1f} km")
            parts.append(f"{t.load_start} {load0['kg']:g} kg / {load0['parcels']} {t.parcels}")
            trips.append({"heading": " · ".join(parts), "rows": rows})
        sheets.append({
            "vehicle_id": vid, "color": colors.get(vid, "#888"),
            "type_name": vehicle_type_name(scenario, routes[0]["vehicle_type"], lang),
            "trips": trips, "start": hhmm_min(routes[0]["start_min"]),
            "end": hhmm_min(max(r["end_min"] for r in routes)),
            "stops": sum(len(r["stops"]) for r in routes),
            "km": f"{sum(r['distance_km'] for r in routes):,.1f}",
            "down": sum(a["parcels"] for r in routes for s in r["stops"]
                        for a in s["delivered"]),
            "up": sum(a["parcels"] for r in routes for s in r["stops"] for a in s["picked_up"]),
            "cost": f"{sum(r['cost']['total'] for r in routes):,.2f}"})
    return sheets


def carrier_totals(doc: dict[str, Any], scenario: Scenario) -> dict[str, dict[str, float]]:
    """Parcels and kg down and up per carrier, counted like the plan's totals: each demand line
    once, at its own station (a two-echelon hand-over at a township is not a delivery).

    When the plan names lines the scenario does not have, the stops' amounts are summed instead
    (hand-overs included).
    """
    zero = {"parcels_down": 0, "kg_down": 0.0, "parcels_up": 0, "kg_up": 0.0}
    out: dict[str, dict[str, float]] = {c.id: dict(zero) for c in scenario.carriers}
    lines = {ln.id: ln for ln in scenario.demand}
    final = [i for r in doc["routes"] for s in r["stops"]
             for handed in [frozenset(s.get("transfers", ()))] for i in s["lines"]
             if i not in handed]
    if all(i in lines for i in final):
        for i in final:
            ln = lines[i]
            row = out.setdefault(ln.carrier_id, dict(zero))
            row[f"parcels_{ln.direction.value}"] += ln.parcels
            row[f"kg_{ln.direction.value}"] += ln.kg
    else:
        for r in doc["routes"]:
            for s in r["stops"]:
                for side, items in (("down", s["delivered"]), ("up", s["picked_up"])):
                    for a in items:
                        row = out.setdefault(a["carrier"], dict(zero))
                        row[f"parcels_{side}"] += a["parcels"]
                        row[f"kg_{side}"] += a["kg"]
    return {c: v for c, v in out.items() if any(v.values())}


def report_html(doc: dict[str, Any], scenario: Scenario, data: MapData, *, tiles: str = "osm",
                violations: int | None = None) -> str:
    """The dispatcher's page for one plan; ``data`` is its :func:`~routing.report.maps.map_data`
    (its language is the page's), ``violations`` the checker's count (None: not run)."""
    lang = data.lang
    t = _labels(lang)
    tot = doc["totals"]
    parcels = (tot.get("parcels_down") or 0) + (tot.get("parcels_up") or 0)
    check = (t.check_none if violations is None else
             t.check_ok if violations == 0 else t.check_bad.format(n=violations))
    figures = [
        {"label": t.vehicles, "value": tot["vehicles"], "bad": False},
        {"label": t.routes, "value": tot.get("routes", len(doc["routes"])), "bad": False},
        {"label": t.stops, "value": tot["stops"], "bad": False},
        {"label": t.km, "value": f"{tot['distance_km']:,.1f}", "bad": False},
        {"label": t.cost, "value": f"{tot['cost']:,.2f}", "bad": False},
        {"label": t.per_parcel, "value": f"{tot['cost'] / parcels:.2f}" if parcels else "-",
         "bad": False},
        {"label": t.down, "value": tot.get("parcels_down", 0), "bad": False},
        {"label": t.up, "value": tot.get("parcels_up", 0), "bad": False},
        {"label": t.unserved, "value": len(doc["unserved"]), "bad": bool(doc["unserved"])},
        {"label": t.check, "value": check, "bad": bool(violations)},
    ]
    names = carrier_names(scenario, lang)
    per_carrier = carrier_totals(doc, scenario)
    carriers = [{"cls": "", "name": names.get(c, c), "parcels_down": v["parcels_down"],
                 "kg_down": f"{v['kg_down']:,.1f}", "parcels_up": v["parcels_up"],
                 "kg_up": f"{v['kg_up']:,.1f}"} for c, v in per_carrier.items()]
    carriers.append({"cls": "total", "name": t.totals,
                     "parcels_down": sum(v["parcels_down"] for v in per_carrier.values()),
                     "kg_down": f"{sum(v['kg_down'] for v in per_carrier.values()):,.1f}",
                     "parcels_up": sum(v["parcels_up"] for v in per_carrier.values()),
                     "kg_up": f"{sum(v['kg_up'] for v in per_carrier.values()):,.1f}"})
    head, body, script = page_parts(render_map(data, tiles))
    date = doc["scenario"].get("date", "") or scenario.date
    title = f"{scenario.title or scenario.name} {t.plan} {date}".strip()
    return _ENV.from_string(_PLAN_PAGE).render(
        lang=lang, t=t, title=title, doc=doc, date=date, figures=figures,
        status_word=status_name(doc["status"], lang),  # 成功, not SUCCESS (routing.i18n)
        sheets=_sheets(doc, scenario, data, t, lang), carriers=carriers,
        totals={"routes": tot.get("routes", len(doc["routes"])), "stops": tot["stops"],
                "km": f"{tot['distance_km']:,.1f}", "down": tot.get("parcels_down", 0),
                "up": tot.get("parcels_up", 0), "cost": f"{tot['cost']:,.2f}"},
        map_head=head, map_body=body, map_script=script, style=_STYLE)


def write_report(doc: dict[str, Any], scenario: Scenario, path: Path, data: MapData, *,
                 tiles: str = "osm", violations: int | None = None) -> Path:
    """Write ``report.html`` for one plan (see :func:`report_html`)."""
    path = Path(path)
    path.write_text(report_html(doc, scenario, data, tiles=tiles, violations=violations),
                    encoding="utf-8")
    return path


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def comparison_report_html(cdoc: dict[str, Any], result: dict[str, Any], scenario: Scenario,
                           out_dir: Path, *, lang: str = "zh", tiles: str = "osm",
                           maps: tuple[MapData, MapData] | None = None) -> str:
    """The planners' page for ``routing compare``: ``cdoc`` is comparison.json's document,
    ``result`` the :func:`~routing.pipeline.compare_scenario` result; the charts are read from
    ``out_dir`` (cost.png, on_time.png, cost_shares.png) and inlined."""
    t = _labels(lang)
    names = carrier_names(scenario, lang)  # options, carriers and methods by name (i18n)
    left, right = maps or comparison_map_data(result, scenario, lang=lang)
    head, body, script = page_parts(render_comparison_map(left, right, tiles))
    rows = []
    for r in cdoc["rows"]:
        if r.get("failed"):  # no plan within the time limit: no figures
            rows.append({"variant": variant_name(r["variant"], lang, names), "cells": [
                "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-",
                t.no if r["target_met"] is False else ""]})
            continue
        red = ("-" if r["reduction"] is None or r["kind"] == "baseline"
               else f"{-100 * r['reduction']:+.1f}%")
        met = "" if r["target_met"] is None else (t.yes if r["target_met"] else t.no)
        rows.append({"variant": variant_name(r["variant"], lang, names), "cells": [
            r["visits"], r["vehicles"], f"{r['km_day']:,.1f}", f"{r['cost_day']:,.2f}",
            "-" if r["cost_per_parcel"] is None else f"{r['cost_per_parcel']:.3f}", red,
            _pct(r["within_24h"]), _pct(r["within_48h"]), _pct(r["within_72h"]),
            _pct(r["fresh_within"]), r["unserved_lines"], met]})
    charts = []
    for name in ("cost.png", "on_time.png", "cost_shares.png"):
        png = Path(out_dir) / name
        if png.is_file():
            charts.append({"name": name, "src": "data:image/png;base64,"
                           + base64.b64encode(png.read_bytes()).decode("ascii")})
    sh = cdoc["cost_shares"]
    shares = [{"carrier": names.get(c, c), "alone": f"{row['alone']:,.2f}",
               "cells": [f"{row[m]['share']:,.2f}"
                         + (f" ({t.better_alone})" if row[m]["better_off_alone"] else "")
                         for m in sh["methods"]]}
              for c, row in sh["per_member"].items()]
    tg = cdoc["targets"]
    title = f"{cdoc.get('title') or cdoc['scenario']} {t.comparison} {cdoc.get('date', '')}"
    primary = variant_name(cdoc["primary"], lang, names)
    verdict = (t.verdict_ok if cdoc["targets_met"] else t.verdict_bad).format(name=primary)
    return _ENV.from_string(_COMPARE_PAGE).render(
        lang=lang, t=t, title=title.strip(), cdoc=cdoc, rows=rows, charts=charts,
        targets=_targets_line(tg, t),
        verdict=verdict, methods=[method_name(m, lang) for m in sh["methods"]], shares=shares,
        verdicts=_verdict_rows(cdoc, t, lang, names),
        shares_title=(t.shares.format(name=primary, cost=sh["alliance_cost_day"])
                      if not sh.get("failed") else
                      tr("report_no_split", lang, name=primary,
                         options=failed_split_text(sh["failed"], lang, names))),
        map_head=head, map_body=body, map_script=script, style=_STYLE)


def _targets_line(tg: dict[str, Any], t: _Labels) -> str:
    """The scenario's targets in the page's language, structural ones included."""
    out = t.target_text.format(h=tg["on_time_h"], f=tg["fresh_h"], c=100 * tg["cost_reduction"])
    if tg.get("max_trunk_routes") is not None:
        out += t.target_trunk.format(n=tg["max_trunk_routes"])
    if tg.get("min_village_coverage") is not None:
        out += t.target_villages.format(p=100 * tg["min_village_coverage"])
    if tg.get("min_alliance_carriers") is not None:
        out += t.target_alliance.format(n=tg["min_alliance_carriers"])
    return out


def _verdict_rows(cdoc: dict[str, Any], t: _Labels, lang: str = "en",
                  names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Per variant: its own targets where they differ from the scenario's, and each verdict
    (labels, values and reasons in ``lang``: routing.i18n.verdict_words)."""
    out = []
    for name, verdicts in cdoc.get("verdicts", {}).items():
        own = cdoc.get("variant_targets", {}).get(name)
        cells = [{"label": label, "value": value if v["met"] is not None else "",
                  "word": t[f"word_{w}"], "reason": reason if v["met"] is False else "",
                  "css": {"met": "ok", "missed": "bad"}.get(w, "muted")}
                 for v in verdicts
                 for label, value, reason in [verdict_words(v, lang)]
                 for w in ["na" if v["met"] is None else ("met" if v["met"] else "missed")]]
        out.append({"variant": variant_name(name, lang, names), "cells": cells,
                    "own": "" if own in (None, cdoc["targets"]) else
                    (targets_text_zh if lang == "zh" else targets_text)(own)})
    return out


def write_comparison_report(cdoc: dict[str, Any], result: dict[str, Any], scenario: Scenario,
                            out_dir: Path, *, lang: str = "zh", tiles: str = "osm",
                            maps: tuple[MapData, MapData] | None = None) -> Path:
    """Write ``report.html`` into a comparison's ``out_dir``."""
    path = Path(out_dir) / "report.html"
    path.write_text(comparison_report_html(cdoc, result, scenario, out_dir, lang=lang,
                                           tiles=tiles, maps=maps), encoding="utf-8")
    return path
