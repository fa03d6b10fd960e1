"""Scenarios by URL: a real HTTP server in a thread serves zip and tar.gz archives of the test
scenarios; ``file://`` and fsspec's in-memory file system stand for the other file systems.

What is checked: a sweep on the 2-worker cluster reads a scenario by http:// and one by file://
and plans them exactly as from their folders; the archive is fetched once (workers find the
client's copy) and a changed archive at the same URL reruns its jobs; a worker without the
copy fetches it once and refuses changed content; every bad URL or archive is a clear error
naming the SPEC, the URL and what went wrong, and nothing is written outside the cache.
"""

from __future__ import annotations

import io
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from routing.exceptions import FetchError, ScenarioError
from routing.sweep import jobs_of, read_spec, run_job, run_sweep
from routing.sweep.fetch import fetch

from ..conftest import HERE

DATA = HERE / "data"
HEAD = '[sweep]\ntime_limit_s = 5\nsolution_limit = 10\nseeds = [1]\nengine = "ortools"\n' \
       'shapley = false\n'


@dataclass
class Served:
    """A folder served over HTTP, and the paths asked for so far."""

    root: Path
    url: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A real http.server in a thread, serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    hits: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            hits.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root=root, url=f"http://127.0.0.1:{server.server_port}", hits=hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own (a machine that fetched nothing yet)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ROUTING_CACHE_DIR", str(folder))
    return folder


def _zip(folder: Path, dest: Path, top: str = "scenario") -> Path:
    """A zip of a scenario folder, its files under one top-level folder as `zip -r` makes."""
    with zipfile.ZipFile(dest, "w") as z:
        for f in sorted(folder.rglob("*")):
            z.write(f, f"{top}/{f.relative_to(folder).as_posix()}")
    return dest


def _edited(folder: Path, tmp: Path) -> Path:
    """A copy of the periodic scenario with one more parcel on its first demand line."""
    import shutil

    out = tmp / "edited"
    shutil.copytree(folder, out)
    demand = out / "demand.csv"
    demand.write_text(demand.read_text().replace("F1,V1,a,down,5,", "F1,V1,a,down,6,"),
                      encoding="utf-8")
    return out


def _stable(rows: list[dict]) -> list[dict]:
    drop = ("worker", "solve_time_s", "job_key", "scenario_path")
    return [{k: v for k, v in r.items() if k not in drop} for r in rows]


def test_sweep_reads_scenarios_by_http_and_file_urls(tmp_path, served, client):
    """periodic as a zip over http://, duo as a file:// folder: planned as from their folders;
    the zip is fetched once per sweep; a changed zip at the same URL reruns only its jobs."""
    _zip(DATA / "periodic", served.root / "periodic.zip")
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'{HEAD}\n[[scenarios]]\npath = "{served.url}/periodic.zip"\n\n'
                         f'[[scenarios]]\npath = "{(DATA / "duo").as_uri()}"\n',
                         encoding="utf-8")
    spec = read_spec(spec_file)
    assert served.hits == ["/periodic.zip"]
    result = run_sweep(spec, tmp_path / "out", client=client, progress=False)
    assert (result.ran, result.failed) == (3 + 4, 0)
    assert served.hits == ["/periodic.zip"]  # the workers read the client's copy
    assert {r["scenario_path"] for r in result.rows} == {f"{served.url}/periodic.zip",
                                                         (DATA / "duo").as_uri()}
    local = tmp_path / "local.toml"
    local.write_text(f'{HEAD}\n[[scenarios]]\npath = "{DATA / "periodic"}"\n\n'
                     f'[[scenarios]]\npath = "{DATA / "duo"}"\n', encoding="utf-8")
    assert _stable(result.rows) == _stable([run_job(j) for j in jobs_of(read_spec(local))])
    assert all(r["check_passed"] for r in result.rows)

    _zip(_edited(DATA / "periodic", tmp_path), served.root / "periodic.zip")
    again = run_sweep(read_spec(spec_file), tmp_path / "out", client=client, progress=False)
    assert (again.ran, again.skipped, again.failed) == (3, 4, 0)
    assert served.hits == ["/periodic.zip"] * 2
    before = {r["option"]: r["parcels_down_day"] for r in result.rows
              if r["scenario"] == "periodic"}
    after = {r["option"]: r["parcels_down_day"] for r in again.rows
             if r["scenario"] == "periodic"}
    assert after == {k: v + 1 for k, v in before.items()}


