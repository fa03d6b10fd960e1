"""The one-screen summary printed after planning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..evaluate.targets import Verdict
from ..model import Scenario
from ..units import hhmm_min


def summary_text(doc: dict[str, Any], scenario: Scenario, *, violations: int | None = None,
                 max_routes: int = 20, verdicts: Sequence[Verdict] = ()) -> str:
    """A compact, fixed-width summary of a plan (fits one terminal screen); ``verdicts``, the
    plan's target verdicts, close it."""
    t = doc["totals"]
    types = {v.id: v for v in scenario.vehicle_types}
    # Vehicles this plan could use: not those at carrier outlets (they drive alone), and
    # feeders only in two echelons.
    two = doc.get("meta", {}).get("structure") == "two_echelon"
    outlets = {st.id for st in scenario.stations if st.tier.value == "outlet"}
    n_fleet = sum(v.count for v in scenario.vehicle_types if v.depot_id not in outlets
                  and (two or v.echelon != "feeder"))
    parcels = (t.get("parcels_down") or 0) + (t.get("parcels_up") or 0)
    lines = [
        f"{scenario.title or scenario.name}  [{doc['scenario']['name']}]  "
        f"{doc['scenario'].get('date', '')}",
        f"solver {doc['engine']} status {doc['status']}  {doc['runtime_s']:.1f} s "
        f"(limit {doc['time_limit_s']:g} s, seed {doc['seed']})",
        f"vehicles {t['vehicles']}/{n_fleet}  routes {t.get('routes', t['vehicles'])}  "
        f"stops {t['stops']}  "
        f"distance {t['distance_km']:,.1f} km"
        f"  driving+service {t['duration_min'] / 60:,.1f} h",
        f"parcels down {t.get('parcels_down', 0):,} ({t.get('kg_down', 0):,.0f} kg)  "
        f"up {t.get('parcels_up', 0):,} ({t.get('kg_up', 0):,.0f} kg)",
        f"cost {t['cost']:,.2f} CNY/day" + (f"  = {t['cost'] / parcels:.2f} CNY/parcel"
                                             if parcels else ""),
    ]
    lines += _engine_lines(doc.get("meta", {}))
    stab = doc.get("meta", {}).get("stability")
    if stab:
        lines.append(f"stable routes: {stab['kept']} stops on the reference vehicle, "
                     f"{stab['moved']} moved, {stab['new']} new (penalty "
                     f"{stab['change_penalty']:g} CNY per move)")
    lines += [
        "",
        f"{'vehicle':<12}{'trip':>4} {'type':<10}{'leg':<7}{'stops':>6}{'km':>8}{'out':>7}"
        f"{'back':>7}{'max kg%':>9}{'cost':>10}",
    ]
    for r in doc["routes"][:max_routes]:
        vt = types.get(r["vehicle_type"])
        peak = max([r["load_at_start"]["kg"], *(s["load_after"]["kg"] for s in r["stops"])])
        pct = f"{100 * peak / vt.capacity_kg:.0f}%" if vt else "?"
        lines.append(f"{r['vehicle_id']:<12}{r.get('trip', 1):>4} {r['vehicle_type']:<10}"
                     f"{r.get('echelon', 'direct'):<7}{len(r['stops']):>6}"
                     f"{r['distance_km']:>8.1f}{hhmm_min(r['start_min']):>7}"
                     f"{hhmm_min(r['end_min']):>7}{pct:>9}{r['cost']['total']:>10.2f}")
    if len(doc["routes"]) > max_routes:
        lines.append(f"... {len(doc['routes']) - max_routes} more routes in routes.csv")
    if doc["unserved"]:
        lines.append("")
        lines.append(f"UNSERVED: {len(doc['unserved'])} visit(s)")
        for u in doc["unserved"][:10]:
            lines.append(f"  {u['station_id']} {u.get('station_name', '')}: {u['reason']}")
        if len(doc["unserved"]) > 10:
            lines.append(f"  ... {len(doc['unserved']) - 10} more in plan.json")
    if violations is not None:
        lines.append("")
        lines.append("independent check: " + ("OK, no violation" if violations == 0
                                              else f"{violations} VIOLATION(S)"))
    if verdicts:
        lines.append("targets: " + " | ".join(v.short() for v in verdicts))
    return "\n".join(lines)


def _engine_lines(meta: dict[str, Any]) -> list[str]:
    """With --engine auto: each engine's cost, and why an engine was not used."""
    out = []
    runs = meta.get("portfolio") or []
    if runs:
        def name(r: dict[str, Any]) -> str:
            return f"{r['engine']} seed {r['seed']}" if "seed" in r else str(r["engine"])

        parts = [f"{name(r)} {r['cost']:,.2f} CNY"
                 + (f" ({r['dropped']} dropped)" if r.get("dropped") else "")
                 + (" (failed the check)" if r.get("accepted") is False else "")
                 if "error" not in r else f"{name(r)}: {r['error']}" for r in runs]
        out.append("engines: " + ", ".join(parts) + "; the cheapest checked plan is kept")
    if meta.get("engine_note"):
        out.append(f"engine: {meta['engine_note']}")
    return out


def comparison_text(rows: list[tuple[str, dict[str, Any], int]]) -> str:
    """Side by side: structure, vehicles, km, cost per day and per parcel, unserved, check."""
    out = [f"{'structure':<14}{'vehicles':>9}{'km':>9}{'cost CNY':>11}{'CNY/parcel':>11}"
           f"{'unserved':>9}{'check':>8}"]
    for kind, doc, violations in rows:
        t = doc["totals"]
        parcels = (t.get("parcels_down") or 0) + (t.get("parcels_up") or 0)
        vehicles = len({r["vehicle_id"] for r in doc["routes"]})
        per = f"{t['cost'] / parcels:.2f}" if parcels else "-"
        out.append(f"{kind:<14}{vehicles:>9}{t['distance_km']:>9,.1f}{t['cost']:>11,.2f}"
                   f"{per:>11}{t['unserved_stations']:>9}"
                   f"{violations if violations else 'ok':>8}")
    return "\n".join(out)
