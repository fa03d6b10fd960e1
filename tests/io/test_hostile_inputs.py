"""Issue 17, "no input breaks it": a catalogue of hostile inputs, one per class, through the CLI.

Each case edits a copy of the tiny scenario (or a plan.json, or passes an option) and asserts
the exit code and the words of the message: 1 for a bad file (naming file, row, field, value and
what is valid), 2 for a bad option (naming the option and its range) — never a traceback, never
a silent misread, never success for nonsense. The Hypothesis tests at the end throw random cells,
scenario.toml values and plan.json fields at the readers and the checker: they may refuse them
only with the package's own errors.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.cli import main
from routing.evaluate.check import check_plan
from routing.exceptions import RoutingError, ScenarioError
from routing.io import read_scenario
from routing.io.plan_json import plan_to_dict, read_plan_json
from routing.io.scenario import TOML_KEYS

from .test_scenario_errors import TINY, Edit, both, copy_tiny, replace

# ------------------------------------------------------------------------------------ helpers


def _append(file: str, text: str) -> Edit:
    """An edit appending ``text`` to ``file``."""

    def edit(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


def _section(section: str, line: str) -> Edit:
    """An edit adding ``line`` at the top of [section] of scenario.toml (made if missing)."""

    def edit(folder: Path) -> None:
        path = folder / "scenario.toml"
        text = path.read_text(encoding="utf-8")
        head = f"[{section}]\n"
        text = text.replace(head, head + line + "\n") if head in text \
            else f"{text}\n{head}{line}\n"
        path.write_text(text, encoding="utf-8")

    return edit


def _cell(file: str, row: int, column: str, value: str) -> Edit:
    """An edit setting one cell of a CSV table (row as the user sees it: header is row 1)."""

    def edit(folder: Path) -> None:
        path = folder / file
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        rows[row - 1][rows[0].index(column)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")

    return edit


def _stations_xlsx(row: int, column: str, value: object) -> Edit:
    """An edit replacing stations.csv by stations.xlsx, with one cell set to an Excel value
    (a date, a time), and naming it in [tables]."""

    def edit(folder: Path) -> None:
        rows = list(csv.reader(io.StringIO((folder / "stations.csv").read_text(encoding="utf-8"))))
        wb = openpyxl.Workbook()
        ws = wb.active
        for line in rows:
            ws.append(line)
        ws.cell(row=row, column=rows[0].index(column) + 1, value=value)
        wb.save(folder / "stations.xlsx")
        (folder / "stations.csv").unlink()
        _section("tables", 'stations = "stations.xlsx"')(folder)

    return edit


def plan_cli(folder: Path, out: Path, *options: str) -> Result:
    return CliRunner().invoke(main, ["plan", str(folder), "-o", str(out), "--quiet",
                                     "--tiles", "none", "--lang", "en", *options])


def assert_clean(result: Result, code: int, fragments: tuple[str, ...]) -> None:
    """Exit ``code``, every fragment in the output, and no traceback."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    for f in fragments:
        assert f in result.output, f"{f!r} not in:\n{result.output}"


# ------------------------------------------------------------------------ scenario folders

