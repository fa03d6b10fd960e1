"""What a fetched scenario may cost: archives that unpack to a gigabyte, servers that never stop
or drip a byte at a time, encrypted or unreadable zip members — each refused by a FetchError
naming the URL, the limit, its value and how to raise it, quickly, with nothing left in the
cache. Gigabyte archives are built without writing a gigabyte: one compressed block of a MiB
of zeros, repeated.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import struct
import tarfile
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from routing.exceptions import FetchError
from routing.io.limits import LIMITS_ENV, Limits, default_limits
from routing.sweep.fetch import fetch

from ..conftest import HERE

DATA = HERE / "data"
MIB = 1 << 20
GIB = 1 << 30


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ROUTING_CACHE_DIR", str(folder))
    monkeypatch.delenv(LIMITS_ENV, raising=False)
    return folder


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _zero_blocks(prefix: bytes, mib: int, suffix: bytes) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``prefix``, ``mib`` MiB of zeros and ``suffix``, with its CRC-32
    and length: each MiB is compressed once (a full flush resets the compressor, so every MiB
    compresses to the same bytes) and repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(MIB)) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    zeros = bytes(MIB)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(suffix, crc)
    return head + block * mib + tail, crc, len(prefix) + mib * MIB + len(suffix)


def _zip_of_zeros(path: Path, mib: int, name: str = "bomb/demand.csv") -> Path:
    """A valid zip (zip64) with one deflated member of ``mib`` MiB of zeros."""
    data, crc, size = _zero_blocks(b"", mib, b"")
    raw = name.encode()
    extra = struct.pack("<HHQQ", 1, 16, size, len(data))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF,
                        0xFFFFFFFF, len(raw), len(extra)) + raw + extra
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc,
                          0xFFFFFFFF, 0xFFFFFFFF, len(raw), len(extra), 0, 0, 0, 0, 0) \
        + raw + extra
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)
    return path


def _tgz_of_zeros(path: Path, mib: int, name: str = "bomb/demand.csv") -> Path:
    """A valid tar.gz with one member of ``mib`` MiB of zeros."""
    info = tarfile.TarInfo(name)
    info.size = mib * MIB
    header = info.tobuf(format=tarfile.GNU_FORMAT)
    data, crc, size = _zero_blocks(header, mib, bytes(1024))
    gz = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + data + struct.pack("<II", crc,
                                                                         size & 0xFFFFFFFF)
    path.write_bytes(gz)
    return path


def test_the_cheap_gibibyte_archives_are_what_they_claim(tmp_path):
    """The test bombs are real: the zip's member and the tar.gz's stream give 1 GiB (read
    back in part here: the first and last MiB)."""
    z = _zip_of_zeros(tmp_path / "b.zip", 1024)
    t = _tgz_of_zeros(tmp_path / "b.tar.gz", 1024)
    assert z.stat().st_size < 2 * MIB and t.stat().st_size < 2 * MIB
    with zipfile.ZipFile(z) as archive:
        assert archive.getinfo("bomb/demand.csv").file_size == GIB
        with archive.open("bomb/demand.csv") as f:
            assert f.read(MIB) == bytes(MIB)
    with tarfile.open(t, "r|gz") as archive:
        member = next(iter(archive))
        assert (member.name, member.size) == ("bomb/demand.csv", GIB)


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_a_gibibyte_bomb_is_refused_at_once_with_nothing_cached(tmp_path, cache, kind):
    """1 GiB from a ~1 MB archive, default limits: refused from the sizes the archive declares,
    before unpacking a byte, in well under a second; the cache keeps nothing."""
    make = _zip_of_zeros if kind == "zip" else _tgz_of_zeros
    url = make(tmp_path / f"bomb.{kind}", 1024).as_uri()
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(url)
    spent = time.monotonic() - started
    text = str(err.value)
    assert text.startswith(f"scenario URL '{url}': ")
    assert "past the limit max_unpacked_mb = 200 MB; refused" in text
    assert "--fetch-limit max_unpacked_mb=N" in text and LIMITS_ENV in text
    assert "1073.7 MB, more than 200 MB in all (refused after 0.0 MB unpacked)" in text
    assert spent < 2.0
    assert _files(cache) == []


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


TOML = (DATA / "duo" / "scenario.toml").read_bytes()
NOISE = os.urandom(3 * MIB)  # does not compress


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
@pytest.mark.parametrize(("members", "limits", "message"), [
    ({"s/scenario.toml": TOML, "s/demand.csv": bytes(20 * MIB)}, {},
     "times the archive's 0.02 MB (refused after 0.0 MB unpacked)"),
    ({"s/scenario.toml": TOML, "s/demand.csv": NOISE}, {"max_unpacked_mb": 2},
     "3.1 MB, more than 2 MB in all (refused after 0.0 MB unpacked)"),
    ({"s/scenario.toml": TOML, **{f"s/{k}.csv": b"x" for k in range(20)}},
     {"max_members": 10}, "files and folders"),
], ids=["ratio", "unpacked", "members"])
def test_each_unpacking_limit_refuses(tmp_path, cache, kind, members, limits, message):
    make = _zip if kind == "zip" else _tgz
    path = tmp_path / f"a.{kind}"
    path.write_bytes(make(members))
    with pytest.raises(FetchError) as err:
        fetch(path.as_uri(), limits=Limits().replace(limits))
    assert message in str(err.value)
    key = next(iter(limits), "max_ratio")
    assert f"past the limit {key} = " in str(err.value)
    assert _files(cache) == []


def test_limits_that_are_not_passed_let_the_scenario_through(tmp_path, cache):
    """A real scenario archive passes the defaults; raising a limit lets a big one through."""
    path = tmp_path / "duo.zip"
    path.write_bytes(_zip({f"duo/{f.name}": f.read_bytes() for f in (DATA / "duo").iterdir()
                           if f.is_file()}))
    assert (fetch(path.as_uri()).folder / "scenario.toml").is_file()
    big = tmp_path / "big.zip"
    big.write_bytes(_zip({"s/scenario.toml": TOML, "s/_pad.bin": bytes(20 * MIB)}))
    got = fetch(big.as_uri(), limits=Limits(max_ratio=10_000))
    assert (got.folder / "_pad.bin").stat().st_size == 20 * MIB


def _patched(data: bytes, *, flags: int | None = None, method: int | None = None) -> bytes:
    """A zip with every local and central header's flags or compression method replaced."""
    out = bytearray(data)
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = out.find(sig)
        while pos != -1:
            if flags is not None:
                out[pos + at:pos + at + 2] = struct.pack("<H", flags)
            if method is not None:
                out[pos + at + 2:pos + at + 4] = struct.pack("<H", method)
            pos = out.find(sig, pos + 4)
    return bytes(out)