def test_a_worker_fetches_once_and_refuses_changed_content(tmp_path, served, monkeypatch):
    """A worker holding the client's content reads it without fetching; one on a machine
    without it fetches once; content changed since the client read it is an error row."""
    url = f"{served.url}/periodic.zip"
    _zip(DATA / "periodic", served.root / "periodic.zip")
    monkeypatch.setenv("ROUTING_CACHE_DIR", str(tmp_path / "client"))
    seen = fetch(url)
    assert (seen.folder / "scenario.toml").is_file() and served.hits == ["/periodic.zip"]
    assert fetch(url, seen.digest) == seen and len(served.hits) == 1
    monkeypatch.setenv("ROUTING_CACHE_DIR", str(tmp_path / "worker"))
    assert fetch(url, seen.digest).digest == seen.digest and len(served.hits) == 2
    assert fetch(url, seen.digest).digest == seen.digest and len(served.hits) == 2

    _zip(_edited(DATA / "periodic", tmp_path), served.root / "periodic.zip")
    monkeypatch.setenv("ROUTING_CACHE_DIR", str(tmp_path / "late_worker"))
    with pytest.raises(FetchError, match="its content changed while the sweep ran"):
        fetch(url, seen.digest)
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'{HEAD}\n[[scenarios]]\npath = "{DATA / "periodic"}"\n',
                         encoding="utf-8")
    job = replace(jobs_of(read_spec(spec_file))[0], scenario=url, scenario_digest=seen.digest)
    row = run_job(job)
    assert row["error"].startswith(f"FetchError: scenario URL '{url}': its content changed")


def test_archives_and_folders_on_other_file_systems(tmp_path, cache):
    """A SPEC path to a local .tar.gz, a file:// URL of a zip, and an fsspec memory:// folder
    are each fetched into the cache and read like the folder itself."""
    import fsspec

    with tarfile.open(tmp_path / "duo.tar.gz", "w:gz") as t:
        t.add(DATA / "duo", arcname="duo")
    _zip(DATA / "duo", tmp_path / "duo.zip")
    memory = fsspec.filesystem("memory")
    memory.put(str(DATA / "duo"), "/scenarios/duo", recursive=True)
    try:
        spec_file = tmp_path / "spec.toml"
        spec_file.write_text(HEAD + "".join(
            f'\n[[scenarios]]\npath = "{p}"\n'
            for p in ("duo.tar.gz", (tmp_path / "duo.zip").as_uri(), "memory://scenarios/duo")),
            encoding="utf-8")
        spec = read_spec(spec_file)
    finally:
        memory.rm("/scenarios", recursive=True)
    assert [s.source for s in spec.scenarios] == [
        (tmp_path / "duo.tar.gz").as_uri(), (tmp_path / "duo.zip").as_uri(),
        "memory://scenarios/duo"]
    assert all(s.digest and s.path.is_relative_to(cache) for s in spec.scenarios)
    names = [(j.scenario_name, j.kind, j.name) for j in jobs_of(spec)]
    assert names == [("duo", k, n) for _ in range(3) for k, n in (
        ("baseline", "a"), ("baseline", "b"), ("variant", "alliance"),
        ("variant", "every_other_day"))]


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def _tar_with_link() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        t.add(DATA / "duo", arcname="duo")
        link = tarfile.TarInfo("duo/roads.osm")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        t.addfile(link)
    return buf.getvalue()


SCENARIO_TOML = (DATA / "duo" / "scenario.toml").read_bytes()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.zip", None, "cannot fetch (HTTP 404 File not found)"),
    ("duo", None, "an http(s) URL must name a .zip, .tar.gz, .tgz archive"),
    ("garbage.zip", b"not a zip at all", "not a valid zip archive (BadZipFile"),
    ("garbage.tar.gz", b"not a tarball", "not a valid tar.gz archive"),
    ("escape.zip", _zip_bytes({"duo/scenario.toml": SCENARIO_TOML,
                               "../../../../escaped.txt": b"x"}),
     "archive member '../../../../escaped.txt' points outside the folder it unpacks to"),
    ("absolute.zip", _zip_bytes({"/tmp/escaped.txt": b"x"}),
     "archive member '/tmp/escaped.txt' points outside"),
    ("link.tar.gz", _tar_with_link(), "archive member 'duo/roads.osm' is a link or device"),
    ("empty.zip", _zip_bytes({"readme.txt": b"no scenario here"}),
     "holds no scenario.toml, neither at its top nor in a single top-level folder "
     "(found: readme.txt)"),
])
def test_bad_urls_and_archives_are_named_when_the_spec_is_read(tmp_path, served, cache, name,
                                                               content, message):
    """Each problem stops the sweep before it starts, naming the SPEC, the URL and the cause;
    nothing lands outside the cache, nothing half-unpacked stays in it."""
    if content is not None:
        (served.root / name).write_bytes(content)
    url = f"{served.url}/{name}"
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'{HEAD}\n[[scenarios]]\npath = "{url}"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_spec(spec_file)
    text = str(err.value)
    assert f"{spec_file}: [[scenarios]] #1: scenario URL '{url}': " in text
    assert message in text
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not [p for p in cache.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("url", "message"), [
    ("http://127.0.0.1:1/duo.zip", "cannot fetch ([Errno 111] Connection refused)"),
    ("nosuch://host/duo.zip", "cannot fetch (ValueError: Protocol not known: nosuch)"),
    ("file:///nowhere/duo.zip", "cannot fetch (FileNotFoundError"),
])
def test_unreachable_urls_are_named(tmp_path, cache, url, message):
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'{HEAD}\n[[scenarios]]\npath = "{url}"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"scenario URL '.*': ") as err:
        read_spec(spec_file)
    assert message in str(err.value)
