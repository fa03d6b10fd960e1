"""Tests for routing.io.read_scenario on broken scenario folders: every message must help."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from routing.exceptions import ScenarioError
from routing.io import read_scenario

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny"
BAD = DATA / "bad"

Edit = Callable[[Path], None]


# ------------------------------------------------------------------------------------ helpers


def copy_tiny(tmp_path: Path) -> Path:
    """Copy the tiny scenario into tmp_path and return the copy's folder."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def replace(file: str, old: str, new: str) -> Edit:
    """An edit replacing the one occurrence of ``old`` in ``file`` (fails if not exactly one)."""

    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def frame_edit(file: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Edit:
    """An edit applying ``change`` to a CSV table read as text (keeps every other cell as is)."""

    def edit(folder: Path) -> None:
        path = folder / file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        change(frame).to_csv(path, index=False)

    return edit


def write_bytes(file: str, data: bytes) -> Edit:
    """An edit overwriting ``file`` with raw bytes."""

    def edit(folder: Path) -> None:
        (folder / file).write_bytes(data)

    return edit


def add_tables(**refs: str) -> Edit:
    """An edit adding a [tables] section to scenario.toml."""
    lines = "".join(f'{k} = "{v}"\n' for k, v in refs.items())
    return lambda folder: _append(folder / "scenario.toml", f"\n[tables]\n{lines}")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def both(*edits: Edit) -> Edit:
    """Several edits applied in order."""

    def edit(folder: Path) -> None:
        for e in edits:
            e(folder)

    return edit


def problems_of(folder: Path) -> list[str]:
    """Read the folder, expect a ScenarioError, and return its problem lines."""
    with pytest.raises(ScenarioError) as info:
        read_scenario(folder)
    problems = info.value.problems
    assert str(info.value).startswith(f"{len(problems)} problem"), str(info.value)
    return problems


def the_problem(problems: list[str], *fragments: str) -> str:
    """The single problem line containing every fragment (fails with the whole list otherwise)."""
    hits = [p for p in problems if all(f in p for f in fragments)]
    assert len(hits) == 1, f"want one problem with {fragments}, got:\n" + "\n".join(problems)
    return hits[0]


# Row numbers a user sees in tiny/: header is row 1.
# stations.csv: HUB 2, T1 3, T2 4, V1 5, V2 6, V3 7, V4 8, V5 9.  demand.csv: D01 2 .. D12 13.
V1_ROW = "V1,东一村,village,111.3000,35.1800,T1,,08:00,18:00"

# (edit, number of problems, fragments that must all be in one problem line)
CASES = [
    # --- scenario.toml ---
    pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limt_s = 5"), 1,
                 ("scenario.toml", "unknown key 'time_limt_s' in [solve]",
                  "did you mean 'time_limit_s'?", "Valid keys: time_limit_s, seed"),
                 id="toml-unknown-key"),  # typo in a key
    pytest.param(replace("scenario.toml", "[solve]", "[solver]"), 1,
                 ("scenario.toml", "unknown section [solver]", "did you mean [solve]?",
                  "Valid sections: scenario, tables, network, service, targets, solve"),
                 id="toml-unknown-section"),  # typo in a section
    pytest.param(replace("scenario.toml", "time_limit_s = 5", 'time_limit_s = "5"'), 1,
                 ("scenario.toml", "[solve] time_limit_s must be a number (seconds)", "got '5'"),
                 id="toml-wrong-type"),  # quoted number: the type, then the meaning
    pytest.param(replace("scenario.toml", "speed_kph = 40", "speed_kph = [40]"), 1,
                 ("scenario.toml", "[network] speed_kph must be", "got [40]"),
                 id="toml-array-for-number"),  # array instead of number
    pytest.param(replace("scenario.toml", "[targets]", "targets = 1\n[targets2]"), 2,
                 ("scenario.toml", "unknown section [targets2]", "did you mean [targets]?"),
                 id="toml-two-problems"),  # stray key in [service] and a section typo
    pytest.param(replace("scenario.toml", "seed = 1", "seed = "), 1,
                 ("scenario.toml", "not valid TOML", "line 26"),
                 id="toml-invalid"),  # value missing on line 26
    pytest.param(replace("scenario.toml", 'crs = "wgs84"', 'crs = "utm"'), 1,
                 ("scenario.toml", "[scenario] crs must be one of {wgs84, gcj02, bd09}",
                  "got 'utm'"), id="toml-bad-crs"),  # projected CRS name
    pytest.param(replace("scenario.toml", 'open = "07:00"', 'open = "7am"'), 1,
                 ("scenario.toml", "[service] open must be a time of day HH:MM", "got '7am'"),
                 id="toml-bad-default-open"),  # 12-hour clock
    pytest.param(replace("scenario.toml", "detour_factor = 1.3", "detour_factor = 0.8"), 1,
                 ("scenario.toml", "[network] detour_factor must be in 1.0..5.0", "got 0.8"),
                 id="toml-detour-below-1"),  # roads shorter than straight lines
    pytest.param(replace("scenario.toml", "cost_reduction = 0.2", "cost_reduction = 20"), 1,
                 ("scenario.toml", "[targets] cost_reduction must be a fraction", "got 20"),
                 id="toml-percent-for-fraction"),  # 20 meant 20 %
    # --- missing / unreadable files ---
    pytest.param(lambda f: (f / "carriers.csv").unlink(), 1,
                 ("carriers.csv: file not found at", "carriers.csv"),
                 id="missing-table"),  # carriers.csv deleted
    pytest.param(add_tables(stations="stations_v2.csv"), 1,
                 ("stations_v2.csv: file not found",), id="missing-named-table"),  # wrong name
    pytest.param(write_bytes("stations.csv", bytes(range(256)) * 4), 1,
                 ("stations.csv: cannot read the file", "neither UTF-8 nor GBK"),
                 id="binary-garbage-csv"),  # every byte value
    pytest.param(write_bytes("demand.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\xff" * 64),
                 1, ("demand.csv: cannot read the file",), id="png-as-csv"),  # image renamed
    pytest.param(both(lambda f: shutil.copy(BAD / "not_a_zip.xlsx", f / "demand.xlsx"),
                      add_tables(demand="demand.xlsx")), 1,
                 ("demand.xlsx: cannot read the file", "not a zip file"),
                 id="xlsx-not-zip"),  # text renamed to .xlsx
    pytest.param(both(lambda f: shutil.copy(BAD / "not_a_zip.xlsx", f / "book.xlsx"),
                      add_tables(demand="book.xlsx#Demand")), 1,
                 ("book.xlsx#Demand: cannot read the file",), id="xlsx-sheet-not-zip"),  # + sheet
    pytest.param(add_tables(stations="stations.txt"), 1,
                 ("stations.txt", "file not found"), id="unsupported-suffix-missing"),  # no file
    pytest.param(both(lambda f: shutil.copy(f / "stations.csv", f / "stations.txt"),
                      add_tables(stations="stations.txt")), 1,
                 ("stations.txt: cannot read the file", "unsupported suffix", ".csv, .xlsx"),
                 id="unsupported-suffix"),  # .txt table
    # --- columns ---
    pytest.param(frame_edit("demand.csv", lambda d: d.drop(columns="kg")), 1,
                 ("demand.csv: missing column 'kg'", "weight, kg"),
                 id="missing-column"),  # demand without kg
    pytest.param(frame_edit("demand.csv", lambda d: d.rename(columns={"parcels": "parcles"})), 2,
                 ("demand.csv: unknown column 'parcles'", "did you mean 'parcels'?",
                  "Valid columns: id, station, carrier"), id="unknown-column"),  # typo
    pytest.param(frame_edit("stations.csv", lambda d: d.assign(colour="red")), 1,
                 ("stations.csv: unknown column 'colour'", "Valid columns:",
                  "prefix a column with '_'"), id="unknown-column-no-hint"),  # no close match
    # --- cells ---
    pytest.param(frame_edit("stations.csv", lambda d: d.assign(
        visit_every_days=["", "", "", 9, "", "", "", ""])), 1,
                 ("stations.csv row 5", "visit_every_days", "whole number of days in 1..7",
                  "got 9"), id="station-frequency"),  # a village visited every 9 days
    pytest.param(replace("demand.csv", "D04,V1", "D04,V9"), 1,
                 ("demand.csv row 5, field 'station'", "unknown station 'V9'"),
                 id="unknown-station"),  # demand for a station not in stations.csv
    pytest.param(replace("demand.csv", "D02,T1,zto", "D02,T1,yto"), 1,
                 ("demand.csv row 3, field 'carrier'", "unknown carrier 'yto'",
                  "known: ['post', 'zto']"), id="unknown-carrier"),  # carrier not in carriers.csv
    pytest.param(replace("vehicles.csv", ",HUB,alliance\nreefer", ",HUB,sto\nreefer"), 1,
                 ("vehicles.csv row 2, field 'owner'", "got 'sto'",
                  "must be 'alliance' or one of the carriers ['post', 'zto']"),
                 id="unknown-owner"),  # van owned by a carrier not listed
    pytest.param(replace("vehicles.csv", "9,true,HUB", "9,true,DEPOT"), 1,
                 ("vehicles.csv row 3, field 'depot'", "unknown station 'DEPOT'"),
                 id="unknown-depot"),  # reefer parked nowhere
    pytest.param(replace("stations.csv", "V3,西一村,village,111.1100,35.1200,T2",
                         "V3,西一村,village,111.1100,35.1200,V1"), 1,
                 ("stations.csv row 7, field 'township'", "'V1' is a village station",
                  "expected a township station"), id="township-is-village"),  # village parent
    pytest.param(replace("demand.csv", "35,40,", "35,-40,"), 1,
                 ("demand.csv row 4, field 'kg'", "must be a finite number >= 0", "got -40.0"),
                 id="negative-kg"),  # negative weight
    pytest.param(replace("demand.csv", "D06,V2,post,down,15", "D06,V2,post,down,-15"), 1,
                 ("demand.csv row 7, field 'parcels'", "whole number >= 0", "got -15"),
                 id="negative-parcels"),  # negative count
    pytest.param(replace("demand.csv", "40,50,", "40,heavy,"), 1,
                 ("demand.csv row 2, field 'kg'", "must be a number", "got 'heavy'"),
                 id="non-numeric-kg"),  # word for a number
    pytest.param(replace("demand.csv", "40,50,", "40,50 kg,"), 1,
                 ("demand.csv row 2, field 'kg'", "must be a number", "got '50 kg'"),
                 id="unit-in-cell"),  # unit typed into the cell
    pytest.param(replace("demand.csv", "D01,T1,post,down,40", "D01,T1,post,down,4.5"), 1,
                 ("demand.csv row 2, field 'parcels'", "whole number", "got '4.5'"),
                 id="fractional-parcels"),  # parcels not int
    pytest.param(replace("demand.csv", "D01,T1,post,down,40", "D01,T1,post,down,forty"), 1,
                 ("demand.csv row 2, field 'parcels'", "must be a whole number", "got 'forty'"),
                 id="non-numeric-parcels"),  # word for a whole number
    pytest.param(replace("demand.csv", "D01,T1,post,down", "D01,T1,post,downward"), 1,
                 ("demand.csv row 2, field 'direction'", "must be one of {down, up}",
                  "got 'downward'"), id="bad-direction"),  # enum typo
    pytest.param(replace("demand.csv", "0.25,false", "0.25,maybe"), 1,
                 ("demand.csv row 4, field 'fresh'", "true or false", "got 'maybe'"),
                 id="bad-bool"),  # neither true nor false
    pytest.param(replace(("stations.csv"), "T2,西乡,township", "T2,西乡,town"), 1,
                 ("stations.csv row 4, field 'tier'",
                  "must be one of {hub, township, village, outlet}", "got 'town'"),
                 id="unknown-tier"),  # abbreviation
    pytest.param(replace("stations.csv", V1_ROW, V1_ROW.replace("08:00,18:00", "18:00,08:00")),
                 1, ("stations.csv row 5, field 'open'", "must be <= close"),
                 id="reversed-window"),  # open 18:00, close 08:00
    pytest.param(replace("stations.csv", V1_ROW, V1_ROW.replace("08:00,18:00", "18:00,08:00")),
                 1, ("stations.csv row 5, field 'open'", "must be <= close (08:00)",
                     "got '18:00'"), id="reversed-window-as-typed"),  # HH:MM, not seconds
    pytest.param(replace("stations.csv", "V2,东二村,village,111.3200,35.1500,T1,,08:00",
                         "V2,东二村,village,111.3200,35.1500,T1,,25:00"), 1,
                 ("stations.csv row 6, field 'open'", "time of day HH:MM between 00:00 and 24:00",
                  "got '25:00'"), id="time-25h"),  # hour 25
    pytest.param(replace("stations.csv", V1_ROW, V1_ROW.replace("18:00", "8am")), 1,
                 ("stations.csv row 5, field 'close'", "time of day HH:MM", "got '8am'"),
                 id="time-8am"),  # 12-hour clock
    pytest.param(replace("stations.csv", V1_ROW, V1_ROW.replace("18:00", "18:75")), 1,
                 ("stations.csv row 5, field 'close'", "time of day HH:MM", "got '18:75'"),
                 id="time-75-minutes"),  # minute out of range
    pytest.param(replace("demand.csv", "false,09:00", "false,24:30"), 1,
                 ("demand.csv row 6, field 'ready'", "between 00:00 and 24:00", "got '24:30'"),
                 id="time-after-midnight"),  # past the end of the day
    pytest.param(replace("stations.csv", "111.1100,35.1200", "200,35.1200"), 1,
                 ("stations.csv row 7, field 'lon'", "longitude inside China (73.0..135.5",
                  "got 200.0"), id="lon-outside-china"),  # impossible longitude
    pytest.param(replace("stations.csv", "111.1000,35.0900", "111.1000,-35.0900"), 1,
                 ("stations.csv row 8, field 'lat'", "latitude inside China (17.5..54.0",
                  "got -35.09"), id="lat-southern-hemisphere"),  # sign lost
    pytest.param(replace("stations.csv", "111.1100,35.1200", "35.1200,111.1100"), 1,
                 ("stations.csv row 7, field 'lon'", "longitude inside China", "got 35.12"),
                 id="lon-lat-swapped"),  # lat,lon order
    pytest.param(replace("stations.csv", "111.1100,35.1200", "12368000.5,4181000.2"), 1,
                 ("stations.csv row 7, field 'lon'", "longitude inside China",
                  "got 12368000.5"), id="projected-metres"),  # Web Mercator metres
    pytest.param(replace("stations.csv", "111.1100,35.1200", "111°06',35.1200"), 1,
                 ("stations.csv row 7, field 'lon'", "must be a number", "got \"111°06'\""),
                 id="lon-in-dms"),  # degrees-minutes text
    pytest.param(replace("stations.csv", "V4,西二村", ",西二村"), 1,
                 ("stations.csv row 8, field 'id'", "is empty", "station id"),
                 id="empty-id"),  # id cell left blank
    pytest.param(replace("vehicles.csv", "1.2,30,50,9,", "1.2,30,50,25,"), 1,
                 ("vehicles.csv row 3, field 'max_shift_h'", ">= 0.1 and <= 24 h", "got 25.0"),
                 id="shift-over-24h"),  # 25 h shift
    pytest.param(replace("vehicles.csv", "1.2,30,50,9,", "1.2,30,0,9,"), 1,
                 ("vehicles.csv row 3, field 'speed_kph'", ">= 1 and <= 130 km/h", "got 0.0"),
                 id="speed-zero"),  # parked reefer
    pytest.param(replace("vehicles.csv", "2,300,3,120", "2,0,3,120"), 1,
                 ("vehicles.csv row 2, field 'capacity_kg'", "> 0", "got 0.0"),
                 id="zero-capacity"),  # van carries nothing
    pytest.param(replace("carriers.csv", "post,China Post", "alliance,China Post"), 1,
                 ("carriers.csv row 2, field 'id'", "must not be 'alliance'", "got 'alliance'"),
                 id="carrier-alliance"),  # reserved id
    pytest.param(replace("carriers.csv", "0.5\nzto", "1.5\nzto"), 1,
                 ("carriers.csv row 2, field 'market_share'", "fraction in 0..1", "got 1.5"),
                 id="share-over-1"),  # 150 % share
]


