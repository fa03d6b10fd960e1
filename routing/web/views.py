"""What an account may see of a plan, and what changed between two versions of one.

A carrier account sees only its own lines: the stops where its parcels are delivered or
picked up (its amounts, its lines, the stop's times), the vehicles that carry them, its
unserved lines, and totals of its own parcels. Nothing of another carrier — no station only
another carrier uses, no other carrier's name, lines or amounts, no load on board (which sums
every carrier's parcels), no route cost or distance (shared), no meta (which names stations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Scenario

#: The fields of a route a carrier sees (the rest are shared figures of every carrier).
ROUTE_FIELDS = ("vehicle_id", "trip", "echelon", "vehicle_type", "depot_id", "start_min",
                "end_min")
STOP_FIELDS = ("station_id", "station_name", "arrival_min", "start_min", "departure_min")


def carrier_lines(scenario: Scenario, carrier: str) -> set[str]:
    """The ids of the demand lines of ``carrier`` in the scenario."""
    return {ln.id for ln in scenario.demand if ln.carrier_id == carrier}


def _own(amounts: list[dict[str, Any]], carrier: str) -> list[dict[str, Any]]:
    return [dict(a) for a in amounts if a.get("carrier") == carrier]


def _stop(stop: dict[str, Any], carrier: str, mine: set[str]) -> dict[str, Any] | None:
    lines = [i for i in stop.get("lines", []) if i in mine]
    delivered = _own(stop.get("delivered", []), carrier)
    picked = _own(stop.get("picked_up", []), carrier)
    if not (lines or delivered or picked):
        return None
    out = {k: stop[k] for k in STOP_FIELDS if k in stop}
    return out | {"lines": lines, "transfers": [i for i in stop.get("transfers", [])
                                                if i in mine],
                  "delivered": delivered, "picked_up": picked}


def carrier_view(doc: dict[str, Any], scenario: Scenario, carrier: str) -> dict[str, Any]:
    """The plan document as carrier ``carrier`` may see it (module doc)."""
    mine = carrier_lines(scenario, carrier)
    routes = []
    for r in doc.get("routes", []):
        stops = [s for s in (_stop(x, carrier, mine) for x in r.get("stops", [])) if s]
        if stops:
            for k, s in enumerate(stops, start=1):
                s["seq"] = k
            routes.append({k: r[k] for k in ROUTE_FIELDS if k in r} | {"stops": stops})
    unserved = []
    for u in doc.get("unserved", []):
        lines = [i for i in u.get("lines", []) if i in mine]
        if lines:
            unserved.append({"station_id": u["station_id"],
                             "station_name": u.get("station_name", ""), "lines": lines,
                             "reason": "not served in this plan"})
    return {"schema_version": doc.get("schema_version"), "scenario": doc.get("scenario"),
            "engine": doc.get("engine"), "seed": doc.get("seed"),
            "time_limit_s": doc.get("time_limit_s"), "status": doc.get("status"),
            "runtime_s": doc.get("runtime_s"), "objective": None, "routes": routes,
            "unserved": unserved, "totals": _totals(routes, unserved),
            "meta": {"view": f"carrier:{carrier}"}}


def _totals(routes: list[dict[str, Any]], unserved: list[dict[str, Any]]) -> dict[str, Any]:
    stops = [s for r in routes for s in r["stops"]]
    down = [a for s in stops for a in s["delivered"]]
    up = [a for s in stops for a in s["picked_up"]]
    return {"vehicles": len({r["vehicle_id"] for r in routes}), "routes": len(routes),
            "stops": len(stops), "parcels_down": sum(a["parcels"] for a in down),
            "parcels_up": sum(a["parcels"] for a in up),
            "kg_down": round(sum(a["kg"] for a in down), 3),
            "kg_up": round(sum(a["kg"] for a in up), 3),
            "unserved_stations": len({u["station_id"] for u in unserved})}


def _sequences(doc: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in doc.get("routes", []):
        out.setdefault(r["vehicle_id"], []).extend(s["station_id"] for s in r.get("stops", []))
    return out


def changes_between(old: dict[str, Any], new: dict[str, Any], limit: int = 12) -> list[str]:
    """What a dispatcher must know changed from plan ``old`` to plan ``new``: per vehicle the
    stations it gained and lost, or that its order changed; and lines left unserved."""
    before, after = _sequences(old), _sequences(new)
    out = []
    for vid in sorted(set(before) | set(after)):
        a, b = before.get(vid, []), after.get(vid, [])
        gained = [s for s in b if s not in a]
        lost = [s for s in a if s not in b]
        parts = ([f"gained {', '.join(gained)}"] if gained else []) + \
                ([f"lost {', '.join(lost)}"] if lost else [])
        if not parts and a != b:
            parts = [f"order {' → '.join(a)} became {' → '.join(b)}"]
        if parts:
            out.append(f"{vid}: {'; '.join(parts)}")
    was = {u["station_id"] for u in old.get("unserved", [])}
    now = {u["station_id"] for u in new.get("unserved", [])}
    if now - was:
        out.append(f"now unserved: {', '.join(sorted(now - was))}")
    if was - now:
        out.append(f"now served: {', '.join(sorted(was - now))}")
    return out[:limit] + ([f"… and {len(out) - limit} more"] if len(out) > limit else [])


#: Map figures a carrier does not see: shared by every carrier on the vehicle (distance, cost)
#: or summing every carrier's parcels (loads). They are null on a carrier's map.
SHARED_MAP_FIELDS = {"route": ("distance_km", "cost", "load_at_start_kg",
                               "load_at_start_parcels"),
                     "stop": ("load_kg", "load_parcels", "load_m3")}


def carrier_map(doc: dict[str, Any], scenario: Scenario, carrier: str, *, lang: str,
                matrices: Any = None) -> dict[str, Any]:
    """The map JSON (:meth:`routing.report.layers.MapData.to_json`) of the plan as carrier
    ``carrier`` may see it: drawn from :func:`carrier_view` (its stops only, the vehicles'
    lines joining them), the stations layer cut to its stops, its unserved stations and the
    depots it starts from, and the shared figures (:data:`SHARED_MAP_FIELDS`) null."""
    from ..report.layers import plans_map_data, text

    view = carrier_view(doc, scenario, carrier)
    for r in view["routes"]:  # what the layer model reads; blanked below
        r |= {"distance_km": 0.0, "cost": {"total": 0.0},
              "load_at_start": {"kg": 0.0, "parcels": 0}}
        for s in r["stops"]:
            s["load_after"] = {"kg": 0.0, "parcels": 0, "m3": 0.0}
    totals = view["totals"]
    subtitle = text(lang, "sep").join([
        f"{totals['vehicles']} {text(lang, 'vehicles')}",
        f"{totals['stops']} {text(lang, 'stops')}"])
    data = plans_map_data([("", view)], scenario, lang=lang, subtitle=subtitle,
                          matrices=matrices).to_json()
    keep = {s["station_id"] for r in view["routes"] for s in r["stops"]} | \
        {u["station_id"] for u in view["unserved"]} | \
        {f["properties"]["depot_id"] for la in data["layers"] for f in la["features"]
         if f["properties"]["kind"] == "route"}
    for la in data["layers"]:
        la["features"] = [f for f in la["features"] if _shown(f["properties"], keep)]
    return data


def _shown(props: dict[str, Any], keep: set[str]) -> bool:
    """Blank the shared figures of a feature; False for a station the carrier does not use."""
    for key in SHARED_MAP_FIELDS.get(props["kind"], ()):
        props[key] = None
    return props["kind"] != "station" or props["station_id"] in keep