VAN = "vehicles.csv row 2"  # the van; row 3 is the reefer
SCENARIO_CASES = [
    # 1. numbers out of their range, in every table
    pytest.param(_cell("vehicles.csv", 2, "capacity_kg", "1e300"),
                 (f"{VAN}, field 'capacity_kg'", "must be a finite number > 0 and <= 100,000 kg",
                  "got 1e+300"), id="capacity-kg-1e300"),
    pytest.param(_cell("vehicles.csv", 2, "capacity_parcels", str(2**63)),
                 (f"{VAN}, field 'capacity_parcels'", "whole number >= 1 and <= 1,000,000",
                  f"got {2**63}"), id="capacity-parcels-int64"),
    pytest.param(_cell("vehicles.csv", 3, "count", "1000000000"),
                 ("vehicles.csv row 3, field 'count'", "whole number >= 0 and <= 1,000",
                  "got 1000000000"), id="fleet-count-huge"),
    pytest.param(_cell("vehicles.csv", 2, "fixed_cost", "1e18"),
                 (f"{VAN}, field 'fixed_cost'", "<= 100,000 CNY/day", "got 1e+18"),
                 id="fixed-cost-huge"),
    pytest.param(_cell("vehicles.csv", 2, "speed_kph", "1e-300"),
                 (f"{VAN}, field 'speed_kph'", ">= 1 and <= 130 km/h", "got 1e-300"),
                 id="speed-tiny"),
    pytest.param(_cell("vehicles.csv", 2, "max_shift_h", "1e-9"),
                 (f"{VAN}, field 'max_shift_h'", ">= 0.1 and <= 24 h", "got 1e-09"),
                 id="shift-tiny"),
    pytest.param(_cell("demand.csv", 2, "parcels", str(2**63 - 1)),
                 ("demand.csv row 2, field 'parcels'", "whole number >= 0 and <= 100,000",
                  f"got {2**63 - 1}"), id="parcels-int64"),
    pytest.param(_cell("demand.csv", 3, "kg", "1e308"),
                 ("demand.csv row 3, field 'kg'", "<= 100,000 kg", "got 1e+308"),
                 id="kg-1e308"),
    pytest.param(_cell("stations.csv", 9, "service_min", "1e9"),
                 ("stations.csv row 9, field 'service_min'", "0..240 minutes",
                  "got 1000000000.0"),
                 id="service-min-huge"),
    pytest.param(both(_append("scenario.toml", '\n[[compare.variants]]\nname = "b"\n'
                              'vehicles = "fleet_b.csv"\n'),
                      lambda f: shutil.copy(f / "vehicles.csv", f / "fleet_b.csv"),
                      _cell("fleet_b.csv", 2, "capacity_kg", "1e300")),
                 ("fleet_b.csv row 2, field 'capacity_kg'", "<= 100,000 kg", "got 1e+300"),
                 id="variant-fleet-capacity-1e300"),
    # 2. a positive cost too small for the engines' integer scaling (0 itself is valid)
    pytest.param(_cell("vehicles.csv", 2, "cost_per_km", "1e-12"),
                 (f"{VAN}, field 'cost_per_km'", "must be 0 or a finite number >= 0.01 and "
                  "<= 1,000 CNY/km", "got 1e-12"), id="cost-per-km-tiny"),
    pytest.param(_cell("vehicles.csv", 2, "cost_per_hour", "1e-12"),
                 (f"{VAN}, field 'cost_per_hour'", "must be 0 or a finite number >= 0.01",
                  "CNY/h", "got 1e-12"), id="cost-per-hour-tiny"),
    pytest.param(_section("solve", "unserved_penalty = 1e300"),
                 ("scenario.toml: [solve] unserved_penalty", "<= 10,000,000 CNY", "got 1e+300"),
                 id="toml-penalty-huge"),
    # 3. control characters in text
    pytest.param(_cell("stations.csv", 5, "name", "东一\x00村"),
                 ("stations.csv row 5, field 'name'", "must not contain control characters",
                  "U+0000"), id="nul-in-name"),
    pytest.param(_cell("stations.csv", 5, "name", "东一\x0b村"),
                 ("stations.csv row 5, field 'name'", "control characters (found U+000B)",
                  "got '东一\\x0b村'"), id="vtab-in-name"),
    pytest.param(_cell("carriers.csv", 3, "name_zh", "中\x1b[31m通"),
                 ("carriers.csv row 3, field 'name_zh'", "U+001B"), id="escape-in-carrier"),
    pytest.param(replace("scenario.toml", 'title = "测试县"', 'title = "测试\\u0007县"'),
                 ("scenario.toml: [scenario] title must not contain control characters",
                  "U+0007"), id="bell-in-toml-title"),
    pytest.param(_append("scenario.toml", '\n[[compare.variants]]\nname = "a\\u0000b"\n'),
                 ("scenario.toml: [[compare.variants]] #1: name must not contain control",
                  "U+0000"), id="nul-in-variant-name"),
    # 4. scenario.toml values: types, ranges, lists
    pytest.param(_section("compare", "waves = []"),
                 ("scenario.toml: [compare] waves must not be empty", "got []"),
                 id="toml-waves-empty"),
    pytest.param(_section("compare", "wave_shares = [1.0]"),
                 ("scenario.toml: [compare] wave_shares needs waves",), id="toml-shares-alone"),
    pytest.param(_section("compare", 'waves = ["05:00", 7]'),
                 ("scenario.toml: [compare] waves must list times of day", "got ['05:00', 7]"),
                 id="toml-waves-number"),
    pytest.param(_section("compare", "variants = []"),
                 ("scenario.toml: [compare] variants must not be empty",),
                 id="toml-variants-empty"),
    pytest.param(_section("compare", "auto_every_days = []"),
                 ("scenario.toml: [compare] auto_every_days must not be empty",),
                 id="toml-auto-days-empty"),
    pytest.param(replace("scenario.toml", 'date = "2026-11-24"', 'date = "24/11/2026"'),
                 ("scenario.toml: [scenario] date must be a day YYYY-MM-DD", "got '24/11/2026'"),
                 id="toml-date-format"),
    pytest.param(_section("targets", "max_trunk_routes = 9223372036854775807"),
                 ("scenario.toml: [targets] max_trunk_routes", "<= 1,000 routes"),
                 id="toml-trunk-routes-int64"),
    pytest.param(replace("scenario.toml", "on_time_h = 48", "on_time_h = 1e308"),
                 ("scenario.toml: [targets] on_time_h", "<= 720 h", "got 1e+308"),
                 id="toml-hours-huge"),
    # 5. a date cell in a time column (Excel turns 11-24 into a date)
    pytest.param(_stations_xlsx(5, "open", dt.datetime(2026, 11, 24)),
                 ("stations.xlsx row 5, field 'open'", "not a date", "got '2026-11-24'"),
                 id="xlsx-date-in-open"),
    pytest.param(_stations_xlsx(6, "close", dt.datetime(2026, 11, 24, 18, 0)),
                 ("stations.xlsx row 6, field 'close'", "not a date",
                  "got '2026-11-24 18:00:00'"), id="xlsx-datetime-in-close"),
    pytest.param(_cell("demand.csv", 2, "ready", "2026-11-24"),
                 ("demand.csv row 2, field 'ready'", "time of day HH:MM", "got '2026-11-24'"),
                 id="csv-date-text-in-ready"),
    # 7. seeds and budgets in scenario.toml, as on the command line
    pytest.param(replace("scenario.toml", "seed = 1", "seed = 9223372036854775807"),
                 ("scenario.toml: [solve] seed must be a whole number in 0..2147483647",
                  "got 9223372036854775807"), id="toml-seed-int64"),
    pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = nan"),
                 ("scenario.toml: [solve] time_limit_s must be > 0 seconds and <= 86400",
                  "got nan"), id="toml-time-limit-nan"),
    pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = 1e308"),
                 ("[solve] time_limit_s", "got 1e+308"), id="toml-time-limit-huge"),
    pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = -1"),
                 ("[solve] time_limit_s", "got -1"), id="toml-time-limit-negative"),
    pytest.param(replace("scenario.toml", "solution_limit = 50", "solution_limit = -5"),
                 ("[solve] solution_limit must be a whole number >= 1", "got -5"),
                 id="toml-solution-limit-negative"),
    # 8. the hub: exactly one, and no station in another province
    pytest.param(_append("stations.csv", "HUB2,二号中心,hub,111.2,35.14,,,,,false,false\n"),
                 ("stations.csv row 10, field 'tier': a second hub 'HUB2'",
                  "exactly one hub ('HUB', row 2)"), id="second-hub"),
    pytest.param(_cell("stations.csv", 2, "tier", "township"),
                 ("stations.csv: no station has tier 'hub'", "exactly one hub"), id="no-hub"),
    pytest.param(both(_cell("stations.csv", 8, "lon", "126.63"),
                      _cell("stations.csv", 8, "lat", "45.75")),
                 ("stations.csv row 8, field 'lon': station 'V4' is 1,753 km from the hub 'HUB'",
                  "within 300 km of the hub ([network] max_station_km",
                  "got lon 126.63, lat 45.75"), id="station-in-harbin"),
    # already handled before issue 17, kept in the catalogue
    pytest.param(_cell("stations.csv", 7, "lon", "35.12"),
                 ("stations.csv row 7, field 'lon'", "longitude inside China", "got 35.12"),
                 id="lon-lat-swapped"),
    pytest.param(lambda f: (f / "demand.csv").write_bytes(bytes(range(256)) * 4),
                 ("demand.csv: cannot read the file", "neither UTF-8 nor GBK"),
                 id="binary-garbage"),
    pytest.param(replace("scenario.toml", "seed = 1", "seed = "),
                 ("scenario.toml: not valid TOML",), id="toml-invalid"),
    pytest.param(_cell("demand.csv", 4, "kg", "nan"),
                 ("demand.csv row 4, field 'kg'", "must be a finite number", "got 'nan'"),
                 id="nan-kg"),
    pytest.param(_cell("demand.csv", 5, "station", "V9"),
                 ("demand.csv row 5, field 'station'", "unknown station 'V9'"),
                 id="unknown-station"),
]


