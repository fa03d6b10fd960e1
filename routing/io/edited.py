"""Plans a dispatcher edited by hand, read back as vehicles' stop orders.

What a dispatcher changes is the order of stops and which vehicle drives them: rows moved in
``routes.csv`` or between the vehicle sheets of ``routes.xlsx``, stops moved in
``plan.json``. Everything else in those files (times, loads, costs, distances) is a result that
``routing retime`` computes afresh, so this reader keeps only, per vehicle and trip, the
stations in order with the demand lines each stop serves. It checks what must hold for that
to mean anything — known vehicles, stations and lines, each line at its own station — and
names file, row (or route and stop) and field when it does not; whether the edited plan keeps
the rules (capacity, hours, shifts, cold chain, every line served once) is the checker's
question, asked after re-timing.

Formats:

- ``plan.json`` (any version this package wrote, times and totals may be stale or missing):
  ``routes[].vehicle_id``, ``routes[].trip`` (default: the order of the vehicle's routes),
  ``routes[].stops[].station_id`` and ``.lines``.
- ``routes.csv``: columns ``vehicle_id``, ``station_id`` and ``lines`` (line ids separated by
  spaces); rows in route order. A row at the vehicle's depot without lines starts a trip, the
  next one ends it; a stop row after its vehicle's return joins that vehicle's last trip (a
  row given to another vehicle by changing its ``vehicle_id``). ``seq`` and the figures are
  ignored.
- ``routes.xlsx``: every sheet but the summary is one vehicle (its name, or the vehicle id in
  cell A1, ``路单 <id>``); a header row names the columns (``站点编号`` or ``station_id``,
  ``单号`` or ``lines``); the rows below it in order, depot rows starting trips as in CSV.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from ..model import Scenario

#: Column names that hold a stop's station and its demand lines, per format language.
STATION_COLUMNS = ("station_id", "站点编号", "站点")
LINES_COLUMNS = ("lines", "单号", "需求单号")
VEHICLE_COLUMNS = ("vehicle_id", "车辆")
#: The xlsx sheet of totals, not a vehicle.
SUMMARY_SHEETS = ("汇总", "summary", "Summary", "装车单", "loading")


@dataclass(frozen=True, slots=True)
class EditedStop:
    """One stop as the dispatcher left it: a station and the lines served there."""

    station_id: str
    line_ids: tuple[str, ...]
    where: str  # file and row (or route/stop) for messages


@dataclass(frozen=True, slots=True)
class EditedRoute:
    """One trip of one vehicle, stops in the order to drive them."""

    vehicle_id: str
    trip: int
    stops: tuple[EditedStop, ...]


def read_edited(path: Path, scenario: Scenario) -> list[EditedRoute]:
    """The routes of an edited plan file (see the module doc for the formats).

    Raises
    ------
    DataError
        Naming file, row and field for an unreadable file, a missing column, an unknown
        vehicle, station or line, or a line listed at another station than its own.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        raw = _from_json(path)
    elif suffix == ".csv":
        raw = _from_rows(path, _csv_rows(path), scenario)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _from_xlsx(path, scenario)
    else:
        raise DataError(f"{path}: an edited plan must be plan.json, routes.csv or routes.xlsx; "
                        f"got a '{suffix or path.name}' file")
    return _validated(path, raw, scenario)


def routes_from_doc(doc: dict[str, Any], scenario: Scenario, *,
                    source: str = "the edited plan") -> list[EditedRoute]:
    """The routes of an edited plan given as a document of plan.json's shape (``routes[]``
    with ``vehicle_id``, optional ``trip``, ``stops[]`` with ``station_id`` and ``lines``), as
    the web workspace receives them; checked like :func:`read_edited` checks a file.

    Raises
    ------
    DataError
        As :func:`read_edited`, naming ``source``, route and stop.
    """
    return _validated(Path(source), _from_doc(doc, source), scenario)


# (vehicle id, trip or None, [(station id, line ids, where)], where of the vehicle)
_Raw = list[tuple[str, int | None, list[tuple[str, tuple[str, ...], str]], str]]


