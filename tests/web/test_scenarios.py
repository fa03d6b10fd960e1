"""The workspace's scenarios are read with their matrices once and kept: the same objects for
the same name until a file of the folder changes, and one reading for callers arriving at
once."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from routing.web.scenarios import ScenarioCatalog

from ..conftest import TINY


@pytest.fixture
def catalog(tmp_path):
    shutil.copytree(TINY, tmp_path / "tiny")
    return ScenarioCatalog(tmp_path)


def test_the_same_name_gives_the_same_scenario_and_matrices(catalog):
    scenario, matrices = catalog.load("tiny")
    again, again_m = catalog.load("tiny")
    assert again is scenario and again_m is matrices


def test_a_changed_file_is_read_again(catalog):
    scenario, matrices = catalog.load("tiny")
    toml = catalog.root / "tiny" / "scenario.toml"
    toml.write_text(toml.read_text("utf-8") + "\n# edited\n", "utf-8")
    st = toml.stat()
    os.utime(toml, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    fresh, fresh_m = catalog.load("tiny")
    assert fresh is not scenario and fresh_m is not matrices
    assert fresh.name == scenario.name
    assert catalog.load("tiny")[0] is fresh


def test_callers_at_once_share_one_reading(catalog, monkeypatch):
    import routing.io

    calls = []
    real = routing.io.read_scenario

    def counted(folder):
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(routing.io, "read_scenario", counted)
    got = []
    threads = [threading.Thread(target=lambda: got.append(catalog.load("tiny")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(s) for s, _ in got}) == 1