@pytest.mark.parametrize(("edit", "fragments"), SCENARIO_CASES)
def test_hostile_scenario(tmp_path: Path, edit: Edit, fragments: tuple[str, ...]) -> None:
    """`routing plan` on a scenario with one hostile input: exit 1 with a message naming file,
    row or key, field, value and the valid range — before any solve."""
    folder = copy_tiny(tmp_path)
    edit(folder)
    result = plan_cli(folder, tmp_path / "out")
    assert_clean(result, 1, ("problem", *fragments))
    assert not (tmp_path / "out" / "plan.json").exists()


def test_max_station_km_is_configurable(tmp_path: Path) -> None:
    """A county may allow farther stations in scenario.toml; the limit has a range itself."""
    folder = copy_tiny(tmp_path)
    both(_cell("stations.csv", 8, "lon", "111.9"), _cell("stations.csv", 8, "lat", "35.8"))(
        folder)  # about 95 km from the hub
    _section("network", "max_station_km = 50")(folder)
    with pytest.raises(ScenarioError, match="within 50 km of the hub"):
        read_scenario(folder)
    replace("scenario.toml", "max_station_km = 50", "max_station_km = 120")(folder)
    assert read_scenario(folder).station("V4").lon == pytest.approx(111.9)
    replace("scenario.toml", "max_station_km = 120", "max_station_km = 0")(folder)
    with pytest.raises(ScenarioError, match=r"max_station_km must be a finite number >= 1"):
        read_scenario(folder)