def locked_routes(doc: dict[str, Any], vehicles: list[str], scenario: Scenario, *,
                  source: str = "the reference plan") -> list[EditedRoute]:
    """The routes of ``vehicles`` in a plan document (every trip, stops in order), with only
    the lines today's scenario still has (a stop left without one drops out): what
    ``routing plan --lock`` keeps exactly as it was.

    Raises
    ------
    DataError
        If a vehicle drives no route in the plan, or the plan names what the scenario lacks.
    """
    ours = [r for r in _from_doc(doc, source) if r[0] in set(vehicles)]
    missing = sorted(set(vehicles) - {r[0] for r in ours})
    if missing:
        driven = sorted({r[0] for r in _from_doc(doc, source)})
        raise DataError(f"--lock: {', '.join(repr(v) for v in missing)} drive(s) no route in "
                        f"{source} (its vehicles: {_some(driven)})")
    today = {ln.id for ln in scenario.demand}
    kept: _Raw = []
    for vid, trip, seq, where in ours:
        stops = [(st, tuple(i for i in ids if i in today), w) for st, ids, w in seq]
        kept.append((vid, trip, [s for s in stops if s[1]], where))
    return [r for r in _validated(Path(source), kept, scenario) if r.stops]


def _from_json(path: Path) -> _Raw:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DataError(f"{path}: not a readable plan.json ({exc})") from None
    return _from_doc(doc, path.name)


def _from_doc(doc: Any, name: str) -> _Raw:
    routes = doc.get("routes") if isinstance(doc, dict) else None
    if not isinstance(routes, list):
        raise DataError(f"{name}: not a plan: no list 'routes'")
    out: _Raw = []
    for k, r in enumerate(routes):
        where = f"{name} routes/{k}"
        if not isinstance(r, dict) or not isinstance(r.get("vehicle_id"), str):
            raise DataError(f"{where}: field 'vehicle_id' must be a vehicle id (text)")
        trip = r.get("trip")
        if trip is not None and (not isinstance(trip, int) or isinstance(trip, bool)
                                 or not 1 <= trip <= 99):
            raise DataError(f"{where}, field 'trip': must be a whole number 1..99; got {trip!r}")
        stops = r.get("stops", [])
        if not isinstance(stops, list):
            raise DataError(f"{where}, field 'stops': must be a list of stops")
        seq = []
        for j, s in enumerate(stops):
            w = f"{where}/stops/{j}"
            if not isinstance(s, dict) or not isinstance(s.get("station_id"), str):
                raise DataError(f"{w}: field 'station_id' must be a station id (text)")
            lines = s.get("lines", [])
            if not isinstance(lines, list) or not all(isinstance(i, str) for i in lines):
                raise DataError(f"{w}, field 'lines': must be a list of demand line ids")
            seq.append((s["station_id"], tuple(lines), w))
        out.append((r["vehicle_id"], trip, seq, where))
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("gbk")
        except UnicodeDecodeError:
            raise DataError(f"{path}: cannot read the file (is neither UTF-8 nor GBK text)") \
                from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return list(csv.DictReader(text.splitlines()))


def _column(path: Path, header: list[str], names: tuple[str, ...]) -> str:
    found = next((h for h in header if h and h.strip() in names), None)
    if found is None:
        raise DataError(f"{path}: no column {' or '.join(repr(n) for n in names)} "
                        f"(found {', '.join(repr(h) for h in header if h) or 'none'})")
    return found


def _from_rows(path: Path, rows: list[dict[str, str]], scenario: Scenario,
               vehicle: str | None = None, first_row: int = 2) -> _Raw:
    """Routes from table rows in order (CSV, or one xlsx sheet with ``vehicle`` given)."""
    header = list(rows[0]) if rows else []
    if not rows:
        return []
    st_col = _column(path, header, STATION_COLUMNS)
    ln_col = _column(path, header, LINES_COLUMNS)
    vh_col = None if vehicle is not None else _column(path, header, VEHICLE_COLUMNS)
    depots = {vt.depot_id for vt in scenario.vehicle_types}
    out: _Raw = []
    last: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}  # vehicle → its last trip
    open_: set[str] = set()  # vehicles whose last trip has not come back yet
    for k, row in enumerate(rows, start=first_row):
        vid = vehicle if vh_col is None else (row.get(vh_col) or "").strip()
        station = str(row.get(st_col) or "").strip()
        lines = tuple(str(row.get(ln_col) or "").replace(",", " ").split())
        if not vid and not station:
            continue  # a blank row
        where = f"{path.name} row {k}"
        if not vid:
            raise DataError(f"{where}, field '{vh_col}': empty; every row names its vehicle")
        if not station:
            raise DataError(f"{where}, field '{st_col}': empty; every row names its station")
        if station in depots and not lines:  # the depot: a trip leaves, or comes back
            if vid in open_:
                open_.discard(vid)
            else:
                last[vid] = []
                open_.add(vid)
                out.append((vid, None, last[vid], where))
            continue
        if vid not in last:  # stops before any depot row of the vehicle
            last[vid] = []
            open_.add(vid)
            out.append((vid, None, last[vid], where))
        # a row moved to this vehicle after its return joins its last trip
        last[vid].append((station, lines, where))
    return [r for r in out if r[2]]


