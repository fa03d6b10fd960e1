"""Typed reading of the scenario tables from CSV, Excel, GeoJSON or GeoPackage.

Each table has a column schema (:class:`Column`). Reading never stops at the first bad cell: it
collects every problem with file, row, field, value and what would be valid, and the caller
raises them together. Row numbers are those a user sees: in CSV and Excel the header is row 1
(or the row it is on, when blank rows come first) and blank rows keep their numbers; features of
a GeoJSON/GeoPackage layer are numbered from 1. The header is read here, not by pandas, so a
column given twice (``id`` and ``ID``, or ``id`` and its alias ``编号``) is reported, not dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..constants import DAY_S

TABLE_SUFFIXES = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")
_TRUE = {"true", "yes", "y", "1", "t", "是", "有", "√"}
_FALSE = {"false", "no", "n", "0", "f", "否", "无", ""}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TIME_ERROR = "must be a time of day HH:MM between 00:00 and 24:00"
_DATE_ERROR = (f"{_TIME_ERROR}, not a date (format the cell as a time, h:mm, or type the time "
               "as text)")
#: Excel time cells holding a serial of 1 or more (24:00 typed into an h:mm cell) arrive as
#: datetimes in Excel's first days (epoch 1900, or 1904 on old Macs); a later datetime is a
#: date typed into a time column, which must not pass as 00:00.
_EXCEL_FIRST_DAYS_END = dt.datetime(1905, 1, 1)
_NOTES = ("note", "notes", "备注")
_WHOLE = re.compile(r"^[+-]?\d{1,30}$")

# Lines of a table: (row number as the user sees it, cells in header order).
Lines = list[tuple[int, list[Any]]]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, type, whether required, unit and meaning (for docs and errors)."""

    name: str
    kind: str  # str | int | float | bool | time | closing | choice
    required: bool
    unit: str
    doc: str
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: Other words for a choice, each read as the choice it names: (word, choice) pairs, e.g.
    #: ("下行", "down"); matched case-insensitively like the choices.
    synonyms: tuple[tuple[str, str], ...] = ()


class Cell:
    """A parsed row: typed values by column name, plus where it came from."""

    __slots__ = ("row", "values")

    def __init__(self, row: int, values: dict[str, Any]) -> None:
        self.row = row
        self.values = values


