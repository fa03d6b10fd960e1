"""Tests for routing.io: the tiny scenario in every table format, encoding and coordinate system."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.constants import CHINA_LAT_RANGE, CHINA_LON_RANGE
from routing.io import read_scenario
from routing.io.coords import gcj02_to_bd09, gcj02_to_wgs84, to_wgs84, wgs84_to_gcj02
from routing.io.tables import parse_closing_s, parse_time_s
from routing.model import Scenario

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
TABLES = ("stations", "carriers", "vehicles", "demand")


@pytest.fixture(scope="module")
def reference() -> Scenario:
    """The tiny scenario read from its committed CSV files."""
    return read_scenario(TINY)


def copy_tiny(tmp_path: Path) -> Path:
    """Copy the tiny scenario into tmp_path and return the copy's folder."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def set_toml(folder: Path, *, tables: dict[str, str] | None = None, crs: str | None = None) -> None:
    """Point scenario.toml at other table files and/or declare another crs."""
    toml = folder / "scenario.toml"
    text = toml.read_text(encoding="utf-8")
    if crs is not None:
        assert text.count('crs = "wgs84"') == 1
        text = text.replace('crs = "wgs84"', f'crs = "{crs}"')
    if tables:
        text += "\n[tables]\n" + "".join(f'{k} = "{v}"\n' for k, v in tables.items())
    toml.write_text(text, encoding="utf-8")


def text_frame(table: str) -> pd.DataFrame:
    """A tiny table with every cell as the text in the CSV (blank cells as '')."""
    return pd.read_csv(TINY / f"{table}.csv", dtype=str, keep_default_na=False)


def typed_frame(table: str) -> pd.DataFrame:
    """A tiny table with pandas' own types (numbers, booleans, NaN for blanks), as Excel holds."""
    return pd.read_csv(TINY / f"{table}.csv")


def assert_same_stations(got: Scenario, want: Scenario, tol: float = 1e-6) -> None:
    """Same station ids, tiers, names and townships in the same order; lon/lat within tol."""
    assert [(s.id, s.tier, s.name, s.township_id) for s in got.stations] == [
        (s.id, s.tier, s.name, s.township_id) for s in want.stations]
    for g, w in zip(got.stations, want.stations, strict=True):
        assert abs(g.lon - w.lon) <= tol and abs(g.lat - w.lat) <= tol, (g, w)


def assert_same_scenario(got: Scenario, want: Scenario) -> None:
    """Everything but the folder is equal (exact floats: no format may round a value)."""
    assert got.stations == want.stations
    assert got.carriers == want.carriers
    assert got.vehicle_types == want.vehicle_types
    assert got.demand == want.demand
    assert (got.targets, got.network, got.service, got.solve) == (
        want.targets, want.network, want.service, want.solve)


# ---------------------------------------------------------------------------------- Excel


def test_excel_workbook_with_sheet_references(tmp_path: Path, reference: Scenario) -> None:
    """All four tables as sheets of one .xlsx, named with file.xlsx#Sheet, load like the CSVs."""
    folder = copy_tiny(tmp_path)
    with pd.ExcelWriter(folder / "tiny.xlsx", engine="openpyxl") as book:
        pd.DataFrame({"说明": ["测试县 test workbook"]}).to_excel(book, sheet_name="Readme",
                                                             index=False)
        for table in TABLES:
            typed_frame(table).to_excel(book, sheet_name=table.capitalize(), index=False)
    for table in TABLES:
        (folder / f"{table}.csv").unlink()  # prove the CSVs are not what is read
    set_toml(folder, tables={t: f"tiny.xlsx#{t.capitalize()}" for t in TABLES})
    assert_same_scenario(read_scenario(folder), reference)


