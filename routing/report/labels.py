"""Labels of the report outputs — map, report.html, route sheets (HTML, PDF, Excel) — in
Chinese and English.

The same shape as the command line's catalogue, :data:`routing.i18n.MESSAGES`: each label is
a key and its (Chinese, English) pair. A label whose words are the command line's own (干线,
返回, …) names that message's key instead of repeating them, so no words are in both places.

Kept apart from :mod:`routing.i18n` because these are short words of printed pages, read per
output, where one word can print two ways (地图里 "站点" is ``stations`` in a layer list and
``Station`` in a table header): :data:`SHARED` holds what every output prints alike, and
:data:`MAP`, :data:`REPORT`, :data:`SHEET` (route sheets and loading lists, in report.html,
routes.xlsx and route_sheets.pdf alike) and :data:`TABLE` (routes.xlsx's summary) what one
output prints its own way. :func:`labels` gives one output's labels in one language;
:func:`routing.i18n.check_lang` says which languages there are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..exceptions import DataError
from ..i18n import LANGS, MESSAGES

__all__ = ["LANGS", "MAP", "REPORT", "SHARED", "SHEET", "TABLE", "label", "labels"]

#: (Chinese, English), or the key of the :data:`routing.i18n.MESSAGES` entry with these words.
Label = tuple[str, str] | str

SHARED: dict[str, Label] = {
    "unserved": ("未服务站点", "unserved stations"),
    "parcels": ("件", "parcels"),
    "trip": ("第{n}趟", "trip {n}"),
    "stops": ("停靠站点", "stops"),
    "trunk": "leg_trunk",
    "feeder": "leg_feeder",
    "plan": ("配送计划", "delivery plan"),
    "sheet": ("路单", "Route sheet"),
    "driver": ("司机", "Driver"),
    "plate": ("车牌", "Plate"),
    "date": ("日期", "Date"),
    "station": ("站点", "Station"),
    "arrival": ("到达", "Arrival"),
    "departure": ("离开", "Departure"),
    "sign": ("签收", "Signature"),
    "reason": ("原因", "Reason"),
    "carrier": ("快递公司", "Carrier"),
    "transfer": ("中转", "transfer"),
    "kg": ("kg", "kg"),
    "total": ("合计", "Total"),
}

MAP: dict[str, Label] = {
    "hub": ("县级物流配送中心", "county hub"),
    "township": ("乡镇服务站", "township station"),
    "village": ("村级服务点", "village point"),
    "outlet": ("快递网点", "carrier outlet"),
    "stations": ("站点", "stations"),
    "vehicle": "col_vehicle",
    "carrier": "shares_carrier",
    "seq": ("顺序", "stop"),
    "station": ("站点", "station"),
    "arrival": ("到达", "arrival"),
    "departure": ("离开", "departure"),
    "down": ("送件", "drop"),
    "up": ("揽件", "collect"),
    "load": ("离站时车上", "on board after"),
    "parcel": ("件", "parcel"),
    "reason": ("原因", "reason"),
    "lines": ("需求行", "lines"),
    "start": ("出发", "start"),
    "end": "col_back",
    "km": "col_km",
    "cost": ("费用", "cost"),
    "cny": ("元", "CNY"),
    "legend": ("图例", "Legend"),
    "along_roads": ("车辆路线（沿道路）", "route (along roads)"),
    "straight": ("车辆路线（站点间直线）", "route (straight legs)"),
    "stop_badge": ("停靠顺序", "stop order"),
    "transfers": ("中转", "transfer"),
    "baseline": ("各快递公司单独配送", "carriers alone"),
    "alliance": ("主方案：{name}", "alliance: {name}"),
    "day": ("第{n}组", "group {n}"),
    "osm": ("OpenStreetMap", "OpenStreetMap"),
    "amap": ("高德地图", "Amap"),
    "vehicles": ("辆车", "vehicles"),
    "unserved_n": ("个未服务站点", "unserved"),
    "load_at_start": ("出发时车上", "on board at start"),
    "none": ("—", "-"),
    "type": "col_type",
    "date": ("日期", "date"),
    "vehicle_cost": ("车辆费用", "vehicle cost"),
    "sep": ("，", ", "),
    "per_day": ("/天", "/day"),
    "total_cost": ("总费用 {cost} 元/天（车辆 {vehicles} + 分拣交接 {handling}）",
                   "total {cost} CNY/day (vehicles {vehicles} + handling {handling})"),
    "lines_unserved": ("{n} 条需求未服务", "{n} lines unserved"),
}

REPORT: dict[str, Label] = {
    "plan": ("配送计划", "Delivery plan"),
    "figures": ("关键数据", "Key figures"),
    "vehicles": "cmp_vehicles",
    "visits": "t_visits",
    "routes": ("趟次", "trips"),
    "km": ("总里程 km", "km"),
    "cost": ("车辆费用 元", "vehicle cost CNY"),
    "per_parcel": ("每件 元", "CNY per parcel"),
    "down": ("送件", "parcels down"),
    "up": ("揽件", "parcels up"),
    "check": ("独立核查", "independent check"),
    "check_ok": ("通过", "OK"),
    "check_bad": ("{n} 项问题", "{n} problem(s)"),
    "check_none": ("未核查", "not run"),
    "map": ("地图", "Map"),
    "sheets": ("路单", "Route sheets"),
    "seq": ("序号", "#"),
    "drop": ("送件（按快递公司）", "Drop (per carrier)"),
    "collect": ("揽件（按快递公司）", "Collect (per carrier)"),
    "load": ("车上", "On board"),
    "depart": ("出发", "departure"),
    "return": ("返回", "return"),
    "totals": ("合计", "Totals"),
    "by_vehicle": ("按车辆", "per vehicle"),
    "by_carrier": ("按快递公司", "per carrier"),
    "lines": ("需求行", "Lines"),
    "vehicle": ("车辆", "Vehicle"),
    "type": ("车型", "Type"),
    "trips": ("趟数", "Trips"),
    "start": ("出发", "Start"),
    "end": ("返回", "Back"),
    "load_start": ("出发时车上", "on board at start"),
    "none": ("无", "none"),
    "generated": ("由 routing 生成：求解器 {engine}，状态 {status}",
                  "made by routing: solver {engine}, status {status}"),
    "comparison": ("共同配送方案对比", "Shared delivery options compared"),
    "targets": ("目标", "Targets"),
    "target_text": ("{h:g} 小时内送达全部包裹，生鲜 {f:g} 小时内，费用比各家单独配送降低 {c:.0f}%",
                    "every parcel within {h:g} h, fresh within {f:g} h, "
                    "cost {c:.0f}% below carriers alone"),
    "verdict_ok": ("主方案 {name} 达到全部目标", "main option {name} meets every target"),
    "verdict_bad": ("主方案 {name} 未达到全部目标", "main option {name} misses a target"),
    "variant": ("方案", "Option"),
    "vs_alone": "t_vs",
    "unsrv": "cmp_unserved",
    "met": ("达标", "target"),
    "charts": ("图表", "Charts"),
    "shares": ("费用分摊：{name}（{cost:,.2f} 元/天）",
               "Cost split of {name} ({cost:,.2f} CNY/day)"),
    "alone": ("单独配送", "alone"),
    "better_alone": ("单独更优", "better off alone"),
    "compare_map": ("地图：左为各家单独配送，右为主方案",
                    "Map: carriers alone on the left, the main option on the right"),
    "per_day": ("元/天", "CNY/day"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "verdicts": ("各方案目标判定（按各自目标）", "Each option against its own targets"),
    "own_targets": ("本方案目标", "own targets"),
    "word_met": "t_met",
    "word_missed": ("未达标", "NOT MET"),
    "word_na": ("不适用", "n/a"),
    "target_trunk": ("，两级配送干线不超过 {n} 条且覆盖全部乡镇",
                     ", at most {n} trunk routes over every township (two echelons)"),
    "target_villages": ("，村级服务点覆盖 {p:g}% 以上行政村",
                        ", village points in {p:g}% or more of the villages"),
    "target_alliance": ("，整合快递企业 {n} 家以上", ", an alliance of {n} or more carriers"),
}

SHEET: dict[str, Label] = {
    "loading": ("装车单", "Loading list"),
    "no": ("序", "#"),
    "time": ("到达", "Arrival"),
    "cold": ("冷链 ❄", "Cold ❄"),
    "load": ("车上 kg", "On board kg"),
    "drop": ("送", "drop"),
    "collect": ("揽", "coll."),
    "fresh": "t_fresh",
    "cold_chain": ("冷链", "cold chain"),
    "depart": ("出发", "departs"),
    "back": "col_back",
    "stops": ("{n} 站", "{n} stops"),
    "on_board": ("出发时车上", "on board at start"),
    "check": ("核对", "Done"),
    "pcs": ("件", "pcs"),
    "order": ("装车顺序（末站先装）", "Loading order (last stop first)"),
    "dry_section": ("常温", "dry"),
    "cold_section": ("冷链 ❄ 生鲜", "cold chain ❄ fresh"),
    "into_box": ("入{box}", "into the {box}"),
    "reefer": ("冷藏厢", "reefer"),
    "cold_box": ("冷链箱", "cold box"),
    "nav": ("导航", "navigate"),
    "qr": ("扫码导航到第一站", "scan: navigate to the first stop"),
    "legend": ("送：送件 揽：揽件 ❄：生鲜（冷链）",
               "drop: parcels to deliver, coll.: parcels to collect, ❄: fresh (cold chain)"),
    "page_of": ("第 {p} 页", "page {p}"),
    "hub_crew": ("库房装车核对", "hub crew check"),
    "no_cold": ("本车无冷链货物", "no cold-chain goods on this vehicle"),
    "colon": ("：", ": "),
    "paren": ("（{x}）", " ({x})"),
    "station_name": ("站点名称", "Station name"),
    "station_id": ("站点编号", "station_id"),
    "lines": ("单号", "lines"),
}

TABLE: dict[str, Label] = {
    "summary": ("汇总", "Summary"),
    "unserved": ("未服务站点", "Unserved stations"),
    "loading": ("装车单", "loading"),
    "head_vehicle": ("车辆", "Vehicle"),
    "head_type": ("车型", "Type"),
    "head_departs": ("出发", "Departs"),
    "head_back": ("返回", "Back"),
    "head_stops": ("站点数", "Stops"),
    "head_km": ("里程km", "km"),
    "head_down": ("送件", "Parcels down"),
    "head_up": ("揽件", "Parcels up"),
    "head_cost": ("费用元", "Cost CNY"),
}


CATALOGUES: dict[str, dict[str, Label]] = {"map": MAP, "report": REPORT, "sheet": SHEET,
                                           "table": TABLE}


def check_lang(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGS`, else a :class:`DataError` naming them."""
    if lang not in LANGS:
        raise DataError(f"lang must be one of {{{', '.join(LANGS)}}}; got {lang!r}")
    return lang


def _words(value: Label) -> tuple[str, str]:
    return MESSAGES[value] if isinstance(value, str) else value


@lru_cache(maxsize=16)
def _catalogue(output: str, lang: str) -> dict[str, str]:
    k = LANGS.index(check_lang(lang))
    return {key: _words(v)[k] for key, v in {**SHARED, **CATALOGUES[output]}.items()}


def labels(output: str, lang: str) -> dict[str, str]:
    """Every label of one output (``map``, ``report``, ``sheet`` or ``table``) in ``lang``: the
    shared ones and the output's own (a copy: the caller may change it)."""
    return dict(_catalogue(output, lang))


def label(output: str, key: str, lang: str, **fmt: Any) -> str:
    """One label of ``output`` in ``lang``, its ``{fields}`` filled from ``fmt``."""
    words = _catalogue(output, lang)[key]
    return words.format(**fmt) if fmt else words
