"""A day of events on generated counties of several shapes: every re-planned version passes
the independent checker against the day as it stands, every line is served or has a reason,
and an event with nothing in it moves nothing — with and without the PyVRP step, with and
without the hold policy (routing.io.synthetic, seeded; solution limits, no wall clock)."""

from __future__ import annotations

import random

import pytest

from routing.evaluate.check import check_plan
from routing.io import read_scenario
from routing.io.events import Event
from routing.io.plan_json import plan_to_dict
from routing.io.synthetic import CountySpec, write_spec
from routing.model import DemandLine, Direction, Tier
from routing.network.matrix import travel_matrices
from routing.pipeline import plan_scenario, replan_day

H = 3600

SHAPES = {
    "ample": CountySpec(villages=40, seed=3),
    "tight, two trips": CountySpec(villages=40, seed=5, fleet_factor=1.0, window_share=0.5,
                                   multi_trip=True),
    "no cold boxes": CountySpec(villages=30, seed=8, cold_boxes=False, fresh_down_share=0.4),
}


@pytest.mark.parametrize(("shape", "engine_s", "hold"), [
    ("ample", 0.0, False), ("tight, two trips", 5.0, False), ("no cold boxes", 5.0, True),
])
def test_a_day_of_events_on_a_generated_county_checks_at_every_step(tmp_path, shape,
                                                                     engine_s, hold):
    sc = read_scenario(write_spec(tmp_path / "county", SHAPES[shape]))
    m = travel_matrices(sc)
    rng = random.Random(7)
    plan, _ = plan_scenario(sc, m, solution_limit=40, time_limit_s=30, seed=1)
    doc, day = plan_to_dict(plan, sc), sc
    villages = [s.id for s in sc.stations if s.tier is Tier.VILLAGE]
    on_road = sorted({r.vehicle_id for r in plan.routes if r.start_s < 11 * H < r.end_s})
    stream: list[tuple[int, list[DemandLine], list[Event]]] = [
        (9 * H, [], []),  # nothing happened
        (10 * H, _late(rng, villages, 10 * H, "A"), []),
        (11 * H, [], [Event("breakdown", 11 * H, vehicle=on_road[0])] if on_road else []),
        (12 * H, _late(rng, villages, 12 * H, "B"),
         [Event("closed", 12 * H, station=rng.choice(villages))]),
        (13 * H, [], [Event("delay", 13 * H, vehicle=plan.routes[-1].vehicle_id,
                            minutes=25)]),
    ]
    broken = [e for _, _, evs in stream for e in evs if e.kind == "breakdown"]
    for at, late, events in stream:
        still = [Event("breakdown", None, vehicle=e.vehicle) for e in broken
                 if e.time_s is not None and e.time_s < at]
        res = replan_day(day, m, doc, at_s=at, late=late, events=[*events, *still],
                         time_limit_s=engine_s, solution_limit=60, hold=hold)
        new = plan_to_dict(res.plan, res.scenario)
        assert res.violations == [], (at, res.violations[:3])
        assert check_plan(new, res.scenario, m) == [], at
        served = {i for r in new["routes"] for s in r["stops"] for i in s["lines"]}
        reasons = {i: u["reason"] for u in new["unserved"] for i in u["lines"]}
        assert served | set(reasons) >= {ln.id for ln in res.scenario.demand}, at
        assert all(reasons.values()), at
        if not late and not events:
            assert res.changes == [], at
        assert len(res.notes) == len(res.notes_zh), at
        doc, day = new, res.scenario


def _late(rng: random.Random, villages: list[str], at: int, tag: str) -> list[DemandLine]:
    """Five late parcels' lines for random villages, ready at ``at``."""
    return [DemandLine(id=f"LATE{tag}{k}", station_id=rng.choice(villages), carrier_id="post",
                       direction=Direction.DOWN, parcels=rng.randint(1, 4),
                       kg=round(rng.uniform(1, 8), 1), ready_s=at) for k in range(5)]