@pytest.mark.parametrize(
    "cells",
    [
        "text",  # every cell typed as text, as when pasted from a text editor
        "typed",  # numbers, booleans and empty cells, as Excel stores them
        "time-cells",  # open/close as real Excel times (h:mm), as a user types 08:00
    ],
)
def test_excel_stations_first_sheet(tmp_path: Path, reference: Scenario, cells: str) -> None:
    """stations.xlsx without #Sheet is read from its first sheet, whatever the cell types."""
    folder = copy_tiny(tmp_path)
    frame = text_frame("stations") if cells == "text" else typed_frame("stations")
    if cells == "time-cells":
        for col in ("open", "close"):
            frame[col] = [dt.time(*map(int, v.split(":"))) if isinstance(v, str) else None
                          for v in frame[col]]
    frame.to_excel(folder / "stations.xlsx", index=False)
    set_toml(folder, tables={"stations": "stations.xlsx"})
    got = read_scenario(folder)
    assert_same_scenario(got, reference)


@pytest.mark.parametrize(
    "number_format",
    [
        pytest.param("h:mm", id="h-mm"),  # Excel shows 0:00, openpyxl reads 1900-01-01 00:00
        pytest.param("[h]:mm", id="elapsed-h-mm"),  # Excel shows 24:00, openpyxl: timedelta
    ],
)
def test_excel_close_at_24h(tmp_path: Path, number_format: str) -> None:
    """A closing time typed as 24:00 in Excel loads as the end of the day (86400 s)."""
    folder = copy_tiny(tmp_path)
    frame = typed_frame("stations")
    frame.to_excel(folder / "stations.xlsx", index=False)
    book = openpyxl.load_workbook(folder / "stations.xlsx")
    sheet = book.active
    close_col = list(frame.columns).index("close") + 1
    cell = sheet.cell(row=3, column=close_col)  # T1
    cell.value, cell.number_format = 1.0, number_format
    book.save(folder / "stations.xlsx")
    set_toml(folder, tables={"stations": "stations.xlsx"})
    assert read_scenario(folder).station("T1").close_s == 24 * 3600


# ------------------------------------------------------------------------ GeoJSON / GeoPackage


def write_geo(folder: Path, file: str, epsg: int, layer: str | None = None) -> None:
    """Write the tiny stations as Point features (no lon/lat columns) in the given CRS."""
    frame = text_frame("stations")
    points = gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float))
    gdf = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]), geometry=points, crs="EPSG:4326")
    gdf.to_crs(epsg=epsg).to_file(folder / file, layer=layer)


@pytest.mark.parametrize(
    ("file", "epsg", "layer"),
    [
        ("stations.geojson", 4326, None),  # GeoJSON, WGS84 as RFC 7946 requires
        ("stations.json", 4326, None),  # same, .json suffix
        ("stations.gpkg", 4326, None),  # GeoPackage in WGS84
        ("stations.gpkg", 32649, None),  # GeoPackage in UTM 49N metres: must be reprojected
        ("network.gpkg", 3857, "stations"),  # Web Mercator, named layer via #stations
    ],
)
def test_geo_stations(tmp_path: Path, reference: Scenario, file: str, epsg: int,
                      layer: str | None) -> None:
    """Point-feature stations load to the CSV stations (ids, tiers, lon/lat within 1e-6)."""
    folder = copy_tiny(tmp_path)
    (folder / "stations.csv").unlink()
    if layer:
        write_geo(folder, file, epsg, layer="roads_placeholder")  # another layer comes first
    write_geo(folder, file, epsg, layer=layer)
    set_toml(folder, tables={"stations": f"{file}#{layer}" if layer else file})
    got = read_scenario(folder)
    assert_same_stations(got, reference)
    assert got.demand == reference.demand
    if epsg == 4326:
        assert got.stations == reference.stations


# -------------------------------------------------------------------- encodings and aliases

STATION_ALIASES = {"id": "编号", "name": "名称", "tier": "层级", "lon": "经度", "lat": "纬度",
                   "township": "所属乡镇", "open": "开门", "close": "关门"}
DEMAND_ALIASES = {"station": "站点", "carrier": "快递公司", "direction": "方向", "parcels": "件数",
                  "kg": "重量", "m3": "体积", "fresh": "生鲜"}


