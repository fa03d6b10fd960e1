"""Scenarios by URL, for sweep workers that do not share a file system with the client.

A SPEC's scenario may be a URL instead of a folder path:

- ``http(s)://…/name.zip`` (or ``.tar.gz``, ``.tgz``): an archive of a scenario folder;
- ``file://…``: a folder, read in place as a path would be, or an archive;
- any other URL fsspec knows (``s3://`` with s3fs installed, ``sftp://``, …): an archive, or a
  folder on a file system that can list it.

What a URL names is fetched into ``<routing cache>/scenarios/<hash of URL>/<hash of
content>/`` and read from there with the normal scenario reader. The client fetches it at every
sweep start, to see the content as it is now: the job keys hash the scenario it reads, so a
changed archive at the same URL reruns its jobs. Each job carries the content hash the client
saw; a worker that already holds that content reads it without fetching (workers on the
client's machine share its cache), one that does not fetches it once and refuses content that
differs. Archives are unpacked member by member, refusing absolute paths, ``..``, links and
devices, so nothing lands outside the cache folder.

Everything fetched or unpacked is counted against :class:`~routing.io.limits.Limits` while it
streams — bytes downloaded, bytes unpacked, members, compression ratio, and the wall-clock time
of the whole fetch (download and unpacking, not per read) — and refused as soon as a limit is
passed, with a FetchError naming the URL, the limit, its value and how to raise it. Encrypted
zip members and compression methods Python cannot read are refused too. Nothing half-fetched
stays in the cache: the work happens in a temporary folder removed on any error.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import lzma
import shutil
import socket
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urlparse

from ..exceptions import FetchError
from ..io.limits import MB, RATIO_FLOOR_BYTES, Limits, default_limits
from ..network.cache import cache_dir

#: Archive suffixes a URL may name.
ARCHIVES = (".zip", ".tar.gz", ".tgz")
#: Seconds to wait for an HTTP server to answer one read (the whole fetch has max_fetch_s).
HTTP_TIMEOUT_S = 30
#: Seconds after which a fetch's temporary folder left in the cache is taken as abandoned.
STALE_S = 24 * 3600
#: Bytes read and written at a time.
CHUNK = 1 << 16
#: Zip compression methods Python reads: stored, deflate, bzip2, lzma.
ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
               zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
#: Names of zip compression methods Python cannot read, for messages.
OTHER_METHODS = {1: "shrink", 6: "implode", 9: "deflate64", 10: "PKWARE implode",
                 93: "zstandard", 95: "xz", 96: "jpeg", 97: "wavpack", 98: "ppmd",
                 99: "AES-encrypted"}
#: Hex digits of the content hash kept in folder names and jobs.
DIGEST_LEN = 24


@dataclass(frozen=True, slots=True)
class Fetched:
    """A scenario fetched from a URL: the local folder to read and the hash of its content."""

    folder: Path
    digest: str


def is_url(ref: str) -> bool:
    """Whether a SPEC's scenario reference is a URL (``C:\\x`` has a one-letter scheme)."""
    return len(urlparse(ref).scheme) > 1


def archive_suffix(name: str) -> str | None:
    """The archive suffix a file name or URL path ends with, if any."""
    return next((s for s in ARCHIVES if name.lower().endswith(s)), None)


def in_place(ref: str) -> Path | None:
    """The folder a reference names when it is read where it is, without fetching: a path, or
    a ``file://`` URL of a folder; None for what must be fetched."""
    if not is_url(ref):
        return Path(ref)
    url = urlparse(ref)
    if url.scheme == "file" and not archive_suffix(url.path):
        return Path(unquote(url.path))
    return None


def local_folder(ref: str, digest: str = "", limits: Limits | None = None) -> Path:
    """The folder to read for a scenario reference: in place, or fetched (see :func:`fetch`)."""
    folder = in_place(ref)
    return folder if folder is not None else fetch(ref, digest, limits).folder


