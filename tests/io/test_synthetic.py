"""Generated counties (routing.io.synthetic): what the scaling benchmark plans must be a real,
readable scenario with the hard parts of a county, and the same for the same seed."""

from __future__ import annotations

import dataclasses

import pytest

from routing.io import read_scenario
from routing.io.synthetic import ONE_AXIS, CountySpec, stress_specs, write_county, write_spec
from routing.model import Direction, Tier
from routing.pipeline import check_scenario_plan, plan_scenario


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return write_county(tmp_path_factory.mktemp("gen") / "c40", 40, seed=3)


def test_generated_county_reads_back_with_every_hard_part(county):
    """40 village points, their townships, pickups, fresh both ways, windows, mixed fleet."""
    sc = read_scenario(county)
    tiers = [s.tier for s in sc.stations]
    assert tiers.count(Tier.VILLAGE) == 40 and tiers.count(Tier.HUB) == 1
    assert tiers.count(Tier.TOWNSHIP) >= 4
    villages = [s for s in sc.stations if s.tier == Tier.VILLAGE]
    assert all(s.township_id for s in villages)
    assert any(s.close_s - s.open_s <= 4 * 3600 for s in villages), "half-day windows"
    ups = [ln for ln in sc.demand if ln.direction == Direction.UP]
    assert ups and any(ln.fresh for ln in ups)
    assert any(ln.fresh and ln.direction == Direction.DOWN for ln in sc.demand)
    shared = [vt for vt in sc.vehicle_types if vt.owner == "alliance"]
    assert len({vt.speed_kph for vt in shared}) == 2
    assert any(vt.refrigerated for vt in shared)
    assert len(sc.carriers) == 5


def test_same_seed_same_county_other_seed_other_county(county, tmp_path):
    """Deterministic per (villages, seed): the benchmark's counties can be regenerated."""
    again = write_county(tmp_path / "again", 40, seed=3)
    other = write_county(tmp_path / "other", 40, seed=4)
    for name in ("stations.csv", "demand.csv", "vehicles.csv"):
        assert (county / name).read_bytes() == (again / name).read_bytes()
    assert (county / "demand.csv").read_bytes() != (other / "demand.csv").read_bytes()


def test_generated_county_plans_completely_and_passes_the_checker(county):
    """The fleet is sized so every station is served; the plan passes the checker."""
    sc = read_scenario(county)
    plan, m = plan_scenario(sc, engine="pyvrp", solution_limit=300, time_limit_s=60)
    assert plan.unserved == ()
    assert check_scenario_plan(plan, sc, m) == []


def test_no_villages_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="villages must be >= 1"):
        write_county(tmp_path / "x", 0)


# --- the stress axes (CountySpec, write_spec, stress_specs) -------------------------------

