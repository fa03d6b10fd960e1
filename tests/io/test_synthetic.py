"""Generated counties (routing.io.synthetic): what the scaling benchmark plans must be a real,
readable scenario with the hard parts of a county, and the same for the same seed."""

from __future__ import annotations

import pytest

from routing.io import read_scenario
from routing.io.synthetic import write_county
from routing.model import Direction, Tier
from routing.pipeline import check_scenario_plan, plan_scenario


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return write_county(tmp_path_factory.mktemp("gen") / "c40", 40, seed=3)


def test_generated_county_reads_back_with_every_hard_part(county):
    """40 village points, their townships, pickups, fresh both ways, windows, mixed fleet."""
    sc = read_scenario(county)
    tiers = [s.tier for s in sc.stations]
    assert tiers.count(Tier.VILLAGE) == 40 and tiers.count(Tier.HUB) == 1
    assert tiers.count(Tier.TOWNSHIP) >= 4
    villages = [s for s in sc.stations if s.tier == Tier.VILLAGE]
    assert all(s.township_id for s in villages)
    assert any(s.close_s - s.open_s <= 4 * 3600 for s in villages), "half-day windows"
    ups = [ln for ln in sc.demand if ln.direction == Direction.UP]
    assert ups and any(ln.fresh for ln in ups)
    assert any(ln.fresh and ln.direction == Direction.DOWN for ln in sc.demand)
    shared = [vt for vt in sc.vehicle_types if vt.owner == "alliance"]
    assert len({vt.speed_kph for vt in shared}) == 2
    assert any(vt.refrigerated for vt in shared)
    assert len(sc.carriers) == 5


def test_same_seed_same_county_other_seed_other_county(county, tmp_path):
    """Deterministic per (villages, seed): the benchmark's counties can be regenerated."""
    again = write_county(tmp_path / "again", 40, seed=3)
    other = write_county(tmp_path / "other", 40, seed=4)
    for name in ("stations.csv", "demand.csv", "vehicles.csv"):
        assert (county / name).read_bytes() == (again / name).read_bytes()
    assert (county / "demand.csv").read_bytes() != (other / "demand.csv").read_bytes()


def test_generated_county_plans_completely_and_passes_the_checker(county):
    """The fleet is sized so every station is served; the plan passes the checker."""
    sc = read_scenario(county)
    plan, m = plan_scenario(sc, engine="pyvrp", solution_limit=300, time_limit_s=60)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []


def test_no_villages_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="villages must be >= 1"):
        write_county(tmp_path / "x", 0)
