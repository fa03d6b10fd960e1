"""plan.json: the plan as a file anyone can re-check. Schema: routing/schemas/plan.schema.json.

Times are minutes after 00:00 of the plan day (two decimals, i.e. whole seconds / 60),
distances km (three decimals, i.e. whole metres), money CNY. The file is strict JSON: no NaN or
Infinity (Python's json module writes and reads them by default; other readers refuse them).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from ..exceptions import PlanError
from ..model import Direction, Scenario
from ..model.plan import Amount, Load, Plan, Route, Stop

SCHEMA_VERSION = 1

#: Deepest nesting a plan.json is read with. The plan itself is 7 deep (routes, stops,
#: delivered, amount) and meta holds small tables; anything far deeper is not a plan, and
#: schema messages would print it whole.
MAX_DEPTH = 32
#: Longest schema message shown; a message quotes the offending value, which may be huge.
MAX_MESSAGE = 300


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
        } | _handover(s) for k, s in enumerate(r.stops, start=1)],
    }


def _handover(s: Stop) -> dict[str, Any]:
    """An on-road hand-over at the stop (only when there is one: other plans keep their
    shape)."""
    if not (s.handed_ids or s.taken_ids):
        return {}
    return {"handover_with": s.handover_with, "handed_over": list(s.handed_ids),
            "taken_over": list(s.taken_ids)}


def plan_to_dict(plan: Plan, scenario: Scenario) -> dict[str, Any]:
    """The JSON document for a plan (totals summed here, once, from the routes)."""
    names = {s.id: s.name for s in scenario.stations}
    routes = [_route(r, names) for r in plan.routes]
    stops = [s for r in plan.routes for s in r.stops]
    lines = {ln.id: ln for ln in scenario.demand}
    # a stop's hand-overs as a set: a trunk stop may hand over thousands of lines
    final = [lines[i] for s in stops for handed in [frozenset(s.transfer_ids)]
             for i in s.line_ids if i not in handed]
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
        "status": plan.status, "runtime_s": plan.runtime_s,
        # No solution found: inf in memory (like PyVRP's Result.cost()), null in JSON.
        "objective": plan.objective if math.isfinite(plan.objective) else None,
        "routes": routes,
        "unserved": [{"station_id": u.station_id, "station_name": names.get(u.station_id, ""),
                      "lines": list(u.line_ids), "reason": u.reason}
                     | ({"code": u.code} if u.code else {}) for u in plan.unserved],
        "totals": totals,
        "meta": plan.meta.to_json(),
    }


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plan.json (kept in the package, so the checker validates files)."""
    text = resources.files("routing").joinpath("schemas/plan.schema.json").read_text("utf-8")
    return json.loads(text)


class _NonFinite:
    """What the reader makes of NaN, Infinity, -Infinity and numbers too large for a float
    (1e400): a placeholder keeping the token, so that the error can say where each one is."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def _parse_float(text: str) -> float | _NonFinite:
    x = float(text)
    return x if math.isfinite(x) else _NonFinite(text)


def _where(keys: tuple[str | int, ...]) -> str:
    """A place in the document as schema messages name it: routes/0/stops/1/arrival_min."""
    return "/".join(str(k) for k in keys) or "(top)"


def _walk(doc: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every value in the document with its place, parents first; iterative, so that depth
    cannot exhaust Python's stack."""
    todo: list[tuple[tuple[str | int, ...], Any]] = [((), doc)]
    while todo:
        keys, value = todo.pop()
        yield keys, value
        if isinstance(value, dict):
            todo.extend(((*keys, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            todo.extend(((*keys, k), v) for k, v in reversed(list(enumerate(value))))


def write_plan_json(plan: Plan, scenario: Scenario, path: Path) -> dict[str, Any]:
    """Write plan.json (UTF-8, Chinese names readable, strict JSON) and return the document.

    Parameters
    ----------
    plan
        The plan (:func:`routing.plan_scenario`, a re-timed or re-planned day).
    scenario
        The scenario it solves (station names, carriers and the hash come from it).
    path
        The file to write.

    Returns
    -------
    dict[str, Any]
        The document written, as :func:`read_plan_json` reads it back.

    Raises
    ------
    PlanError
        If a number in the plan is NaN or infinite (JSON cannot hold it); nothing is written.
    """
    doc = plan_to_dict(plan, scenario)
    try:
        text = json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError:
        found = [(_where(keys), v) for keys, v in _walk(doc)
                 if isinstance(v, float) and not math.isfinite(v)]
        if not found:
            raise
        where = ", ".join(f"{v} at {w}" for w, v in found[:10])
        raise PlanError(f"{path}: not written: the plan holds {where}; JSON has no NaN or "
                        "Infinity") from None
    path.write_text(text, encoding="utf-8")
    return doc


def read_plan_json(path: Path) -> dict[str, Any]:
    """Read and schema-validate plan.json; a bad file raises PlanError naming the spot.

    Parameters
    ----------
    path
        A plan.json written by :func:`write_plan_json` (or edited by hand).

    Returns
    -------
    dict[str, Any]
        The plan document, schema-valid: what :func:`routing.check_plan` checks.

    Raises
    ------
    PlanError
        If the file is missing or not strict JSON (NaN, Infinity, -Infinity or numbers like
        1e400 anywhere; nesting deeper than ``MAX_DEPTH``), or breaks the schema (which also
        bounds every number, so the checker computes with finite values).
    """
    import jsonschema

    try:
        text = Path(path).read_text(encoding="utf-8")
        doc = json.loads(text, parse_constant=_NonFinite, parse_float=_parse_float)
    except FileNotFoundError:
        raise PlanError(f"{path}: file not found") from None
    except RecursionError:
        raise PlanError(f"{path}: not a plan: nested too deeply to read (a plan is at most "
                        f"{MAX_DEPTH} levels deep)") from None
    except MemoryError:
        raise PlanError(f"{path}: not a plan: too large to read into memory") from None
    except OSError as exc:  # a folder, no permission
        raise PlanError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError, or 5000-digit integers
        raise PlanError(f"{path}: not valid JSON ({exc})") from None
    found: list[tuple[str, _NonFinite]] = []
    for keys, value in _walk(doc):
        if len(keys) > MAX_DEPTH:
            raise PlanError(f"{path}: not a plan: nested more than {MAX_DEPTH} levels deep at "
                            f"{_where(keys[:8])}/...")
        if isinstance(value, _NonFinite):
            found.append((_where(keys), value))
    if found:
        where = ", ".join(f"{v.token} at {w}" for w, v in found[:10])
        more = f" (and {len(found) - 10} more)" if len(found) > 10 else ""
        raise PlanError(f"{path}: not valid JSON: {where}{more}; JSON has no NaN or Infinity, "
                        "and every number must be finite")
    validator = jsonschema.Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "\n".join(f"  - at {_where(tuple(e.absolute_path))}: {_short(e.message)}"
                          for e in errors[:20])
        raise PlanError(f"{path}: {len(errors)} schema error(s):\n{shown}")
    return doc


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + " ..."