@pytest.mark.parametrize(("patch", "message"), [
    ({"flags": 1}, "archive member 's/scenario.toml' is encrypted; a scenario archive must be "
                   "readable without a password"),
    ({"method": 9}, "archive member 's/scenario.toml' is compressed with method 9 (deflate64), "
                    "which cannot be read; re-pack it with stored, deflate, bzip2, lzma"),
    ({"method": 77}, "compressed with method 77 (unknown)"),
])
def test_encrypted_and_unreadable_members_are_clear_errors(tmp_path, cache, patch, message):
    path = tmp_path / "odd.zip"
    path.write_bytes(_patched(_zip({"s/scenario.toml": TOML}), **patch))
    with pytest.raises(FetchError) as err:
        fetch(path.as_uri())
    assert str(err.value) == f"scenario URL '{path.as_uri()}': {message}" or \
        message in str(err.value)
    assert _files(cache) == []


class _Server:
    """An HTTP server in a thread whose GET handler is ``answer(handler)``."""

    def __init__(self, answer) -> None:
        outer = self
        self.stop = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self, outer.stop)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def serve() -> Iterator:
    servers: list[_Server] = []

    def start(answer) -> _Server:
        servers.append(_Server(answer))
        return servers[-1]
    yield start
    for s in servers:
        s.close()


def _endless(h, stop):
    """200, no length, zeros until the client hangs up."""
    h.send_response(200)
    h.end_headers()
    chunk = bytes(MIB)
    while not stop.is_set():
        h.wfile.write(chunk)


def _drip(h, stop):
    """200, then one byte every 0.2 s, forever: every read gets something in time."""
    h.send_response(200)
    h.send_header("Content-Length", "1000000")
    h.end_headers()
    while not stop.wait(0.2):
        h.wfile.write(b"\0")
        h.wfile.flush()


def _header_drip(h, stop):
    """A status line, then a header a byte every 0.2 s, forever."""
    h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stop.wait(0.2):
        h.wfile.write(b"a")
        h.wfile.flush()


def _stall(h, stop):
    """200, then nothing."""
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.flush()
    stop.wait(60)


def _announce(h, stop):
    h.send_response(200)
    h.send_header("Content-Length", str(50 * GIB))
    h.end_headers()
    stop.wait(60)


