"""The bundled default scenario: real structure of Xia County, and a checked plan."""

from __future__ import annotations

import pytest

from routing.io import read_scenario
from routing.model import Tier
from routing.network.matrix import travel_matrices
from routing.pipeline import check_scenario_plan, plan_scenario

from .conftest import ROOT


@pytest.fixture(scope="module")
def xia():
    """scenarios/xia as shipped."""
    return read_scenario(ROOT / "scenarios" / "xia")


def test_xia_structure(xia):
    """1 hub, the 11 real townships, all 175 villages; pickups, fresh goods, a mixed fleet."""
    tiers = [s.tier for s in xia.stations]
    assert tiers.count(Tier.HUB) == 1
    assert tiers.count(Tier.TOWNSHIP) == 11
    assert tiers.count(Tier.VILLAGE) == 175
    towns = {s.name for s in xia.stations if s.tier is Tier.TOWNSHIP}
    assert towns == {"瑶峰镇", "庙前镇", "裴介镇", "水头镇", "埝掌镇", "泗交镇", "禹王镇",
                     "尉郭乡", "胡张乡", "南大里乡", "祁家河乡"}
    real = [s for s in xia.stations if s.tier is Tier.VILLAGE and not s.generated]
    assert len(real) == 7
    assert len(xia.carriers) == 5
    assert abs(sum(c.market_share or 0 for c in xia.carriers) - 1) < 1e-6
    assert any(ln.direction == "up" for ln in xia.demand)
    assert any(ln.fresh for ln in xia.demand)
    assert len({v.id for v in xia.vehicle_types}) >= 2
    assert any(v.refrigerated for v in xia.vehicle_types)


def test_xia_targets_from_its_plan(xia):
    """夏政函〔2021〕37号: ≤ 3 days, 4 postal routes over the 11 townships, village points in
    ≥ 50 % of the villages (all 175 village-level units here), on 4 trunk trucks."""
    t = xia.targets
    assert (t.on_time_h, t.max_trunk_routes, t.min_village_coverage) == (72, 4, 0.5)
    assert xia.county_villages == 175
    trunks = [v for v in xia.vehicle_types if v.echelon == "trunk"]
    assert [(v.id, v.count, v.max_trips) for v in trunks] == [("POSTTRUNK", 4, 1)]


def test_xia_two_echelon_meets_four_trunk_routes(xia):
    """Two echelons under max_trunk_routes = 4 (deterministic short solve): exactly the 4 trunk
    trucks carry every township's ambient parcels, one route each, calling at all 11 township
    stations; every line served, the plan checks clean, and the structural verdicts are met."""
    from routing.evaluate.targets import plan_verdicts, trunk_route_count
    from routing.io.plan_json import plan_to_dict

    m = travel_matrices(xia)
    plan, _ = plan_scenario(xia, m, solution_limit=20, time_limit_s=120, structure="two_echelon",
                            engine="ortools")
    assert plan.unserved == ()
    assert check_scenario_plan(plan, xia, m) == []
    doc = plan_to_dict(plan, xia)
    n, towns = trunk_route_count(doc, xia)
    assert n == 4 and len(towns) == 11
    assert {r.vehicle_type for r in plan.routes if r.echelon == "trunk"
            and any(s.transfer_ids for s in r.stops)} == {"POSTTRUNK"}
    verdicts = {v.key: v for v in plan_verdicts(doc, xia)}
    assert verdicts["trunk_routes"].met is True
    assert verdicts["trunk_routes"].value == "4 routes, 11/11 townships"
    assert verdicts["village_coverage"].met is True
    assert verdicts["cost_reduction"].met is None  # needs routing compare


def test_xia_direct_plan_has_no_trunk_verdict(xia):
    """The trunk-route target applies to two echelons; a direct plan says n/a, not MET."""
    from routing.evaluate.targets import trunk_routes_verdict

    doc = {"routes": [], "unserved": [], "meta": {"structure": "direct"}}
    assert trunk_routes_verdict([doc], xia, 4).met is None


def test_xia_quick_plan_passes_checker(xia):
    """A short, deterministic solve of the default scenario serves every station and checks."""
    m = travel_matrices(xia)
    plan, _ = plan_scenario(xia, m, solution_limit=1, time_limit_s=60)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, xia, m) == []


def test_xia_compare_alliance_and_periodic_plans_check(xia):
    """`routing compare` on the default county (first solutions, no Shapley): every plan behind
    the table passes the checker, the table's vehicle costs are the plans' recomputed costs, and
    periodic planning keeps every village with fresh goods daily while the 72 h and fresh 24 h
    targets hold."""
    import dataclasses

    from routing.pipeline import compare_scenario

    keep = ("alliance", "alliance_periodic")
    sc = dataclasses.replace(xia, compare=dataclasses.replace(
        xia.compare, variants=tuple(v for v in xia.compare.variants if v.name in keep)))
    res = compare_scenario(sc, shapley=False, solution_limit=1, time_limit_s=60)
    for o in [*res["baseline"].values(), *res["variants"]]:
        assert o.violations == (), o.name
        assert o.vehicle_cost_day * o.schedule.period == pytest.approx(
            sum(r["cost"]["total"] for d in o.docs for r in d["routes"]), abs=0.05), o.name
    periodic = next(v for v in res["variants"] if v.name == "alliance_periodic")
    fresh = {ln.station_id for ln in xia.demand if ln.fresh}
    assert {periodic.schedule.every[s] for s in fresh} == {1}
    assert 2 in periodic.schedule.every.values()
    assert periodic.unserved_lines == 0
    assert periodic.sla["within_72h"] == 1.0 and periodic.sla["fresh_within"] == 1.0