@pytest.mark.parametrize(("edit", "count", "fragments"), CASES)
def test_bad_scenario_message(tmp_path: Path, edit: Edit, count: int,
                              fragments: tuple[str, ...]) -> None:
    """One defect gives a ScenarioError naming file, row, field, bad value and what is valid."""
    folder = copy_tiny(tmp_path)
    edit(folder)
    problems = problems_of(folder)
    the_problem(problems, *fragments)
    assert len(problems) == count, problems


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        pytest.param(replace("scenario.toml", "seed = 1", "seed = 1.5"),
                     ("[solve] seed must be a whole number (random seed)", "got 1.5"),
                     id="seed-float"),  # type named, then the meaning
        pytest.param(replace("scenario.toml", 'name = "tiny"', "name = 7"),
                     ("[scenario] name must be a string (short name)", "got 7"),
                     id="name-not-string"),  # a number where text is expected
        pytest.param(replace("demand.csv", "D04,V1", "D04,V9"),
                     ("demand.csv row 5, field 'station'", "unknown station 'V9'",
                      "did you mean 'V1', 'V2' or 'V3'?"),
                     id="unknown-station-hint"),  # V1..V5 are equally close: first three
        pytest.param(replace("demand.csv", "D04,V1", "D04,v1"),
                     ("demand.csv row 5, field 'station'", "did you mean 'V1'?"),
                     id="unknown-station-case"),  # wrong case
        pytest.param(replace("vehicles.csv", "9,true,HUB", "9,true,HUV"),
                     ("vehicles.csv row 3, field 'depot'", "did you mean 'HUB'?"),
                     id="unknown-depot-hint"),  # typo in the depot id
        pytest.param(replace("carriers.csv", "zto,ZTO", "post,ZTO"),
                     ("carriers.csv row 3, field 'id'", "duplicate carrier id 'post'"),
                     id="duplicate-carrier-row"),  # the repeat, at its own row
    ],
)
def test_message_gaps(tmp_path: Path, edit: Edit, fragments: tuple[str, ...]) -> None:
    """Messages say the expected type, suggest the id meant, and locate duplicates."""
    folder = copy_tiny(tmp_path)
    edit(folder)
    the_problem(problems_of(folder), *fragments)


