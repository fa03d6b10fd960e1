"""Hypothesis plants one fault at a time, anywhere in a valid plan: the checker rejects each.

Each fault class names the violation kinds that may report it (a moved time can break the
drive time and the opening hours at once); the test asserts at least one of them is found,
and that the unmutated plan is clean. Non-finite numbers cannot reach the checker: the
plan.json reader refuses them (tests/report/test_plan_json.py), tested here on a written file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.evaluate.check import check_plan
from routing.exceptions import PlanError
from routing.io.plan_json import read_plan_json

Doc = dict[str, Any]


def _stop(doc: Doc, data: st.DataObject) -> tuple[dict, dict]:
    r = data.draw(st.sampled_from([r for r in doc["routes"] if r["stops"]]))
    return r, data.draw(st.sampled_from(r["stops"]))


def arrive_early(doc: Doc, data: st.DataObject) -> None:
    _, s = _stop(doc, data)
    s["arrival_min"] -= data.draw(st.floats(5, 120))


def load_after(doc: Doc, data: st.DataObject) -> None:
    _, s = _stop(doc, data)
    s["load_after"]["kg"] += data.draw(st.sampled_from([-1, 1])) * data.draw(st.floats(1, 500))


def parcels_after(doc: Doc, data: st.DataObject) -> None:
    _, s = _stop(doc, data)
    s["load_after"]["parcels"] += data.draw(st.sampled_from([-3, -1, 1, 7]))


def route_cost(doc: Doc, data: st.DataObject) -> None:
    r, _ = _stop(doc, data)
    r["cost"]["total"] += data.draw(st.sampled_from([-1, 1])) * data.draw(st.floats(1, 1e4))


def route_distance(doc: Doc, data: st.DataObject) -> None:
    r, _ = _stop(doc, data)
    r["distance_km"] += data.draw(st.sampled_from([-1, 1])) * data.draw(st.floats(0.01, 50))


def route_duration(doc: Doc, data: st.DataObject) -> None:
    r, _ = _stop(doc, data)
    r["duration_min"] += data.draw(st.sampled_from([-1, 1])) * data.draw(st.floats(1, 300))


def depot(doc: Doc, data: st.DataObject) -> None:
    r, _ = _stop(doc, data)
    r["depot_id"] = data.draw(st.sampled_from(["T1", "T2", "V3", "NOWHERE"]))


def drop_stop(doc: Doc, data: st.DataObject) -> None:
    r, s = _stop(doc, data)
    r["stops"].remove(s)


def unserved_ids(doc: Doc, data: st.DataObject) -> None:
    station = data.draw(st.sampled_from(["V1", "NOWHERE"]))
    line = data.draw(st.sampled_from(["NO-LINE", "D01", "D09"]))
    if station == "V1" and line == "D01":
        line = "NO-LINE"
    doc["unserved"].append({"station_id": station, "lines": [line], "reason": "made up"})


def route_left_out(doc: Doc, data: st.DataObject) -> None:
    """A whole route removed and its stops listed unserved: its vehicle stands idle."""
    r, _ = _stop(doc, data)
    doc["routes"].remove(r)
    doc["unserved"] += [{"station_id": s["station_id"], "lines": s["lines"],
                         "code": data.draw(st.sampled_from(["fleet_busy", "cannot_serve"])),
                         "reason": "no vehicle left"} for s in r["stops"]]


FAULTS: list[tuple[Callable[[Doc, st.DataObject], None], set[str]]] = [
    (arrive_early, {"travel_too_fast", "service_before_arrival"}),
    (load_after, {"load_mismatch"}),
    (parcels_after, {"load_mismatch", "over_capacity"}),
    (route_cost, {"cost_mismatch"}),
    (route_distance, {"distance_mismatch"}),
    (route_duration, {"duration_mismatch"}),
    (depot, {"wrong_depot"}),
    (drop_stop, {"missing"}),
    (unserved_ids, {"unknown_station", "unknown_line", "line_wrong_station"}),
    (route_left_out, {"servable_unserved", "false_reason"}),
]


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_planted_fault_is_rejected(data, tiny_solved, tiny, tiny_doc):
    fault, kinds = data.draw(st.sampled_from(FAULTS), label="fault")
    doc = copy.deepcopy(tiny_doc)
    fault(doc, data)
    found = {v.kind for v in check_plan(doc, tiny, tiny_solved[1])}
    assert found & kinds, (fault.__name__, found)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("field", ["arrival_min", "start_min", "departure_min"])
def test_non_finite_times_are_refused_before_the_checker(token, field, tmp_path, tiny_doc):
    doc = copy.deepcopy(tiny_doc)
    doc["routes"][0]["stops"][0][field] = "@@"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc).replace('"@@"', token), encoding="utf-8")
    with pytest.raises(PlanError, match=field):
        read_plan_json(path)
