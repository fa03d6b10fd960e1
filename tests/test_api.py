"""The public API re-exported from ``routing``: the day end to end through it, its docstrings,
and that importing the package loads no engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

import routing

from .conftest import TINY

ENTRY_POINTS = ("read_scenario", "plan_scenario", "check_plan", "read_plan", "write_plan")


def test_a_day_through_the_public_api(tmp_path):
    """Read, plan, write, read back, check: the checker finds nothing."""
    scenario = routing.read_scenario(TINY)
    plan, matrices = routing.plan_scenario(scenario, engine="ortools", solution_limit=20,
                                           time_limit_s=30)
    assert isinstance(plan, routing.Plan) and isinstance(scenario, routing.Scenario)
    written = routing.write_plan(plan, scenario, tmp_path / "plan.json")
    doc = routing.read_plan(tmp_path / "plan.json")
    assert doc == written
    assert routing.check_plan(doc, scenario, matrices) == []
    doc["routes"][0]["stops"][0]["arrival_min"] -= 120  # a false claim
    assert routing.check_plan(doc, scenario, matrices)


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_points_have_numpy_style_docstrings(name):
    doc = getattr(routing, name).__doc__ or ""
    for section in ("Parameters\n    ----------", "Returns\n    -------"):
        assert section in doc, f"routing.{name}: no '{section.splitlines()[0]}' section"


def test_unknown_names_and_dir():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        routing.nope  # noqa: B018
    assert set(ENTRY_POINTS) <= set(dir(routing))
    assert routing.__version__


def test_importing_routing_loads_no_engine():
    """``routing --help`` stays fast: the engines load when a plan is made."""
    code = ("import sys, routing; print(any(m.split('.')[0] in ('ortools', 'pyvrp') "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_all_names_every_export():
    assert set(routing.__all__) == {*routing._EXPORTS, "__version__"}