@pytest.mark.parametrize(
    ("toml_value", "shown"),
    [
        pytest.param("300", "got 300", id="stop-300-min"),  # minutes, not 18000 seconds
        pytest.param("-1", "got -1", id="stop-negative"),  # not -60 seconds
        pytest.param("nan", "got nan", id="stop-nan"),  # no ValueError crash
        pytest.param("inf", "got inf", id="stop-inf"),  # no OverflowError crash
    ],
)
def test_service_stop_min_reported_as_typed(tmp_path: Path, toml_value: str, shown: str) -> None:
    """A bad [service] stop_min is a ScenarioError showing the minutes the user typed."""
    folder = copy_tiny(tmp_path)
    replace("scenario.toml", "stop_min = 5", f"stop_min = {toml_value}")(folder)
    the_problem(problems_of(folder), "scenario.toml", "[service] stop_min", "0..240 minutes",
                shown)


BUDGET = "must be > 0 seconds and <= 86400 (24 h)"


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = nan"),
                     ("[solve] time_limit_s", BUDGET, "got nan"), id="time-limit-nan"),  # TOML nan
        pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = inf"),
                     ("[solve] time_limit_s", BUDGET, "got inf"), id="time-limit-inf"),
        pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = -1"),
                     ("[solve] time_limit_s", BUDGET, "got -1"), id="time-limit-negative"),
        pytest.param(replace("scenario.toml", "time_limit_s = 5", "time_limit_s = 1e308"),
                     ("[solve] time_limit_s", BUDGET, "got 1e+308"), id="time-limit-huge"),
        pytest.param(replace("scenario.toml", "seed = 1", "seed = 9223372036854775807"),
                     ("[solve] seed must be a whole number in 0..2147483647",
                      "got 9223372036854775807"), id="seed-int64"),  # PyVRP raises on it
        pytest.param(replace("scenario.toml", "seed = 1", "seed = -1"),
                     ("[solve] seed must be a whole number in 0..2147483647", "got -1"),
                     id="seed-negative"),
        pytest.param(replace("scenario.toml", "solution_limit = 50", "solution_limit = 0"),
                     ("[solve] solution_limit must be a whole number >= 1 and <= 2147483647",
                      "got 0"), id="solution-limit-zero"),
        pytest.param(lambda f: _append(f / "scenario.toml", "\n[compare]\n"
                                       "coalition_time_limit_s = inf\n"),
                     ("[compare] coalition_time_limit_s", BUDGET, "got inf"),
                     id="compare-coalition-inf"),
    ],
)
def test_solver_budget_must_be_finite(tmp_path: Path, edit: Edit,
                                      fragments: tuple[str, ...]) -> None:
    """nan, inf, negative or absurd budgets and seeds in scenario.toml are a ScenarioError
    naming the file, section, field, value and the valid range, before any solve."""
    folder = copy_tiny(tmp_path)
    edit(folder)
    the_problem(problems_of(folder), "scenario.toml: ", *fragments)


