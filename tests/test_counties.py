"""The reference-county scenarios Fengqiu, Yanshi and Tang: structure, targets, a checked plan,
generated points inside the county outline, and a deterministic generator."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import shape

from routing.io import read_scenario
from routing.model import Tier
from routing.network.matrix import travel_matrices
from routing.pipeline import check_scenario_plan, plan_scenario

from .conftest import ROOT

# county: (townships, village points, on-time h, fresh h, cost reduction, at least n carriers)
COUNTIES = {
    "fengqiu": (19, 305, 24, 24, 0.20, 4),
    "yanshi": (9, 130, 72, 24, 0.20, 1),
    "tang": (20, 178, 48, 24, 0.20, 5),
}


@pytest.fixture(scope="module", params=sorted(COUNTIES))
def county(request):
    """(name, scenario) for each new county as shipped."""
    return request.param, read_scenario(ROOT / "scenarios" / request.param)


def test_county_structure_and_targets(county):
    """One hub, the plan's township stations and village points, its targets, own fleets."""
    name, sc = county
    towns, villages, on_time, fresh, cut, min_carriers = COUNTIES[name]
    tiers = [s.tier for s in sc.stations]
    assert tiers.count(Tier.HUB) == 1
    assert tiers.count(Tier.TOWNSHIP) == towns
    assert tiers.count(Tier.VILLAGE) == villages
    t = sc.targets
    assert (t.on_time_h, t.fresh_h, t.cost_reduction) == (on_time, fresh, cut)
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


@pytest.mark.parametrize("name", ["yanshi", "tang", "fengqiu", "xia"])
def test_generator_is_deterministic(name, tmp_path):
    """Re-running the generator writes byte-identical files to those shipped."""
    script = ROOT / "data" / name / f"build_{name}.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True,
                   capture_output=True, cwd=ROOT)
    shipped = ROOT / "scenarios" / name
    for f in sorted(tmp_path.iterdir()):
        assert f.read_bytes() == (shipped / f.name).read_bytes(), f.name