def test_time_cells_stay_valid(tmp_path: Path) -> None:
    """A pure Excel time cell, and an Excel cell holding 24:00, are times, not dates."""
    folder = copy_tiny(tmp_path)
    both(_stations_xlsx(5, "open", dt.time(8, 30)),
         lambda f: _set_xlsx(f / "stations.xlsx", 6, "close", dt.datetime(1900, 1, 1)))(folder)
    scenario = read_scenario(folder)
    assert scenario.station("V1").open_s == 8 * 3600 + 1800
    assert scenario.station("V2").close_s == 24 * 3600  # serial 1.0: 24:00 shown as 0:00


def _set_xlsx(path: Path, row: int, column: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)


# ----------------------------------------------------------------------- command-line options


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        pytest.param(("--solution-limit", "-5"),
                     ("'--solution-limit'", "-5 is not in the range 1<=x<=2147483647"),
                     id="solution-limit-negative"),
        pytest.param(("--time-limit-s", "nan"),
                     ("'--time-limit-s'", "finite number > 0 seconds and <= 86400", "'nan'"),
                     id="time-limit-nan"),
        pytest.param(("--time-limit-s", "inf"), ("'--time-limit-s'", "'inf'"),
                     id="time-limit-inf"),
        pytest.param(("--time-limit-s", "1e308"), ("'--time-limit-s'", "'1e308'"),
                     id="time-limit-huge"),
        pytest.param(("--time-limit-s", "-1"), ("'--time-limit-s'", "'-1'"),
                     id="time-limit-negative"),
        pytest.param(("--seed", str(2**63 - 1)),
                     ("'--seed'", "is not in the range 0<=x<=2147483647"), id="seed-int64"),
        pytest.param(("--change-penalty", "-inf"), ("'--change-penalty'",),
                     id="change-penalty-inf"),
        pytest.param(("--reference", str(TINY / "scenario.toml"), "--change-penalty", "1e300"),
                     ("'--change-penalty'", "<= 1000000", "'1e300'"),
                     id="change-penalty-huge"),  # overflowed OR-Tools' arc costs
    ],
)
def test_hostile_option(tmp_path: Path, options: tuple[str, ...],
                        fragments: tuple[str, ...]) -> None:
    """A bad option is a usage error: exit 2 naming the option and its range."""
    assert_clean(plan_cli(TINY, tmp_path / "out", *options), 2, fragments)