def test_access_speed_negative(tmp_path: Path) -> None:
    """A negative access speed in scenario.toml is rejected (it would give negative times)."""
    folder = copy_tiny(tmp_path)
    replace("scenario.toml", "speed_kph = 40", "speed_kph = 40\naccess_speed_kph = -5")(folder)
    the_problem(problems_of(folder), "[network] access_speed_kph must be a finite number >= 1",
                "got -5")


def test_missing_scenario_toml(tmp_path: Path) -> None:
    """A folder without scenario.toml says so and names the folder."""
    folder = copy_tiny(tmp_path)
    (folder / "scenario.toml").unlink()
    (problem,) = problems_of(folder)
    assert "no scenario.toml in" in problem and str(folder) in problem


def test_not_a_folder(tmp_path: Path) -> None:
    """A path that does not exist is a ScenarioError, not a FileNotFoundError."""
    (problem,) = problems_of(tmp_path / "nowhere")
    assert "no scenario.toml" in problem


def test_toml_not_utf8(tmp_path: Path) -> None:
    """A scenario.toml saved in GBK is reported as invalid TOML, not a UnicodeDecodeError."""
    folder = copy_tiny(tmp_path)
    toml = folder / "scenario.toml"
    toml.write_bytes(toml.read_text(encoding="utf-8").encode("gb18030"))
    (problem,) = problems_of(folder)
    assert "scenario.toml: not valid TOML" in problem