def fetch(url: str, digest: str = "", limits: Limits | None = None) -> Fetched:
    """Fetch ``url`` into the cache and return its scenario folder.

    With ``digest`` (the content hash a client saw), a cached copy of that content is used
    without fetching, and fetched content that differs is refused. ``limits`` (default:
    :func:`~routing.io.limits.default_limits`) caps what the fetch may download and unpack.

    Raises
    ------
    FetchError
        Naming the URL: unreachable, not found, not an archive or folder, a bad or unsafe
        archive, a limit passed, no scenario.toml in it, or content changed since ``digest``.
    """
    base = cache_dir() / "scenarios" / hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    if digest and (base / digest).is_dir():
        return Fetched(_scenario_root(base / digest, f"scenario URL '{url}'"), digest)
    budget = _Budget(url, limits or default_limits())
    base.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(base, budget.limits)
    try:
        with tempfile.TemporaryDirectory(dir=base, prefix=".fetch-") as tmp:
            got = _download(url, Path(tmp), budget)
            found = _digest(got)
            if digest and found != digest:
                raise FetchError(f"scenario URL '{url}': its content changed while the sweep "
                                 f"ran (hash {found}, the sweep read {digest}); run the sweep "
                                 "again")
            final = base / found
            if not final.is_dir():
                unpacked = Path(tmp) / "unpacked"
                if got.is_dir():
                    got.rename(unpacked)
                else:
                    _unpack(got, unpacked, budget)
                _scenario_root(unpacked, budget.what)  # no scenario: not cached
                try:
                    unpacked.rename(final)
                except OSError:  # another process on this machine got there first
                    if not final.is_dir():
                        raise
    except BaseException:
        _remove_if_empty(base)
        raise
    return Fetched(_scenario_root(final, budget.what), found)


def _remove_abandoned(base: Path, limits: Limits) -> None:
    """Remove the temporary folders of fetches killed before they could (SIGKILL, power cut):
    those older than a day, or twice max_fetch_s if longer — no fetch still runs then."""
    oldest = time.time() - max(STALE_S, 2 * limits.max_fetch_s)
    for tmp in base.glob(".fetch-*"):
        with contextlib.suppress(OSError):
            if tmp.is_dir() and tmp.stat().st_mtime < oldest:
                shutil.rmtree(tmp, ignore_errors=True)


def _remove_if_empty(folder: Path) -> None:
    # Not empty: other content of this URL, or another fetch under way.
    with contextlib.suppress(OSError):
        folder.rmdir()


