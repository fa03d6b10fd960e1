"""Text Excel can store: the writers' second line of defence after the scenario reader (which
rejects control characters already). Shared by routes.xlsx (:mod:`routing.report.tables`) and
comparison.xlsx (:mod:`routing.report.comparison`)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# What Excel cannot store in a cell (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, not imported to
# keep openpyxl off the import path) and in a sheet name.
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_SHEET_ILLEGAL = re.compile(r"[\\*?:/\[\]]")


def xlsx_text(value: Any) -> Any:
    """A cell value Excel can store: text loses the control characters Excel refuses (the
    scenario reader rejects them already; this is the writers' second line of defence)."""
    return _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value


def xlsx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose text cells Excel can store (see :func:`xlsx_text`)."""
    return frame.map(xlsx_text)


def sheet_title(name: str) -> str:
    """A valid, at most 31-character sheet name (no \\ * ? : / [ ])."""
    return _SHEET_ILLEGAL.sub("_", xlsx_text(name))[:31] or "_"
