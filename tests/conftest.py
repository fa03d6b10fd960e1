"""Shared fixtures: tiny named instances, solved once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TINY = HERE / "data" / "tiny"
ROOT = HERE.parent


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep matrix caches of test runs out of the user's ~/.cache."""
    os.environ["ROUTING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def tiny():
    """tiny_county: 1 hub, 2 townships, 5 villages, 2 carriers, 2 vans and 1 reefer;
    pickups at 3 villages, fresh goods both ways, narrow windows at V1 and V2."""
    from routing.io import read_scenario

    return read_scenario(TINY)


@pytest.fixture(scope="session")
def tiny_solved(tiny):
    """The tiny county planned with a solution limit (deterministic), as plan + matrices."""
    from routing.pipeline import plan_scenario

    return plan_scenario(tiny, solution_limit=50, time_limit_s=10)


@pytest.fixture
def tiny_doc(tiny_solved, tiny):
    """A fresh plan.json document of the tiny plan, safe to mutate in a test."""
    from routing.report.plan_json import plan_to_dict

    return plan_to_dict(tiny_solved[0], tiny)
