"""The day's events, as a dispatcher records them: a CSV or Excel table, one event per row.

Columns (Chinese names in brackets; unknown columns are errors, as in the scenario tables):

========== ======== ===================================================================
column     type     meaning
========== ======== ===================================================================
event      choice   ``done`` (完成), ``cancel`` (取消), ``closed`` (关闭), ``delay``
                    (延误) or ``breakdown`` (故障)
time       HH:MM    when it happened: a stop's actual departure (done), the closing
                    (closed), the breakdown; blank: the re-plan's ``--at``
vehicle    text     the vehicle (done, delay, breakdown)
station    text     the station (done, closed)
line       text     the demand line (cancel); on a done event, only the stop carrying it
                    is done (a station's fresh and dry stops, or two waves, apart)
minutes    number   how late the vehicle runs from ``time`` on (delay), 1–720
========== ======== ===================================================================

What each event needs is checked row by row against the scenario (a known vehicle, station
or line), and a bad row names file, row and field, like every table this package reads.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import ScenarioError
from ..model import Scenario
from .tables import Column, read_table

#: Event kinds, and their Chinese names.
KINDS = ("done", "cancel", "closed", "delay", "breakdown")
ZH = {"完成": "done", "取消": "cancel", "关闭": "closed", "延误": "delay", "故障": "breakdown"}
#: Longest delay one event may announce, minutes.
MAX_DELAY_MIN = 720

EVENT_COLUMNS = (
    Column("event", "choice", True, "", "what happened: " + ", ".join(KINDS),
           choices=KINDS + tuple(ZH), aliases=("事件",)),
    Column("time", "time", False, "HH:MM", "when (blank: the re-plan's --at)",
           aliases=("时间",)),
    Column("vehicle", "str", False, "", "vehicle id (done, delay, breakdown)",
           aliases=("车辆",)),
    Column("station", "str", False, "", "station id (done, closed)", aliases=("站点",)),
    Column("line", "str", False, "", "demand line id (cancel; done: the stop carrying it)",
           aliases=("单号", "需求单号")),
    Column("minutes", "int", False, "min", "minutes late (delay)", aliases=("分钟",)),
)
#: The fields each kind needs.
NEEDS = {"done": ("vehicle", "station"), "cancel": ("line",), "closed": ("station",),
         "delay": ("vehicle", "minutes"), "breakdown": ("vehicle",)}


@dataclass(frozen=True, slots=True)
class Event:
    """One event of the day (``time_s`` None: at the re-plan's time)."""

    kind: str
    time_s: int | None = None
    vehicle: str = ""
    station: str = ""
    line: str = ""
    minutes: int = 0
    row: int = 0


def read_events(path: Path, scenario: Scenario, *, extra_lines: AbstractSet[str] = frozenset()
                ) -> list[Event]:
    """The events of ``path`` in file order (``extra_lines``: ids of late lines, which a
    cancel may name too).

    Raises
    ------
    ScenarioError
        Listing every bad row: file, row, field, the value and what is valid.
    """
    path = Path(path)
    rows, problems = read_table(path, EVENT_COLUMNS)
    fleet = {vid for vid, _ in scenario.vehicles()}
    stations = {s.id for s in scenario.stations}
    lines = {ln.id for ln in scenario.demand} | set(extra_lines)
    out = []
    for cell in rows:
        v = cell.values
        kind = ZH.get(v["event"], v["event"])
        at = f"{path.name} row {cell.row}"
        missing = [f for f in NEEDS[kind] if v.get(f) in (None, "")]
        if missing:
            problems.append(f"{at}, field '{missing[0]}': a '{kind}' event needs "
                            f"{' and '.join(NEEDS[kind])}; got nothing")
            continue
        checks = (("vehicle", fleet, "vehicle"), ("station", stations, "station"),
                  ("line", lines, "demand line"))
        bad = next(((f, what) for f, known, what in checks
                    if v.get(f) and v[f] not in known), None)
        if bad is not None:
            problems.append(f"{at}, field '{bad[0]}': unknown {bad[1]} '{v[bad[0]]}'")
            continue
        minutes = v.get("minutes") or 0
        if kind == "delay" and not 1 <= minutes <= MAX_DELAY_MIN:
            problems.append(f"{at}, field 'minutes': must be a whole number 1..{MAX_DELAY_MIN}"
                            f"; got {minutes}")
            continue
        out.append(Event(kind, v.get("time"), v.get("vehicle") or "", v.get("station") or "",
                         v.get("line") or "", minutes, cell.row))
    if problems:
        raise ScenarioError(problems, source=str(path))
    return out


__all__ = ["EVENT_COLUMNS", "KINDS", "Event", "read_events"]
