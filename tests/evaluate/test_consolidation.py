"""Carriers alone vs the alliance on a county small enough to work out by hand.

tests/data/duo: hub and both outlets at (111.20, 35.10); villages 0.1° due north and south, so
great-circle legs are R·Δφ: 0.1° = 11,119.5 m → 11,120 m (rounded up), 0.2° = 22,238.98 m →
22,239 m. One tour hub → V1 → V2 → hub is 44,479 m. Vans: 100 CNY/day + 1 CNY/km, no hourly
cost. Handling: hub 0.3, outlet 0.4, station 0.5 CNY per parcel; 20 parcels per carrier.
"""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.evaluate.consolidation import shapley
from routing.io import read_scenario
from routing.pipeline import compare_scenario

from ..conftest import HERE

DUO = HERE / "data" / "duo"
TOUR_KM = 44.479
ALONE = 100 + TOUR_KM + 20 * (0.4 + 0.5)  # 162.479 per carrier
ALLIANCE = 100 + TOUR_KM + 40 * (0.3 + 0.5)  # 176.479: one van carries both


@pytest.fixture(scope="module")
def duo_result():
    """The duo county compared: baseline, alliance, every other day, Shapley."""
    return compare_scenario(read_scenario(DUO))


def test_baseline_and_alliance_costs_match_hand_figures(duo_result):
    """Each carrier alone drives the full tour; the alliance drives it once for both."""
    base = duo_result["baseline"]
    assert base["a"].cost_day == pytest.approx(ALONE, abs=0.01)
    assert base["b"].cost_day == pytest.approx(ALONE, abs=0.01)
    alliance = duo_result["variants"][0]
    assert alliance.cost_day == pytest.approx(ALLIANCE, abs=0.01)
    assert 1 - alliance.cost_day / (2 * ALONE) == pytest.approx(1 - ALLIANCE / (2 * ALONE),
                                                                 abs=1e-4)  # 45.7 %


def test_every_plan_behind_the_table_passes_the_checker(duo_result):
    """Baseline and variants were all re-checked; recomputed costs equal the table's."""
    for o in [*duo_result["baseline"].values(), *duo_result["variants"]]:
        assert o.violations == (), o.name
        assert o.vehicle_cost_day * o.visit_every_days == pytest.approx(
            sum(r["cost"]["total"] for d in o.docs for r in d["routes"]), abs=0.01)


def test_on_time_shares_daily_and_every_other_day(duo_result):
    """Daily visits: everything same day. Every other day over a 7-day cycle with visits on
    days 0, 2, 4, 6: parcels arriving on days 1, 3, 5 wait a day, so 4/7 within 24 h."""
    alliance, other = duo_result["variants"]
    assert alliance.sla["within_24h"] == 1.0
    assert other.sla["within_24h"] == pytest.approx(4 / 7)
    assert other.sla["within_48h"] == 1.0
    assert other.cost_day == pytest.approx((100 + TOUR_KM) / 2 + 40 * 0.8, abs=0.01)
    assert {s["station_id"] for s in other.sla["stations_breaking_target"]} == {"V1", "V2"}


def test_shapley_of_symmetric_members_is_equal_and_sums_to_the_alliance(duo_result):
    """a and b are mirror images: equal Shapley shares adding up to the alliance's cost."""
    rows = duo_result["cost_shares"]["per_member"]
    a, b = rows["a"]["shapley"]["share"], rows["b"]["shapley"]["share"]
    assert a == pytest.approx(b, abs=1e-6)
    assert a + b == pytest.approx(ALLIANCE, abs=0.01)
    assert rows["a"]["shapley"]["saving"] == pytest.approx(ALONE - ALLIANCE / 2, abs=0.01)
    assert not rows["a"]["shapley"]["better_off_alone"]


def test_shapley_airport_game():
    """The airport game (cost of a coalition = its largest need 1, 2, 3): Shapley shares are
    1/3, 1/3 + 1/2 and 1/3 + 1/2 + 1, a textbook result."""
    need = {"x": 1.0, "y": 2.0, "z": 3.0}
    players = ("x", "y", "z")
    costs = {}
    for mask in range(1, 8):
        members = frozenset(p for k, p in enumerate(players) if mask >> k & 1)
        costs[members] = max(need[p] for p in members)
    phi = shapley(costs, players)
    assert phi == pytest.approx({"x": 1 / 3, "y": 5 / 6, "z": 11 / 6})
    assert sum(phi.values()) == pytest.approx(3.0)


