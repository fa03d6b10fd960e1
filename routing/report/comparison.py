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
from ..model import Targets
from .tables import xlsx_frame

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
    rows = []
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
    """Every target of the option (its own targets, see ``Outcome.targets``), met or not."""
    return (*hour_verdicts(o.sla, o.targets, unserved_lines=o.unserved_lines),
            cost_verdict(reduction, o.targets), *o.verdicts)


def _structural(o: Outcome, key: str) -> str | None:
    v = next((v for v in o.verdicts if v.key == key), None)
    return None if v is None else f"{v.value} {'n/a' if v.met is None else v.met}"


def outcome_row(o: Outcome, baseline_cost: float | None) -> dict[str, Any]:
    """One table row: the figures a planner compares, per day, judged by the option's own
    targets (``Outcome.targets``: the scenario's, or a variant's)."""
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
        "target_met": met,
    }


def comparison_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Baseline carriers, their sum, then every variant, as table rows."""
    base: dict[str, Outcome] = result["baseline"]
    rows = [outcome_row(o, None) for o in base.values()]
    total = sum(o.cost_day for o in base.values())
    parcels = sum(o.parcels_day for o in base.values())
    bs = result["baseline_sla"]
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
        "village_coverage": None, "alliance_carriers": None, "target_met": None})
    for v in result["variants"]:
        rows.append(outcome_row(v, _alone_cost(result, v)))
    return rows


def _alone_cost(result: dict[str, Any], o: Outcome) -> float:
    """What the option's members cost driving alone, per day."""
    base: dict[str, Outcome] = result["baseline"]
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


def comparison_table(result: dict[str, Any]) -> str:
    """The stdout table: one line per option, figures per day."""
    head = (f"{'variant':<26}{'visits':>15}{'veh':>4}{'km/day':>9}{'CNY/day':>11}{'CNY/parcel':>11}"
            f"{'vs alone':>9}{'24h':>7}{'48h':>7}{'72h':>7}{'fresh':>7}{'unsrv':>6}{'check':>6}"
            f"{'target':>8}")
    out = [head]
    for r in comparison_rows(result):
        red = "-" if r["reduction"] is None or r["kind"] == "baseline" else \
            f"{-100 * r['reduction']:+.1f}%"
        met = "" if r["target_met"] is None else ("MET" if r["target_met"] else "no")
        check = "ok" if not r["violations"] else str(r["violations"])
        per = "-" if r["cost_per_parcel"] is None else f"{r['cost_per_parcel']:.3f}"
        out.append(f"{r['variant'][:25]:<26}{r['visits']:>15}{r['vehicles']:>4}{r['km_day']:>9,.1f}"
                   f"{r['cost_day']:>11,.2f}{per:>11}{red:>9}{_pct(r['within_24h']):>7}"
                   f"{_pct(r['within_48h']):>7}{_pct(r['within_72h']):>7}"
                   f"{_pct(r['fresh_within']):>7}{r['unserved_lines']:>6}{check:>6}{met:>8}")
    out.append(f"targets: {targets_text(result['targets'])}")
    out.append("")
    out.append("verdicts (each variant against its own targets):")
    for name, verdicts in variant_verdicts(result).items():
        own = next(v for v in result["variants"] if v.name == name).targets
        if _targets_dict(own) != result["targets"]:
            out.append(f"  {name}: own targets: {targets_text(_targets_dict(own))}")
        out.append(f"  {name[:25]:<26}" + " | ".join(v.short() for v in verdicts))
    shares = result["cost_shares"]
    out.append("")
    out.append(f"cost split of '{result['primary']}' ({shares['alliance_cost_day']:,.2f} CNY/day):")
    methods = shares["methods"]
    out.append(f"{'carrier':<10}{'alone':>10}" + "".join(f"{m:>20}" for m in methods))
    for c, row in shares["per_member"].items():
        cells = "".join(f"{row[m]['share']:>12,.2f} ({row[m]['saving']:>+7,.0f})"
                        if not row[m]["better_off_alone"] else
                        f"{row[m]['share']:>12,.2f} (ALONE!)" for m in methods)
        out.append(f"{c:<10}{row['alone']:>10,.2f}{cells}")
    out.append("(share, and saving vs going alone, CNY/day; ALONE! = better off alone)")
    return "\n".join(out)


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
        "schedules": schedules(result),
        "targets_met": bool(next(r for r in rows if r["variant"] == result["primary"])
                            ["target_met"]),
    }


def write_comparison(result: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """comparison.json, comparison.csv, comparison.xlsx and each plan's plan.json."""
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
    with pd.ExcelWriter(out_dir / "comparison.xlsx", engine="openpyxl") as xl:
        xlsx_frame(frame).to_excel(xl, sheet_name="对比 comparison", index=False)
        xlsx_frame(shares).to_excel(xl, sheet_name="分摊 cost shares", index=False)
        breaking = pd.DataFrame(result["baseline_sla"]["stations_breaking_target"])
        xlsx_frame(breaking).to_excel(xl, sheet_name="未达标 baseline", index=False)
        xlsx_frame(pd.DataFrame(doc["schedules"])).to_excel(xl, sheet_name="频次 visit days",
                                                            index=False)
    from .charts import write_charts

    write_charts(doc, out_dir)
    plans = out_dir / "plans"
    plans.mkdir(exist_ok=True)
    for o in [*result["baseline"].values(), *result["variants"]]:
        name = _FILE_UNSAFE.sub("_", o.name)  # variant names and carrier ids are free text
        for g, plan_doc in enumerate(o.docs):
            suffix = f"_day{g + 1}" if len(o.docs) > 1 else ""
            (plans / f"{name}{suffix}.json").write_text(json.dumps(plan_doc, ensure_ascii=False),
                                                        encoding="utf-8")
    return doc
