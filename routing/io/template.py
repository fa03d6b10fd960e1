"""Blank import templates: ``routing template DIR`` writes what a county fills in.

One workbook per table (stations, carriers, vehicles, demand; or CSV files) with every column
of the table's schema (:mod:`routing.io.scenario`) as its header — the Chinese alias with
``--lang zh``, the column name with ``--lang en`` — an example row, and drop-down lists
(Excel data validation) for the columns with a fixed set of values: tier, direction, echelon,
carrier, vehicle owner and the yes/no columns (是/否). A ``说明 notes`` sheet says what each
column means, its unit and whether it is required. ``scenario.toml`` names the four files.

The example rows form a small valid scenario: the templates as written read back with
:func:`routing.io.read_scenario`, and so do they with the example rows replaced by a county's
own (the test suite fills them in). Given a scenario (``--scenario``), the carrier lists are
its carriers, and the example carriers are its own.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..constants import ALLIANCE
from .scenario import (
    CARRIER_COLUMNS,
    DEMAND_COLUMNS,
    DIRECTION_ZH,
    ECHELON_ZH,
    STATION_COLUMNS,
    TIER_ZH,
    VEHICLE_COLUMNS,
)
from .tables import Column

if TYPE_CHECKING:
    from ..model import Scenario

FORMATS = ("xlsx", "csv")
TABLES: dict[str, tuple[Column, ...]] = {"stations": STATION_COLUMNS,
                                         "carriers": CARRIER_COLUMNS,
                                         "vehicles": VEHICLE_COLUMNS,
                                         "demand": DEMAND_COLUMNS}
_SHEET = {"stations": "站点 stations", "carriers": "快递公司 carriers",
          "vehicles": "车辆 vehicles", "demand": "今日运单 demand"}
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}

#: Example carriers when no scenario is given: (id, name, Chinese name, market share).
_CARRIERS = (("post", "China Post / EMS", "中国邮政", 0.5), ("zto", "ZTO Express", "中通快递", 0.5))


def header(c: Column, lang: str) -> str:
    """A column's header in a template: its first Chinese alias in Chinese, else its name."""
    if lang == "zh":
        zh = next((a for a in c.aliases if any("\u4e00" <= ch <= "\u9fff" for ch in a)), None)
        if zh:
            return zh
    return c.name


def _choice(value: str, words: dict[str, str], lang: str) -> str:
    return words.get(value, value) if lang == "zh" else value


def _examples(lang: str, carriers: Sequence[tuple[str, str, str, float]]
              ) -> dict[str, list[dict[str, Any]]]:
    """Example rows by column name: a hub, a township station, a village; the carriers; a
    van and a reefer at the hub; each carrier's parcels down to the village, a fresh line up."""
    yes, no = _YES_NO[lang]
    tier = {k: _choice(k, TIER_ZH, lang) for k in TIER_ZH}
    down, up = _choice("down", DIRECTION_ZH, lang), _choice("up", DIRECTION_ZH, lang)
    village = "示例村" if lang == "zh" else "Example village"
    cname = {c[0]: (c[2] or c[1]) if lang == "zh" else c[0] for c in carriers}
    return {
        "stations": [
            {"id": "HUB", "name": "县级物流配送中心", "tier": tier["hub"], "lon": 111.2144,
             "lat": 35.1420, "open": "05:00", "close": "22:00", "cold_storage": yes},
            {"id": "T1", "name": "示例镇服务站", "tier": tier["township"], "lon": 111.2800,
             "lat": 35.1600, "cold_storage": no},
            {"id": "V1", "name": village, "tier": tier["village"], "lon": 111.3000,
             "lat": 35.1800, "township": "T1", "open": "08:00", "close": "18:00",
             "generated": no},
        ],
        "carriers": [{"id": cid, "name": name, "name_zh": zh, "market_share": share,
                      "visit_every_days": 1} for cid, name, zh, share in carriers],
        "vehicles": [
            {"id": "VAN", "name": "Light van", "name_zh": "面包车", "count": 2,
             "capacity_kg": 500, "capacity_m3": 4, "capacity_parcels": 300, "fixed_cost": 150,
             "cost_per_km": 0.8, "cost_per_hour": 30, "speed_kph": 45, "max_shift_h": 9,
             "refrigerated": no, "depot": "HUB",
             "owner": "联盟" if lang == "zh" else ALLIANCE, "max_trips": 1,
             "echelon": _choice("any", ECHELON_ZH, lang)},
            {"id": "REEFER", "name": "Reefer truck", "name_zh": "冷藏车", "count": 1,
             "capacity_kg": 800, "capacity_m3": 6, "capacity_parcels": 200, "fixed_cost": 200,
             "cost_per_km": 1.2, "cost_per_hour": 30, "speed_kph": 50, "max_shift_h": 9,
             "refrigerated": yes, "depot": "HUB",
             "owner": "联盟" if lang == "zh" else ALLIANCE,
             "echelon": _choice("any", ECHELON_ZH, lang)},
        ],
        "demand": [
            *({"id": f"D{k + 1:02d}", "station": "V1", "carrier": cname[c[0]], "direction": down,
               "parcels": 20, "kg": 25, "m3": 0.12, "fresh": no, "ready": "06:30"}
              for k, c in enumerate(carriers)),
            {"id": f"D{len(carriers) + 1:02d}", "station": "T1", "carrier": cname[carriers[0][0]],
             "direction": up, "parcels": 10, "kg": 60, "m3": 0.3, "fresh": yes, "ready": "09:00"},
        ],
    }


