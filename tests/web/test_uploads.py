"""Uploads: a day's manifest (the base scenario with that demand, its bad rows listed row by
row) and a whole scenario as an archive, unpacked with the sweep archives' safety rules; both
limited in size."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import TINY
from .conftest import login, make_app

MANIFEST = ("编号,站点,快递公司,方向,件数,重量,就绪时间\n"
            "M1,T1,中国邮政,下行,30,40,06:30\n"
            "M2,V1,中通,下行,12,15,06:30\n"
            "M3,V3,post,up,6,50,09:00\n")


@pytest.fixture(scope="module")
def small(tmp_path_factory, scenarios) -> Iterator[Any]:
    """An application taking uploads up to 64 kB that unpack to at most 5 MB."""
    from fastapi.testclient import TestClient

    from routing.io.limits import Limits

    made = make_app(tmp_path_factory.mktemp("uploads"), scenarios, max_upload_bytes=64_000,
                    upload_limits=Limits(max_unpacked_mb=5))
    with TestClient(made):
        yield made


def _manifest(who, text: str | bytes, name: str = "manifest.csv", **data: str) -> Any:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return who.send("POST", "/api/scenarios/tiny/manifest", files={"file": (name, body)},
                    data=data)


def test_a_manifest_becomes_a_scenario_of_the_workspace(small):
    from routing.io import read_scenario

    who = login(small, "disp")
    r = _manifest(who, MANIFEST, date="2026-12-01")
    assert r.status_code == 201, r.text
    name = r.json()["scenario"]
    assert name == "tiny-2026-12-01"
    listed = {s["name"]: s for s in who.get("/api/scenarios").json()}
    assert listed[name]["date"] == "2026-12-01" and "tiny" in listed
    day = read_scenario(small.state.web.workspace.root / name, confined=True)
    assert [(ln.id, ln.carrier_id, ln.parcels) for ln in day.demand] == [
        ("M1", "post", 30), ("M2", "zto", 12), ("M3", "post", 6)]
    tiny = small.state.web.catalog.load("tiny")[0]
    assert day.stations == tiny.stations and day.vehicle_types == tiny.vehicle_types
    # the same day again: a name of its own
    assert _manifest(who, MANIFEST, date="2026-12-01").json()["scenario"] == name + "-2"


def test_an_xlsx_manifest(small):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in MANIFEST.splitlines():
        ws.append([int(c) if c.isdigit() else c for c in row.split(",")])
    buf = io.BytesIO()
    wb.save(buf)
    r = _manifest(login(small, "root"), buf.getvalue(), "今日.xlsx")
    assert r.status_code == 201, r.text


def test_a_manifest_with_two_bad_rows_lists_both(small):
    who = login(small, "disp")
    before = who.get("/api/scenarios").json()
    bad = MANIFEST + "M4,V99,post,down,1,1,06:30\nM5,V2,post,down,-3,1,06:30\n"
    r = _manifest(who, bad, "周一.csv")
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert [(e["file"], e["row"], e["field"], e["value"]) for e in errors] == [
        ("周一.csv", 5, "station", "V99"), ("周一.csv", 6, "parcels", "-3")]
    assert all(e["message"] for e in errors)
    assert "2 problem(s) in 周一.csv" in r.json()["detail"]
    assert who.get("/api/scenarios").json() == before  # nothing added


def test_a_manifest_must_be_a_table_of_a_known_scenario(small):
    who = login(small, "disp")
    r = _manifest(who, "x", "manifest.pdf")
    assert r.status_code == 422 and ".xlsx or .csv" in r.json()["detail"]
    r = who.send("POST", "/api/scenarios/nowhere/manifest",
                 files={"file": ("m.csv", MANIFEST.encode())})
    assert r.status_code == 404


def test_a_manifest_date_that_is_not_a_date_is_refused(small):
    r = _manifest(login(small, "disp"), MANIFEST, date="6.12.2026")
    assert r.status_code == 422
    assert r.json()["detail"] == "date must be YYYY-MM-DD; got '6.12.2026'"


def test_an_oversized_upload_is_413(small):
    who = login(small, "disp")
    big = MANIFEST + "".join(f"X{k},V1,post,down,1,1,06:30\n" for k in range(3000))
    r = _manifest(who, big)
    assert r.status_code == 413 and "larger than 64000 bytes" in r.json()["detail"]
    r = who.send("POST", "/api/scenarios", files={"file": ("s.zip", b"0" * 70_000)})
    assert r.status_code == 413


@pytest.mark.parametrize("name, csrf, code", [("plan", "", 403), ("post", "", 403),
                                              ("disp", None, 403)])
def test_who_may_upload(small, name, csrf, code):
    who = login(small, name)
    r = who.send("POST", "/api/scenarios/tiny/manifest", csrf=csrf,
                 files={"file": ("m.csv", MANIFEST.encode())})
    assert r.status_code == code, r.text
    r = who.send("POST", "/api/scenarios", csrf=csrf, files={"file": ("s.zip", b"PK")})
    assert r.status_code == code, r.text


def _zip(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            z.writestr(info, target)
    return buf.getvalue()


def _tiny_members(prefix: str = "county/") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in Path(TINY).iterdir() if p.is_file()}


def _upload(who, name: str, data: bytes) -> Any:
    return who.send("POST", "/api/scenarios", files={"file": (name, data)})


def test_a_scenario_archive_is_added_under_a_name_of_its_own(small):
    from routing.io import read_scenario

    who = login(small, "disp")
    r = _upload(who, "county.zip", _zip(_tiny_members()))
    assert r.status_code == 201, r.text
    name = r.json()["scenario"]
    assert name == "tiny-2"  # tiny is taken
    assert name in {s["name"] for s in who.get("/api/scenarios").json()}
    got = read_scenario(small.state.web.workspace.root / name, confined=True)
    assert got.name == name and len(got.demand) == 12


def _tar(members: dict[str, bytes], symlink: tuple[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink[0])
            info.type = tarfile.SYMTYPE
            info.linkname = symlink[1]
            t.addfile(info)
    return buf.getvalue()


@pytest.mark.parametrize("filename, make, words", [
    ("up.zip", lambda: _zip({**_tiny_members(), "../evil.csv": b"x"}),
     "archive member '../evil.csv' points outside"),
    ("up.tar.gz", lambda: _tar({**_tiny_members(), "/etc/cron.d/x": b"x"}),
     "archive member '/etc/cron.d/x' points outside"),
    ("up.tar.gz", lambda: _tar(_tiny_members(), symlink=("county/stations.csv",
                                                         "/etc/passwd")),
     "is a link or device"),
    ("up.zip", lambda: _zip(_tiny_members(), links={"county/x.csv": "/etc/passwd"}),
     "is a link; refused"),
    ("up.zip", lambda: _zip({**_tiny_members(), "county/big.bin": b"\0" * 20_000_000}),
     "its members declare 20.0 MB, more than 5 MB"),
    ("up.zip", lambda: b"PK\x03\x04 not really", "not a valid zip archive"),
    ("up.zip", lambda: _zip({"readme.txt": b"hello"}), "holds no scenario.toml"),
    ("up.rar", lambda: b"Rar!", "must be a .zip or .tar.gz"),
])
def test_a_malicious_or_broken_archive_is_refused(small, filename, make, words):
    who = login(small, "disp")
    root = small.state.web.workspace.root
    before = sorted(p.name for p in root.iterdir()) if root.is_dir() else []
    r = _upload(who, filename, make())
    assert r.status_code == 422, r.text
    assert words in r.json()["detail"]
    if filename != "up.rar":
        assert f"uploaded archive '{filename}'" in r.json()["detail"]
    assert sorted(p.name for p in root.iterdir()) == before  # nothing left behind
    assert not Path("/etc/cron.d/x").exists()


def test_a_scenario_naming_a_file_outside_its_folder_is_refused(small):
    members = _tiny_members()
    toml = members["county/scenario.toml"].decode() + '\n[tables]\nstations = "/etc/passwd"\n'
    members["county/scenario.toml"] = toml.encode()
    r = _upload(login(small, "disp"), "up.zip", _zip(members))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["errors"] and "/etc/passwd" in body["errors"][0]["message"]
    assert "root:" not in r.text