# ---------------------------------------------------------------------------- plan.json files


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        pytest.param(lambda d: d["routes"][0]["stops"][0].update(arrival_min=1e308),
                     ("schema error", "routes/0/stops/0/arrival_min", "1e+308"),
                     id="arrival-1e308"),
        pytest.param(lambda d: d["totals"].update(cost=-1e300),
                     ("schema error", "totals/cost"), id="cost-negative-huge"),
        pytest.param(lambda d: d["routes"][0].update(distance_km=2**70),
                     ("schema error", "routes/0/distance_km"), id="distance-int-huge"),
        pytest.param(lambda d: _deep(100_000), ("nested too deeply",), id="nested-100000"),
        pytest.param(lambda d: json.dumps(d).replace('"distance_km": ', '"distance_km": 1e400,'
                                                     ' "was": ', 1),
                     ("not valid JSON", "1e400"), id="number-1e400"),
    ],
)
def test_hostile_plan_json(tmp_path: Path, tiny_doc: dict[str, Any],
                           change: Callable[[dict[str, Any]], Any],
                           fragments: tuple[str, ...]) -> None:
    """`routing check` on a hostile plan.json: exit 1 (like every unreadable plan), no
    OverflowError nor RecursionError."""
    text = change(tiny_doc)
    path = tmp_path / "plan.json"
    path.write_text(text if isinstance(text, str) else json.dumps(tiny_doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--scenario", str(TINY),
                                       "--lang", "en"])
    assert_clean(result, 1, (str(path), *fragments))


# ------------------------------------------------------------------- in-range extremes work


