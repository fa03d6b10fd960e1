"""Limits on what a scenario fetched by URL may cost, and on which files a scenario may read.

A scenario fetched by URL (see :mod:`routing.sweep.fetch`) comes from someone else: an archive
that unpacks to a gigabyte, a server that never stops sending, or a ``[tables]`` entry naming
``/etc/passwd`` must be refused, not obeyed. :class:`Limits` holds the caps, with these
defaults (1 MB = 1,000,000 bytes):

==================  =======  ==============================================================
key                 default  refuses
==================  =======  ==============================================================
max_download_mb     100      an archive or folder whose bytes, as fetched, pass this
max_unpacked_mb     200      an archive whose members, unpacked, pass this in total
max_members         10000    an archive (or fetched folder) with more files and folders
max_ratio           100      an archive that unpacks to more than this many times its size
                             (counted once more than 1 MB is unpacked)
max_fetch_s         120      a fetch taking longer than this in all, wall clock (not per read)
max_table_mb        200      a table file (stations, carriers, vehicles, demand) larger than
                             this; for every scenario, fetched or not
==================  =======  ==============================================================

They are changed, each later source winning, by ``$ROUTING_FETCH_LIMITS``
(``"max_download_mb=500,max_fetch_s=600"``), a sweep SPEC's ``[fetch]`` table, and
``routing sweep --fetch-limit KEY=VALUE``.

A fetched scenario is *confined*: every file its ``scenario.toml`` names must be a regular file
inside its own folder (no absolute path, no ``..`` out of it, no link resolving outside it), and
this is checked before the file is opened, so no message ever shows a line of a file the
scenario was not allowed to read. Any scenario's tables must be regular files (not a device or
a FIFO, which could be endless) no larger than ``max_table_mb``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..exceptions import DataError

#: Environment variable with limits as ``key=value,key=value``.
LIMITS_ENV = "ROUTING_FETCH_LIMITS"
#: Bytes in the MB of the limits.
MB = 1_000_000
#: The compression ratio is only judged once this much is unpacked (small text compresses well).
RATIO_FLOOR_BYTES = 1 * MB


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on fetching and unpacking a scenario, and on reading its tables (see the module
    docstring for what each refuses)."""

    max_download_mb: float = 100.0
    max_unpacked_mb: float = 200.0
    max_members: int = 10_000
    max_ratio: float = 100.0
    max_fetch_s: float = 120.0
    max_table_mb: float = 200.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) \
                    or v <= 0 or (f.type == "int" and not float(v).is_integer()):
                kind = "a whole number" if f.type == "int" else "a finite number"
                raise ValueError(f"{f.name} must be {kind} > 0; got {v!r}")

    @property
    def download_bytes(self) -> int:
        return int(self.max_download_mb * MB)

    @property
    def unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * MB)

    @property
    def table_bytes(self) -> int:
        return int(self.max_table_mb * MB)

    def replace(self, changes: dict[str, Any]) -> Limits:
        """These limits with some keys changed.

        Raises
        ------
        ValueError
            An unknown key, or a value that is not a number > 0.
        """
        keys = limit_keys()
        for k in changes:
            if k not in keys:
                raise ValueError(f"unknown limit '{k}'; valid: {', '.join(keys)}")
        return dataclasses.replace(self, **changes)

    def how_to_raise(self, key: str) -> str:
        """How a user raises one limit, for refusal messages."""
        return (f"raise it with `routing sweep --fetch-limit {key}=N`, a SPEC's [fetch] "
                f"{key} = N, or ${LIMITS_ENV}=\"{key}=N\"")


def limit_keys() -> tuple[str, ...]:
    """The names of the limits, as keys of ``[fetch]``, ``--fetch-limit`` and the env var."""
    return tuple(f.name for f in dataclasses.fields(Limits))


def parse_pairs(text: str, where: str) -> dict[str, float]:
    """``"key=value,key=value"`` (or one pair) as a dict of numbers.

    Raises
    ------
    ValueError
        Naming ``where``: a pair without ``=`` or a value that is not a number.
    """
    out: dict[str, float] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, eq, value = pair.partition("=")
        try:
            if not eq:
                raise ValueError
            number = float(value)
        except ValueError:
            raise ValueError(f"{where}: '{pair}' must be KEY=NUMBER, KEY one of "
                             f"{', '.join(limit_keys())}") from None
        out[key.strip()] = int(number) if number.is_integer() else number
    return out


