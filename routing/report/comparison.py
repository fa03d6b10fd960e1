"""`routing compare` outputs: the table on stdout, comparison.json, .csv and .xlsx."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from ..evaluate.consolidation import Outcome
from ..evaluate.targets import Verdict, cost_verdict, hour_verdicts
from ..i18n import (
    carrier_names,
    change_pct,
    failed_options_text,
    failed_split_text,
    method_name,
    money,
    pad,
    per_parcel,
    variant_name,
    verdict_short,
)
from ..i18n import t as tr
from ..model import Scenario, Targets
from .excel import xlsx_frame

#: What a plan's file name under plans/ must not contain: blanks, path separators, characters
#: Windows refuses, control characters.
_FILE_UNSAFE = re.compile(r'[\s\\/:*?"<>|\x00-\x1f]')


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def visit_mix(o: Outcome) -> str:
    """How many stations are visited every k days, e.g. "1d×12 2d×40"."""
    counts = Counter(o.schedule.every.values())
    return " ".join(f"{k}d×{n}" for k, n in sorted(counts.items()))


def schedules(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per option and station: visited every k days, on which day of the cycle (1-based)."""
    rows: list[dict[str, Any]] = []
    for o in [*result["baseline"].values(), *result["variants"]]:
        names = {s["station_id"]: s.get("station_name", "") for d in o.docs for r in d["routes"]
                 for s in r["stops"]}
        rows.extend({"variant": o.name, "station_id": sid, "name": names.get(sid, ""),
                     "every_days": o.schedule.every[sid], "day": o.schedule.offset[sid] + 1}
                    for sid in sorted(o.schedule.every))
    return rows


def reduction(cost_day: float, alone_day: float | None) -> float | None:
    """How much cheaper an option is than its members alone, 0..1 (negative: dearer) — the one
    computation the table, comparison.json, the verdicts and the charts all show, rounded
    once to four decimals (so -22.85 % is never -22.9 % in one place and -22.8 % in another)."""
    return None if not alone_day else round(1 - cost_day / alone_day, 4)


def outcome_verdicts(o: Outcome, reduction: float | None) -> tuple[Verdict, ...]:
    """Every target of the option (its own targets, see ``Outcome.targets``), met or not; an
    option without a plan has one verdict: no plan, not met."""
    if o.failed:
        return (Verdict(key="plan", target="a plan within the time limit", label="plan",
                        value="none", met=False, reason="no plan within the time limit: "
                        "give it more time"),)
    return (*hour_verdicts(o.sla, o.targets, unserved_lines=o.unserved_lines),
            cost_verdict(reduction, o.targets), *o.verdicts)


def _structural(o: Outcome, key: str) -> str | None:
    v = next((v for v in o.verdicts if v.key == key), None)
    return None if v is None else f"{v.value} {'n/a' if v.met is None else v.met}"


def outcome_row(o: Outcome, baseline_cost: float | None) -> dict[str, Any]:
    """One table row: the figures a planner compares, per day, judged by the option's own
    targets (``Outcome.targets``: the scenario's, or a variant's)."""
    if o.failed:
        return _failed_row(o)
    cut = reduction(o.cost_day, baseline_cost)
    sla = o.sla
    met = None if o.kind == "baseline" else (
        o.unserved_lines == 0 and not o.violations
        and all(v.met is not False for v in outcome_verdicts(o, cut)))
    return {
        "variant": o.name, "kind": o.kind, "carriers": " ".join(o.carriers),
        "structure": o.structure, "visit_every_days": o.visit_every_days,
        "visits": visit_mix(o), "vehicles": o.vehicles, "km_day": round(o.km_day, 1),
        "vehicle_cost_day": round(o.vehicle_cost_day, 2), "handling_day": round(o.handling_day, 2),
        "cost_day": round(o.cost_day, 2),
        "cost_per_parcel": round(o.cost_day / o.parcels_day, 3) if o.parcels_day else None,
        "cost_per_parcel_down": (round((o.cost_down_day + o.handling_day * o.parcels_down_day
                                        / o.parcels_day) / o.parcels_down_day, 3)
                                 if o.parcels_down_day else None),
        "cost_per_parcel_up": (round((o.cost_up_day + o.handling_day * o.parcels_up_day
                                      / o.parcels_day) / o.parcels_up_day, 3)
                               if o.parcels_up_day else None),
        "parcels_down_day": o.parcels_down_day, "parcels_up_day": o.parcels_up_day,
        "reduction": cut,
        "within_24h": sla.get("within_24h"), "within_48h": sla.get("within_48h"),
        "within_72h": sla.get("within_72h"), "fresh_within": sla.get("fresh_within"),
        "unserved_lines": o.unserved_lines, "violations": len(o.violations),
        "on_time_h": o.targets.on_time_h, "fresh_h": o.targets.fresh_h,
        "cost_target": o.targets.cost_reduction,
        "trunk_routes": _structural(o, "trunk_routes"),
        "village_coverage": _structural(o, "village_coverage"),
        "alliance_carriers": _structural(o, "alliance_carriers"),
        "target_met": met, "failed": "",
    }


