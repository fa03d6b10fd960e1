"""The reference-county scenarios Fengqiu, Yanshi and Tang: structure, targets, a checked plan,
generated points inside the county outline, and a deterministic generator."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import shape

from routing.evaluate.targets import plan_verdicts
from routing.io import read_scenario
from routing.io.plan_json import plan_to_dict
from routing.model import Tier
from routing.network.matrix import travel_matrices
from routing.pipeline import check_scenario_plan, plan_scenario

from .conftest import ROOT

# county: (townships, village points, on-time h, fresh h, cost reduction, at least n carriers,
#          villages in the county (NBS, the kinds it counts), village-coverage target)
COUNTIES = {
    "fengqiu": (19, 305, 24, 24, 0.20, 4, 609, None),
    "yanshi": (9, 130, 72, 24, 0.20, 1, 202, 0.6),  # 行政村覆盖率60%以上: its 202 村委会
    "tang": (20, 178, 48, 24, 0.20, 5, 355, None),  # 村委会 and 居委会, not 类似居委会
}


@pytest.fixture(scope="module", params=sorted(COUNTIES))
def county(request):
    """(name, scenario) for each new county as shipped."""
    return request.param, read_scenario(ROOT / "scenarios" / request.param)


def test_county_structure_and_targets(county):
    """One hub, the plan's township stations and village points, its targets, own fleets."""
    name, sc = county
    towns, villages, on_time, fresh, cut, min_carriers, county_villages, cover = COUNTIES[name]
    tiers = [s.tier for s in sc.stations]
    assert tiers.count(Tier.HUB) == 1
    assert tiers.count(Tier.TOWNSHIP) == towns
    assert tiers.count(Tier.VILLAGE) == villages
    t = sc.targets
    assert (t.on_time_h, t.fresh_h, t.cost_reduction) == (on_time, fresh, cut)
    assert (sc.county_villages, t.min_village_coverage, t.max_trunk_routes) == (
        county_villages, cover, None)
    assert len(sc.carriers) >= max(min_carriers, 2)
    assert all(c.outlet_id for c in sc.carriers)
    owners = {v.owner for v in sc.vehicle_types}
    assert {c.id for c in sc.carriers} <= owners  # every carrier has its own fleet (baseline)
    assert sc.compare.variants and sc.compare.variants[0].name == "alliance"
    assert any(ln.fresh for ln in sc.demand) and any(ln.direction == "up" for ln in sc.demand)


def test_county_codes_are_real(county):
    """Township stations carry the real NBS codes and names of the source data."""
    name, sc = county
    src = {"fengqiu": "fengqiu", "yanshi": "yanshi", "tang": "tang"}[name]
    rows = (ROOT / "data" / src / "townships.csv").read_text(encoding="utf-8").splitlines()[1:]
    real = {r.split(",")[0]: r.split(",")[1] for r in rows}
    for s in sc.stations:
        if s.tier is Tier.TOWNSHIP:
            assert real[s.id] == s.name


def test_generated_points_inside_outline(county):
    """Every generated point (villages, townships without a source point, outlets) lies inside
    the county outline and is flagged; the real village points are not flagged."""
    name, sc = county
    gj = json.loads((ROOT / "data" / name / "boundary.geojson").read_text(encoding="utf-8"))
    outline = shapely.union_all([shape(f["geometry"]) for f in gj["features"]])
    generated = [s for s in sc.stations if s.generated]
    assert generated
    for s in generated:
        assert outline.contains(shapely.Point(s.lon, s.lat)), s.id
    vills = (ROOT / "data" / name / "villages.csv").read_text(encoding="utf-8").splitlines()[1:]
    with_point = {r.split(",")[0] for r in vills if r.split(",")[3]}
    for s in sc.stations:
        if s.tier is Tier.VILLAGE:
            assert s.generated == (s.id not in with_point), s.id


def test_county_quick_plan_passes_checker(county):
    """A deterministic short solve (first solution) serves every station and checks clean."""
    _, sc = county
    m = travel_matrices(sc)
    plan, _ = plan_scenario(sc, m, solution_limit=1, time_limit_s=120)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []


def test_tang_evaluates_hebei_72h_as_a_variant():
    """Tang's own plan (48 h, fresh 24 h, −20 %) is the scenario's [targets]; its Hebei
    evaluation variant carries Hebei's 72 h (no separate fresh target) as its own."""
    sc = read_scenario(ROOT / "scenarios" / "tang")
    hebei = next(v for v in sc.compare.variants if v.name == "hebei_72h_every_other_day")
    assert hebei.targets == dataclasses.replace(sc.targets, on_time_h=72, fresh_h=72)
    assert all(v.targets is None for v in sc.compare.variants if v is not hebei)


def test_county_two_echelon_serves_everything_and_checks(county):
    """Two echelons (deterministic short solve): feeders sized for their villages' parcels and
    trunks in time for their villages' hours serve every line; the plan checks clean, and
    Yanshi's village coverage (130 of 202 村委会) is met."""
    name, sc = county
    m = travel_matrices(sc)
    plan, _ = plan_scenario(sc, m, solution_limit=20, time_limit_s=120, structure="two_echelon",
                            engine="ortools")
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []
    verdicts = {v.key: v for v in plan_verdicts(plan_to_dict(plan, sc), sc)}
    if name == "yanshi":
        assert verdicts["village_coverage"].met is True
        assert verdicts["village_coverage"].value == "64.4% (130 of 202)"
    assert "trunk_routes" not in verdicts


@pytest.mark.parametrize("name", ["yanshi", "tang", "fengqiu", "xia"])
def test_generator_is_deterministic(name, tmp_path):
    """Re-running the generator writes byte-identical files to those shipped."""
    script = ROOT / "data" / name / f"build_{name}.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True,
                   capture_output=True, cwd=ROOT)
    shipped = ROOT / "scenarios" / name
    for f in sorted(tmp_path.iterdir()):
        assert f.read_bytes() == (shipped / f.name).read_bytes(), f.name


@pytest.mark.parametrize("structure", ["direct", "two_echelon"])
@pytest.mark.parametrize("name", ["xia", "fengqiu", "yanshi", "tang"])
def test_every_bundled_county_serves_every_village_in_both_structures(name, structure):
    """A short, solution-limited search (the machine's speed plays no part) and the repair
    step: every station served, the independent checker clean."""
    sc = read_scenario(ROOT / "scenarios" / name)
    m = travel_matrices(sc)
    plan, _ = plan_scenario(sc, m, solution_limit=5, time_limit_s=60, structure=structure,
                            engine="ortools")
    assert [(u.station_id, u.reason) for u in plan.unserved] == []
    assert check_scenario_plan(plan, sc, m) == []
