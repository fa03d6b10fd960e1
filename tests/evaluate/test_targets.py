"""Target verdicts: a variant's own targets, the structural targets (trunk routes, village
coverage), and the trunk-route limit as a planning rule."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.evaluate.targets import trunk_routes_verdict, village_coverage_verdict
from routing.exceptions import ScenarioError
from routing.io.plan_json import plan_to_dict
from routing.model import Targets
from routing.pipeline import check_scenario_plan, compare_scenario, plan_scenario
from routing.report.comparison import comparison_rows, comparison_table, variant_verdicts

from ..solve.test_two_echelon import with_feeders
from .test_consolidation import _with_compare

OWN_48H = '\n[[compare.variants]]\nname = "eod_48h"\nvisit_every_days = 2\n' \
          'targets = { on_time_h = 48 }\n'


def test_variant_with_its_own_target_is_judged_by_it(tmp_path):
    """Every other day, 4/7 of the parcels arrive within 24 h: the scenario's 24 h target is
    missed; the same plan judged against the variant's own 48 h (every parcel) is met."""
    sc = _with_compare(tmp_path, OWN_48H)
    res = compare_scenario(sc, shapley=False)
    rows = {r["variant"]: r for r in comparison_rows(res)}
    assert rows["every_other_day"]["target_met"] is False
    assert rows["eod_48h"]["target_met"] is True
    assert (rows["eod_48h"]["on_time_h"], rows["every_other_day"]["on_time_h"]) == (48, 24)
    verdicts = {v.key: v for v in variant_verdicts(res)["eod_48h"]}
    assert verdicts["on_time"].met and verdicts["on_time"].target == "parcels within 48 h"
    table = comparison_table(res)
    assert "eod_48h: own targets: parcels within 48 h" in table
    assert "≤ 24 h: 57.1% NOT MET" in table  # every_other_day against the scenario's 24 h


def test_variant_targets_reach_comparison_json(tmp_path):
    """comparison.json names each variant's targets and verdicts; the exit code follows the
    main variant (the alliance, daily: met)."""
    folder = tmp_path / "duo"
    _with_compare(tmp_path, OWN_48H)
    r = CliRunner().invoke(main, ["compare", str(folder), "-o", str(tmp_path / "out"),
                                  "--quiet", "--no-shapley"])
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "out" / "comparison.json").read_text(encoding="utf-8"))
    assert doc["variant_targets"]["eod_48h"]["on_time_h"] == 48
    assert doc["variant_targets"]["every_other_day"]["on_time_h"] == 24
    met = {v["key"]: v["met"] for v in doc["verdicts"]["eod_48h"]}
    assert met == {"on_time": True, "fresh": True, "cost_reduction": True}
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "本方案目标" in html


@pytest.mark.parametrize("targets, message", [
    # a typo in a key: named, with the valid keys
    ("{ on_tme_h = 48 }", "[[compare.variants]] #3 'x': targets: unknown key 'on_tme_h' in "
                          "[targets]; did you mean 'on_time_h'?"),
    # a value of the wrong type
    ('{ on_time_h = "48" }', "targets: [targets] on_time_h must be a number"),
    # a value out of range
    ("{ cost_reduction = 1.5 }", "targets: cost_reduction must be a fraction in 0..1"),
    # not a table
    ("48", "targets must be a table of [targets] keys"),
])
def test_bad_variant_targets_are_named(tmp_path, targets, message):
    """A variant's bad targets are a ScenarioError naming scenario.toml, the variant and key."""
    with pytest.raises(ScenarioError) as err:
        _with_compare(tmp_path, f'\n[[compare.variants]]\nname = "x"\ntargets = {targets}\n')
    assert "scenario.toml" in str(err.value) and message in str(err.value)


def test_coverage_target_needs_the_county_village_count(tmp_path):
    """A village-coverage target without [scenario] county_villages is refused, as is a count
    below the village points in the stations table."""
    with pytest.raises(ScenarioError, match="min_village_coverage needs \\[scenario\\] "
                                            "county_villages"):
        _with_compare(tmp_path / "a", '\n[[compare.variants]]\nname = "x"\n'
                                      'targets = { min_village_coverage = 0.5 }\n')
    folder = tmp_path / "b"
    _with_compare(folder, "")
    toml = (folder / "duo" / "scenario.toml").read_text(encoding="utf-8")
    (folder / "duo" / "scenario.toml").write_text(
        toml.replace('name = "duo"', 'name = "duo"\ncounty_villages = 1'), encoding="utf-8")
    from routing.io import read_scenario

    with pytest.raises(ScenarioError, match="county_villages must be >= the 2 village points"):
        read_scenario(folder / "duo")