#: The figures of a row, None in a row without a plan.
FIGURES = ("vehicles", "km_day", "vehicle_cost_day", "handling_day", "cost_day",
           "cost_per_parcel", "cost_per_parcel_down", "cost_per_parcel_up", "parcels_down_day",
           "parcels_up_day", "reduction", "within_24h", "within_48h", "within_72h",
           "fresh_within", "unserved_lines", "violations")


def _failed_row(o: Outcome) -> dict[str, Any]:
    """The row of an option without a plan: who and how, no figures, the reason."""
    return {"variant": o.name, "kind": o.kind, "carriers": " ".join(o.carriers),
            "structure": o.structure, "visit_every_days": o.visit_every_days, "visits": "",
            **dict.fromkeys(FIGURES), "on_time_h": o.targets.on_time_h,
            "fresh_h": o.targets.fresh_h, "cost_target": o.targets.cost_reduction,
            "trunk_routes": None, "village_coverage": None, "alliance_carriers": None,
            "target_met": None if o.kind == "baseline" else False, "failed": o.failed}


def comparison_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Baseline carriers, their sum, then every variant, as table rows."""
    base: dict[str, Outcome] = result["baseline"]
    rows = [outcome_row(o, None) for o in base.values()]
    total = sum(o.cost_day for o in base.values())
    parcels = sum(o.parcels_day for o in base.values())
    bs = result["baseline_sla"]
    lost = [o.name for o in base.values() if o.failed]
    if lost:  # no sum without every carrier's plan
        rows.append({"variant": "carriers alone (sum)", "kind": "baseline",
                     "carriers": " ".join(base), "structure": "direct",
                     "visit_every_days": None, "visits": "", **dict.fromkeys(FIGURES),
                     "on_time_h": result["targets"]["on_time_h"],
                     "fresh_h": result["targets"]["fresh_h"],
                     "cost_target": result["targets"]["cost_reduction"], "trunk_routes": None,
                     "village_coverage": None, "alliance_carriers": None, "target_met": None,
                     "failed": "no plan within the time limit for " + ", ".join(lost)})
        rows.extend(outcome_row(v, _alone_cost(result, v)) for v in result["variants"])
        return rows
    rows.append({
        "variant": "carriers alone (sum)", "kind": "baseline",
        "carriers": " ".join(base), "structure": "direct", "visit_every_days": None,
        "visits": "",
        "vehicles": sum(o.vehicles for o in base.values()),
        "km_day": round(sum(o.km_day for o in base.values()), 1),
        "vehicle_cost_day": round(sum(o.vehicle_cost_day for o in base.values()), 2),
        "handling_day": round(sum(o.handling_day for o in base.values()), 2),
        "cost_day": round(total, 2),
        "cost_per_parcel": round(total / parcels, 3) if parcels else None,
        "cost_per_parcel_down": None, "cost_per_parcel_up": None,
        "parcels_down_day": sum(o.parcels_down_day for o in base.values()),
        "parcels_up_day": sum(o.parcels_up_day for o in base.values()),
        "reduction": 0.0, "within_24h": bs["within_24h"], "within_48h": bs["within_48h"],
        "within_72h": bs["within_72h"], "fresh_within": bs["fresh_within"],
        "unserved_lines": sum(o.unserved_lines for o in base.values()),
        "violations": sum(len(o.violations) for o in base.values()),
        "on_time_h": result["targets"]["on_time_h"], "fresh_h": result["targets"]["fresh_h"],
        "cost_target": result["targets"]["cost_reduction"], "trunk_routes": None,
        "village_coverage": None, "alliance_carriers": None, "target_met": None, "failed": ""})
    for v in result["variants"]:
        rows.append(outcome_row(v, _alone_cost(result, v)))
    return rows


def _alone_cost(result: dict[str, Any], o: Outcome) -> float | None:
    """What the option's members cost driving alone, per day (None when a member alone has
    no plan)."""
    base: dict[str, Outcome] = result["baseline"]
    if any(base[c].failed for c in o.carriers if c in base):
        return None
    return sum(base[c].cost_day for c in o.carriers if c in base)


def variant_verdicts(result: dict[str, Any]) -> dict[str, list[Verdict]]:
    """Per variant, every target it is held to (its own targets) with the verdict."""
    out = {}
    for o in result["variants"]:
        alone = _alone_cost(result, o)
        out[o.name] = list(outcome_verdicts(o, reduction(o.cost_day, alone)))
    return out


def _targets_dict(t: Targets) -> dict[str, Any]:
    return dataclasses.asdict(t)


def targets_text(t: dict[str, Any]) -> str:
    """A targets dict (comparison.json ``targets``) in words."""
    out = (f"parcels within {t['on_time_h']:g} h, fresh within {t['fresh_h']:g} h, "
           f"cost {-100 * t['cost_reduction']:.0f}% vs carriers alone")
    if t.get("max_trunk_routes") is not None:
        out += f", ≤ {t['max_trunk_routes']} trunk routes over all township stations"
    if t.get("min_village_coverage") is not None:
        out += f", village points in ≥ {100 * t['min_village_coverage']:g}% of villages"
    if t.get("min_alliance_carriers") is not None:
        out += f", an alliance of ≥ {t['min_alliance_carriers']} carriers"
    return out


def targets_text_zh(t: dict[str, Any]) -> str:
    """A targets dict in Chinese."""
    out = (f"{t['on_time_h']:g} 小时内送达全部包裹，生鲜 {t['fresh_h']:g} 小时内，"
           f"总费用比各家单独配送降低 {100 * t['cost_reduction']:.0f}%")
    if t.get("max_trunk_routes") is not None:
        out += f"，两级配送干线不超过 {t['max_trunk_routes']} 条且覆盖全部乡镇"
    if t.get("min_village_coverage") is not None:
        out += f"，村级服务点覆盖 {100 * t['min_village_coverage']:g}% 以上行政村"
    if t.get("min_alliance_carriers") is not None:
        out += f"，整合快递企业 {t['min_alliance_carriers']} 家以上"
    return out


def comparison_table(result: dict[str, Any], *, lang: str = "en",
                     scenario: Scenario | None = None) -> str:
    """The stdout table: one line per option, figures per day, in ``lang``; options and
    carriers by the names a dispatcher reads (the scenario's carrier names when given)."""
    names = carrier_names(scenario, lang)
    widths = (28, 13, 4, 9, 13, 10, 8, 7, 7, 7, 7, 6, 5, 7)
    keys = ("t_variant", "t_visits", "t_veh", "t_km", "t_cost", "t_per", "t_vs", "", "", "",
            "t_fresh", "t_unsrv", "t_check", "t_target")
    head = [tr(k, lang) if k else h for k, h in zip(keys, (*[""] * 7, "24h", "48h", "72h",
                                                            *[""] * 4), strict=True)]
    out = [_line(head, widths)]
    for r in comparison_rows(result):
        if r["failed"]:  # no plan within the time limit: no figures
            out.append(pad(variant_name(r["variant"], lang, names), 28) + " "
                       + tr("t_failed", lang))
            continue
        red = "-" if r["kind"] == "baseline" else change_pct(r["reduction"])
        met = "" if r["target_met"] is None else tr("t_met" if r["target_met"] else "t_no", lang)
        check = tr("ok", lang) if not r["violations"] else str(r["violations"])
        per = "-" if r["cost_per_parcel"] is None else per_parcel(r["cost_per_parcel"])
        out.append(_line([variant_name(r["variant"], lang, names), r["visits"],
                          str(r["vehicles"]), f"{r['km_day']:,.1f}", money(r["cost_day"]), per,
                          red, _pct(r["within_24h"]), _pct(r["within_48h"]),
                          _pct(r["within_72h"]), _pct(r["fresh_within"]),
                          str(r["unserved_lines"]), check, met], widths))
    out.append(tr("cost_scope_compare", lang))
    text = targets_text_zh if lang == "zh" else targets_text
    out.append(tr("targets_text", lang, text=text(result["targets"])))
    out.append("")
    out.append(tr("verdicts_head", lang))
    for name, verdicts in variant_verdicts(result).items():
        own = next(v for v in result["variants"] if v.name == name).targets
        shown = variant_name(name, lang, names)
        if _targets_dict(own) != result["targets"]:
            out.append(tr("own_targets", lang, name=shown, text=text(_targets_dict(own))))
        out.append("  " + pad(shown, 27) + " "
                   + " | ".join(verdict_short(v, lang) for v in verdicts))
    shares = result["cost_shares"]
    out.append("")
    failed = result.get("failed") or []
    if failed:
        out.append(tr("failed_options", lang, n=len(failed),
                      options=failed_options_text(failed, lang, names)))
    if shares.get("shapley_failed"):
        out.append(tr("shapley_failed", lang, coalitions=", ".join(shares["shapley_failed"])
                      if lang == "en" else "、".join(variant_name(c, lang, names)
                                                    for c in shares["shapley_failed"])))
    primary = variant_name(result["primary"], lang, names)
    if shares.get("failed"):
        out.append(tr("shares_failed", lang, name=primary,
                      options=failed_split_text(shares["failed"], lang, names)))
        return "\n".join(out)
    out.append(tr("shares_head", lang, name=primary, cost=money(shares["alliance_cost_day"])))
    methods = shares["methods"]
    out.append(pad(tr("shares_carrier", lang), 20) + pad(tr("shares_alone", lang), 11, ">")
               + "".join(pad(method_name(m, lang), 24, ">") for m in methods))
    alone_word = tr("better_alone", lang)
    for c, row in shares["per_member"].items():
        cells = "".join(pad(f"{money(row[m]['share'])} ({row[m]['saving']:+,.0f})"
                            if not row[m]["better_off_alone"] else
                            f"{money(row[m]['share'])} ({alone_word})", 24, ">")
                        for m in methods)
        out.append(pad(names.get(c, c), 20) + pad(money(row["alone"]), 11, ">") + cells)
    out.append(tr("shares_note", lang))
    return "\n".join(out)


def _line(cells: list[str], widths: tuple[int, ...]) -> str:
    """Fixed-width columns (CJK characters count two), the first left-aligned."""
    return " ".join(pad(c, w, "<" if k == 0 else ">")
                    for k, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()


def _jsonable(result: dict[str, Any]) -> dict[str, Any]:
    rows = comparison_rows(result)
    return {
        "scenario": result["scenario"], "title": result["title"], "date": result["date"],
        "targets": result["targets"], "time_limit_s": result["time_limit_s"],
        "coalition_time_limit_s": result["coalition_time_limit_s"], "rows": rows,
        "baseline_sla": result["baseline_sla"],
        "variant_sla": {v.name: v.sla for v in result["variants"]},
        "variant_targets": {v.name: _targets_dict(v.targets) for v in result["variants"]},
        "verdicts": {name: [v.as_dict() for v in vs]
                     for name, vs in variant_verdicts(result).items()},
        "primary": result["primary"], "cost_shares": result["cost_shares"],
        "coalition_cost_day": result["coalitions"],
        "failed": result.get("failed") or [],
        "schedules": schedules(result),
        "targets_met": bool(next(r for r in rows if r["variant"] == result["primary"])
                            ["target_met"]),
    }


#: comparison.xlsx headers in Chinese (the CSV and JSON keep the identifiers).
_XLSX_HEADERS = {
    "variant": "方案编号", "kind": "类型", "carriers": "快递公司", "structure": "结构",
    "visit_every_days": "频次设置", "visits": "频次（天×站点数）", "vehicles": "车辆/天",
    "km_day": "公里/天", "vehicle_cost_day": "车辆费用 元/天", "handling_day": "分拣交接费 元/天",
    "cost_day": "总费用 元/天", "cost_per_parcel": "每件 元", "cost_per_parcel_down": "每件下行 元",
    "cost_per_parcel_up": "每件上行 元", "parcels_down_day": "下行件数/天",
    "parcels_up_day": "上行件数/天", "reduction": "较单独降低", "within_24h": "24小时内",
    "within_48h": "48小时内", "within_72h": "72小时内", "fresh_within": "生鲜按时",
    "unserved_lines": "未服务需求", "violations": "核查问题", "on_time_h": "时效目标 小时",
    "fresh_h": "生鲜目标 小时", "cost_target": "降本目标", "trunk_routes": "干线",
    "village_coverage": "行政村覆盖", "alliance_carriers": "整合快递", "target_met": "达标",
    "failed": "未找到方案（原因）",
}


def write_comparison(result: dict[str, Any], out_dir: Path, *, lang: str = "zh",
                     scenario: Scenario | None = None) -> dict[str, Any]:
    """comparison.json, comparison.csv, comparison.xlsx, the charts (in ``lang``, carriers by
    the scenario's names) and each plan's plan.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = _jsonable(result)
    (out_dir / "comparison.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2),
                                             encoding="utf-8")
    frame = pd.DataFrame(doc["rows"])
    frame.to_csv(out_dir / "comparison.csv", index=False, encoding="utf-8-sig")
    shares = pd.DataFrame([
        {"carrier": c, "alone_cost_day": row["alone"],
         **{f"{m}_share": row[m]["share"] for m in doc["cost_shares"]["methods"]},
         **{f"{m}_saving": row[m]["saving"] for m in doc["cost_shares"]["methods"]}}
        for c, row in doc["cost_shares"]["per_member"].items()])
    # The workbook is read by people: options, carriers and methods by name, headers in
    # ``lang`` (comparison.csv and .json keep the identifiers for programs).
    names = carrier_names(scenario, lang)
    sheet = frame.rename(columns=_XLSX_HEADERS if lang == "zh" else {})
    sheet.insert(0, "方案名称" if lang == "zh" else "option",
                 [variant_name(v, lang, names) for v in frame["variant"]])
    split = pd.DataFrame([
        {("快递公司" if lang == "zh" else "carrier"): names.get(c, c),
         ("单独配送 元/天" if lang == "zh" else "alone CNY/day"): row["alone"],
         **{(f"{method_name(m, lang)} 元/天" if lang == "zh" else f"{method_name(m, lang)} "
             "share"): row[m]["share"] for m in doc["cost_shares"]["methods"]},
         **{(f"{method_name(m, lang)} 节省" if lang == "zh" else f"{method_name(m, lang)} "
             "saving"): row[m]["saving"] for m in doc["cost_shares"]["methods"]}}
        for c, row in doc["cost_shares"]["per_member"].items()])
    with pd.ExcelWriter(out_dir / "comparison.xlsx", engine="openpyxl") as xl:
        xlsx_frame(sheet).to_excel(xl, sheet_name="对比 comparison", index=False)
        xlsx_frame(split if len(split.columns) else shares).to_excel(
            xl, sheet_name="分摊 cost shares", index=False)
        breaking = pd.DataFrame(result["baseline_sla"]["stations_breaking_target"])
        xlsx_frame(breaking).to_excel(xl, sheet_name="未达标 baseline", index=False)
        xlsx_frame(pd.DataFrame(doc["schedules"])).to_excel(xl, sheet_name="频次 visit days",
                                                            index=False)
    from .charts import write_charts

    write_charts(doc, out_dir, lang=lang, carriers=carrier_names(scenario, lang))
    plans = out_dir / "plans"
    plans.mkdir(exist_ok=True)
    for o in [*result["baseline"].values(), *result["variants"]]:
        name = _FILE_UNSAFE.sub("_", o.name)  # variant names and carrier ids are free text
        for g, plan_doc in enumerate(o.docs):
            suffix = f"_day{g + 1}" if len(o.docs) > 1 else ""
            (plans / f"{name}{suffix}.json").write_text(json.dumps(plan_doc, ensure_ascii=False),
                                                        encoding="utf-8")
    return doc
