"""The command line on the tiny scenario: plan writes its files, check agrees, errors are clean."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
from click.testing import CliRunner

from routing.cli import main

from .conftest import TINY


def test_plan_then_check(tmp_path):
    """`routing plan` writes plan.json/CSV/XLSX/GeoJSON; `routing check` finds no violation."""
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), "--solution-limit", "30",
                                  "--quiet"])
    assert r.exit_code == 0, r.output
    assert "independent check: OK" in r.output
    # the scenario's targets against this one plan day; cost needs routing compare
    assert "targets: ≤ 48 h:" in r.output and "cost ≤ −20%: n/a" in r.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["totals"]["stops"] == sum(len(x["stops"]) for x in doc["routes"])
    frame = pd.read_csv(out / "routes.csv", encoding="utf-8-sig")
    assert set(frame["station_name"]) >= {"东一村", "测试县物流中心"}
    wb = openpyxl.load_workbook(out / "routes.xlsx")
    assert wb.sheetnames == ["汇总", *[x["vehicle_id"] for x in doc["routes"]]]
    sheet = wb[doc["routes"][0]["vehicle_id"]]
    assert sheet.cell(row=3, column=3).value == "站点名称"
    gj = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == len(doc["routes"])
    r2 = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario", str(TINY)])
    assert r2.exit_code == 0, r2.output
    assert r2.output.startswith("OK")


def test_check_exits_3_on_violation(tmp_path):
    """A tampered plan makes `routing check` list the violation and exit 3."""
    out = tmp_path / "out"
    CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), "--solution-limit", "30",
                              "--quiet"])
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    doc["totals"]["cost"] += 1000
    (out / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario", str(TINY)])
    assert r.exit_code == 3
    assert "totals_mismatch" in r.output


def test_bad_scenario_is_a_clear_error(tmp_path):
    """Bad input exits 1 with file, row and field named, and no traceback."""
    sc = tmp_path / "sc"
    shutil.copytree(TINY, sc)
    demand = (sc / "demand.csv").read_text(encoding="utf-8").replace("D03,T2,post,down,35",
                                                                      "D03,T9,post,down,-35")
    (sc / "demand.csv").write_text(demand, encoding="utf-8")
    r = CliRunner().invoke(main, ["plan", str(sc), "-o", str(tmp_path / "o"), "--quiet"])
    assert r.exit_code == 1
    assert "demand.csv row 4, field 'parcels'" in r.output
    assert "Traceback" not in r.output


def test_plan_with_reference_reports_stability(tmp_path):
    """`--reference` keeps yesterday's routes and the summary says how many stops moved."""
    day1, day2 = tmp_path / "d1", tmp_path / "d2"
    args = ["--solution-limit", "30", "--quiet"]
    assert CliRunner().invoke(main, ["plan", str(TINY), "-o", str(day1), *args]).exit_code == 0
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(day2), *args, "--reference",
                                  str(day1 / "plan.json"), "--change-penalty", "500"])
    assert r.exit_code == 0, r.output
    assert "stable routes:" in r.output and " 0 moved" in r.output