# ------------------------------------------------------------------- many problems at once


def test_errors_in_several_files_reported_together(tmp_path: Path) -> None:
    """Cell errors in stations, vehicles and demand come in one ScenarioError, each located."""
    folder = copy_tiny(tmp_path)
    replace("stations.csv", V1_ROW, V1_ROW.replace("18:00", "8pm"))(folder)
    replace("vehicles.csv", "冷藏车,1,800", "冷藏车,one,800")(folder)
    replace("demand.csv", "40,50,", "40,heavy,")(folder)
    replace("demand.csv", "D12,V4,zto,down", "D12,V4,zto,sideways")(folder)
    problems = problems_of(folder)
    assert len(problems) == 4, problems
    the_problem(problems, "stations.csv row 5, field 'close'", "'8pm'")
    the_problem(problems, "vehicles.csv row 3, field 'count'", "'one'")
    the_problem(problems, "demand.csv row 2, field 'kg'", "'heavy'")
    the_problem(problems, "demand.csv row 13, field 'direction'", "'sideways'")


def test_value_errors_in_several_files_reported_together(tmp_path: Path) -> None:
    """Out-of-range values in all four tables are reported together, one line each."""
    folder = copy_tiny(tmp_path)
    replace("stations.csv", "111.1100,35.1200", "200,35.1200")(folder)
    replace("carriers.csv", "0.5\nzto", "1.5\nzto")(folder)
    replace("vehicles.csv", "2,300,3,120", "2,0,3,120")(folder)
    replace("demand.csv", "35,40,", "35,-40,")(folder)
    problems = problems_of(folder)
    assert len(problems) == 4, problems
    for where in ("stations.csv row 7, field 'lon'", "carriers.csv row 2, field 'market_share'",
                  "vehicles.csv row 2, field 'capacity_kg'", "demand.csv row 4, field 'kg'"):
        the_problem(problems, where)