@pytest.mark.parametrize(
    ("encoding", "aliases"),
    [
        ("gb18030", False),  # Excel-in-China "CSV" export: GBK bytes, English headers
        ("utf-8", True),  # Chinese headers, UTF-8
        ("utf-8-sig", True),  # Chinese headers, UTF-8 with BOM (Excel "CSV UTF-8")
        ("gb18030", True),  # Chinese headers and GBK together, the common real case
    ],
)
def test_csv_encodings_and_chinese_headers(tmp_path: Path, reference: Scenario, encoding: str,
                                           aliases: bool) -> None:
    """GBK/BOM CSVs and Chinese column names load with Chinese names intact."""
    folder = copy_tiny(tmp_path)
    for table, names in (("stations", STATION_ALIASES), ("demand", DEMAND_ALIASES)):
        frame = text_frame(table)
        if aliases:
            frame = frame.rename(columns=names)
        frame.to_csv(folder / f"{table}.csv", index=False, encoding=encoding)
    raw = (folder / "stations.csv").read_bytes()
    assert ("测试县".encode("gb18030") in raw) == (encoding == "gb18030")  # really GBK bytes
    got = read_scenario(folder)
    assert [s.name for s in got.stations] == ["测试县物流中心", "东镇", "西乡", "东一村", "东二村",
                                              "西一村", "西二村", "西三村"]
    assert_same_scenario(got, reference)


def test_gbk_carriers_keep_chinese_names(tmp_path: Path, reference: Scenario) -> None:
    """A GBK carriers table keeps 中国邮政/中通 (not mojibake)."""
    folder = copy_tiny(tmp_path)
    text_frame("carriers").to_csv(folder / "carriers.csv", index=False, encoding="gb18030")
    got = read_scenario(folder)
    assert [c.name_zh for c in got.carriers] == ["中国邮政", "中通"]
    assert got.carriers == reference.carriers


# ------------------------------------------------------------------------ GCJ-02 and BD-09