def _lists(lang: str, carriers: Sequence[tuple[str, str, str, float]]
           ) -> dict[str, list[str]]:
    """The drop-down lists: name → allowed values, as a dispatcher writes them."""
    zh = lang == "zh"
    names = [(c[2] or c[1]) if zh else c[0] for c in carriers]
    return {
        "tier": [_choice(k, TIER_ZH, lang) for k in TIER_ZH],
        "direction": [_choice(k, DIRECTION_ZH, lang) for k in DIRECTION_ZH],
        "echelon": [_choice(k, ECHELON_ZH, lang) for k in ECHELON_ZH],
        "carrier": names,
        "owner": ["联盟" if zh else ALLIANCE, *names],
        "yes_no": list(_YES_NO[lang]),
    }


def _list_of(table: str, c: Column) -> str | None:
    """Which drop-down list a column takes, if any."""
    if c.kind == "bool":
        return "yes_no"
    if c.name in ("tier", "direction", "echelon"):
        return c.name
    if (table, c.name) == ("demand", "carrier"):
        return "carrier"
    if (table, c.name) == ("vehicles", "owner"):
        return "owner"
    return None


def _carriers_of(scenario: Scenario | None) -> list[tuple[str, str, str, float]]:
    if scenario is None or not scenario.carriers:
        return list(_CARRIERS)
    return [(c.id, c.name, c.name_zh, c.market_share if c.market_share is not None else 0.0)
            for c in scenario.carriers]


