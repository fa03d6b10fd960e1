"""The house stays as issue 18 left it: small functions where the planning happens, options
typed rather than carried in dicts."""

from __future__ import annotations

import ast

import pytest

from .conftest import ROOT

#: Folders whose every function stays under this many lines (the checker's rules included).
SMALL = ("routing/solve", "routing/pipeline", "routing/evaluate/check")
MAX_LINES = 80


def _functions(folder: str) -> list[tuple[str, str, int]]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                out.append((str(path.relative_to(ROOT)), node.name,
                            node.end_lineno - node.lineno + 1))
    return out


@pytest.mark.parametrize("folder", SMALL)
def test_functions_stay_under_80_lines(folder):
    long = [f"{path}:{name} {n} lines" for path, name, n in _functions(folder) if n >= MAX_LINES]
    assert not long, "split these: " + "; ".join(long)


@pytest.mark.parametrize("folder", ("routing/solve", "routing/pipeline"))
def test_no_options_travel_as_keyword_dicts(folder):
    """Solver options are a SolveOptions (routing.solve.options), never ``**opts``."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.args.kwarg is not None:
                found.append(f"{path.relative_to(ROOT)}:{node.name} **{node.args.kwarg.arg}")
    assert not found, found
