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
"""

from __future__ import annotations

import hashlib
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from ..exceptions import FetchError
from ..network.cache import cache_dir

#: Archive suffixes a URL may name.
ARCHIVES = (".zip", ".tar.gz", ".tgz")
#: Seconds to wait for an HTTP server to answer.
HTTP_TIMEOUT_S = 30
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


def local_folder(ref: str, digest: str = "") -> Path:
    """The folder to read for a scenario reference: in place, or fetched (see :func:`fetch`)."""
    folder = in_place(ref)
    return folder if folder is not None else fetch(ref, digest).folder


def fetch(url: str, digest: str = "") -> Fetched:
    """Fetch ``url`` into the cache and return its scenario folder.

    With ``digest`` (the content hash a client saw), a cached copy of that content is used
    without fetching, and fetched content that differs is refused.

    Raises
    ------
    FetchError
        Naming the URL: unreachable, not found, not an archive or folder, a bad or unsafe
        archive, no scenario.toml in it, or content changed since ``digest``.
    """
    base = cache_dir() / "scenarios" / hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
    if digest and (base / digest).is_dir():
        return Fetched(_scenario_root(base / digest, url), digest)
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=base, prefix=".fetch-") as tmp:
        got = _download(url, Path(tmp))
        found = _digest(got)
        if digest and found != digest:
            raise FetchError(f"scenario URL '{url}': its content changed while the sweep ran "
                             f"(hash {found}, the sweep read {digest}); run the sweep again")
        final = base / found
        if not final.is_dir():
            unpacked = Path(tmp) / "unpacked"
            if got.is_dir():
                got.rename(unpacked)
            else:
                _unpack(got, unpacked, url)
            _scenario_root(unpacked, url)  # a folder that is no scenario is not cached
            try:
                unpacked.rename(final)
            except OSError:  # another process on this machine got there first
                if not final.is_dir():
                    raise
    return Fetched(_scenario_root(final, url), found)


def _download(url: str, tmp: Path) -> Path:
    """The archive file or folder ``url`` names, copied into ``tmp``."""
    parsed = urlparse(url)
    suffix = archive_suffix(parsed.path)
    target = tmp / f"download{suffix or ''}"
    if parsed.scheme in ("http", "https"):
        if not suffix:
            raise FetchError(f"scenario URL '{url}': an http(s) URL must name a "
                             f"{', '.join(ARCHIVES)} archive of a scenario folder")
        try:
            with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as answer, \
                    target.open("wb") as out:
                shutil.copyfileobj(answer, out)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"scenario URL '{url}': cannot fetch (HTTP {exc.code} "
                             f"{exc.reason})") from None
        except urllib.error.URLError as exc:
            raise FetchError(f"scenario URL '{url}': cannot fetch ({exc.reason})") from None
        except OSError as exc:  # timeouts, connections reset mid-way
            raise FetchError(f"scenario URL '{url}': cannot fetch ({exc})") from None
        return target
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
        if suffix:
            fs.get_file(path, str(target))
        elif fs.isdir(path):
            fs.get(path, str(target), recursive=True)
        else:
            raise FetchError(f"scenario URL '{url}': names neither a {', '.join(ARCHIVES)} "
                             "archive nor a folder")
    except FetchError:
        raise
    except (ValueError, ImportError, OSError) as exc:  # unknown scheme, no driver, not found
        raise FetchError(f"scenario URL '{url}': cannot fetch ({type(exc).__name__}: {exc})") \
            from None
    return target


def _digest(path: Path) -> str:
    """SHA-256 of an archive's bytes, or of a folder's file names and bytes."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        if f != path:
            h.update(f.relative_to(path).as_posix().encode("utf-8") + b"\0")
        with f.open("rb") as fh:
            for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:DIGEST_LEN]


def _member(name: str, url: str) -> PurePosixPath:
    """An archive member's path, refused when it would land outside the folder unpacked to."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise FetchError(f"scenario URL '{url}': archive member '{name}' points outside the "
                         "folder it unpacks to (absolute path or '..'); refused")
    return p


def _unpack(archive: Path, dest: Path, url: str) -> None:
    """Unpack a zip or tar.gz into ``dest``: plain files and folders only."""
    dest.mkdir()
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                for info in z.infolist():
                    p = _member(info.filename, url)
                    if (info.external_attr >> 16) & 0o170000 == 0o120000:
                        raise FetchError(f"scenario URL '{url}': archive member "
                                         f"'{info.filename}' is a link; refused")
                    target = dest.joinpath(*p.parts)
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as src, target.open("wb") as out:
                        shutil.copyfileobj(src, out)
        else:
            with tarfile.open(archive, "r:gz") as t:
                members = t.getmembers()
                for m in members:
                    _member(m.name, url)
                    if not (m.isfile() or m.isdir()):
                        raise FetchError(f"scenario URL '{url}': archive member '{m.name}' is "
                                         "a link or device; only files and folders are read")
                t.extractall(dest, members=members, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        kind = "zip" if archive.name.endswith(".zip") else "tar.gz"
        raise FetchError(f"scenario URL '{url}': not a valid {kind} archive "
                         f"({type(exc).__name__}: {exc})") from None


def _scenario_root(folder: Path, url: str) -> Path:
    """The scenario folder in what was fetched: itself, or its one top-level folder."""
    if (folder / "scenario.toml").is_file():
        return folder
    inner = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(inner) == 1 and (inner[0] / "scenario.toml").is_file():
        return inner[0]
    found = ", ".join(sorted(p.name for p in inner)) or "nothing"
    raise FetchError(f"scenario URL '{url}': holds no scenario.toml, neither at its top nor in "
                     f"a single top-level folder (found: {found})")