def _from_xlsx(path: Path, scenario: Scenario) -> _Raw:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DataError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
    fleet = {vid for vid, _ in scenario.vehicles()}
    out: _Raw = []
    try:
        for ws in wb.worksheets:
            if ws.title in SUMMARY_SHEETS:
                continue
            values = [list(r) for r in ws.iter_rows(values_only=True)]
            vid = _sheet_vehicle(ws.title, values, fleet)
            if vid is None:
                continue  # not a route sheet
            head = next((k for k, r in enumerate(values)
                         if any(str(c).strip() in STATION_COLUMNS for c in r if c is not None)),
                        None)
            if head is None:
                raise DataError(f"{path}, sheet '{ws.title}': no header row with a column "
                                f"{' or '.join(repr(n) for n in STATION_COLUMNS)}")
            header = ["" if c is None else str(c).strip() for c in values[head]]
            rows = [{h: ("" if c is None else str(c)) for h, c in zip(header, r, strict=False)}
                    for r in values[head + 1:]]
            sheet = Path(f"{path.name}, sheet '{ws.title}'")
            out += _from_rows(sheet, rows, scenario, vehicle=vid, first_row=head + 2)
    finally:
        wb.close()
    return out


def _sheet_vehicle(title: str, values: list[list[Any]], fleet: set[str]) -> str | None:
    """The vehicle a sheet is for: its title, else the id in its first cell (``路单 <id>``)."""
    if title in fleet:
        return title
    first = str(values[0][0]) if values and values[0] and values[0][0] is not None else ""
    found = re.search(r"[A-Za-z0-9_.\-]+-\d+", first)
    return found.group(0) if found and found.group(0) in fleet else None


def _validated(path: Path, raw: _Raw, scenario: Scenario) -> list[EditedRoute]:
    fleet = {vid for vid, _ in scenario.vehicles()}
    stations = {s.id for s in scenario.stations}
    lines = {ln.id: ln for ln in scenario.demand}
    problems: list[str] = []
    trips: dict[str, int] = {}
    out: list[EditedRoute] = []
    for vid, trip, seq, where in raw:
        if vid not in fleet:
            problems.append(f"{where}: unknown vehicle '{vid}' (the fleet has "
                            f"{_some(sorted(fleet))})")
            continue
        stops = []
        for station, ids, w in seq:
            if station not in stations:
                problems.append(f"{w}: unknown station '{station}'")
                continue
            for i in ids:
                if i not in lines:
                    problems.append(f"{w}: unknown demand line '{i}'")
                elif lines[i].station_id != station:
                    problems.append(f"{w}: line '{i}' belongs to station "
                                    f"'{lines[i].station_id}', not '{station}'")
            stops.append(EditedStop(station, ids, w))
        number = trip if trip is not None else trips.get(vid, 0) + 1
        trips[vid] = max(trips.get(vid, 0), number)
        out.append(EditedRoute(vid, number, tuple(stops)))
    if problems:
        shown = problems[:30]
        more = f"\n  ... and {len(problems) - 30} more" if len(problems) > 30 else ""
        raise DataError(f"{len(problems)} problem(s) in the edited plan {path}:\n"
                        + "\n".join(f"  - {p}" for p in shown) + more)
    return out


def _some(ids: list[str]) -> str:
    return ", ".join(ids[:6]) + (f" and {len(ids) - 6} more" if len(ids) > 6 else "")


__all__ = ["EditedRoute", "EditedStop", "locked_routes", "read_edited", "routes_from_doc"]