def test_village_coverage_counts_points_over_county_villages(tiny):
    """5 village points of 8 villages: 62.5 %, enough for 60 %, not for 2/3; a village merged
    into another point no longer has its own."""
    sc = dataclasses.replace(tiny, county_villages=8)
    assert village_coverage_verdict(sc, 0.6).met is True
    v = village_coverage_verdict(sc, 2 / 3)
    assert v.met is False and v.value == "62.5% (5 of 8)" and "6 needed" in v.reason
    assert village_coverage_verdict(sc, 0.6, merge=(("V1", "V2"),)).met is False


def _limited(tiny, limit):
    """The tiny county in two echelons under a trunk-route limit, planned and as plan.json."""
    sc = with_feeders(tiny)
    sc = dataclasses.replace(sc, targets=dataclasses.replace(sc.targets, max_trunk_routes=limit))
    plan, m = plan_scenario(sc, solution_limit=50, time_limit_s=10, structure="two_echelon")
    return sc, plan, m, plan_to_dict(plan, sc)


def test_trunk_route_limit_is_planned_and_verdicted(tiny):
    """max_trunk_routes = 2: the townships' ambient parcels ride two vans, one route each, the
    reefer takes the fresh goods apart; everything served, checked clean, verdict met."""
    sc, plan, m, doc = _limited(tiny, 2)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []
    assert plan.meta.trunk_limit == {"max_trunk_routes": 2, "trunk_fleet": {"van": 2}}
    v = trunk_routes_verdict([doc], sc, 2)
    assert v.met is True and v.value == "2 routes, 2/2 townships"
    # the same plan's trunk routes twice: over the limit, by how much
    two = dict(doc, routes=[*doc["routes"], *[r for r in doc["routes"]
                                              if r.get("echelon") == "trunk"]])
    assert "4 trunk routes, 2 over the limit" in trunk_routes_verdict([two], sc, 2).reason
    # a direct plan has no trunk echelon: not applicable
    direct, _ = plan_scenario(sc, m, solution_limit=5, time_limit_s=10, structure="direct")
    assert trunk_routes_verdict([plan_to_dict(direct, sc)], sc, 2).met is None


def test_trunk_route_limit_too_tight_says_why(tiny):
    """One van (300 kg, 120 parcels) cannot carry both townships' parcels: the plan keeps the
    limit (one trunk route), leaves one township's own parcels unserved with the reason, still
    checks clean, and the verdict names the township no trunk calls at and why."""
    sc, plan, m, doc = _limited(tiny, 1)
    assert check_scenario_plan(plan, sc, m) == []
    (town,) = {"T1", "T2"} & {u.station_id for u in plan.unserved}  # one of the two
    assert all(u.reason for u in plan.unserved)
    v = trunk_routes_verdict([doc], sc, 1)
    assert v.met is False and v.value.startswith("1 routes, 1/2")
    assert "no trunk route calls at" in v.reason and town in v.reason
    assert "no vehicle left" in v.reason


def test_targets_reject_a_zero_route_limit():
    """max_trunk_routes must be >= 1 and a coverage share in (0, 1]."""
    from routing.exceptions import FieldError

    with pytest.raises(FieldError, match="max_trunk_routes must be a whole number"):
        Targets(max_trunk_routes=0)
    with pytest.raises(FieldError, match="min_village_coverage must be a fraction"):
        Targets(min_village_coverage=1.5)


def test_alliance_size_target_is_judged_per_option(tmp_path):
    """The duo county pools two carriers: an alliance of at least 3 is NOT MET and names
    them; the carriers alone are not an alliance (n/a)."""
    sc = _with_compare(tmp_path, '\n[[compare.variants]]\nname = "three_or_more"\n'
                       'targets = { min_alliance_carriers = 3 }\n')
    res = compare_scenario(sc, shapley=False)
    verdicts = {v.key: v for v in variant_verdicts(res)["three_or_more"]}
    v = verdicts["alliance_carriers"]
    assert v.met is False and v.value == "2 carriers"
    assert v.reason.startswith("only ") and all(c.id in v.reason for c in sc.carriers)
    assert "alliance_carriers" not in {v.key for v in variant_verdicts(res)["alliance"]}
    from routing.evaluate.targets import alliance_verdict

    assert alliance_verdict(None, 3).met is None
    assert alliance_verdict(["a", "b", "c"], 3).met is True


def test_alliance_size_must_be_two_or_more():
    from routing.exceptions import FieldError

    with pytest.raises(FieldError, match="min_alliance_carriers must be a whole number"):
        Targets(min_alliance_carriers=1)
