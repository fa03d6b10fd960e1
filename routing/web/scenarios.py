"""The scenarios a workspace offers: every subfolder of its scenarios folder with a
``scenario.toml``, listed from that file alone, read with its travel matrices on first use and
kept (a re-time needs both at once, many times a day) until a file of its folder changes."""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import DataError

if TYPE_CHECKING:
    from ..model import Scenario
    from ..network.matrix import Matrices


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    """A scenario as the list shows it: its name (the plan store's), title and day."""

    name: str
    title: str
    date: str
    folder: Path


def _info(folder: Path) -> ScenarioInfo | None:
    try:
        head = tomllib.loads((folder / "scenario.toml").read_text("utf-8")).get("scenario", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not isinstance(head, dict):
        return None
    return ScenarioInfo(str(head.get("name") or folder.name), str(head.get("title") or ""),
                        str(head.get("date") or ""), folder)


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What says a scenario folder changed without reading it: every file under it (path,
    size, modification time in ns), sorted. Empty when the folder is gone."""
    found = []
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            path = os.path.join(base, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            found.append((path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class _Loaded:
    folder: Path
    mark: tuple[tuple[str, int, int], ...]
    scenario: Scenario
    matrices: Matrices


class ScenarioCatalog:
    """The scenarios under ``root`` and then ``workspace`` (the server's own: uploads and
    re-planned days) by name — a name both have is the root's; :meth:`load` reads one with
    its matrices once, and again only when its folder changes."""

    def __init__(self, root: Path, workspace: Path | None = None) -> None:
        self.root = Path(root)
        self.workspace = None if workspace is None else Path(workspace)
        self._loaded: dict[str, _Loaded] = {}
        self._lock = threading.Lock()
        self._reading: dict[str, threading.Lock] = {}

    def list(self) -> list[ScenarioInfo]:
        """Every scenario folder under the root and the workspace, by name."""
        seen: dict[str, ScenarioInfo] = {}
        for root in (self.root, self.workspace):
            if root is None or not root.is_dir():
                continue
            for p in sorted(root.iterdir()):
                if p.name.startswith(".") or not (p / "scenario.toml").is_file():
                    continue
                info = _info(p)
                if info is not None:
                    seen.setdefault(info.name, info)
        return sorted(seen.values(), key=lambda i: i.name)

    def names(self) -> set[str]:
        """The names taken (a new scenario must have another)."""
        return {i.name for i in self.list()}

    def find(self, name: str) -> ScenarioInfo:
        """The scenario called ``name``.

        Raises
        ------
        DataError
            No scenario of that name, listing those there are.
        """
        known = self.list()
        for info in known:
            if info.name == name:
                return info
        names = ", ".join(i.name for i in known[:12]) or "none"
        raise DataError(f"scenario '{name}': not among the workspace's scenarios ({names})")

    def load(self, name: str) -> tuple[Scenario, Matrices]:
        """The scenario and its travel matrices: read at first use, then the same objects
        for as long as no file of its folder changes (a stat of each per call, no listing
        of the other scenarios). Callers asking for a scenario being read wait for that one
        reading rather than each reading it again.

        Raises
        ------
        DataError
            Unknown name, or the scenario's files are wrong (every problem named).
        """
        with self._lock:
            reading = self._reading.setdefault(name, threading.Lock())
        with reading:
            kept = self._loaded.get(name)
            if kept is not None and fingerprint(kept.folder) == kept.mark:
                return kept.scenario, kept.matrices
            from ..io import read_scenario
            from ..network.matrix import travel_matrices

            folder = self.find(name).folder
            mark = fingerprint(folder)
            scenario = read_scenario(folder)
            matrices = travel_matrices(scenario)
            self._loaded[name] = _Loaded(folder, mark, scenario, matrices)
            return scenario, matrices