class _Budget:
    """What one fetch has cost so far, against its limits; each count refuses at once when it
    passes its limit. The clock runs over the whole fetch: download and unpacking."""

    def __init__(self, url: str, limits: Limits, *, what: str | None = None,
                 hint: Callable[[str], str] | None = None) -> None:
        self.url = url
        self.limits = limits
        #: How messages name what is fetched or unpacked, and how to raise a limit.
        self.what = what or f"scenario URL '{url}'"
        self.hint = hint or limits.how_to_raise
        self.started = time.monotonic()
        self.deadline = self.started + limits.max_fetch_s
        self.downloaded = 0
        self.unpacked = 0
        self.members = 0
        self.archive_bytes = 0

    def refuse(self, key: str, what: str) -> FetchError:
        """The refusal for passing limit ``key``: URL, what happened, the limit, how to raise
        it."""
        value = getattr(self.limits, key)
        unit = {"max_download_mb": " MB", "max_unpacked_mb": " MB", "max_fetch_s": " s",
                "max_table_mb": " MB", "max_ratio": " times the archive's size"}.get(key, "")
        return FetchError(f"{self.what}: {what}, past the limit {key} = "
                          f"{value:g}{unit}; refused ({self.hint(key)})")

    def expired(self) -> bool:
        return time.monotonic() > self.deadline

    def tick(self) -> None:
        """Refuse once the whole fetch has taken longer than max_fetch_s."""
        if self.expired():
            raise self.too_slow()

    def too_slow(self) -> FetchError:
        spent = time.monotonic() - self.started
        return self.refuse("max_fetch_s", f"fetching took {spent:.1f} s in all "
                           f"({self.downloaded / MB:.1f} MB downloaded, "
                           f"{self.unpacked / MB:.1f} MB unpacked)")

    def read_timeout(self) -> float:
        """Seconds one read may wait: the HTTP timeout, or less when the fetch's time is
        nearly up."""
        return max(0.05, min(HTTP_TIMEOUT_S, self.deadline - time.monotonic() + 0.05))

    def download(self, n: int) -> None:
        self.downloaded += n
        if self.downloaded > self.limits.download_bytes:
            raise self.refuse("max_download_mb", f"more than {self.limits.max_download_mb:g} "
                              "MB downloaded")
        self.tick()

    def member(self, name: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise self.refuse("max_members", f"more than {self.limits.max_members} files and "
                              f"folders (at '{name}')")

    def will_unpack(self, n: int, what: str) -> None:
        """Refuse ahead when ``n`` more bytes (as an archive declares them: ``what``) would
        pass a limit, before unpacking them."""
        self._check(self.unpacked + n, what)

    def unpack(self, n: int) -> None:
        self.unpacked += n
        self._check(self.unpacked, f"it unpacks to {self.unpacked / MB:.1f} MB")
        self.tick()

    def _check(self, total: int, what: str) -> None:
        done = f"refused after {self.unpacked / MB:.1f} MB unpacked"
        if total > self.limits.unpacked_bytes:
            raise self.refuse("max_unpacked_mb", f"{what}, more than "
                              f"{self.limits.max_unpacked_mb:g} MB in all ({done})")
        if total > RATIO_FLOOR_BYTES and total > self.limits.max_ratio * self.archive_bytes:
            raise self.refuse("max_ratio", f"{what}, {total / max(self.archive_bytes, 1):.0f} "
                              f"times the archive's {self.archive_bytes / MB:.2f} MB ({done})")


def _copy(src: IO[bytes] | Any, out: IO[bytes], count: Callable[[int], None],
          read: Callable[[int], bytes] | None = None) -> None:
    """Copy in chunks, counting each before it is written (a count past its limit raises)."""
    read = read or src.read
    while chunk := read(CHUNK):
        count(len(chunk))
        out.write(chunk)


def _download(url: str, tmp: Path, budget: _Budget) -> Path:
    """The archive file or folder ``url`` names, copied into ``tmp``."""
    parsed = urlparse(url)
    suffix = archive_suffix(parsed.path)
    target = tmp / f"download{suffix or ''}"
    if parsed.scheme in ("http", "https"):
        if not suffix:
            raise FetchError(f"scenario URL '{url}': an http(s) URL must name a "
                             f"{', '.join(ARCHIVES)} archive of a scenario folder")
        _http(url, target, budget)
        return target
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
        if suffix:
            size = fs.size(path)
            if size is not None and size > budget.limits.download_bytes:
                raise budget.refuse("max_download_mb", f"the archive is {size / MB:.1f} MB")
            with fs.open(path, "rb") as src, target.open("wb") as out:
                _copy(src, out, budget.download)
        elif fs.isdir(path):
            _get_folder(fs, path, target, budget)
        else:
            raise FetchError(f"scenario URL '{url}': names neither a {', '.join(ARCHIVES)} "
                             "archive nor a folder")
    except FetchError:
        raise
    except (ValueError, ImportError, OSError) as exc:  # unknown scheme, no driver, not found
        raise FetchError(f"scenario URL '{url}': cannot fetch ({type(exc).__name__}: {exc})") \
            from None
    return target


class _Deadline:
    """Shuts the HTTP connections of one fetch at its deadline, so that no read blocks past it:
    urllib reads the status line and headers read by read, each with its own timeout, and a
    server dripping a byte at a time would otherwise never be stopped."""

    def __init__(self, budget: _Budget) -> None:
        self.connections: list[Any] = []
        self.timer = threading.Timer(max(0.0, budget.deadline - time.monotonic()) + 0.05,
                                     self.shut)
        self.timer.daemon = True

    def shut(self) -> None:
        for conn in self.connections:
            sock = getattr(conn, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def opener(self) -> urllib.request.OpenerDirector:
        """An opener whose http and https connections (redirects too) this watches."""
        connections = self.connections

        def watched(cls: Any) -> Any:
            def make(*args: Any, **kwargs: Any) -> Any:
                connections.append(cls(*args, **kwargs))
                return connections[-1]
            return make

        class Http(urllib.request.HTTPHandler):
            def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
                return super().do_open(watched(http_class), req, **kwargs)

        class Https(urllib.request.HTTPSHandler):
            def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
                return super().do_open(watched(http_class), req, **kwargs)

        return urllib.request.build_opener(Http, Https)


def _http(url: str, target: Path, budget: _Budget) -> None:
    """Stream an http(s) download into ``target``, counting bytes and time."""
    deadline = _Deadline(budget)
    deadline.timer.start()
    try:
        with deadline.opener().open(url, timeout=budget.read_timeout()) as answer:
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > budget.limits.download_bytes:
                raise budget.refuse("max_download_mb", f"the server announces "
                                    f"{int(length) / MB:.1f} MB")
            with target.open("wb") as out:
                _copy(answer, out, budget.download, answer.read1)
        budget.tick()  # an answer cut short at the deadline is no whole download
    except urllib.error.HTTPError as exc:
        raise FetchError(f"scenario URL '{url}': cannot fetch (HTTP {exc.code} "
                         f"{exc.reason})") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        if budget.expired():
            raise budget.too_slow() from None
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise FetchError(f"scenario URL '{url}': cannot fetch ({reason})") from None
    finally:
        deadline.timer.cancel()


def _get_folder(fs: Any, path: str, target: Path, budget: _Budget) -> None:
    """Copy a folder of an fsspec file system, file by file, counting members and bytes."""
    root = path.rstrip("/")
    files = fs.find(root, detail=True)
    if len(files) > budget.limits.max_members:
        raise budget.refuse("max_members", f"the folder holds {len(files)} files")
    declared = sum(int(info.get("size") or 0) for info in files.values())
    if declared > budget.limits.download_bytes:
        raise budget.refuse("max_download_mb", f"the folder holds {declared / MB:.1f} MB")
    target.mkdir()
    for name in sorted(files):
        budget.member(name)
        if not name.startswith(root + "/"):
            raise FetchError(f"scenario URL '{budget.url}': file '{name}' is not inside the "
                             "folder; refused")
        p = _member(name[len(root) + 1:], budget.what)
        out_path = target.joinpath(*p.parts)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with fs.open(name, "rb") as src, out_path.open("wb") as out:
            _copy(src, out, budget.download)


def _digest(path: Path) -> str:
    """SHA-256 of an archive's bytes, or of a folder's file names and bytes."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        if f != path:
            h.update(f.relative_to(path).as_posix().encode("utf-8") + b"\0")
        with f.open("rb") as fh:
            for chunk in iter(partial(fh.read, 1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:DIGEST_LEN]


def _member(name: str, what: str) -> PurePosixPath:
    """An archive member's path, refused when it would land outside the folder unpacked to."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise FetchError(f"{what}: archive member '{name}' points outside the "
                         "folder it unpacks to (absolute path or '..'); refused")
    return p


def unpack_archive(archive: Path, dest: Path, *, limits: Limits, label: str,
                   hint: Callable[[str], str] | None = None) -> Path:
    """Unpack an archive that came from someone else (an upload: ``label`` names it in
    messages) into the new folder ``dest`` by the same rules and limits as a fetched one —
    member by member, refusing absolute paths, ``..``, links, devices, encrypted members, more
    members or bytes (as declared, and as unpacked) than ``limits`` allow and bombs by their
    ratio — and return the scenario folder in it (``dest`` or its one top-level folder).
    ``hint(key)`` says how to raise a limit (default: as for sweeps).

    Raises
    ------
    FetchError
        Naming ``label``: what was refused and why, or no scenario.toml in it.
    """
    suffix = archive_suffix(archive.name)
    if suffix is None:
        raise FetchError(f"{label}: not a {', '.join(ARCHIVES)} archive")
    budget = _Budget(label, limits, what=label, hint=hint)
    if archive.stat().st_size > limits.download_bytes:
        raise budget.refuse("max_download_mb", f"the archive is "
                            f"{archive.stat().st_size / MB:.1f} MB")
    _unpack(archive, dest, budget)
    return _scenario_root(dest, label)


def _unpack(archive: Path, dest: Path, budget: _Budget) -> None:
    """Unpack a zip or tar.gz into ``dest``: plain files and folders only, member by member,
    counting members and bytes against the limits."""
    what = budget.what
    dest.mkdir()
    budget.archive_bytes = archive.stat().st_size
    is_zip = archive.name.endswith(".zip")
    try:
        if is_zip:
            _unzip(archive, dest, budget)
        else:
            _untar(archive, dest, budget)
    except FetchError:
        raise
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zlib.error,
            lzma.LZMAError, RuntimeError, NotImplementedError, ValueError) as exc:
        kind = "zip" if is_zip else "tar.gz"
        raise FetchError(f"{what}: not a valid {kind} archive "
                         f"({type(exc).__name__}: {exc})") from None