def _is_blank(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip() == ""
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def parse_time_s(value: Any) -> int:
    """Parse a time of day to seconds after 00:00: ``"07:30"``, ``"24:00"``, or an Excel time.

    Excel time cells (h:mm) arrive as ``time`` or ``datetime`` in Excel's first days (their time
    of day is used); elapsed-time cells ([h]:mm) arrive as ``timedelta`` and may be 0..24 h. A
    date cell (any later ``datetime``, or a ``date``) is an error, never 00:00.
    """
    if isinstance(value, dt.timedelta):
        total = value.total_seconds()
        if not 0 <= total <= DAY_S:
            raise ValueError(_TIME_ERROR)
        return round(total)
    if isinstance(value, dt.datetime) and value.replace(tzinfo=None) >= _EXCEL_FIRST_DAYS_END:
        raise ValueError(_DATE_ERROR)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(_DATE_ERROR)
    if isinstance(value, dt.time | dt.datetime):
        return value.hour * 3600 + value.minute * 60 + value.second
    m = _TIME.match(str(value).strip())
    if not m:
        raise ValueError(_TIME_ERROR)
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    total = h * 3600 + mi * 60 + s
    if mi >= 60 or s >= 60 or total > DAY_S:
        raise ValueError(_TIME_ERROR)
    return total


def parse_closing_s(value: Any) -> int:
    """Parse a closing time like :func:`parse_time_s`, reading 00:00 as 24:00 (end of day).

    A window cannot close at the midnight it opens after, and Excel shows 24:00 as 0:00 in an
    h:mm cell, so a closing time of 00:00 always means the end of the plan day.
    """
    return parse_time_s(value) or DAY_S


def format_time(seconds: int) -> str:
    """Seconds after 00:00 as the user writes them: ``HH:MM``, or ``HH:MM:SS`` if not whole."""
    h, rest = divmod(seconds, 3600)
    text = f"{h:02d}:{rest // 60:02d}"
    return text if rest % 60 == 0 else f"{text}:{rest % 60:02d}"


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


def _parse_int(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    text = str(v).strip().replace(",", "")
    if _WHOLE.match(text):  # exactly, not through a float (2**63 - 1 stays itself)
        return int(text)
    try:
        f = _parse_float(v)
    except ValueError:
        raise ValueError("must be a whole number") from None
    if not f.is_integer():
        raise ValueError("must be a whole number")
    return int(f)


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


#: Unicode category Cc: U+0000–U+001F and U+007F–U+009F.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_problem(text: str) -> str | None:
    """What is wrong with text holding control characters (NUL, vertical tab, line breaks,
    …): they cannot be written to Excel or shown on a route sheet, and are never meant."""
    if _CONTROL.search(text) is None:  # the common case, at C speed (100,000-line tables)
        return None
    bad = sorted({c for c in text if unicodedata.category(c) == "Cc"})
    names = ", ".join(f"U+{ord(c):04X}" for c in bad)
    return f"must not contain control characters (found {names})"


def printable(text: str) -> str:
    """Text for a message: control characters escaped (``\\x1b``), so a hostile header or key
    cannot blank or recolour the terminal that shows the error."""
    if control_problem(text) is None:
        return text
    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


def _parse_str(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        # Excel and pandas turn codes like 140828100 into floats; give the code back.
        return str(int(v))
    text = str(v).strip()
    problem = control_problem(text)
    if problem:
        raise ValueError(problem)
    return text


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": _parse_str, "int": _parse_int, "float": _parse_float, "bool": _parse_bool,
    "time": parse_time_s, "closing": parse_closing_s, "choice": lambda v: str(v).strip().lower(),
}


def _split_header(grid: list[list[Any]], first_row: int) -> tuple[list[str], Lines]:
    """The first non-blank line is the header; every line keeps its number (line 0 is
    ``first_row``), so blank lines never shift the rows after them."""
    for k, line in enumerate(grid):
        if not all(_is_blank(v) for v in line):
            header = ["" if _is_blank(v) else str(v).strip() for v in line]
            return header, [(first_row + j, grid[j]) for j in range(k + 1, len(grid))]
    raise ValueError("has no header row")


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK by default
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text, newline="")))
    raise ValueError("is neither UTF-8 nor GBK text")


def _read_geo(path: Path, layer: str | None) -> pd.DataFrame:
    import geopandas as gpd

    gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") and gdf.crs.is_projected:
        gdf = gdf.to_crs("EPSG:4326")
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    if "lon" not in frame.columns and len(gdf):
        ok = gdf.geometry.notna() & (gdf.geometry.geom_type == "Point")
        frame["lon"] = [g.x if k else None for g, k in zip(gdf.geometry, ok, strict=True)]
        frame["lat"] = [g.y if k else None for g, k in zip(gdf.geometry, ok, strict=True)]
    return frame.astype(object)


