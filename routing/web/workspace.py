"""The server's own scenario folders: a day's uploaded manifest (a base scenario with that
demand), an uploaded scenario archive, and the days re-planning writes (the scenario as the day
now stands, with its late lines and closures, which the re-planned plan is checked against).

They live in the workspace folder (``routing serve --workspace``; default: a folder next to a
SQLite store, ``plans-scenarios/`` beside ``plans.sqlite``, else
``$XDG_DATA_HOME/routing/workspace``), one folder per scenario under the name its
``scenario.toml`` gives, and the catalog lists them with the bundled ones. A folder is built in
a temporary folder beside its final place and renamed into it once read back without a
problem, so a half-written scenario is never listed. Names are reserved by creating the
folder, so two server processes never take the same one.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import DataError, FetchError, ScenarioError

if TYPE_CHECKING:
    from ..io.limits import Limits
    from ..model import Scenario

#: What a manifest upload may be.
MANIFEST_SUFFIXES = (".xlsx", ".csv")
#: The suffix of a re-planned day's name (``-p<line>v<version>``), dropped from the stem of
#: the next re-plan's; and of a manifest's day (``-YYYY-MM-DD``), dropped with it from the
#: stem of the next manifest's.
REPLAN_SUFFIX = re.compile(r"-p\d+v\d+(-\d+)?$")
MANIFEST_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}(-\d+)?|-p\d+v\d+(-\d+)?)+$")


def default_workspace(store_url: str) -> Path:
    """The workspace folder of a store: beside a SQLite file (``plans-scenarios/`` next to
    ``plans.sqlite``), else ``$XDG_DATA_HOME/routing/workspace``."""
    from sqlalchemy.engine import make_url

    url = make_url(store_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db = Path(str(url.database))
        return db.parent / f"{db.stem}-scenarios"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "routing" / "workspace"


def safe_name(text: str) -> str:
    """``text`` as a folder and scenario name: letters (any script), digits, ``.``, ``_`` and
    ``-``; at most 80 characters; never empty or starting with a dot."""
    name = re.sub(r"[^\w.-]+", "-", text).strip("-.")[:80]
    return name or "scenario"


def set_scenario_keys(toml: str, **keys: str) -> str:
    """``scenario.toml``'s text with ``[scenario]`` keys set to strings (a key there replaced
    in place, a missing one added under the header, a missing header added first); the result
    is parsed back to be sure."""
    lines = toml.splitlines()
    head = next((k for k, ln in enumerate(lines) if re.match(r"\s*\[scenario\]\s*(#.*)?$", ln)),
                None)
    if head is None:
        lines[:0] = ["[scenario]", ""]
        head = 0
    end = next((k for k in range(head + 1, len(lines)) if re.match(r"\s*\[", lines[k])),
               len(lines))
    for key, value in keys.items():
        line = f"{key} = {_toml_string(value)}"
        at = next((k for k in range(head + 1, end) if re.match(rf"\s*{key}\s*=", lines[k])),
                  None)
        if at is None:
            lines.insert(head + 1, line)
            end += 1
        else:
            lines[at] = line
    out = "\n".join(lines) + "\n"
    parsed = tomllib.loads(out).get("scenario", {})
    if any(parsed.get(k) != v for k, v in keys.items()):
        raise DataError(f"scenario.toml: could not set {', '.join(keys)}")
    return out


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of a table, as the readers name it: file, row (None: the whole file),
    field, the value found and the message (what is valid)."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str


_AT = re.compile(r"^(?P<file>.+?) row (?P<row>\d+)(?:, field '(?P<field>[^']*)')?: "
                 r"(?P<message>.*)$", re.DOTALL)
_FILE = re.compile(r"^(?P<file>[^:\s]+): (?P<message>.*)$", re.DOTALL)


def row_problems(exc: ScenarioError) -> list[RowProblem]:
    """The problems of a ScenarioError one by one, with file, row, field and value where the
    message names them (the readers write ``FILE row N, field 'F': rule; got VALUE``)."""
    out = []
    for p in exc.problems:
        m = _AT.match(p)
        if m is None:
            f = _FILE.match(p)
            out.append(RowProblem(f["file"] if f else "", None, _column(p), None,
                                  f["message"] if f else p))
            continue
        message = m["message"]
        out.append(RowProblem(m["file"], int(m["row"]), m["field"], _value(message), message))
    return out


def _column(message: str) -> str | None:
    found = re.search(r"column '([^']*)'", message)
    return found[1] if found else None


def _value(message: str) -> str | None:
    """The value a problem quotes: after its last "; got ", or the name an "unknown …" or
    "line …" names."""
    if "; got " in message:
        raw = message.rsplit("; got ", 1)[1].strip()
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return raw
        return "" if value is None else str(value)
    found = re.search(r"(?:unknown [\w ]+|line) '([^']*)'", message)
    return found[1] if found else None


class Workspace:
    """The folder of the server's own scenarios (module doc)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @contextlib.contextmanager
    def _building(self, stem: str, taken: set[str]) -> Iterator[tuple[str, Path]]:
        """A free name and a temporary folder to build its scenario in, renamed to the
        name's folder when the block ends without an error (removed otherwise)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name, final = self._reserve(safe_name(stem), taken)
        tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=self.root))
        try:
            yield name, tmp / "scenario"
            os.replace(tmp / "scenario", final)  # final is the empty reserved folder
        except BaseException:
            with contextlib.suppress(OSError):
                final.rmdir()
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _reserve(self, stem: str, taken: set[str]) -> tuple[str, Path]:
        for n in range(1, 10_000):
            name = stem if n == 1 else f"{stem}-{n}"
            if name in taken:
                continue
            folder = self.root / name
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return name, folder
        raise DataError(f"workspace {self.root}: no free name for '{stem}'")

    def remove(self, name: str) -> None:
        """Remove the scenario folder ``name`` (one this workspace made)."""
        folder = self.root / safe_name(name)
        if folder.parent == self.root and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)

    def add_day(self, source: Path, original: Scenario, day: Scenario, stem: str, *,
                taken: set[str], date: str | None = None) -> str:
        """Write scenario ``day`` (``original``, read from ``source``, with another demand or
        the day as a re-plan left it) as a new folder named from ``stem``; its name.

        Raises
        ------
        ScenarioError
            The day does not read back as a scenario (every problem named).
        """
        from ..io.scenario import read_scenario, write_day_scenario

        with self._building(stem, taken) as (name, folder):
            write_day_scenario(source, original, day, folder)
            toml = folder / "scenario.toml"
            keys = {"name": name} | ({"date": date} if date else {})
            toml.write_text(set_scenario_keys(toml.read_text("utf-8"), **keys), "utf-8")
            read_scenario(folder, confined=True)
        return name

    def add_manifest(self, source: Path, base: Scenario, upload: Path, *, taken: set[str],
                     date: str | None = None) -> str:
        """The base scenario with the demand table ``upload`` (.xlsx or .csv in the
        scenario's demand format) as a new scenario; its name.

        Raises
        ------
        ScenarioError
            Every bad row of the upload (file, row, field, value, what is valid), or what
            keeps the day from being a scenario.
        """
        from ..io.scenario import read_demand

        lines = read_demand(upload, replace(base, demand=()))
        if not lines:
            raise ScenarioError([f"{upload.name}: no demand lines (every row blank)"],
                                source=upload.name)
        day = date or dt.date.today().isoformat()
        stem = MANIFEST_SUFFIX.sub("", base.name) or base.name
        return self.add_day(source, base, replace(base, demand=tuple(lines)), f"{stem}-{day}",
                            taken=taken, date=day)

    def add_archive(self, archive: Path, label: str, limits: Limits, *,
                    taken: set[str], hint: Callable[[str], str] | None = None) -> str:
        """A scenario folder from a .zip or .tar.gz upload, unpacked with the sweep archives'
        rules (:func:`routing.sweep.fetch.unpack_archive`) and read confined to its folder;
        its name (the one its scenario.toml gives, numbered when taken).

        Raises
        ------
        FetchError
            An unsafe or oversized archive, or one with no scenario.toml.
        ScenarioError
            The scenario's problems.
        """
        from ..io.scenario import read_scenario
        from ..sweep.fetch import unpack_archive

        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".unpack-", dir=self.root) as tmp:
            root = unpack_archive(archive, Path(tmp) / "unpacked", limits=limits, label=label,
                                  hint=hint)
            scenario = read_scenario(root, confined=True, limits=limits)
            with self._building(scenario.name, taken) as (name, folder):
                shutil.copytree(root, folder, symlinks=True)
                toml = folder / "scenario.toml"
                toml.write_text(set_scenario_keys(toml.read_text("utf-8"), name=name),
                                "utf-8")
                read_scenario(folder, confined=True, limits=limits)
        return name


__all__ = ["FetchError", "RowProblem", "Workspace", "default_workspace", "row_problems",
           "safe_name", "set_scenario_keys"]
