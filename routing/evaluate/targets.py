"""Target verdicts: each target a plan (or a compared option) is held to, met or not, and why.

The delivery-hour and fresh-hour targets are read from the weekly simulation
(:mod:`routing.evaluate.sla`), the cost target from ``routing compare``'s reduction against the
carriers alone. The structural targets some county plans state are worked out here from the
plan documents and the scenario alone:

- ``max_trunk_routes`` (Xia: 覆盖全县11个乡（镇）的物流快递配送邮路4条): in a two-echelon plan, the
  trunk routes are the trunk-echelon routes that call at a township station with ambient
  parcels (handed to or taken from its feeders, or the township's own); cold-chain runs that
  bring a township only fresh goods are not trunk routes. Met when there are at most that many
  (per plan day) and every township station is a stop of one of them. Direct plans have no
  trunk echelon: the target does not apply.
- ``min_village_coverage`` (Xia ≥ 50 %, Yanshi ≥ 60 % of administrative villages): village
  points in the stations table — less those a variant merges into another point (多站合一) —
  over ``Scenario.county_villages``, the county's villages with a point or not.
- ``min_alliance_carriers`` (Fengqiu 4, Tang 5 carriers pooled): the carriers of an alliance
  option with parcels that day; a carrier alone is not an alliance, the target does not apply.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Scenario, Targets, Tier
from ..units import change_pct


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """One target against one plan or option: ``met`` None when it does not apply."""

    #: on_time | fresh | cost_reduction | trunk_routes | village_coverage | alliance_carriers
    key: str
    target: str  # what is asked, in words
    label: str  # the same, short, for one-line summaries
    value: str  # what the plan reaches
    met: bool | None
    reason: str = ""  # why it is missed or does not apply

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"key": self.key, "target": self.target, "label": self.label,
                "value": self.value, "met": self.met, "reason": self.reason}

    @property
    def word(self) -> str:
        """MET, NOT MET, or n/a."""
        return "n/a" if self.met is None else ("MET" if self.met else "NOT MET")

    def __str__(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.target}: {self.value} {self.word}{why}"

    def short(self) -> str:
        """``label value WORD``, with the reason only when the target is missed."""
        why = f" ({self.reason})" if self.met is False and self.reason else ""
        value = "" if self.met is None else f" {self.value}"
        return f"{self.label}:{value} {self.word}{why}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def trunk_route_count(doc: dict[str, Any], scenario: Scenario) -> tuple[int, set[str]]:
    """Trunk routes of one plan document and the township stations they call at."""
    towns = {s.id for s in scenario.stations if s.tier is Tier.TOWNSHIP}
    fresh = {ln.id for ln in scenario.demand if ln.fresh}
    n, called = 0, set()
    for r in doc["routes"]:
        if r.get("echelon") != "trunk":
            continue
        stops = {s["station_id"] for s in r["stops"] if s["station_id"] in towns
                 and any(i not in fresh for i in s["lines"])}
        if stops:
            n += 1
            called |= stops
    return n, called


def trunk_routes_verdict(docs: Sequence[dict[str, Any]], scenario: Scenario,
                         limit: int) -> Verdict:
    """At most ``limit`` trunk routes per plan day, over every township station together."""
    towns = [s for s in scenario.stations if s.tier is Tier.TOWNSHIP]
    target = f"≤ {limit} trunk routes over all {len(towns)} township stations"
    label = f"trunk routes ≤ {limit}"
    two = [d for d in docs if d.get("meta", {}).get("structure") == "two_echelon"]
    if not two:
        return Verdict(key="trunk_routes", target=target, label=label, value="-", met=None,
                       reason="direct plan: no trunk echelon")
    counts = [trunk_route_count(d, scenario) for d in two]
    most = max(n for n, _ in counts)
    called = set().union(*(c for _, c in counts))
    missing = [s for s in towns if s.id not in called]
    why = []
    if most > limit:
        why.append(f"{most} trunk routes, {most - limit} over the limit")
    if missing:
        unserved = {u["station_id"]: u["reason"] for d in two for u in d["unserved"]}
        names = [f"{s.name} {s.id}" + (f": {unserved[s.id]}" if s.id in unserved else "")
                 for s in missing[:3]]
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        why.append(f"no trunk route calls at {'; '.join(names)}{more}")
    return Verdict(key="trunk_routes", target=target, label=label,
                   value=f"{most} routes, {len(towns) - len(missing)}/{len(towns)} townships",
                   met=not why, reason="; ".join(why))


def village_coverage_verdict(scenario: Scenario, share: float,
                             merge: Iterable[tuple[str, str]] = ()) -> Verdict:
    """Village points (less those merged into another point) over the county's villages."""
    target = f"village points in ≥ {100 * share:g}% of the county's villages"
    label = f"villages ≥ {100 * share:g}%"
    merged = {a for a, _ in merge}
    points = sum(1 for s in scenario.stations if s.tier is Tier.VILLAGE and s.id not in merged)
    total = scenario.county_villages
    if not total:
        return Verdict(key="village_coverage", target=target, label=label,
                       value=f"{points} points",
                       met=False, reason="the scenario does not say how many villages the "
                       "county has ([scenario] county_villages)")
    got = points / total
    ok = got >= share - 1e-9
    return Verdict(key="village_coverage", target=target, label=label,
                   value=f"{_pct(got)} ({points} of {total})", met=ok,
                   reason="" if ok else f"{points} points, {math.ceil(share * total - 1e-9)} "
                   "needed")


