"""The one-screen summary printed after planning, in Chinese or English (``lang``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..evaluate.targets import Verdict
from ..i18n import count, money, pad, status_name, t, verdict_short
from ..model import Scenario
from ..units import hhmm_min


def plan_handling(doc: dict[str, Any], scenario: Scenario) -> tuple[int, float]:
    """Parcels a plan moves and what handling them costs per day, CNY, counted as
    ``routing compare`` counts it for an alliance option (routing.evaluate.consolidation):
    each parcel sorted at the hub and handed over at a station, each transferred one handed
    over once more."""
    from ..evaluate.consolidation import handling_cost

    totals = doc["totals"]
    parcels = (totals.get("parcels_down") or 0) + (totals.get("parcels_up") or 0)
    lines = {ln.id: ln for ln in scenario.demand}
    moved = {i for r in doc["routes"] for s in r["stops"] for i in s.get("transfers", [])}
    transferred = sum(lines[i].parcels for i in moved if i in lines)
    return parcels, handling_cost(parcels, transferred, scenario.costs,
                                  scenario.costs.hub_per_parcel)


def summary_text(doc: dict[str, Any], scenario: Scenario, *, violations: int | None = None,
                 max_routes: int = 20, verdicts: Sequence[Verdict] = (),
                 lang: str = "en") -> str:
    """A compact, fixed-width summary of a plan (fits one terminal screen); ``verdicts``, the
    plan's target verdicts, close it. Costs say what they include: the plan's own cost is
    the vehicles' (fixed, km, driver hours); a second line adds the handling ``routing
    compare`` counts, so both commands' figures can be told apart and traced."""
    t = doc["totals"]
    types = {v.id: v for v in scenario.vehicle_types}
    # Vehicles this plan could use: not those at carrier outlets (they drive alone), and
    # feeders only in two echelons.
    two = doc.get("meta", {}).get("structure") == "two_echelon"
    outlets = {st.id for st in scenario.stations if st.tier.value == "outlet"}
    n_fleet = sum(v.count for v in scenario.vehicle_types if v.depot_id not in outlets
                  and (two or v.echelon != "feeder"))
    parcels = (t.get("parcels_down") or 0) + (t.get("parcels_up") or 0)
    cost = t["cost"]
    lines = [
        f"{scenario.title or scenario.name}  [{doc['scenario']['name']}]  "
        f"{doc['scenario'].get('date', '')}",
        t_("solver_line", lang, engine=doc["engine"], status=status_name(doc["status"], lang),
           s=doc["runtime_s"], limit=doc["time_limit_s"], seed=doc["seed"]),
        t_("fleet_line", lang, used=t["vehicles"], fleet=n_fleet,
           routes=t.get("routes", t["vehicles"]), stops=t["stops"],
           km=f"{t['distance_km']:,.1f}", h=t["duration_min"] / 60),
        t_("parcels_line", lang, down=count(t.get("parcels_down", 0), lang),
           kg_down=t.get("kg_down", 0), up=count(t.get("parcels_up", 0), lang),
           kg_up=t.get("kg_up", 0)),
        t_("cost_line", lang, cost=money(cost),
           per=t_("cost_per", lang, x=f"{cost / parcels:.2f}") if parcels else ""),
    ]
    if parcels:
        n, handling = plan_handling(doc, scenario)
        c = scenario.costs
        lines.append(t_("handling_line", lang, total=money(cost + handling),
                        per=f"{(cost + handling) / parcels:.3f}", cost=money(cost),
                        h=money(handling), n=f"{n:,}", hub=c.hub_per_parcel,
                        st=c.station_per_parcel))
    lines += _engine_lines(doc.get("meta", {}), lang)
    stab = doc.get("meta", {}).get("stability")
    if stab:
        lines.append(t_("stable", lang, kept=stab["kept"], moved=stab["moved"], new=stab["new"],
                        pen=stab["change_penalty"]))
    widths = (14, 4, 12, 6, 5, 7, 5, 5, 8, 9)
    head = ("col_vehicle", "col_trip", "col_type", "col_leg", "col_stops", "col_km", "col_out",
            "col_back", "col_peak", "col_cost")
    lines += ["", _row([t_(h, lang) for h in head], widths)]
    for r in doc["routes"][:max_routes]:
        vt = types.get(r["vehicle_type"])
        peak = max([r["load_at_start"]["kg"], *(s["load_after"]["kg"] for s in r["stops"])])
        pct = f"{100 * peak / vt.capacity_kg:.0f}%" if vt else "?"
        leg = r.get("echelon", "direct")
        lines.append(_row([r["vehicle_id"], str(r.get("trip", 1)), r["vehicle_type"],
                           t_(f"leg_{leg}", lang) if f"leg_{leg}" in _LEGS else leg,
                           str(len(r["stops"])), f"{r['distance_km']:.1f}",
                           hhmm_min(r["start_min"]), hhmm_min(r["end_min"]), pct,
                           f"{r['cost']['total']:.2f}"], widths))
    if len(doc["routes"]) > max_routes:
        lines.append(t_("more_routes", lang, n=len(doc["routes"]) - max_routes))
    if doc["unserved"]:
        lines.append("")
        lines.append(t_("unserved", lang, n=len(doc["unserved"])))
        for u in doc["unserved"][:10]:
            lines.append(f"  {u['station_id']} {u.get('station_name', '')}: {u['reason']}")
        if len(doc["unserved"]) > 10:
            lines.append(t_("more_unserved", lang, n=len(doc["unserved"]) - 10))
    if violations is not None:
        lines.append("")
        lines.append(t_("check_ok", lang) if violations == 0
                     else t_("check_bad", lang, n=violations))
    if verdicts:
        lines.append(t_("targets_line", lang,
                        v=" | ".join(verdict_short(v, lang) for v in verdicts)))
    return "\n".join(lines)