def test_reference_errors_reported_together(tmp_path: Path) -> None:
    """Broken references in three tables are reported together, each at its own row."""
    folder = copy_tiny(tmp_path)
    replace("stations.csv", "V5,西三村,village,111.1500,35.0800,T2",
            "V5,西三村,village,111.1500,35.0800,T9")(folder)
    replace("vehicles.csv", "9,true,HUB", "9,true,DEPOT")(folder)
    replace("demand.csv", "D02,T1,zto", "D02,T1,yto")(folder)
    replace("demand.csv", "D04,V1", "D04,HUB")(folder)
    problems = problems_of(folder)
    assert len(problems) == 4, problems
    the_problem(problems, "stations.csv row 9, field 'township'", "'T9'")
    the_problem(problems, "vehicles.csv row 3, field 'depot'", "'DEPOT'")
    the_problem(problems, "demand.csv row 3, field 'carrier'", "'yto'")
    the_problem(problems, "demand.csv row 5, field 'station'", "'HUB' is a depot")


def test_many_problems_are_truncated_but_counted(tmp_path: Path) -> None:
    """With more than 30 problems the message shows 30 and says how many more there are."""
    folder = copy_tiny(tmp_path)
    frame_edit("demand.csv", lambda d: d.assign(kg="heavy", m3="big", parcels="many"))(folder)
    with pytest.raises(ScenarioError) as info:
        read_scenario(folder)
    assert len(info.value.problems) == 36
    text = str(info.value)
    assert text.startswith("36 problems in") and "... and 6 more" in text


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(both(replace("scenario.toml", "time_limit_s = 5", "time_limt_s = 5"),
                          replace("demand.csv", "40,50,", "40,heavy,")),
                     id="toml-and-cell"),  # TOML key problem, tables still read
        pytest.param(both(replace("scenario.toml", "speed_kph = 40", "speed_kph = 400"),
                          replace("vehicles.csv", "2,300,3,120", "2,0,3,120")),
                     id="toml-value-and-value"),  # out-of-range setting and cell value
        pytest.param(both(replace("stations.csv", "111.1100,35.1200", "200,35.1200"),
                          replace("demand.csv", "40,50,", "40,heavy,")),
                     id="value-and-cell"),  # value checks run on every row that parsed
    ],
)
def test_errors_of_different_kinds_reported_together(tmp_path: Path, edit: Edit) -> None:
    """A TOML/value error and a cell error in other files come in one ScenarioError."""
    folder = copy_tiny(tmp_path)
    edit(folder)
    assert len(problems_of(folder)) == 2


# ------------------------------------------------------------------ committed bad examples


def test_committed_demand_row_defects(tmp_path: Path) -> None:
    """Every row of tests/data/bad/demand_row_defects.csv is reported at its row and field."""
    folder = copy_tiny(tmp_path)
    shutil.copy(BAD / "demand_row_defects.csv", folder / "demand.csv")
    frame = pd.read_csv(folder / "demand.csv", dtype=str, keep_default_na=False)
    expected = [(k + 2, d.split(":")[0]) for k, d in enumerate(frame["_defect"]) if d]
    problems = problems_of(folder)
    for row, field in expected:
        the_problem(problems, f"demand.csv row {row}, field '{field}'")
    assert len(problems) == len(expected), problems


