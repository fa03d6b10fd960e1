"""plan.json: the plan as a file anyone can re-check. Schema: routing/schemas/plan.schema.json.

Times are minutes after 00:00 of the plan day (two decimals, i.e. whole seconds / 60),
distances km (three decimals, i.e. whole metres), money CNY.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..exceptions import PlanError
from ..model import Direction, Scenario
from ..model.plan import Amount, Load, Plan, Route

SCHEMA_VERSION = 1


def _min(s: int) -> float:
    return round(s / 60, 2)


def _load(x: Load) -> dict[str, Any]:
    return {"kg": x.kg, "m3": x.m3, "parcels": x.parcels}


def _amounts(xs: tuple[Amount, ...]) -> list[dict[str, Any]]:
    return [{"carrier": a.carrier_id, "parcels": a.parcels, "kg": a.kg, "m3": a.m3} for a in xs]


def _route(r: Route, names: dict[str, str]) -> dict[str, Any]:
    return {
        "vehicle_id": r.vehicle_id, "trip": r.trip, "echelon": r.echelon,
        "vehicle_type": r.vehicle_type,
        "depot_id": r.depot_id,
        "start_min": _min(r.start_s), "end_min": _min(r.end_s),
        "duration_min": _min(r.end_s - r.start_s), "distance_km": round(r.distance_m / 1000, 3),
        "load_at_start": _load(r.load_at_start),
        "cost": {"fixed": round(r.fixed_cost, 2), "distance": round(r.distance_cost, 2),
                 "time": round(r.time_cost, 2), "total": round(r.cost, 2)},
        "stops": [{
            "seq": k, "station_id": s.station_id, "station_name": names.get(s.station_id, ""),
            "arrival_min": _min(s.arrival_s), "start_min": _min(s.start_s),
            "departure_min": _min(s.departure_s), "lines": list(s.line_ids),
            "transfers": list(s.transfer_ids),
            "delivered": _amounts(s.delivered), "picked_up": _amounts(s.picked_up),
            "load_after": _load(s.load_after),
        } for k, s in enumerate(r.stops, start=1)],
    }


def plan_to_dict(plan: Plan, scenario: Scenario) -> dict[str, Any]:
    """The JSON document for a plan (totals summed here, once, from the routes)."""
    names = {s.id: s.name for s in scenario.stations}
    routes = [_route(r, names) for r in plan.routes]
    stops = [s for r in plan.routes for s in r.stops]
    lines = {ln.id: ln for ln in scenario.demand}
    final = [lines[i] for s in stops for i in s.line_ids if i not in s.transfer_ids]
    totals = {
        "vehicles": len({r.vehicle_id for r in plan.routes}),
        "routes": len(plan.routes),
        "stops": len(stops),
        "distance_km": round(plan.distance_m / 1000, 3),
        "duration_min": _min(sum(r.end_s - r.start_s for r in plan.routes)),
        "cost": round(sum(x["cost"]["total"] for x in routes), 2),
        # Parcels reaching their own station (down) or leaving it (up); a two-echelon
        # hand-over at a township is not a delivery, so transfers are not counted twice.
        "parcels_down": sum(ln.parcels for ln in final if ln.direction is Direction.DOWN),
        "parcels_up": sum(ln.parcels for ln in final if ln.direction is Direction.UP),
        "kg_down": round(sum(ln.kg for ln in final if ln.direction is Direction.DOWN), 3),
        "kg_up": round(sum(ln.kg for ln in final if ln.direction is Direction.UP), 3),
        "unserved_stations": len({u.station_id for u in plan.unserved}),
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "scenario": {"name": plan.scenario, "hash": plan.scenario_hash, "date": plan.date},
        "engine": plan.engine, "seed": plan.seed, "time_limit_s": plan.time_limit_s,
        "status": plan.status, "runtime_s": plan.runtime_s, "objective": plan.objective,
        "routes": routes,
        "unserved": [{"station_id": u.station_id, "station_name": names.get(u.station_id, ""),
                      "lines": list(u.line_ids), "reason": u.reason}
                     | ({"code": u.code} if u.code else {}) for u in plan.unserved],
        "totals": totals,
        "meta": plan.meta,
    }


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plan.json (kept in the package, so the checker validates files)."""
    text = resources.files("routing").joinpath("schemas/plan.schema.json").read_text("utf-8")
    return json.loads(text)


def write_plan_json(plan: Plan, scenario: Scenario, path: Path) -> dict[str, Any]:
    """Write plan.json (UTF-8, Chinese names readable) and return the document."""
    doc = plan_to_dict(plan, scenario)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return doc


def read_plan_json(path: Path) -> dict[str, Any]:
    """Read and schema-validate plan.json; a bad file raises PlanError naming the spot."""
    import jsonschema

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: not valid JSON ({exc})") from None
    validator = jsonschema.Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "\n".join(f"  - at {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: "
                          f"{e.message}" for e in errors[:20])
        raise PlanError(f"{path}: {len(errors)} schema error(s):\n{shown}")
    return doc