def test_compare_cli_exit_code_follows_targets(tmp_path):
    """45.7 % saving meets a 20 % target (exit 0); a 50 % target is not met (exit 3)."""
    r = CliRunner().invoke(main, ["compare", str(DUO), "-o", str(tmp_path / "a"), "--quiet",
                                  "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "alliance" in r.output and "-45.7%" in r.output
    assert (tmp_path / "a" / "comparison.xlsx").is_file()
    for chart in ("cost.png", "on_time.png", "cost_shares.png"):
        assert (tmp_path / "a" / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    strict = tmp_path / "duo"
    import shutil

    shutil.copytree(DUO, strict)
    toml = (strict / "scenario.toml").read_text(encoding="utf-8")
    (strict / "scenario.toml").write_text(toml.replace("cost_reduction = 0.2",
                                                       "cost_reduction = 0.5"), encoding="utf-8")
    r = CliRunner().invoke(main, ["compare", str(strict), "-o", str(tmp_path / "b"), "--quiet",
                                  "--no-shapley"])
    assert r.exit_code == 3, r.output


def test_carrier_without_its_own_fleet_is_a_clear_error():
    """The baseline needs each carrier's own vehicles; a missing fleet is named."""
    sc = read_scenario(DUO)
    sc = dataclasses.replace(sc, vehicle_types=tuple(v for v in sc.vehicle_types
                                                     if v.owner != "b"))
    with pytest.raises(ValueError, match="carrier 'b' has parcels but no vehicle of its own"):
        compare_scenario(sc, shapley=False)


def _with_compare(tmp_path, extra: str, compare_keys: str = ""):
    """The duo county with variants appended and keys added to its [compare] table."""
    import shutil

    folder = tmp_path / "duo"
    shutil.copytree(DUO, folder)
    toml = (folder / "scenario.toml").read_text(encoding="utf-8")
    toml = toml.replace("shapley = true\n", "shapley = true\n" + compare_keys)
    (folder / "scenario.toml").write_text(toml + extra, encoding="utf-8")
    return read_scenario(folder)


def test_merged_station_and_fleet_mix_variants(tmp_path):
    """多站合一: V2's parcels handed over at V1, so one 22.240 km round trip; a leased van at
    50 CNY/day instead of 100 drives the full tour."""
    sc = _with_compare(tmp_path, '''
[[compare.variants]]
name = "merged"
merge = { V2 = "V1" }

[[compare.variants]]
name = "cheap_fleet"
vehicles = "vehicles_cheap.csv"
''')
    res = compare_scenario(sc, shapley=False)
    by = {v.name: v for v in res["variants"]}
    assert by["merged"].cost_day == pytest.approx(100 + 22.240 + 40 * 0.8, abs=0.01)
    assert by["cheap_fleet"].cost_day == pytest.approx(50 + TOUR_KM + 40 * 0.8, abs=0.01)
    assert all(v.violations == () for v in res["variants"])


def test_inbound_waves_delay_parcels_that_miss_the_vehicle(tmp_path):
    """Waves at 06:00 and 12:00, half each, visits every other day (days 0, 2, 4, 6): the
    06:00 half is on time 4 days in 7 as before; the 12:00 half misses that day's vehicle and
    is on time only when a visit day follows (arrivals on days 1, 3, 5): 3/7. Together 1/2."""
    sc = _with_compare(tmp_path, "", compare_keys='waves = ["06:00", "12:00"]\n'
                                                 'wave_shares = [0.5, 0.5]\n')
    res = compare_scenario(sc, shapley=False)
    other = next(v for v in res["variants"] if v.name == "every_other_day")
    assert other.sla["within_24h"] == pytest.approx(0.5)


def test_every_other_day_splits_into_sectors_when_one_day_cannot_carry_all(tmp_path):
    """A 50 kg van cannot take two days of both villages (80 kg) at once; serving the north
    village one day and the south the next fits: (100 + 22.240) per visit day, plus handling,
    and half the parcels arrive on a visit day (V1 days 0, 2, 4, 6; V2 days 1, 3, 5)."""
    sc = _with_compare(tmp_path, '''
[[compare.variants]]
name = "small_van_alternate"
visit_every_days = 2
vehicles = "vehicles_small.csv"
''')
    res = compare_scenario(sc, shapley=False)
    v = next(x for x in res["variants"] if x.name == "small_van_alternate")
    assert v.unserved_lines == 0 and v.violations == ()
    assert len(v.docs) == 2  # one plan per visit day
    assert v.cost_day == pytest.approx(100 + 22.240 + 40 * 0.8, abs=0.01)
    assert v.sla["within_24h"] == pytest.approx(0.5)
    assert v.sla["within_48h"] == 1.0


@pytest.mark.parametrize(("extra", "compare_keys", "message"), [
    # a typo in a variant key
    ('\n[[compare.variants]]\nname = "x"\nvisit_every_day = 2\n', "",
     "unknown key 'visit_every_day'; did you mean 'visit_every_days'?"),
    # a member that is not a carrier
    ('\n[[compare.variants]]\nname = "x"\ncarriers = ["a", "c"]\n', "",
     "'x': unknown carrier 'c'"),
    # a structure that does not exist
    ('\n[[compare.variants]]\nname = "x"\nstructure = "three_echelon"\n', "",
     "structure must be one of {direct, two_echelon}"),
    # a fleet file that is not there
    ('\n[[compare.variants]]\nname = "x"\nvehicles = "nope.csv"\n', "",
     "nope.csv: file not found"),
    # waves whose shares do not add up
    ("", 'waves = ["06:00", "12:00"]\nwave_shares = [0.5, 0.6]\n',
     "wave_shares must be positive and add up to 1"),
    # a frequency that is neither days nor "auto"
    ('\n[[compare.variants]]\nname = "x"\nvisit_every_days = "sometimes"\n', "",
     'visit_every_days must be a whole number of days in 1..7, or "auto"'),
    # auto frequencies without daily visits to fall back on
    ("", "auto_every_days = [2, 3]\n", "auto_every_days must list whole days in 1..7, "
     "including 1"),
    # a wave time that is not a time
    ("", 'waves = ["6 am"]\n', "[compare] waves: must be a time of day HH:MM"),
])
def test_bad_compare_settings_are_named(tmp_path, extra, compare_keys, message):
    """Every bad [compare] setting is a ScenarioError that says what is wrong and what is valid."""
    from routing.exceptions import ScenarioError

    with pytest.raises(ScenarioError) as err:
        _with_compare(tmp_path, extra, compare_keys=compare_keys)
    assert message in str(err.value)


def test_merge_into_unknown_station_is_a_clear_error(tmp_path):
    """多站合一 into a station that does not exist is refused with both ids named."""
    from routing.exceptions import ModelError

    sc = _with_compare(tmp_path, '\n[[compare.variants]]\nname = "m"\nmerge = { V2 = "V9" }\n')
    with pytest.raises(ModelError, match="merge 'V2' into 'V9'"):
        compare_scenario(sc, shapley=False)