def test_committed_swapped_lonlat(tmp_path: Path) -> None:
    """A stations table exported as lat,lon is rejected at every row on the lon field."""
    folder = copy_tiny(tmp_path)
    shutil.copy(BAD / "stations_swapped_lonlat.csv", folder / "stations.csv")
    problems = problems_of(folder)
    assert len(problems) == 8, problems
    for row in range(2, 10):
        the_problem(problems, f"stations.csv row {row}, field 'lon'", "longitude inside China")


# -------------------------------------------------------------------------------- blank rows


def test_blank_rows_are_ignored(tmp_path: Path) -> None:
    """Blank lines and comma-only rows (spreadsheet leftovers) are not data rows."""
    folder = copy_tiny(tmp_path)
    replace("stations.csv", "\nT2,", "\n,,,,,,,,,,\nT2,")(folder)  # comma-only row
    replace("demand.csv", "\nD05,", "\n\nD05,")(folder)  # empty line
    _append(folder / "demand.csv", ",,,,,,,,\n\n")  # trailing blank rows
    scenario = read_scenario(folder)
    original = read_scenario(TINY)
    assert scenario.stations == original.stations
    assert scenario.demand == original.demand


def test_comma_only_row_keeps_row_numbers(tmp_path: Path) -> None:
    """After a comma-only row, errors still name the line the user sees."""
    folder = copy_tiny(tmp_path)
    replace("demand.csv", "ready\nD01,", "ready\n,,,,,,,,\nD01,")(folder)
    replace("demand.csv", "40,50,", "40,-50,")(folder)
    the_problem(problems_of(folder), "demand.csv row 3, field 'kg'", "got -50.0")


def test_empty_line_keeps_row_numbers(tmp_path: Path) -> None:
    """After an empty line, errors still name the line the user sees."""
    folder = copy_tiny(tmp_path)
    replace("demand.csv", "ready\nD01,", "ready\n\nD01,")(folder)
    replace("demand.csv", "40,50,", "40,-50,")(folder)
    the_problem(problems_of(folder), "demand.csv row 3, field 'kg'", "got -50.0")


@pytest.mark.parametrize(
    "alias",
    [
        pytest.param("编号", id="chinese-alias"),  # id given twice, once in Chinese
        pytest.param("ID", id="upper-case"),  # id given twice, once in upper case
    ],
)
def test_column_given_twice(tmp_path: Path, alias: str) -> None:
    """A column given under two of its names is a ScenarioError, never a silent choice."""
    folder = copy_tiny(tmp_path)
    frame_edit("stations.csv", lambda d: d.assign(**{alias: "X" + d["id"]}))(folder)
    problems = problems_of(folder)
    the_problem(problems, "stations.csv: column 'id' is given twice", f"as 'id' and '{alias}'")
    assert len(problems) == 1, problems  # no phantom unknown stations in the other tables


def test_same_header_twice(tmp_path: Path) -> None:
    """The very same header twice (not mangled to 'kg.1' by pandas) is named as doubled."""
    folder = copy_tiny(tmp_path)
    replace("demand.csv", "fresh,ready\n", "fresh,ready,kg\n")(folder)
    the_problem(problems_of(folder), "demand.csv: column 'kg' is given twice",
                "as 'kg' and 'kg'")