def test_an_endless_download_is_refused_at_the_byte_limit(serve, cache):
    url = f"{serve(_endless).url}/endless.zip"
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(url, limits=Limits(max_download_mb=20))
    spent = time.monotonic() - started
    assert str(err.value).startswith(f"scenario URL '{url}': more than 20 MB downloaded, past "
                                     "the limit max_download_mb = 20 MB; refused (raise it with")
    assert spent < 5
    assert _files(cache) == []


def test_an_announced_oversize_download_is_refused_before_reading(serve, cache):
    url = f"{serve(_announce).url}/huge.tar.gz"
    with pytest.raises(FetchError, match=r"the server announces 53687\.1 MB, past the limit "
                                         r"max_download_mb = 100 MB"):
        fetch(url)
    assert _files(cache) == []


@pytest.mark.parametrize("answer", [_drip, _stall, _header_drip],
                         ids=["drip", "stall", "header_drip"])
def test_a_slow_server_is_refused_at_the_total_time_limit(serve, cache, answer):
    """max_fetch_s counts the whole fetch: a byte every 0.2 s (each read on time, in the body
    or in the headers) and a server that stops sending are refused when it is up, not 30 s
    per read later."""
    url = f"{serve(answer).url}/slow.zip"
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(url, limits=Limits(max_fetch_s=1.5))
    spent = time.monotonic() - started
    assert re.search(r"fetching took 1\.[5-9] s in all \(0\.0 MB downloaded", str(err.value))
    assert "past the limit max_fetch_s = 1.5 s; refused (raise it with " in str(err.value)
    assert 1.4 < spent < 3
    assert _files(cache) == []


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv(LIMITS_ENV, "max_download_mb=500, max_fetch_s=600")
    assert default_limits() == Limits(max_download_mb=500, max_fetch_s=600)
    monkeypatch.setenv(LIMITS_ENV, "max_downlod_mb=5")
    with pytest.raises(ValueError, match=r"\$ROUTING_FETCH_LIMITS: unknown limit "
                                         "'max_downlod_mb'; valid: max_download_mb, "):
        default_limits()
    monkeypatch.setenv(LIMITS_ENV, "max_members=0")
    with pytest.raises(ValueError, match="max_members must be a whole number > 0; got 0"):
        default_limits()


def test_gzip_helper_matches_gzip(tmp_path):
    """The tar.gz bomb's gzip framing is what the gzip module reads."""
    path = _tgz_of_zeros(tmp_path / "small.tar.gz", 2)
    data = gzip.decompress(path.read_bytes())
    assert len(data) == 512 + 2 * MIB + 1024 and data[512:] == bytes(2 * MIB + 1024)


# --- Which files a scenario may read -------------------------------------------------------

SECRET = "API_KEY=hunter2-do-not-echo"


def _duo(folder: Path, tables: str = "") -> Path:
    """A copy of the duo scenario, its scenario.toml with ``tables`` (a [tables] body)."""
    import shutil

    shutil.copytree(DATA / "duo", folder)
    if tables:
        toml = folder / "scenario.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + f"\n[tables]\n{tables}\n",
                        encoding="utf-8")
    return folder


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret" / "secret.csv"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\nx,y\n", encoding="utf-8")
    return path


def _zip_folder(folder: Path, dest: Path) -> Path:
    dest.write_bytes(_zip({f"{folder.name}/{f.name}": f.read_bytes()
                           for f in folder.iterdir() if f.is_file()}))
    return dest


@pytest.mark.parametrize(("ref", "message"), [
    ("{secret}", "scenario.toml: [tables] demand = '{secret}' is an absolute path; a fetched "
                 "scenario reads only files inside its own folder, named relative to it; "
                 "refused"),
    ("../../../../../secret/secret.csv",
     "scenario.toml: [tables] demand = '../../../../../secret/secret.csv' points outside the "
     "scenario folder ('..' leading out of it); a fetched scenario reads only files inside its "
     "own folder; refused"),
])
def test_a_fetched_scenario_reads_no_file_outside_its_folder(tmp_path, cache, secret, ref,
                                                             message):
    """Through a sweep SPEC: the job list stops on the refusal, which names the field and
    shows nothing of the file."""
    from routing.exceptions import ScenarioError
    from routing.sweep import jobs_of, read_spec

    ref, message = ref.format(secret=secret), message.format(secret=secret)
    archive = _zip_folder(_duo(tmp_path / "duo", f'demand = "{ref}"'), tmp_path / "duo.zip")
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'[sweep]\nseeds = [1]\n\n[[scenarios]]\npath = "{archive.as_uri()}"\n',
                         encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        jobs_of(read_spec(spec_file))
    assert f"1 problem in scenario URL '{archive.as_uri()}' (fetched to " in str(err.value)
    assert message in str(err.value)
    assert "API_KEY" not in str(err.value) and "hunter2" not in str(err.value)


