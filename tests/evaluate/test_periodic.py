"""Periodic planning: a frequency per village, chosen to keep the targets at least cost.

tests/data/periodic: hub and carrier a's outlet at (111.20, 35.10); V1 0.1° due north sends
5 fresh parcels a day (fresh within 24 h), V2 0.1° due south 10 dry ones (within 72 h). Legs:
hub–V1 = hub–V2 = 11.120 km, V1–V2 = 22.239 km; the tour of both is 44.479 km. Reefer vans:
100 CNY/day + 1 CNY/km; every vehicle leaves at 06:00, when the parcels are ready.

Daily: one tour a day, 144.479, plus handling 15 × (0.3 + 0.5) = 12 → 156.479 CNY/day.
Auto: V1 has 24 − 0.19 h of slack (fresh), too little to skip a day; V2 has 72 − 0.56 h, so
it is visited every other day. V2 alone is the every-other-day sector, cut at half its own
volume into the second day: day 1 hub–V1–hub 122.239, day 2 the full tour 144.479; the
average 133.359 plus handling 12 → 145.359 CNY/day, −8 % against a alone (157.979).
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from routing.evaluate.periodic import (
    MAX_PERIOD,
    Schedule,
    choose_every,
    day_scenarios,
    more_often,
    sector_schedule,
)
from routing.evaluate.sla import schedule_timings
from routing.exceptions import ModelError
from routing.io import read_scenario
from routing.pipeline import compare_scenario
from routing.report.comparison import comparison_rows

from ..conftest import HERE

PERIODIC = HERE / "data" / "periodic"
DAILY = 100 + 44.479 + 15 * 0.8
AUTO = (100 + 22.239 + 100 + 44.479) / 2 + 15 * 0.8
ALONE = 100 + 44.479 + 15 * 0.9


@pytest.fixture(scope="module")
def result():
    return compare_scenario(read_scenario(PERIODIC))


def _variant(res, name):
    return next(v for v in res["variants"] if v.name == name)


def test_auto_visits_the_dry_village_every_other_day(result):
    auto = _variant(result, "auto")
    assert dict(auto.schedule.every) == {"V1": 1, "V2": 2}
    assert auto.cost_day == pytest.approx(AUTO, abs=0.01)
    assert _variant(result, "daily").cost_day == pytest.approx(DAILY, abs=0.01)
    assert result["baseline"]["a"].cost_day == pytest.approx(ALONE, abs=0.01)
    assert len(auto.docs) == 2  # one plan per day of the two-day cycle


def test_auto_keeps_the_targets_and_says_so(result):
    """V2 is on time the same day when a parcel arrives on a visit day (3 days in 7 with
    visits on days 1, 3, 5), else the next: 65 of 105 parcel-days within 24 h, all within
    48 h; fresh V1 goods always the same day. Daily misses −5 %, auto meets it."""
    auto = _variant(result, "auto")
    assert auto.sla["within_24h"] == pytest.approx(65 / 105)
    assert auto.sla["within_48h"] == 1.0
    assert auto.sla["fresh_within"] == 1.0
    assert auto.sla["target_met"]
    rows = {r["variant"]: r for r in comparison_rows(result)}
    assert rows["auto"]["target_met"] and not rows["daily"]["target_met"]
    assert rows["auto"]["visits"] == "1d×1 2d×1"


def test_every_periodic_plan_passes_the_checker_and_costs_add_up(result):
    for o in [*result["baseline"].values(), *result["variants"]]:
        assert o.violations == () and o.unserved_lines == 0, o.name
        period = o.schedule.period
        assert o.vehicle_cost_day * period == pytest.approx(
            sum(d["totals"]["cost"] for d in o.docs), abs=0.01)


def test_a_village_fixed_at_every_other_day_is_planned_so():
    """The stations table's visit_every_days overrides a daily variant: the same schedule
    as the planner's choice, at the same cost."""
    sc = read_scenario(PERIODIC)
    stations = tuple(dataclasses.replace(s, visit_every_days=2) if s.id == "V2" else s
                     for s in sc.stations)
    res = compare_scenario(dataclasses.replace(sc, stations=stations))
    daily = _variant(res, "daily")
    assert dict(daily.schedule.every) == {"V1": 1, "V2": 2}
    assert daily.cost_day == pytest.approx(AUTO, abs=0.01)


def test_a_24_hour_target_keeps_every_village_daily():
    """With everything due within 24 h no village has a day to spare: auto plans daily."""
    sc = read_scenario(PERIODIC)
    sc = dataclasses.replace(sc, targets=dataclasses.replace(sc.targets, on_time_h=24))
    auto = _variant(compare_scenario(sc), "auto")
    assert set(auto.schedule.every.values()) == {1}
    assert auto.cost_day == pytest.approx(DAILY, abs=0.01)


def _doc(start_min: float, service_min: float, end_min: float, lines: list[str]) -> dict:
    return {"routes": [{"start_min": start_min, "end_min": end_min,
                        "stops": [{"start_min": service_min, "lines": lines}]}]}


def test_schedule_timings_take_the_first_visit_after_the_parcel_is_ready():
    """A daily village in a two-day schedule: the day-1 van leaves 07:00 (service 08:00), the
    day-2 van leaves 11:00 (service 12:00). Parcels ready at 10:00 on day 1 miss that van and
    go on day 2's at 12:00 (26 h); on day 2 they catch it (2 h)."""
    sc = read_scenario(PERIODIC)
    sc = dataclasses.replace(sc, demand=tuple(
        dataclasses.replace(ln, ready_s=10 * 3600) for ln in sc.demand if ln.id == "D2"))
    days = [_doc(7 * 60, 8 * 60, 9 * 60, ["D2"]), _doc(11 * 60, 12 * 60, 13 * 60, ["D2"])]
    (t,) = schedule_timings(days, sc, cycle_days=4)
    assert t.hours == pytest.approx((26.0, 2.0, 26.0, 2.0))
    (t,) = schedule_timings([days[0], None], sc, cycle_days=2)  # every other day: 46 h, 22 h
    assert t.hours == pytest.approx((46.0, 22.0))


def test_choosing_and_lowering_frequencies():
    slack = {"fresh": 23.8, "dry": 71.4, "far": 40.0, "late": -math.inf, "pinned": 71.0}
    every = choose_every(slack, (1, 2, 3), fixed={"pinned": 1})
    assert every == {"fresh": 1, "dry": 3, "far": 2, "late": 1, "pinned": 1}
    assert more_often(every, ["dry", "far", "pinned"], (1, 2, 3), fixed={"pinned": 1}) == {
        "fresh": 1, "dry": 2, "far": 1, "late": 1, "pinned": 1}


def test_sector_schedule_balances_parcels_and_day_scenarios_carry_k_days():
    sc = read_scenario(PERIODIC)
    schedule = sector_schedule(sc, {"V1": 2, "V2": 2})
    assert sorted(schedule.offset.values()) == [0, 1]  # one village a day
    days = day_scenarios(sc, schedule)
    assert [sum(ln.parcels for ln in d.demand) for d in days] in ([10, 20], [20, 10])
    assert schedule.period == 2 and schedule.serves("V1", schedule.offset["V1"] + 2)


def test_a_cycle_too_long_to_plan_is_refused():
    sc = read_scenario(PERIODIC)
    every = {"V1": 5, "V2": 7}
    with pytest.raises(ModelError, match=f"repeat only every 35 days.*at most {MAX_PERIOD}"):
        day_scenarios(sc, Schedule(every=every, offset={"V1": 0, "V2": 0}))