def test_blank_lines_before_header_keep_row_numbers(tmp_path: Path) -> None:
    """A CSV starting with blank lines: the header is the first non-blank line, rows keep the
    numbers a user sees (header on row 3 here, so D01 is row 4)."""
    folder = copy_tiny(tmp_path)
    path = folder / "demand.csv"
    path.write_text("\n,,,\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    replace("demand.csv", "40,50,", "40,-50,")(folder)
    the_problem(problems_of(folder), "demand.csv row 4, field 'kg'", "got -50.0")


def test_excel_blank_rows_keep_row_numbers(tmp_path: Path) -> None:
    """In Excel, a blank row above the header keeps the sheet's row numbers (header: row 2)."""
    folder = copy_tiny(tmp_path)
    frame = pd.read_csv(folder / "demand.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "kg"] = "-50"
    blank = pd.DataFrame([[None] * len(frame.columns)], columns=frame.columns)
    body = pd.concat([frame.iloc[:2], blank, frame.iloc[2:]], ignore_index=True)
    with pd.ExcelWriter(folder / "demand.xlsx", engine="openpyxl") as book:
        body.to_excel(book, index=False, startrow=1)  # row 1 blank, header on row 2
    add_tables(demand="demand.xlsx")(folder)
    the_problem(problems_of(folder), "demand.xlsx row 3, field 'kg'", "got -50.0")


def test_excel_blank_row_shifts_nothing_after_it(tmp_path: Path) -> None:
    """A blank sheet row between data rows does not shift the row numbers after it."""
    folder = copy_tiny(tmp_path)
    frame = pd.read_csv(folder / "demand.csv", dtype=str, keep_default_na=False)
    frame.loc[3, "kg"] = "heavy"  # D04, row 5 without the blank row, row 6 with it
    blank = pd.DataFrame([[None] * len(frame.columns)], columns=frame.columns)
    body = pd.concat([frame.iloc[:1], blank, frame.iloc[1:]], ignore_index=True)
    body.to_excel(folder / "demand.xlsx", index=False)
    add_tables(demand="demand.xlsx")(folder)
    the_problem(problems_of(folder), "demand.xlsx row 6, field 'kg'", "got 'heavy'")


def test_more_cells_than_header(tmp_path: Path) -> None:
    """A row with an unquoted comma has more cells than the header: reported at its row."""
    folder = copy_tiny(tmp_path)
    replace("carriers.csv", "zto,ZTO,中通,0.5", "zto,ZTO,Inc,中通,0.5")(folder)
    the_problem(problems_of(folder), "carriers.csv row 3:", "more cells than the header",
                "got ['0.5']")


def test_tables_section_problem_stops_before_tables(tmp_path: Path) -> None:
    """A problem in [tables] itself stops the load: which files to read is unknown, so no
    'file not found' noise follows it."""
    folder = copy_tiny(tmp_path)
    add_tables(station="stations.csv")(folder)  # typo: station for stations
    replace("demand.csv", "40,50,", "40,heavy,")(folder)  # would be reported otherwise
    (problem,) = problems_of(folder)
    assert "unknown key 'station' in [tables]; did you mean 'stations'?" in problem


def test_tables_value_wrong_type(tmp_path: Path) -> None:
    """A [tables] entry that is not a file name says a string is expected."""
    folder = copy_tiny(tmp_path)
    _append(folder / "scenario.toml", "\n[tables]\nstations = 3\n")
    (problem,) = problems_of(folder)
    assert "[tables] stations must be a string (file); got 3" in problem


def test_default_window_reversed(tmp_path: Path) -> None:
    """[service] open after close is one problem in scenario.toml, not one per station."""
    folder = copy_tiny(tmp_path)
    replace("scenario.toml", 'open = "07:00"', 'open = "20:00"')(folder)
    (problem,) = problems_of(folder)
    assert problem == "scenario.toml: [service] open must be <= close (19:00); got '20:00'"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        pytest.param(V1_ROW.replace("08:00,18:00", "20:00,"), "open",
                     "must be <= close (19:00, the [service] close); got '20:00'",
                     id="open-after-default-close"),  # only open typed on the row
        pytest.param(V1_ROW.replace("08:00,18:00", ",06:30"), "close",
                     "must be >= open (07:00, the [service] open); got '06:30'",
                     id="close-before-default-open"),  # only close typed on the row
    ],
)
def test_window_against_default(tmp_path: Path, row: str, field: str, message: str) -> None:
    """A station time against a [service] default blames the cell typed and names the default."""
    folder = copy_tiny(tmp_path)
    replace("stations.csv", V1_ROW, row)(folder)
    (problem,) = problems_of(folder)
    assert problem == f"stations.csv row 5, field '{field}': {message}"


def test_close_at_midnight_is_end_of_day(tmp_path: Path) -> None:
    """A closing time of 00:00 (in a table or in [service]) is 24:00, the end of the day."""
    folder = copy_tiny(tmp_path)
    replace("stations.csv", V1_ROW, V1_ROW.replace("18:00", "00:00"))(folder)
    replace("scenario.toml", 'close = "19:00"', 'close = "00:00"')(folder)
    scenario = read_scenario(folder)
    assert scenario.station("V1").close_s == 24 * 3600
    assert scenario.station("T1").close_s == 24 * 3600  # no close of its own: the default


def test_a_bad_value_repeated_is_named_on_every_row(tmp_path):
    """Cells are parsed once per (column, text) on big manifests; a bad text that repeats is
    still a problem of each row it is on, with that row's number."""
    folder = copy_tiny(tmp_path)
    frame_edit("demand.csv", lambda f: f.assign(direction="sideways"))(folder)
    with pytest.raises(ScenarioError) as exc:
        read_scenario(folder)
    rows = len(pd.read_csv(folder / "demand.csv"))
    found = [p for p in exc.value.problems if "field 'direction'" in p]
    assert len(found) == rows
    assert [p.split(",")[0] for p in found] == [f"demand.csv row {k}"
                                                for k in range(2, rows + 2)]
