"""routing — shared delivery routes for a county's three-tier rural network.

The public API, for scripts and notebooks::

    import routing

    scenario = routing.read_scenario("scenarios/xia")
    plan, matrices = routing.plan_scenario(scenario, time_limit_s=30)
    routing.write_plan(plan, scenario, Path("out/plan.json"))
    doc = routing.read_plan(Path("out/plan.json"))
    assert routing.check_plan(doc, scenario, matrices) == []

Names are imported on first use (PEP 562), so ``routing --help`` does not load the engines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → (module, name in it).
_EXPORTS = {
    "read_scenario": ("routing.io.scenario", "read_scenario"),
    "plan_scenario": ("routing.pipeline.plan", "plan_scenario"),
    "check_plan": ("routing.evaluate.check", "check_plan"),
    "read_plan": ("routing.io.plan_json", "read_plan_json"),
    "write_plan": ("routing.io.plan_json", "write_plan_json"),
    "SolveOptions": ("routing.solve.options", "SolveOptions"),
    "Scenario": ("routing.model", "Scenario"),
    "Plan": ("routing.model.plan", "Plan"),
    "Violation": ("routing.evaluate.check", "Violation"),
}

__all__ = [
    "Plan",
    "Scenario",
    "SolveOptions",
    "Violation",
    "__version__",
    "check_plan",
    "plan_scenario",
    "read_plan",
    "read_scenario",
    "write_plan",
]

if TYPE_CHECKING:
    from .evaluate.check import Violation as Violation
    from .evaluate.check import check_plan as check_plan
    from .io.plan_json import read_plan_json as read_plan
    from .io.plan_json import write_plan_json as write_plan
    from .io.scenario import read_scenario as read_scenario
    from .model import Scenario as Scenario
    from .model.plan import Plan as Plan
    from .pipeline.plan import plan_scenario as plan_scenario
    from .solve.options import SolveOptions as SolveOptions


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'routing' has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
