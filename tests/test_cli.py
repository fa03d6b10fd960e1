"""The command line on the tiny scenario: plan writes its files, check agrees, errors are clean."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from routing.cli import main

from .conftest import TINY


def test_plan_then_check(tmp_path):
    """`routing plan` writes plan.json/CSV/XLSX/GeoJSON; `routing check` finds no violation."""
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), "--solution-limit", "30",
                                  "--quiet", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "independent check: OK" in r.output
    # the scenario's targets against this one plan day; cost needs routing compare
    assert "targets: ≤ 48 h:" in r.output and "cost ≤ −20%: n/a" in r.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert doc["totals"]["stops"] == sum(len(x["stops"]) for x in doc["routes"])
    frame = pd.read_csv(out / "routes.csv", encoding="utf-8-sig")
    assert set(frame["station_name"]) >= {"东一村", "测试县物流中心"}
    wb = openpyxl.load_workbook(out / "routes.xlsx")
    by_departure = sorted(doc["routes"], key=lambda x: (x["start_min"], x["vehicle_id"]))
    # --lang en: the workbook in English too (the Chinese one: tests/report/test_sheets.py)
    assert wb.sheetnames == ["Summary", *dict.fromkeys(x["vehicle_id"] for x in by_departure),
                             "loading"]
    sheet = wb[by_departure[0]["vehicle_id"]]
    assert sheet.print_title_rows is not None
    head = [c.value for c in sheet[sheet.print_title_rows.split(":")[0].lstrip("$")]]
    assert head[:3] == ["#", "Station name", "Arrival"]
    assert head[-3:] == ["Signature", "station_id", "lines"]
    assert (out / "route_sheets.pdf").read_bytes()[:5] == b"%PDF-"
    gj = json.loads((out / "routes.geojson").read_text(encoding="utf-8"))
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == len(doc["routes"])
    r2 = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario", str(TINY),
                                   "--lang", "en"])
    assert r2.exit_code == 0, r2.output
    assert r2.output.startswith("OK")
    r3 = CliRunner().invoke(main, ["check", str(out / "plan.json"), "--scenario", str(TINY)])
    assert r3.exit_code == 0, r3.output
    assert r3.output.startswith("通过：")


def test_plan_summary_is_chinese_by_default(tmp_path):
    """Without --lang the terminal summary is Chinese: statuses, costs with what they
    include, the check and the targets; --lang en gives the English one."""
    args = ["plan", str(TINY), "--solution-limit", "30", "--quiet"]
    zh = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "zh")])
    assert zh.exit_code == 0, zh.output
    for words in ("求解器", "状态 成功", "车辆费用", "〔仅车辆", "含分拣交接", "独立核查：通过",
                  "目标：≤ 48 小时", "费用 ≤ −20%：不适用", "已写出"):
        assert words in zh.output, words
    for english in ("independent check", "status SUCCESS", "CNY", "wrote"):
        assert english not in zh.output, english
    en = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "en"), "--lang", "en"])
    assert en.exit_code == 0, en.output
    for words in ("status SUCCESS", "vehicle cost", "[vehicles only", "with handling",
                  "independent check: OK", "wrote"):
        assert words in en.output, words
    assert not any("\u4e00" <= c <= "\u9fff" for c in en.output.split("\n", 1)[1]
                   .replace("测试县", "")), "Chinese text in the English summary"


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
    r = CliRunner().invoke(main, ["plan", str(sc), "-o", str(tmp_path / "o"), "--quiet",
                                  "--lang", "en"])
    assert r.exit_code == 1
    assert "demand.csv row 4, field 'parcels'" in r.output
    assert "Traceback" not in r.output
    zh = CliRunner().invoke(main, ["plan", str(sc), "-o", str(tmp_path / "o"), "--quiet"])
    assert zh.exit_code == 1
    assert zh.output.startswith("错误：场景数据有 1 处问题")
    assert "demand.csv 第 4 行 字段 'parcels'：must be" in zh.output
    assert "Traceback" not in zh.output


def test_plan_with_reference_reports_stability(tmp_path):
    """`--reference` keeps yesterday's routes and the summary says how many stops moved."""
    day1, day2 = tmp_path / "d1", tmp_path / "d2"
    args = ["--solution-limit", "30", "--quiet"]
    assert CliRunner().invoke(main, ["plan", str(TINY), "-o", str(day1), *args]).exit_code == 0
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(day2), *args, "--reference",
                                  str(day1 / "plan.json"), "--change-penalty", "500",
                                  "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "stable routes:" in r.output and " 0 moved" in r.output


