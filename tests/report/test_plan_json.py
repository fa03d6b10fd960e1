"""plan.json is strict JSON both ways: never written with NaN/Infinity, and a file holding them,
absurd numbers or absurd nesting is a PlanError naming the place, never a traceback later."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from routing.exceptions import PlanError
from routing.io.plan_json import read_plan_json, write_plan_json

from ..conftest import HERE


def _strict(text: str) -> Any:
    """Parse like a strict reader (JavaScript, jq, Go): NaN and Infinity are errors."""

    def refuse(token: str) -> None:
        raise ValueError(f"non-standard JSON constant {token}")

    return json.loads(text, parse_constant=refuse)


def test_written_plan_is_strict_json_and_reads_back(tmp_path, tiny_solved, tiny):
    """The tiny plan is written as strict JSON and passes the (stricter) schema."""
    path = tmp_path / "plan.json"
    doc = write_plan_json(tiny_solved[0], tiny, path)
    assert _strict(path.read_text(encoding="utf-8")) == doc
    assert read_plan_json(path) == doc


def test_no_solution_objective_is_null(tmp_path, tiny_solved, tiny):
    """An engine that found nothing reports objective inf; plan.json holds null, not Infinity."""
    plan = dataclasses.replace(tiny_solved[0], objective=math.inf)
    path = tmp_path / "plan.json"
    assert write_plan_json(plan, tiny, path)["objective"] is None
    assert _strict(path.read_text(encoding="utf-8"))["objective"] is None
    assert read_plan_json(path)["objective"] is None


def test_non_finite_value_is_not_written(tmp_path, tiny_solved, tiny):
    """A NaN anywhere in the plan is a PlanError naming its place, and no file is left."""
    plan = dataclasses.replace(tiny_solved[0], runtime_s=math.nan)
    path = tmp_path / "plan.json"
    with pytest.raises(PlanError, match=r"not written: the plan holds nan at runtime_s"):
        write_plan_json(plan, tiny, path)
    assert not path.exists()


@pytest.fixture
def plan_text(tmp_path, tiny_solved, tiny) -> str:
    """A valid plan.json of the tiny county, as text."""
    path = tmp_path / "valid.json"
    write_plan_json(tiny_solved[0], tiny, path)
    return path.read_text(encoding="utf-8")


def _set(where: str, token: str) -> Callable[[str], str]:
    """An edit writing ``token`` (raw JSON text) at ``where`` (keys and indices by '/')."""

    def edit(text: str) -> str:
        doc = json.loads(text)
        *parents, last = [int(k) if k.isdigit() else k for k in where.split("/")]
        target = doc
        for k in parents:
            target = target[k]
        target[last] = "@@"
        return json.dumps(doc).replace('"@@"', token)

    return edit


def _drop(where: str) -> Callable[[str], str]:
    """An edit removing the key at ``where``."""

    def edit(text: str) -> str:
        doc = json.loads(text)
        *parents, last = [int(k) if k.isdigit() else k for k in where.split("/")]
        target = doc
        for k in parents:
            target = target[k]
        del target[last]
        return json.dumps(doc)

    return edit


STOP = "routes/0/stops/0"
BAD_PLANS = [
    # Python's json reads these by default; strict JSON has no such tokens
    pytest.param(_set("objective", "NaN"), ("NaN at objective", "no NaN or Infinity"),
                 id="nan"),
    pytest.param(_set(f"{STOP}/arrival_min", "Infinity"),
                 (f"Infinity at {STOP}/arrival_min",), id="infinity"),
    pytest.param(_set("totals/cost", "-Infinity"), ("-Infinity at totals/cost",),
                 id="minus-infinity"),
    pytest.param(_set(f"{STOP}/load_after/kg", "1e400"),  # overflows a float to inf
                 (f"1e400 at {STOP}/load_after/kg",), id="float-overflow"),
    # finite but absurd: 1e308 minutes overflowed to inf (OverflowError) inside the checker
    pytest.param(_set(f"{STOP}/arrival_min", "1e308"),
                 (f"at {STOP}/arrival_min: 1e+308 is greater than the maximum of 2880",),
                 id="arrival-1e308"),
    pytest.param(_set("routes/0/distance_km", "1e308"),
                 ("at routes/0/distance_km: 1e+308 is greater than the maximum",),
                 id="distance-1e308"),
    pytest.param(_set("routes/0/start_min", "-5"),
                 ("at routes/0/start_min: -5 is less than the minimum of 0",),
                 id="start-negative"),
    pytest.param(_set("seed", "9223372036854775807"),
                 ("at seed: 9223372036854775807 is greater than the maximum of 2147483647",),
                 id="seed-int64"),
    pytest.param(_set("time_limit_s", "1e308"), ("at time_limit_s: 1e+308 is greater",),
                 id="time-limit-1e308"),
    pytest.param(_set(f"{STOP}/arrival_min", "1" * 5000),  # Python caps int() at 4300 digits
                 ("not valid JSON", "4300 digits"), id="int-5000-digits"),
    # nesting: 100,000 levels exhaust the parser's recursion; 50 exceed what a plan needs
    pytest.param(lambda _: "[" * 100_000 + "]" * 100_000,
                 ("nested too deeply to read",), id="nested-100000"),
    pytest.param(_set("meta", "[" * 50 + "]" * 50),
                 ("nested more than 32 levels deep at meta/0/0",), id="nested-50-in-meta"),
    # fields written since the first version are required
    pytest.param(_drop("routes/0/depot_id"),
                 ("at routes/0: 'depot_id' is a required property",), id="no-depot-id"),
    pytest.param(_drop("routes/0/duration_min"),
                 ("at routes/0: 'duration_min' is a required property",), id="no-duration"),
    pytest.param(_drop(f"{STOP}/start_min"),
                 (f"at {STOP}: 'start_min' is a required property",), id="no-stop-start"),
    pytest.param(_drop("totals/kg_up"), ("at totals: 'kg_up' is a required property",),
                 id="no-totals-kg-up"),
]


@pytest.mark.parametrize(("edit", "fragments"), BAD_PLANS)
def test_bad_plan_is_a_plan_error(tmp_path, plan_text, edit, fragments):
    """Each defect is a PlanError naming the file and the place, raised by the reader."""
    path = tmp_path / "plan.json"
    path.write_text(edit(plan_text), encoding="utf-8")
    with pytest.raises(PlanError) as err:
        read_plan_json(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message, message


def test_schema_message_quoting_a_huge_value_is_cut(tmp_path, plan_text):
    """A schema message quotes the bad value; a 100,000-number route is not printed whole."""
    path = tmp_path / "plan.json"
    path.write_text(_set("routes/0", json.dumps(list(range(100_000))))(plan_text),
                    encoding="utf-8")
    with pytest.raises(PlanError, match=r"at routes/0: \[0, 1, 2") as err:
        read_plan_json(path)
    assert len(str(err.value)) < 1000


def test_older_plan_without_later_fields_still_reads():
    """A plan.json from before totals.routes existed (the county_all reference) still reads:
    only fields written since the first version are required."""
    doc = read_plan_json(HERE / "data" / "county_all" / "reference.json")
    assert "routes" not in doc["totals"]


def test_folder_instead_of_file_is_a_plan_error(tmp_path: Path):
    """A folder given as plan.json (e.g. [solve] reference) is a PlanError, not an OSError."""
    with pytest.raises(PlanError, match="cannot read the file"):
        read_plan_json(tmp_path)


def test_an_unknown_unserved_code_is_a_schema_error(tmp_path, tiny_doc):
    """The reason's code is one of the claims the checker tests, nothing else."""
    tiny_doc["unserved"].append({"station_id": "V1", "lines": ["D01"], "reason": "x",
                                 "code": "bogus"})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(tiny_doc), encoding="utf-8")
    with pytest.raises(PlanError, match="unserved/0/code"):
        read_plan_json(path)
