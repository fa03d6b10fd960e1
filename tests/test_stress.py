"""The stress suite's solution-limited subset: small generated counties across the axes.

benchmarks/bench_stress.py plans 40 counties of up to 1,000 villages at a time budget; here five
of 50–80 villages are planned to a solution limit (reproducible, as in tests/solve), each crossing
several axes. Two have fleets far below the benchmark's range (fleet_factor 0.3: the fleet
estimate is generous enough that a third too small still serves a small county); one of them
also has fresh goods both ways and no cold boxes, so that stations are left unserved and their
reasons are tested. Whatever the county: a plan with
routes, nothing the checker objects to — in particular no station left unserved that an idle
vehicle could serve (``servable_unserved``) and no unserved reason that does not hold
(``false_reason``) — and a reason for every station left out.
"""

from __future__ import annotations

from collections import Counter

import pytest

from routing.io import read_scenario
from routing.io.synthetic import CountySpec, write_spec
from routing.pipeline import check_scenario_plan, plan_scenario

# (county, everything served?)
COUNTIES = [
    (CountySpec(villages=60, structure="two_echelon", fmt="gbk", crs="gcj02"), True),
    (CountySpec(villages=80, fleet_factor=0.67, multi_trip=True, window_share=0.6), True),
    (CountySpec(villages=50, cold_boxes=False, pickup_share=0.7, fresh_up_share=0.6,
                fmt="xlsx", crs="bd09"), True),
    # a third of the fleet: the repair and the hub's direct fallback still serve it all
    (CountySpec(villages=70, seed=5, fleet_factor=0.3, structure="two_echelon"), True),
    # fresh both ways, no cold boxes, four vehicles: beyond what the fleet can do
    (CountySpec(villages=80, seed=4, fleet_factor=0.3, cold_boxes=False,
                fresh_down_share=0.5, pickup_share=0.7, fresh_up_share=0.6), False),
]


@pytest.mark.parametrize(("spec", "complete"), COUNTIES, ids=[s.label for s, _ in COUNTIES])
def test_stress_county_plans_and_passes_the_checker(spec, complete, tmp_path):
    sc = read_scenario(write_spec(tmp_path / spec.label, spec))
    plan, m = plan_scenario(sc, structure=spec.structure, solution_limit=30, time_limit_s=10)
    assert plan.routes and sum(len(r.stops) for r in plan.routes) > 0
    bad = check_scenario_plan(plan, sc, m)
    kinds = Counter(v.kind for v in bad)
    assert kinds["servable_unserved"] == 0, [str(v) for v in bad]
    assert kinds["false_reason"] == 0, [str(v) for v in bad]
    assert bad == []
    assert all(u.reason.strip() for u in plan.unserved)
    assert (plan.unserved == ()) is complete, [u.reason for u in plan.unserved]
    if spec.structure == "two_echelon":
        assert {r.echelon for r in plan.routes} >= {"trunk", "feeder"}
        if spec.fleet_factor <= 0.3:  # what no trunk brought to its township went
            # directly from the hub (pipeline._direct_fallback), checked above with the rest
            assert (plan.meta.direct_fallback or 0) > 0
            assert any(r.echelon == "direct" for r in plan.routes)
