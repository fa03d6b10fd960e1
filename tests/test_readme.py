"""The README's two commands stay true: CI runs exactly the README's test command."""

from __future__ import annotations

from .conftest import ROOT


def test_ci_runs_the_readme_test_command():
    """.ci/run's last line is the README's second command, verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_line = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_line in readme
    assert "pytest" in ci_line
    # the code is checked before the tests run: lint, then types (pyproject [tool.mypy])
    assert ci_line.index("ruff check .") < ci_line.index("mypy") < ci_line.index("pytest")
    # and what the tests need beyond pip is set up first, so no test skips for want of it
    assert ci_line.startswith(".ci/setup && ")
    assert (ROOT / ".ci" / "setup").stat().st_mode & 0o111


def test_readme_first_command_plans_the_default_scenario():
    """Command 1 installs and runs `routing plan` on the bundled default scenario."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -q -e \".[dev]\" && routing plan scenarios/xia -o out/xia" in readme
    assert (ROOT / "scenarios" / "xia" / "scenario.toml").is_file()