def default_limits() -> Limits:
    """The defaults, with ``$ROUTING_FETCH_LIMITS`` applied.

    Raises
    ------
    DataError
        The variable names an unknown limit or a bad value.
    """
    text = os.environ.get(LIMITS_ENV, "")
    if not text.strip():
        return Limits()
    try:
        return Limits().replace(parse_pairs(text, f"${LIMITS_ENV}"))
    except ValueError as exc:
        text = str(exc)
        raise DataError(text if text.startswith("$") else f"${LIMITS_ENV}: {text}") from None


def confined_path(root: Path, ref: str, field: str) -> tuple[Path | None, str | None]:
    """The file ``ref`` names in a confined scenario folder, or the problem with it.

    Checked without opening the file: not absolute, no ``..`` out of ``root``, no link
    resolving outside it, and a regular file (a missing one is left to the reader, which says
    so). ``field`` names the ``scenario.toml`` key in the message.
    """
    if PurePosixPath(ref).is_absolute() or PureWindowsPath(ref).is_absolute() \
            or PureWindowsPath(ref).drive:
        return None, (f"{field} = '{ref}' is an absolute path; a fetched scenario reads only "
                      "files inside its own folder, named relative to it; refused")
    base = root.resolve()
    path = (root / ref).resolve()
    if not path.is_relative_to(base):
        how = "a link resolving" if ".." not in PurePosixPath(ref.replace("\\", "/")).parts \
            else "'..' leading"
        return None, (f"{field} = '{ref}' points outside the scenario folder ({how} out of "
                      "it); a fetched scenario reads only files inside its own folder; refused")
    problem = regular_file_problem(path)
    if problem:
        return None, f"{field} = '{ref}' {problem}; refused"
    return path, None


def regular_file_problem(path: Path) -> str | None:
    """Why ``path`` (following links) is not a file a scenario may read, or None: a device,
    FIFO, socket or folder is refused (a missing file is not judged here)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    kind = ("a folder" if stat.S_ISDIR(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a socket"
            if stat.S_ISSOCK(mode) else "not a regular file")
    return f"is {kind}, not a regular file"


#: The tables a scenario reads, and the file each defaults to.
TABLE_KEYS = ("stations", "carriers", "vehicles", "demand")


def _named_files(clean: dict[str, dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """Every file a checked ``scenario.toml`` names: (key as the user wrote it, file, whether it
    is a table)."""
    tables = clean.get("tables", {})
    out = [(f"[tables] {k}", str(tables.get(k, f"{k}.csv")).partition("#")[0], True)
           for k in TABLE_KEYS]
    variants = clean.get("compare", {}).get("variants")
    for k, item in enumerate(variants if isinstance(variants, list) else [], start=1):
        if isinstance(item, dict) and "vehicles" in item:
            out.append((f"[[compare.variants]] #{k} vehicles",
                        str(item["vehicles"]).partition("#")[0], True))
    for section, key in (("network", "roads"), ("solve", "reference")):
        if isinstance(clean.get(section, {}).get(key), str):
            out.append((f"[{section}] {key}", clean[section][key], False))
    return out


def file_problems(root: Path, clean: dict[str, dict[str, Any]], *, confined: bool,
                  limits: Limits) -> list[str]:
    """Problems with the files a scenario names, found without opening any of them.

    Every scenario: a table must be a regular file (not a device or FIFO, which could be
    endless) of at most ``max_table_mb`` (an .xlsx: unpacked). A ``confined`` scenario (one
    fetched by URL): every file it names — tables, a variant's vehicles, roads, reference plan
    — must be inside ``root`` (see :func:`confined_path`).
    """
    problems = []
    for field, ref, is_table in _named_files(clean):
        where = f"scenario.toml: {field}"
        if confined:
            path, problem = confined_path(root, ref, where)
            if problem:
                problems.append(problem)
                continue
        else:
            path = root / ref
            problem = regular_file_problem(path)
            if problem and is_table:
                problems.append(f"{where} = '{ref}' {problem}; refused")
                continue
        if is_table and path is not None:
            problem = _size_problem(path, limits)
            if problem:
                problems.append(f"{where} = '{ref}' {problem}")
    return problems


def _size_problem(path: Path, limits: Limits) -> str | None:
    """A table file over ``max_table_mb`` (an .xlsx counted unpacked: it is a zip)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # missing: the reader says so
    what = ""
    if path.suffix.lower() == ".xlsx":
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                size = max(size, sum(i.file_size for i in z.infolist()))
            what = " unpacked"
        except (zipfile.BadZipFile, OSError):
            return None  # not an xlsx: the reader says so
    if size <= limits.table_bytes:
        return None
    return (f"is {size / MB:.1f} MB{what}, more than the limit max_table_mb = "
            f"{limits.max_table_mb:g} MB a table may be; refused before reading it "
            f"({limits.how_to_raise('max_table_mb')})")