_LEGS = {"leg_direct", "leg_trunk", "leg_feeder"}
t_ = t  # ``t`` is the totals in summary_text


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """One line of the route table: ids, types and legs left-aligned, numbers right-aligned,
    columns one blank apart; a cell too wide is cut with "…" (its full text is in
    routes.csv), so a long id (POST_BOX42) never runs into the next column."""
    return " ".join(pad(str(cell), w, "<" if k in (0, 2, 3) else ">")
                    for k, (cell, w) in enumerate(zip(cells, widths, strict=True))).rstrip()


def _engine_lines(meta: dict[str, Any], lang: str = "en") -> list[str]:
    """With --engine auto: each engine's cost, and why an engine was not used."""
    out = []
    runs = meta.get("portfolio") or []
    if runs:
        def name(r: dict[str, Any]) -> str:
            return (f"{r['engine']} {t_('seed', lang)} {r['seed']}" if "seed" in r
                    else str(r["engine"]))

        unit = "元" if lang == "zh" else "CNY"
        parts = [f"{name(r)} {money(r['cost'])} {unit}"
                 + (t_("dropped", lang, n=r["dropped"]) if r.get("dropped") else "")
                 + (t_("failed_check", lang) if r.get("accepted") is False else "")
                 if "error" not in r else f"{name(r)}: {r['error']}" for r in runs]
        out.append(t_("engines", lang, parts=("，" if lang == "zh" else ", ").join(parts)))
    if meta.get("no_engine_plan") and meta.get("no_engine_plan_limit_s") is not None:
        out.append(t_("engine_note", lang, note=t_("no_engine_plan_note", lang, limit=(
            f"{float(meta['no_engine_plan_limit_s']):g}"))))
    elif meta.get("engine_note"):
        out.append(t_("engine_note", lang, note=meta["engine_note"]))
    return out


def comparison_text(rows: list[tuple[str, dict[str, Any], int]], lang: str = "en") -> str:
    """Side by side: structure, vehicles, km, vehicle cost per day and per parcel, unserved,
    check."""
    widths = (14, 9, 10, 13, 11, 9, 8)
    head = ("cmp_structure", "cmp_vehicles", "cmp_km", "cmp_cost", "cmp_per", "cmp_unserved",
            "cmp_check")
    out = [_cmp_row([t_(h, lang) for h in head], widths)]
    for kind, doc, violations in rows:
        t = doc["totals"]
        parcels = (t.get("parcels_down") or 0) + (t.get("parcels_up") or 0)
        vehicles = len({r["vehicle_id"] for r in doc["routes"]})
        per = f"{t['cost'] / parcels:.2f}" if parcels else "-"
        name = t_(f"structure_{kind}", lang) if f"structure_{kind}" in _STRUCTURES else kind
        out.append(_cmp_row([name, str(vehicles), f"{t['distance_km']:,.1f}", money(t["cost"]),
                             per, str(t["unserved_stations"]),
                             str(violations) if violations else t_("ok", lang)], widths))
    return "\n".join(out)


_STRUCTURES = {"structure_direct", "structure_two_echelon"}


def _cmp_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "".join(pad(c, w - 1) + " " if k == 0 else " " + pad(c, w - 1, ">")
                   for k, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()