Convert = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 to GCJ-02 (the Amap/Tencent coordinates)."""
    return wgs84_to_gcj02(lon, lat)


def bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 to BD-09 (the Baidu coordinates), via GCJ-02."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def write_shifted(folder: Path, convert: Convert) -> None:
    """Rewrite stations.csv with coordinates converted from WGS84 by ``convert`` (all digits)."""
    frame = text_frame("stations")
    lon, lat = convert(frame["lon"].astype(float).to_numpy(),
                       frame["lat"].astype(float).to_numpy())
    frame["lon"], frame["lat"] = [repr(float(x)) for x in lon], [repr(float(y)) for y in lat]
    frame.to_csv(folder / "stations.csv", index=False)


@pytest.mark.parametrize(
    ("crs", "convert", "tol"),
    [
        ("gcj02", gcj, 1e-6),  # Amap / Tencent coordinates
        ("GCJ02", gcj, 1e-6),  # crs is case-insensitive
        ("bd09", bd, 1e-8),  # Baidu coordinates: both shifts inverted by iteration
    ],
)
def test_chinese_datums_load_as_wgs84(tmp_path: Path, reference: Scenario, crs: str,
                                      convert: Convert, tol: float) -> None:
    """Stations given in GCJ-02/BD-09 with crs set load back to the WGS84 coordinates."""
    folder = copy_tiny(tmp_path)
    write_shifted(folder, convert)
    set_toml(folder, crs=crs)
    written = pd.read_csv(folder / "stations.csv")
    assert (written["lon"] - typed_frame("stations")["lon"]).abs().min() > 1e-3  # really shifted
    assert_same_stations(read_scenario(folder), reference, tol=tol)


def test_gcj02_without_crs_is_not_converted(tmp_path: Path, reference: Scenario) -> None:
    """GCJ-02 data read as WGS84 stays shifted by ~500 m: the crs key is what converts it."""
    folder = copy_tiny(tmp_path)
    write_shifted(folder, gcj)
    got = read_scenario(folder)
    shift = max(abs(g.lon - w.lon) for g, w in zip(got.stations, reference.stations, strict=True))
    assert 1e-3 < shift < 1e-2


def test_gcj02_reference_vector() -> None:
    """Xia county seat: GCJ-02 (111.220456, 35.141363) is WGS84 (111.214437, 35.141968)."""
    lon, lat = gcj02_to_wgs84(111.220456, 35.141363)
    assert abs(float(lon) - 111.214437) <= 1e-6
    assert abs(float(lat) - 35.141968) <= 1e-6
    wlon, wlat = to_wgs84(np.array([111.220456]), np.array([35.141363]), "gcj02")
    assert (float(wlon[0]), float(wlat[0])) == (float(lon), float(lat))


def test_to_wgs84_rejects_unknown_crs() -> None:
    """to_wgs84 names the valid choices when given an unknown crs."""
    with pytest.raises(ValueError, match=r"one of \{wgs84, gcj02, bd09\}; got 'utm'"):
        to_wgs84(np.array([111.0]), np.array([35.0]), "utm")


CHINA_LON = st.floats(*CHINA_LON_RANGE, allow_nan=False, allow_infinity=False)
CHINA_LAT = st.floats(*CHINA_LAT_RANGE, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(lon=CHINA_LON, lat=CHINA_LAT)
def test_gcj02_round_trip(lon: float, lat: float) -> None:
    """gcj02_to_wgs84 inverts wgs84_to_gcj02 within 1e-8 degrees anywhere in China."""
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert 1e-4 < abs(float(glon) - lon) + abs(float(glat) - lat) < 0.05  # a real shift
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert abs(float(wlon) - lon) <= 1e-8
    assert abs(float(wlat) - lat) <= 1e-8


@settings(max_examples=300, deadline=None, derandomize=True)
@given(lon=CHINA_LON, lat=CHINA_LAT)
def test_bd09_round_trip(lon: float, lat: float) -> None:
    """BD-09 → WGS84 inverts WGS84 → GCJ-02 → BD-09 within 1e-8 degrees anywhere in China."""
    blon, blat = bd(np.array([lon]), np.array([lat]))
    wlon, wlat = to_wgs84(blon, blat, "bd09")
    assert abs(float(wlon[0]) - lon) <= 1e-8
    assert abs(float(wlat[0]) - lat) <= 1e-8


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("07:30", 27000),  # text
        ("24:00", 86400),  # end of day, typed
        (dt.time(7, 30), 27000),  # Excel h:mm cell
        (dt.datetime(1900, 1, 1, 7, 30), 27000),  # Excel h:mm cell holding a serial > 1
        (dt.timedelta(hours=7, minutes=30), 27000),  # Excel [h]:mm cell
        (dt.timedelta(days=1), 86400),  # Excel [h]:mm cell showing 24:00
        (dt.timedelta(hours=7, microseconds=-1), 25200),  # float noise of an Excel serial
    ],
)
def test_parse_time_s(value: object, seconds: int) -> None:
    """Times of day from text and from every kind of Excel time cell."""
    assert parse_time_s(value) == seconds


@pytest.mark.parametrize(
    "value", ["25:00", "7am", dt.timedelta(hours=25), dt.timedelta(minutes=-1)])
def test_parse_time_s_rejects(value: object) -> None:
    """Times outside 00:00..24:00 (also as Excel durations) are rejected with the valid range."""
    with pytest.raises(ValueError, match="between 00:00 and 24:00"):
        parse_time_s(value)


def test_closing_midnight_is_end_of_day() -> None:
    """A closing time of 00:00 is 24:00 (Excel shows 24:00 as 0:00 in an h:mm cell)."""
    assert parse_closing_s("00:00") == parse_closing_s(dt.time(0, 0)) == 86400
    assert parse_closing_s("18:00") == parse_time_s("18:00") == 64800
