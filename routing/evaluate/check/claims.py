"""Unserved claims: each unserved station's reason, tested against the plan it belongs to.

A re-planned day's plan says in its meta what the reasons must respect (see
routing.pipeline.replan_day): nothing new happens before the re-plan (``replanned_at_min``),
broken-down vehicles serve no more (``out_of_service``), routes kept as they were take
nothing (``locked_vehicles``), and locked stations ride only their vehicle (``locked_stops``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model import Scenario, Tier
from ...network.matrix import Matrices
from ..explain import CANNOT_SERVE, FLEET_BUSY, IDLE_VEHICLE, ROUTE_OPEN, Explainer
from ..probe import Job, RouteView, alone, available, way_in
from .base import Violation, _s
from .context import Handed


@dataclass(frozen=True, slots=True)
class ReplanMeta:
    """What plan.json meta says of the day so far (all empty for a plan made at dawn)."""

    not_before: int  #: the re-plan's time, s (``replanned_at_min``): nothing new before it
    locked: frozenset[str]  #: vehicles whose routes stay as they were (``locked_vehicles``)
    pinned: dict[str, str]  #: station → the only vehicle that may serve it (``locked_stops``)
    out: frozenset[str]  #: vehicles out of service (``out_of_service``)


def replan_meta(doc: dict[str, Any]) -> ReplanMeta:
    """The re-planned day's meta of the plan ``doc`` (see the module docstring)."""
    meta = doc.get("meta", {})
    return ReplanMeta(locked=frozenset(meta.get("locked_vehicles", [])),
                      pinned=dict(meta.get("locked_stops", {})),
                      out=frozenset(meta.get("out_of_service", [])),
                      not_before=_s(meta.get("replanned_at_min", 0)))


def _views(doc: dict[str, Any]) -> list[RouteView]:
    return [(r["vehicle_id"], r.get("trip", 1),
             [(s["station_id"], list(s["lines"]), list(s.get("transfers", [])),
               _s(s["departure_min"])) for s in r["stops"]]) for r in doc["routes"]]


def _explainer(doc: dict[str, Any], scenario: Scenario, matrices: Matrices,
               handed: Handed | None) -> Explainer:
    """The explainer of the plan's routes, as the re-planned day's meta binds them."""
    fleet = dict(scenario.vehicles())
    views = [v for v in _views(doc) if v[0] in fleet]
    echelons = {r["vehicle_id"]: r.get("echelon", "direct") for r in doc["routes"]}
    at_hand = {i: at for i, (_, at) in (handed or {}).items()}
    day = replan_meta(doc)
    return Explainer(scenario, matrices, views, echelons, handed=at_hand, locked=day.locked,
                     pinned=day.pinned, out=day.out, not_before=day.not_before)


def unserved_claims(doc: dict[str, Any], scenario: Scenario, matrices: Matrices,
                    handed: Handed | None = None) -> list[Violation]:
    """Each unserved station's reason tested against the plan (see routing.evaluate.explain):

    - whatever the reason, no vehicle standing idle could serve it alone (``servable_unserved``;
      a plan at its trunk-route limit excepted for township stations: another vehicle calling
      there would be a trunk);
    - ``cannot_serve``: no vehicle type that may serve it could do it alone (``false_reason``);
    - ``fleet_busy``: no vehicle in use can take it into its trips (``false_reason``);
    - ``idle_vehicle``, ``route_open``: the plan says itself that it left out what it could
      serve (``servable_unserved``).
    """
    out: list[Violation] = []
    stations = {s.id for s in scenario.stations}
    known = {ln.id for ln in scenario.demand}
    todo = [u for u in doc["unserved"] if u["station_id"] in stations and u["lines"]
            and all(i in known for i in u["lines"])]
    if not todo:
        return out
    ex = _explainer(doc, scenario, matrices, handed)
    for u in todo:
        sid, code = u["station_id"], u.get("code", "")
        where = f"unserved {sid} ({scenario.station(sid).name})"
        if code in (IDLE_VEHICLE, ROUTE_OPEN):
            out.append(Violation("servable_unserved", where, u["reason"]))
            continue
        job = ex.job(sid, u["lines"])
        township = scenario.station(sid).tier is Tier.TOWNSHIP
        if ex.limited and township and not all(ln.fresh for ln in job.lines):
            continue
        out += _claim(ex, scenario, where, code, job)
    return out


def _claim(ex: Explainer, scenario: Scenario, where: str, code: str, job: Job
           ) -> list[Violation]:
    """The violations of one unserved entry's reason ``code`` (see :func:`unserved_claims`)."""
    types = available(scenario, job)
    able = {vt.id for vt in types if alone(ex.probe, job, vt) is None}
    allowed = dict(ex.fleet_for(job.station_id))
    idle = next((vid for vid, vt in allowed.items() if vt.id in able
                 and vid not in ex.trips), None)
    if idle is not None:
        return [Violation("servable_unserved", where, f"'{idle}' stands idle and could "
                          "serve it alone, within its capacity, shift and the hours")]
    if code == CANNOT_SERVE and able:
        return [Violation("false_reason", where, "the reason says no vehicle could "
                          f"serve it even alone, but '{sorted(able)[0]}' could")]
    if code != FLEET_BUSY:
        return []
    out = []
    if not able:
        out.append(Violation("false_reason", where, "the reason says a vehicle could "
                             "serve it alone, but none of the fleet could"))
    ids = {vt.id for vt in types}
    for vid, vt in allowed.items():
        if vt.id not in ids or vid not in ex.trips or vid in ex.closed:
            continue
        got = way_in(ex.probe, ex.trips[vid], vt, job)
        if not isinstance(got, str):
            out.append(Violation("false_reason", where, "the reason says no vehicle "
                                 f"in use can take it, but '{vid}' can (trip "
                                 f"{got[0] + 1}, after stop {got[1]})"))
            break
    return out