def alliance_verdict(members: Sequence[str] | None, least: int) -> Verdict:
    """How many carriers pool their parcels (None: a carrier alone, no alliance)."""
    target = f"alliance of ≥ {least} carriers"
    label = f"carriers ≥ {least}"
    if members is None:
        return Verdict(key="alliance_carriers", target=target, label=label, value="-",
                       met=None, reason="a carrier alone")
    ok = len(members) >= least
    return Verdict(key="alliance_carriers", target=target, label=label,
                   value=f"{len(members)} carriers", met=ok,
                   reason="" if ok else f"only {', '.join(members)}")


def structure_verdicts(docs: Sequence[dict[str, Any]], scenario: Scenario, targets: Targets,
                       merge: Iterable[tuple[str, str]] = (),
                       members: Sequence[str] | None = ()) -> tuple[Verdict, ...]:
    """The structural targets ``targets`` sets (none: empty), against these plan days;
    ``members``: the option's carriers (None for a carrier alone; by default those with
    parcels in ``scenario``)."""
    if members == ():
        members = sorted({ln.carrier_id for ln in scenario.demand})
    out = []
    if targets.max_trunk_routes is not None:
        out.append(trunk_routes_verdict(docs, scenario, targets.max_trunk_routes))
    if targets.min_village_coverage is not None:
        out.append(village_coverage_verdict(scenario, targets.min_village_coverage, merge))
    if targets.min_alliance_carriers is not None:
        out.append(alliance_verdict(members, targets.min_alliance_carriers))
    return tuple(out)


def _late(sla: dict[str, Any], key: str, unserved_lines: int) -> str:
    """Why an hours target is missed: unserved lines, and the stations whose parcels are late."""
    late = [b for b in sla.get("stations_breaking_target", [])
            if b.get(key) is not None and b[key] < 1]
    out = [f"{unserved_lines} line(s) unserved"] if unserved_lines else []
    if late:
        worst = max((b["worst_h"] for b in late if b.get("worst_h") is not None), default=None)
        out.append(f"{len(late)} station(s) late" + (f", worst {worst:g} h" if worst else ""))
    return "; ".join(out)


def hour_verdicts(sla: dict[str, Any], targets: Targets, *, unserved_lines: int = 0
                  ) -> tuple[Verdict, ...]:
    """Delivery hours and fresh hours from a weekly simulation report (unserved count late)."""
    on_time, fresh = sla.get("on_time"), sla.get("fresh_within")
    return (
        Verdict(key="on_time", target=f"parcels within {targets.on_time_h:g} h",
                label=f"≤ {targets.on_time_h:g} h", value=_pct(on_time), met=on_time in (None, 1.0),
                reason="" if on_time in (None, 1.0) else _late(sla, "on_time", unserved_lines)),
        Verdict(key="fresh", target=f"fresh within {targets.fresh_h:g} h",
                label=f"fresh ≤ {targets.fresh_h:g} h", value=_pct(fresh),
                met=fresh in (None, 1.0),
                reason="" if fresh in (None, 1.0) else _late(sla, "fresh_within", unserved_lines)),
    )


def cost_verdict(reduction: float | None, targets: Targets) -> Verdict:
    """Cost against the carriers alone (None: no baseline to compare with)."""
    target = f"cost −{100 * targets.cost_reduction:g}% vs carriers alone"
    label = f"cost ≤ −{100 * targets.cost_reduction:g}%"
    if reduction is None:
        return Verdict(key="cost_reduction", target=target, label=label, value="-", met=None,
                       reason="needs the carriers alone: routing compare")
    ok = reduction >= targets.cost_reduction - 1e-9

    return Verdict(key="cost_reduction", target=target, label=label,
                   value=change_pct(reduction), met=ok)


def plan_verdicts(doc: dict[str, Any], scenario: Scenario) -> tuple[Verdict, ...]:
    """Every target of the scenario against one plan day (``routing plan``): the hours from a
    week of that plan repeated daily, the structural targets; the cost target needs the
    carriers alone (``routing compare``) and is n/a here."""
    from .sla import schedule_timings, sla_report

    sla = sla_report(schedule_timings([doc], scenario, waves=scenario.compare.waves), scenario)
    unserved = sum(len(u["lines"]) for u in doc["unserved"])
    return (*hour_verdicts(sla, scenario.targets, unserved_lines=unserved),
            cost_verdict(None, scenario.targets),
            *structure_verdicts([doc], scenario, scenario.targets))