def _links(folder: Path, secret: Path) -> None:
    (folder / "zero.csv").symlink_to("/dev/zero")
    (folder / "secret.csv").symlink_to(secret)
    (folder / "inner.csv").symlink_to(folder / "demand.csv")
    os.mkfifo(folder / "fifo.csv")


@pytest.mark.parametrize(("ref", "confined", "message"), [
    ("zero.csv", True, "[tables] demand = 'zero.csv' points outside the scenario folder (a link "
                       "resolving out of it)"),
    ("secret.csv", True, "[tables] demand = 'secret.csv' points outside the scenario folder (a "
                         "link resolving out of it)"),
    ("fifo.csv", True, "[tables] demand = 'fifo.csv' is a FIFO, not a regular file; refused"),
    ("zero.csv", False, "[tables] demand = 'zero.csv' is a device, not a regular file; refused"),
    ("fifo.csv", False, "[tables] demand = 'fifo.csv' is a FIFO, not a regular file; refused"),
    ("inner.csv", True, None),  # a link inside the folder is read
    ("secret.csv", False, None),  # a scenario of one's own may use files elsewhere
])
def test_links_devices_and_fifos(tmp_path, secret, ref, confined, message):
    """Refused before opening (a FIFO would block, /dev/zero never end), in a fetched
    (confined) scenario and a local one alike; only a confined one refuses links out."""
    from routing.exceptions import ScenarioError
    from routing.io import read_scenario

    folder = _duo(tmp_path / "duo", f'demand = "{ref}"')
    _links(folder, secret)
    if message is None and ref == "inner.csv":
        assert read_scenario(folder, confined=confined).name == "duo"
        return
    with pytest.raises(ScenarioError) as err:
        read_scenario(folder, confined=confined)
    text = str(err.value)
    if message is None:  # read, and its wrong header reported: a local user's own file
        assert "unknown column" in text
    else:
        assert f"scenario.toml: {message}" in text
        assert "API_KEY" not in text


def test_roads_reference_and_variant_vehicles_are_confined_too(tmp_path, secret):
    from routing.exceptions import ScenarioError
    from routing.io import read_scenario

    folder = _duo(tmp_path / "duo")
    toml = folder / "scenario.toml"
    text = toml.read_text(encoding="utf-8").replace(
        "[network]\n", f'[network]\nroads = "{secret}"\n').replace(
        "[solve]\n", '[solve]\nreference = "../plan.json"\n')
    text = text.replace('name = "every_other_day"\n',
                        'name = "every_other_day"\nvehicles = "/etc/passwd"\n')
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_scenario(folder, confined=True)
    text = str(err.value)
    assert f"[network] roads = '{secret}' is an absolute path" in text
    assert "[solve] reference = '../plan.json' points outside the scenario folder" in text
    assert "[[compare.variants]] #" in text and "vehicles = '/etc/passwd' is an absolute path" \
        in text
    assert "root:" not in text and "API_KEY" not in text


def test_a_table_over_the_size_limit_is_refused_before_reading(tmp_path):
    """A 201 MB demand table (sparse: cheap to make) and an .xlsx unpacking past the limit."""
    from routing.exceptions import ScenarioError
    from routing.io import read_scenario

    folder = _duo(tmp_path / "duo", 'carriers = "carriers.xlsx"')
    with (folder / "demand.csv").open("r+b") as f:
        f.truncate(201_000_000)
    (folder / "carriers.xlsx").write_bytes(_zip({"xl/sheet1.xml": bytes(3 * MIB)}))
    started = time.monotonic()
    with pytest.raises(ScenarioError) as err:
        read_scenario(folder, limits=Limits(max_table_mb=200))
    assert time.monotonic() - started < 1
    assert ("scenario.toml: [tables] demand = 'demand.csv' is 201.0 MB, more than the limit "
            "max_table_mb = 200 MB a table may be; refused before reading it (raise it with "
            "`routing sweep --fetch-limit max_table_mb=N`") in str(err.value)
    with pytest.raises(ScenarioError) as err:
        read_scenario(folder, limits=Limits(max_table_mb=3))
    assert "[tables] carriers = 'carriers.xlsx' is 3.1 MB unpacked, more than the limit " \
           "max_table_mb = 3 MB" in str(err.value)
    assert "[tables] demand = 'demand.csv' is 201.0 MB" in str(err.value)