# ------------------------------------------------------------ usage errors, before any work


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a command reads a scenario, a sweep SPEC or benchmark instances."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a usage error must stop the command before any work")

    import routing.bench
    import routing.io
    import routing.sweep

    monkeypatch.setattr(routing.io, "read_scenario", refuse)
    monkeypatch.setattr(routing.bench, "run_suite", refuse)
    monkeypatch.setattr(routing.sweep, "read_spec", refuse)


# (arguments after the command and SCENARIO_DIR/-o, option named in the message)
BAD_OPTIONS = [
    (["--time-limit-s", "nan"], "--time-limit-s"),  # float('nan') passes every range check
    (["--time-limit-s", "inf"], "--time-limit-s"),
    (["--time-limit-s", "-1"], "--time-limit-s"),
    (["--time-limit-s", "0"], "--time-limit-s"),
    (["--time-limit-s", "1e308"], "--time-limit-s"),  # finite, but not a day's planning
    (["--time-limit-s", "90000"], "--time-limit-s"),  # over 24 h
    (["--seed", str(2**63 - 1)], "--seed"),  # PyVRP raises on it
    (["--seed", "-1"], "--seed"),
    (["--seed", str(2**31)], "--seed"),  # the portfolio also runs seed + 1
    (["--solution-limit", "0"], "--solution-limit"),
    (["--solution-limit", "-3"], "--solution-limit"),
    (["--solution-limit", "2.5"], "--solution-limit"),
]


@pytest.mark.parametrize(("args", "option"), BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
@pytest.mark.parametrize("command", ["plan", "compare"])
def test_bad_budget_is_a_usage_error(tmp_path, no_work, command, args, option):
    """A non-finite, negative or absurd budget, seed or solution limit exits 2 naming the
    option, before the scenario is read; the output folder is not created."""
    out = tmp_path / "out"
    r = CliRunner().invoke(main, [command, str(TINY), "-o", str(out), *args, "--quiet"])
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '{option}'" in r.output
    assert "Traceback" not in r.output
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["--coalition-time-limit-s", "nan"],
    ["--coalition-time-limit-s", "inf"],
    ["--coalition-time-limit-s", "0"],
])
def test_bad_coalition_budget_is_a_usage_error(tmp_path, no_work, args):
    """`routing compare --coalition-time-limit-s` follows the same rule as --time-limit-s."""
    r = CliRunner().invoke(main, ["compare", str(TINY), "-o", str(tmp_path / "o"), *args])
    assert r.exit_code == 2, r.output
    assert "must be a finite number > 0 seconds and <= 86400 (24 h)" in r.output


def test_bad_change_penalty_is_a_usage_error(tmp_path, no_work):
    """--change-penalty nan would make every plan cost nan: exit 2."""
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(tmp_path / "o"),
                                  "--change-penalty", "nan"])
    assert r.exit_code == 2, r.output
    assert "Invalid value for '--change-penalty'" in r.output


@pytest.mark.parametrize("args", [
    ["--time-limit-s", "nan"], ["--time-limit-s", "-1"], ["--seed", str(2**63 - 1)]])
def test_bench_bad_budget_is_a_usage_error(tmp_path, no_work, args):
    """`routing bench` checks its budget and seed before reading any instance."""
    r = CliRunner().invoke(main, ["bench", "-o", str(tmp_path / "o"), *args])
    assert r.exit_code == 2, r.output
    assert "Invalid value for" in r.output


def _out_file(tmp_path):
    f = tmp_path / "taken.txt"
    f.write_text("not a folder", encoding="utf-8")
    return f


@pytest.mark.parametrize("command", ["plan", "compare", "bench", "sweep"])
@pytest.mark.parametrize(("where", "message"), [
    (_out_file, "is a file"),  # -o names an existing file
    (lambda t: _out_file(t) / "sub", "cannot create folder"),  # under a file
])
def test_out_that_cannot_be_a_folder_is_a_usage_error(tmp_path, no_work, command, where,
                                                      message):
    """-o naming a file, or a folder that cannot be created, exits 2 before any work."""
    first = {"plan": [str(TINY)], "compare": [str(TINY)], "bench": [],
             "sweep": [str(TINY / "scenario.toml")]}[command]
    r = CliRunner().invoke(main, [command, *first, "-o", str(where(tmp_path))])
    assert r.exit_code == 2, r.output
    assert "Invalid value for '-o' / '--out'" in r.output and message in r.output