def _spec_county(root, **axes):
    spec = CountySpec(villages=60, seed=2, **axes)
    return read_scenario(write_spec(root / spec.label, spec))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The 60-village county every axis below departs from, and where its files are."""
    root = tmp_path_factory.mktemp("axes")
    return root, _spec_county(root)


def _ups(sc, fresh=None):
    return [ln for ln in sc.demand if ln.direction == Direction.UP
            and (fresh is None or ln.fresh == fresh)]


def _shared(sc):
    return {vt.id: vt for vt in sc.vehicle_types if vt.owner == "alliance"}


def test_write_county_is_write_spec_of_the_default_spec(county, tmp_path):
    """write_county keeps its output; it is the default CountySpec under its old name."""
    spec = write_spec(tmp_path / "spec", CountySpec(villages=40, seed=3))
    for name in ("stations.csv", "demand.csv", "vehicles.csv", "carriers.csv"):
        assert (county / name).read_bytes() == (spec / name).read_bytes()
    assert 'name = "generated40"' in (county / "scenario.toml").read_text(encoding="utf-8")
    assert 'name = "v40-s3"' in (spec / "scenario.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("axis", "low", "high", "count"), [
    ("pickup_share", 0.0, 0.7, lambda sc: len(_ups(sc))),
    ("fresh_up_share", 0.0, 0.6, lambda sc: len(_ups(sc, fresh=True))),
    ("fresh_down_share", 0.0, 0.3,
     lambda sc: sum(ln.fresh and ln.direction == Direction.DOWN for ln in sc.demand)),
    ("window_share", 0.0, 0.6,
     lambda sc: sum(s.tier == Tier.VILLAGE and s.close_s - s.open_s <= 5 * 3600
                    for s in sc.stations)),
])
def test_each_share_moves_its_own_count(base, axis, low, high, count):
    """None at share 0, more than the base county above it; the other shares stay."""
    root, sc0 = base
    lo, hi = _spec_county(root, **{axis: low}), _spec_county(root, **{axis: high})
    assert count(lo) == 0 < count(sc0) < count(hi)
    assert [s.id for s in lo.stations] == [s.id for s in sc0.stations]


def test_fleet_factor_shrinks_the_fleet_from_ample_to_a_third_too_small(base):
    root, sc0 = base
    counts = [sum(vt.count for vt in _shared(sc).values())
              for sc in (sc0, _spec_county(root, fleet_factor=1.0),
                         _spec_county(root, fleet_factor=0.67))]
    assert counts[0] > counts[1] > counts[2]
    assert _spec_county(root, fleet_factor=0.67).demand == sc0.demand


def test_multi_trip_gives_the_vans_two_trips(base):
    root, sc0 = base
    sc = _spec_county(root, multi_trip=True)
    assert {vt.id: vt.max_trips for vt in sc.vehicle_types if "VAN" in vt.id} \
        == {vt.id: 2 for vt in sc0.vehicle_types if "VAN" in vt.id}
    assert all(vt.max_trips == 1 for vt in sc0.vehicle_types)
    assert _shared(sc)["BOX42"].max_trips == 1


def test_without_cold_boxes_only_reefers_carry_fresh(base):
    root, sc0 = base
    sc = _spec_county(root, cold_boxes=False)
    assert _shared(sc0)["VAN"].cold_capacity_kg == 100
    assert [vt.id for vt in sc.vehicle_types if vt.fresh_capacity_kg > 0] == ["REEFER"]


def test_two_echelon_has_feeders_at_every_township_with_villages(base):
    from routing.pipeline.echelons import feeder_types, trunk_types

    root, sc0 = base
    sc = _spec_county(root, structure="two_echelon")
    assert sc.solve.structure == "two_echelon" and sc0.solve.structure == "direct"
    towns = {s.township_id for s in sc.stations if s.tier == Tier.VILLAGE}
    feeders = feeder_types(sc)
    assert set(feeders) == towns
    assert all(vt.echelon == "feeder" and vt.max_trips == 2 and vt.count >= 1
               for types in feeders.values() for vt in types)
    assert {vt.id for vt in trunk_types(sc)} == {"BOX42", "VAN", "REEFER"}
    assert not feeder_types(sc0)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_other_crs_is_written_shifted_and_reads_back_to_the_same_positions(base, crs):
    """The file holds the shifted coordinates (hundreds of metres off); read back, within 1 m."""
    root, sc0 = base
    sc = _spec_county(root, crs=crs)
    text = (root / f"v60-s2-{crs}" / "stations.csv").read_text(encoding="utf-8")
    assert f'crs = "{crs}"' in (root / f"v60-s2-{crs}" / "scenario.toml").read_text("utf-8")
    hub = text.splitlines()[1].split(",")
    assert abs(float(hub[3]) - 112.0) * 91_000 > 100  # the hub, WGS84 112.0 E, moved
    for a, b in zip(sc.stations, sc0.stations, strict=True):
        assert a.id == b.id
        assert abs(a.lat - b.lat) * 111_200 < 1 and abs(a.lon - b.lon) * 91_100 < 1


def test_gbk_csv_is_gbk_with_chinese_headers(base):
    root, _ = base
    _spec_county(root, fmt="gbk")
    folder = root / "v60-s2-gbk"
    raw = (folder / "stations.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").splitlines()[0].split(",") == [
        "编号", "名称", "层级", "经度", "纬度", "所属乡镇", "开门", "关门", "坐标为估算"]
    demand = (folder / "demand.csv").read_bytes().decode("gbk").splitlines()
    assert demand[0].split(",")[1:8] == ["站点", "快递公司", "方向", "件数", "重量", "体积", "生鲜"]
    assert demand[1].endswith(",否,06:00")


def test_xlsx_is_one_workbook_with_a_sheet_per_table(base):
    import openpyxl

    root, _ = base
    _spec_county(root, fmt="xlsx")
    folder = root / "v60-s2-xlsx"
    assert not list(folder.glob("*.csv"))
    book = openpyxl.load_workbook(folder / "county.xlsx")
    assert book.sheetnames == ["站点", "快递公司", "车辆", "运单"]
    first = [c.value for c in next(book["运单"].iter_rows(min_row=2, max_row=2))]
    assert isinstance(first[4], int) and isinstance(first[5], float)  # typed cells
    assert first[7] is False and first[8].hour == 6


@pytest.mark.parametrize("fmt", ["csv", "gbk", "xlsx"])
@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_every_format_and_crs_reads_back_the_same_scenario(base, fmt, crs):
    """Same demand lines, vehicles and carriers; same stations, positions within 1 m."""
    root, sc0 = base
    sc = _spec_county(root, fmt=fmt, crs=crs, structure="two_echelon")
    two = _spec_county(root, structure="two_echelon")
    assert sc.demand == sc0.demand == two.demand
    assert sc.vehicle_types == two.vehicle_types and sc.carriers == sc0.carriers
    for a, b in zip(sc.stations, sc0.stations, strict=True):
        assert dataclasses.replace(a, lon=112.0, lat=35.0) == \
            dataclasses.replace(b, lon=112.0, lat=35.0)
        assert abs(a.lat - b.lat) * 111_200 < 1 and abs(a.lon - b.lon) * 91_100 < 1


def test_stress_specs_one_axis_at_a_time_then_combined():
    specs = stress_specs(40)
    assert specs == stress_specs(40) and stress_specs(12) == specs[:12]
    assert len(specs) == 40 and len({s.label for s in specs}) == 40
    assert specs[0] == CountySpec(villages=60)
    assert [s.villages for s in specs[:4]] == [60, 150, 400, 1000]
    default = CountySpec(villages=60)

    def axes(s):
        return {f.name for f in dataclasses.fields(s)
                if f.name not in ("villages", "seed")
                and getattr(s, f.name) != getattr(default, f.name)}

    single = [axes(s) for s in specs[4:4 + len(ONE_AXIS)]]
    assert all(len(a) == 1 for a in single)
    assert set().union(*single) == {"pickup_share", "fresh_down_share", "fresh_up_share",
                                    "window_share", "fleet_factor", "multi_trip",
                                    "cold_boxes", "structure", "crs", "fmt"}
    combined = specs[4 + len(ONE_AXIS):]
    assert combined and all(len(axes(s)) >= 2 for s in combined)
    assert {s.villages for s in combined} == {60, 150, 400, 1000}
    assert [s.villages for s in stress_specs(6, sizes=(50,))] == [50] * 6


@pytest.mark.parametrize(("axes", "message"), [
    ({"villages": 0}, "villages must be >= 1"),
    ({"pickup_share": 1.5}, "pickup_share must be between 0 and 1"),
    ({"fleet_factor": 0}, "fleet_factor must be > 0"),
    ({"structure": "both"}, "structure must be one of"),
    ({"crs": "epsg3857"}, "crs must be one of"),
    ({"fmt": "xls"}, "fmt must be one of"),
])
def test_bad_spec_is_an_error(axes, message):
    with pytest.raises(ValueError, match=message):
        CountySpec(**{"villages": 10, **axes})
