"""One scenario with every daily-model feature at once, planned both ways and checked."""

from __future__ import annotations

import pytest

from routing.io import read_scenario
from routing.pipeline import check_scenario_plan, plan_scenario, structures_of

from ..conftest import HERE


@pytest.fixture(scope="module")
def plans():
    """tests/data/county_all planned as its scenario.toml says: direct and two-echelon."""
    sc = read_scenario(HERE / "data" / "county_all")
    out = {}
    for kind in structures_of(sc):
        plan, m = plan_scenario(sc, structure=kind)
        out[kind] = (sc, plan, m)
    return out


@pytest.mark.parametrize("kind", ["direct", "two_echelon"])
def test_every_feature_in_one_plan(plans, kind):
    """Pickups ride home, fresh goods only in cold space, a van loops more than once, the
    reference keeps most stops, the oversized pickup is explained, and the checker agrees."""
    sc, plan, m = plans[kind]
    assert check_scenario_plan(plan, sc, m) == []
    lines = {ln.id: ln for ln in sc.demand}
    served = {i: r for r in plan.routes for s in r.stops for i in s.line_ids
              if i not in s.transfer_ids}
    assert {"D05", "D11", "D08"} <= set(served)  # pickups, the fresh one too
    for i, r in served.items():
        if lines[i].fresh:
            assert sc.vehicle_type(r.vehicle_type).fresh_capacity_kg >= lines[i].kg
    assert max(r.trip for r in plan.routes) >= 2  # multi-trip
    stab = plan.meta.to_json()["stability"]
    assert stab["kept"] >= stab["moved"]
    (u,) = plan.unserved
    assert u.line_ids == ("D13",) and "1,200.0 kg" in u.reason
    if kind == "two_echelon":
        assert any(r.echelon == "feeder" for r in plan.routes)
        assert any(s.transfer_ids for r in plan.routes for s in r.stops)
