"""benchmarks/bench_serve.py in its smallest mode (2 users for 3 s, on the tiny county), so the
load test cannot rot: it starts `routing serve`, plans, reads, edits, and finds no error and no
lost edit. Its latencies depend on the machine and are not asserted (--report-only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from ..conftest import ROOT, TINY


@pytest.mark.slow
def test_bench_serve_runs_in_its_smallest_mode(tmp_path):
    shutil.copytree(TINY, tmp_path / "scenarios" / "tiny")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_serve.py"), "--quick",
                        "--report-only", "--scenario", "tiny",
                        "--scenarios", str(tmp_path / "scenarios")],
                       capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "| GET plan |" in out and "| GET version |" in out and "| retime 200 |" in out
    assert "errors 0; lost edits 0" in out, out
