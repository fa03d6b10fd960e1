"""``report.html``: the page a dispatcher prints in the morning, and its comparison sibling.

One self-contained HTML file (scripts, styles and images inlined; only map tiles come from a
tile server): key figures, the map and the totals per vehicle and per carrier (the first printed
page), then per vehicle, by departure, its route sheet and loading list as
:mod:`routing.report.sheets` lays them out (one row per stop, fresh goods marked, Amap links and
a QR code per trip, a signature column), each on its own A4 page: print CSS with fixed column
widths that fit the page (landscape pages for sheets that need them) and the header repeated.
:func:`write_comparison_report` does the same for ``routing compare``: the table, the charts
of :mod:`routing.report.charts`, the cost split and the carriers-alone | alliance map.
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
from .labels import labels
from .layers import MapData, carrier_names, comparison_map_data
from .map_html import render_comparison_map, render_map

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
table.route-sheet { table-layout: fixed; font-size: 11px; line-height: 1.25; }
table.route-sheet th, table.route-sheet td { padding: 1px 3px; overflow-wrap: anywhere;
  word-break: break-word; }
table.route-sheet td.n { white-space: normal; }
table.route-sheet th.carrier { font-size: 10px; text-align: center; }
table.route-sheet tr.fresh td { background: #e6f2ff; }
table.route-sheet td.cold { color: #04508c; font-size: 10px; }
table.route-sheet .code { color: #666; font-size: 9px; }
table.route-sheet a { color: inherit; text-decoration: none; }
.trip-head { display: flex; align-items: flex-start; gap: 8px; margin-top: 4px; }
.trip-head h3 { margin: 0 0 2px; }
.trip-head .qr { order: 2; margin-left: auto; text-align: center; font-size: 8px; color: #444; }
.trip-head .qr svg { width: 20mm; height: 20mm; display: block; }
.legend { font-size: 10px; }
.loading-list h3 { margin: 4px 0 2px; }
.loading-parts { display: flex; gap: 6px; align-items: flex-start; }
table.loading { width: 50%; table-layout: fixed; font-size: 10px; line-height: 1.2;
  margin: 0; }
table.loading col.box { width: 8mm; } table.loading col.name { width: 22mm; }
table.loading col.num { width: 10mm; }
table.loading th, table.loading td { padding: 1px 3px; }
table.loading td.box { font-size: 12px; text-align: center; }
table.loading td.order { overflow-wrap: anywhere; font-size: 90%; }
table.loading.cold th { background: #d7ebff; }
@page { size: A4; margin: 12mm; }
@page landscape { size: A4 landscape; margin: 12mm; }
section.sheet.landscape { page: landscape; }
@media print {
  body { padding: 0; font-size: 10px; line-height: 1.3; }
  h1 { font-size: 17px; } h2 { font-size: 14px; margin: 8px 0 4px; }
  .figures { margin: 4px 0; gap: 4px; } .figure .v { font-size: 14px; }
  .map-box { height: 90mm; break-inside: avoid; }
  .totals table.grid td, .totals table.grid th { padding: 1px 4px; }
  .sheet { break-before: page; }
  .sheet h2 { margin-top: 0; }
  .leaflet-control-layers, .leaflet-control-zoom { display: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  table.route-sheet { font-size: 8pt; line-height: 1.15; }
  table.route-sheet th, table.route-sheet td { padding: 0.3mm 0.8mm; }
  table.route-sheet th.carrier, table.route-sheet td.cold { font-size: 7pt; }
  table.loading { font-size: 7.5pt; }
  .trip-head .qr svg { width: 15mm; height: 15mm; }
  .trip-head h3 { font-size: 11px; }
  .fields { margin: 2px 0 3px; }
  .loading-list h3 { font-size: 11px; margin: 3px 0 1px; }
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

<section class="totals">
<h2>{{ t.totals }}: {{ t.by_vehicle }}</h2>
<table class="grid by-vehicle"><thead><tr><th>{{ t.vehicle }}</th><th>{{ t.type }}</th>
<th>{{ t.trips }}</th><th>{{ t.start }}</th><th>{{ t.end }}</th><th>{{ t.stops }}</th>
<th>km</th><th>{{ t.down }}</th><th>{{ t.up }}</th><th>{{ t.cost }}</th></tr></thead><tbody>
{% for v in summary %}<tr><td>{{ v.vehicle_id }}</td><td>{{ v.type_name }}</td>
<td class="n">{{ v.trips }}</td><td class="n">{{ v.start }}</td>
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

{% for v in sheets %}
<section class="sheet {{ v.orient }}" data-vehicle="{{ v.vehicle_id }}">
<h2><span class="swatch" style="background:{{ v.color }}"></span>{{ s.sheet }}
{{ v.vehicle_id }}{{ s.paren.format(x=v.type_name) }}</h2>
<div class="fields"><span>{{ s.driver }}{{ s.colon }}</span><span>{{ s.plate }}{{ s.colon }}</span>
<span>{{ s.date }}{{ s.colon }}{{ date }}</span></div>
{% for r in v.trips %}
<div class="trip-head"><div class="qr" title="{{ s.qr }}">{{ r.qr | safe }}
<div class="cap">{{ s.qr }}</div></div>
<h3>{{ r.heading }}</h3><div class="muted legend">{{ s.legend }}</div></div>
<table class="grid route-sheet" style="width:{{ v.width }}mm"><colgroup>
{% for w in v.cols %}<col style="width:{{ w }}mm">{% endfor %}</colgroup>
<thead><tr><th>{{ s.no }}</th><th>{{ s.station }}</th><th>{{ s.time }}</th>
{% for c in v.carriers %}<th class="carrier">{{ c }}</th>{% endfor %}
{% if v.fresh %}<th class="cold">{{ v.cold_head }}</th>{% endif %}
<th>{{ s.load }}</th><th class="sign">{{ s.sign }}</th></tr></thead><tbody>
{% for row in r.rows %}<tr class="{{ row.cls }}"><td class="n">{{ row.no }}</td>
<td class="st">{% if row.nav %}<a href="{{ row.nav }}" title="{{ s.nav }}">{{ row.name }}</a>
{% else %}{{ row.name }}{% endif %} <span class="code">{{ row.code }}</span>
{% if row.note %}<br><span class="muted">{{ row.note }}</span>{% endif %}</td>
<td class="n">{{ row.arrival or row.departure }}</td>
{% for cell in row.cells %}<td class="n">{% for x in cell %}{{ x }}<br>{% endfor %}</td>{% endfor %}
{% if v.fresh %}<td class="cold">{% for x in row.cold %}{{ x }}<br>{% endfor %}</td>{% endif %}
<td class="n">{{ row.load }}</td><td class="sign"></td></tr>
{% endfor %}</tbody></table>
<div class="loading-list" data-vehicle="{{ v.vehicle_id }}">
<h3>{{ s.loading }} · {{ s.hub_crew }}</h3>
<div class="loading-parts">
{% for part in r.loading %}<table class="grid loading {{ part.cls }}"><colgroup>
<col class="box"><col class="name"><col class="num"><col class="num"><col></colgroup><thead><tr>
<th class="box">{{ s.check }}</th><th>{{ part.title }}</th><th>{{ s.pcs }}</th>
<th>kg</th><th>{{ s.order }}</th></tr></thead><tbody>
{% for ln in part.lines %}<tr><td class="box">☐</td><td>{{ ln.name }}</td>
<td class="n">{{ ln.parcels }}</td><td class="n">{{ ln.kg }}</td>
<td class="order">{{ ln.stops }}</td>
</tr>{% endfor %}</tbody></table>{% endfor %}
</div></div>
{% endfor %}
</section>
{% endfor %}
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
    return _Labels(labels("report", lang))


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (segno, error correction M), sized by the page's CSS."""
    from .sheets import qr_code

    if not url:
        return ""
    return qr_code(url).svg_inline(scale=1, border=2, omitsize=True)