def test_out_folder_is_not_left_behind_by_a_usage_error(tmp_path, no_work):
    """Trying whether -o can be created leaves no folder when another option is wrong."""
    out = tmp_path / "new" / "a" / "b"
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(out), "--seed", "-1"])
    assert r.exit_code == 2, r.output
    assert not (tmp_path / "new").exists()


def test_map_out_naming_a_folder_is_a_usage_error(tmp_path, no_work):
    """`routing map -o` writes one HTML file: an existing folder there is a usage error."""
    plan_json = _out_file(tmp_path)
    r = CliRunner().invoke(main, ["map", str(plan_json), "--scenario", str(TINY),
                                  "-o", str(tmp_path)])
    assert r.exit_code == 2, r.output
    assert "is a directory" in r.output


# ------------------------------------------------------------ check on a broken plan.json


@pytest.mark.parametrize(("token", "shown"), [
    ("NaN", "NaN at routes/0/stops/0/arrival_min"),
    ("Infinity", "Infinity at routes/0/stops/0/arrival_min"),
    ("-Infinity", "-Infinity at routes/0/stops/0/arrival_min"),
    ("1e308", "at routes/0/stops/0/arrival_min: 1e+308 is greater than the maximum of 2880"),
])
def test_check_refuses_non_finite_plan_without_traceback(tmp_path, tiny_solved, tiny, token,
                                                         shown):
    """`routing check` on a plan.json with NaN/Infinity/1e308 exits 1 with the place named;
    before, 1e308 minutes raised OverflowError inside the checker."""
    from routing.io.plan_json import write_plan_json

    path = tmp_path / "plan.json"
    doc = write_plan_json(tiny_solved[0], tiny, path)
    doc["routes"][0]["stops"][0]["arrival_min"] = "@@"
    path.write_text(json.dumps(doc).replace('"@@"', token), encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(path), "--scenario", str(TINY)])
    assert r.exit_code == 1, r.output
    assert isinstance(r.exception, SystemExit)
    assert shown in r.output
    assert "Traceback" not in r.output


def test_check_refuses_deeply_nested_json_without_traceback(tmp_path):
    """JSON nested 100,000 deep is a clear error, not a RecursionError."""
    path = tmp_path / "plan.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(path), "--scenario", str(TINY)])
    assert r.exit_code == 1, r.output
    assert isinstance(r.exception, SystemExit)
    assert "nested too deeply" in r.output and "Traceback" not in r.output


def test_help_is_bilingual():
    for cmd in (["--help"], ["plan", "--help"], ["compare", "--help"], ["check", "--help"],
                ["template", "--help"]):
        r = CliRunner().invoke(main, cmd)
        assert r.exit_code == 0, r.output
        assert any("\u4e00" <= c <= "\u9fff" for c in r.output), cmd
    r = CliRunner().invoke(main, ["plan", "--help"])
    assert "输出文件夹" in r.output and "Folder for plan.json" in r.output


def test_progress_ends_with_the_plan_the_summary_shows(tmp_path):
    """The last progress line is the kept plan's vehicle cost, the summary's figure."""
    r = CliRunner().invoke(main, ["plan", str(TINY), "-o", str(tmp_path), "--solution-limit",
                                  "30", "--tiles", "none"])
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    from routing.i18n import money

    cost = money(doc["totals"]["cost"])
    assert f"完成：保留方案 车辆费用 {cost} 元" in r.output
    assert f"车辆费用 {cost} 元/天" in r.output


def test_compare_says_jobs_done_and_time_left(tmp_path):
    from .conftest import HERE

    r = CliRunner().invoke(main, ["compare", str(HERE / "data" / "duo"), "-o", str(tmp_path),
                                  "--time-limit-s", "1", "--solution-limit", "20"])
    assert r.exit_code in (0, 3), r.output
    for words in ("基线 0/2", "基线 1/2", "方案 0/2", "联盟子集", "剩余约", "已用"):
        assert words in r.output, words
