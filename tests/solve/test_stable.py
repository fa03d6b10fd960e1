"""Stable routes (划定固定线路): planning against a reference keeps stops on their vehicle."""

from __future__ import annotations

import dataclasses

from routing.io.plan_json import plan_to_dict
from routing.pipeline import check_scenario_plan, plan_scenario, reference_from_plan


def test_same_day_against_itself_moves_nothing(tiny, tiny_solved):
    """Re-planning the same day against its own plan keeps every stop on its vehicle."""
    plan, m = tiny_solved
    ref = reference_from_plan(plan_to_dict(plan, tiny))
    again, _ = plan_scenario(tiny, m, solution_limit=50, reference=ref, change_penalty=500)
    assert again.meta.stability.moved == 0
    assert again.meta.stability.kept == len({k for k in ref if not k.startswith("line:")})
    assert check_scenario_plan(again, tiny, m) == []


def test_penalty_holds_a_rotated_reference(tiny, tiny_solved):
    """A reference that swaps the vans' roles: a high penalty follows it, zero penalty need not."""
    plan, m = tiny_solved
    ref = reference_from_plan(plan_to_dict(plan, tiny))
    swapped = {s: ("van-2" if v == "van-1" else v) for s, v in ref.items()}
    held, _ = plan_scenario(tiny, m, solution_limit=50, reference=swapped, change_penalty=5000)
    assert held.meta.stability.moved == 0
    assert check_scenario_plan(held, tiny, m) == []


def test_new_station_counts_as_new(tiny, tiny_solved):
    """Stations missing from the reference are reported as new, not as moved."""
    plan, m = tiny_solved
    ref = reference_from_plan(plan_to_dict(plan, tiny))
    v5 = {"V5"} | {"line:" + ln.id for ln in tiny.demand if ln.station_id == "V5"}
    ref = {k: v for k, v in ref.items() if k not in v5}  # station and its lines unknown
    again, _ = plan_scenario(tiny, m, solution_limit=50, reference=ref, change_penalty=500)
    assert again.meta.stability.new == 1
    assert dataclasses.asdict(again.routes[0])  # plain data, no solver objects
