"""Plans of the tiny test scenarios, made once per session, for the map and report tests."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import HERE, ROOT

DATA = HERE / "data"


def _plan(name: str, structure: str | None = None) -> tuple[dict[str, Any], Any]:
    from routing.io import read_scenario
    from routing.io.plan_json import plan_to_dict
    from routing.pipeline import plan_scenario

    scenario = read_scenario(DATA / name)
    plan, _ = plan_scenario(scenario, solution_limit=30, time_limit_s=10, structure=structure)
    return plan_to_dict(plan, scenario), scenario


@pytest.fixture(scope="session")
def tiny_plan():
    """(plan document, scenario): tiny county, direct, great-circle legs."""
    return _plan("tiny")


@pytest.fixture(scope="session")
def roads_plan():
    """(plan document, scenario): the tiny county on its road layer."""
    return _plan("tiny_roads")


@pytest.fixture(scope="session")
def county_plan():
    """(plan document, scenario): county_all in two echelons: trunk trips, feeders from the
    township stations, one unserved station."""
    return _plan("county_all", "two_echelon")


@pytest.fixture(scope="session")
def duo_compare():
    """(compare_scenario result, scenario) of the duo scenario: two carriers alone vs the
    alliance."""
    from routing.io import read_scenario
    from routing.pipeline import compare_scenario

    scenario = read_scenario(DATA / "duo")
    return compare_scenario(scenario, time_limit_s=2, solution_limit=30, shapley=False), scenario


def county_first_plan(name: str) -> tuple[dict[str, Any], Any]:
    """(plan document, scenario) of a bundled county (scenarios/NAME): its first plan, which
    is deterministic and quick."""
    from routing.io import read_scenario
    from routing.io.plan_json import plan_to_dict
    from routing.network.matrix import travel_matrices
    from routing.pipeline import plan_scenario

    sc = read_scenario(ROOT / "scenarios" / name)
    plan, _ = plan_scenario(sc, travel_matrices(sc), solution_limit=1, time_limit_s=60)
    return plan_to_dict(plan, sc), sc


@pytest.fixture(scope="session")
def xia_plan():
    """(plan document, scenario): the default county Xia's first plan."""
    return county_first_plan("xia")
