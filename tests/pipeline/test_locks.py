"""Locks: routes kept exactly as in the reference plan, stops kept on their vehicles, the rest
re-optimised around them; the checker passes the joined plan."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.exceptions import DataError, UnsupportedConstraintError
from routing.io.edited import locked_routes
from routing.pipeline import Locks, check_scenario_plan, plan_scenario, reference_from_plan

from ..conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny"


def _order(plan, vid):
    return [(r.trip, s.station_id, s.line_ids) for r in plan.routes if r.vehicle_id == vid
            for s in r.stops]


def test_a_locked_route_stays_exactly_and_the_rest_is_replanned(tiny, tiny_doc):
    """van-1's route kept stop for stop although its order is a poor one (reversed); the
    reefer's stations are planned afresh; the joined plan passes the checker."""
    van = next(r for r in tiny_doc["routes"] if r["vehicle_id"] == "van-1")
    van["stops"].reverse()
    locks = Locks(routes=tuple(locked_routes(tiny_doc, ["van-1"], tiny)))
    plan, m = plan_scenario(tiny, solution_limit=50, time_limit_s=10, locks=locks,
                            reference=reference_from_plan(tiny_doc))
    assert [s for _, s, _ in _order(plan, "van-1")] == [s["station_id"] for s in van["stops"]]
    assert plan.meta.locked_vehicles == ("van-1",)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, tiny, m) == []


def test_a_locked_stop_rides_its_vehicle_even_when_dearer(tiny, tiny_doc):
    """V1 put on the reefer in the reference and locked there: the plan keeps it on the
    reefer (OR-Tools honours the lock; PyVRP, which cannot, is refused by name)."""
    van = next(r for r in tiny_doc["routes"] if r["vehicle_id"] == "van-1")
    reefer = next(r for r in tiny_doc["routes"] if r["vehicle_id"] == "reefer-1")
    v1 = [s for s in van["stops"] if s["station_id"] == "V1"]
    van["stops"] = [s for s in van["stops"] if s["station_id"] != "V1"]
    reefer["stops"] += v1
    ref = reference_from_plan(tiny_doc)
    locks = Locks(stops={"V1": "reefer-1"})
    plan, m = plan_scenario(tiny, solution_limit=50, time_limit_s=10, locks=locks,
                            reference=ref, change_penalty=0.0)
    on = {s.station_id: r.vehicle_id for r in plan.routes for s in r.stops}
    assert on["V1"] == "reefer-1"
    assert "locked on their vehicles" in plan.meta.engine_note
    assert check_scenario_plan(plan, tiny, m) == []
    with pytest.raises(UnsupportedConstraintError, match="locked"):
        plan_scenario(tiny, m, solution_limit=50, time_limit_s=10, locks=locks, reference=ref,
                      engine="pyvrp")


def test_locking_every_route_of_the_same_day_changes_nothing(tiny, tiny_solved, tiny_doc):
    """Every vehicle locked against the plan of the same day: the same routes and cost."""
    plan0, m = tiny_solved
    locks = Locks(routes=tuple(locked_routes(tiny_doc, [r["vehicle_id"]
                                                        for r in tiny_doc["routes"]], tiny)))
    plan, _ = plan_scenario(tiny, m, solution_limit=50, time_limit_s=10, locks=locks)
    assert {v: _order(plan, v) for v in ("van-1", "reefer-1")} == \
        {v: _order(plan0, v) for v in ("van-1", "reefer-1")}
    assert plan.cost == pytest.approx(plan0.cost, abs=0.01)


def test_today_without_a_line_the_locked_route_had(tiny, tiny_doc):
    """A line cancelled today drops off the locked route (its stop too, if it had no other
    line); the rest of the route stays in order."""
    van = next(r for r in tiny_doc["routes"] if r["vehicle_id"] == "van-1")
    gone = van["stops"][0]["lines"][0]
    today = dataclasses.replace(tiny, demand=tuple(ln for ln in tiny.demand if ln.id != gone))
    routes = locked_routes(tiny_doc, ["van-1"], today)
    kept = [i for r in routes for s in r.stops for i in s.line_ids]
    assert gone not in kept and kept == [i for s in van["stops"] for i in s["lines"]
                                         if i != gone]
    with pytest.raises(DataError, match="'truck-9' drive"):
        locked_routes(tiny_doc, ["truck-9"], tiny)


def test_cli_locks_need_a_reference_and_known_ids(tmp_path, tiny_doc):
    """--lock without --reference is a usage error (exit 2); an unknown vehicle or station
    names itself; with the reference, the locked route is in plan.json as it was."""
    ref = tmp_path / "ref.json"
    ref.write_text(json.dumps(tiny_doc, ensure_ascii=False), encoding="utf-8")
    args = ["plan", str(TINY), "-o", str(tmp_path / "o"), "--solution-limit", "50", "--quiet",
            "--tiles", "none"]
    r = CliRunner().invoke(main, [*args, "--lock", "van-1"])
    assert r.exit_code == 2 and "need --reference" in r.output
    r = CliRunner().invoke(main, [*args, "--reference", str(ref), "--lock", "truck-9"])
    assert r.exit_code == 1 and "'truck-9'" in r.output
    r = CliRunner().invoke(main, [*args, "--reference", str(ref), "--lock-stops", "V99"])
    assert r.exit_code == 2 and "'V99'" in r.output
    r = CliRunner().invoke(main, [*args, "--reference", str(ref), "--lock", "van-1",
                                  "--lock-stops", "V3"])
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "o" / "plan.json").read_text(encoding="utf-8"))
    before = [s["station_id"] for r in tiny_doc["routes"] if r["vehicle_id"] == "van-1"
              for s in r["stops"]]
    after = [s["station_id"] for r in doc["routes"] if r["vehicle_id"] == "van-1"
             for s in r["stops"]]
    assert after == before and doc["meta"]["locked_vehicles"] == ["van-1"]
