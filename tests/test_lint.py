"""ruff keeps the code honest in CI too: the package, the tests and the benchmarks lint clean
(the rules in pyproject.toml, [tool.ruff])."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_ruff_finds_nothing():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "routing", "tests", "benchmarks"],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
