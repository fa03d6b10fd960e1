"""ruff and mypy keep the code honest in CI too: the package, the tests and the benchmarks lint
clean (pyproject.toml [tool.ruff]) and the package type-checks (pyproject.toml [tool.mypy]).
The README's test command runs both before the tests; these tests keep a bare pytest honest."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_ruff_finds_nothing():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "routing", "tests", "benchmarks"],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_mypy_finds_nothing():
    """mypy over the package with pyproject's [tool.mypy]: every module with
    check_untyped_defs, and strict on model/, evaluate/, pipeline/ and the solver options."""
    r = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                       text=True, check=False)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
