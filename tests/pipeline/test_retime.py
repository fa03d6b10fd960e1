"""Re-timing an edited plan: the dispatcher's order kept, every figure recomputed, only the
rules the edit breaks reported (hard ones first), from plan.json, routes.csv and routes.xlsx."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from routing.cli import main
from routing.exceptions import DataError
from routing.io.edited import read_edited
from routing.pipeline import retime_plan
from routing.report.tables import write_routes_csv

from ..conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny"


def _write(tmp_path, doc, name="edited.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _stops(plan):
    return {r.vehicle_id: [s.station_id for s in r.stops] for r in plan.routes}


def test_an_unedited_plan_retimes_to_itself(tmp_path, tiny, tiny_solved, tiny_doc):
    """Nothing moved: the same routes, the same cost, no violation."""
    plan, m = tiny_solved
    result = retime_plan(tiny, m, read_edited(_write(tmp_path, tiny_doc), tiny))
    assert result.violations == []
    assert _stops(result.plan) == _stops(plan)
    assert result.plan.cost == pytest.approx(plan.cost, abs=0.01)
    assert result.plan.unserved == ()


def test_a_stop_moved_in_plan_json_gives_only_the_real_violation(tmp_path, tiny, tiny_solved,
                                                                  tiny_doc):
    """V5's fresh and dry lines moved from the reefer onto the van with stale times, loads and
    totals left as they were: the re-timed plan has the stop on the van, recomputed figures
    raise nothing, and what remains names the van and the cold chain."""
    van, reefer = (next(r for r in tiny_doc["routes"] if r["vehicle_id"] == v)
                   for v in ("van-1", "reefer-1"))
    moved = [s for s in reefer["stops"] if s["station_id"] == "V5"]
    reefer["stops"] = [s for s in reefer["stops"] if s["station_id"] != "V5"]
    van["stops"][1:1] = moved
    result = retime_plan(tiny, tiny_solved[1], read_edited(_write(tmp_path, tiny_doc), tiny))
    assert _stops(result.plan)["van-1"][1] == "V5"
    kinds = {v.kind for v in result.violations}
    assert not any(k.endswith("_mismatch") for k in kinds)
    assert not {"travel_too_fast", "load_mismatch", "amount_mismatch"} & kinds
    fresh = {ln.id for ln in tiny.demand if ln.fresh and ln.station_id == "V5"}
    if fresh:  # V5 has a fresh line in the tiny county: the van is not cold... or has a box
        assert all("van-1" in v.where for v in result.violations)


def test_hard_violations_come_first_and_unserved_lines_are_listed(tmp_path, tiny, tiny_solved,
                                                                   tiny_doc):
    """A stop taken off every route is a violation of its own, with its reason; an overload
    comes before it; soft kinds after both."""
    from routing.evaluate.check import HARD_KINDS

    van = next(r for r in tiny_doc["routes"] if r["vehicle_id"] == "van-1")
    reefer = next(r for r in tiny_doc["routes"] if r["vehicle_id"] == "reefer-1")
    gone = van["stops"].pop(0)  # V2 off the plan
    van["stops"] += [s for s in reefer["stops"] if s["station_id"] != "T2"]  # overload the van
    reefer["stops"] = [s for s in reefer["stops"] if s["station_id"] == "T2"]
    result = retime_plan(tiny, tiny_solved[1], read_edited(_write(tmp_path, tiny_doc), tiny))
    kinds = [v.kind for v in result.violations]
    assert "over_capacity" in kinds and "unserved" in kinds
    rank = [HARD_KINDS.index(k) if k in HARD_KINDS else len(HARD_KINDS) for k in kinds]
    assert rank == sorted(rank)
    left = next(v for v in result.violations if v.kind == "unserved")
    assert gone["station_id"] in left.where and ":" in left.message
    assert result.plan.unserved[0].code  # explained like any plan's unserved station


def test_routes_csv_with_a_row_given_to_another_vehicle(tmp_path, tiny, tiny_solved, tiny_doc):
    """The dispatcher changes one row's vehicle_id in routes.csv: the stop is on that vehicle
    after re-timing (at the end of its trip), and gone from the other."""
    path = tmp_path / "routes.csv"
    write_routes_csv(tiny_doc, tiny, path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    row = next(r for r in rows if r["station_id"] == "V3")
    row["vehicle_id"] = "van-1"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = retime_plan(tiny, tiny_solved[1], read_edited(path, tiny))
    stops = _stops(result.plan)
    assert stops["van-1"][-1] == "V3"
    moved_lines = set(row["lines"].split())
    on_reefer = {i for r in result.plan.routes if r.vehicle_id == "reefer-1"
                 for s in r.stops for i in s.line_ids}
    assert not moved_lines & on_reefer


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d["routes"][0].update(vehicle_id="truck-9"), "unknown vehicle 'truck-9'"),
    (lambda d: d["routes"][0]["stops"][0].update(station_id="V99"), "unknown station 'V99'"),
    (lambda d: d["routes"][0]["stops"][0].update(lines=["D99"]), "unknown demand line 'D99'"),
    (lambda d: d["routes"][0]["stops"][0].update(lines=["D03"]), "belongs to station 'T2'"),
    (lambda d: d["routes"][0].update(trip=0), "field 'trip': must be a whole number 1..99"),
    (lambda d: d.update(routes="none"), "no list 'routes'"),
])
def test_bad_edits_name_the_route_stop_and_field(tmp_path, tiny, tiny_doc, edit, words):
    """What cannot mean a plan is an input error naming the place, not a violation."""
    edit(tiny_doc)
    with pytest.raises(DataError, match=words) as err:
        read_edited(_write(tmp_path, tiny_doc), tiny)
    assert "edited.json" in str(err.value)


def test_cli_retime_writes_every_file_and_exits_3_on_violations(tmp_path, tiny_doc):
    """Exit 0 and every output for an unedited plan; exit 3 with the violations listed for an
    overloaded van; exit 1 with the place named for an unknown vehicle."""
    ok = CliRunner().invoke(main, ["retime", str(_write(tmp_path, tiny_doc)), "--scenario",
                                   str(TINY), "-o", str(tmp_path / "ok"), "--tiles", "none"])
    assert ok.exit_code == 0, ok.output
    for name in ("plan.json", "routes.csv", "routes.xlsx", "routes.geojson", "map.html",
                 "report.html"):
        assert (tmp_path / "ok" / name).is_file()
    check = CliRunner().invoke(main, ["check", str(tmp_path / "ok" / "plan.json"),
                                      "--scenario", str(TINY)])
    assert check.exit_code == 0, check.output
    van, reefer = tiny_doc["routes"]
    van["stops"] += reefer["stops"]
    tiny_doc["routes"] = [van]
    bad = CliRunner().invoke(main, ["retime", str(_write(tmp_path, tiny_doc, "b.json")),
                                    "--scenario", str(TINY), "-o", str(tmp_path / "bad"),
                                    "--tiles", "none", "--lang", "en"])
    assert bad.exit_code == 3, bad.output
    assert "hard ones first" in bad.output and "over_capacity" in bad.output
    zh = CliRunner().invoke(main, ["retime", str(tmp_path / "b.json"), "--scenario", str(TINY),
                                   "-o", str(tmp_path / "bad_zh"), "--tiles", "none"])
    assert zh.exit_code == 3, zh.output
    assert "项违规，严重的在前" in zh.output and "over_capacity" in zh.output
    van["vehicle_id"] = "truck-9"
    wrong = CliRunner().invoke(main, ["retime", str(_write(tmp_path, tiny_doc, "c.json")),
                                      "--scenario", str(TINY), "-o", str(tmp_path / "c")])
    assert wrong.exit_code == 1 and "unknown vehicle 'truck-9'" in wrong.output


def test_routes_xlsx_with_two_rows_moved_between_vehicle_sheets(tmp_path, tiny_doc):
    """The dispatcher cuts V4's and V3's rows (fresh goods both) from the reefer's sheet and
    pastes them into the van's, before its return: `routing retime` reads the workbook back,
    the two stops ride the van, and the violations name the van and those stops."""
    from openpyxl import load_workbook

    from routing.io import read_scenario
    from routing.report.tables import write_routes_xlsx

    tiny = read_scenario(TINY)
    book = tmp_path / "routes.xlsx"
    write_routes_xlsx(tiny_doc, tiny, book)
    wb = load_workbook(book)
    van, reefer = wb["van-1"], wb["reefer-1"]

    def column(ws, name):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == name:
                    return cell.row, cell.column
        raise AssertionError(name)

    head_r, st_col = column(reefer, "站点编号")
    _, ln_col = column(reefer, "单号")
    moved = []
    for r in range(reefer.max_row, head_r, -1):
        if reefer.cell(r, st_col).value in ("V4", "V3"):
            moved.insert(0, (reefer.cell(r, st_col).value, reefer.cell(r, ln_col).value))
            reefer.delete_rows(r)
    assert [st for st, _ in moved] == ["V4", "V3"]
    vhead, vst = column(van, "站点编号")
    _, vln = column(van, "单号")
    back = max(r for r in range(vhead + 1, van.max_row + 1) if van.cell(r, vst).value == "HUB")
    for st, lines in reversed(moved):
        van.insert_rows(back)
        van.cell(back, vst, st)
        van.cell(back, vln, lines)
    wb.save(book)
    r = CliRunner().invoke(main, ["retime", str(book), "--scenario", str(TINY), "-o",
                                  str(tmp_path / "out"), "--tiles", "none", "--lang", "en"])
    assert r.exit_code == 3, r.output
    doc = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    on = {s["station_id"]: rt["vehicle_id"] for rt in doc["routes"] for s in rt["stops"]}
    assert on["V4"] == on["V3"] == "van-1"
    named = [ln for ln in r.output.splitlines() if "van-1" in ln and ("V4" in ln or "V3" in ln)]
    assert named, r.output


@pytest.mark.parametrize(("name", "content", "words"), [
    ("routes.csv", "vehicle_id,station_id\nvan-1,V1\n", "no column 'lines' or '单号'"),
    ("routes.csv", "vehicle_id,station_id,lines\n,V1,D04\n", "routes.csv row 2, field "
                                                             "'vehicle_id': empty"),
    ("routes.csv", "vehicle_id,station_id,lines\ntruck-9,V1,D04\n", "unknown vehicle 'truck-9'"),
    ("routes.xlsx", "not a workbook", "not a readable Excel workbook"),
    ("routes.txt", "", "must be plan.json, routes.csv or routes.xlsx"),
])
def test_bad_edited_tables_name_their_place(tmp_path, tiny, name, content, words):
    """An edited routes.csv / routes.xlsx that cannot mean a plan is an input error."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=words):
        read_edited(path, tiny)
