"""The plan store tests never touch the user's store (the SQLite and PostgreSQL stores to test
against, ``store_url`` and ``pg_url``, live in tests/conftest.py: the sweep tests use them too).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _default_store(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--store` alone and `--reference latest` without `--store` never touch the user's store."""
    monkeypatch.setenv("ROUTING_STORE_URL", f"sqlite:///{tmp_path / 'default.sqlite'}")