@pytest.mark.parametrize(
    ("costs", "penalty"),
    [
        pytest.param(("0", "0.01", "0.01"), None, id="tiny-costs"),
        pytest.param(("100000", "1000", "10000"), "10000000", id="huge-costs"),
        pytest.param(("0", "0", "0"), None, id="free"),
    ],
)
def test_in_range_costs_plan_fully(tmp_path: Path, costs: tuple[str, str, str],
                                   penalty: str | None) -> None:
    """The smallest and largest costs in range plan the tiny county whole (PyVRP's cost scale
    and OR-Tools' units neither overflow nor round every price to nothing)."""
    folder = copy_tiny(tmp_path)
    for row in (2, 3):
        for column, value in zip(("fixed_cost", "cost_per_km", "cost_per_hour"), costs,
                                 strict=True):
            _cell("vehicles.csv", row, column, value)(folder)
    if penalty:
        _section("solve", f"unserved_penalty = {penalty}")(folder)
    result = plan_cli(folder, tmp_path / "out", "--solution-limit", "20")
    assert_clean(result, 0, ("independent check: OK",))
    doc = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert doc["unserved"] == []


def test_xlsx_writer_strips_illegal_characters(tmp_path: Path, tiny_solved: Any,
                                               tiny: Any) -> None:
    """Defence in depth: a name with characters Excel refuses (made past the reader) still
    gives a routes.xlsx, without them; a vehicle id with characters a sheet name cannot have
    gives a sheet all the same."""
    import dataclasses

    from routing.report.tables import write_routes_xlsx

    stations = tuple(dataclasses.replace(s, name=f"{s.name}\x0b\x00") for s in tiny.stations)
    scenario = dataclasses.replace(tiny, stations=stations, title="测试\x07县")
    doc = plan_to_dict(tiny_solved[0], scenario)
    doc["routes"][0]["vehicle_id"] = "van/1:[a]*?"
    write_routes_xlsx(doc, scenario, tmp_path / "routes.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "routes.xlsx")
    assert wb.sheetnames[1] == "van_1__a___"
    names = [c.value for c in wb[wb.sheetnames[1]]["B"] if c.value]
    assert names and all("\x0b" not in n and "\x00" not in n for n in names)
    assert wb["汇总"]["A1"].value.startswith("测试县")


# ------------------------------------------------------------------------------- fuzz tests

_TABLES = ("stations.csv", "carriers.csv", "vehicles.csv", "demand.csv")
_NASTY = ["", " ", "0", "-0", "-1", "1e300", "-1e300", "1e-300", "1e400", "nan", "inf", "-inf",
          str(2**63), str(2**63 - 1), "9" * 40, "x", "\x00", "a\x0bb", "2026-11-24", "24:00",
          "00:00", "25:00", "true", "HUB", "V1", "T1", "hub", "village", "1,5", "１２", "٣",
          "null", "None", "[]", "{}", "'", '"', "\u202e", "𝟙"]
_CELL = st.one_of(st.sampled_from(_NASTY), st.text(max_size=8),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.integers(min_value=-(2**70), max_value=2**70).map(str))


def _read(folder: Path) -> None:
    """Read a scenario: a Scenario or a ScenarioError are both fine; anything else fails."""
    with contextlib.suppress(ScenarioError):
        read_scenario(folder)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(edits=st.lists(st.tuples(st.sampled_from(_TABLES), st.integers(0, 20),
                                st.integers(0, 20), _CELL), min_size=1, max_size=3))
def test_fuzz_scenario_cells(edits: list[tuple[str, int, int, str]]) -> None:
    """Random values in random cells of the tiny tables: only ScenarioError, never a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tiny"
        shutil.copytree(TINY, folder)
        for file, row, column, value in edits:
            text = (folder / file).read_text(encoding="utf-8")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            line = rows[1 + row % (len(rows) - 1)]
            line[column % len(line)] = value
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(rows)
            (folder / file).write_text(buf.getvalue(), encoding="utf-8")
        _read(folder)


_KEYS = [(section, key) for section, keys in TOML_KEYS.items() for key in keys
         if section != "tables"]  # which files to read: covered by the file cases
_TOML_SCALAR = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda x: "nan" if x != x else ("inf" if x == float("inf") else
                                        "-inf" if x == float("-inf") else repr(x))),
    st.text(max_size=8).map(json.dumps), st.booleans().map(lambda b: str(b).lower()),
    st.sampled_from(["2026-11-24", "07:00:00", "2026-11-24T07:00:00", '"05:00"', '"25:00"',
                     "{}", '{ name = "x" }', '"\\u0000"', '"auto"']))
_TOML_VALUE = st.one_of(_TOML_SCALAR, st.lists(_TOML_SCALAR, max_size=3).map(
    lambda xs: f"[{', '.join(xs)}]"))


@settings(max_examples=80, deadline=None, derandomize=True)
@given(key=st.sampled_from(_KEYS), value=_TOML_VALUE)
def test_fuzz_toml_values(key: tuple[str, str], value: str) -> None:
    """Random TOML values for every scenario.toml key: only ScenarioError, never a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tiny"
        shutil.copytree(TINY, folder)
        path = folder / "scenario.toml"
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():  # drop the key if tiny sets it
            if line.startswith(f"{key[1]} ="):
                text = text.replace(line + "\n", "")
        path.write_text(text, encoding="utf-8")
        _section(*key[:1], f"{key[1]} = {value}")(folder)
        _read(folder)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a JSON document."""
    out = [at] if at else []
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        out += _paths(v, (*at, k))
    return out


_JSON_VALUE = st.one_of(st.sampled_from([None, True, "", "x", "V1", "HUB", "van-1", "D01", [],
                                         {}, 0, -1, 2880, 1e300, -1e300, 2**63, 10**30]),
                        st.floats(allow_nan=False, allow_infinity=False),
                        st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=6))


@settings(max_examples=80, deadline=None, derandomize=True)
@given(data=st.data())
def test_fuzz_plan_json(data: st.DataObject, tiny_solved: Any, tiny: Any) -> None:
    """Random values in random fields of a good plan.json, read and re-checked: only the
    package's errors (PlanError and kin), never a crash."""
    doc = copy.deepcopy(plan_to_dict(tiny_solved[0], tiny))
    paths = _paths(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        node = doc
        try:
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = data.draw(_JSON_VALUE)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced a container on this path
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "plan.json"
        file.write_text(json.dumps(doc), encoding="utf-8")
        with contextlib.suppress(RoutingError):
            check_plan(read_plan_json(file), tiny, tiny_solved[1])


def test_pyvrp_cost_scale_stays_in_range(tiny: Any) -> None:
    """Past the reader (a library caller), a price of 1e-12 CNY/km no longer makes PyVRP's
    prizes overflow: the scale is capped so every prize fits, and the county is planned whole
    (before: every station unserved, "vehicles full")."""
    import dataclasses

    from routing.pipeline import plan_scenario
    from routing.solve.pyvrp_backend import MAX_TOTAL, cost_scale

    fleet = tuple(dataclasses.replace(v, cost_per_km=1e-12, cost_per_hour=1e-12)
                  for v in tiny.vehicle_types)
    scenario = dataclasses.replace(tiny, vehicle_types=fleet)
    scale = cost_scale(scenario, 10_000)
    assert scale * scenario.solve.unserved_penalty * 10_000 <= MAX_TOTAL
    result, _ = plan_scenario(scenario, solution_limit=20, time_limit_s=10, engine="pyvrp")
    assert not result.unserved


def test_control_characters_in_names_are_escaped_in_messages(tmp_path: Path) -> None:
    """A header or scenario.toml key holding an escape sequence is named, escaped: the
    message cannot recolour or clear the terminal."""
    folder = copy_tiny(tmp_path)
    replace("demand.csv", "id,station", "id,\x1b[2Jstation")(folder)
    _section("solve", '"\\u001b[31mseed" = 2')(folder)
    result = plan_cli(folder, tmp_path / "out")
    assert_clean(result, 1, ("demand.csv: unknown column '\\x1b[2Jstation'",
                             "unknown key '\\x1b[31mseed' in [solve]"))
    assert "\x1b" not in result.output