def _sheets(doc: dict[str, Any], scenario: Scenario, data: MapData, lang: str
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The route sheets (with their loading lists) and the per-vehicle summary, by departure."""
    from . import sheets as sh

    s = sh.labels(lang)
    colors = {la.key.removeprefix("vehicle:"): la.color for la in data.of_kind("vehicle")}
    routes_of: dict[str, list[dict[str, Any]]] = {}
    for r in doc["routes"]:
        routes_of.setdefault(r["vehicle_id"], []).append(r)
    out, summary = [], []
    for v in sh.vehicle_sheets(doc, scenario, lang):
        orient, w = sh.columns_mm(len(v.carriers), v.fresh)
        cols = [w["no"], w["station"], w["time"], *[w["carrier"]] * len(v.carriers)]
        cols += [w["cold"]] if v.fresh else []
        cols += [w["load"], w["sign"]]
        trips = []
        for trip in v.trips:
            rows = []
            for row in trip.rows:
                note = (f"{s['transfer']}: {' '.join(row.transfers)}" if row.transfers else "")
                rows.append({"cls": "depot" if row.kind != "stop" else
                             ("stop fresh" if row.fresh else "stop"), "no": row.no,
                             "name": row.name, "code": row.code, "note": note,
                             "nav": row.nav_url if row.kind != "start" else "",
                             "arrival": row.arrival, "departure": row.departure,
                             "cells": [sh.carrier_cell(row, c, s) for c in v.carriers],
                             "cold": sh.cold_cell(row, v.box, s, lang),
                             "load": sh.load_cell(row)})
            parts = []
            for fresh, cls, title in ((False, "dry", s["dry_section"]),
                                      (True, "cold", s["cold_section"])):
                lines = [{"name": ln.name, "parcels": ln.parcels, "kg": f"{ln.kg:g}",
                          "stops": " ".join(map(str, ln.stops))}
                         for ln in trip.loading if ln.fresh is fresh]
                if lines:
                    parts.append({"cls": cls, "title": title, "lines": lines})
            trips.append({"heading": sh.trip_heading(v, trip, s, lang), "rows": rows,
                          "qr": qr_svg(trip.qr_url), "loading": parts})
        out.append({"vehicle_id": v.vehicle_id, "color": colors.get(v.vehicle_id, "#888"),
                    "type_name": v.type_name, "orient": orient, "width": f"{sum(cols):.1f}",
                    "cols": [f"{c:.1f}" for c in cols],
                    "carriers": [v.names[c] for c in v.carriers], "fresh": v.fresh,
                    "cold_head": sh.cold_header(v.box, s),
                    "trips": trips})
        routes = routes_of[v.vehicle_id]
        summary.append({
            "vehicle_id": v.vehicle_id, "type_name": v.type_name, "trips": len(routes),
            "start": v.trips[0].start, "end": hhmm_min(max(r["end_min"] for r in routes)),
            "stops": sum(len(r["stops"]) for r in routes),
            "km": f"{sum(r['distance_km'] for r in routes):,.1f}",
            "down": sum(a["parcels"] for r in routes for x in r["stops"]
                        for a in x["delivered"]),
            "up": sum(a["parcels"] for r in routes for x in r["stops"] for a in x["picked_up"]),
            "cost": f"{sum(r['cost']['total'] for r in routes):,.2f}"})
    return out, summary


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
    """The dispatcher's page for one plan; ``data`` is its :func:`~routing.report.layers.map_data`
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
    mp = render_map(data, tiles)
    date = doc["scenario"].get("date", "") or scenario.date
    title = f"{scenario.title or scenario.name} {t.plan} {date}".strip()
    from .sheets import labels as sheet_labels

    sheets, summary = _sheets(doc, scenario, data, lang)
    return _ENV.from_string(_PLAN_PAGE).render(
        lang=lang, t=t, s=sheet_labels(lang), title=title, doc=doc, date=date, figures=figures,
        status_word=status_name(doc["status"], lang),  # 成功, not SUCCESS (routing.i18n)
        sheets=sheets, summary=summary, carriers=carriers,
        totals={"routes": tot.get("routes", len(doc["routes"])), "stops": tot["stops"],
                "km": f"{tot['distance_km']:,.1f}", "down": tot.get("parcels_down", 0),
                "up": tot.get("parcels_up", 0), "cost": f"{tot['cost']:,.2f}"},
        map_head=mp.head, map_body=mp.body, map_script=mp.script, style=_STYLE)


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
    mp = render_comparison_map(left, right, tiles)
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
        map_head=mp.head, map_body=mp.body, map_script=mp.script, style=_STYLE)


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