# --- Where the limits come from ------------------------------------------------------------

def test_spec_fetch_table_and_cli_overrides(tmp_path, cache):
    """[fetch] in the SPEC sets the limits the SPEC's scenarios are fetched under and its jobs
    carry; read_spec's limits (the CLI's --fetch-limit) win; a typo is named."""
    from routing.exceptions import ScenarioError
    from routing.sweep import jobs_of, read_spec

    archive = _zip_folder(_duo(tmp_path / "duo"), tmp_path / "duo.zip")
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'[sweep]\nseeds = [1]\n\n[fetch]\nmax_download_mb = 0.001\n'
                         f'max_fetch_s = 60\n\n[[scenarios]]\npath = "{archive.as_uri()}"\n',
                         encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_spec(spec_file)
    assert f"[[scenarios]] #1: scenario URL '{archive.as_uri()}': the archive is 0.0 MB, past " \
           "the limit max_download_mb = 0.001 MB; refused" in str(err.value)
    spec = read_spec(spec_file, limits={"max_download_mb": 5})
    assert spec.limits == Limits(max_download_mb=5, max_fetch_s=60)
    assert {j.limits for j in jobs_of(spec)} == {spec.limits}

    spec_file.write_text(f'[fetch]\nmax_downlod_mb = 5\nmax_members = -1\n\n[[scenarios]]\n'
                         f'path = "{archive.as_uri()}"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_spec(spec_file)
    assert "[fetch]: unknown key 'max_downlod_mb'; did you mean 'max_download_mb'?" \
        in str(err.value)
    assert "[fetch] max_members must be a whole number > 0; got -1" in str(err.value)


def test_cli_fetch_limit(tmp_path, cache):
    from click.testing import CliRunner

    from routing.cli import main

    archive = _zip_folder(_duo(tmp_path / "duo"), tmp_path / "duo.zip")
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'[[scenarios]]\npath = "{archive.as_uri()}"\n', encoding="utf-8")
    run = CliRunner().invoke(main, ["sweep", str(spec_file), "-o", str(tmp_path / "out"),
                                    "--fetch-limit", "max_members=2"])
    assert run.exit_code == 1
    assert "the archive holds 7 files and folders, past the limit max_members = 2; refused " \
           "(raise it with `routing sweep --fetch-limit max_members=N`" in run.output
    bad = CliRunner().invoke(main, ["sweep", str(spec_file), "-o", str(tmp_path / "out"),
                                    "--fetch-limit", "max_membres=2"])
    assert bad.exit_code == 2
    assert "Invalid value for --fetch-limit: unknown limit 'max_membres'; valid: " \
           "max_download_mb, max_unpacked_mb, max_members" in bad.output


def test_a_folder_on_another_file_system_is_counted_too(tmp_path, cache):
    """An fsspec folder (memory:// here) is copied file by file under the same limits."""
    import fsspec

    memory = fsspec.filesystem("memory")
    memory.put(str(DATA / "duo"), "/limits/duo", recursive=True)
    try:
        with pytest.raises(FetchError, match=r"the folder holds 7 files, past the limit "
                                             r"max_members = 3"):
            fetch("memory://limits/duo", limits=Limits(max_members=3))
        with pytest.raises(FetchError, match=r"the folder holds 0\.0 MB, past the limit "
                                             r"max_download_mb = 0\.001 MB"):
            fetch("memory://limits/duo", limits=Limits(max_download_mb=0.001))
        assert (fetch("memory://limits/duo").folder / "scenario.toml").is_file()
    finally:
        memory.rm("/limits", recursive=True)


def test_a_killed_fetchs_temporary_folder_is_removed_later(tmp_path, cache):
    """A fetch killed outright leaves its .fetch-* folder; the next fetch of the URL removes
    it once it is a day old, and leaves a young one (a fetch maybe under way) alone."""
    archive = _zip_folder(_duo(tmp_path / "duo"), tmp_path / "duo.zip")
    first = fetch(archive.as_uri())
    base = first.folder.parent.parent
    old, young = base / ".fetch-old", base / ".fetch-young"
    for folder in (old, young):
        (folder / "unpacked").mkdir(parents=True)
        (folder / "download.zip").write_bytes(b"half")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert fetch(archive.as_uri()) == first
    assert not old.exists() and young.exists()