def _read_lines(path: Path, sheet: str | None) -> tuple[list[str], Lines]:
    """Read a table file into its header and numbered lines of raw cells."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _split_header(_read_csv(path), 1)
    if suffix == ".xlsx":
        frame = pd.read_excel(path, sheet_name=sheet if sheet else 0, header=None, dtype=object,
                              engine="openpyxl")
        return _split_header(frame.to_numpy(dtype=object).tolist(), 1)
    if suffix in (".geojson", ".json", ".gpkg"):
        frame = _read_geo(path, sheet)
        return _split_header([list(frame.columns), *frame.to_numpy(dtype=object).tolist()], 0)
    raise ValueError(f"has an unsupported suffix; use one of {', '.join(TABLE_SUFFIXES)}")


def _is_note(key: str) -> bool:
    return key == "" or key.startswith(("_", "#", "Unnamed:")) or key.lower() in _NOTES


def _locate(header: list[str], columns: Sequence[Column],
            name: str) -> tuple[dict[str, int], list[str]]:
    """Where each column is in the header; unknown, doubled and missing columns are problems."""
    by_name = {n: c for c in columns for n in (c.name, *c.aliases)}
    where: dict[str, int] = {}
    problems: list[str] = []
    for pos, key in enumerate(header):
        col = by_name.get(key) or by_name.get(key.lower())
        if col is None and not _is_note(key):
            hint = difflib.get_close_matches(key, [c.name for c in columns], n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(f"{name}: unknown column '{printable(key)}'{did} Valid columns: "
                            f"{', '.join(c.name for c in columns)} (prefix a column with '_' to "
                            "keep it as a note)")
        elif col is not None and col.name in where:
            problems.append(f"{name}: column '{col.name}' is given twice, as "
                            f"'{header[where[col.name]]}' and '{key}'; keep one (or prefix the "
                            "other with '_' to keep it as a note)")
        elif col is not None:
            where[col.name] = pos
    for c in columns:
        if c.required and c.name not in where:
            problems.append(f"{name}: missing column '{c.name}' ({c.doc}"
                            f"{', ' + c.unit if c.unit else ''})")
    return where, problems


def _parse_cell(c: Column, v: Any) -> tuple[Any, str | None]:
    """The typed value of one cell, or the problem with it ("<constraint>; got <value>")."""
    if _is_blank(v):
        return None, f"is empty; expected {c.doc}" if c.required else None
    try:
        parsed = _PARSERS[c.kind](v)
    except (ValueError, TypeError, OverflowError) as exc:
        return None, f"{exc}; got {_shown(v)}"
    if c.kind == "choice" and parsed not in c.choices:
        parsed = dict(c.synonyms).get(parsed, parsed)
    if c.kind == "choice" and parsed not in c.choices:
        also = f" (or {', '.join(w for w, _ in c.synonyms)})" if c.synonyms else ""
        return None, f"must be one of {{{', '.join(c.choices)}}}{also}; got {_shown(v)}"
    return parsed, None


def _shown(v: Any) -> str:
    """A cell's value in a message: as typed; a date cell as its date (and time)."""
    if isinstance(v, dt.datetime):
        return repr(v.isoformat(sep=" ") if v.time() != dt.time(0) else v.date().isoformat())
    if isinstance(v, dt.date):
        return repr(v.isoformat())
    return repr(v)


def _parse_line(line: list[Any], where: dict[str, int], columns: Sequence[Column],
                width: int, memo: dict[tuple[str, str], tuple[Any, str | None]] | None = None
                ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Typed values of one line, and its problems as (field, problem); field "" is the line.

    ``memo``: text cells already parsed, by (column, text) — a manifest repeats its stations,
    carriers, directions and times on every line."""
    problems: list[tuple[str, str]] = []
    extra = [v for v in line[width:] if not _is_blank(v)]
    if extra:
        problems.append(("", f"has more cells than the header has columns (quote a value "
                         f"that contains a comma); got {extra!r}"))
    values: dict[str, Any] = {}
    for c in columns:
        pos = where.get(c.name)
        raw = line[pos] if pos is not None and pos < len(line) else None
        if memo is not None and type(raw) is str:
            key = (c.name, raw)
            got = memo.get(key)
            if got is None:
                got = memo[key] = _parse_cell(c, raw)
            value, problem = got
        else:
            value, problem = _parse_cell(c, raw)
        if problem:
            problems.append((c.name, problem))
        values[c.name] = value
    return values, problems


def read_table(path: Path, columns: Sequence[Column], *, sheet: str | None = None,
               label: str | None = None) -> tuple[list[Cell], list[str]]:
    """Read and type a table; return the rows whose every cell parsed, and every problem found.

    Parameters
    ----------
    path
        CSV (UTF-8 or GBK), Excel .xlsx (first sheet unless ``sheet``), GeoJSON or GeoPackage
        (point geometry gives ``lon``/``lat``).
    columns
        The schema. Unknown columns are errors (with a did-you-mean) unless they start with
        ``_`` or ``#`` or are named ``note``/``备注``: a typo must never silently drop a field.
        A column given twice (under two of its names) is an error too. With any column
        problem no row is returned.
    label
        How the file is named in messages (defaults to the file name).
    """
    name = label or path.name
    if not path.exists():
        return [], [f"{name}: file not found at {path}"]
    try:
        header, lines = _read_lines(path, sheet)
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [], [f"{name}: cannot read the file ({reason})"]
    where, problems = _locate(header, columns, name)
    if problems:
        return [], problems

    rows: list[Cell] = []
    memo: dict[tuple[str, str], tuple[Any, str | None]] = {}
    for row_no, line in lines:
        if all(_is_blank(v) for v in line):
            continue  # blank spreadsheet rows are not data
        values, bad = _parse_line(line, where, columns, len(header), memo)
        for field, problem in bad:
            at = f"{name} row {row_no}" + (f", field '{field}'" if field else "")
            problems.append(f"{at}: {problem}")
        if not bad:
            rows.append(Cell(row_no, values))
    return rows, problems