def _unzip(archive: Path, dest: Path, budget: _Budget) -> None:
    what = budget.what
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
        if len(infos) > budget.limits.max_members:
            raise budget.refuse("max_members", f"the archive holds {len(infos)} files and "
                                "folders")
        declared = sum(i.file_size for i in infos)
        budget.will_unpack(declared, f"its members declare {declared / MB:.1f} MB")
        for info in infos:
            budget.member(info.filename)
            p = _member(info.filename, what)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise FetchError(f"{what}: archive member "
                                 f"'{info.filename}' is a link; refused")
            target = dest.joinpath(*p.parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            if info.flag_bits & 0x1:
                raise FetchError(f"{what}: archive member '{info.filename}' is "
                                 "encrypted; a scenario archive must be readable without a "
                                 "password")
            if info.compress_type not in ZIP_METHODS:
                method = OTHER_METHODS.get(info.compress_type, "unknown")
                raise FetchError(f"{what}: archive member '{info.filename}' is "
                                 f"compressed with method {info.compress_type} ({method}), "
                                 f"which cannot be read; re-pack it with "
                                 f"{', '.join(ZIP_METHODS.values())} (e.g. `zip -r`)")
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, target.open("wb") as out:
                _copy(src, out, budget.unpack)


def _untar(archive: Path, dest: Path, budget: _Budget) -> None:
    what = budget.what
    # As a stream: members are read in order, none skipped over unread, so a member's size is
    # judged from its header before a byte of it is unpacked.
    with tarfile.open(archive, "r|gz") as t:
        for m in t:
            budget.member(m.name)
            p = _member(m.name, what)
            if not (m.isfile() or m.isdir()):
                raise FetchError(f"{what}: archive member '{m.name}' is "
                                 "a link or device; only files and folders are read")
            target = dest.joinpath(*p.parts)
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            budget.will_unpack(m.size, f"archive member '{m.name}' declares "
                                       f"{m.size / MB:.1f} MB")
            target.parent.mkdir(parents=True, exist_ok=True)
            src = t.extractfile(m)
            with target.open("wb") as out:
                if src is not None:
                    _copy(src, out, budget.unpack)
            budget.tick()


def _scenario_root(folder: Path, what: str) -> Path:
    """The scenario folder in what was fetched: itself, or its one top-level folder."""
    if (folder / "scenario.toml").is_file():
        return folder
    inner = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(inner) == 1 and (inner[0] / "scenario.toml").is_file():
        return inner[0]
    found = ", ".join(sorted(p.name for p in inner)) or "nothing"
    raise FetchError(f"{what}: holds no scenario.toml, neither at its top nor in "
                     f"a single top-level folder (found: {found})")

