"""The workspace's helpers: scenario.toml keys set in place, a reader's problems one by one."""

from __future__ import annotations

import tomllib

import pytest


def test_scenario_keys_are_set_in_place_or_added():
    from routing.web.workspace import set_scenario_keys

    toml = '# c\n[scenario]\nname = "tiny"  # old\ndate = 2026-11-24\n\n[solve]\nname = "x"\n'
    out = tomllib.loads(set_scenario_keys(toml, name='a "b"', date="2026-12-01"))
    assert out["scenario"] == {"name": 'a "b"', "date": "2026-12-01"}
    assert out["solve"] == {"name": "x"}
    assert tomllib.loads(set_scenario_keys("[solve]\nseed = 1\n", name="n")) == {
        "scenario": {"name": "n"}, "solve": {"seed": 1}}


def test_a_readers_problems_one_by_one():
    from routing.exceptions import ScenarioError
    from routing.web.workspace import row_problems

    exc = ScenarioError(["m.csv row 3, field 'parcels': must be 0..10000; got -3",
                         "m.csv row 4, field 'station': unknown station 'V9'",
                         "m.csv row 5: has more cells than the header has columns; got ['x']",
                         "m.csv: unknown column 'foo'; did you mean 'id'?"])
    got = [(p.file, p.row, p.field, p.value) for p in row_problems(exc)]
    assert got == [("m.csv", 3, "parcels", "-3"), ("m.csv", 4, "station", "V9"),
                   ("m.csv", 5, None, "['x']"), ("m.csv", None, "foo", None)]


@pytest.mark.parametrize("text, name", [("tiny", "tiny"), ("../etc", "etc"), ("", "scenario"),
                                        ("东镇 day 1", "东镇-day-1"), (".hidden", "hidden")])
def test_safe_names(text, name):
    from routing.web.workspace import safe_name

    assert safe_name(text) == name
