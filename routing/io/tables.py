"""Typed reading of the scenario tables from CSV, Excel, GeoJSON or GeoPackage.

Each table has a column schema (:class:`Column`). Reading never stops at the first bad cell: it
collects every problem with file, row, field, value and what would be valid, and the caller
raises them together. Row numbers are those a user sees: in CSV and Excel the header is row 1.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

TABLE_SUFFIXES = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")
_TRUE = {"true", "yes", "y", "1", "t", "是", "有", "√"}
_FALSE = {"false", "no", "n", "0", "f", "否", "无", ""}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, type, whether required, unit and meaning (for docs and errors)."""

    name: str
    kind: str  # str | int | float | bool | time | choice
    required: bool
    unit: str
    doc: str
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class Cell:
    """A parsed row: typed values by column name, plus where it came from."""

    __slots__ = ("row", "values")

    def __init__(self, row: int, values: dict[str, Any]) -> None:
        self.row = row
        self.values = values


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (
        isinstance(v, str) and v.strip() == "")


def parse_time_s(value: Any) -> int:
    """Parse a time of day to seconds after 00:00: ``"07:30"``, ``"24:00"``, or an Excel time."""
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, dt.datetime):
        return value.hour * 3600 + value.minute * 60 + value.second
    m = _TIME.match(str(value).strip())
    if not m:
        raise ValueError("must be a time of day HH:MM between 00:00 and 24:00")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    total = h * 3600 + mi * 60 + s
    if mi >= 60 or s >= 60 or total > 24 * 3600:
        raise ValueError("must be a time of day HH:MM between 00:00 and 24:00")
    return total


def _parse_int(v: Any) -> int:
    if isinstance(v, bool):
        raise ValueError("must be a whole number")
    f = float(str(v).strip().replace(",", "")) if not isinstance(v, int | float) else float(v)
    if not math.isfinite(f) or f != int(f):
        raise ValueError("must be a whole number")
    return int(f)


def _parse_float(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError("must be a number")
    try:
        f = float(str(v).strip().replace(",", "")) if not isinstance(v, int | float) else float(v)
    except ValueError:
        raise ValueError("must be a number") from None
    if not math.isfinite(f):
        raise ValueError("must be a finite number")
    return f


def _parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    s = str(v).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError("must be true or false (also yes/no, 1/0, 是/否)")


def _parse_str(v: Any) -> str:
    if isinstance(v, float) and v == int(v):
        # Excel and pandas turn codes like 140828100 into floats; give the code back.
        return str(int(v))
    return str(v).strip()


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": _parse_str, "int": _parse_int, "float": _parse_float, "bool": _parse_bool,
    "time": parse_time_s, "choice": lambda v: str(v).strip().lower(),
}


def _read_frame(path: Path, sheet: str | None) -> tuple[pd.DataFrame, int]:
    """Read a table file into strings/objects; return the frame and the row number of row 0."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for enc in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK by default
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc), 2
            except UnicodeDecodeError:
                continue
        raise ValueError("is neither UTF-8 nor GBK text")
    if suffix == ".xlsx":
        frame = pd.read_excel(path, sheet_name=sheet if sheet else 0, dtype=object,
                              engine="openpyxl")
        return frame, 2
    if suffix in (".geojson", ".json", ".gpkg"):
        import geopandas as gpd

        gdf = gpd.read_file(path, layer=sheet) if sheet else gpd.read_file(path)
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") and gdf.crs.is_projected:
            gdf = gdf.to_crs("EPSG:4326")
        frame = pd.DataFrame(gdf.drop(columns="geometry"))
        if "lon" not in frame.columns and len(gdf):
            ok = gdf.geometry.notna() & (gdf.geometry.geom_type == "Point")
            frame["lon"] = [g.x if k else None for g, k in zip(gdf.geometry, ok, strict=True)]
            frame["lat"] = [g.y if k else None for g, k in zip(gdf.geometry, ok, strict=True)]
        return frame.astype(object), 1  # features are numbered from 1
    raise ValueError(f"has an unsupported suffix; use one of {', '.join(TABLE_SUFFIXES)}")


def read_table(path: Path, columns: Sequence[Column], *, sheet: str | None = None,
               label: str | None = None) -> tuple[list[Cell], list[str]]:
    """Read and type a table; return its rows and every problem found (empty if clean).

    Parameters
    ----------
    path
        CSV (UTF-8 or GBK), Excel .xlsx (first sheet unless ``sheet``), GeoJSON or GeoPackage
        (point geometry gives ``lon``/``lat``).
    columns
        The schema. Unknown columns are errors (with a did-you-mean) unless they start with
        ``_`` or ``#`` or are named ``note``/``备注``: a typo must never silently drop a field.
    label
        How the file is named in messages (defaults to the file name).
    """
    name = label or path.name
    if not path.exists():
        return [], [f"{name}: file not found at {path}"]
    try:
        frame, first_row = _read_frame(path, sheet)
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [], [f"{name}: cannot read the file ({reason})"]

    by_name: dict[str, Column] = {}
    for c in columns:
        by_name[c.name] = c
        for a in c.aliases:
            by_name[a] = c
    problems: list[str] = []
    rename: dict[str, str] = {}
    for raw in frame.columns:
        key = str(raw).strip()
        if key in by_name:
            rename[raw] = by_name[key].name
        elif key.lower() in by_name:
            rename[raw] = by_name[key.lower()].name
        elif key.startswith(("_", "#")) or key.lower() in ("note", "notes", "备注") or \
                key.startswith("Unnamed:"):
            continue
        else:
            hint = difflib.get_close_matches(key, [c.name for c in columns], n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(f"{name}: unknown column '{key}'{did} Valid columns: "
                            f"{', '.join(c.name for c in columns)} (prefix a column with '_' to "
                            "keep it as a note)")
    frame = frame.rename(columns=rename)
    for c in columns:
        if c.required and c.name not in frame.columns:
            problems.append(f"{name}: missing column '{c.name}' ({c.doc}"
                            f"{', ' + c.unit if c.unit else ''})")
    if problems:
        return [], problems

    rows: list[Cell] = []
    records = frame.to_dict(orient="records")
    for k, rec in enumerate(records):
        row_no = first_row + k
        if all(_is_blank(v) for v in rec.values()):
            continue  # blank spreadsheet rows are not data
        values: dict[str, Any] = {}
        for c in columns:
            v = rec.get(c.name)
            if _is_blank(v):
                if c.required:
                    problems.append(f"{name} row {row_no}, field '{c.name}': is empty; "
                                    f"expected {c.doc}")
                values[c.name] = None
                continue
            try:
                parsed = _PARSERS[c.kind](v)
            except (ValueError, TypeError) as exc:
                problems.append(f"{name} row {row_no}, field '{c.name}': {exc}; got {v!r}")
                continue
            if c.kind == "choice" and parsed not in c.choices:
                problems.append(f"{name} row {row_no}, field '{c.name}': must be one of "
                                f"{{{', '.join(c.choices)}}}; got {v!r}")
                continue
            values[c.name] = parsed
        rows.append(Cell(row_no, values))
    return rows, problems