def write_templates(out_dir: Path, *, lang: str = "zh", fmt: str = "xlsx",
                    scenario: Scenario | None = None) -> list[Path]:
    """The four table templates and scenario.toml in ``out_dir``; returns the files."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en; got {lang!r}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    carriers = _carriers_of(scenario)
    examples = _examples(lang, carriers)
    lists = _lists(lang, carriers)
    files = []
    for table, cols in TABLES.items():
        path = out_dir / f"{table}.{fmt}"
        rows = [[row.get(c.name, "") for c in cols] for row in examples[table]]
        heads = [header(c, lang) for c in cols]
        if fmt == "csv":
            with open(path, "w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel reads UTF-8
                w = csv.writer(f)
                w.writerow(heads)
                w.writerows(rows)
        else:
            _write_xlsx(path, table, cols, heads, rows, lists, lang)
        files.append(path)
    toml = out_dir / "scenario.toml"
    toml.write_text(_toml(lang, fmt), encoding="utf-8")
    files.append(toml)
    return files


def _write_xlsx(path: Path, table: str, cols: Sequence[Column], heads: list[str],
                rows: list[list[Any]], lists: dict[str, list[str]], lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET[table]
    ws.append(heads)
    for row in rows:
        ws.append(row)
    bold = Font(bold=True)
    need = PatternFill("solid", fgColor="FFE699")  # required columns
    for k, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=k)
        cell.font = bold
        if c.required:
            cell.fill = need
        cell.comment = Comment(_meaning(c, lang), "routing")
        ws.column_dimensions[get_column_letter(k)].width = max(10, 2 * len(heads[k - 1]) + 2)
        if c.kind in ("time", "closing"):  # typed as text: 07:30 stays 07:30
            for r in range(2, 1002):
                ws.cell(row=r, column=k).number_format = "@"
    ws.freeze_panes = "A2"
    # Drop-down lists, from a hidden sheet (a list of carriers may be long).
    lists_ws = wb.create_sheet("lists")
    where: dict[str, str] = {}
    for j, (name, values) in enumerate(lists.items(), start=1):
        col = get_column_letter(j)
        lists_ws.cell(row=1, column=j, value=name)
        for i, v in enumerate(values, start=2):
            lists_ws.cell(row=i, column=j, value=v)
        where[name] = f"lists!${col}$2:${col}${len(values) + 1}"
    lists_ws.sheet_state = "hidden"
    for k, c in enumerate(cols, start=1):
        listed = _list_of(table, c)
        if listed is None or not lists[listed]:
            continue
        dv = DataValidation(type="list", formula1=f"={where[listed]}", allow_blank=True,
                            showErrorMessage=listed != "carrier")
        dv.error = "请从下拉列表中选择" if lang == "zh" else "Pick a value from the list"
        dv.prompt = " / ".join(lists[listed][:8])
        col = get_column_letter(k)
        dv.add(f"{col}2:{col}1001")
        ws.add_data_validation(dv)
    notes = wb.create_sheet("说明 notes")
    notes.append(["列 column" if lang == "zh" else "column", "必填 required",
                  "单位 unit", "含义 meaning", "也可写作 aliases"])
    for c in cols:
        notes.append([header(c, lang), ("是" if c.required else "否") if lang == "zh"
                      else ("yes" if c.required else "no"), c.unit, c.doc,
                      ", ".join([c.name, *c.aliases])])
    for k, width in enumerate((18, 12, 10, 60, 30), start=1):
        notes.column_dimensions[get_column_letter(k)].width = width
    wb.save(path)


def _meaning(c: Column, lang: str) -> str:
    req = ("必填" if c.required else "选填") if lang == "zh" else \
        ("required" if c.required else "optional")
    unit = f", {c.unit}" if c.unit else ""
    return f"{c.name}: {c.doc}{unit} ({req})"


def _toml(lang: str, fmt: str) -> str:
    zh = lang == "zh"
    note = ("# 由 routing template 生成：填好四张表后运行 routing plan 本文件夹 -o 输出文件夹\n"
            "# 各项说明见 scenarios/README.md\n" if zh else
            "# Written by routing template: fill in the four tables, then run\n"
            "# routing plan THIS_FOLDER -o OUT. Every key: scenarios/README.md\n")
    title = "示例县共同配送" if zh else "Example county shared delivery"
    return f'''{note}
[scenario]
name = "example"
title = "{title}"
date = "2026-01-05"          # plan day
crs = "wgs84"                 # coordinates: wgs84 | gcj02 (Amap/高德) | bd09 (Baidu)

[tables]
stations = "stations.{fmt}"
carriers = "carriers.{fmt}"
vehicles = "vehicles.{fmt}"
demand = "demand.{fmt}"

[network]
mode = "great_circle"         # great_circle | roads
detour_factor = 1.3           # road km per straight-line km
speed_kph = 40

[service]
stop_min = 5                  # minutes per stop
per_parcel_s = 4              # seconds per parcel handed over
open = "07:00"
close = "19:00"

[targets]
on_time_h = 72
fresh_h = 24
cost_reduction = 0.20

[costs]
hub_per_parcel = 0.30
outlet_per_parcel = 0.40
station_per_parcel = 0.50

[solve]
time_limit_s = 30
seed = 1
'''
